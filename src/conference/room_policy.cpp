// The conference request's room rules: well-formed, on an allowed MUC service, not a room of another component.
#include "jicofo/conference/room_policy.hpp"

#include "jicofo/core/text.hpp"
#include "jicofo/stanza/jid_prep.hpp"

#include <algorithm>
#include <cctype>

namespace jicofo::conference {
namespace {

bool iends_with(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && core::iequals_ascii(text.substr(text.size() - suffix.size()), suffix);
}

// "conference" for conference.<xmpp-domain>; Jitsi's default when the service is named otherwise.
std::string_view tenant_prefix(const RoomServices& services) {
    const std::string_view service = services.conference_service;
    const std::string suffix = "." + services.xmpp_domain;
    if (!services.xmpp_domain.empty() && service.size() > suffix.size() && iends_with(service, suffix)) {
        return service.substr(0, service.size() - suffix.size());
    }
    return "conference";
}

// <prefix>.<tenant>.<xmpp-domain> with a non-empty tenant.
bool is_tenant_form(std::string_view domain, const RoomServices& services) {
    if (services.xmpp_domain.empty()) {
        return false;
    }
    const std::string prefix = std::string(tenant_prefix(services)) + ".";
    const std::string suffix = "." + services.xmpp_domain;
    if (domain.size() <= prefix.size() + suffix.size() ||
        !core::iequals_ascii(domain.substr(0, prefix.size()), prefix) || !iends_with(domain, suffix)) {
        return false;
    }
    const auto tenant = domain.substr(prefix.size(), domain.size() - prefix.size() - suffix.size());
    return !tenant.empty() && tenant.front() != '.' && tenant.back() != '.';
}

}  // namespace

bool conference_service_allowed(std::string_view domain, const RoomServices& services) {
    if (!services.conference_service.empty() && core::iequals_ascii(domain, services.conference_service)) {
        return true;
    }
    if (services.breakout_service && !services.breakout_service->empty() &&
        core::iequals_ascii(domain, *services.breakout_service)) {
        return true;
    }
    return is_tenant_form(domain, services);
}

core::Result<stanza::Jid, RequestError> admit_room(const std::optional<stanza::Jid>& room,
                                                   const std::optional<RoomServices>& services) {
    if (!room || room->local().empty() || !room->is_bare()) {
        return core::unexpected(RequestError{RequestErrc::bad_request, "missing or invalid room"});
    }
    // Prosody's form of the name: two spellings of one Prosody room are one conference, and a name Prosody would
    // refuse is no room at all.
    auto prepped = stanza::prep(*room);
    if (!prepped) {
        return core::unexpected(RequestError{RequestErrc::bad_request, "invalid room name: " + prepped.error().text});
    }
    const stanza::Jid canonical = std::move(prepped).value();
    if (!services) {
        return canonical;
    }
    auto reserved = [&](const stanza::Jid& other) { return other == canonical || other == *room; };
    if (std::any_of(services->reserved_rooms.begin(), services->reserved_rooms.end(), reserved)) {
        return core::unexpected(RequestError{RequestErrc::not_allowed, "room is not a conference room"});
    }
    if (!conference_service_allowed(canonical.domain(), *services)) {
        return core::unexpected(RequestError{RequestErrc::not_allowed, "room is not on the conference MUC service"});
    }
    return canonical;
}

}  // namespace jicofo::conference
