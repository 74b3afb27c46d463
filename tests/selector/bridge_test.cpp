// Bridge: stats merged from presence, sticky failures that end in a re-probe, ramp-up and failing-ICE stress.
#include "jicofo/selector/bridge.hpp"

#include "selector/selector_test_util.hpp"

#include <gtest/gtest.h>

namespace jicofo::selector {
namespace {

using namespace testing;

BridgeParams params() {
    BridgeParams p;
    p.failure_reset_threshold = 60s;
    p.participant_rampup_interval = 20s;
    p.average_participant_stress = 0.01;
    p.stress_threshold = 0.8;
    return p;
}

TEST(Bridge, DrainsUntilTheBridgeSaysOtherwise) {
    ManualClock clock;
    Bridge bridge("brewery@internal/jvb1", "jvb1", params());
    EXPECT_TRUE(bridge.draining());
    BridgeStats stats;
    stats.stress_level = 0.1;
    bridge.update(stats, clock.now);
    EXPECT_TRUE(bridge.draining()) << "a presence without drain keeps the default";
    stats.drain = false;
    bridge.update(stats, clock.now);
    EXPECT_FALSE(bridge.draining());
    stats.drain.reset();
    bridge.update(stats, clock.now);
    EXPECT_FALSE(bridge.draining()) << "an absent stat keeps the last reported value";
    stats.drain = true;
    bridge.update(stats, clock.now);
    EXPECT_TRUE(bridge.draining());
}

TEST(Bridge, AbsentStatsKeepEarlierValues) {
    ManualClock clock;
    Bridge bridge("brewery@internal/jvb1", "jvb1", params());
    BridgeStats full;
    full.stress_level = 0.4;
    full.average_participant_stress = 0.02;
    full.region = "eu-west";
    full.relay_id = "relay-1";
    full.version = "2.3.1";
    full.release = "77";
    full.healthy = true;
    bridge.update(full, clock.now);
    clock.advance(5s);
    bridge.update(BridgeStats{}, clock.now);
    EXPECT_DOUBLE_EQ(bridge.stress_level(), 0.4);
    EXPECT_DOUBLE_EQ(bridge.average_participant_stress(), 0.02);
    EXPECT_EQ(bridge.region(), "eu-west");
    EXPECT_EQ(bridge.relay_id(), "relay-1");
    EXPECT_EQ(bridge.full_version(), "2.3.1-77");
    EXPECT_EQ(bridge.reported_healthy(), true);
    EXPECT_EQ(bridge.last_presence(), clock.now);
}

TEST(Bridge, FullVersionIsVersionDashReleaseOrTheVersionAlone) {
    ManualClock clock;
    Bridge bridge("b/1", "1", params());
    EXPECT_EQ(bridge.full_version(), std::nullopt);
    BridgeStats stats;
    stats.release = "9";
    bridge.update(stats, clock.now);
    EXPECT_EQ(bridge.full_version(), std::nullopt) << "a release without a version is no version";
    stats.version = "2.3";
    bridge.update(stats, clock.now);
    EXPECT_EQ(bridge.full_version(), "2.3-9");
    Bridge plain("b/2", "2", params());
    BridgeStats only_version;
    only_version.version = "2.4";
    plain.update(only_version, clock.now);
    EXPECT_EQ(plain.full_version(), "2.4");
}

TEST(Bridge, ShutdownStatesNeverTurnOffAgain) {
    ManualClock clock;
    Bridge bridge("b/1", "1", params());
    BridgeStats stats;
    stats.graceful_shutdown = true;
    bridge.update(stats, clock.now);
    EXPECT_TRUE(bridge.graceful_shutdown());
    EXPECT_FALSE(bridge.shutting_down());
    stats.graceful_shutdown = false;
    stats.shutting_down = true;
    bridge.update(stats, clock.now);
    EXPECT_TRUE(bridge.graceful_shutdown());
    EXPECT_TRUE(bridge.shutting_down());
    bridge.update(BridgeStats{}, clock.now);
    EXPECT_TRUE(bridge.shutting_down());
}

TEST(Bridge, FailureIsStickyForTheThresholdThenNeedsAProbe) {
    ManualClock clock;
    Bridge bridge("b/1", "1", params());
    EXPECT_TRUE(bridge.is_operational(clock.now));
    EXPECT_FALSE(bridge.needs_probe(clock.now));

    bridge.mark_failed(clock.now);
    EXPECT_FALSE(bridge.is_operational(clock.now));
    EXPECT_EQ(bridge.failure_expires_at(), clock.now + 60s);
    clock.advance(59s);
    EXPECT_FALSE(bridge.is_operational(clock.now));
    EXPECT_FALSE(bridge.needs_probe(clock.now));
    EXPECT_FALSE(bridge.record_healthy(clock.now)) << "a success inside the window does not shorten it";
    EXPECT_FALSE(bridge.is_operational(clock.now));

    clock.advance(1s);
    EXPECT_TRUE(bridge.is_operational(clock.now)) << "back after the threshold";
    EXPECT_TRUE(bridge.needs_probe(clock.now)) << "but it must be checked again";
    clock.advance(10min);
    EXPECT_TRUE(bridge.needs_probe(clock.now)) << "until something confirms it";

    EXPECT_TRUE(bridge.record_healthy(clock.now));
    EXPECT_FALSE(bridge.needs_probe(clock.now));
    EXPECT_FALSE(bridge.failed_at());
    EXPECT_FALSE(bridge.record_healthy(clock.now)) << "nothing left to clear";
}

TEST(Bridge, ANewFailureRestartsTheWindow) {
    ManualClock clock;
    Bridge bridge("b/1", "1", params());
    bridge.mark_failed(clock.now);
    clock.advance(50s);
    bridge.mark_failed(clock.now);
    clock.advance(20s);
    EXPECT_FALSE(bridge.is_operational(clock.now));
    clock.advance(40s);
    EXPECT_TRUE(bridge.is_operational(clock.now));
    // The re-probe fails: out for another window.
    bridge.mark_failed(clock.now);
    EXPECT_FALSE(bridge.is_operational(clock.now));
    EXPECT_FALSE(bridge.needs_probe(clock.now));
}

TEST(Bridge, RecentEndpointsRaiseTheStressUntilTheRampUpEnds) {
    ManualClock clock;
    Bridge bridge("b/1", "1", params());
    BridgeStats stats;
    stats.stress_level = 0.3;
    bridge.update(stats, clock.now);
    EXPECT_DOUBLE_EQ(bridge.corrected_stress(clock.now), 0.3);
    for (int i = 0; i < 5; ++i) {
        bridge.endpoint_added(clock.now);
    }
    EXPECT_EQ(bridge.recently_added_endpoints(clock.now), 5);
    EXPECT_NEAR(bridge.corrected_stress(clock.now), 0.35, 1e-9);
    clock.advance(10s);
    bridge.endpoint_added(clock.now);
    EXPECT_NEAR(bridge.corrected_stress(clock.now), 0.36, 1e-9);
    clock.advance(10s);
    EXPECT_EQ(bridge.recently_added_endpoints(clock.now), 1) << "the first five are older than 20 s";
    clock.advance(10s);
    EXPECT_DOUBLE_EQ(bridge.corrected_stress(clock.now), 0.3);
    EXPECT_EQ(bridge.endpoints(), 6);
    bridge.endpoints_removed(10);
    EXPECT_EQ(bridge.endpoints(), 0) << "never negative";
}

TEST(Bridge, TheBridgesOwnParticipantStressWins) {
    ManualClock clock;
    Bridge bridge("b/1", "1", params());
    BridgeStats stats;
    stats.stress_level = 0.1;
    stats.average_participant_stress = 0.05;
    bridge.update(stats, clock.now);
    bridge.endpoint_added(clock.now);
    bridge.endpoint_added(clock.now);
    EXPECT_NEAR(bridge.corrected_stress(clock.now), 0.2, 1e-9);
}

TEST(Bridge, OverloadedAtTheThreshold) {
    ManualClock clock;
    Bridge bridge("b/1", "1", params());
    BridgeStats stats;
    stats.stress_level = 0.79;
    bridge.update(stats, clock.now);
    EXPECT_FALSE(bridge.is_overloaded(clock.now));
    bridge.endpoint_added(clock.now);
    EXPECT_TRUE(bridge.is_overloaded(clock.now)) << "0.79 + 0.01 reaches 0.8";
}

TEST(Bridge, FailingIceRaisesTheStressForItsTimeout) {
    ManualClock clock;
    BridgeParams p = params();
    p.ice_failure_detection.enabled = true;
    p.ice_failure_detection.min_endpoints = 4;
    p.ice_failure_detection.threshold = 0.5;
    p.ice_failure_detection.interval = 2min;
    p.ice_failure_detection.timeout = 10min;
    Bridge bridge("b/1", "1", p);
    BridgeStats stats;
    stats.stress_level = 0.1;
    bridge.update(stats, clock.now);
    for (int i = 0; i < 4; ++i) {
        bridge.endpoint_added(clock.now);
    }
    clock.advance(1min);  // past the ramp-up
    EXPECT_FALSE(bridge.endpoint_restart_requested(clock.now));
    EXPECT_FALSE(bridge.endpoint_restart_requested(clock.now));
    EXPECT_FALSE(bridge.failing_ice(clock.now)) << "2 of 4 is not more than half";
    EXPECT_TRUE(bridge.endpoint_restart_requested(clock.now));
    EXPECT_TRUE(bridge.failing_ice(clock.now));
    EXPECT_NEAR(bridge.corrected_stress(clock.now), 0.81, 1e-9);
    EXPECT_TRUE(bridge.is_overloaded(clock.now));
    EXPECT_FALSE(bridge.endpoint_restart_requested(clock.now)) << "already failing: not a new state";
    clock.advance(10min);
    EXPECT_FALSE(bridge.failing_ice(clock.now));
    EXPECT_DOUBLE_EQ(bridge.corrected_stress(clock.now), 0.1);
    EXPECT_EQ(bridge.restart_requests_total(), 4U) << "every request, not only those in the interval";
}

TEST(Bridge, IceFailureDetectionOffOrTooFewEndpoints) {
    ManualClock clock;
    BridgeParams p = params();
    p.ice_failure_detection.min_endpoints = 1;
    Bridge off("b/1", "1", p);
    off.endpoint_added(clock.now);
    for (int i = 0; i < 10; ++i) {
        EXPECT_FALSE(off.endpoint_restart_requested(clock.now));
    }
    EXPECT_FALSE(off.failing_ice(clock.now));

    p.ice_failure_detection.enabled = true;
    p.ice_failure_detection.min_endpoints = 30;
    Bridge small("b/2", "2", p);
    small.endpoint_added(clock.now);
    for (int i = 0; i < 10; ++i) {
        EXPECT_FALSE(small.endpoint_restart_requested(clock.now));
    }
    EXPECT_FALSE(small.failing_ice(clock.now));
}

TEST(Bridge, SelectionPriority) {
    ManualClock clock;
    Bridge bridge("b/1", "1", params());
    EXPECT_EQ(selection_priority(bridge, clock.now), 1);
    BridgeStats stats;
    stats.graceful_shutdown = true;
    bridge.update(stats, clock.now);
    EXPECT_EQ(selection_priority(bridge, clock.now), 2);
    bridge.mark_failed(clock.now);
    EXPECT_EQ(selection_priority(bridge, clock.now), 3);
}

TEST(BridgeParams, FromTheBridgeConfig) {
    config::BridgeConfig config;
    config.failure_reset_threshold = 5s;
    config.participant_rampup_interval = 7s;
    config.average_participant_stress = 0.03;
    config.stress_threshold = 0.6;
    config.ice_failure_detection.enabled = true;
    const auto p = BridgeParams::from(config);
    EXPECT_EQ(p.failure_reset_threshold, 5s);
    EXPECT_EQ(p.participant_rampup_interval, 7s);
    EXPECT_DOUBLE_EQ(p.average_participant_stress, 0.03);
    EXPECT_DOUBLE_EQ(p.stress_threshold, 0.6);
    EXPECT_TRUE(p.ice_failure_detection.enabled);
}

}  // namespace
}  // namespace jicofo::selector
