// The room map's caps: conferences running, requests waiting for a join, properties per request. Each is filled,
// refused with a clear error, counted in conference_requests_rejected_total{cap}, and frees up again.
#include "focus_manager_fixture.hpp"

#include <nlohmann/json.hpp>

#include "jicofo/metrics/exposition.hpp"

namespace jicofo::conference::testing {
namespace {

class FocusManagerCapsTest : public FocusManagerTest {
protected:
    double metric(const std::string& name) {
        auto rendered = metrics::render(metrics_, metrics::MetricsFormat::json);
        auto json = nlohmann::json::parse(rendered.body);
        if (!json.contains(name)) {
            return -1;
        }
        return json.at(name).get<double>();
    }
    double rejected(const std::string& cap) {
        auto rendered = metrics::render(metrics_, metrics::MetricsFormat::prometheus_text);
        const std::string line = "jitsi_jicofo_conference_requests_rejected_total{cap=\"" + cap + "\"} ";
        auto at = rendered.body.find(line);
        return at == std::string::npos ? -1 : std::stod(rendered.body.substr(at + line.size()));
    }
};

TEST_F(FocusManagerCapsTest, ConferencesOverTheCapAreRefusedWithResourceConstraint) {
    ConferenceSettings settings;
    settings.max_conferences = 3;
    auto manager = make_manager(true, settings);
    for (int i = 0; i < 3; ++i) {
        auto result = ask(*manager, request_for("room" + std::to_string(i) + "@c.meet.test"));
        ASSERT_TRUE(result) << result.error().text;
    }
    auto refused = ask(*manager, request_for("one-too-many@c.meet.test"));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, RequestErrc::resource_constraint);
    EXPECT_EQ(refused.error().text, "too many conferences (max 3)");
    EXPECT_EQ(to_stanza_error(refused.error()).condition, stanza::ErrorCondition::resource_constraint);
    EXPECT_EQ(rejected("max_conferences"), 1.0);
    EXPECT_EQ(created_count(), 3U);

    // A running room is still served at the cap, and a room that ends makes room.
    auto existing = ask(*manager, request_for("room1@c.meet.test"));
    ASSERT_TRUE(existing);
    EXPECT_TRUE(existing->ready);
    created(0)->end();
    bool admitted = false;
    for (int i = 0; i < 100 && !admitted; ++i) {
        admitted = ask(*manager, request_for("one-too-many@c.meet.test")).has_value();
        if (!admitted) {
            std::this_thread::sleep_for(5ms);
        }
    }
    EXPECT_TRUE(admitted);
}

TEST_F(FocusManagerCapsTest, WaitingRequestsOverTheCapAreRefusedAndTheGaugeFollows) {
    ConferenceSettings settings;
    settings.max_waiting_requests = 4;
    auto manager = make_manager(false, settings);
    std::atomic<int> ready{0};
    for (int i = 0; i < 4; ++i) {
        manager->conference_request(request_for("slow@c.meet.test"), [&](ConferenceRequestResult r) {
            if (r && r->ready) {
                ++ready;
            }
        });
    }
    auto refused = ask(*manager, request_for("other@c.meet.test"));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, RequestErrc::resource_constraint);
    EXPECT_EQ(refused.error().text, "too many conference requests waiting (max 4)");
    EXPECT_EQ(rejected("max_waiting_requests"), 1.0);
    EXPECT_EQ(metric("conference_requests_waiting"), 4.0);
    EXPECT_EQ(created_count(), 1U) << "the refused request created nothing";

    created(0)->complete_join();
    const auto until = std::chrono::steady_clock::now() + 5s;
    while (ready < 4 && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(5ms);
    }
    EXPECT_EQ(ready, 4);
    EXPECT_EQ(metric("conference_requests_waiting"), 0.0);
    // Waiting requests are counted down on every path: a join timeout, and an ended conference.
    settings.join_timeout = 50ms;
    auto timing_out = make_manager(false, settings);
    for (int round = 0; round < 3; ++round) {
        for (int i = 0; i < 4; ++i) {
            auto result = ask(*timing_out, request_for("never@c.meet.test"));
            ASSERT_TRUE(result) << "round " << round << ": " << result.error().text;
            EXPECT_FALSE(result->ready);
        }
    }
}

TEST_F(FocusManagerCapsTest, TooManyPropertiesIsABadRequest) {
    ConferenceSettings settings;
    settings.max_properties_per_request = 2;
    auto manager = make_manager(true, settings);
    auto request = request_for("props@c.meet.test");
    request.properties = {{"a", "1"}, {"b", "2"}};
    ASSERT_TRUE(ask(*manager, request));
    request.properties.push_back({"c", "3"});
    request.room = jid("props2@c.meet.test");
    auto refused = ask(*manager, request);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, RequestErrc::bad_request);
    EXPECT_EQ(refused.error().text, "too many properties (max 2)");
    EXPECT_EQ(rejected("max_properties_per_request"), 1.0);
    EXPECT_EQ(created_count(), 1U);
}

// 2,000 distinct rooms against a cap of 500: the excess is refused at once, the map stays at the cap.
TEST_F(FocusManagerCapsTest, AFloodOfDistinctRoomsStopsAtTheCap) {
    ConferenceSettings settings;
    settings.max_conferences = 500;
    auto manager = make_manager(true, settings);
    std::atomic<int> ok{0};
    std::atomic<int> constrained{0};
    std::atomic<int> answered{0};
    for (int i = 0; i < 2000; ++i) {
        manager->conference_request(request_for("flood" + std::to_string(i) + "@c.meet.test"),
                                    [&](ConferenceRequestResult r) {
                                        if (r) {
                                            ++ok;
                                        } else if (r.error().code == RequestErrc::resource_constraint) {
                                            ++constrained;
                                        }
                                        ++answered;
                                    });
    }
    const auto until = std::chrono::steady_clock::now() + 10s;
    while (answered < 2000 && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(5ms);
    }
    EXPECT_EQ(answered, 2000);
    EXPECT_EQ(ok, 500);
    EXPECT_EQ(constrained, 1500);
    EXPECT_EQ(snapshot(*manager).conferences.size(), 500U);
    EXPECT_EQ(rejected("max_conferences"), 1500.0);
}

}  // namespace
}  // namespace jicofo::conference::testing
