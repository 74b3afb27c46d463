// Per-URL delivery state (outbox.hpp).
#include "jicofo/webhooks/outbox.hpp"

#include <algorithm>
#include <utility>

namespace jicofo::webhooks {

std::chrono::milliseconds RetryPolicy::backoff(int failures) const {
    auto wait = initial_backoff;
    for (int i = 1; i < failures && wait < max_backoff; ++i) {
        wait *= 2;
    }
    return std::min(wait, max_backoff);
}

Outbox::Outbox(RetryPolicy policy, std::size_t capacity, std::size_t max_in_flight)
    : policy_(policy), capacity_(capacity), max_in_flight_(std::max<std::size_t>(max_in_flight, 1)) {}

bool Outbox::push(std::shared_ptr<const Delivery> delivery) {
    if (depth_ >= capacity_) {
        ++counters_.dropped;
        return false;
    }
    auto [it, created] = lanes_.try_emplace(delivery->lane);
    it->second.queue.push_back(std::move(delivery));
    ++depth_;
    if (created) {
        ready_.push_back(it->first);  // an idle lane: its new head may go at once
    }
    return true;
}

std::vector<Outbox::Attempt> Outbox::take_due(Clock::time_point now) {
    while (!waiting_.empty() && waiting_.begin()->first <= now) {
        ready_.push_back(std::move(waiting_.begin()->second));
        waiting_.erase(waiting_.begin());
    }
    std::vector<Attempt> due;
    while (in_flight_ < max_in_flight_ && !ready_.empty()) {
        auto lane = std::move(ready_.front());
        ready_.pop_front();
        auto& state = lanes_.at(lane);
        state.sending = true;
        ++in_flight_;
        due.push_back(Attempt{state.queue.front(), state.failures + 1});
    }
    return due;
}

Outbox::Outcome Outbox::finish(const std::string& lane, bool delivered, Clock::time_point now) {
    auto it = lanes_.find(lane);
    if (it == lanes_.end() || !it->second.sending) {
        return Outcome::given_up;  // not ours: nothing changes
    }
    auto& state = it->second;
    state.sending = false;
    --in_flight_;
    if (delivered) {
        ++counters_.delivered;
        advance(lane, state);
        return Outcome::delivered;
    }
    ++counters_.failed_attempts;
    ++state.failures;
    if (policy_.exhausted(state.failures)) {
        ++counters_.given_up;
        advance(lane, state);
        return Outcome::given_up;
    }
    waiting_.emplace(now + policy_.backoff(state.failures), lane);
    return Outcome::retry_later;
}

void Outbox::advance(const std::string& lane, Lane& state) {
    state.queue.pop_front();
    state.failures = 0;
    --depth_;
    if (state.queue.empty()) {
        lanes_.erase(lane);  // `lane` may refer into the erased entry: not used after this
        return;
    }
    ready_.push_back(lane);
}

std::optional<Clock::time_point> Outbox::next_retry() const {
    if (waiting_.empty()) {
        return std::nullopt;
    }
    return waiting_.begin()->first;
}

}  // namespace jicofo::webhooks
