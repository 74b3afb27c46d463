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
    registry.counter("conferences_created", "Conferences created").Increment();
    auto response = metrics_response(registry, std::nullopt);
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.content_type, "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_NE(response.body.find("\njitsi_jicofo_threads "), std::string::npos);
    EXPECT_NE(response.body.find("\njitsi_jicofo_conferences_created_total 1\n"), std::string::npos);
}

TEST(MetricsHandlerTest, JsonWhenAsked) {
    metrics::MetricsRegistry registry("v1");
    registry.counter("conferences_created", "Conferences created").Increment(2);
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
    auto posted = call(router, post);
    ASSERT_TRUE(posted);
    EXPECT_EQ(posted->body, "request:");
    EXPECT_EQ(posted->headers.get("Access-Control-Allow-Origin"), std::optional<std::string_view>("*"));
    HttpRequest options;
    options.method = "OPTIONS";
    ASSERT_TRUE(options.set_target("/conference-request/v1"));
    auto preflight = call(router, options);
    ASSERT_TRUE(preflight);
    EXPECT_EQ(preflight->status, 200);
    EXPECT_EQ(preflight->headers.get("Access-Control-Allow-Methods"), std::optional<std::string_view>("POST, OPTIONS"));

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
    HttpRequest pin;
    pin.method = "POST";
    ASSERT_TRUE(pin.set_target("/pin"));
    HttpRequest unpin;
    unpin.method = "POST";
    ASSERT_TRUE(unpin.set_target("/pin/remove"));

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

}  // namespace
}  // namespace jicofo::rest
