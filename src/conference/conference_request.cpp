// Conversions between conference requests/replies and the focus IQ payloads, and the client-proxy sender rule.
#include "jicofo/conference/conference_request.hpp"

#include "jicofo/auth/token.hpp"
#include "jicofo/conference/request_shaper.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <system_error>

namespace jicofo::conference {

stanza::ConferenceIq to_conference_iq(const ConferenceReply& reply) {
    stanza::ConferenceIq iq;
    iq.room = reply.room;
    iq.ready = reply.ready;
    iq.focus_jid = reply.focus_jid;
    iq.session_id = reply.session_id;
    iq.identity = reply.identity;
    iq.vnode = reply.vnode;
    iq.properties = reply.properties;
    return iq;
}

stanza::StanzaError to_stanza_error(const RequestError& error) {
    switch (error.code) {
        case RequestErrc::not_authorized:
            return stanza::StanzaError::make(stanza::ErrorCondition::not_authorized, error.text);
        case RequestErrc::session_invalid: {
            auto stanza_error = stanza::StanzaError::make(stanza::ErrorCondition::not_acceptable, error.text);
            stanza_error.app_specific = stanza::SessionInvalid{}.to_xml();
            return stanza_error;
        }
        case RequestErrc::unavailable:
            return stanza::StanzaError::make(stanza::ErrorCondition::service_unavailable, error.text);
        case RequestErrc::not_acceptable:
            return stanza::StanzaError::make(stanza::ErrorCondition::not_acceptable, error.text);
        case RequestErrc::not_allowed:
            return stanza::StanzaError::make(stanza::ErrorCondition::not_allowed, error.text);
        case RequestErrc::resource_constraint:
            return stanza::StanzaError::make(stanza::ErrorCondition::resource_constraint, error.text);
        case RequestErrc::bad_request: break;
    }
    return stanza::StanzaError::make(stanza::ErrorCondition::bad_request, error.text);
}

ConferenceRequest request_from_iq(const stanza::ConferenceIq& iq, std::optional<stanza::Jid> sender) {
    ConferenceRequest request;
    request.room = iq.room;
    request.properties = iq.properties;
    request.machine_uid = iq.machine_uid;
    request.token = iq.token;
    request.session_id = iq.session_id;
    request.from = std::move(sender);
    return request;
}

std::optional<stanza::Jid> real_sender(const stanza::Jid& from, const std::optional<stanza::Jid>& client_proxy) {
    if (!client_proxy || from.bare() != client_proxy->bare() || from.resource().empty()) {
        return from;
    }
    auto inner = stanza::Jid::parse(from.resource());
    if (!inner) {
        return std::nullopt;
    }
    return std::move(inner).value();
}

std::string_view to_string(RequestErrc code) {
    switch (code) {
        case RequestErrc::bad_request: return "bad-request";
        case RequestErrc::not_authorized: return "not-authorized";
        case RequestErrc::session_invalid: return "session-invalid";
        case RequestErrc::unavailable: return "unavailable";
        case RequestErrc::not_acceptable: return "not-acceptable";
        case RequestErrc::not_allowed: return "not-allowed";
        case RequestErrc::resource_constraint: return "resource-constraint";
    }
    return "unknown";
}

bool rtcstats_enabled(const std::vector<stanza::ConferenceProperty>& properties) {
    auto it = std::find_if(properties.begin(), properties.end(),
                           [](const stanza::ConferenceProperty& p) { return p.name == "rtcstatsEnabled"; });
    if (it == properties.end()) {
        return true;
    }
    constexpr std::string_view kTrue = "true";
    return std::equal(it->value.begin(), it->value.end(), kTrue.begin(), kTrue.end(),
                      [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
}

std::optional<int> start_muted_after(const std::vector<stanza::ConferenceProperty>& properties, std::string_view name) {
    auto it = std::find_if(properties.begin(), properties.end(),
                           [name](const stanza::ConferenceProperty& p) { return p.name == name; });
    if (it == properties.end()) {
        return std::nullopt;
    }
    int count = 0;
    const auto* end = it->value.data() + it->value.size();
    auto [ptr, ec] = std::from_chars(it->value.data(), end, count);
    if (ec != std::errc() || ptr != end || count < 0) {
        return std::nullopt;
    }
    return count;
}

ConferenceOptions conference_options(const std::vector<stanza::ConferenceProperty>& properties) {
    ConferenceOptions options;
    options.rtcstats_enabled = rtcstats_enabled(properties);
    options.start_audio_muted = start_muted_after(properties, "startAudioMuted");
    options.start_video_muted = start_muted_after(properties, "startVideoMuted");
    return options;
}

RequestFacts request_facts(const ConferenceRequest& request) {
    RequestFacts facts;
    for (const auto& property : request.properties) {
        if (property.name == "visitors-version") {
            facts.visitors_version = true;
        } else if (property.name == "visitor") {
            facts.visitor_requested = property.value == "true";
        }
    }
    if (request.token) {
        auto claims = auth::parse_token_without_validation(*request.token);
        facts.user_id = std::move(claims.user_id);
        facts.group = std::move(claims.group);
    }
    return facts;
}

}  // namespace jicofo::conference
