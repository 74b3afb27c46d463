// JSON at the edge for the conference endpoints: POST /conference-request/v1 bodies and answers, /debug and the
// conference keys of /stats, all built from snapshots the conference module took on its owners' strands.
#pragma once

#include "jicofo/conference/conference_request.hpp"
#include "jicofo/conference/conference_settings.hpp"
#include "jicofo/core/result.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jicofo::app {

// A body that is not a JSON object, or whose fields have the wrong types → "Bad request: ..."; a room that is not
// a valid bare JID → "Invalid room name". `authorization` is the Authorization header: "Bearer <token>" or the
// token itself. Unknown fields are ignored, as Jicofo's Jackson mapping does.
[[nodiscard]] core::Result<conference::ConferenceRequest, std::string> conference_request_from_json(
    std::string_view body, std::optional<std::string_view> authorization);

// {"room","ready","focusJid","vnode","sessionId","identity","properties":{...}} with null fields left out.
[[nodiscard]] nlohmann::ordered_json conference_reply_json(const conference::ConferenceReply& reply);

// The HTTP status and plain-text body for a refused request: 403 "Error" for not-authorized, 400 otherwise.
struct HttpError {
    int status = 400;
    std::string body;
};
[[nodiscard]] HttpError conference_error_http(const conference::RequestError& error);

// `full = false` leaves out the high-volume fields (each participant's disco features and sources, the conference's
// sources), as Jicofo's rtcstats state does.
[[nodiscard]] nlohmann::ordered_json conference_debug_json(const conference::ConferenceSnapshot& snapshot,
                                                           bool full = true);
// GET /rtcstats: {"<meeting id>": <conference_debug_json(s, false)>, ...} for the conferences that `rooms` lists as
// in statistics and with rtcstats enabled (those without a meeting id yet are left out).
[[nodiscard]] nlohmann::ordered_json rtcstats_json(const conference::FocusManagerSnapshot& rooms,
                                                   const std::vector<conference::ConferenceSnapshot>& snapshots);
// /stats keys: total_participants, total_conferences_created, conferences, largest_conference, participants,
// conference_sizes {...}; conferences not in statistics (the health check's) are left out.
[[nodiscard]] nlohmann::ordered_json conference_stats_json(const conference::FocusManagerSnapshot& snapshot);

}  // namespace jicofo::app
