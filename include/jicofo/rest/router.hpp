// Express-style routing: method + path pattern with typed parameters, one answer for "no route" (404) and one
// for "wrong method" (405 with Allow). Pure: dispatch is tested without sockets.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "jicofo/rest/http.hpp"

namespace jicofo::rest {

class PathParams {
public:
    void add(std::string name, std::string value) { values_.emplace_back(std::move(name), std::move(value)); }
    std::optional<std::string_view> get(std::string_view name) const;
    // Present only for `{name:int}` parameters (or any value that parses as a decimal integer).
    std::optional<std::int64_t> get_int(std::string_view name) const;

private:
    std::vector<std::pair<std::string, std::string>> values_;
};

using RouteHandler = std::function<void(const HttpRequest&, const PathParams&, Responder)>;

// A registered route as written: its method and its pattern (e.g. "GET", "/debug/conference/{jid}").
struct RouteInfo {
    std::string method;
    std::string pattern;
};

// Bytes of body accepted by a route that declares none (and by paths without a route): enough for a stray "{}".
constexpr std::size_t kNoBodyRouteLimit = 1024;

class Router {
public:
    // Pattern segments are literals, `{name}` (any non-empty segment) or `{name:int}` (an optionally signed decimal
    // integer; anything else does not match the route). Routes are tried in registration order.
    // Throws std::invalid_argument on a malformed pattern (a programming error).
    // `max_body` is the route's body limit, which the server enforces before reading the body.
    Router& add(std::string method, std::string_view pattern, RouteHandler handler,
                std::size_t max_body = kNoBodyRouteLimit);
    Router& get(std::string_view pattern, RouteHandler handler) { return add("GET", pattern, std::move(handler)); }
    Router& post(std::string_view pattern, RouteHandler handler, std::size_t max_body = kNoBodyRouteLimit) {
        return add("POST", pattern, std::move(handler), max_body);
    }

    // Runs the matching handler, or answers 404 / 405 itself. HEAD is served by the GET route (the server drops
    // the body). A handler that throws is answered 500 with the exception's message.
    void dispatch(const HttpRequest& request, const Responder& responder) const;

    // The body limit of the route `method` `path` would be dispatched to (kNoBodyRouteLimit without one).
    [[nodiscard]] std::size_t body_limit(std::string_view method, std::string_view path) const;

    // Every route in registration order (the published API document is checked against this list).
    [[nodiscard]] std::vector<RouteInfo> routes() const;

    // The router as a server Handler (shared, immutable from here on).
    Handler into_handler() &&;
    // The same, with the body limit lookup for the server (both share the router).
    std::pair<Handler, BodyLimit> into_handler_and_limits() &&;

private:
    struct Segment {
        enum class Kind { literal, param, int_param } kind;
        std::string text;  // the literal, or the parameter name
    };
    struct Route {
        std::string method;
        std::string pattern;
        std::vector<Segment> segments;
        RouteHandler handler;
        std::size_t max_body = kNoBodyRouteLimit;
    };

    static bool match(const Route& route, const std::vector<std::string_view>& path, PathParams& params);

    std::vector<Route> routes_;
};

}  // namespace jicofo::rest
