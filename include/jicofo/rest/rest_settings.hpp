// REST settings of their own (the config module maps jicofo.rest.* onto this), and what the handlers may use.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace jicofo::metrics {
class MetricsRegistry;
}  // namespace jicofo::metrics
namespace jicofo::health {
class HealthChecker;
}  // namespace jicofo::health

namespace jicofo::rest {

// Which route groups exist; a disabled group's paths answer 404, as in Jicofo.
struct RestGroups {
    bool prometheus = true;          // jicofo.rest.prometheus.enabled: GET /metrics
    bool conference_request = true;  // jicofo.rest.conference-request.enabled (not implemented yet)
    bool move_endpoints = true;      // jicofo.rest.move-endpoints.enabled (not implemented yet)
    bool debug = true;               // jicofo.rest.debug.enabled (not implemented yet)
    bool pin = true;                 // jicofo.rest.pin.enabled (not implemented yet)
    bool health = false;             // jicofo.health.enabled: GET /about/health
};

struct RestSettings {
    RestGroups groups;
    std::string host = "127.0.0.1";
    std::uint16_t port = 8888;  // 0 picks an ephemeral port (tests)
    std::size_t max_connections = 512;
    std::size_t max_body_bytes = std::size_t{1024} * 1024;
    std::chrono::milliseconds read_timeout{std::chrono::seconds(10)};  // one request's header and body, one write
    std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};  // between requests on a kept-alive connection
};

// The state handlers read. References outlive the router (the application owns them).
struct ServiceContext {
    std::string version;
    metrics::MetricsRegistry& metrics;
    health::HealthChecker* health = nullptr;  // null when jicofo.health.enabled is false
};

}  // namespace jicofo::rest
