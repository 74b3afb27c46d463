// REST settings of their own (the config module maps jicofo.rest.* onto this), and what the handlers may use.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "jicofo/rest/router.hpp"

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
    bool conference_request = true;  // jicofo.rest.conference-request.enabled: POST/OPTIONS /conference-request/v1
    bool move_endpoints = true;      // jicofo.rest.move-endpoints.enabled: POST (and GET) /move-endpoints/*
    bool debug = true;               // jicofo.rest.debug.enabled: /debug, /debug/conference(s)...
    bool pin = true;                 // jicofo.rest.pin.enabled: GET /pin, POST /pin, POST /pin/remove
    bool health = false;             // jicofo.health.enabled: GET /about/health
};

struct RestSettings {
    RestGroups groups;
    std::string host = "127.0.0.1";
    std::uint16_t port = 8888;  // 0 picks an ephemeral port (tests)
    std::size_t max_connections = 512;
    std::size_t max_body_bytes = std::size_t{1024} * 1024;  // ceiling over every route's own limit
    // The body limit of the routes that take JSON (/pin, /pin/remove, /conference-request/v1), checked against
    // Content-Length before the body is read; routes without a body accept kNoBodyRouteLimit bytes.
    std::size_t max_json_body_bytes = 8192;
    // Browser origins allowed to call the state-changing routes and to receive CORS headers; a request carrying any
    // other Origin is refused with 403. "*" allows every origin. Requests without Origin (servers, curl) pass.
    std::vector<std::string> allowed_origins;
    std::chrono::milliseconds read_timeout{std::chrono::seconds(10)};  // one request's header and body, one write
    std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};  // between requests on a kept-alive connection
};

// A route a conference feature registers (its folder decides its path and its enable key).
struct FeatureRoute {
    std::string method;
    std::string path;
    RouteHandler handler;
    std::size_t max_body = kNoBodyRouteLimit;
};

// Endpoints served by domain modules that rest does not depend on: the application builds them (JSON at the edge,
// from snapshots taken on the owners' strands) and the router registers each one that is set and whose group is
// enabled. An unset handler leaves its route absent (404).
struct DomainRoutes {
    RouteHandler conference_request;      // POST /conference-request/v1 (OPTIONS is answered here, with CORS)
    RouteHandler debug;                   // GET /debug[?full=true]
    RouteHandler debug_conferences;       // GET /debug/conferences
    RouteHandler debug_conferences_full;  // GET /debug/conferences-full
    RouteHandler debug_conference;        // GET /debug/conference/{jid}
    RouteHandler debug_xmpp_caps;         // GET /debug/xmpp-caps
    RouteHandler stats;                   // GET /stats
    RouteHandler rtcstats;                // GET /rtcstats (always, like /stats)
    // Over the bridges (only when a brewery is configured).
    RouteHandler pin_list;        // GET /pin
    RouteHandler pin_add;         // POST /pin
    RouteHandler pin_remove;      // POST /pin/remove
    RouteHandler move_endpoint;   // GET /move-endpoints/move-endpoint
    RouteHandler move_endpoints;  // GET /move-endpoints/move-endpoints
    RouteHandler move_fraction;   // GET /move-endpoints/move-fraction
    // The features' own routes, registered as they are.
    std::vector<FeatureRoute> feature_routes;
};

// The state handlers read. References outlive the router (the application owns them).
struct ServiceContext {
    std::string version;
    metrics::MetricsRegistry& metrics;
    health::HealthChecker* health = nullptr;  // null when jicofo.health.enabled is false
    DomainRoutes domain{};
};

}  // namespace jicofo::rest
