// Jicofo's REST endpoints as pure handlers, and the router wiring them according to the enabled groups.
#pragma once

#include <optional>
#include <string_view>

#include "jicofo/rest/http.hpp"
#include "jicofo/rest/rest_settings.hpp"
#include "jicofo/rest/router.hpp"

namespace jicofo::health {
struct HealthSnapshot;
}  // namespace jicofo::health

namespace jicofo::rest {

Router build_router(const RestSettings& settings, ServiceContext& context);

// GET /about/version: {"name":"JiCoFo","version":"<version>","os":"Linux"}.
HttpResponse version_response(std::string_view version);
// GET /metrics with content negotiation on `accept` (absent: Prometheus text).
HttpResponse metrics_response(metrics::MetricsRegistry& registry, std::optional<std::string_view> accept);
// GET /about/health: 200 "OK", or the result's status with its message as plain text.
HttpResponse health_response(const health::HealthSnapshot& snapshot);

}  // namespace jicofo::rest
