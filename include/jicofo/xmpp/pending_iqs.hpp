// Outgoing IQ requests waiting for their reply: matched by id and sender, each completed exactly once (reply,
// timeout or disconnect). Pure logic with an explicit clock, owned by the connection thread.
#pragma once

#include "jicofo/stanza/envelope.hpp"
#include "jicofo/stanza/jid.hpp"
#include "jicofo/xmpp/iq_result.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>

namespace jicofo::xmpp {

class PendingIqTable {
public:
    using Clock = std::chrono::steady_clock;
    // Called once per completed request with its namespace and round trip (for the histogram); may be empty.
    using RoundTripObserver = std::function<void(const std::string& ns, Clock::duration round_trip)>;

    struct Entry {
        std::optional<stanza::Jid> expected_from;  // the request's `to`; empty → our account or server
        std::string ns;                            // the request payload's namespace
        Clock::time_point sent_at;
        Clock::time_point deadline;
        IqCallback completion;
    };

    void set_round_trip_observer(RoundTripObserver observer) { observer_ = std::move(observer); }

    // False when the id is already pending (the caller must pick another).
    bool add(const stanza::Iq& request, Clock::time_point now, Clock::duration timeout, IqCallback completion);

    // Completes the request this result/error answers. Returns false when nothing waits for it (unknown id, or a
    // sender that is not the one asked: a spoofed reply is ignored and the request keeps waiting).
    bool complete(const stanza::Iq& reply, Clock::time_point now, const std::optional<stanza::Jid>& own_jid = {});
    // Fails the request with this id (e.g. a reply that could not be parsed). False when nothing waits.
    bool fail(const std::string& id, IqError error);
    // Fails every request whose deadline has passed with Errc::timeout; returns how many.
    std::size_t expire(Clock::time_point now);
    // Fails every request (disconnect, shutdown); returns how many.
    std::size_t fail_all(core::Errc errc);

    [[nodiscard]] std::size_t size() const { return entries_.size(); }
    [[nodiscard]] bool contains(const std::string& id) const { return entries_.contains(id); }
    // The earliest deadline, to bound the event loop's sleep.
    [[nodiscard]] std::optional<Clock::time_point> next_deadline() const;

private:
    std::unordered_map<std::string, Entry> entries_;
    RoundTripObserver observer_;
};

}  // namespace jicofo::xmpp
