// A brewery: the MUC where bridges, Jigasi or Jibri instances announce themselves with a status extension in their
// presence. It tracks each occupant's status as a typed value and reports instances added, updated and removed.
#pragma once

#include "jicofo/stanza/brewery.hpp"
#include "jicofo/stanza/jid.hpp"
#include "jicofo/xmpp/muc_room.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

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
};

// Lives on `strand` like a MucRoom (construct, call and destroy it there). Occupants without the status extension
// are ignored until they publish it; a malformed status is logged and the previous one kept. After a fresh XMPP
// session the room is re-joined and instances that are gone are removed. Not movable: the room calls back into it.
template <typename Status>
class Brewery {
public:
    Brewery(XmppConnection& connection, Strand strand, BrewerySettings settings, BreweryHandlers<Status> handlers);
    Brewery(const Brewery&) = delete;
    Brewery& operator=(const Brewery&) = delete;
    ~Brewery();

    void join(std::function<void(JoinResult)> done = {});
    void leave(std::function<void(bool)> done = {});

    [[nodiscard]] bool joined() const { return room_->joined(); }
    [[nodiscard]] const std::map<stanza::Jid, Status>& instances() const { return instances_; }
    [[nodiscard]] const stanza::Jid& room_jid() const { return settings_.room; }

private:
    void on_event(const MucEvent& event);
    void on_member(const Member& member);
    void remove(const stanza::Jid& occupant);
    void remove_all();

    BrewerySettings settings_;
    BreweryHandlers<Status> handlers_;
    std::map<stanza::Jid, Status> instances_;
    std::unique_ptr<MucRoom> room_;  // last, so that it goes (and stops calling back) first
};

extern template class Brewery<stanza::ColibriStats>;
extern template class Brewery<stanza::JibriStatus>;

using BridgeBrewery = Brewery<stanza::ColibriStats>;
using JigasiBrewery = Brewery<stanza::ColibriStats>;
using JibriBrewery = Brewery<stanza::JibriStatus>;

}  // namespace jicofo::xmpp
