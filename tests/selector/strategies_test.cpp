// Each selection strategy's chain of rules, one fall-through step at a time, with Octo on so that strategies may
// spread a conference over several bridges.
#include "jicofo/selector/bridge_selector.hpp"

#include "selector/selector_test_util.hpp"

#include <gtest/gtest.h>

namespace jicofo::selector {
namespace {

using namespace testing;
using config::SelectionStrategy;

class StrategyTest : public ::testing::Test {
protected:
    explicit StrategyTest(SelectionStrategy strategy = SelectionStrategy::RegionBased) {
        settings.bridge.selection_strategy = strategy;
        settings.bridge.region_groups = {{"us-east", "us-west"}, {"eu-central", "eu-west"}};
        settings.octo.enabled = true;
    }

    // A bridge with a relay id, so that conferences may add it to their cascade.
    void add(const std::string& nick, double stress, std::optional<std::string> region) {
        auto stats = active_stats(stress, std::move(region));
        stats.relay_id = nick + "-relay";
        fleet.add(nick, stats, clock.now);
    }

    SelectionResult select(const ConferenceBridges& conference, std::optional<std::string> region = std::nullopt,
                           bool visitor = false) {
        BridgeSelector selector(settings);
        return selector.select(fleet.all(), conference, ParticipantProperties{std::move(region), visitor}, std::nullopt,
                               clock.now);
    }

    SelectorSettings settings;
    ManualClock clock;
    Fleet fleet;
};

// ----- RegionBased ------------------------------------------------------------------------------------------------

class RegionBased : public StrategyTest {};

TEST_F(RegionBased, Step1NotOverloadedInTheConferenceInTheRegion) {
    add("a", 0.5, "us-east");
    add("b", 0.1, "us-east");
    auto result = select({on("a", 3)}, "us-east");
    EXPECT_EQ(nick_of(result), "a") << "staying on the conference's bridge beats a less loaded one";
    EXPECT_EQ(result.reason, "not overloaded, in the conference, in the region");
}

TEST_F(RegionBased, Step2NotOverloadedInTheConferenceInTheRegionGroup) {
    add("a", 0.5, "us-west");
    add("b", 0.1, "us-east");
    auto result = select({on("a", 3)}, "us-east");
    EXPECT_EQ(nick_of(result), "a");
    EXPECT_EQ(result.reason, "not overloaded, in the conference, in the region group");
}

TEST_F(RegionBased, Step3NotOverloadedInTheRegion) {
    add("c", 0.1, "eu-west");
    add("b", 0.3, "us-east");
    add("d", 0.1, "us-west");
    auto result = select({on("c", 3)}, "us-east");
    EXPECT_EQ(nick_of(result), "b");
    EXPECT_EQ(result.reason, "not overloaded, in the region");
}

TEST_F(RegionBased, Step3SplitsWhenTheConferenceBridgeInTheRegionIsOverloaded) {
    add("a", 0.85, "us-east");
    add("b", 0.5, "us-east");
    EXPECT_EQ(nick_of(select({on("a", 3)}, "us-east")), "b");
}

TEST_F(RegionBased, Step4NotOverloadedInTheRegionGroup) {
    add("c", 0.1, "eu-west");
    add("d", 0.3, "us-west");
    add("e", 0.0, "ap-south");
    auto result = select({on("c", 3)}, "us-east");
    EXPECT_EQ(nick_of(result), "d");
    EXPECT_EQ(result.reason, "not overloaded, in the region group");
}

TEST_F(RegionBased, Step5NotOverloadedInTheConference) {
    add("c", 0.5, "eu-west");
    add("e", 0.1, "ap-south");
    auto result = select({on("c", 3)}, "us-east");
    EXPECT_EQ(nick_of(result), "c");
    EXPECT_EQ(result.reason, "not overloaded, in the conference");
}

TEST_F(RegionBased, Step6NotOverloadedAnywhere) {
    add("c", 0.9, "eu-west");
    add("e", 0.5, "ap-south");
    add("f", 0.3, "eu-central");
    auto result = select({on("c", 3)}, "us-east");
    EXPECT_EQ(nick_of(result), "f");
    EXPECT_EQ(result.reason, "not overloaded");
}

TEST_F(RegionBased, Step7LeastLoadedInTheConferenceNotMaxed) {
    add("c", 0.9, "eu-west");
    add("e", 0.85, "ap-south");
    auto result = select({on("c", 3)}, "us-east");
    EXPECT_EQ(nick_of(result), "c") << "everything is overloaded: stay in the conference";
    EXPECT_EQ(result.reason, "least loaded, in the conference, not maxed");
}

TEST_F(RegionBased, Step8LeastLoaded) {
    add("c", 0.85, "eu-west");
    add("e", 0.9, "ap-south");
    auto result = select({on("c", 80)}, "us-east");
    EXPECT_EQ(nick_of(result), "c");
    EXPECT_EQ(result.reason, "least loaded");
}

TEST_F(RegionBased, MaxBridgeParticipantsSplitsAConference) {
    add("a", 0.1, "us-east");
    add("b", 0.5, "us-east");
    EXPECT_EQ(nick_of(select({on("a", 79)}, "us-east")), "a");
    EXPECT_EQ(nick_of(select({on("a", 80)}, "us-east")), "b");
    settings.bridge.max_bridge_participants = -1;
    EXPECT_EQ(nick_of(select({on("a", 500)}, "us-east")), "a") << "-1: no limit";
}

TEST_F(RegionBased, AMaxedConferenceBridgeIsNotTakenAsNotOverloaded) {
    // Only the conference's maxed bridge is in the participant's region group; another region has room.
    add("a", 0.1, "us-east");
    add("f", 0.5, "eu-central");
    EXPECT_EQ(nick_of(select({on("a", 80)}, "ap-south")), "f");
}

TEST_F(RegionBased, ParticipantsAddedWithinTheIntervalCap) {
    settings.bridge.max_bridge_participants_per_interval = 5;
    add("a", 0.1, "us-east");
    add("b", 0.5, "us-east");
    EXPECT_EQ(nick_of(select({on("a", 10, false, 4)}, "us-east")), "a");
    EXPECT_EQ(nick_of(select({on("a", 10, false, 5)}, "us-east")), "b");
}

TEST_F(RegionBased, FirstBridgeInTheLocalRegionWhenItIsInTheParticipantsGroup) {
    settings.local_region = "us-east";
    add("a", 0.5, "us-east");
    add("d", 0.1, "us-west");
    EXPECT_EQ(nick_of(select({}, "us-west")), "a");
    EXPECT_EQ(nick_of(select({on("a", 1)}, "us-west")), "a");
}

TEST_F(RegionBased, FirstBridgeInTheParticipantsGroupWhenTheLocalRegionIsElsewhere) {
    settings.local_region = "us-east";
    add("a", 0.1, "us-east");
    add("f", 0.5, "eu-central");
    EXPECT_EQ(nick_of(select({}, "eu-west")), "f");
}

TEST_F(RegionBased, NoBridgeInTheParticipantsGroupMeansTheLocalRegion) {
    settings.local_region = "us-east";
    add("a", 0.5, "us-east");
    add("f", 0.1, "eu-central");
    EXPECT_EQ(nick_of(select({}, "ap-south")), "a");
    EXPECT_EQ(nick_of(select({})), "a") << "no participant region: the local region";
}

TEST_F(RegionBased, WithoutRegionsTheLeastLoaded) {
    add("a", 0.5, std::nullopt);
    add("b", 0.2, std::nullopt);
    EXPECT_EQ(nick_of(select({})), "b");
}

// ----- SingleBridge -----------------------------------------------------------------------------------------------

class SingleBridge : public StrategyTest {
protected:
    SingleBridge() : StrategyTest(SelectionStrategy::SingleBridge) {}
};

TEST_F(SingleBridge, FirstTheLeastLoadedInTheRegionElseOverall) {
    add("a", 0.1, "us-east");
    add("f", 0.5, "eu-west");
    auto in_region = select({}, "eu-west");
    EXPECT_EQ(nick_of(in_region), "f");
    EXPECT_EQ(in_region.reason, "least loaded in the region");
    EXPECT_EQ(nick_of(select({}, "ap-south")), "a");
    EXPECT_EQ(nick_of(select({})), "a");
}

TEST_F(SingleBridge, ThenAlwaysTheConferencesBridge) {
    add("a", 0.95, "us-east");
    add("b", 0.0, "us-east");
    auto result = select({on("a", 100)}, "us-east");
    EXPECT_EQ(nick_of(result), "a");
    EXPECT_EQ(result.reason, "the conference's bridge");
}

TEST_F(SingleBridge, NothingForAConferenceOnTwoBridges) {
    add("a", 0.1, std::nullopt);
    add("b", 0.1, std::nullopt);
    EXPECT_FALSE(select({on("a", 1), on("b", 1)}).bridge_id);
}

TEST_F(SingleBridge, NothingWhenTheConferencesBridgeFailed) {
    add("a", 0.1, std::nullopt);
    add("b", 0.1, std::nullopt);
    fleet.get("a").mark_failed(clock.now);
    auto result = select({on("a", 1)});
    EXPECT_FALSE(result.bridge_id);
    EXPECT_EQ(result.reason, "the conference's bridge is not operational");
}

// ----- SplitBridge ------------------------------------------------------------------------------------------------

class SplitBridge : public StrategyTest {
protected:
    SplitBridge() : StrategyTest(SelectionStrategy::SplitBridge) { settings.octo.enabled = false; }
};

TEST_F(SplitBridge, ABridgeNotYetInTheConferenceEvenWithoutOcto) {
    add("a", 0.1, std::nullopt);
    add("b", 0.5, std::nullopt);
    add("c", 0.3, std::nullopt);
    EXPECT_EQ(nick_of(select({})), "a");
    EXPECT_EQ(nick_of(select({on("a", 1)})), "c");
    EXPECT_EQ(nick_of(select({on("a", 1), on("c", 1)})), "b");
}

TEST_F(SplitBridge, ThenTheConferenceBridgeWithTheFewestParticipants) {
    add("a", 0.1, std::nullopt);
    add("b", 0.5, std::nullopt);
    auto result = select({on("a", 4), on("b", 2)});
    EXPECT_EQ(nick_of(result), "b");
    EXPECT_EQ(result.reason, "the conference's bridge with the fewest participants");
}

// ----- IntraRegion ------------------------------------------------------------------------------------------------

class IntraRegion : public StrategyTest {
protected:
    IntraRegion() : StrategyTest(SelectionStrategy::IntraRegion) {}
};

TEST_F(IntraRegion, FirstNotOverloadedInTheParticipantsRegionElseLeastLoaded) {
    add("a", 0.1, "us-east");
    add("f", 0.5, "eu-west");
    EXPECT_EQ(nick_of(select({}, "eu-west")), "f");
    fleet.get("f").update(active_stats(0.9, "eu-west"), clock.now);
    EXPECT_EQ(nick_of(select({}, "eu-west")), "a");
}

TEST_F(IntraRegion, ThenOnlyTheConferencesRegion) {
    add("f", 0.5, "eu-west");
    add("g", 0.2, "eu-west");
    add("a", 0.0, "us-east");
    EXPECT_EQ(nick_of(select({on("f", 3)}, "us-east")), "f") << "not overloaded, in the conference, in its region";
    auto overloaded = active_stats(0.9, "eu-west");
    overloaded.relay_id = "f-relay";
    fleet.get("f").update(overloaded, clock.now);
    EXPECT_EQ(nick_of(select({on("f", 3)}, "us-east")), "g") << "not overloaded in the conference's region";
    fleet.get("g").update(active_stats(0.95, "eu-west"), clock.now);
    auto result = select({on("f", 3)}, "us-east");
    EXPECT_EQ(nick_of(result), "f") << "never the free bridge of another region";
    EXPECT_EQ(result.reason, "least loaded, in the conference, in the region");
}

// ----- Visitor ----------------------------------------------------------------------------------------------------

class Visitor : public StrategyTest {
protected:
    Visitor() : StrategyTest(SelectionStrategy::Visitor) {
        settings.bridge.participant_selection_strategy = SelectionStrategy::SingleBridge;
        settings.bridge.visitor_selection_strategy = SelectionStrategy::RegionBased;
    }
};

TEST_F(Visitor, VisitorsGoToBridgesWithoutParticipants) {
    add("a", 0.1, std::nullopt);
    add("b", 0.4, std::nullopt);
    EXPECT_EQ(nick_of(select({on("a", 10)}, std::nullopt, true)), "b");
    EXPECT_EQ(nick_of(select({on("a", 10), on("b", 5, true)}, std::nullopt, true)), "b") << "the visitors' bridge";
}

TEST_F(Visitor, ParticipantsStayOnTheParticipantsBridge) {
    add("a", 0.4, std::nullopt);
    add("b", 0.1, std::nullopt);
    EXPECT_EQ(nick_of(select({on("a", 10), on("b", 5, true)})), "a");
}

TEST_F(Visitor, MixedWhenNothingSeparateIsLeft) {
    add("a", 0.1, std::nullopt);
    auto result = select({on("a", 10)}, std::nullopt, true);
    EXPECT_EQ(nick_of(result), "a");
    EXPECT_NE(result.reason.find("mixing"), std::string::npos) << result.reason;
}

TEST_F(Visitor, TheFirstBridgeComesFromTheSubStrategy) {
    add("a", 0.4, "eu-west");
    add("b", 0.1, "us-east");
    EXPECT_EQ(nick_of(select({}, "eu-west")), "a") << "SingleBridge: least loaded in the region";
    EXPECT_EQ(nick_of(select({}, "eu-west", true)), "a") << "RegionBased";
}

}  // namespace
}  // namespace jicofo::selector
