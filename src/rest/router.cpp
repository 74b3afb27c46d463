// Router: pattern parsing, matching in registration order, 404/405 answers and exception containment.
#include "jicofo/rest/router.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <exception>
#include <memory>
#include <set>
#include <stdexcept>

namespace jicofo::rest {
namespace {

// "/a/b/" → {"a", "b", ""}; "/" → {""}.
std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> segments;
    if (!path.empty() && path.front() == '/') {
        path.remove_prefix(1);
    }
    std::size_t pos = 0;
    while (true) {
        std::size_t end = path.find('/', pos);
        segments.push_back(path.substr(pos, end == std::string_view::npos ? end : end - pos));
        if (end == std::string_view::npos) {
            break;
        }
        pos = end + 1;
    }
    return segments;
}

std::optional<std::int64_t> parse_int(std::string_view text) {
    std::int64_t value = 0;
    const char* first = text.data();
    if (!text.empty() && text.front() == '+') {
        ++first;
    }
    auto [end, ec] = std::from_chars(first, text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || first == end) {
        return std::nullopt;
    }
    return value;
}

}  // namespace

std::optional<std::string_view> PathParams::get(std::string_view name) const {
    for (const auto& [key, value] : values_) {
        if (key == name) {
            return value;
        }
    }
    return std::nullopt;
}

std::optional<std::int64_t> PathParams::get_int(std::string_view name) const {
    auto value = get(name);
    return value ? parse_int(*value) : std::nullopt;
}

Router& Router::add(std::string method, std::string_view pattern, RouteHandler handler, std::size_t max_body) {
    if (pattern.empty() || pattern.front() != '/') {
        throw std::invalid_argument("route pattern must start with '/': " + std::string(pattern));
    }
    Route route{std::move(method), std::string(pattern), {}, std::move(handler), max_body};
    for (std::string_view segment : split_path(pattern)) {
        if (!segment.empty() && segment.front() == '{') {
            if (segment.back() != '}' || segment.size() < 3) {
                throw std::invalid_argument("malformed route parameter: " + std::string(segment));
            }
            std::string_view inner = segment.substr(1, segment.size() - 2);
            auto colon = inner.find(':');
            if (colon == std::string_view::npos) {
                route.segments.push_back({Segment::Kind::param, std::string(inner)});
            } else if (inner.substr(colon + 1) == "int" && colon > 0) {
                route.segments.push_back({Segment::Kind::int_param, std::string(inner.substr(0, colon))});
            } else {
                throw std::invalid_argument("unknown route parameter type: " + std::string(segment));
            }
        } else {
            route.segments.push_back({Segment::Kind::literal, std::string(segment)});
        }
    }
    routes_.push_back(std::move(route));
    return *this;
}

bool Router::match(const Route& route, const std::vector<std::string_view>& path, PathParams& params) {
    if (route.segments.size() != path.size()) {
        return false;
    }
    for (std::size_t i = 0; i < path.size(); ++i) {
        const Segment& segment = route.segments[i];
        switch (segment.kind) {
            case Segment::Kind::literal:
                if (segment.text != path[i]) {
                    return false;
                }
                break;
            case Segment::Kind::param:
                if (path[i].empty()) {
                    return false;
                }
                params.add(segment.text, std::string(path[i]));
                break;
            case Segment::Kind::int_param:
                if (!parse_int(path[i])) {
                    return false;
                }
                params.add(segment.text, std::string(path[i]));
                break;
        }
    }
    return true;
}

void Router::dispatch(const HttpRequest& request, const Responder& responder) const {
    const auto path = split_path(request.path);
    std::set<std::string> allowed;
    const Route* get_route = nullptr;
    PathParams get_params;
    for (const Route& route : routes_) {
        PathParams params;
        if (!match(route, path, params)) {
            continue;
        }
        if (route.method == request.method) {
            get_route = &route;
            get_params = std::move(params);
            break;
        }
        if (request.method == "HEAD" && route.method == "GET" && !get_route) {
            get_route = &route;
            get_params = std::move(params);
        }
        allowed.insert(route.method);
    }
    if (get_route) {
        // A handler that throws before answering gets a 500; one that throws after answering is only a bug.
        auto answered = std::make_shared<std::atomic<bool>>(false);
        Responder once = [answered, responder](HttpResponse response) mutable {
            *answered = true;
            responder(std::move(response));
        };
        try {
            get_route->handler(request, get_params, once);
        } catch (const std::exception& e) {
            if (!*answered) {
                responder(HttpResponse::text(500, e.what()));
            }
        } catch (...) {
            if (!*answered) {
                responder(HttpResponse::text(500, "Internal error"));
            }
        }
        return;
    }
    if (allowed.empty()) {
        responder(HttpResponse::text(404, "Not Found"));
        return;
    }
    if (allowed.count("GET")) {
        allowed.insert("HEAD");
    }
    std::string allow;
    for (const auto& method : allowed) {
        allow += (allow.empty() ? "" : ", ") + method;
    }
    auto response = HttpResponse::text(405, "Method Not Allowed");
    response.headers.set("Allow", allow);
    responder(std::move(response));
}

std::size_t Router::body_limit(std::string_view method, std::string_view path) const {
    const auto segments = split_path(path);
    for (const Route& route : routes_) {
        PathParams params;
        if (route.method == method && match(route, segments, params)) {
            return route.max_body;
        }
    }
    return kNoBodyRouteLimit;
}

std::vector<RouteInfo> Router::routes() const {
    std::vector<RouteInfo> listed;
    listed.reserve(routes_.size());
    for (const Route& route : routes_) {
        listed.push_back({route.method, route.pattern});
    }
    return listed;
}

std::pair<Handler, BodyLimit> Router::into_handler_and_limits() && {
    auto router = std::make_shared<const Router>(std::move(*this));
    Handler handler = [router](const HttpRequest& request, const Responder& responder) {
        router->dispatch(request, responder);
    };
    BodyLimit limit = [router](std::string_view method, std::string_view path) {
        return router->body_limit(method, path);
    };
    return {std::move(handler), std::move(limit)};
}

Handler Router::into_handler() && {
    auto router = std::make_shared<const Router>(std::move(*this));
    return [router](const HttpRequest& request, const Responder& responder) { router->dispatch(request, responder); };
}

}  // namespace jicofo::rest
