// The feature host without XMPP: each feature's install runs in list order with its own index, per-conference
// factories become the conferences' slots, routes reach the router (anything but GET behind the state-changing
// guard), /stats and /debug sections are added to those answers on the features strand, and a registrar outlives
// install(); reloads and bridge events reach the features that asked, on the features strand.
#include "jicofo/feature/feature_host.hpp"

#include "jicofo/conference/focus_manager.hpp"
#include "jicofo/config/jicofo_config.hpp"
#include "jicofo/metrics/metrics_registry.hpp"
#include "jicofo/rest/routes.hpp"

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include <optional>
#include <vector>

namespace jicofo::feature {
namespace {

std::vector<std::pair<std::string, std::size_t>> installed;

class Marker : public FeatureInstance {};

void install_first(Registrar& registrar) {
    installed.emplace_back("first", registrar.index());
    registrar.per_conference([](ConferenceView&) { return std::make_unique<Marker>(); });
    registrar.stats_section("first_stats", [] { return nlohmann::ordered_json{{"count", 7}}; });
}

void install_second(Registrar& registrar) {
    installed.emplace_back("second", registrar.index());
    registrar.route("GET", "/second/state",
                    [](const rest::HttpRequest&, const rest::PathParams&, const rest::Responder& respond) {
                        respond(rest::HttpResponse::json(200, R"({"state":"ok"})"));
                    });
    registrar.route("POST", "/second/action",
                    [](const rest::HttpRequest&, const rest::PathParams&, const rest::Responder& respond) {
                        respond(rest::HttpResponse::json(200, R"({"done":true})"));
                    });
    registrar.debug_section("second_debug", [] { return nlohmann::ordered_json("here"); });
}

class FeatureHostTest : public ::testing::Test {
protected:
    void SetUp() override { installed.clear(); }

    // Runs `handler` for `request` and the io_context until it answers.
    std::optional<rest::HttpResponse> call(const rest::Handler& handler, rest::HttpRequest request) {
        std::optional<rest::HttpResponse> answer;
        handler(request, [&answer](rest::HttpResponse response) { answer = std::move(response); });
        io.restart();
        io.run();
        return answer;
    }

    static rest::HttpRequest request(std::string method, std::string path) {
        rest::HttpRequest r;
        r.method = std::move(method);
        r.path = path;
        r.target = std::move(path);
        return r;
    }

    boost::asio::io_context io;
    config::JicofoConfig config;
    metrics::MetricsRegistry metrics{"v1"};
};

constexpr Feature kFeatures[] = {{"first", &install_first}, {"second", &install_second}};

TEST_F(FeatureHostTest, InstallsInListOrderAndEveryFeatureHasASlot) {
    FeatureHost host(config, metrics, io.get_executor());
    host.install(kFeatures);
    ASSERT_EQ(installed.size(), 2U);
    EXPECT_EQ(installed[0], (std::pair<std::string, std::size_t>{"first", 0}));
    EXPECT_EQ(installed[1], (std::pair<std::string, std::size_t>{"second", 1}));
    const auto slots = host.slots();
    ASSERT_EQ(slots->size(), 2U);
    EXPECT_EQ((*slots)[0].name, "first");
    EXPECT_TRUE((*slots)[0].make);
    EXPECT_FALSE((*slots)[1].make);  // the second keeps nothing per conference
}

// A feature that keeps its registrar to advertise later (as the Jigasi feature does for sipGatewayEnabled).
Registrar* kept_registrar = nullptr;

void install_keeper(Registrar& registrar) {
    kept_registrar = &registrar;
}

TEST_F(FeatureHostTest, AFeatureMayKeepItsRegistrarAfterInstall) {
    constexpr Feature kKeeper[] = {{"first", &install_first}, {"keeper", &install_keeper}};
    FeatureHost host(config, metrics, io.get_executor());
    host.install(kKeeper);
    ASSERT_NE(kept_registrar, nullptr);
    // Still the keeper's registrar once install() has returned.
    EXPECT_EQ(kept_registrar->index(), 1U);
    EXPECT_EQ(&kept_registrar->config(), &config);
    boost::asio::post(kept_registrar->strand(), [] { kept_registrar->advertise("sipGatewayEnabled", "true"); });
    io.run();
    kept_registrar = nullptr;
}

TEST_F(FeatureHostTest, RoutesAndSectionsReachTheRouter) {
    FeatureHost host(config, metrics, io.get_executor());
    host.install(kFeatures);
    rest::DomainRoutes routes;
    routes.stats = [](const rest::HttpRequest&, const rest::PathParams&, const rest::Responder& respond) {
        respond(rest::HttpResponse::json(200, R"({"conferences":1})"));
    };
    routes.debug = [](const rest::HttpRequest&, const rest::PathParams&, const rest::Responder& respond) {
        respond(rest::HttpResponse::json(200, R"({"focus_manager":{}})"));
    };
    host.add_routes(routes);
    ASSERT_EQ(routes.feature_routes.size(), 2U);

    rest::RestSettings settings;
    rest::ServiceContext context{"v1", metrics, nullptr, routes};
    auto handler = rest::build_router(settings, context).into_handler();

    auto stats = call(handler, request("GET", "/stats"));
    ASSERT_TRUE(stats);
    EXPECT_EQ(stats->status, 200);
    EXPECT_EQ(nlohmann::json::parse(stats->body),
              nlohmann::json::parse(R"({"conferences":1,"first_stats":{"count":7}})"));

    auto debug = call(handler, request("GET", "/debug"));
    ASSERT_TRUE(debug);
    EXPECT_EQ(nlohmann::json::parse(debug->body)["second_debug"], "here");

    auto state = call(handler, request("GET", "/second/state"));
    ASSERT_TRUE(state);
    EXPECT_EQ(state->body, R"({"state":"ok"})");

    // A state-changing route gets the same guard as Jicofo's own: a foreign Origin is refused.
    auto forged = request("POST", "/second/action");
    forged.headers.add("Origin", "https://evil.example");
    auto refused = call(handler, forged);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 403);
    auto allowed = call(handler, request("POST", "/second/action"));
    ASSERT_TRUE(allowed);
    EXPECT_EQ(allowed->status, 200);
}

TEST_F(FeatureHostTest, AnErrorAnswerIsPassedThroughWithoutSections) {
    FeatureHost host(config, metrics, io.get_executor());
    host.install(kFeatures);
    rest::DomainRoutes routes;
    routes.stats = [](const rest::HttpRequest&, const rest::PathParams&, const rest::Responder& respond) {
        respond(rest::HttpResponse::text(503, "not yet"));
    };
    host.add_routes(routes);
    std::optional<rest::HttpResponse> answer;
    routes.stats(request("GET", "/stats"), {}, [&answer](rest::HttpResponse r) { answer = std::move(r); });
    io.run();
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->status, 503);
    EXPECT_EQ(answer->body, "not yet");
}

}  // namespace
}  // namespace jicofo::feature

namespace jicofo::feature {
namespace {

std::vector<std::string> reloaded;                         // the log level each reload callback saw
std::vector<conference::BridgeEvent> bridge_events_heard;  // by the bridge handler
bool on_strand = false;

void install_reloading(Registrar& registrar) {
    const Strand strand = registrar.strand();
    registrar.on_reload([strand](const config::JicofoConfig& config) {
        on_strand = strand.running_in_this_thread();
        reloaded.push_back(config.logging.level);
    });
    registrar.on_bridge_event([strand](const conference::BridgeEvent& event) {
        on_strand = on_strand && strand.running_in_this_thread();
        bridge_events_heard.push_back(event);
    });
}

constexpr Feature kReloading[] = {{"reloading", &install_reloading}};

TEST_F(FeatureHostTest, AReloadReachesTheFeaturesOnTheirStrandWithTheNewConfiguration) {
    reloaded.clear();
    FeatureHost host(config, metrics, io.get_executor());
    host.install(kReloading);
    auto changed = config;
    changed.logging.level = "debug";
    host.reload(changed);
    changed.logging.level = "warn";  // the host took a copy
    EXPECT_TRUE(reloaded.empty()) << "posted, not called in place";
    io.run();
    EXPECT_EQ(reloaded, (std::vector<std::string>{"debug"}));
    EXPECT_TRUE(on_strand);
}

TEST_F(FeatureHostTest, BridgeEventsReachTheFeaturesThatAskedUntilTheHostIsGone) {
    bridge_events_heard.clear();
    on_strand = true;
    std::function<void(const conference::BridgeEvent&)> sink;
    {
        FeatureHost host(config, metrics, io.get_executor());
        host.install(kReloading);
        sink = host.bridge_event_sink();
        sink(conference::BridgeEvent{conference::BridgeEvent::Kind::added, "jvb1"});
        host.bridge_event(conference::BridgeEvent{conference::BridgeEvent::Kind::failed, "jvb1"});
        io.run();
    }
    io.restart();
    io.run();  // the host's stop, posted when it went, releases its state
    io.restart();
    sink(conference::BridgeEvent{conference::BridgeEvent::Kind::left, "jvb1"});  // the host is gone: nothing
    io.run();
    ASSERT_EQ(bridge_events_heard.size(), 2U);
    EXPECT_EQ(bridge_events_heard[0].kind, conference::BridgeEvent::Kind::added);
    EXPECT_EQ(bridge_events_heard[1].kind, conference::BridgeEvent::Kind::failed);
    EXPECT_EQ(bridge_events_heard[1].bridge_id, "jvb1");
    EXPECT_TRUE(on_strand);
}

}  // namespace
}  // namespace jicofo::feature
