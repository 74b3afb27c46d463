// A brewery: the MUC where bridges, Jigasi or Jibri instances announce themselves with a status extension in their
// presence. It tracks each occupant's status as a typed value and reports instances added, updated and removed.
#pragma once

#include "jicofo/stanza/brewery.hpp"
#include "jicofo/stanza/jid.hpp"
#include "jicofo/xmpp/muc_room.hpp"

#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace jicofo::xmpp {

// Which presence extension carries an instance's status.
template <typename Status>
struct BreweryStatusTraits;

template <>
struct BreweryStatusTraits<stanza::ColibriStats> {  // bridges and Jigasi
    static constexpr std::string_view kElement = "stats";
    static constexpr std::string_view kNamespace = "http://jitsi.org/protocol/colibri";
};

template <>
struct BreweryStatusTraits<stanza::JibriStatus> {
    static constexpr std::string_view kElement = "jibri-status";
    static constexpr std::string_view kNamespace = "http://jitsi.org/protocol/jibri";
};

// Called on the brewery's strand. The JID is the occupant JID (brewery@internal.auth.<domain>/<nick>), which is
// the address Jicofo uses for the instance (colibri2, health checks, Jibri IQs).
template <typename Status>
struct BreweryHandlers {
    std::function<void(const stanza::Jid& occupant, const Status& status)> instance_added;
    std::function<void(const stanza::Jid& occupant, const Status& status)> instance_updated;
    std::function<void(const stanza::Jid& occupant)> instance_removed;
};

struct BrewerySettings {
    stanza::Jid room;  // e.g. jvbbrewery@internal.auth.example.com
    std::string nick = "focus";
    std::chrono::milliseconds timeout{0};  // zero → the connection's reply timeout
    // jicofo.xmpp.trusted-domains. An occupant is an instance only if its real JID's domain is one of these or the
    // domain of the connection's own account (auth.<domain> in a stock deployment, where bridges, Jibri and Jigasi
    // log in too): anybody who can enter the room could otherwise offer itself as a bridge.
    std::vector<std::string> trusted_domains;
    // After a failed join, or after the room dropped us (kicked, destroyed), the brewery is joined again after this
    // delay, doubling up to rejoin_delay_cap while it keeps failing.
    std::chrono::milliseconds rejoin_delay{1000};
    std::chrono::milliseconds rejoin_delay_cap{30000};
};

// Lives on `strand` like a MucRoom (construct, call and destroy it there). Occupants without the status extension
// are ignored until they publish it; a malformed status is logged and the previous one kept; an occupant from an
// untrusted domain (or whose real JID the room hides) is ignored and logged once. After a fresh XMPP session the room
// is re-joined and instances that are gone are removed. From join() until leave() the brewery stays in the room: a
// failed join, a kick or a destroyed room is followed by another join with backoff. Not movable: the room calls
// back into it.
template <typename Status>
class Brewery {
public:
    Brewery(XmppConnection& connection, Strand strand, BrewerySettings settings, BreweryHandlers<Status> handlers);
    Brewery(const Brewery&) = delete;
    Brewery& operator=(const Brewery&) = delete;
    ~Brewery();

    // `done` gets the first attempt's result; later attempts follow by themselves until leave().
    void join(std::function<void(JoinResult)> done = {});
    void leave(std::function<void(bool)> done = {});

    [[nodiscard]] bool joined() const { return room_->joined(); }
    [[nodiscard]] const std::map<stanza::Jid, Status>& instances() const { return instances_; }
    [[nodiscard]] const stanza::Jid& room_jid() const { return settings_.room; }
    // Joins made since construction (the first one included), for tests and the log.
    [[nodiscard]] unsigned join_attempts() const { return join_attempts_; }

private:
    void start_join(std::function<void(JoinResult)> done);
    void schedule_rejoin(const std::string& why);
    void on_event(const MucEvent& event);
    void on_member(const Member& member);
    [[nodiscard]] bool trusted(const Member& member);
    void remove(const stanza::Jid& occupant);
    void remove_all();

    // Bounds the set of occupants already logged as untrusted (each is logged once while it stays).
    static constexpr std::size_t kMaxIgnoredLogged = 256;

    BrewerySettings settings_;
    BreweryHandlers<Status> handlers_;
    std::map<stanza::Jid, Status> instances_;
    std::set<stanza::Jid> ignored_;
    bool want_joined_ = false;
    unsigned join_attempts_ = 0;
    std::chrono::milliseconds next_delay_{0};
    boost::asio::steady_timer rejoin_timer_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // false once destroyed: a queued timer handler
    std::unique_ptr<MucRoom> room_;  // last, so that it goes (and stops calling back) first
};

extern template class Brewery<stanza::ColibriStats>;
extern template class Brewery<stanza::JibriStatus>;

using BridgeBrewery = Brewery<stanza::ColibriStats>;
using JigasiBrewery = Brewery<stanza::ColibriStats>;
using JibriBrewery = Brewery<stanza::JibriStatus>;

}  // namespace jicofo::xmpp
