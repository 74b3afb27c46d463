// The conference as its features see it (ConferenceView): their instances and the events they get, the focus's
// presence they edit, the holds that keep an empty conference open, and the room metadata. All on the strand.
#include "jicofo/conference/conference.hpp"

#include "jicofo/core/logging.hpp"
#include "jicofo/xmpp/xmpp_connection.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cassert>
#include <cstdint>

namespace jicofo::conference {
namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto log = core::module_logger("conference");
    return log;
}

}  // namespace

std::string_view to_string(BridgeEvent::Kind kind) {
    switch (kind) {
        case BridgeEvent::Kind::added: return "added";
        case BridgeEvent::Kind::operational: return "operational again";
        case BridgeEvent::Kind::left: return "left";
        case BridgeEvent::Kind::lost: return "was lost";
        case BridgeEvent::Kind::failed: return "failed its health check";
        case BridgeEvent::Kind::shutting_down: return "is shutting down";
    }
    return "changed";
}

struct Conference::Hold {
    explicit Hold(const boost::asio::any_io_executor& strand) : timer(strand) {}
    boost::asio::steady_timer timer;
    // Re-armed by every hold_open: a wait that completed before it was cancelled is not this arming's expiry.
    std::uint64_t arming = 0;
};

void Conference::create_feature_instances() {
    assert(strand_.running_in_this_thread());
    if (!feature_slots_) {
        return;
    }
    features_.clear();
    features_.reserve(feature_slots_->size());
    for (const auto& slot : *feature_slots_) {
        features_.push_back(slot.make ? slot.make(*this) : nullptr);
    }
}

void Conference::publish(const ConferenceEvent& event) {
    assert(strand_.running_in_this_thread());
    // By index: a feature may not add or remove instances, but an instance's handler may run code that reads them.
    for (std::size_t i = 0; i < features_.size(); ++i) {
        if (features_[i]) {
            features_[i]->on_event(*this, event);
        }
    }
}

stanza::ForceMute Conference::required_force_mute(const xmpp::Member& member) const {
    stanza::ForceMute mute;
    for (const auto& instance : features_) {
        if (instance) {
            const auto wanted = instance->required_force_mute(*this, member);
            mute.audio = mute.audio || wanted.audio;
            mute.video = mute.video || wanted.video;
        }
    }
    return mute;
}

std::optional<stanza::StanzaError> Conference::source_add_refusal(const xmpp::Member& member, bool audio,
                                                                  bool video) const {
    for (const auto& instance : features_) {
        if (instance) {
            if (auto refusal = instance->source_add_refusal(*this, member, audio, video)) {
                return refusal;
            }
        }
    }
    return std::nullopt;
}

void Conference::bridges_changed(int bridges, bool selection_failing) {
    publish(BridgesChanged{bridges, selection_failing});
}

bool Conference::allows_session(const xmpp::Member& member, const std::vector<std::string>& features, bool discovered) {
    const DiscoveredFeatures discovered_features{features, discovered};
    bool allowed = true;
    for (const auto& instance : features_) {
        if (instance && !instance->allows_session(*this, member, discovered_features)) {
            allowed = false;  // the others are still asked: each may act on what it was shown
        }
    }
    return allowed;
}

FeatureInstance* Conference::feature(std::size_t index) {
    return index < features_.size() ? features_[index].get() : nullptr;
}

const xmpp::Member* Conference::member(std::string_view nick) const {
    auto it = std::find_if(participants_.begin(), participants_.end(),
                           [nick](const xmpp::SharedMember& m) { return m->nick == nick; });
    return it == participants_.end() ? nullptr : it->get();
}

stanza::Jid Conference::focus_occupant() const {
    auto occupant = room_jid_.with_resource(settings_.focus_nick);
    return occupant ? std::move(occupant).value() : room_jid_;
}

void Conference::reply(const stanza::Iq& answer) {
    // A visitor's request came over its node's connection, and its answer goes back the same way.
    if (answer.header.to) {
        shared_->visitor_nodes->connection_for(*answer.header.to, connection_).send(answer);
        return;
    }
    connection_.send(answer);
}

void Conference::notify_occupant(const stanza::Jid& occupant, stanza::XmlElement payload) {
    if (ended_) {
        return;
    }
    stanza::Iq request;
    request.header.type = stanza::IqType::set;
    request.header.to = occupant;
    request.payload = std::move(payload);
    auto& link = shared_->visitor_nodes->connection_for(occupant, connection_);
    link.async_send_iq(std::move(request), strand_,
                       [room = room_jid_.to_string(), to = occupant.to_string()](const xmpp::IqResult& result) {
                           if (!result) {
                               logger()->info("room={} notice to {} not acknowledged: {}", room, to,
                                              result.error().message());
                           }
                       });
}

void Conference::send_message(const stanza::Message& message) {
    if (ended_) {
        return;
    }
    if (message.to) {
        shared_->visitor_nodes->connection_for(*message.to, connection_).send(message);
        return;
    }
    connection_.send(message);
}

const VisitorNodes& Conference::visitor_nodes() const {
    return *shared_->visitor_nodes;
}

xmpp::PresenceExtensions Conference::focus_presence() const {
    if (!properties_edited_ && presence_edits_.empty()) {
        return shared_->focus_presence;
    }
    auto extensions = std::make_shared<std::vector<stanza::XmlElement>>();
    for (const auto& element : *shared_->focus_presence) {
        extensions->push_back(element.name() == "conference-properties" && properties_edited_ ? properties_.to_xml()
                                                                                              : element);
    }
    for (const auto& edit : presence_edits_) {
        std::erase_if(*extensions,
                      [&edit](const stanza::XmlElement& e) { return e.name() == edit.name() && e.ns() == edit.ns(); });
        extensions->push_back(edit);
    }
    return extensions;
}

void Conference::add_visitor(const xmpp::SharedMember& member) {
    if (ended_ || !member->is_visitor()) {
        return;
    }
    auto it = find_participant(member->nick);
    if (it != participants_.end() && (*it)->occupant_jid.bare() != member->occupant_jid.bare()) {
        // Endpoint ids are nicks, and a nick is unique only within one room: two endpoints cannot share one.
        logger()->warn("room={} visitor {} ignored: endpoint id {} is taken", room_jid_.to_string(),
                       member->occupant_jid.to_string(), member->nick);
        return;
    }
    member_joined(member);
}

void Conference::remove_visitor(const xmpp::SharedMember& member) {
    auto it = find_participant(member->nick);
    if (ended_ || it == participants_.end() || (*it)->occupant_jid.bare() != member->occupant_jid.bare()) {
        return;
    }
    member_left(member, false);
}

void Conference::set_presence_extension(stanza::XmlElement extension) {
    if (!room_ || ended_) {
        return;
    }
    if (shared_->visitor_nodes->empty()) {
        room_->set_presence_extension(std::move(extension));
        return;
    }
    // Visitor rooms carry the same presence: keep what features set (the properties live in properties_), and say so.
    if (extension.name() != "conference-properties") {
        std::erase_if(presence_edits_, [&extension](const stanza::XmlElement& e) {
            return e.name() == extension.name() && e.ns() == extension.ns();
        });
        presence_edits_.push_back(extension);
    }
    room_->set_presence_extension(extension);
    publish(FocusPresenceChanged{extension.name(), extension.ns(), &extension});
}

void Conference::remove_presence_extension(std::string_view name, std::string_view ns) {
    if (!room_ || ended_) {
        return;
    }
    room_->remove_presence_extension(name, ns);
    if (!shared_->visitor_nodes->empty()) {
        std::erase_if(presence_edits_,
                      [name, ns](const stanza::XmlElement& e) { return e.name() == name && e.ns() == ns; });
        publish(FocusPresenceChanged{name, ns, nullptr});
    }
}

stanza::ConferenceProperties Conference::current_properties() const {
    if (properties_edited_) {
        return properties_;
    }
    // The properties every conference publishes (support-terminate-restart...).
    for (const auto& element : *shared_->focus_presence) {
        if (element.name() == "conference-properties") {
            if (auto parsed = stanza::ConferenceProperties::parse(element)) {
                return std::move(parsed).value();
            }
        }
    }
    return {};
}

void Conference::set_conference_property(const std::string& key, std::optional<std::string> value) {
    if (!properties_edited_) {
        properties_ = current_properties();
        properties_edited_ = true;
    }
    const auto current = properties_.get(key);
    if (value ? current == std::optional<std::string_view>(*value) : !current) {
        return;  // unchanged: no presence for Prosody to broadcast
    }
    if (value) {
        properties_.set(key, std::move(*value));
    } else {
        properties_.erase(key);
    }
    set_presence_extension(properties_.to_xml());
}

void Conference::hold_open(const std::string& key, std::optional<std::chrono::milliseconds> duration) {
    assert(strand_.running_in_this_thread());
    if (ended_) {
        return;
    }
    auto& hold = holds_[key];
    if (!hold) {
        hold = std::make_shared<Hold>(strand_);
    }
    hold->timer.cancel();
    const auto arming = ++hold->arming;
    if (!duration) {
        return;
    }
    hold->timer.expires_after(*duration);
    hold->timer.async_wait(
        [weak = weak_from_this(), key, arming, hold = std::weak_ptr<Hold>(hold)](boost::system::error_code ec) {
            auto self = weak.lock();
            auto alive = hold.lock();
            if (ec || !self || !alive || alive->arming != arming) {
                return;
            }
            auto it = self->holds_.find(key);
            if (it != self->holds_.end() && it->second == alive) {
                logger()->info("room={} hold '{}' expired", self->room_jid_.to_string(), key);
                self->release_hold(key);
            }
        });
}

void Conference::release_hold(const std::string& key) {
    assert(strand_.running_in_this_thread());
    auto it = holds_.find(key);
    if (it == holds_.end()) {
        return;
    }
    it->second->timer.cancel();
    holds_.erase(it);
    if (joined_) {
        end_if_empty("nobody in the room and nothing holds it open");
    }
}

void Conference::end_if_empty(const char* why) {
    if (ended_ || !participants_.empty()) {
        return;
    }
    if (!holds_.empty()) {
        logger()->info("room={} empty, held open by '{}'", room_jid_.to_string(), holds_.begin()->first);
        return;
    }
    end(why);
}

void Conference::set_metadata(RoomMetadata metadata) {
    assert(strand_.running_in_this_thread());
    if (ended_ || metadata == metadata_) {
        return;
    }
    metadata_ = std::move(metadata);
    if (media_) {
        media_->set_start_muted(metadata_.start_muted);
    }
    publish(MetadataChanged{metadata_});
}

std::optional<stanza::StanzaError> Conference::unmute_refusal(const xmpp::Member& member,
                                                              stanza::MuteMedia media) const {
    for (const auto& instance : features_) {
        if (instance) {
            if (auto refusal = instance->unmute_refusal(*this, member, media)) {
                return refusal;
            }
        }
    }
    return std::nullopt;
}

}  // namespace jicofo::conference
