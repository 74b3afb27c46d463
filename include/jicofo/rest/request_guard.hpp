// Checks that keep a web page from driving the REST API through a visitor's browser (cross-site request forgery),
// and the JSON shape limits applied before a body is parsed. Pure functions over the transport-free request.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "jicofo/core/text.hpp"
#include "jicofo/rest/http.hpp"
#include "jicofo/rest/router.hpp"

namespace jicofo::rest {

// Deeper JSON than this is refused before parsing; no route's body nests more than a few levels.
constexpr std::size_t kMaxJsonDepth = 32;

// What a state-changing route takes in its body.
enum class BodyKind {
    none,  // parameters in the query; a body, if any, must still be declared application/json
    json,  // a JSON object: Content-Type application/json is required
};

// Whether a browser at `origin` may call the state-changing routes (and receives CORS headers). Exact match,
// ignoring case and a trailing '/' in the configured entry; "*" in `allowed` allows every origin.
bool origin_allowed(std::string_view origin, const std::vector<std::string>& allowed);

// Whether the Content-Type's media type (parameters such as charset ignored) is application/json.
bool is_json_content_type(std::string_view content_type);

// core::json_nesting_depth, where the REST checks have always found it.
using core::json_nesting_depth;

// Adds Access-Control-Allow-* naming the request's Origin when that origin is allowed; nothing otherwise.
void add_cors_headers(HttpResponse& response, const HttpRequest& request, const std::vector<std::string>& allowed,
                      std::string_view methods);

// Wraps a state-changing route. Before `inner` runs: an Origin that is not allowed gets 403, and so does a request
// without Origin that a browser marks as coming from another site (Sec-Fetch-Site); a body that is not
// declared application/json (or, for BodyKind::json, any request without that Content-Type) gets 415; JSON nested
// deeper than kMaxJsonDepth gets 400. An allowed Origin gets CORS headers on the answer.
RouteHandler state_changing(RouteHandler inner, std::vector<std::string> allowed_origins, BodyKind kind);

}  // namespace jicofo::rest
