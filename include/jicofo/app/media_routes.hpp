// The REST endpoints over the bridges (Jicofo's /pin and /move-endpoints/*, and the bridge_selector keys of /debug
// and /stats): parsing and JSON as pure functions, and the handlers that reach the bridge registry and the room map.
#pragma once

#include "jicofo/bridge/snapshots.hpp"
#include "jicofo/conference/conference_settings.hpp"
#include "jicofo/core/result.hpp"
#include "jicofo/rest/rest_settings.hpp"
#include "jicofo/stanza/jid.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jicofo::bridge {
class BridgeRegistry;
}  // namespace jicofo::bridge
namespace jicofo::conference {
class FocusManager;
}  // namespace jicofo::conference
namespace jicofo::xmpp {
class CapsCache;
struct CapsCacheStats;
}  // namespace jicofo::xmpp

namespace jicofo::app {

// POST /pin: {"conferenceId":"<room JID>","jvbVersion":"<full version>","durationMinutes":<n > 0>}.
struct PinRequest {
    std::string conference_id;  // normalized room JID
    std::string version;
    std::chrono::minutes duration{0};
};
// Errors are the 400 body: "Bad request: <why>".
[[nodiscard]] core::Result<PinRequest, std::string> pin_request_from_json(std::string_view body);
// POST /pin/remove: {"conferenceId":"<room JID>"} → the normalized room JID.
[[nodiscard]] core::Result<std::string, std::string> unpin_request_from_json(std::string_view body);
// GET /pin: [{"conferenceId","jvbVersion","expiresAt":"<ISO-8601 UTC instant>"}].
[[nodiscard]] nlohmann::ordered_json pins_json(const std::vector<bridge::BridgePin>& pins);

// /debug "bridge_selector": {"strategy", "bridge": {"<occupant JID>": {...}}}.
[[nodiscard]] nlohmann::ordered_json bridge_selector_debug_json(const bridge::BridgeSelectorDebug& debug);
// /stats "bridge_selector": {bridge_count, operational_bridge_count, in_shutdown_bridge_count, lost_bridges,
// bridge_version_count}.
[[nodiscard]] nlohmann::ordered_json bridge_selector_stats_json(const bridge::BridgeSelectorStats& stats);

// /debug "caps_cache": {"entries","capacity","pending","hits","misses","waited","uncacheable","stored",
// "verification_failures","too_large","evictions"}.
[[nodiscard]] nlohmann::ordered_json caps_cache_debug_json(const xmpp::CapsCacheStats& stats);

// The `bridge` parameter of the move APIs: a full brewery occupant JID, or a nick resolved in the brewery.
// Nullopt when it is neither.
[[nodiscard]] std::optional<std::string> bridge_id_from_param(std::string_view param, const stanza::Jid& brewery);

// How many endpoints each conference has on one bridge, largest first (ties by room); conferences without any
// are left out.
struct ConferenceLoad {
    stanza::Jid room;
    int endpoints = 0;
};
[[nodiscard]] std::vector<ConferenceLoad> conferences_on_bridge(
    const std::vector<conference::ConferenceSnapshot>& snapshots, const std::string& bridge_id);
// Takes up to `count` endpoints greedily from the largest conference down (Jicofo's MoveEndpoints).
[[nodiscard]] std::vector<ConferenceLoad> plan_moves(const std::vector<ConferenceLoad>& loads, int count);
// round(fraction × the endpoints on the bridge).
[[nodiscard]] int fraction_of_endpoints(const std::vector<ConferenceLoad>& loads, double fraction);
// {"movedEndpoints":n,"conferences":m}.
[[nodiscard]] nlohmann::ordered_json move_result_json(int moved_endpoints, int conferences);

class LoadRedistributor;

// Adds the pin and move-endpoints handlers to `routes`, and decorates its /debug and /stats handlers (when set)
// with "bridge_selector" (and /debug with "load_redistributor" and "caps_cache" when they are given). Not-found
// bridges and conferences answer 404 (Jicofo answers 500).
void add_media_routes(rest::DomainRoutes& routes, const std::shared_ptr<bridge::BridgeRegistry>& registry,
                      const std::shared_ptr<conference::FocusManager>& manager, const stanza::Jid& brewery,
                      const std::shared_ptr<LoadRedistributor>& redistributor = nullptr,
                      const std::shared_ptr<xmpp::CapsCache>& caps_cache = nullptr);

}  // namespace jicofo::app
