// A client's Jibri request checked as Jicofo checks it, in Jicofo's order: role, then action, then the fields.
#include "jicofo/recording/jibri_request.hpp"

#include <algorithm>

namespace jicofo::recording {
namespace {

using stanza::ErrorCondition;
using stanza::StanzaError;

bool blank(const std::optional<std::string>& text) {
    return !text || std::all_of(text->begin(), text->end(),
                                [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

core::Unexpected<StanzaError> refuse(ErrorCondition condition, std::string text) {
    return core::unexpected(StanzaError::make(condition, std::move(text)));
}

}  // namespace

JibriKind kind_of(const stanza::JibriIq& iq) {
    return blank(iq.sip_address) ? JibriKind::recorder : JibriKind::sip_gateway;
}

std::string_view session_type(const StartRequest& request) {
    if (request.kind == JibriKind::sip_gateway) {
        return "sip_call";
    }
    return request.mode == stanza::JibriRecordingMode::stream ? "live_streaming" : "recording";
}

core::Result<ClientRequest, StanzaError> read_client_request(const stanza::JibriIq& iq, const RequestContext& context) {
    if (context.moderator_checks) {
        if (!context.sender_role) {
            return refuse(ErrorCondition::forbidden, "not an occupant of this room");
        }
        if (!xmpp::has_moderator_rights(*context.sender_role)) {
            return refuse(ErrorCondition::not_allowed, "only moderators may start or stop recording");
        }
    }
    const auto kind = kind_of(iq);
    const bool active = kind == JibriKind::recorder ? context.recorder_active : context.sip_gateway_active;
    if (!iq.action) {
        return refuse(ErrorCondition::bad_request, "no action (start or stop)");
    }
    if (*iq.action == stanza::JibriAction::stop) {
        if (!active) {
            return refuse(ErrorCondition::item_not_found, "Unknown session");
        }
        return ClientRequest{StopRequest{kind, kind == JibriKind::sip_gateway ? iq.sip_address : std::nullopt}};
    }
    if (active) {
        return refuse(ErrorCondition::unexpected_request, kind == JibriKind::recorder
                                                              ? "Recording or live streaming is already enabled"
                                                              : "A SIP call is already in progress");
    }
    StartRequest start;
    start.kind = kind;
    start.display_name = iq.display_name;
    start.app_data = iq.app_data;
    if (kind == JibriKind::sip_gateway) {
        start.sip_address = iq.sip_address;
        return ClientRequest{start};
    }
    const bool no_stream_id = blank(iq.stream_id);
    const bool file = iq.recording_mode == stanza::JibriRecordingMode::file;
    if (no_stream_id && !file) {
        return refuse(ErrorCondition::bad_request, "Stream ID is empty or undefined");
    }
    if (!no_stream_id && file) {
        return refuse(ErrorCondition::bad_request, "Stream ID is provided for a FILE recording.");
    }
    start.mode = file ? stanza::JibriRecordingMode::file : stanza::JibriRecordingMode::stream;
    if (!file) {
        start.stream_id = iq.stream_id;
        start.youtube_broadcast_id = iq.youtube_broadcast_id;
    }
    return ClientRequest{start};
}

}  // namespace jicofo::recording
