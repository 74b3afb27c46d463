// BridgeRegistry with a fake brewery: bridges come and go, health checks fail, time out and recover, failed
// bridges are probed again after failure-reset-threshold, selections count towards the ramp-up, and the snapshots
// and metrics follow. Timers run for real but short; every wait has a generous deadline.
#include "jicofo/bridge/bridge_registry.hpp"
#include "jicofo/metrics/metrics_registry.hpp"

#include "bridge/fake_transport.hpp"

#include <gtest/gtest.h>

namespace jicofo::bridge {
namespace {

using namespace testing;

BridgeRegistrySettings fast_settings() {
    BridgeRegistrySettings s;
    s.bridge.health_checks.interval = 40ms;
    s.bridge.health_checks.retry_delay = 20ms;
    s.bridge.failure_reset_threshold = 300ms;
    return s;
}

class BridgeRegistryTest : public ::testing::Test {
protected:
    void start(BridgeRegistrySettings settings = fast_settings()) {
        registry = BridgeRegistry::create(io.executor(), std::move(settings), brewery.factory(), &metrics);
        subscription = registry->subscribe(log.events());
        registry->start();
        ASSERT_TRUE(eventually([&] { return brewery.started(); }));
    }

    void TearDown() override {
        if (registry) {
            std::promise<void> stopped;
            registry->stop([&] { stopped.set_value(); });
            ASSERT_EQ(stopped.get_future().wait_for(10s), std::future_status::ready);
        }
    }

    BridgeSelectorStats stats() {
        std::promise<BridgeSelectorStats> result;
        registry->async_stats([&](const BridgeSelectorStats& s) { result.set_value(s); });
        auto future = result.get_future();
        if (future.wait_for(10s) != std::future_status::ready) {
            throw std::runtime_error("no stats");
        }
        return future.get();
    }

    BridgeSelectorDebug debug() {
        std::promise<BridgeSelectorDebug> result;
        registry->async_debug_snapshot([&](BridgeSelectorDebug d) { result.set_value(std::move(d)); });
        return result.get_future().get();
    }

    std::optional<BridgeDebugState> state_of(const std::string& nick) {
        for (auto& s : debug().bridges) {
            if (s.nick == nick) {
                return s;
            }
        }
        return std::nullopt;
    }

    bool operational(const std::string& nick) {
        auto s = state_of(nick);
        return s && s->operational;
    }

    BridgeSelection select(SelectionRequest request = {}) {
        std::promise<BridgeSelection> result;
        registry->async_select(std::move(request), io.executor(),
                               [&](BridgeSelection s) { result.set_value(std::move(s)); });
        return result.get_future().get();
    }

    double gauge(const std::string& name) { return metrics.gauge(name).Value(); }
    double counter(const std::string& name) { return metrics.counter(name).Value(); }
    // Whether the family has a series labelled jvb=<nick> (without creating one).
    bool has_series(const std::string& family_name, const std::string& nick) {
        for (const auto& family : metrics.collect()) {
            if (family.name != family_name) {
                continue;
            }
            for (const auto& metric : family.metric) {
                for (const auto& label : metric.label) {
                    if (label.name == "jvb" && label.value == nick) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    IoThread io;
    metrics::MetricsRegistry metrics{"test"};
    FakeBrewery brewery;
    EventLog log;
    std::shared_ptr<BridgeRegistry> registry;
    BridgeSubscription subscription;
};

TEST_F(BridgeRegistryTest, BridgesJoinUpdateAndLeave) {
    start();
    brewery.join("jvb1", colibri_stats(0.1));
    brewery.join("jvb2", colibri_stats(0.2, "eu-west", "2.4"));
    EXPECT_TRUE(log.wait_for("added jvb1"));
    EXPECT_TRUE(log.wait_for("added jvb2"));
    auto s = stats();
    EXPECT_EQ(s.bridge_count, 2);
    EXPECT_EQ(s.operational_bridge_count, 2);
    EXPECT_EQ(s.bridge_version_count, 2);
    EXPECT_EQ(gauge("bridge_selector_bridge_count"), 2);
    EXPECT_EQ(gauge("bridge_selector_bridge_version_count"), 2);

    brewery.update("jvb1", colibri_stats(0.6));
    EXPECT_DOUBLE_EQ(state_of("jvb1")->stress, 0.6);

    brewery.leave("jvb2");
    EXPECT_TRUE(log.wait_for("removed jvb2 lost"));
    s = stats();
    EXPECT_EQ(s.bridge_count, 1);
    EXPECT_EQ(s.lost_bridges, 1U);
    EXPECT_EQ(counter("bridge_selector_lost_bridges"), 1);
    EXPECT_EQ(gauge("bridge_selector_bridge_count"), 1);
}

TEST_F(BridgeRegistryTest, ABridgeThatAnnouncedItsShutdownIsNotLost) {
    start();
    brewery.join("jvb1", colibri_stats(0.1));
    auto graceful = colibri_stats(0.1);
    graceful.set("graceful_shutdown", "true");
    brewery.update("jvb1", graceful);
    EXPECT_EQ(stats().in_shutdown_bridge_count, 1);
    EXPECT_EQ(stats().available_bridge_count, 0);
    EXPECT_EQ(gauge("bridge_selector_bridge_count_in_shutdown"), 1);

    auto shutting_down = graceful;
    shutting_down.set("shutting_down", "true");
    brewery.update("jvb1", shutting_down);
    brewery.update("jvb1", shutting_down);
    EXPECT_TRUE(log.wait_for("shutting_down jvb1"));
    brewery.leave("jvb1");
    EXPECT_TRUE(log.wait_for("removed jvb1"));
    EXPECT_EQ(log.count("shutting_down jvb1"), 1) << "announced once";
    EXPECT_EQ(log.count("removed jvb1 lost"), 0);
    EXPECT_EQ(stats().lost_bridges, 0U);
}

TEST_F(BridgeRegistryTest, HealthyBridgesAreCheckedPeriodically) {
    start();
    brewery.join("jvb1", colibri_stats(0.1));
    EXPECT_TRUE(eventually([&] { return brewery.checks("jvb1") >= 3; }));
    EXPECT_TRUE(operational("jvb1"));
    EXPECT_EQ(log.count("failed jvb1"), 0);
}

TEST_F(BridgeRegistryTest, AFailedHealthCheckFailsTheBridgeOnceUntilItRecovers) {
    start();
    brewery.set_reply("jvb1", HealthReply::internal_server_error);
    brewery.join("jvb1", colibri_stats(0.1));
    brewery.join("jvb2", colibri_stats(0.5));
    ASSERT_TRUE(log.wait_for("failed jvb1"));
    EXPECT_FALSE(operational("jvb1"));
    EXPECT_TRUE(eventually([&] { return counter("bridge_health_check_failures") >= 2; }))
        << "it keeps failing while the checks go on";
    EXPECT_EQ(log.count("failed jvb1"), 1) << "conferences were told once";
    EXPECT_EQ(select().bridge.value().id, occupant("jvb2").to_string()) << "a failed bridge is not selected";
    EXPECT_EQ(gauge("bridge_selector_bridge_count_operational"), 1);

    brewery.set_reply("jvb1", HealthReply::result);
    EXPECT_TRUE(log.wait_for("operational jvb1"));
    EXPECT_TRUE(operational("jvb1"));
    EXPECT_FALSE(state_of("jvb1")->seconds_since_failure) << "the failure is forgotten";
    EXPECT_EQ(gauge("bridge_selector_bridge_count_operational"), 2);

    brewery.set_reply("jvb1", HealthReply::service_unavailable);
    EXPECT_TRUE(eventually([&] { return log.count("failed jvb1") == 2; })) << "a new failure is announced again";
}

TEST_F(BridgeRegistryTest, ATimedOutCheckIsRetriedThenOnlyKeepsTheBridgeOut) {
    start();
    brewery.set_reply("jvb1", HealthReply::timeout);
    brewery.join("jvb1", colibri_stats(0.1));
    ASSERT_TRUE(eventually([&] { return counter("bridge_health_check_timeouts") >= 1; }));
    EXPECT_GE(brewery.checks("jvb1"), 2) << "the retry was sent";
    EXPECT_FALSE(operational("jvb1"));
    EXPECT_EQ(log.count("failed jvb1"), 0) << "a timeout does not move conferences";

    // It answers again: back after the window, without ever having been announced as failed.
    brewery.set_reply("jvb1", HealthReply::result);
    EXPECT_TRUE(log.wait_for("operational jvb1"));
    EXPECT_EQ(log.count("failed jvb1"), 0);
}

TEST_F(BridgeRegistryTest, OtherErrorsAndDisconnectsAreOnlyLogged) {
    start();
    brewery.set_reply("jvb1", HealthReply::item_not_found);
    brewery.set_reply("jvb2", HealthReply::disconnected);
    brewery.join("jvb1", colibri_stats(0.1));
    brewery.join("jvb2", colibri_stats(0.1));
    EXPECT_TRUE(eventually([&] { return brewery.checks("jvb1") >= 3 && brewery.checks("jvb2") >= 3; }));
    EXPECT_TRUE(operational("jvb1"));
    EXPECT_TRUE(operational("jvb2"));
    EXPECT_EQ(counter("bridge_health_check_failures"), 0);
    EXPECT_EQ(stats().operational_bridge_count, 2);
}

TEST_F(BridgeRegistryTest, AColibriFailureEndsInAPromptReprobe) {
    auto settings = fast_settings();
    settings.bridge.health_checks.interval = std::chrono::hours(1);  // only the re-probe can check it
    start(settings);
    brewery.join("jvb1", colibri_stats(0.1));
    ASSERT_TRUE(log.wait_for("added jvb1"));
    registry->report_failure(occupant("jvb1").to_string());
    ASSERT_TRUE(eventually([&] { return !operational("jvb1"); }));
    EXPECT_EQ(brewery.checks("jvb1"), 0);
    EXPECT_FALSE(select().bridge) << "nothing else to choose";

    EXPECT_TRUE(log.wait_for("operational jvb1")) << "probed when the window ended";
    EXPECT_EQ(brewery.checks("jvb1"), 1);
    EXPECT_EQ(log.count("failed jvb1"), 0);
    EXPECT_TRUE(select().bridge);
}

TEST_F(BridgeRegistryTest, AReprobeThatFailsKeepsTheBridgeOut) {
    auto settings = fast_settings();
    settings.bridge.health_checks.interval = std::chrono::hours(1);
    start(settings);
    brewery.set_reply("jvb1", HealthReply::internal_server_error);
    brewery.join("jvb1", colibri_stats(0.1));
    ASSERT_TRUE(log.wait_for("added jvb1"));
    registry->report_failure(occupant("jvb1").to_string());
    ASSERT_TRUE(log.wait_for("failed jvb1")) << "the re-probe got an error";
    EXPECT_FALSE(operational("jvb1"));
    EXPECT_TRUE(eventually([&] { return brewery.checks("jvb1") >= 2; })) << "and it is probed again later";
    EXPECT_EQ(log.count("operational jvb1"), 0);
}

TEST_F(BridgeRegistryTest, WithoutHealthChecksAFailureSimplyExpires) {
    auto settings = fast_settings();
    settings.bridge.health_checks.enabled = false;
    start(settings);
    brewery.join("jvb1", colibri_stats(0.1));
    ASSERT_TRUE(log.wait_for("added jvb1"));
    registry->report_failure(occupant("jvb1").to_string());
    ASSERT_TRUE(eventually([&] { return !operational("jvb1"); }));
    EXPECT_TRUE(log.wait_for("operational jvb1"));
    EXPECT_EQ(brewery.checks("jvb1"), 0);
}

TEST_F(BridgeRegistryTest, PresenceModeFailsUnhealthyAndSilentBridges) {
    auto settings = fast_settings();
    settings.bridge.health_checks.use_presence = true;
    settings.bridge.health_checks.presence_timeout = 150ms;
    start(settings);
    auto healthy = colibri_stats(0.1);
    healthy.set("healthy", "true");
    brewery.join("jvb1", healthy);
    brewery.join("jvb2", healthy);
    ASSERT_TRUE(log.wait_for("added jvb2"));

    auto unhealthy = healthy;
    unhealthy.set("healthy", "false");
    brewery.update("jvb1", unhealthy);
    EXPECT_TRUE(log.wait_for("failed jvb1"));
    EXPECT_FALSE(operational("jvb1"));

    // jvb2 stops sending presence.
    EXPECT_TRUE(log.wait_for("failed jvb2"));

    // jvb1 is healthy again and keeps saying so: back once the window is over.
    for (int i = 0; i < 200 && log.count("operational jvb1") == 0; ++i) {
        brewery.update("jvb1", healthy);
        std::this_thread::sleep_for(10ms);
    }
    EXPECT_EQ(log.count("operational jvb1"), 1);
    EXPECT_EQ(brewery.checks("jvb1"), 0) << "no IQs in presence mode";
}

TEST_F(BridgeRegistryTest, SelectionCountsTheNewEndpoint) {
    start();
    auto one = colibri_stats(0.100, "us-east", "2.3.1");
    one.set("relay_id", "jvb1-relay");
    one.set("release", "77");
    brewery.join("jvb1", one);
    auto two = colibri_stats(0.105, "us-east", "2.3.1");
    two.set("release", "77");
    brewery.join("jvb2", two);

    auto first = select();
    ASSERT_TRUE(first.bridge) << first.reason;
    EXPECT_EQ(first.bridge->jid, occupant("jvb1"));
    EXPECT_EQ(first.bridge->region, "us-east");
    EXPECT_EQ(first.bridge->relay_id, "jvb1-relay");
    EXPECT_EQ(first.bridge->full_version, "2.3.1-77");
    EXPECT_EQ(state_of("jvb1")->endpoints_recently_added, 1);

    auto second = select();
    ASSERT_TRUE(second.bridge);
    EXPECT_EQ(second.bridge->jid, occupant("jvb2")) << "0.100 + 0.01 for the new endpoint > 0.105";
}

TEST_F(BridgeRegistryTest, TheAnswerArrivesOnTheGivenExecutor) {
    start();
    brewery.join("jvb1", colibri_stats(0.1));
    auto other = boost::asio::make_strand(io.executor());
    std::promise<bool> on_other;
    registry->async_select({}, other,
                           [&](const BridgeSelection&) { on_other.set_value(other.running_in_this_thread()); });
    EXPECT_TRUE(on_other.get_future().get());
}

TEST_F(BridgeRegistryTest, NoBridgeHasAReason) {
    start();
    auto none = select();
    EXPECT_FALSE(none.bridge);
    EXPECT_EQ(none.reason, "no operational bridges");
}

std::vector<BridgePin> pins(BridgeRegistry& registry) {
    std::promise<std::vector<BridgePin>> result;
    registry.async_pins([&](std::vector<BridgePin> p) { result.set_value(std::move(p)); });
    auto future = result.get_future();
    if (future.wait_for(10s) != std::future_status::ready) {
        throw std::runtime_error("no pins");
    }
    return future.get();
}

TEST_F(BridgeRegistryTest, APinnedRoomGetsBridgesOfItsVersionOthersDoNot) {
    start();
    brewery.join("jvb1", colibri_stats(0.1, "us-east", "2.3.1"));  // the least loaded
    brewery.join("jvb2", colibri_stats(0.5, "us-east", "2.4"));
    ASSERT_TRUE(log.wait_for("added jvb2"));
    const std::string room = "room1@conference.meet.test";
    std::promise<void> pinned;
    registry->pin(room, "2.4", std::chrono::minutes(30), [&] { pinned.set_value(); });
    ASSERT_EQ(pinned.get_future().wait_for(10s), std::future_status::ready);

    SelectionRequest in_room;
    in_room.conference_id = room;
    EXPECT_EQ(select(in_room).bridge.value().jid, occupant("jvb2"));
    SelectionRequest elsewhere;
    elsewhere.conference_id = "room2@conference.meet.test";
    EXPECT_EQ(select(elsewhere).bridge.value().jid, occupant("jvb1"));
    EXPECT_EQ(select().bridge.value().jid, occupant("jvb1")) << "no room, no pin";
    auto explicit_version = in_room;
    explicit_version.pinned_version = "2.3.1";
    EXPECT_EQ(select(explicit_version).bridge.value().jid, occupant("jvb1")) << "a version given wins over the pin";

    std::promise<bool> removed;
    registry->unpin(room, [&](bool was) { removed.set_value(was); });
    EXPECT_TRUE(removed.get_future().get());
    EXPECT_EQ(select(in_room).bridge.value().jid, occupant("jvb1"));
    EXPECT_TRUE(pins(*registry).empty());
}

TEST_F(BridgeRegistryTest, PinsAreListedWithAWallClockExpiry) {
    start();
    const auto before = std::chrono::system_clock::now();
    registry->pin("room1@conference.meet.test", "2.4", std::chrono::minutes(30));
    registry->pin("room2@conference.meet.test", "2.5", std::chrono::minutes(5));
    registry->pin("room2@conference.meet.test", "2.5", std::chrono::minutes(0));  // removes it again
    const auto listed = pins(*registry);
    const auto after = std::chrono::system_clock::now();
    ASSERT_EQ(listed.size(), 1U);
    EXPECT_EQ(listed[0].conference_id, "room1@conference.meet.test");
    EXPECT_EQ(listed[0].version, "2.4");
    EXPECT_GE(listed[0].expires_at, before + std::chrono::minutes(30) - 1s);
    EXPECT_LE(listed[0].expires_at, after + std::chrono::minutes(30) + 1s);

    std::promise<bool> removed;
    registry->unpin("room3@conference.meet.test", [&](bool was) { removed.set_value(was); });
    EXPECT_FALSE(removed.get_future().get()) << "there was no pin";
}

TEST_F(BridgeRegistryTest, DebugSnapshot) {
    auto settings = fast_settings();
    settings.bridge.selection_strategy = config::SelectionStrategy::RegionBased;
    start(settings);
    auto stats = colibri_stats(0.25, "eu-west", "2.4");
    stats.set("relay_id", "r1");
    stats.set("healthy", "true");
    brewery.join("jvb1", stats);
    ASSERT_TRUE(log.wait_for("added jvb1"));
    auto d = debug();
    EXPECT_EQ(d.strategy, "RegionBasedBridgeSelectionStrategy");
    ASSERT_EQ(d.bridges.size(), 1U);
    const auto& b = d.bridges[0];
    EXPECT_EQ(b.jid, occupant("jvb1").to_string());
    EXPECT_DOUBLE_EQ(b.stress, 0.25);
    EXPECT_DOUBLE_EQ(b.corrected_stress, 0.25);
    EXPECT_TRUE(b.operational);
    EXPECT_FALSE(b.overloaded);
    EXPECT_EQ(b.region, "eu-west");
    EXPECT_EQ(b.version, "2.4");
    EXPECT_EQ(b.relay_id, "r1");
    EXPECT_EQ(b.healthy, true);
    EXPECT_FALSE(b.drain);
    EXPECT_TRUE(b.seconds_since_presence);
}

TEST_F(BridgeRegistryTest, ConferenceReports) {
    start();
    registry->record_bridge_removed_from_conference();
    EXPECT_EQ(stats().bridges_removed, 1U);
    EXPECT_EQ(counter("bridges_removed"), 1);
    brewery.join("jvb1", colibri_stats(0.1));
    select();
    select();
    registry->report_endpoints_removed(occupant("jvb1").to_string(), 1);
    EXPECT_TRUE(eventually([&] { return state_of("jvb1")->endpoints == 1; }));
}

// Jicofo's BridgeMetrics: each bridge has jvb=<nick> series for its endpoints, its failing-ICE state and its
// participants' restart requests, from its arrival until it leaves.
TEST_F(BridgeRegistryTest, PerBridgeSeriesFollowEndpointsRestartRequestsAndFailingIce) {
    auto settings = fast_settings();
    auto& ice = settings.bridge.ice_failure_detection;
    ice.enabled = true;
    ice.min_endpoints = 1;
    ice.threshold = 0.5;  // more than half of the endpoints asking for a restart
    ice.timeout = 200ms;
    start(settings);
    brewery.join("jvb1", colibri_stats(0.1));
    EXPECT_TRUE(log.wait_for("added jvb1"));
    const metrics::Labels jvb1{{"jvb", "jvb1"}};
    auto bridge_gauge = [&](const std::string& name) { return metrics.gauge(name, jvb1).Value(); };
    EXPECT_TRUE(has_series("jitsi_jicofo_bridge_endpoints", "jvb1"));
    EXPECT_TRUE(has_series("jitsi_jicofo_bridge_endpoints_moved_total", "jvb1")) << "at zero from the start";
    EXPECT_EQ(bridge_gauge("bridge_endpoints"), 0);

    ASSERT_TRUE(select().bridge);
    ASSERT_TRUE(select().bridge);
    EXPECT_EQ(bridge_gauge("bridge_endpoints"), 2);
    registry->report_restart_request(occupant("jvb1").to_string());
    registry->report_restart_request(occupant("jvb1").to_string());
    EXPECT_TRUE(eventually([&] { return metrics.counter("bridge_restart_requests", jvb1).Value() == 2; }));
    EXPECT_TRUE(eventually([&] { return bridge_gauge("bridge_failing_ice") == 1; })) << "2 requests > 2 x 0.5";
    // The state ends with its timeout; the periodic health check (40 ms) shows it.
    EXPECT_TRUE(eventually([&] { return bridge_gauge("bridge_failing_ice") == 0; }));

    registry->report_endpoints_removed(occupant("jvb1").to_string(), 1);
    EXPECT_TRUE(eventually([&] { return bridge_gauge("bridge_endpoints") == 1; }));

    brewery.leave("jvb1");
    EXPECT_TRUE(log.wait_for("removed jvb1 lost"));
    for (const char* family :
         {"jitsi_jicofo_bridge_endpoints", "jitsi_jicofo_bridge_failing_ice",
          "jitsi_jicofo_bridge_restart_requests_total", "jitsi_jicofo_bridge_endpoints_moved_total"}) {
        EXPECT_FALSE(has_series(family, "jvb1")) << family << " outlived the bridge";
    }
}

TEST_F(BridgeRegistryTest, AnUnsubscribedListenerHearsNothing) {
    start();
    EventLog other;
    auto second = registry->subscribe(other.events());
    brewery.join("jvb1", colibri_stats(0.1));
    EXPECT_TRUE(other.wait_for("added jvb1"));
    second.reset();
    brewery.leave("jvb1");
    EXPECT_TRUE(log.wait_for("removed jvb1 lost"));
    EXPECT_EQ(other.count("removed jvb1 lost"), 0);
}

TEST_F(BridgeRegistryTest, StopLeavesAndForgets) {
    start();
    brewery.join("jvb1", colibri_stats(0.1));
    std::promise<void> stopped;
    registry->stop([&] { stopped.set_value(); });
    stopped.get_future().wait();
    EXPECT_TRUE(brewery.stopped());
    auto after = select();
    EXPECT_FALSE(after.bridge);
    EXPECT_EQ(after.reason, "shutting down");
    EXPECT_EQ(stats().bridge_count, 0);
    EXPECT_EQ(log.count("removed jvb1 lost"), 0) << "no events for a shutdown";
}

TEST(BridgeStatsFrom, ReadsEveryStatTheSelectorUses) {
    stanza::ColibriStats stats;
    stats.set("stress_level", "0.42");
    stats.set("average_participant_stress", "0.02");
    stats.set("region", "eu-west");
    stats.set("relay_id", "relay");
    stats.set("version", "2.3");
    stats.set("release", "9");
    stats.set("drain", "true");
    stats.set("graceful_shutdown", "true");
    stats.set("shutting_down", "false");
    stats.set("healthy", "false");
    const auto s = bridge_stats_from(stats);
    EXPECT_EQ(s.stress_level, 0.42);
    EXPECT_EQ(s.average_participant_stress, 0.02);
    EXPECT_EQ(s.region, "eu-west");
    EXPECT_EQ(s.relay_id, "relay");
    EXPECT_EQ(s.version, "2.3");
    EXPECT_EQ(s.release, "9");
    EXPECT_EQ(s.drain, true);
    EXPECT_TRUE(s.graceful_shutdown);
    EXPECT_FALSE(s.shutting_down);
    EXPECT_EQ(s.healthy, false);
}

TEST(BridgeStatsFrom, AbsentOrMalformedStatsAreUnknown) {
    stanza::ColibriStats stats;
    stats.set("stress_level", "lots");
    stats.set("drain", "maybe");
    stats.set("shutting_down", "yes please");
    const auto s = bridge_stats_from(stats);
    EXPECT_FALSE(s.stress_level);
    EXPECT_FALSE(s.drain);
    EXPECT_FALSE(s.shutting_down);
    EXPECT_FALSE(s.region);
    EXPECT_FALSE(s.healthy);
    EXPECT_EQ(bridge_stats_from(stanza::ColibriStats{}), selector::BridgeStats{});
}

}  // namespace
}  // namespace jicofo::bridge
