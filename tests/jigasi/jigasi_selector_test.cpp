// Jigasi selection, case by case as Jicofo's JigasiSelectorTest: the kind and shutdown filters, exclusion of failed
// instances, then the preference order (bridge regions, their region groups, the local region) and the fewest
// participants, with the earlier instance winning a tie. Also what an instance reads from its brewery stats.
#include "jicofo/jigasi/jigasi_selector.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace jicofo::jigasi {
namespace {

JigasiInstance sip(std::string id, std::int64_t participants, std::optional<std::string> region = std::nullopt) {
    return JigasiInstance{std::move(id), true, false, false, participants, std::move(region)};
}

JigasiInstance transcriber(std::string id, std::int64_t participants,
                           std::optional<std::string> region = std::nullopt) {
    return JigasiInstance{std::move(id), false, true, false, participants, std::move(region)};
}

JigasiSelection wanting(JigasiKind kind, std::vector<std::string> preferred = {},
                        std::optional<std::string> local = std::nullopt) {
    JigasiSelection selection;
    selection.kind = kind;
    selection.preferred_regions = std::move(preferred);
    selection.local_region = std::move(local);
    return selection;
}

using Pick = std::optional<std::string>;

TEST(JigasiSelector, NoInstancesMeansNoneSelected) {
    EXPECT_EQ(select_jigasi({}, wanting(JigasiKind::sip)), std::nullopt);
    EXPECT_EQ(select_jigasi({}, wanting(JigasiKind::transcriber)), std::nullopt);
}

TEST(JigasiSelector, OnlyInstancesOfTheWantedKindAreSelected) {
    const std::vector<JigasiInstance> only_sip{sip("j1", 1), sip("j2", 2)};
    EXPECT_EQ(select_jigasi(only_sip, wanting(JigasiKind::transcriber)), std::nullopt);
    EXPECT_EQ(select_jigasi(only_sip, wanting(JigasiKind::sip)), Pick("j1"));

    const std::vector<JigasiInstance> mixed{sip("j1", 5), transcriber("t1", 0)};
    EXPECT_EQ(select_jigasi(mixed, wanting(JigasiKind::sip)), Pick("j1"));
    EXPECT_EQ(select_jigasi(mixed, wanting(JigasiKind::transcriber)), Pick("t1"));

    // An instance may do both.
    JigasiInstance both{"b1", true, true, false, 0, std::nullopt};
    const std::vector<JigasiInstance> with_both{sip("j1", 3), both};
    EXPECT_EQ(select_jigasi(with_both, wanting(JigasiKind::sip)), Pick("b1"));
    EXPECT_EQ(select_jigasi(with_both, wanting(JigasiKind::transcriber)), Pick("b1"));
}

TEST(JigasiSelector, AnInstanceInGracefulShutdownIsNotSelected) {
    auto shutting_down = sip("j1", 1);
    shutting_down.graceful_shutdown = true;
    const std::vector<JigasiInstance> instances{shutting_down, sip("j2", 2)};
    EXPECT_EQ(select_jigasi(instances, wanting(JigasiKind::sip)), Pick("j2"));
    const std::vector<JigasiInstance> only{shutting_down};
    EXPECT_EQ(select_jigasi(only, wanting(JigasiKind::sip)), std::nullopt);
}

TEST(JigasiSelector, ExcludedInstancesAreNotSelectedEvenWhenPreferred) {
    const std::vector<JigasiInstance> instances{sip("j1", 1, "region1"), sip("j2", 2, "region2")};
    auto selection = wanting(JigasiKind::sip, {"region2", "region3"});
    EXPECT_EQ(select_jigasi(instances, selection), Pick("j2"));
    selection.exclude = {"j2"};
    EXPECT_EQ(select_jigasi(instances, selection), Pick("j1"));
    selection.exclude = {"j2", "j1"};
    EXPECT_EQ(select_jigasi(instances, selection), std::nullopt);
}

TEST(JigasiSelector, WithoutRegionsTheLeastLoadedIsSelected) {
    const std::vector<JigasiInstance> instances{sip("j1", 4), sip("j2", 1), sip("j3", 2)};
    EXPECT_EQ(select_jigasi(instances, wanting(JigasiKind::sip, {"region2", "region3"})), Pick("j2"));
}

TEST(JigasiSelector, OnATieTheEarlierInstanceIsSelected) {
    const std::vector<JigasiInstance> instances{sip("j1", 3), sip("j2", 1), sip("j3", 1)};
    EXPECT_EQ(select_jigasi(instances, wanting(JigasiKind::sip)), Pick("j2"));
    const std::vector<JigasiInstance> regional{sip("j1", 2, "region1"), sip("j2", 2, "region1")};
    EXPECT_EQ(select_jigasi(regional, wanting(JigasiKind::sip, {"region1"})), Pick("j1"));
}

TEST(JigasiSelector, AnInstanceInABridgeRegionIsPreferredOverALessLoadedOne) {
    const std::vector<JigasiInstance> instances{sip("j1", 1, "region1"), sip("j2", 2, "region2"),
                                                sip("j3", 9, "region3")};
    EXPECT_EQ(select_jigasi(instances, wanting(JigasiKind::sip, {"region2"})), Pick("j2"));
    // Among several bridge regions, the least loaded instance in any of them.
    EXPECT_EQ(select_jigasi(instances, wanting(JigasiKind::sip, {"region3", "region2"})), Pick("j2"));
    // A bridge region beats the local region.
    EXPECT_EQ(select_jigasi(instances, wanting(JigasiKind::sip, {"region3"}, "region1")), Pick("j3"));
}

TEST(JigasiSelector, ARegionGroupOfABridgeRegionIsPreferredOverTheLocalRegion) {
    const std::vector<std::vector<std::string>> groups{{"us-east", "us-west"}, {"eu-central", "eu-west"}};
    const std::vector<JigasiInstance> instances{sip("j1", 1, "eu-west"), sip("j2", 5, "us-west"),
                                                sip("j3", 3, "us-west")};
    auto selection = wanting(JigasiKind::sip, {"us-east"}, "eu-west");
    selection.region_groups = groups;
    // No instance in us-east: its group's us-west wins over the local eu-west, the least loaded there.
    EXPECT_EQ(select_jigasi(instances, selection), Pick("j3"));
    // Without the groups, the local region wins.
    selection.region_groups = {};
    EXPECT_EQ(select_jigasi(instances, selection), Pick("j1"));
}

TEST(JigasiSelector, TheBridgeRegionItselfBeatsTheRestOfItsGroup) {
    const std::vector<std::vector<std::string>> groups{{"us-east", "us-west"}};
    const std::vector<JigasiInstance> instances{sip("j1", 1, "us-west"), sip("j2", 7, "us-east")};
    auto selection = wanting(JigasiKind::sip, {"us-east"});
    selection.region_groups = groups;
    EXPECT_EQ(select_jigasi(instances, selection), Pick("j2"));
}

TEST(JigasiSelector, ARegionInNoGroupIsItsOwnGroup) {
    const std::vector<std::vector<std::string>> groups{{"eu-central", "eu-west"}};
    const std::vector<JigasiInstance> instances{sip("j1", 1, "eu-west"), sip("j2", 4, "ap-south")};
    auto selection = wanting(JigasiKind::sip, {"ap-south"});
    selection.region_groups = groups;
    EXPECT_EQ(select_jigasi(instances, selection), Pick("j2"));
}

TEST(JigasiSelector, TheLocalRegionIsPreferredOverFewerParticipants) {
    const std::vector<JigasiInstance> instances{sip("j1", 1, "region1"), sip("j2", 2, "region2")};
    EXPECT_EQ(select_jigasi(instances, wanting(JigasiKind::sip, {"region3"}, "region2")), Pick("j2"));
    EXPECT_EQ(select_jigasi(instances, wanting(JigasiKind::sip, {}, "region2")), Pick("j2"));
    // No instance in the local region either: the least loaded.
    EXPECT_EQ(select_jigasi(instances, wanting(JigasiKind::sip, {"region3"}, "region4")), Pick("j1"));
}

TEST(JigasiSelector, WithoutALocalRegionInstancesWithoutARegionAreNotPreferred) {
    // The reference compares regions with a null local region and so prefers region-less instances; we do not.
    const std::vector<JigasiInstance> instances{sip("j1", 5), sip("j2", 1, "region1")};
    EXPECT_EQ(select_jigasi(instances, wanting(JigasiKind::sip)), Pick("j2"));
}

TEST(JigasiSelector, EmptyBridgeRegionsAreIgnored) {
    const std::vector<JigasiInstance> instances{sip("j1", 5, "region1"), sip("j2", 1, "region2")};
    EXPECT_EQ(select_jigasi(instances, wanting(JigasiKind::sip, {""}, "region1")), Pick("j1"));
}

TEST(JigasiSelector, TheReferenceScenarioForTranscribers) {
    // Jicofo's test: local region region2; transcribers t1 (1 participant, region1) and t2 (2, region2).
    std::vector<JigasiInstance> instances{sip("j1", 1, "region1"), sip("j2", 2, "region2"),
                                          transcriber("t1", 1, "region1"), transcriber("t2", 2, "region2")};
    EXPECT_EQ(select_jigasi(instances, wanting(JigasiKind::transcriber, {}, "region2")), Pick("t2"));
    EXPECT_EQ(select_jigasi(instances, wanting(JigasiKind::transcriber, {"region2", "region3"}, "region2")),
              Pick("t2"));
    // t1 moves to the local region: fewer participants there now.
    instances[2].region = "region2";
    EXPECT_EQ(select_jigasi(instances, wanting(JigasiKind::transcriber, {}, "region2")), Pick("t1"));
    EXPECT_EQ(select_jigasi(instances, wanting(JigasiKind::transcriber, {"region3"}, "region2")), Pick("t1"));
    auto without_t1 = wanting(JigasiKind::transcriber, {"region3"}, "region2");
    without_t1.exclude = {"t1"};
    EXPECT_EQ(select_jigasi(instances, without_t1), Pick("t2"));
}

TEST(JigasiInstance, ReadsItsBreweryStats) {
    stanza::ColibriStats stats;
    stats.set("supports_sip", "true");
    stats.set("supports_transcription", "false");
    stats.set("graceful_shutdown", "true");
    stats.set("participants", "7");
    stats.set("region", "eu-west");
    const auto instance = JigasiInstance::from_stats("jigasibrewery@internal.example.com/j1", stats);
    EXPECT_EQ(instance, (JigasiInstance{"jigasibrewery@internal.example.com/j1", true, false, true, 7, "eu-west"}));
}

TEST(JigasiInstance, AbsentOrUnreadableStatsAreFalseNoneOrNoRegion) {
    stanza::ColibriStats stats;
    stats.set("supports_transcription", "perhaps");
    stats.set("participants", "many");
    stats.set("region", "");
    const auto instance = JigasiInstance::from_stats("j1", stats);
    EXPECT_EQ(instance, (JigasiInstance{"j1", false, false, false, 0, std::nullopt}));
}

TEST(JigasiInstance, CountsForTheDetectorStats) {
    auto shutting_down = sip("j2", 0);
    shutting_down.graceful_shutdown = true;
    JigasiInstance both{"b1", true, true, true, 0, std::nullopt};
    const std::vector<JigasiInstance> instances{sip("j1", 0), shutting_down, transcriber("t1", 0), both};
    EXPECT_EQ(count_instances(instances), (JigasiInstanceCounts{3, 2, 2}));
    EXPECT_EQ(count_instances({}), (JigasiInstanceCounts{0, 0, 0}));
}

}  // namespace
}  // namespace jicofo::jigasi
