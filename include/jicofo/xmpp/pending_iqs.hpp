// Outgoing IQ requests waiting for their reply: matched by id and sender, each completed exactly once (reply,
// timeout or disconnect). Only a reply from the address asked (or our server, for requests to our own account)
// touches a request: anything else is the caller's to log and drop. Pure logic with an explicit clock, owned by the
// connection thread. Deadlines are kept in order beside the id map, so that finding what is due costs nothing while
// nothing is (the connection loop asks on every turn) and one ordered step per request that is.
#pragma once

#include "jicofo/stanza/envelope.hpp"
#include "jicofo/stanza/jid.hpp"
#include "jicofo/xmpp/iq_result.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>

namespace jicofo::xmpp {

// A fresh request id: 96 bits from the kernel's random source, so that a participant who sees some of our ids
// cannot guess the id of a request sent to someone else (and forge its reply).
[[nodiscard]] std::string random_request_id();

// What became of a reply offered to the table.
enum class ReplyMatch {
    completed,       // it answered a pending request, which is now complete
    unknown_id,      // nothing waits for this id (late, duplicate or made up)
    foreign_sender,  // a request waits for this id, but not from this sender: ignored, the request keeps waiting
};

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
        bool sent = true;           // handed to libstrophe on the current session (false: in our own outbox)
        bool link_dropped = false;  // our link dropped while it waited: its timeout is reported as disconnected
    };

    PendingIqTable() = default;
    // Not copied: the deadline index points into the entries of this very table.
    PendingIqTable(const PendingIqTable&) = delete;
    PendingIqTable& operator=(const PendingIqTable&) = delete;

    void set_round_trip_observer(RoundTripObserver observer) { observer_ = std::move(observer); }

    // False when the id is already pending (the caller must pick another).
    // `sent`: handed to libstrophe now (false: it waits in our outbox); `link_down`: our link is down as it is made.
    bool add(const stanza::Iq& request, Clock::time_point now, Clock::duration timeout, IqCallback completion,
             bool sent = true, bool link_down = false);

    // Completes the request this result/error answers, when it comes from the address the request went to (for a
    // request without `to`: no from, our bare or full JID, or our domain). The reply is moved into the completion
    // when the result is `completed`, and left as it was otherwise (the caller logs it).
    ReplyMatch complete(stanza::Iq& reply, Clock::time_point now, const std::optional<stanza::Jid>& own_jid = {});
    ReplyMatch complete(stanza::Iq&& reply, Clock::time_point now, const std::optional<stanza::Jid>& own_jid = {}) {
        return complete(reply, now, own_jid);
    }
    // There is deliberately no way to fail a single request by id: a reply that cannot be parsed does not tell who
    // really sent it, so it must not end anyone's request (the request times out or gets its real reply).
    // Fails every request whose deadline has passed with Errc::timeout (Errc::disconnected for one that waited
    // through a drop of our link: its loss is ours, not the peer's); returns how many.
    std::size_t expire(Clock::time_point now);
    // Our link dropped: every request waits on (a resumed stream answers it), marked as having crossed the drop.
    void link_dropped();
    // Whether the request with this id went out on the current session; false: it waits in our own outbox.
    void set_sent(const std::string& id, bool sent);
    // A fresh session: requests sent on the old one will never be answered; fails them with `errc`, returns how
    // many. Requests still in our outbox stay.
    std::size_t fail_sent(core::Errc errc);
    // Fails every request (disconnect, shutdown); returns how many.
    std::size_t fail_all(core::Errc errc);

    [[nodiscard]] std::size_t size() const { return entries_.size(); }
    [[nodiscard]] bool contains(const std::string& id) const { return entries_.contains(id); }
    // The earliest deadline, to bound the event loop's sleep and to skip expire() while nothing is due. O(1).
    [[nodiscard]] std::optional<Clock::time_point> next_deadline() const;

private:
    // Deadline → the id of the request it ends, pointing at the key in `entries_` (node-based: the key stays where it
    // is until its entry is erased, and every erase of an entry erases its deadline first). Equal deadlines keep the
    // order in which their requests were added.
    using Deadlines = std::multimap<Clock::time_point, const std::string*>;
    struct Waiting {
        Entry entry;
        Deadlines::iterator deadline;
    };
    // Removes the request (and its deadline) from the table and hands back its entry.
    Entry take(std::unordered_map<std::string, Waiting>::iterator it);

    std::unordered_map<std::string, Waiting> entries_;
    Deadlines deadlines_;
    RoundTripObserver observer_;
};

}  // namespace jicofo::xmpp
