// What a conference feature (AV moderation, breakout rooms, room metadata, Jibri...) sees of one conference, and
// what it keeps there. Everything here is used on the conference's strand only: a feature's per-conference
// instance is created with the conference, receives its events in room order, answers its IQs, and is destroyed
// with it. Features never see `Conference` itself, so a test drives a feature through a fake view.
#pragma once

#include "jicofo/conference/room_metadata.hpp"
#include "jicofo/conference/visitor_nodes.hpp"
#include "jicofo/stanza/colibri2.hpp"
#include "jicofo/stanza/envelope.hpp"
#include "jicofo/stanza/mute.hpp"
#include "jicofo/xmpp/member.hpp"
#include "jicofo/xmpp/muc_room.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace jicofo::conference {

class ConferenceMedia;
class ConferenceView;

// The focus is in the room and owns it; room_info() and meeting_id() are known from here on.
struct ConferenceJoined {};
// An occupant other than the focus entered the room.
struct MemberJoined {
    const xmpp::SharedMember& member;
};
// An occupant's presence changed (mute state, codecs, features...); `before` is the previous value.
struct MemberUpdated {
    const xmpp::SharedMember& before;
    const xmpp::SharedMember& member;
};
// An occupant's MUC role or affiliation changed, so its rights did (sent after MemberUpdated).
struct MemberRoleChanged {
    const xmpp::SharedMember& member;
    xmpp::MemberRole before;
};
// An occupant left (or was kicked). `member` is its last known state; `status` the <status/> of the presence it left
// with ("switch_room" when it moves to a breakout room).
struct MemberLeft {
    const xmpp::SharedMember& member;
    const std::optional<std::string>& status;
    bool kicked = false;
};
// The room's metadata was replaced (view.metadata() is the new value).
struct MetadataChanged {
    const RoomMetadata& metadata;
};
// The conference's bridges changed: how many it has a session on, and whether a participant is waiting because
// bridge selection found none (the focus then publishes bridgeNotAvailable).
struct BridgesChanged {
    int bridges = 0;
    bool selection_failing = false;
};
// The conference is ending: the focus is still in the room and may still send; nothing is processed after this.
struct ConferenceEnding {
    std::string_view reason;
};
// An extension of the focus's presence in the main room was set (`extension`) or removed (null), conference
// properties included; published only when visitor nodes are configured, whose rooms carry the same presence.
struct FocusPresenceChanged {
    std::string_view name;
    std::string_view ns;
    const stanza::XmlElement* extension = nullptr;
};
// A Jibri session of the conference started (its Jibri reported on) or stopped (off, or failed, after being on).
// Published by the recording feature through ConferenceView::announce, for features that report it (webhooks).
struct RecordingChanged {
    std::string_view mode;  // "file" (recording), "stream" (live streaming) or "sip" (a SIP call)
    bool active = false;
    std::string_view session_id;
    std::string_view initiator;       // who started it (started) or stopped it (stopped); empty when nobody did
    std::string_view failure_reason;  // empty unless it failed
};
using ConferenceEvent =
    std::variant<ConferenceJoined, MemberJoined, MemberUpdated, MemberRoleChanged, MemberLeft, MetadataChanged,
                 BridgesChanged, ConferenceEnding, FocusPresenceChanged, RecordingChanged>;

// What the media layer learnt of a participant's client before its first invite: the features its disco#info
// answered, or that discovery failed (`discovered` false; `features` is then empty).
struct DiscoveredFeatures {
    const std::vector<std::string>& features;
    bool discovered = false;
};

// One feature's state in one conference. Every method runs on the conference's strand.
class FeatureInstance {
public:
    virtual ~FeatureInstance() = default;
    virtual void on_event(ConferenceView& conference, const ConferenceEvent& event) {
        (void)conference;
        (void)event;
    }
    // Why `member` may not unmute `media` by itself now (nullopt: this feature does not object).
    [[nodiscard]] virtual std::optional<stanza::StanzaError> unmute_refusal(const ConferenceView& conference,
                                                                            const xmpp::Member& member,
                                                                            stanza::MuteMedia media) const {
        (void)conference;
        (void)member;
        (void)media;
        return std::nullopt;
    }
    // Why `member`'s source-add with audio and/or video is refused (sender limits); nullopt: no objection.
    [[nodiscard]] virtual std::optional<stanza::StanzaError> source_add_refusal(const ConferenceView& conference,
                                                                                const xmpp::Member& member, bool audio,
                                                                                bool video) const {
        (void)conference;
        (void)member;
        (void)audio;
        (void)video;
        return std::nullopt;
    }
    // Media this participant must be force-muted in on the bridge (AV moderation): from its first allocation on, and
    // an unmute of its own does not lift it.
    [[nodiscard]] virtual stanza::ForceMute required_force_mute(const ConferenceView& conference,
                                                                const xmpp::Member& member) const {
        (void)conference;
        (void)member;
        return {};
    }
    // Whether `member` may have a media session, asked once per participant when its features are known (before its
    // first invite). False withholds it for as long as the participant stays: it remains in the room (chat,
    // presence) without a Jingle session. Every feature is asked even after one said no, so that each can act on
    // the features it was shown (count them, tell the client).
    [[nodiscard]] virtual bool allows_session(ConferenceView& conference, const xmpp::Member& member,
                                              const DiscoveredFeatures& features) {
        (void)conference;
        (void)member;
        (void)features;
        return true;
    }
    // This feature's part of the conference's /debug object, as JSON text (nullopt: nothing to show).
    [[nodiscard]] virtual std::optional<std::string> debug_json() const { return std::nullopt; }
};

// Makes a feature's instance for a new conference (may return nullptr: nothing to keep there).
using FeatureInstanceFactory = std::function<std::unique_ptr<FeatureInstance>(ConferenceView&)>;
struct FeatureSlot {
    std::string name;
    FeatureInstanceFactory make;
};
// Every feature's slot, in installation order; the index of a slot is the feature's index in every conference.
using FeatureSlots = std::vector<FeatureSlot>;

class ConferenceView {
public:
    virtual ~ConferenceView() = default;

    [[nodiscard]] virtual const stanza::Jid& room() const = 0;
    [[nodiscard]] virtual const std::string& meeting_id() const = 0;
    // From the room's configuration and disco#info (breakout, lobby...); empty until ConferenceJoined.
    [[nodiscard]] virtual const xmpp::RoomInfo& room_info() const = 0;
    // Occupants other than the focus, in join order.
    [[nodiscard]] virtual const std::vector<xmpp::SharedMember>& members() const = 0;
    [[nodiscard]] virtual const xmpp::Member* member(std::string_view nick) const = 0;
    // The media layer, when bridges are configured and the focus is in the room; nullptr otherwise.
    [[nodiscard]] virtual ConferenceMedia* media() = 0;
    // The conference's strand: a feature's timers and its replies from elsewhere (IQ answers from components) are
    // run there; a handler must check that its instance still exists, since it is destroyed with the conference.
    [[nodiscard]] virtual const xmpp::Strand& strand() const = 0;
    // The focus's own occupant JID in this room.
    [[nodiscard]] virtual stanza::Jid focus_occupant() const = 0;

    // Answers a request (an IQ result or error) over the connection it came on (the client connection, or a visitor
    // node's for a visitor).
    virtual void reply(const stanza::Iq& answer) = 0;

    // Notices from the focus to an occupant (e.g. client-requirements), over the connection that reaches it: an IQ
    // set carrying `payload` (its answer, or its absence after the IQ timeout, is only logged), or a message.
    virtual void notify_occupant(const stanza::Jid& occupant, stanza::XmlElement payload) = 0;
    virtual void send_message(const stanza::Message& message) = 0;

    // Visitors (the visitors feature joins the conference's rooms on visitor nodes). The nodes and how room JIDs
    // map onto them; the focus's presence extensions now (its version and conference properties), for a visitor
    // room it joins.
    [[nodiscard]] virtual const VisitorNodes& visitor_nodes() const = 0;
    [[nodiscard]] virtual xmpp::PresenceExtensions focus_presence() const = 0;
    // (focus_presence() includes what features set since, when visitor nodes are configured.)
    // A visitor (MUC role visitor in a visitor room) joined or changed: a member of the conference like those of
    // the main room (MemberJoined / MemberUpdated), with a receive-only media session over its node's connection.
    // Ignored for a member that is not a visitor, or whose nick a member of another room holds.
    virtual void add_visitor(const xmpp::SharedMember& member) = 0;
    // A visitor left its room, or its room is gone (MemberLeft).
    virtual void remove_visitor(const xmpp::SharedMember& member) = 0;

    // The focus's presence in the room: an extension replaces one of the same name and namespace; each change is
    // sent at once. Conference properties (`<conference-properties>`) are edited one key at a time.
    virtual void set_presence_extension(stanza::XmlElement extension) = 0;
    virtual void remove_presence_extension(std::string_view name, std::string_view ns) = 0;
    virtual void set_conference_property(const std::string& key, std::optional<std::string> value) = 0;

    // The conference ends when its last member leaves, unless something holds it open: a hold (by key) keeps an
    // empty conference alive until released or, with `duration`, until it expires. A conference left empty when
    // its last hold goes ends then.
    virtual void hold_open(const std::string& key, std::optional<std::chrono::milliseconds> duration) = 0;
    virtual void release_hold(const std::string& key) = 0;
    [[nodiscard]] virtual bool held_open() const = 0;

    // Hands a feature's own typed event (RecordingChanged) to every feature's instance, in installation order, now.
    virtual void announce(const ConferenceEvent& event) = 0;

    // The room metadata (room_metadata feature writes it; a change is published as MetadataChanged).
    [[nodiscard]] virtual const RoomMetadata& metadata() const = 0;
    virtual void set_metadata(RoomMetadata metadata) = 0;

    // What every feature says about a self-unmute (the first refusal wins).
    [[nodiscard]] virtual std::optional<stanza::StanzaError> unmute_refusal(const xmpp::Member& member,
                                                                            stanza::MuteMedia media) const = 0;
    // The instance of the feature installed at `index` (nullptr if it keeps none here).
    [[nodiscard]] virtual FeatureInstance* feature(std::size_t index) = 0;
};

}  // namespace jicofo::conference
