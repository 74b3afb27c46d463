// Jicofo's REST endpoints implemented so far, as pure functions of request and state, and their registration.
#include "jicofo/rest/routes.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <utility>

#include "jicofo/health/health_checker.hpp"
#include "jicofo/metrics/exposition.hpp"
#include "jicofo/metrics/metrics_registry.hpp"
#include "jicofo/rest/request_guard.hpp"

namespace jicofo::rest {

HttpResponse version_response(std::string_view version) {
    // Field order as Jicofo's Jackson output: name, version, os.
    nlohmann::ordered_json body;
    body["name"] = "JiCoFo";
    body["version"] = version;
    body["os"] = "Linux";
    return HttpResponse::json(200, body.dump());
}

HttpResponse metrics_response(metrics::MetricsRegistry& registry, std::optional<std::string_view> accept) {
    auto format = metrics::negotiate_metrics_format(accept.value_or(""));
    if (!format) {
        return HttpResponse::text(
            406, "Supported media types are application/openmetrics-text, text/plain and application/json");
    }
    auto rendered = metrics::render(registry, *format);
    HttpResponse response;
    response.status = 200;
    response.content_type = std::move(rendered.content_type);
    response.body = std::move(rendered.body);
    return response;
}

HttpResponse health_response(const health::HealthSnapshot& snapshot) {
    const auto& result = snapshot.result;
    if (result.success) {
        return HttpResponse::text(200, "OK");
    }
    return HttpResponse::text(result.http_status(), result.message.empty() ? "Unknown error." : result.message);
}

Router build_router(const RestSettings& settings, ServiceContext& context) {
    Router router;
    const RestGroups& groups = settings.groups;

    router.get("/about/version",
               [version = context.version](const HttpRequest&, const PathParams&, const Responder& respond) {
                   respond(version_response(version));
               });

    // The route exists only with jicofo.health.enabled, as in Jicofo (404 otherwise). The snapshot is taken on the
    // checker's strand and the answer comes from there.
    if (groups.health && context.health != nullptr) {
        router.get("/about/health",
                   [checker = context.health](const HttpRequest&, const PathParams&, Responder respond) {
                       checker->async_snapshot([respond = std::move(respond)](const health::HealthSnapshot& snapshot) {
                           respond(health_response(snapshot));
                       });
                   });
    }

    if (groups.prometheus) {
        router.get("/metrics", [registry = &context.metrics](const HttpRequest& request, const PathParams&,
                                                             const Responder& respond) {
            respond(metrics_response(*registry, request.headers.get("Accept")));
        });
    }

    const DomainRoutes& domain = context.domain;
    const auto& origins = settings.allowed_origins;
    const std::size_t json_limit = std::min(settings.max_json_body_bytes, settings.max_body_bytes);
    if (groups.conference_request && domain.conference_request) {
        // The preflight of a browser POST: CORS headers for an allowed origin, 403 for another.
        router.add("OPTIONS", "/conference-request/v1",
                   [origins](const HttpRequest& request, const PathParams&, const Responder& respond) {
                       auto origin = request.headers.get("Origin");
                       if (origin && !origin_allowed(*origin, origins)) {
                           respond(HttpResponse::text(403, "Forbidden: origin not allowed"));
                           return;
                       }
                       HttpResponse response = HttpResponse::text(200, "");
                       add_cors_headers(response, request, origins, "POST, OPTIONS");
                       respond(std::move(response));
                   });
        router.post("/conference-request/v1", state_changing(domain.conference_request, origins, BodyKind::json),
                    json_limit);
    }
    if (groups.debug) {
        // Literal paths first: /debug/conferences must not be read as a conference called "conferences".
        if (domain.debug) {
            router.get("/debug", domain.debug);
        }
        if (domain.debug_conferences) {
            router.get("/debug/conferences", domain.debug_conferences);
        }
        if (domain.debug_conferences_full) {
            router.get("/debug/conferences-full", domain.debug_conferences_full);
        }
        if (domain.debug_xmpp_caps) {
            router.get("/debug/xmpp-caps", domain.debug_xmpp_caps);
        }
        if (domain.debug_conference) {
            router.get("/debug/conference/{jid}", domain.debug_conference);
        }
    }
    if (domain.stats) {
        router.get("/stats", domain.stats);
    }
    if (domain.rtcstats) {
        router.get("/rtcstats", domain.rtcstats);
    }

    if (groups.pin) {
        if (domain.pin_list) {
            router.get("/pin", domain.pin_list);
        }
        if (domain.pin_add) {
            router.post("/pin", state_changing(domain.pin_add, origins, BodyKind::json), json_limit);
        }
        if (domain.pin_remove) {
            router.post("/pin/remove", state_changing(domain.pin_remove, origins, BodyKind::json), json_limit);
        }
    }
    if (groups.move_endpoints) {
        // POST is the form to use; GET stays for the scripts written against Jicofo (a cross-site <img> sends no
        // Origin, only Sec-Fetch-Site, and old browsers not even that: keep these routes on a trusted network).
        const std::pair<const char*, const RouteHandler*> moves[] = {
            {"/move-endpoints/move-endpoint", &domain.move_endpoint},
            {"/move-endpoints/move-endpoints", &domain.move_endpoints},
            {"/move-endpoints/move-fraction", &domain.move_fraction},
        };
        for (const auto& [path, handler] : moves) {
            if (*handler) {
                auto guarded = state_changing(*handler, origins, BodyKind::none);
                router.get(path, guarded);
                router.post(path, guarded);
            }
        }
    }
    // Features' routes: anything but GET changes state, so it gets the same guard as the routes above.
    for (const auto& route : domain.feature_routes) {
        if (route.method == "GET") {
            router.get(route.path, route.handler);
            continue;
        }
        const auto body = route.max_body > kNoBodyRouteLimit ? BodyKind::json : BodyKind::none;
        router.add(route.method, route.path, state_changing(route.handler, origins, body),
                   std::min(route.max_body, settings.max_body_bytes));
    }
    return router;
}

}  // namespace jicofo::rest
