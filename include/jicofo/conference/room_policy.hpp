// Which rooms a conference request may name. A conference is the focus in a MUC room; leaving it leaves that room. A
// request naming a room some other component of ours is in (a brewery), or a room on another MUC service (the
// internal one, or anybody's), would make the focus join and later leave it: leaving a brewery takes every bridge
// away from every conference. So a request may only name a room on the conference MUC service, its tenant forms or
// the breakout service.
#pragma once

#include "jicofo/conference/conference_request.hpp"
#include "jicofo/core/result.hpp"
#include "jicofo/stanza/jid.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jicofo::conference {

struct RoomServices {
    // The conference MUC service: jicofo.xmpp.client.conference-muc-jid, or conference.<xmpp-domain> when unset.
    std::string conference_service;
    // The xmpp-domain. conference.<tenant>.<xmpp-domain> is a tenant form of the service: Jitsi's domain mapper maps
    // it onto the conference service (the "conference" label is the one conference_service starts with when it is
    // <label>.<xmpp-domain>).
    std::string xmpp_domain;
    // The breakout rooms component Prosody announces (component discovery); absent until discovered.
    std::optional<std::string> breakout_service;
    // Rooms other components of ours are in (the breweries), in Prosody's form: never a conference, whatever their
    // service.
    std::vector<stanza::Jid> reserved_rooms;
};

// Whether `domain` is one of the services a conference may be on (compared without regard to case).
[[nodiscard]] bool conference_service_allowed(std::string_view domain, const RoomServices& services);

// The room a request names, as the room map keys it (in Prosody's form: nodeprep and nameprep, jid_prep.hpp), or why it
// can be no conference: bad_request for a missing or malformed name (no localpart, a resource, a name stringprep
// refuses), not_allowed for a room outside the services or a reserved one. Without `services` (a room map built
// without a MUC service, as in tests) any well-formed room is allowed.
[[nodiscard]] core::Result<stanza::Jid, RequestError> admit_room(const std::optional<stanza::Jid>& room,
                                                                 const std::optional<RoomServices>& services);

}  // namespace jicofo::conference
