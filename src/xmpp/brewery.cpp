// Brewery<Status>: instances tracked from the status extension in brewery presence (explicitly instantiated for
// ColibriStats and JibriStatus).
#include "jicofo/xmpp/brewery.hpp"

#include "jicofo/core/logging.hpp"
#include "jicofo/stanza/namespaces.hpp"

namespace jicofo::xmpp {

static_assert(BreweryStatusTraits<stanza::ColibriStats>::kNamespace == stanza::kNsColibri);
static_assert(BreweryStatusTraits<stanza::JibriStatus>::kNamespace == stanza::kNsJibri);

template <typename Status>
Brewery<Status>::Brewery(XmppConnection& connection, Strand strand, BrewerySettings settings,
                         BreweryHandlers<Status> handlers)
    : settings_(std::move(settings)), handlers_(std::move(handlers)) {
    MucRoomSettings room;
    room.room = settings_.room;
    room.configure = false;  // a brewery needs no real JIDs and no room info
    room.timeout = settings_.timeout;
    room_ = std::make_unique<MucRoom>(connection, std::move(strand), std::move(room),
                                      [this](const MucEvent& event) { on_event(event); });
}

template <typename Status>
Brewery<Status>::~Brewery() = default;

template <typename Status>
void Brewery<Status>::join(std::function<void(JoinResult)> done) {
    room_->join(settings_.nick, std::nullopt, nullptr, std::move(done));
}

template <typename Status>
void Brewery<Status>::leave(std::function<void(bool)> done) {
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
    } else if (const auto* rejoined = std::get_if<Rejoined>(&event);
               std::holds_alternative<Left>(event) || (rejoined != nullptr && !rejoined->result)) {
        remove_all();  // kicked, destroyed, or not back in the room: we cannot see the instances any more
    }
}

template <typename Status>
void Brewery<Status>::on_member(const Member& member) {
    using Traits = BreweryStatusTraits<Status>;
    const auto* element = member.presence ? member.presence->extension(Traits::kElement, Traits::kNamespace) : nullptr;
    if (element == nullptr) {
        return;  // not an instance (yet)
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
    while (!instances_.empty()) {
        remove(instances_.begin()->first);
    }
}

template class Brewery<stanza::ColibriStats>;
template class Brewery<stanza::JibriStatus>;

}  // namespace jicofo::xmpp
