// The delivery state of one webhook URL, without I/O: which events wait, which attempt may go now, and when a failed
// one is retried. Events of one conference (a "lane"; bridge events share one lane) go one at a time and in order:
// an event is sent only once the previous one of its lane was delivered or given up. Lanes are independent, up to
// `max_in_flight` attempts at once, taken in the order they became ready. The queue is bounded: an event pushed
// while `capacity` events wait is dropped and counted. Time is passed in, so tests run the backoff without waiting.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace jicofo::webhooks {

using Clock = std::chrono::steady_clock;

struct RetryPolicy {
    int max_retries = 10;  // -1: for ever
    std::chrono::milliseconds initial_backoff{1000};
    std::chrono::milliseconds max_backoff{60000};

    // The wait after the `failures`-th failed attempt in a row (1-based): initial, doubled each time, capped at max.
    [[nodiscard]] std::chrono::milliseconds backoff(int failures) const;
    // Whether an event that failed `failures` times is given up.
    [[nodiscard]] bool exhausted(int failures) const { return max_retries >= 0 && failures > max_retries; }
};

// One event, ready to POST: the body is signed once when queued, so a later change of the secret does not touch it.
struct Delivery {
    std::string id;
    std::string type;
    std::string lane;  // the room JID; "" for events of no conference
    std::string body;
    std::string signature;                     // the header's value; empty: no signature header
    Clock::time_point queued;                  // when it entered this outbox
    std::chrono::system_clock::time_point at;  // when the event happened (for the delivery latency)
};

class Outbox {
public:
    struct Attempt {
        std::shared_ptr<const Delivery> delivery;
        int attempt = 1;  // 1 for the first
    };
    enum class Outcome { delivered, retry_later, given_up };
    struct Counters {
        std::uint64_t delivered = 0;
        std::uint64_t failed_attempts = 0;
        std::uint64_t dropped = 0;
        std::uint64_t given_up = 0;
    };

    Outbox(RetryPolicy policy, std::size_t capacity, std::size_t max_in_flight);

    // Queues `delivery` at the end of its lane; false (and counted as dropped) when `capacity` events wait already.
    bool push(std::shared_ptr<const Delivery> delivery);
    // The attempts that may start now (each lane's head, when its lane is neither sending nor backing off), marked
    // as in flight until finish().
    [[nodiscard]] std::vector<Attempt> take_due(Clock::time_point now);
    // The result of the attempt of `lane`'s head.
    Outcome finish(const std::string& lane, bool delivered, Clock::time_point now);
    // When the earliest backing-off lane may try again (nullopt: none waits).
    [[nodiscard]] std::optional<Clock::time_point> next_retry() const;

    // Applies to attempts from now on (hot reload); waits already scheduled stay.
    void set_policy(RetryPolicy policy) { policy_ = policy; }
    void set_capacity(std::size_t capacity) { capacity_ = capacity; }

    [[nodiscard]] std::size_t depth() const { return depth_; }
    [[nodiscard]] std::size_t in_flight() const { return in_flight_; }
    [[nodiscard]] std::size_t lanes() const { return lanes_.size(); }
    [[nodiscard]] std::size_t backing_off() const { return waiting_.size(); }
    [[nodiscard]] const Counters& counters() const { return counters_; }
    [[nodiscard]] std::size_t capacity() const { return capacity_; }

private:
    struct Lane {
        std::deque<std::shared_ptr<const Delivery>> queue;
        bool sending = false;
        int failures = 0;  // of the head, in a row
    };
    void advance(const std::string& lane, Lane& state);

    RetryPolicy policy_;
    std::size_t capacity_;
    std::size_t max_in_flight_;
    std::unordered_map<std::string, Lane> lanes_;
    std::deque<std::string> ready_;                          // lanes whose head may go now, in the order they got ready
    std::multimap<Clock::time_point, std::string> waiting_;  // lanes backing off, by the time they may go again
    std::size_t depth_ = 0;
    std::size_t in_flight_ = 0;
    Counters counters_;
};

}  // namespace jicofo::webhooks
