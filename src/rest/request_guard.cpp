// Origin, Content-Type and JSON nesting checks for the state-changing routes, and CORS headers for allowed origins.
#include "jicofo/rest/request_guard.hpp"

#include "jicofo/core/text.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

namespace jicofo::rest {
bool origin_allowed(std::string_view origin, const std::vector<std::string>& allowed) {
    return std::any_of(allowed.begin(), allowed.end(), [origin](std::string_view entry) {
        if (entry == "*") {
            return true;
        }
        if (entry.size() > 1 && entry.back() == '/') {
            entry.remove_suffix(1);
        }
        return core::iequals_ascii(entry, origin);
    });
}

bool is_json_content_type(std::string_view content_type) {
    return core::iequals_ascii(core::trim_blanks(content_type.substr(0, content_type.find(';'))), "application/json");
}

void add_cors_headers(HttpResponse& response, const HttpRequest& request, const std::vector<std::string>& allowed,
                      std::string_view methods) {
    auto origin = request.headers.get("Origin");
    if (!origin || !origin_allowed(*origin, allowed)) {
        return;
    }
    response.headers.set("Access-Control-Allow-Origin", std::string(*origin));
    response.headers.set("Access-Control-Allow-Methods", std::string(methods));
    response.headers.set("Access-Control-Allow-Headers", "Content-Type, Authorization");
    response.headers.set("Vary", "Origin");
}

RouteHandler state_changing(RouteHandler inner, std::vector<std::string> allowed_origins, BodyKind kind) {
    return [inner = std::move(inner), allowed = std::move(allowed_origins), kind](
               const HttpRequest& request, const PathParams& params, Responder respond) {
        // Browsers send Origin with every cross-origin request that could change state (and with same-origin POSTs);
        // servers and command-line clients send none and are not what CSRF is about.
        auto origin = request.headers.get("Origin");
        if (origin && !origin_allowed(*origin, allowed)) {
            respond(HttpResponse::text(403, "Forbidden: origin not allowed"));
            return;
        }
        // A cross-site <img> or link sends no Origin with its GET, but current browsers say where it comes from.
        auto fetch_site = request.headers.get("Sec-Fetch-Site");
        if (!origin && fetch_site && *fetch_site != "same-origin" && *fetch_site != "none") {
            respond(HttpResponse::text(403, "Forbidden: cross-site request"));
            return;
        }
        auto content_type = request.headers.get("Content-Type");
        const bool json = content_type && is_json_content_type(*content_type);
        if (!json && (kind == BodyKind::json || !request.body.empty())) {
            respond(HttpResponse::text(415, "Unsupported Media Type: the body must be application/json"));
            return;
        }
        if (json_nesting_depth(request.body, kMaxJsonDepth) > kMaxJsonDepth) {
            respond(HttpResponse::text(400, "Bad request: JSON nested deeper than " + std::to_string(kMaxJsonDepth)));
            return;
        }
        if (!origin) {
            inner(request, params, std::move(respond));
            return;
        }
        // The CORS headers are worked out now: the answer may come later, from another thread.
        HttpResponse cors;
        add_cors_headers(cors, request, allowed, "POST, OPTIONS");
        inner(request, params, [respond = std::move(respond), cors = std::move(cors.headers)](HttpResponse response) {
            for (const auto& [name, value] : cors.fields()) {
                response.headers.set(name, value);
            }
            respond(std::move(response));
        });
    };
}

}  // namespace jicofo::rest
