// What a client's <jibri/> request to the focus means, and every refusal the reference answers with
// (jicofo-protocol.md §4g, Jicofo's BaseJibri and JibriRecorder): moderators only when moderator checks are on
// (`forbidden` for a sender who is not in the room, `not-allowed` for one who is not a moderator); a start while
// a session of that kind is active is `unexpected-request`, a stop without one `item-not-found`, a request
// without a known action `bad-request`; a stream needs a `streamid` and a file recording must not have one
// (`bad-request`). A request with a `sipaddress` is for the SIP gateway, any other for the recorder. Pure.
#pragma once

#include "jicofo/core/result.hpp"
#include "jicofo/stanza/jibri.hpp"
#include "jicofo/xmpp/member.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace jicofo::recording {

enum class JibriKind { recorder, sip_gateway };

// A start the focus accepted, in what a session needs from it.
struct StartRequest {
    JibriKind kind = JibriKind::recorder;
    stanza::JibriRecordingMode mode = stanza::JibriRecordingMode::file;
    std::optional<std::string> stream_id;
    std::optional<std::string> youtube_broadcast_id;
    std::optional<std::string> app_data;
    std::optional<std::string> display_name;
    std::optional<std::string> sip_address;
};

struct StopRequest {
    JibriKind kind = JibriKind::recorder;
    std::optional<std::string> sip_address;  // which SIP call (a conference may have several)
};

using ClientRequest = std::variant<StartRequest, StopRequest>;

struct RequestContext {
    // The sender's role in the room; nullopt when the sender is not an occupant.
    std::optional<xmpp::MemberRole> sender_role;
    bool moderator_checks = true;  // jicofo.conference.enable-moderator-checks
    // Whether the conference has an active session of the request's kind.
    bool recorder_active = false;
    bool sip_gateway_active = false;
};

[[nodiscard]] JibriKind kind_of(const stanza::JibriIq& iq);
// The session's type as the reference counts it and as metrics label it: "sip_call" for the SIP gateway,
// "live_streaming" for a recorder streaming, "recording" for a file.
[[nodiscard]] std::string_view session_type(const StartRequest& request);

// The request, or the error to answer it with (the text says why).
[[nodiscard]] core::Result<ClientRequest, stanza::StanzaError> read_client_request(const stanza::JibriIq& iq,
                                                                                   const RequestContext& context);

}  // namespace jicofo::recording
