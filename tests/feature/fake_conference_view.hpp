// A conference as a feature sees it, without XMPP: members joined, updated and left in the order the real conference
// publishes them, and everything a feature does to it (presence, conference properties, holds, metadata, replies)
// recorded for the test to read. Features' instances are attached by index, as the conference keeps them.
#pragma once

#include "jicofo/conference/conference_view.hpp"
#include "jicofo/feature/feature.hpp"
#include "jicofo/stanza/xml_codec.hpp"

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace jicofo::feature::testing {

inline stanza::Jid parse_jid(const std::string& text) {
    auto parsed = stanza::Jid::parse(text);
    EXPECT_TRUE(parsed) << text;
    return parsed ? parsed.value() : stanza::Jid{};
}

// The defined condition of an error reply (none for a result).
inline std::optional<stanza::ErrorCondition> condition_of(const stanza::Iq& reply) {
    return reply.error ? std::optional<stanza::ErrorCondition>(reply.error->condition) : std::nullopt;
}

class FakeConferenceView : public ConferenceView {
public:
    explicit FakeConferenceView(const std::string& room_jid = "room1@conference.meet.test")
        : room_(parse_jid(room_jid)) {}

    // A participant (role participant, muted in both media as a new member is) of this room.
    [[nodiscard]] xmpp::Member make_member(const std::string& nick,
                                           xmpp::MemberRole role = xmpp::MemberRole::participant) const {
        xmpp::Member m;
        m.occupant_jid = parse_jid(room_.to_string() + "/" + nick);
        m.nick = nick;
        m.role = role;
        m.muc_role = role == xmpp::MemberRole::participant ? stanza::MucRole::participant : stanza::MucRole::moderator;
        m.stats_id = "stats-" + nick;
        return m;
    }

    // A set IQ from the occupant `nick` of this room to the focus occupant, carrying `payload_xml` (a test failure
    // when it does not parse).
    [[nodiscard]] stanza::Iq occupant_iq(const std::string& nick, const std::string& payload_xml,
                                         const std::string& id) const {
        auto payload = stanza::parse_xml(payload_xml);
        EXPECT_TRUE(payload) << payload_xml;
        stanza::Iq iq;
        iq.header.type = stanza::IqType::set;
        iq.header.id = id;
        iq.header.from = parse_jid(room_.to_string() + "/" + nick);
        iq.header.to = focus_occupant();
        if (payload) {
            iq.payload = std::move(payload).value();
        }
        return iq;
    }

    // Attaches a feature's instance at the next index (as the conference creates them, in installation order).
    std::size_t attach(std::unique_ptr<FeatureInstance> instance) {
        instances.push_back(std::move(instance));
        return instances.size() - 1;
    }

    void announce(const conference::ConferenceEvent& event) override { publish(event); }

    void publish(const conference::ConferenceEvent& event) {
        for (auto& instance : instances) {
            if (instance) {
                instance->on_event(*this, event);
            }
        }
    }

    // The room's events, in the order Conference sends them (a member is in members() when its MemberJoined is
    // published, and gone when its MemberLeft is).
    void joined_conference() { publish(conference::ConferenceJoined{}); }
    void join(xmpp::Member member) {
        members_.push_back(std::make_shared<const xmpp::Member>(std::move(member)));
        const auto shared = members_.back();
        publish(conference::MemberJoined{shared});
    }
    void update(xmpp::Member member) {
        auto it = find(member.nick);
        ASSERT_NE(it, members_.end()) << member.nick << " is not in the room";
        const auto before = std::exchange(*it, std::make_shared<const xmpp::Member>(std::move(member)));
        const auto after = *it;
        publish(conference::MemberUpdated{before, after});
        if (before->role != after->role) {
            publish(conference::MemberRoleChanged{after, before->role});
        }
    }
    void leave(const std::string& nick, std::optional<std::string> status = std::nullopt, bool kicked = false) {
        auto it = find(nick);
        ASSERT_NE(it, members_.end()) << nick << " is not in the room";
        const auto left = *it;
        members_.erase(it);
        publish(conference::MemberLeft{left, status, kicked});
    }
    void ending(std::string_view reason = "test") { publish(conference::ConferenceEnding{reason}); }

    // What the media layer asks when `nick`'s features are known: every instance is asked, as Conference does.
    bool allows_session(const std::string& nick, const std::vector<std::string>& features, bool discovered = true) {
        const auto* m = member(nick);
        EXPECT_NE(m, nullptr) << nick << " is not in the room";
        const conference::DiscoveredFeatures shown{features, discovered};
        bool allowed = true;
        for (auto& instance : instances) {
            if (instance && m && !instance->allows_session(*this, *m, shown)) {
                allowed = false;
            }
        }
        return allowed;
    }

    // ConferenceView
    [[nodiscard]] const stanza::Jid& room() const override { return room_; }
    [[nodiscard]] const std::string& meeting_id() const override { return meeting_id_; }
    [[nodiscard]] const xmpp::RoomInfo& room_info() const override { return room_info_; }
    [[nodiscard]] const std::vector<xmpp::SharedMember>& members() const override { return members_; }
    [[nodiscard]] const xmpp::Member* member(std::string_view nick) const override {
        auto it = std::find_if(members_.begin(), members_.end(), [nick](const auto& m) { return m->nick == nick; });
        return it == members_.end() ? nullptr : it->get();
    }
    [[nodiscard]] conference::ConferenceMedia* media() override { return media_; }
    [[nodiscard]] const xmpp::Strand& strand() const override { return strand_; }
    [[nodiscard]] stanza::Jid focus_occupant() const override { return parse_jid(room_.to_string() + "/focus"); }
    void reply(const stanza::Iq& answer) override { replies.push_back(answer); }
    void notify_occupant(const stanza::Jid& occupant, stanza::XmlElement payload) override {
        notices.emplace_back(occupant, std::move(payload));
    }
    void send_message(const stanza::Message& message) override { messages.push_back(message); }
    [[nodiscard]] const conference::VisitorNodes& visitor_nodes() const override { return visitor_nodes_value; }
    [[nodiscard]] xmpp::PresenceExtensions focus_presence() const override { return focus_presence_value; }
    void add_visitor(const xmpp::SharedMember& member) override {
        if (!member->is_visitor()) {
            return;
        }
        auto it = find(member->nick);
        if (it == members_.end()) {
            members_.push_back(member);
            publish(conference::MemberJoined{members_.back()});
        } else {
            const auto before = std::exchange(*it, member);
            publish(conference::MemberUpdated{before, *it});
        }
    }
    void remove_visitor(const xmpp::SharedMember& member) override {
        auto it = find(member->nick);
        if (it == members_.end()) {
            return;
        }
        const auto left = *it;
        members_.erase(it);
        const std::optional<std::string> status;
        publish(conference::MemberLeft{left, status, false});
    }

    void set_presence_extension(stanza::XmlElement extension) override {
        remove_extension(extension.name(), extension.ns());
        presence.push_back(std::move(extension));
        ++presence_changes;
    }
    void remove_presence_extension(std::string_view name, std::string_view ns) override {
        remove_extension(name, ns);
        ++presence_changes;
    }
    void set_conference_property(const std::string& key, std::optional<std::string> value) override {
        property_calls.emplace_back(key, value);
        if (value) {
            properties[key] = *value;
        } else {
            properties.erase(key);
        }
    }

    void hold_open(const std::string& key, std::optional<std::chrono::milliseconds> duration) override {
        holds[key] = duration;
    }
    void release_hold(const std::string& key) override {
        released.push_back(key);
        holds.erase(key);
    }
    [[nodiscard]] bool held_open() const override { return !holds.empty(); }

    [[nodiscard]] const conference::RoomMetadata& metadata() const override { return metadata_; }
    void set_metadata(conference::RoomMetadata metadata) override {
        ++metadata_sets;
        metadata_ = std::move(metadata);
        publish(conference::MetadataChanged{metadata_});
    }

    [[nodiscard]] std::optional<stanza::StanzaError> unmute_refusal(const xmpp::Member& m,
                                                                    stanza::MuteMedia media) const override {
        for (const auto& instance : instances) {
            if (instance) {
                if (auto refusal = instance->unmute_refusal(*this, m, media)) {
                    return refusal;
                }
            }
        }
        return std::nullopt;
    }
    [[nodiscard]] FeatureInstance* feature(std::size_t index) override {
        return index < instances.size() ? instances[index].get() : nullptr;
    }

    // The extension of the focus's presence with this name and namespace, if set.
    [[nodiscard]] const stanza::XmlElement* extension(std::string_view name, std::string_view ns) const {
        auto it = std::find_if(presence.begin(), presence.end(),
                               [&](const auto& e) { return e.name() == name && e.ns() == ns; });
        return it == presence.end() ? nullptr : &*it;
    }

    // The conference's strand runs on this context; a test runs it to deliver timers and posted answers.
    boost::asio::io_context io;
    xmpp::Strand strand_{boost::asio::make_strand(io.get_executor())};
    stanza::Jid room_;
    std::string meeting_id_ = "meeting-1";
    xmpp::RoomInfo room_info_;
    conference::ConferenceMedia* media_ = nullptr;
    conference::RoomMetadata metadata_;

    std::vector<std::unique_ptr<FeatureInstance>> instances;
    std::vector<stanza::Iq> replies;
    std::vector<std::pair<stanza::Jid, stanza::XmlElement>> notices;  // notify_occupant: (to, payload)
    std::vector<stanza::Message> messages;
    conference::VisitorNodes visitor_nodes_value;
    xmpp::PresenceExtensions focus_presence_value = std::make_shared<const std::vector<stanza::XmlElement>>();
    std::vector<stanza::XmlElement> presence;  // the focus's extensions now
    int presence_changes = 0;                  // presences Prosody would broadcast
    std::map<std::string, std::string> properties;
    std::vector<std::pair<std::string, std::optional<std::string>>> property_calls;
    std::map<std::string, std::optional<std::chrono::milliseconds>> holds;
    std::vector<std::string> released;
    int metadata_sets = 0;

private:
    std::vector<xmpp::SharedMember>::iterator find(const std::string& nick) {
        return std::find_if(members_.begin(), members_.end(), [&nick](const auto& m) { return m->nick == nick; });
    }
    void remove_extension(std::string_view name, std::string_view ns) {
        std::erase_if(presence, [&](const auto& e) { return e.name() == name && e.ns() == ns; });
    }

    std::vector<xmpp::SharedMember> members_;
};

// The room map as a feature reaches it: conferences by room JID, each with the feature's instance at `index`.
// Tasks run at once (the real one posts them to the conference's strand).
class FakeConferences : public Conferences {
public:
    void add(FakeConferenceView& view) { rooms[view.room().to_string()] = &view; }

    void with_conference(const stanza::Jid& room, ConferenceTask task, std::function<void()> missing) override {
        asked.push_back(room.to_string());
        auto it = rooms.find(room.to_string());
        if (it == rooms.end()) {
            if (missing) {
                missing();
            }
            return;
        }
        task(*it->second, it->second->feature(index));
    }

    std::size_t index = 0;
    std::map<std::string, FakeConferenceView*> rooms;
    std::vector<std::string> asked;  // every room asked for, in order
};

}  // namespace jicofo::feature::testing
