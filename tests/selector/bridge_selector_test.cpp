// BridgeSelector's pre-filtering (operational, shutting down, version, draining, graceful shutdown, load order) and
// the rules shared by every strategy for a conference that already has a bridge.
#include "jicofo/selector/bridge_selector.hpp"

#include "selector/selector_test_util.hpp"

#include <gtest/gtest.h>

namespace jicofo::selector {
namespace {

using namespace testing;

SelectorSettings settings(config::SelectionStrategy strategy = config::SelectionStrategy::SingleBridge) {
    SelectorSettings s;
    s.bridge.selection_strategy = strategy;
    return s;
}

class BridgeSelectorTest : public ::testing::Test {
protected:
    SelectionResult select(const BridgeSelector& selector, const ConferenceBridges& conference = {},
                           const ParticipantProperties& participant = {},
                           const std::optional<std::string>& pin = std::nullopt) {
        return selector.select(fleet.all(), conference, participant, pin, clock.now);
    }

    ManualClock clock;
    Fleet fleet;
};

TEST_F(BridgeSelectorTest, NoBridges) {
    BridgeSelector selector(settings());
    auto result = select(selector);
    EXPECT_FALSE(result.bridge_id);
    EXPECT_EQ(result.reason, "no operational bridges");
}

TEST_F(BridgeSelectorTest, LeastLoadedFirst) {
    fleet.add("jvb1", 0.5, std::nullopt, clock.now);
    fleet.add("jvb2", 0.2, std::nullopt, clock.now);
    fleet.add("jvb3", 0.3, std::nullopt, clock.now);
    BridgeSelector selector(settings());
    EXPECT_EQ(nick_of(select(selector)), "jvb2");
}

TEST_F(BridgeSelectorTest, RecentlyAddedEndpointsCountAsLoad) {
    fleet.add("jvb1", 0.20, std::nullopt, clock.now);
    fleet.add("jvb2", 0.23, std::nullopt, clock.now);
    BridgeSelector selector(settings());
    for (int i = 0; i < 4; ++i) {
        fleet.get("jvb1").endpoint_added(clock.now);
    }
    EXPECT_EQ(nick_of(select(selector)), "jvb2") << "0.20 + 4 x 0.01 > 0.23";
    clock.advance(20s);
    EXPECT_EQ(nick_of(select(selector)), "jvb1") << "the ramp-up is over";
}

// max-bridge-participants-per-interval: the bridges a conference filled too fast are named, for the counter.
TEST_F(BridgeSelectorTest, RateLimitedBridgesAreThoseAtTheIntervalCap) {
    auto limited_settings = settings();
    EXPECT_TRUE(BridgeSelector(limited_settings).rate_limited({{"a", 40, false, 40}}).empty()) << "-1: off";
    limited_settings.bridge.max_bridge_participants_per_interval = 3;
    const BridgeSelector selector(limited_settings);
    const auto limited = selector.rate_limited({{"a", 5, false, 3}, {"b", 5, false, 2}, {"c", 9, false, 4}});
    ASSERT_EQ(limited.size(), 2U);
    EXPECT_EQ(limited[0].bridge_id, "a");
    EXPECT_EQ(limited[1].bridge_id, "c");
}

TEST_F(BridgeSelectorTest, FailedBridgesAreOutUntilTheThreshold) {
    BridgeParams params;
    params.failure_reset_threshold = 60s;
    Fleet own(params);
    own.add("jvb1", 0.1, std::nullopt, clock.now).mark_failed(clock.now);
    own.add("jvb2", 0.5, std::nullopt, clock.now);
    BridgeSelector selector(settings());
    auto pick = [&] { return nick_of(selector.select(own.all(), {}, {}, std::nullopt, clock.now)); };
    EXPECT_EQ(pick(), "jvb2");
    own.get("jvb2").mark_failed(clock.now);
    auto none = selector.select(own.all(), {}, {}, std::nullopt, clock.now);
    EXPECT_FALSE(none.bridge_id);
    EXPECT_EQ(none.reason, "no operational bridges");
    clock.advance(60s);
    EXPECT_EQ(pick(), "jvb1");
}

TEST_F(BridgeSelectorTest, ShuttingDownBridgesAreNeverChosen) {
    auto stats = active_stats(0.1);
    stats.shutting_down = true;
    fleet.add("jvb1", stats, clock.now);
    BridgeSelector selector(settings());
    auto result = select(selector);
    EXPECT_FALSE(result.bridge_id);
    EXPECT_EQ(result.reason, "all operational bridges are shutting down");
    fleet.add("jvb2", 0.9, std::nullopt, clock.now);
    EXPECT_EQ(nick_of(select(selector)), "jvb2");
}

TEST_F(BridgeSelectorTest, DrainingBridgesOnlyWhenNothingElse) {
    BridgeStats unknown;  // drain not reported yet: treated as draining
    unknown.stress_level = 0.0;
    unknown.version = "2.3.1";
    fleet.add("jvb1", unknown, clock.now);
    BridgeSelector selector(settings());
    EXPECT_EQ(nick_of(select(selector)), "jvb1") << "a draining bridge is better than none";
    fleet.add("jvb2", 0.7, std::nullopt, clock.now);
    EXPECT_EQ(nick_of(select(selector)), "jvb2");
}

TEST_F(BridgeSelectorTest, GracefulShutdownOnlyWhenNothingElse) {
    auto graceful = active_stats(0.0);
    graceful.graceful_shutdown = true;
    fleet.add("jvb1", graceful, clock.now);
    BridgeSelector selector(settings());
    EXPECT_EQ(nick_of(select(selector)), "jvb1");
    fleet.add("jvb2", 0.7, std::nullopt, clock.now);
    EXPECT_EQ(nick_of(select(selector)), "jvb2");
}

TEST_F(BridgeSelectorTest, NotDrainingIsPreferredBeforeNotInGracefulShutdown) {
    // jvb1 is active but in graceful shutdown; jvb2 drains. Jicofo filters draining first, so jvb1 wins.
    auto graceful = active_stats(0.5);
    graceful.graceful_shutdown = true;
    fleet.add("jvb1", graceful, clock.now);
    auto draining = active_stats(0.1);
    draining.drain = true;
    fleet.add("jvb2", draining, clock.now);
    BridgeSelector selector(settings());
    EXPECT_EQ(nick_of(select(selector)), "jvb1");
}

TEST_F(BridgeSelectorTest, AConferenceKeepsItsVersion) {
    auto old_stats = active_stats(0.5, std::nullopt, "2.2");
    old_stats.relay_id = "old-relay";
    fleet.add("old", old_stats, clock.now);
    fleet.add("new", active_stats(0.1, std::nullopt, "2.3"), clock.now);
    auto s = settings(config::SelectionStrategy::SplitBridge);
    BridgeSelector selector(s);
    // Split wants a bridge not yet in the conference, but the only one is of another version.
    auto result = select(selector, {on("old", 3)});
    EXPECT_EQ(nick_of(result), "old");

    s.octo.allow_mixed_versions = true;
    BridgeSelector mixed(s);
    EXPECT_EQ(nick_of(select(mixed, {on("old", 3)})), "new");
}

TEST_F(BridgeSelectorTest, PinnedVersionForANewConference) {
    fleet.add("a", active_stats(0.1, std::nullopt, "2.3"), clock.now);
    auto b = active_stats(0.5, std::nullopt, "2.4");
    b.release = "5";
    fleet.add("b", b, clock.now);
    BridgeSelector selector(settings());
    EXPECT_EQ(nick_of(select(selector, {}, {}, "2.4-5")), "b");
    auto none = select(selector, {}, {}, "2.5");
    EXPECT_FALSE(none.bridge_id);
    EXPECT_EQ(none.reason, "no operational bridge has version 2.5");
}

TEST_F(BridgeSelectorTest, APinThatContradictsTheConferenceSelectsNothing) {
    fleet.add("a", active_stats(0.1, std::nullopt, "2.3"), clock.now);
    BridgeSelector selector(settings());
    auto result = select(selector, {on("a", 2)}, {}, "2.4");
    EXPECT_FALSE(result.bridge_id);
    EXPECT_NE(result.reason.find("differs"), std::string::npos) << result.reason;
    EXPECT_EQ(nick_of(select(selector, {on("a", 2)}, {}, "2.3")), "a");
}

TEST_F(BridgeSelectorTest, WithoutOctoTheConferenceStaysOnItsBridge) {
    fleet.add("busy", 0.95, std::nullopt, clock.now);
    fleet.add("idle", 0.0, std::nullopt, clock.now);
    BridgeSelector selector(settings(config::SelectionStrategy::RegionBased));
    auto result = select(selector, {on("busy", 10)});
    EXPECT_EQ(nick_of(result), "busy");
    EXPECT_EQ(result.reason, "the conference's bridge (no relays)");
}

TEST_F(BridgeSelectorTest, WithOctoButNoRelayIdTheConferenceStaysOnItsBridge) {
    fleet.add("busy", 0.95, std::nullopt, clock.now);
    fleet.add("idle", 0.0, std::nullopt, clock.now);
    auto s = settings(config::SelectionStrategy::RegionBased);
    s.octo.enabled = true;
    BridgeSelector selector(s);
    EXPECT_EQ(nick_of(select(selector, {on("busy", 10)})), "busy");
    auto relay = active_stats(0.95);
    relay.relay_id = "busy-relay";
    fleet.get("busy").update(relay, clock.now);
    EXPECT_EQ(nick_of(select(selector, {on("busy", 10)})), "idle") << "overloaded: a second bridge";
}

TEST_F(BridgeSelectorTest, AFailedMainBridgeWithoutRelaysSelectsNothing) {
    fleet.add("main", 0.1, std::nullopt, clock.now).mark_failed(clock.now);
    fleet.add("other", 0.1, std::nullopt, clock.now);
    BridgeSelector selector(settings(config::SelectionStrategy::RegionBased));
    auto result = select(selector, {on("main", 4)});
    EXPECT_FALSE(result.bridge_id);
    EXPECT_EQ(nick_of(select(selector)), "other") << "a conference that dropped it starts afresh";
}

TEST_F(BridgeSelectorTest, UnknownConferenceBridgesAreIgnored) {
    fleet.add("jvb1", 0.4, std::nullopt, clock.now);
    BridgeSelector selector(settings());
    EXPECT_EQ(nick_of(select(selector, {on("gone", 5)})), "jvb1");
}

TEST_F(BridgeSelectorTest, TheOrderOfTheInputDoesNotMatter) {
    fleet.add("b", 0.3, std::nullopt, clock.now);
    fleet.add("a", 0.3, std::nullopt, clock.now);
    BridgeSelector selector(settings());
    auto bridges = fleet.all();
    auto first = selector.select(bridges, {}, {}, std::nullopt, clock.now);
    std::reverse(bridges.begin(), bridges.end());
    auto second = selector.select(bridges, {}, {}, std::nullopt, clock.now);
    EXPECT_EQ(first.bridge_id, second.bridge_id);
    EXPECT_EQ(nick_of(first), "a") << "equal load: by id";
}

TEST_F(BridgeSelectorTest, StrategyName) {
    EXPECT_STREQ(BridgeSelector(settings(config::SelectionStrategy::RegionBased)).strategy_name(),
                 "RegionBasedBridgeSelectionStrategy");
}

}  // namespace
}  // namespace jicofo::selector
