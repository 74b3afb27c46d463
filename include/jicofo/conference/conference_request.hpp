// A conference request (XMPP <conference xmlns=focus/> IQ or POST /conference-request/v1) and its answer as plain
// values, so that the room map is the same for both transports and is tested without either.
#pragma once

#include "jicofo/core/result.hpp"
#include "jicofo/stanza/focus.hpp"
#include "jicofo/stanza/jid.hpp"
#include "jicofo/stanza/stanza_error.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jicofo::conference {

struct ConferenceRequest {
    std::optional<stanza::Jid> room;  // validated at the edge; absent → bad-request
    std::vector<stanza::ConferenceProperty> properties;
    std::optional<std::string> machine_uid;
    std::optional<std::string> token;  // the IQ's token attribute, or the HTTP Authorization header
    std::optional<std::string> session_id;
    std::optional<stanza::Jid> from;  // the real sender (after the client proxy); absent over REST
};

struct ConferenceReply {
    stanza::Jid room;
    bool ready = false;
    stanza::Jid focus_jid;  // bare
    std::optional<std::string> session_id;
    std::optional<std::string> identity;
    std::optional<std::string> vnode;
    std::vector<stanza::ConferenceProperty> properties;  // authentication, externalAuth, sipGatewayEnabled...
};

// Why a request is refused; each maps to the stanza error Jicofo sends and to the REST status it answers.
enum class RequestErrc {
    bad_request = 1,      // missing or invalid room
    not_authorized,       // the room needs an authenticated creator
    session_invalid,      // not-acceptable with <session-invalid/>
    unavailable,          // shutting down
    not_acceptable,       // machine-uid missing for a new session, or not the session's (no <session-invalid/>)
    resource_constraint,  // a cap is reached (conferences running, requests waiting): retry later
    not_allowed,          // the room is not on the conference MUC service, or is a room of another component
};

struct RequestError {
    RequestErrc code = RequestErrc::bad_request;
    std::string text;
};

using ConferenceRequestResult = core::Result<ConferenceReply, RequestError>;

// The reply payload: <conference xmlns=focus room ready focusjid ...><property name value/>...</conference>.
[[nodiscard]] stanza::ConferenceIq to_conference_iq(const ConferenceReply& reply);
// not-authorized, not-acceptable (+ <session-invalid/>), bad-request, service-unavailable.
[[nodiscard]] stanza::StanzaError to_stanza_error(const RequestError& error);
[[nodiscard]] ConferenceRequest request_from_iq(const stanza::ConferenceIq& iq, std::optional<stanza::Jid> sender);

// Who really sent an IQ: with a client proxy configured, an IQ from `<proxy>/<client full JID>` comes from the
// resource (Jitsi's Prosody client_proxy encodes the sender so); anything else comes from `from` itself.
// nullopt when the proxy's resource is not a valid JID.
[[nodiscard]] std::optional<stanza::Jid> real_sender(const stanza::Jid& from,
                                                     const std::optional<stanza::Jid>& client_proxy);

[[nodiscard]] std::string_view to_string(RequestErrc code);

// The request's rtcstatsEnabled property as Jicofo's JitsiMeetConfig reads it: absent → true, otherwise true only for
// "true" in any case (Java's parseBoolean). A conference with it false is left out of GET /rtcstats.
[[nodiscard]] bool rtcstats_enabled(const std::vector<stanza::ConferenceProperty>& properties);
// startAudioMuted / startVideoMuted as a count of participants (a non-negative integer; anything else is ignored).
[[nodiscard]] std::optional<int> start_muted_after(const std::vector<stanza::ConferenceProperty>& properties,
                                                   std::string_view name);

// What the request that created a conference asked of it, from its properties.
struct ConferenceOptions {
    bool rtcstats_enabled = true;          // rtcstatsEnabled (absent: on), also sent to the bridges
    std::optional<int> start_audio_muted;  // startAudioMuted=N: participants after the Nth start muted
    std::optional<int> start_video_muted;  // startVideoMuted=N
};

[[nodiscard]] ConferenceOptions conference_options(const std::vector<stanza::ConferenceProperty>& properties);

}  // namespace jicofo::conference
