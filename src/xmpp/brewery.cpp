// Brewery<Status>: instances tracked from the status extension in brewery presence (explicitly instantiated for
// ColibriStats and JibriStatus).
#include "jicofo/xmpp/brewery.hpp"

#include "jicofo/core/logging.hpp"
#include "jicofo/stanza/namespaces.hpp"
#include "jicofo/xmpp/xmpp_connection.hpp"

#include <algorithm>

namespace jicofo::xmpp {

static_assert(BreweryStatusTraits<stanza::ColibriStats>::kNamespace == stanza::kNsColibri);
static_assert(BreweryStatusTraits<stanza::JibriStatus>::kNamespace == stanza::kNsJibri);

template <typename Status>
Brewery<Status>::Brewery(XmppConnection& connection, Strand strand, BrewerySettings settings,
                         BreweryHandlers<Status> handlers)
    : settings_(std::move(settings)), handlers_(std::move(handlers)), rejoin_timer_(strand) {
    // Our own account's domain: where a stock deployment's bridges, Jibri and Jigasi log in.
    settings_.trusted_domains.push_back(connection.settings().domain);
    MucRoomSettings room;
    room.room = settings_.room;
    room.configure = false;  // a brewery needs no real JIDs and no room info
    room.timeout = settings_.timeout;
    room_ = std::make_unique<MucRoom>(connection, std::move(strand), std::move(room),
                                      [this](const MucEvent& event) { on_event(event); });
}

template <typename Status>
Brewery<Status>::~Brewery() {
    *alive_ = false;
    rejoin_timer_.cancel();
}

template <typename Status>
void Brewery<Status>::join(std::function<void(JoinResult)> done) {
    want_joined_ = true;
    next_delay_ = settings_.rejoin_delay;
    rejoin_timer_.cancel();
    start_join(std::move(done));
}

template <typename Status>
void Brewery<Status>::start_join(std::function<void(JoinResult)> done) {
    ++join_attempts_;
    room_->join(settings_.nick, std::nullopt, nullptr,
                [this, alive = alive_, done = std::move(done)](const JoinResult& result) {
                    if (!*alive) {
                        return;
                    }
                    if (result) {
                        next_delay_ = settings_.rejoin_delay;
                    } else if (want_joined_) {
                        schedule_rejoin("join failed: " + result.error().message());
                    }
                    if (done) {
                        done(result);
                    }
                });
}

template <typename Status>
void Brewery<Status>::schedule_rejoin(const std::string& why) {
    const auto delay = next_delay_;
    next_delay_ = std::min(next_delay_ * 2, settings_.rejoin_delay_cap);
    core::module_logger("xmpp")->warn("brewery={} {}; joining again in {} ms", settings_.room.to_string(), why,
                                      delay.count());
    rejoin_timer_.expires_after(delay);
    rejoin_timer_.async_wait([this, alive = alive_](boost::system::error_code ec) {
        if (!ec && *alive && want_joined_ && !room_->joined()) {
            start_join(nullptr);
        }
    });
}

template <typename Status>
void Brewery<Status>::leave(std::function<void(bool)> done) {
    want_joined_ = false;
    rejoin_timer_.cancel();
    room_->leave([this, done = std::move(done)](bool confirmed) {
        remove_all();
        if (done) {
            done(confirmed);
        }
    });
}

template <typename Status>
void Brewery<Status>::on_event(const MucEvent& event) {
    if (const auto* joined = std::get_if<MemberJoined>(&event)) {
        on_member(*joined->member);
    } else if (const auto* updated = std::get_if<MemberUpdated>(&event)) {
        on_member(*updated->member);
    } else if (const auto* left = std::get_if<MemberLeft>(&event)) {
        remove(left->member->occupant_jid);
    } else if (const auto* kicked = std::get_if<MemberKicked>(&event)) {
        remove(kicked->member->occupant_jid);
    } else if (const auto* left_room = std::get_if<Left>(&event)) {
        remove_all();  // kicked, destroyed or removed: we cannot see the instances any more
        if (want_joined_ && left_room->reason != LeaveReason::requested) {
            schedule_rejoin(left_room->reason == LeaveReason::kicked      ? "we were kicked"
                            : left_room->reason == LeaveReason::destroyed ? "the room was destroyed"
                                                                          : "we were removed");
        }
    } else if (const auto* rejoined = std::get_if<Rejoined>(&event); rejoined != nullptr && !rejoined->result) {
        remove_all();  // not back in the room after a fresh session
        if (want_joined_) {
            schedule_rejoin("re-join failed: " + rejoined->result.error().message());
        }
    }
}

template <typename Status>
bool Brewery<Status>::trusted(const Member& member) {
    if (domain_trusted(member.real_jid, settings_.trusted_domains)) {
        return true;
    }
    if (ignored_.size() < kMaxIgnoredLogged && ignored_.insert(member.occupant_jid).second) {
        core::module_logger("xmpp")->warn(
            "brewery={} occupant {} ignored: its real JID ({}) is not in a trusted domain (the focus's account "
            "domain or jicofo.xmpp.trusted-domains)",
            settings_.room.to_string(), member.nick,
            member.real_jid ? member.real_jid->to_string() : std::string("hidden by the room"));
    }
    return false;
}

template <typename Status>
void Brewery<Status>::on_member(const Member& member) {
    using Traits = BreweryStatusTraits<Status>;
    const auto* element = member.presence ? member.presence->extension(Traits::kElement, Traits::kNamespace) : nullptr;
    if (element == nullptr) {
        return;  // not an instance (yet)
    }
    if (!trusted(member)) {
        return;
    }
    auto status = Status::parse(*element);
    if (!status) {
        core::module_logger("xmpp")->warn("brewery={} malformed <{}/> from {} ignored: {}", settings_.room.to_string(),
                                          Traits::kElement, member.nick, status.error().message());
        return;
    }
    auto it = instances_.find(member.occupant_jid);
    if (it == instances_.end()) {
        auto& stored = instances_.emplace(member.occupant_jid, std::move(status).value()).first->second;
        core::module_logger("xmpp")->info("brewery={} instance added: {}", settings_.room.to_string(), member.nick);
        if (handlers_.instance_added) {
            handlers_.instance_added(member.occupant_jid, stored);
        }
        return;
    }
    it->second = std::move(status).value();
    if (handlers_.instance_updated) {
        handlers_.instance_updated(member.occupant_jid, it->second);
    }
}

template <typename Status>
void Brewery<Status>::remove(const stanza::Jid& occupant) {
    ignored_.erase(occupant);
    if (instances_.erase(occupant) == 0) {
        return;
    }
    core::module_logger("xmpp")->info("brewery={} instance removed: {}", settings_.room.to_string(),
                                      occupant.resource());
    if (handlers_.instance_removed) {
        handlers_.instance_removed(occupant);
    }
}

template <typename Status>
void Brewery<Status>::remove_all() {
    ignored_.clear();
    while (!instances_.empty()) {
        // A copy: remove() erases the map's node, and the key in it, before it is done with the JID.
        const stanza::Jid occupant = instances_.begin()->first;
        remove(occupant);
    }
}

template class Brewery<stanza::ColibriStats>;
template class Brewery<stanza::JibriStatus>;

}  // namespace jicofo::xmpp
