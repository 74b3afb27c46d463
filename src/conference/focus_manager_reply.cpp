// The room map's answers (focus_manager.hpp): the deadline of a waiting request, its one answer, and the request
// shaper's say in ready answers.
#include "focus_manager_state.hpp"

#include "jicofo/core/logging.hpp"

#include <boost/asio/post.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cassert>

namespace jicofo::conference {

// The deadline: a client waits forever for an answer, so a slow join (or a slow redirect) is answered ready=false
// (it retries).
void FocusManager::arm_deadline(const std::shared_ptr<Waiter>& waiter, const stanza::Jid& room) {
    waiter->timer.expires_after(settings_.join_timeout);
    waiter->timer.async_wait([this, self = shared_from_this(), waiter, room](boost::system::error_code ec) {
        if (ec || !waiter->done) {
            return;
        }
        core::module_logger("conference")
            ->warn("room={} the focus did not join within {} ms; answering ready=false", room.to_string(),
                   settings_.join_timeout.count());
        finish(waiter, make_reply(room, false, *waiter));
        if (auto it = conferences_.find(room); it != conferences_.end()) {
            auto& waiters = it->second->waiters;
            const auto before = waiters.size();
            waiters.erase(std::remove(waiters.begin(), waiters.end(), waiter), waiters.end());
            count_waiting(-static_cast<std::ptrdiff_t>(before - waiters.size()));
        }
    });
}

void FocusManager::finish(const std::shared_ptr<Waiter>& waiter, ConferenceRequestResult result) {
    assert(strand_.running_in_this_thread());
    if (!waiter->done) {
        return;
    }
    if (metrics_) {
        metrics_->request_seconds.Observe(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - waiter->started).count());
    }
    auto done = std::exchange(waiter->done, nullptr);
    waiter->timer.cancel();
    done(std::move(result));
}

// A ready answer goes through the request shaper (a visitor redirect) when one is set; the deadline stays armed.
void FocusManager::deliver(const std::shared_ptr<Waiter>& waiter, const stanza::Jid& room, bool ready) {
    auto reply = make_reply(room, ready, *waiter);
    auto it = conferences_.find(room);
    if (!shaper_ || !ready || !waiter->facts || it == conferences_.end()) {
        finish(waiter, std::move(reply));
        return;
    }
    auto handle = it->second->handle;
    shaper_->shape(*handle, *waiter->facts, std::move(reply),
                   [self = shared_from_this(), waiter](ConferenceReply shaped) {
                       boost::asio::post(self->strand_, [self, waiter, shaped = std::move(shaped)]() mutable {
                           self->finish(waiter, std::move(shaped));
                       });
                   });
}

ConferenceReply FocusManager::make_reply(const stanza::Jid& room, bool ready, const Waiter& waiter) const {
    ConferenceReply reply;
    reply.room = room;
    reply.ready = ready;
    reply.focus_jid = settings_.focus_jid.bare();
    reply.session_id = waiter.session_id;
    reply.identity = waiter.identity;
    reply.properties.push_back({"authentication", authority_ ? "true" : "false"});
    if (authority_) {
        reply.properties.push_back({"externalAuth", authority_->external() ? "true" : "false"});
    }
    for (const auto& [key, value] : advertised_) {
        reply.properties.push_back({key, value});
    }
    reply.properties.push_back({"visitors-supported", settings_.visitors_supported ? "true" : "false"});
    return reply;
}

}  // namespace jicofo::conference
