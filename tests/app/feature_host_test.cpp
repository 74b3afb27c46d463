// The feature host without XMPP: each feature's install runs in list order with its own index, per-conference
// factories become the conferences' slots, routes reach the router (anything but GET behind the state-changing
// guard), /stats and /debug sections are added to those answers on the features strand, and a registrar outlives
// install().
#include "jicofo/feature/feature_host.hpp"

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
