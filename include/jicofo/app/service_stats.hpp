// The /stats keys Jicofo's JicofoServices adds to the focus manager's: threads, version, queues, and with health
// checks on slow_health_check, healthy and health{success, hardFailure, responseCode, sticky, message}.
#pragma once

#include "jicofo/health/health_checker.hpp"
#include "jicofo/rest/rest_settings.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace jicofo::app {

// The health keys from a health snapshot (Jicofo's result never is sticky here: we have no sticky failures).
[[nodiscard]] nlohmann::ordered_json health_stats_json(const health::HealthSnapshot& snapshot);

// The keys without health: threads (null when /proc cannot be read), version and queues ({}: Jicofo's PacketQueue
// statistics are off by default, and we have no PacketQueues).
[[nodiscard]] nlohmann::ordered_json service_stats_json(std::optional<std::int64_t> threads,
                                                        const std::string& version);

// Decorates routes.stats (when set) with those keys; `health` (may be null) must outlive the routes.
void add_service_stats(rest::DomainRoutes& routes, std::string version, const health::HealthChecker* health);

}  // namespace jicofo::app
