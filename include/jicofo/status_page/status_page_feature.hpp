// The live status page: GET /status serves one self-contained HTML page (src/status_page/status.html, embedded at
// build time) whose script polls the existing JSON endpoints (/stats, /debug, /about/health, /metrics, /drain) and
// shows conferences, bridges, health and join latency; GET / redirects to it. Served only with
// jicofo.rest.status-page.enabled (by default: when the REST API listens on a loopback address).
#pragma once

#include "jicofo/feature/feature.hpp"
#include "jicofo/rest/http.hpp"

#include <string_view>

namespace jicofo::status_page {

// The page as built into the binary.
std::string_view page_html();

// GET /status: the page, with headers that keep it from being cached, framed or made to load anything but this
// server's JSON.
rest::HttpResponse page_response();
// GET /: 302 to /status.
rest::HttpResponse root_redirect();

void install(feature::Registrar& registrar);
inline constexpr feature::Feature kFeature{"status_page", &install};

}  // namespace jicofo::status_page
