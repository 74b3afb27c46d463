// Jibri's IQ and the statuses the focus publishes about it (jicofo-protocol.md §4g):
//   <jibri xmlns='http://jitsi.org/protocol/jibri' action='start|stop' status='on|off|pending'
//          recording_mode='file|stream' streamid=.. you_tube_broadcast_id=.. session_id=.. app_data=..
//          displayname=.. sipaddress=.. room=.. failure_reason='busy|error' should_retry='true|false'
//          rtcstats_enabled='true|false'/>
// is what a client sends the focus (start/stop), what the focus sends a Jibri (start/stop with room and session),
// how a Jibri answers (status pending, or an error) and the status IQs it sends later (on, off, failure).
//   <jibri-recording-status xmlns='http://jitsi.org/protocol/jibri' status=.. failure_reason=.. session_id=..
//          initiator=.. recording_mode=../>       in the focus's room presence
//   <jibri-sip-call-state xmlns='http://jitsi.org/protocol/jibri/call_state' state=.. failure_reason=..
//          session_id=.. sipaddress=../>          the same for a SIP gateway session
// A value outside its enumeration is refused (bad-request); "undefined", Jicofo's word for absent, reads as absent.
#pragma once

#include "jicofo/stanza/jid.hpp"
#include "jicofo/stanza/stanza_error.hpp"
#include "jicofo/stanza/xml_element.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace jicofo::stanza {

enum class JibriAction { start, stop };
enum class JibriStatusValue { on, off, pending };
enum class JibriRecordingMode { file, stream };
enum class JibriFailureReason { busy, error };

[[nodiscard]] std::string_view to_string(JibriAction action);
[[nodiscard]] std::string_view to_string(JibriStatusValue status);
[[nodiscard]] std::string_view to_string(JibriRecordingMode mode);
[[nodiscard]] std::string_view to_string(JibriFailureReason reason);

struct JibriIq {
    std::optional<JibriAction> action;
    std::optional<JibriStatusValue> status;
    std::optional<JibriRecordingMode> recording_mode;
    std::optional<std::string> stream_id;
    std::optional<std::string> youtube_broadcast_id;
    std::optional<std::string> session_id;
    std::optional<std::string> app_data;
    std::optional<std::string> display_name;
    std::optional<std::string> sip_address;
    std::optional<Jid> room;
    std::optional<JibriFailureReason> failure_reason;
    std::optional<bool> should_retry;
    std::optional<bool> rtcstats_enabled;

    static ParseResult<JibriIq> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const JibriIq&, const JibriIq&) = default;
};

struct JibriRecordingStatus {
    std::optional<JibriStatusValue> status;
    std::optional<JibriFailureReason> failure_reason;
    std::optional<std::string> session_id;
    std::optional<Jid> initiator;
    std::optional<JibriRecordingMode> recording_mode;

    static ParseResult<JibriRecordingStatus> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const JibriRecordingStatus&, const JibriRecordingStatus&) = default;
};

struct JibriSipCallState {
    std::optional<JibriStatusValue> state;
    std::optional<JibriFailureReason> failure_reason;
    std::optional<std::string> session_id;
    std::optional<std::string> sip_address;

    static ParseResult<JibriSipCallState> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const JibriSipCallState&, const JibriSipCallState&) = default;
};

}  // namespace jicofo::stanza
