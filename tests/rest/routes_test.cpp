// REST handlers as pure functions, and build_router's group gating.
#include "jicofo/rest/routes.hpp"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "jicofo/health/health_checker.hpp"
#include "jicofo/metrics/metrics_registry.hpp"
#include "jicofo/rest/request_guard.hpp"

namespace jicofo::rest {
namespace {

using namespace std::chrono_literals;

HttpRequest get(std::string_view target, std::optional<std::string> accept = std::nullopt) {
    HttpRequest r;
    r.method = "GET";
    EXPECT_TRUE(r.set_target(target));
    if (accept) {
        r.headers.add("Accept", *accept);
    }
    return r;
}

HttpRequest json_post(std::string_view target, std::string body = "{}") {
    HttpRequest r;
    r.method = "POST";
    EXPECT_TRUE(r.set_target(target));
    r.headers.add("Content-Type", "application/json");
    r.body = std::move(body);
    return r;
}

// Waits (bounded) for an answer that may come from another thread.
std::optional<HttpResponse> call(const Router& router, const HttpRequest& r) {
    auto promise = std::make_shared<std::promise<HttpResponse>>();
    auto future = promise->get_future();
    router.dispatch(r, [promise](HttpResponse response) { promise->set_value(std::move(response)); });
    if (future.wait_for(5s) != std::future_status::ready) {
        return std::nullopt;
    }
    return future.get();
}

TEST(VersionHandlerTest, ExactJicofoShape) {
    auto response = version_response("1.0-1234-g1a2b3c4");
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.content_type, "application/json");
    EXPECT_EQ(response.body, R"({"name":"JiCoFo","version":"1.0-1234-g1a2b3c4","os":"Linux"})");
}

TEST(MetricsHandlerTest, DefaultIsPrometheusText) {
    metrics::MetricsRegistry registry("v1");
    registry.counter("conferences_created").Increment();
    auto response = metrics_response(registry, std::nullopt);
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.content_type, "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_NE(response.body.find("\njitsi_jicofo_threads "), std::string::npos);
    EXPECT_NE(response.body.find("\njitsi_jicofo_conferences_created_total 1\n"), std::string::npos);
}

TEST(MetricsHandlerTest, JsonWhenAsked) {
    metrics::MetricsRegistry registry("v1");
    registry.counter("conferences_created").Increment(2);
    auto response = metrics_response(registry, "application/json");
    EXPECT_EQ(response.content_type, "application/json");
    auto json = nlohmann::json::parse(response.body);
    EXPECT_EQ(json.at("conferences_created_total"), 2);
    EXPECT_TRUE(json.contains("threads"));
    EXPECT_EQ(json.at("version"), "v1");
}

TEST(MetricsHandlerTest, OpenMetricsWhenAsked) {
    metrics::MetricsRegistry registry("v1");
    auto response = metrics_response(registry, "application/openmetrics-text; version=1.0.0");
    EXPECT_EQ(response.content_type, "application/openmetrics-text; version=1.0.0; charset=utf-8");
    EXPECT_NE(response.body.find("# EOF\n"), std::string::npos);
}

TEST(MetricsHandlerTest, NothingAcceptableIs406) {
    metrics::MetricsRegistry registry("v1");
    auto response = metrics_response(registry, "image/png");
    EXPECT_EQ(response.status, 406);
    EXPECT_EQ(response.content_type, "text/plain; charset=utf-8");
}

TEST(HealthHandlerTest, MapsSnapshotsToStatusAndBody) {
    health::HealthSnapshot snapshot;
    snapshot.result = health::HealthResult::ok();
    auto ok = health_response(snapshot);
    EXPECT_EQ(ok.status, 200);
    EXPECT_EQ(ok.body, "OK");
    EXPECT_EQ(ok.content_type, "text/plain; charset=utf-8");

    snapshot.result = health::HealthResult::soft_failure("Test conference failed to start due to timeout.");
    auto soft = health_response(snapshot);
    EXPECT_EQ(soft.status, 503);
    EXPECT_EQ(soft.body, "Test conference failed to start due to timeout.");

    snapshot.result = health::HealthResult::hard_failure_of("No operational bridges available");
    auto hard = health_response(snapshot);
    EXPECT_EQ(hard.status, 500);
    EXPECT_EQ(hard.body, "No operational bridges available");

    snapshot.result = health::HealthResult::hard_failure_of("");
    snapshot.result.response_code = 502;
    auto coded = health_response(snapshot);
    EXPECT_EQ(coded.status, 502);
    EXPECT_EQ(coded.body, "Unknown error.");
}

TEST(BuildRouterTest, DisabledGroupsAnswer404) {
    metrics::MetricsRegistry registry("v1");
    RestSettings settings;
    settings.groups.prometheus = false;
    settings.groups.health = false;
    ServiceContext context{"v1", registry, nullptr};
    const Router router = build_router(settings, context);
    EXPECT_EQ(call(router, get("/about/version"))->status, 200);
    EXPECT_EQ(call(router, get("/metrics"))->status, 404);
    EXPECT_EQ(call(router, get("/about/health"))->status, 404);
}

TEST(BuildRouterTest, DomainGroupsWithoutHandlersAreAbsent) {
    metrics::MetricsRegistry registry("v1");
    RestSettings settings;
    ServiceContext context{"v1", registry, nullptr};
    const Router router = build_router(settings, context);
    for (const char* target :
         {"/debug", "/pin", "/stats", "/rtcstats", "/move-endpoints/move-endpoint", "/conference-request/v1"}) {
        EXPECT_EQ(call(router, get(target))->status, 404) << target;
    }
}

TEST(BuildRouterTest, EnabledRoutesAnswer) {
    metrics::MetricsRegistry registry("1.0-5");
    RestSettings settings;
    ServiceContext context{"1.0-5", registry, nullptr};
    const Router router = build_router(settings, context);
    auto version = call(router, get("/about/version"));
    ASSERT_TRUE(version);
    EXPECT_EQ(version->body, R"({"name":"JiCoFo","version":"1.0-5","os":"Linux"})");
    auto json = call(router, get("/metrics", "application/json"));
    ASSERT_TRUE(json);
    EXPECT_EQ(json->status, 200);
    EXPECT_TRUE(nlohmann::json::parse(json->body).contains("threads"));
    auto method = call(router, HttpRequest{"POST", "/metrics", "/metrics", {}, {}, {}, true});
    ASSERT_TRUE(method);
    EXPECT_EQ(method->status, 405);
}

TEST(BuildRouterTest, HealthRouteAnswersFromTheCheckerStrand) {
    boost::asio::io_context io;
    auto guard = boost::asio::make_work_guard(io);
    std::thread runner([&io] { io.run(); });
    {
        metrics::MetricsRegistry registry("v1");
        health::HealthSettings health_settings;
        health_settings.interval = 1h;
        health::HealthChecker checker(io, health_settings);
        RestSettings settings;
        settings.groups.health = true;
        ServiceContext context{"v1", registry, &checker};
        const Router router = build_router(settings, context);

        auto starting = call(router, get("/about/health"));
        ASSERT_TRUE(starting);
        EXPECT_EQ(starting->status, 503);
        EXPECT_EQ(starting->body, "starting");

        checker.set_ready();
        checker.start();
        std::optional<HttpResponse> answer;
        for (int i = 0; i < 500 && (!answer || answer->status != 200); ++i) {
            answer = call(router, get("/about/health"));
            std::this_thread::sleep_for(2ms);
        }
        ASSERT_TRUE(answer);
        EXPECT_EQ(answer->status, 200);
        EXPECT_EQ(answer->body, "OK");
    }
    guard.reset();
    io.stop();
    runner.join();
}

TEST(DomainRoutesTest, ConferenceRequestAndDebugRoutesAreRegisteredWithCors) {
    metrics::MetricsRegistry registry("v1");
    ServiceContext context{"v1", registry, nullptr};
    auto echo = [](std::string name) {
        return [name](const HttpRequest&, const PathParams& params, const Responder& respond) {
            respond(HttpResponse::text(200, name + ":" + std::string(params.get("jid").value_or(""))));
        };
    };
    context.domain.conference_request = echo("request");
    context.domain.debug = echo("debug");
    context.domain.debug_conferences = echo("list");
    context.domain.debug_conferences_full = echo("full");
    context.domain.debug_conference = echo("one");
    context.domain.stats = echo("stats");
    context.domain.rtcstats = echo("rtcstats");
    auto router = build_router(RestSettings{}, context);

    HttpRequest post;
    post.method = "POST";
    ASSERT_TRUE(post.set_target("/conference-request/v1"));
    post.headers.add("Content-Type", "application/json");
    post.body = "{}";
    auto posted = call(router, post);
    ASSERT_TRUE(posted);
    EXPECT_EQ(posted->body, "request:");
    EXPECT_FALSE(posted->headers.get("Access-Control-Allow-Origin")) << "no Origin, no CORS headers";
    HttpRequest options;
    options.method = "OPTIONS";
    ASSERT_TRUE(options.set_target("/conference-request/v1"));
    auto preflight = call(router, options);
    ASSERT_TRUE(preflight);
    EXPECT_EQ(preflight->status, 200);

    EXPECT_EQ(call(router, get("/debug"))->body, "debug:");
    EXPECT_EQ(call(router, get("/debug/conferences"))->body, "list:");
    EXPECT_EQ(call(router, get("/debug/conferences-full"))->body, "full:");
    EXPECT_EQ(call(router, get("/debug/conference/r%40c.example.com"))->body, "one:r@c.example.com");
    EXPECT_EQ(call(router, get("/stats"))->body, "stats:");
    EXPECT_EQ(call(router, get("/rtcstats"))->body, "rtcstats:");

    // Disabled groups answer 404, as Jicofo.
    RestSettings off;
    off.groups.conference_request = false;
    off.groups.debug = false;
    auto gated = build_router(off, context);
    EXPECT_EQ(call(gated, post)->status, 404);
    EXPECT_EQ(call(gated, get("/debug/conferences"))->status, 404);
    EXPECT_EQ(call(gated, get("/stats"))->status, 200);
    EXPECT_EQ(call(gated, get("/rtcstats"))->status, 200);  // not gated by debug, as in Jicofo
}

TEST(DomainRoutesTest, PinAndMoveEndpointsRoutesAreGatedByTheirGroups) {
    metrics::MetricsRegistry registry("v1");
    ServiceContext context{"v1", registry, nullptr};
    auto echo = [](std::string name) {
        return [name](const HttpRequest&, const PathParams&, const Responder& respond) {
            respond(HttpResponse::text(200, name));
        };
    };
    context.domain.pin_list = echo("pins");
    context.domain.pin_add = echo("pin");
    context.domain.pin_remove = echo("unpin");
    context.domain.move_endpoint = echo("one");
    context.domain.move_endpoints = echo("some");
    context.domain.move_fraction = echo("fraction");
    HttpRequest pin = json_post("/pin");
    HttpRequest unpin = json_post("/pin/remove");

    auto router = build_router(RestSettings{}, context);
    EXPECT_EQ(call(router, get("/pin"))->body, "pins");
    EXPECT_EQ(call(router, pin)->body, "pin");
    EXPECT_EQ(call(router, unpin)->body, "unpin");
    EXPECT_EQ(call(router, get("/pin/remove"))->status, 405) << "remove is a POST";
    EXPECT_EQ(call(router, get("/move-endpoints/move-endpoint?conference=a"))->body, "one");
    EXPECT_EQ(call(router, get("/move-endpoints/move-endpoints"))->body, "some");
    EXPECT_EQ(call(router, get("/move-endpoints/move-fraction"))->body, "fraction");

    RestSettings off;
    off.groups.pin = false;
    off.groups.move_endpoints = false;
    auto gated = build_router(off, context);
    EXPECT_EQ(call(gated, get("/pin"))->status, 404);
    EXPECT_EQ(call(gated, pin)->status, 404);
    EXPECT_EQ(call(gated, unpin)->status, 404);
    for (const char* target :
         {"/move-endpoints/move-endpoint", "/move-endpoints/move-endpoints", "/move-endpoints/move-fraction"}) {
        EXPECT_EQ(call(gated, get(target))->status, 404) << target;
    }
}

// Cross-site request forgery: every state-changing route refuses a browser request from an origin that is not
// allowed (403) and a body that is not declared JSON (415), before its handler runs.
class StateChangingRoutesTest : public ::testing::Test {
protected:
    StateChangingRoutesTest() {
        auto record = [this](std::string name) {
            return [this, name](const HttpRequest&, const PathParams&, const Responder& respond) {
                handled.push_back(name);
                respond(HttpResponse::json(200, "{}"));
            };
        };
        context.domain.conference_request = record("request");
        context.domain.pin_add = record("pin");
        context.domain.pin_remove = record("unpin");
        context.domain.move_endpoint = record("move-endpoint");
        context.domain.move_endpoints = record("move-endpoints");
        context.domain.move_fraction = record("move-fraction");
        settings.allowed_origins = {"https://meet.example.com/"};
    }

    Router router() { return build_router(settings, context); }

    static const std::vector<std::string>& routes() {
        static const std::vector<std::string> kRoutes{"/conference-request/v1",
                                                      "/pin",
                                                      "/pin/remove",
                                                      "/move-endpoints/move-endpoint",
                                                      "/move-endpoints/move-endpoints",
                                                      "/move-endpoints/move-fraction"};
        return kRoutes;
    }

    metrics::MetricsRegistry registry{"v1"};
    ServiceContext context{"v1", registry, nullptr};
    RestSettings settings;
    std::vector<std::string> handled;
};

TEST_F(StateChangingRoutesTest, ForeignOriginIs403WithoutCorsAndTheHandlerDoesNotRun) {
    auto r = router();
    for (const auto& target : routes()) {
        auto request = json_post(target);
        request.headers.add("Origin", "https://evil.example.net");
        auto response = call(r, request);
        ASSERT_TRUE(response) << target;
        EXPECT_EQ(response->status, 403) << target;
        EXPECT_FALSE(response->headers.get("Access-Control-Allow-Origin")) << target;
    }
    // The compatibility GET of move-endpoints is checked the same way.
    auto get_move = get("/move-endpoints/move-endpoint?conference=a&endpoint=b");
    get_move.headers.add("Origin", "https://evil.example.net");
    EXPECT_EQ(call(r, get_move)->status, 403);
    EXPECT_TRUE(handled.empty());
}

// A cross-site <img src="/move-endpoints/..."> sends no Origin; the browser's Sec-Fetch-Site still gives it away.
TEST_F(StateChangingRoutesTest, CrossSiteGetWithoutOriginIs403) {
    auto r = router();
    for (const char* site : {"cross-site", "same-site"}) {
        auto request = get("/move-endpoints/move-fraction?bridge=jvb1&fraction=1");
        request.headers.add("Sec-Fetch-Site", site);
        EXPECT_EQ(call(r, request)->status, 403) << site;
    }
    EXPECT_TRUE(handled.empty());
    for (const char* site : {"same-origin", "none"}) {  // the operator's own page, or typed in the address bar
        auto request = get("/move-endpoints/move-fraction?bridge=jvb1&fraction=1");
        request.headers.add("Sec-Fetch-Site", site);
        EXPECT_EQ(call(r, request)->status, 200) << site;
    }
}

TEST_F(StateChangingRoutesTest, EmptyAllowListRefusesEveryBrowserOrigin) {
    settings.allowed_origins.clear();
    auto r = router();
    for (const auto& target : routes()) {
        auto request = json_post(target);
        request.headers.add("Origin", "https://meet.example.com");
        EXPECT_EQ(call(r, request)->status, 403) << target;
    }
    EXPECT_TRUE(handled.empty());
}

TEST_F(StateChangingRoutesTest, WrongContentTypeIs415) {
    auto r = router();
    for (const auto& target : routes()) {
        for (const char* type : {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data"}) {
            auto request = json_post(target);
            request.headers.set("Content-Type", type);
            auto response = call(r, request);
            ASSERT_TRUE(response) << target;
            EXPECT_EQ(response->status, 415) << target << " " << type;
        }
    }
    // The JSON routes need the header even without a body.
    for (const char* target : {"/conference-request/v1", "/pin", "/pin/remove"}) {
        HttpRequest request;
        request.method = "POST";
        ASSERT_TRUE(request.set_target(target));
        EXPECT_EQ(call(r, request)->status, 415) << target;
    }
    EXPECT_TRUE(handled.empty());
}

TEST_F(StateChangingRoutesTest, AllowedOriginGetsCorsHeadersAndIsServed) {
    auto r = router();
    for (const auto& target : routes()) {
        auto request = json_post(target);
        request.headers.set("Content-Type", "Application/JSON; charset=utf-8");
        request.headers.add("Origin", "https://MEET.example.com");
        auto response = call(r, request);
        ASSERT_TRUE(response) << target;
        EXPECT_EQ(response->status, 200) << target;
        EXPECT_EQ(response->headers.get("Access-Control-Allow-Origin"),
                  std::optional<std::string_view>("https://MEET.example.com"))
            << target;
        EXPECT_EQ(response->headers.get("Vary"), std::optional<std::string_view>("Origin")) << target;
    }
    EXPECT_EQ(handled.size(), routes().size());
}

TEST_F(StateChangingRoutesTest, PreflightHasCorsOnlyForAnAllowedOrigin) {
    auto r = router();
    HttpRequest options;
    options.method = "OPTIONS";
    ASSERT_TRUE(options.set_target("/conference-request/v1"));
    options.headers.add("Origin", "https://meet.example.com");
    auto allowed = call(r, options);
    EXPECT_EQ(allowed->status, 200);
    EXPECT_EQ(allowed->headers.get("Access-Control-Allow-Origin"),
              std::optional<std::string_view>("https://meet.example.com"));
    EXPECT_EQ(allowed->headers.get("Access-Control-Allow-Methods"), std::optional<std::string_view>("POST, OPTIONS"));

    options.headers.set("Origin", "https://evil.example.net");
    auto foreign = call(r, options);
    EXPECT_EQ(foreign->status, 403);
    EXPECT_FALSE(foreign->headers.get("Access-Control-Allow-Origin"));
}

TEST_F(StateChangingRoutesTest, MoveEndpointsAcceptsPostWithoutABodyAndGetForCompatibility) {
    auto r = router();
    for (const char* target :
         {"/move-endpoints/move-endpoint", "/move-endpoints/move-endpoints", "/move-endpoints/move-fraction"}) {
        HttpRequest post;
        post.method = "POST";
        ASSERT_TRUE(post.set_target(std::string(target) + "?bridge=jvb1"));
        EXPECT_EQ(call(r, post)->status, 200) << target;
        EXPECT_EQ(call(r, get(target))->status, 200) << target;
    }
    EXPECT_EQ(handled.size(), 6u);
}

TEST_F(StateChangingRoutesTest, DeeplyNestedJsonIs400BeforeTheHandler) {
    auto r = router();
    std::string deep(kMaxJsonDepth + 1, '[');
    deep += std::string(kMaxJsonDepth + 1, ']');
    auto response = call(r, json_post("/pin", R"({"a":)" + deep + "}"));
    EXPECT_EQ(response->status, 400);
    EXPECT_TRUE(handled.empty());
    std::string fine(kMaxJsonDepth - 1, '[');
    fine += std::string(kMaxJsonDepth - 1, ']');
    EXPECT_EQ(call(r, json_post("/pin", R"({"a":)" + fine + "}"))->status, 200);
}

TEST(RequestGuardTest, NestingDepthSkipsStringsAndStopsPastTheLimit) {
    EXPECT_EQ(json_nesting_depth(R"({"a":[1,{"b":2}]})", 32), 3u);
    EXPECT_EQ(json_nesting_depth(R"({"a":"[[[[{{{{\"[["})", 32), 1u);
    EXPECT_EQ(json_nesting_depth(std::string(100000, '['), 32), 33u);
    EXPECT_EQ(json_nesting_depth("", 32), 0u);
}

TEST(RequestGuardTest, OriginsAndContentTypes) {
    const std::vector<std::string> allowed{"https://a.example.com/", "http://b.example.com:8080"};
    EXPECT_TRUE(origin_allowed("https://a.example.com", allowed));
    EXPECT_TRUE(origin_allowed("http://B.example.com:8080", allowed));
    EXPECT_FALSE(origin_allowed("https://a.example.com.evil.net", allowed));
    EXPECT_FALSE(origin_allowed("null", allowed));
    EXPECT_FALSE(origin_allowed("https://a.example.com", {}));
    EXPECT_TRUE(origin_allowed("https://anything.example", {"*"}));
    EXPECT_TRUE(is_json_content_type("application/json"));
    EXPECT_TRUE(is_json_content_type(" application/json ; charset=UTF-8"));
    EXPECT_FALSE(is_json_content_type("application/jsonx"));
    EXPECT_FALSE(is_json_content_type("text/plain"));
}

TEST(RouteBodyLimitTest, JsonRoutesGetTheJsonLimitOthersAlmostNothing) {
    metrics::MetricsRegistry registry("v1");
    ServiceContext context{"v1", registry, nullptr};
    auto ok = [](const HttpRequest&, const PathParams&, const Responder& respond) {
        respond(HttpResponse::text(200, ""));
    };
    context.domain.conference_request = ok;
    context.domain.pin_add = ok;
    context.domain.pin_remove = ok;
    context.domain.move_endpoint = ok;
    RestSettings settings;
    settings.max_json_body_bytes = 4096;
    auto router = build_router(settings, context);
    EXPECT_EQ(router.body_limit("POST", "/conference-request/v1"), 4096u);
    EXPECT_EQ(router.body_limit("POST", "/pin"), 4096u);
    EXPECT_EQ(router.body_limit("POST", "/pin/remove"), 4096u);
    EXPECT_EQ(router.body_limit("POST", "/move-endpoints/move-endpoint"), kNoBodyRouteLimit);
    EXPECT_EQ(router.body_limit("GET", "/metrics"), kNoBodyRouteLimit);
    EXPECT_EQ(router.body_limit("POST", "/nowhere"), kNoBodyRouteLimit);
    settings.max_body_bytes = 100;  // the global limit stays a ceiling
    EXPECT_EQ(build_router(settings, context).body_limit("POST", "/pin"), 100u);
}

}  // namespace
}  // namespace jicofo::rest
