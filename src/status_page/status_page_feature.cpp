// The status page's routes. The page itself is static (its script does the polling), so a request costs one copy
// of the embedded text and touches no domain state.
#include "jicofo/status_page/status_page_feature.hpp"

#include <utility>

namespace jicofo::status_page {
namespace {

// Inline script and style only (the page is one file); the script may fetch from this origin and nothing else.
constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

}  // namespace

rest::HttpResponse page_response() {
    rest::HttpResponse response;
    response.status = 200;
    response.content_type = "text/html; charset=utf-8";
    response.body = std::string(page_html());
    response.headers.add("Cache-Control", "no-store");
    response.headers.add("Content-Security-Policy", kContentSecurityPolicy);
    response.headers.add("X-Frame-Options", "DENY");
    response.headers.add("X-Content-Type-Options", "nosniff");
    response.headers.add("Referrer-Policy", "no-referrer");
    return response;
}

rest::HttpResponse root_redirect() {
    auto response = rest::HttpResponse::text(302, "Found: /status");
    response.headers.add("Location", "/status");
    response.headers.add("Cache-Control", "no-store");
    return response;
}

void install(feature::Registrar& registrar) {
    // Decided at start-up, with the listener's address (config/extract_sections.cpp resolves the default).
    if (!registrar.config().rest.status_page_enabled) {
        return;
    }
    registrar.route("GET", "/status",
                    [](const rest::HttpRequest&, const rest::PathParams&, const rest::Responder& respond) {
                        respond(page_response());
                    });
    registrar.route("GET", "/", [](const rest::HttpRequest&, const rest::PathParams&, const rest::Responder& respond) {
        respond(root_redirect());
    });
}

}  // namespace jicofo::status_page
