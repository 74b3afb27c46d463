// The Jingle payload (<jingle xmlns='urn:xmpp:jingle:1'>) exchanged between the focus and each participant: the
// offer and answer, sources, transports, termination, and the Jitsi extensions carried along with them.
#pragma once

#include "jicofo/stanza/jid.hpp"
#include "jicofo/stanza/jingle_rtp.hpp"
#include "jicofo/stanza/stanza_error.hpp"
#include "jicofo/stanza/xml_element.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jicofo::stanza {

// The actions jicofo handles. addsource/removesource are the legacy spellings of source-add/source-remove and are
// kept apart so that a reply can mirror what was received. Any other action parses as `unknown` (with its name
// kept in Jingle::unknown_action) so that the handler can answer feature-not-implemented.
enum class JingleAction {
    session_initiate,
    session_accept,
    session_terminate,
    session_info,
    transport_info,
    transport_accept,
    transport_reject,
    transport_replace,
    source_add,
    source_remove,
    addsource,
    removesource,
    unknown,
};
// The wire name; "unknown" for JingleAction::unknown (use Jingle::action_name() for the received name).
[[nodiscard]] std::string_view to_string(JingleAction action);
[[nodiscard]] std::optional<JingleAction> jingle_action_from_string(std::string_view text);

// <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio' maxptime='60'>: payload types, header extensions,
// sources and SSRC groups of one content. `media` is empty when the attribute is absent (some source-add).
struct RtpDescription {
    std::string media;  // audio, video, application
    std::optional<std::uint32_t> maxptime;
    std::vector<PayloadType> payload_types;
    std::vector<RtpHdrExt> hdrexts;
    bool extmap_allow_mixed = false;  // <extmap-allow-mixed xmlns=rtp-hdrext/>
    std::vector<Source> sources;
    std::vector<SsrcGroup> ssrc_groups;
    bool rtcp_mux = false;

    static ParseResult<RtpDescription> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const RtpDescription&, const RtpDescription&) = default;
};

// <content creator='initiator' name='audio' senders='both'><description/><transport/></content>. lib-jitsi-meet's
// source-add omits creator. initial_last_n is written before the description, where lib-jitsi-meet puts it; one
// found inside the description is accepted too.
struct JingleContent {
    std::optional<std::string> creator;  // initiator, responder
    std::string name;
    std::optional<std::string> senders;  // both, initiator, responder, none, rejected
    std::optional<InitialLastN> initial_last_n;
    std::optional<RtpDescription> description;
    std::optional<IceUdpTransport> transport;

    static ParseResult<JingleContent> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const JingleContent&, const JingleContent&) = default;
};

// <group xmlns='urn:xmpp:jingle:apps:grouping:0' semantics='BUNDLE'><content name='audio'/>...</group>
struct ContentGroup {
    std::string semantics;
    std::vector<std::string> contents;

    static ParseResult<ContentGroup> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const ContentGroup&, const ContentGroup&) = default;
};

// <bridge-session xmlns='http://jitsi.org/protocol/focus' id region restart ice-restart/>: the colibri session a
// Jingle session belongs to. restart='true' in a session-terminate asks for a new session; ice-restart='true' in a
// session-info asks for an in-place ICE restart on the bridge.
struct BridgeSession {
    std::string id;
    std::optional<std::string> region;
    std::optional<bool> restart;
    std::optional<bool> ice_restart;

    static ParseResult<BridgeSession> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const BridgeSession&, const BridgeSession&) = default;
};

// <startmuted xmlns='http://jitsi.org/jitmeet/start-muted' audio='true' video='false'/>; an absent flag is false.
struct StartMuted {
    bool audio = false;
    bool video = false;

    static ParseResult<StartMuted> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const StartMuted&, const StartMuted&) = default;
};

// <json-message xmlns='http://jitsi.org/jitmeet'>{"sources":{...}}</json-message>; the JSON is kept as text.
struct JsonMessage {
    std::string json;
    // The room a Prosody component's message is about (room_metadata puts it here; others name it in the JSON).
    std::optional<std::string> room;

    static ParseResult<JsonMessage> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const JsonMessage&, const JsonMessage&) = default;
};

// XEP-0166 §7.4 reason conditions.
enum class JingleReasonCondition {
    alternative_session,
    busy,
    cancel,
    connectivity_error,
    decline,
    expired,
    failed_application,
    failed_transport,
    general_error,
    gone,
    incompatible_parameters,
    media_error,
    security_error,
    success,
    timeout,
    unsupported_applications,
    unsupported_transports,
};
[[nodiscard]] std::string_view to_string(JingleReasonCondition condition);
[[nodiscard]] std::optional<JingleReasonCondition> jingle_reason_from_string(std::string_view text);

// <reason><connectivity-error/><text>ICE FAILED</text></reason>, in the Jingle namespace. A reason without a
// known condition is malformed.
struct JingleReason {
    JingleReasonCondition condition = JingleReasonCondition::success;
    std::optional<std::string> text;

    static ParseResult<JingleReason> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const JingleReason&, const JingleReason&) = default;
};

// <ice-state xmlns='http://jitsi.org/protocol/focus'>failed</ice-state>, in a session-info.
struct IceState {
    std::string state;

    static ParseResult<IceState> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const IceState&, const IceState&) = default;
};

// <jingle xmlns='urn:xmpp:jingle:1' action initiator responder sid>. action and sid are required. Unknown child
// elements are ignored; a malformed known one fails the whole payload.
struct Jingle {
    JingleAction action = JingleAction::session_initiate;
    std::string unknown_action;  // the received name when action is unknown, empty otherwise
    std::optional<Jid> initiator;
    std::optional<Jid> responder;
    std::string sid;
    std::vector<JingleContent> contents;
    std::optional<ContentGroup> group;  // the first <group/>; BUNDLE in practice
    std::optional<BridgeSession> bridge_session;
    std::optional<StartMuted> start_muted;
    std::optional<JsonMessage> json_message;
    std::optional<JingleReason> reason;
    std::optional<IceState> ice_state;

    static ParseResult<Jingle> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;

    // The action as it goes on the wire (the received name for an unknown action).
    [[nodiscard]] std::string_view action_name() const;
    [[nodiscard]] const JingleContent* content(std::string_view name) const;
    friend bool operator==(const Jingle&, const Jingle&) = default;
};

}  // namespace jicofo::stanza
