// /pin, /move-endpoints/* and the bridge_selector keys of /debug and /stats: the parsing and JSON as pure
// functions, and the handlers over a bridge registry with a fake brewery and a room map of fake conferences.
#include "jicofo/app/media_routes.hpp"

#include "jicofo/bridge/bridge_registry.hpp"
#include "jicofo/conference/focus_manager.hpp"
#include "jicofo/xmpp/caps_cache.hpp"

#include "bridge/fake_transport.hpp"

#include <gtest/gtest.h>

#include <future>
#include <map>
#include <mutex>
#include <regex>

namespace jicofo::app {
namespace {

using namespace std::chrono_literals;
using bridge::testing::occupant;

stanza::Jid jid(const std::string& text) {
    return stanza::Jid::parse(text).value();
}

// ----- pure functions ---------------------------------------------------------------------------------------------

TEST(PinJson, ARequestIsParsedAndTheRoomNormalized) {
    auto pin = pin_request_from_json(
        R"({"conferenceId":"Room1@Conference.meet.test","jvbVersion":"2.3-77-gabc","durationMinutes":15})");
    ASSERT_TRUE(pin) << pin.error();
    EXPECT_EQ(pin->conference_id, "room1@conference.meet.test");
    EXPECT_EQ(pin->version, "2.3-77-gabc");
    EXPECT_EQ(pin->duration, std::chrono::minutes(15));

    auto unpin = unpin_request_from_json(R"({"conferenceId":"Room1@Conference.meet.test","other":1})");
    ASSERT_TRUE(unpin) << unpin.error();
    EXPECT_EQ(*unpin, "room1@conference.meet.test");
}

TEST(PinJson, MalformedBodiesAreBadRequestsThatSayWhy) {
    const std::vector<std::pair<std::string, std::string>> cases{
        {"not json", "not a JSON object"},
        {"[1]", "not a JSON object"},
        {"", "not a JSON object"},
        {R"({"jvbVersion":"2.4","durationMinutes":5})", "missing conferenceId"},
        {R"({"conferenceId":7,"jvbVersion":"2.4","durationMinutes":5})", "missing conferenceId"},
        {R"({"conferenceId":"a@b@c","jvbVersion":"2.4","durationMinutes":5})", "invalid conferenceId"},
        {R"({"conferenceId":"r@c.meet.test/nick","jvbVersion":"2.4","durationMinutes":5})", "invalid conferenceId"},
        {R"({"conferenceId":"r@c.meet.test","durationMinutes":5})", "missing jvbVersion"},
        {R"({"conferenceId":"r@c.meet.test","jvbVersion":"","durationMinutes":5})", "missing jvbVersion"},
        {R"({"conferenceId":"r@c.meet.test","jvbVersion":"2.4"})", "missing durationMinutes"},
        {R"({"conferenceId":"r@c.meet.test","jvbVersion":"2.4","durationMinutes":"5"})", "missing durationMinutes"},
        {R"({"conferenceId":"r@c.meet.test","jvbVersion":"2.4","durationMinutes":1.5})", "missing durationMinutes"},
        {R"({"conferenceId":"r@c.meet.test","jvbVersion":"2.4","durationMinutes":0})", "durationMinutes must be"},
        {R"({"conferenceId":"r@c.meet.test","jvbVersion":"2.4","durationMinutes":-3})", "durationMinutes must be"},
        {R"({"conferenceId":"r@c.meet.test","jvbVersion":"2.4","durationMinutes":99999999})",
         "durationMinutes must be"},
    };
    for (const auto& [body, why] : cases) {
        auto pin = pin_request_from_json(body);
        ASSERT_FALSE(pin) << body;
        EXPECT_EQ(pin.error().rfind("Bad request: ", 0), 0U) << pin.error();
        EXPECT_NE(pin.error().find(why), std::string::npos) << body << " → " << pin.error();
    }
    EXPECT_FALSE(unpin_request_from_json("{}"));
    EXPECT_FALSE(unpin_request_from_json("{"));
    EXPECT_FALSE(unpin_request_from_json(R"({"conferenceId":""})"));
}

TEST(PinJson, ListWithIsoInstants) {
    const auto instant = std::chrono::sys_days{std::chrono::year{2024} / 5 / 1} + 12h + 34min + 56s + 789ms;
    auto json = pins_json({bridge::BridgePin{"room1@conference.meet.test", "2.4", instant}});
    EXPECT_EQ(
        json.dump(),
        R"([{"conferenceId":"room1@conference.meet.test","jvbVersion":"2.4","expiresAt":"2024-05-01T12:34:56.789Z"}])");
    EXPECT_EQ(pins_json({}).dump(), "[]");
}

TEST(BridgeSelectorJson, StatsKeysAsJicofo) {
    bridge::BridgeSelectorStats stats;
    stats.bridge_count = 3;
    stats.operational_bridge_count = 2;
    stats.in_shutdown_bridge_count = 1;
    stats.lost_bridges = 4;
    stats.bridge_version_count = 2;
    EXPECT_EQ(bridge_selector_stats_json(stats).dump(),
              R"({"bridge_count":3,"operational_bridge_count":2,"in_shutdown_bridge_count":1,"lost_bridges":4,)"
              R"("bridge_version_count":2})");
}

TEST(CapsCacheJson, DebugHasEveryCountByName) {
    xmpp::CapsCacheStats stats;
    stats.entries = 1;
    stats.capacity = 1000;
    stats.hits = 7;
    stats.misses = 2;
    stats.waited = 1;
    stats.uncacheable = 3;
    stats.stored = 1;
    stats.verification_failures = 1;
    EXPECT_EQ(caps_cache_debug_json(stats).dump(),
              R"({"entries":1,"capacity":1000,"pending":0,"hits":7,"misses":2,"waited":1,"uncacheable":3,)"
              R"("stored":1,"verification_failures":1,"too_large":0,"evictions":0})");
}

TEST(BridgeSelectorJson, DebugHasTheStrategyAndEveryBridgeByJid) {
    bridge::BridgeSelectorDebug debug;
    debug.strategy = "SingleBridgeSelectionStrategy";
    bridge::BridgeDebugState state;
    state.jid = occupant("jvb1").to_string();
    state.nick = "jvb1";
    state.stress = 0.25;
    state.version = "2.4";
    debug.bridges.push_back(state);
    auto json = bridge_selector_debug_json(debug);
    EXPECT_EQ(json["strategy"], "SingleBridgeSelectionStrategy");
    const auto& b = json["bridge"][occupant("jvb1").to_string()];
    EXPECT_EQ(b["nick"], "jvb1");
    EXPECT_DOUBLE_EQ(b["stress"].get<double>(), 0.25);
    EXPECT_EQ(b["version"], "2.4");
    EXPECT_EQ(b["region"], "null") << "Jicofo's toString() of an absent region";
    EXPECT_EQ(b["operational"], true);
    EXPECT_EQ(b["healthy"], true) << "healthy until a presence says otherwise";
    EXPECT_EQ(b["endpoint-restart-requests"], 0);
}

TEST(MoveParams, ABridgeIsAFullOccupantJidOrANickInTheBrewery) {
    const auto brewery = jid(bridge::testing::kBrewery);
    EXPECT_EQ(bridge_id_from_param("jvb1", brewery), occupant("jvb1").to_string());
    EXPECT_EQ(bridge_id_from_param(occupant("jvb2").to_string(), brewery), occupant("jvb2").to_string());
    EXPECT_EQ(bridge_id_from_param("other@muc.meet.test/jvb3", brewery), "other@muc.meet.test/jvb3");
    EXPECT_FALSE(bridge_id_from_param("", brewery));
    EXPECT_FALSE(bridge_id_from_param("a@b@c/x", brewery));
}

conference::ConferenceSnapshot conference_with(const std::string& room,
                                               const std::vector<std::pair<std::string, std::string>>& endpoints) {
    conference::ConferenceSnapshot s;
    s.room = jid(room);
    s.media.emplace();
    for (const auto& [id, bridge] : endpoints) {
        conference::MediaSnapshot::Participant p;
        p.endpoint_id = id;
        p.state = "active";
        p.bridge = bridge;
        s.media->participants.push_back(p);
    }
    return s;
}

TEST(MovePlan, LargestConferencesFirstGreedily) {
    const std::string b1 = occupant("jvb1").to_string();
    const std::string b2 = occupant("jvb2").to_string();
    auto small = conference_with("small@c.meet.test", {{"a", b1}, {"b", b2}});
    auto large = conference_with("large@c.meet.test", {{"a", b1}, {"b", b1}, {"c", b1}});
    auto waiting = conference_with("waiting@c.meet.test", {{"a", b1}});
    waiting.media->participants[0].state = "allocating";  // not on the bridge yet
    conference::ConferenceSnapshot no_media;
    no_media.room = jid("plain@c.meet.test");

    auto loads = conferences_on_bridge({small, no_media, large, waiting}, b1);
    ASSERT_EQ(loads.size(), 2U);
    EXPECT_EQ(loads[0].room, jid("large@c.meet.test"));
    EXPECT_EQ(loads[0].endpoints, 3);
    EXPECT_EQ(loads[1].room, jid("small@c.meet.test"));
    EXPECT_EQ(loads[1].endpoints, 1);

    auto plan = plan_moves(loads, 4);
    ASSERT_EQ(plan.size(), 2U);
    EXPECT_EQ(plan[0].endpoints, 3);
    EXPECT_EQ(plan[1].endpoints, 1);
    plan = plan_moves(loads, 2);
    ASSERT_EQ(plan.size(), 1U);
    EXPECT_EQ(plan[0].endpoints, 2);
    EXPECT_TRUE(plan_moves(loads, 0).empty());
    EXPECT_EQ(plan_moves(loads, 10).size(), 2U);

    EXPECT_EQ(fraction_of_endpoints(loads, 0.5), 2);  // round(2.0)
    EXPECT_EQ(fraction_of_endpoints(loads, 0.1), 0);  // round(0.4)
    EXPECT_EQ(fraction_of_endpoints(loads, 1.0), 4);
    EXPECT_EQ(move_result_json(3, 2).dump(), R"({"movedEndpoints":3,"conferences":2})");
}

// ----- handlers ---------------------------------------------------------------------------------------------------

// Calls a handler and waits (bounded) for its answer, which may come from another thread.
rest::HttpResponse call(const rest::RouteHandler& handler, const std::string& target, const std::string& body = {}) {
    rest::HttpRequest request;
    request.method = body.empty() ? "GET" : "POST";
    EXPECT_TRUE(request.set_target(target));
    request.body = body;
    auto promise = std::make_shared<std::promise<rest::HttpResponse>>();
    auto future = promise->get_future();
    handler(request, rest::PathParams{}, [promise](rest::HttpResponse r) { promise->set_value(std::move(r)); });
    if (future.wait_for(10s) != std::future_status::ready) {
        ADD_FAILURE() << "no answer to " << target;
        return rest::HttpResponse::text(599, "no answer");
    }
    return future.get();
}

// A conference whose participants sit on given bridges; moves are recorded and answered from that list.
class MovableConference : public conference::ConferenceHandle {
public:
    MovableConference(stanza::Jid room, conference::ConferenceCallbacks callbacks,
                      std::vector<std::pair<std::string, std::string>> endpoints)
        : room_(std::move(room)), callbacks_(std::move(callbacks)), endpoints_(std::move(endpoints)) {}

    void start(std::function<void(std::error_code)> joined) override { joined({}); }
    void async_snapshot(std::function<void(conference::ConferenceSnapshot)> done) override {
        std::lock_guard lock(mutex_);
        auto s = conference_with(room_.to_string(), endpoints_);
        s.joined = true;
        done(s);
    }
    void stop() override {
        if (auto ended = std::exchange(callbacks_.ended, nullptr)) {
            ended();
        }
    }
    void move_endpoints(std::optional<std::string> bridge_id, std::optional<std::string> endpoint_id, int max_count,
                        std::function<void(int)> done) override {
        int moved = 0;
        {
            std::lock_guard lock(mutex_);
            for (auto it = endpoints_.begin(); it != endpoints_.end() && moved < max_count;) {
                if ((!bridge_id || it->second == *bridge_id) && (!endpoint_id || it->first == *endpoint_id)) {
                    it = endpoints_.erase(it);  // gone elsewhere
                    ++moved;
                } else {
                    ++it;
                }
            }
        }
        done(moved);
    }

private:
    stanza::Jid room_;
    conference::ConferenceCallbacks callbacks_;
    std::mutex mutex_;
    std::vector<std::pair<std::string, std::string>> endpoints_;
};

class MediaRoutesTest : public ::testing::Test {
protected:
    void SetUp() override {
        registry = bridge::BridgeRegistry::create(io.executor(), {}, brewery.factory(), nullptr);
        registry->start();
        ASSERT_TRUE(bridge::testing::eventually([&] { return brewery.started(); }));
        conference::ConferenceSettings settings;
        settings.focus_jid = jid("focus@auth.meet.test");
        manager = conference::FocusManager::create(
            io.executor(), settings,
            [this](const stanza::Jid& room, conference::ConferenceCallbacks callbacks) {
                return std::make_shared<MovableConference>(room, std::move(callbacks), endpoints[room.to_string()]);
            },
            nullptr);
        add_media_routes(routes, registry, manager, jid(bridge::testing::kBrewery));
    }

    void TearDown() override {
        manager->stop();
        std::promise<void> stopped;
        registry->stop([&] { stopped.set_value(); });
        ASSERT_EQ(stopped.get_future().wait_for(10s), std::future_status::ready);
    }

    void conference(const std::string& room, std::vector<std::pair<std::string, std::string>> on_bridges) {
        endpoints[room] = std::move(on_bridges);
        conference::ConferenceRequest request;
        request.room = jid(room);
        std::promise<bool> ready;
        manager->conference_request(request, [&](const conference::ConferenceRequestResult& result) {
            ready.set_value(result && result->ready);
        });
        auto future = ready.get_future();
        ASSERT_EQ(future.wait_for(10s), std::future_status::ready);
        ASSERT_TRUE(future.get());
    }

    void bridge_joins(const std::string& nick) {
        brewery.join(nick, bridge::testing::colibri_stats(0.1));
        ASSERT_TRUE(bridge::testing::eventually([&] {
            std::promise<int> count;
            registry->async_stats([&](const bridge::BridgeSelectorStats& s) { count.set_value(s.bridge_count); });
            auto future = count.get_future();
            return future.wait_for(10s) == std::future_status::ready && future.get() > 0;
        }));
    }

    bridge::testing::IoThread io;
    bridge::testing::FakeBrewery brewery;
    std::shared_ptr<bridge::BridgeRegistry> registry;
    std::shared_ptr<conference::FocusManager> manager;
    std::map<std::string, std::vector<std::pair<std::string, std::string>>> endpoints;
    rest::DomainRoutes routes;
};

TEST_F(MediaRoutesTest, PinListAndRemove) {
    auto response = call(routes.pin_list, "/pin");
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, "[]");

    response = call(routes.pin_add, "/pin",
                    R"({"conferenceId":"Room1@conference.meet.test","jvbVersion":"2.4","durationMinutes":10})");
    EXPECT_EQ(response.status, 200) << response.body;
    response = call(routes.pin_list, "/pin");
    auto listed = nlohmann::json::parse(response.body);
    ASSERT_EQ(listed.size(), 1U) << response.body;
    EXPECT_EQ(listed[0]["conferenceId"], "room1@conference.meet.test");
    EXPECT_EQ(listed[0]["jvbVersion"], "2.4");
    EXPECT_TRUE(std::regex_match(listed[0]["expiresAt"].get<std::string>(),
                                 std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));

    response = call(routes.pin_remove, "/pin/remove", R"({"conferenceId":"room1@conference.meet.test"})");
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(call(routes.pin_list, "/pin").body, "[]");

    response = call(routes.pin_add, "/pin", R"({"conferenceId":"room1@conference.meet.test"})");
    EXPECT_EQ(response.status, 400);
    EXPECT_EQ(response.body, "Bad request: missing jvbVersion");
    EXPECT_EQ(call(routes.pin_remove, "/pin/remove", "{oops").status, 400);
}

TEST_F(MediaRoutesTest, MissingParametersAreBadRequests) {
    for (const auto& [handler, target] : std::vector<std::pair<rest::RouteHandler, std::string>>{
             {routes.move_endpoint, "/move-endpoints/move-endpoint?endpoint=a"},
             {routes.move_endpoint, "/move-endpoints/move-endpoint?conference=r%40c.meet.test"},
             {routes.move_endpoint, "/move-endpoints/move-endpoint?conference=a%40b%40c&endpoint=x"},
             {routes.move_endpoints, "/move-endpoints/move-endpoints"},
             {routes.move_endpoints, "/move-endpoints/move-endpoints?bridge=jvb1&numEndpoints=two"},
             {routes.move_endpoints, "/move-endpoints/move-endpoints?bridge=jvb1&numEndpoints=-1"},
             {routes.move_fraction, "/move-endpoints/move-fraction?fraction=0.5"},
             {routes.move_fraction, "/move-endpoints/move-fraction?bridge=jvb1&fraction=half"},
             {routes.move_fraction, "/move-endpoints/move-fraction?bridge=jvb1&fraction=1.5"},
         }) {
        auto response = call(handler, target);
        EXPECT_EQ(response.status, 400) << target << ": " << response.body;
        EXPECT_EQ(response.body.rfind("Bad request: ", 0), 0U) << response.body;
    }
}

TEST_F(MediaRoutesTest, UnknownBridgesAndConferencesAreNotFound) {
    bridge_joins("jvb1");
    conference("room1@conference.meet.test", {});
    for (const auto& [handler, target] : std::vector<std::pair<rest::RouteHandler, std::string>>{
             {routes.move_endpoint, "/move-endpoints/move-endpoint?conference=nope%40c.meet.test&endpoint=a"},
             {routes.move_endpoint,
              "/move-endpoints/move-endpoint?conference=room1%40conference.meet.test&endpoint=a&bridge=jvb9"},
             {routes.move_endpoints, "/move-endpoints/move-endpoints?bridge=jvb9"},
             {routes.move_endpoints, "/move-endpoints/move-endpoints?bridge=jvb1&conference=nope%40c.meet.test"},
             {routes.move_fraction, "/move-endpoints/move-fraction?bridge=jvb9"},
         }) {
        auto response = call(handler, target);
        EXPECT_EQ(response.status, 404) << target << ": " << response.body;
        EXPECT_EQ(response.body.rfind("Not found: ", 0), 0U) << response.body;
    }
}

TEST_F(MediaRoutesTest, MoveOneEndpoint) {
    bridge_joins("jvb1");
    const std::string b1 = occupant("jvb1").to_string();
    conference("room1@conference.meet.test", {{"alice", b1}, {"bob", b1}});
    const std::string target = "/move-endpoints/move-endpoint?conference=room1%40conference.meet.test&endpoint=alice";
    auto response = call(routes.move_endpoint, target + "&bridge=jvb1");
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, R"({"movedEndpoints":1,"conferences":1})");
    response = call(routes.move_endpoint, target);
    EXPECT_EQ(response.body, R"({"movedEndpoints":0,"conferences":0})") << "alice is no longer there";
    response = call(routes.move_endpoint,
                    "/move-endpoints/move-endpoint?conference=room1%40conference.meet.test&endpoint=bob&bridge=" + b1);
    EXPECT_EQ(response.body, R"({"movedEndpoints":1,"conferences":1})") << "the full occupant JID works too";
}

TEST_F(MediaRoutesTest, MoveEndpointsTakesTheLargestConferencesFirst) {
    bridge_joins("jvb1");
    bridge_joins("jvb2");
    const std::string b1 = occupant("jvb1").to_string();
    const std::string b2 = occupant("jvb2").to_string();
    conference("small@conference.meet.test", {{"a", b1}, {"b", b2}});
    conference("large@conference.meet.test", {{"a", b1}, {"b", b1}, {"c", b1}});

    auto response = call(routes.move_endpoints, "/move-endpoints/move-endpoints?bridge=jvb1");
    EXPECT_EQ(response.body, R"({"movedEndpoints":1,"conferences":1})") << "one by default";
    response = call(routes.move_endpoints, "/move-endpoints/move-endpoints?bridge=jvb1&numEndpoints=3");
    EXPECT_EQ(response.body, R"({"movedEndpoints":3,"conferences":2})") << "large had 2 left, small 1";
    response = call(routes.move_endpoints, "/move-endpoints/move-endpoints?bridge=jvb1&numEndpoints=3");
    EXPECT_EQ(response.body, R"({"movedEndpoints":0,"conferences":0})") << "nothing left on jvb1";
    response =
        call(routes.move_endpoints,
             "/move-endpoints/move-endpoints?bridge=jvb2&conference=small%40conference.meet.test&numEndpoints=5");
    EXPECT_EQ(response.body, R"({"movedEndpoints":1,"conferences":1})");
}

TEST_F(MediaRoutesTest, MoveFractionRoundsTheShareOfTheBridge) {
    bridge_joins("jvb1");
    const std::string b1 = occupant("jvb1").to_string();
    conference("room1@conference.meet.test", {{"a", b1}, {"b", b1}, {"c", b1}});
    conference("room2@conference.meet.test", {{"a", b1}});

    auto response = call(routes.move_fraction, "/move-endpoints/move-fraction?bridge=jvb1");
    EXPECT_EQ(response.body, R"({"movedEndpoints":0,"conferences":0})") << "round(0.1 × 4) = 0";
    response = call(routes.move_fraction, "/move-endpoints/move-fraction?bridge=jvb1&fraction=0.5");
    EXPECT_EQ(response.body, R"({"movedEndpoints":2,"conferences":1})");
    response = call(routes.move_fraction, "/move-endpoints/move-fraction?bridge=jvb1&fraction=1");
    EXPECT_EQ(response.body, R"({"movedEndpoints":2,"conferences":2})");
}

TEST(MediaRoutesDecoration, DebugAndStatsGainBridgeSelector) {
    bridge::testing::IoThread io;
    bridge::testing::FakeBrewery brewery;
    auto registry = bridge::BridgeRegistry::create(io.executor(), {}, brewery.factory(), nullptr);
    rest::DomainRoutes routes;
    auto inner = [](const rest::HttpRequest&, const rest::PathParams&, const rest::Responder& respond) {
        respond(rest::HttpResponse::json(200, R"({"focus_manager":{}})"));
    };
    routes.debug = inner;
    routes.stats = inner;
    add_media_routes(routes, registry, nullptr, jid(bridge::testing::kBrewery));

    auto debug = nlohmann::json::parse(call(routes.debug, "/debug").body);
    EXPECT_TRUE(debug.contains("focus_manager"));
    EXPECT_TRUE(debug["bridge_selector"].contains("strategy"));
    EXPECT_TRUE(debug["bridge_selector"]["bridge"].is_object());
    auto stats = nlohmann::json::parse(call(routes.stats, "/stats").body);
    EXPECT_EQ(stats["bridge_selector"]["bridge_count"], 0);
    EXPECT_EQ(stats["bridge_selector"].size(), 5U);

    std::promise<void> stopped;
    registry->stop([&] { stopped.set_value(); });
    ASSERT_EQ(stopped.get_future().wait_for(10s), std::future_status::ready);
}

}  // namespace
}  // namespace jicofo::app
