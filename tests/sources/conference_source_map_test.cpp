// The conference source map: merging per owner, removal, views for receivers, and the bridge's feedback sources.
#include "jicofo/sources/conference_source_map.hpp"

#include "fixtures.hpp"

#include <gtest/gtest.h>

namespace jicofo::sources {
namespace {

using testing::audio;
using testing::camera_with_simulcast;
using testing::fid;
using testing::sim;
using testing::video;

TEST(ConferenceSourceMap, AddMergesPerOwnerAndIgnoresEmptySets) {
    ConferenceSourceMap map;
    map.add("alice", EndpointSourceSet{.sources = {audio(1)}, .groups = {}});
    map.add("alice", EndpointSourceSet{.sources = {video(2, "v"), video(3, "v")}, .groups = {fid(2, 3)}});
    map.add("bob", EndpointSourceSet{});

    EXPECT_EQ(map.owner_count(), 1u);
    EXPECT_FALSE(map.contains_owner("bob"));
    EXPECT_EQ(map.get("alice").sources.size(), 3u);
    EXPECT_EQ(map.source_count(), 3u);
    EXPECT_EQ(map.group_count(), 1u);
    EXPECT_TRUE(map.get("nobody").empty());
}

TEST(ConferenceSourceMap, AddAnotherMap) {
    ConferenceSourceMap map("alice", EndpointSourceSet{.sources = {audio(1)}, .groups = {}});
    ConferenceSourceMap more;
    more.add("alice", EndpointSourceSet{.sources = {audio(2)}, .groups = {}});
    more.add("bob", EndpointSourceSet{.sources = {audio(3)}, .groups = {}});
    map.add(more);
    EXPECT_EQ(map.owner_count(), 2u);
    EXPECT_EQ(map.get("alice"), (EndpointSourceSet{.sources = {audio(1), audio(2)}, .groups = {}}));
}

TEST(ConferenceSourceMap, RemoveReturnsWhatWasRemovedAndDropsEmptiedOwners) {
    ConferenceSourceMap map("alice", EndpointSourceSet{.sources = {audio(1, "a"), audio(2)}, .groups = {}});

    EXPECT_EQ(map.remove("alice", EndpointSourceSet{.sources = {audio(1), audio(9)}, .groups = {}}),
              (EndpointSourceSet{.sources = {audio(1, "a")}, .groups = {}}));
    EXPECT_TRUE(map.contains_owner("alice"));
    EXPECT_TRUE(map.remove("nobody", EndpointSourceSet{.sources = {audio(2)}, .groups = {}}).empty());

    map.remove(ConferenceSourceMap("alice", EndpointSourceSet{.sources = {audio(2)}, .groups = {}}));
    EXPECT_FALSE(map.contains_owner("alice"));
    EXPECT_TRUE(map.empty());
}

TEST(ConferenceSourceMap, RemoveOwnerReturnsItsSources) {
    ConferenceSourceMap map("alice", camera_with_simulcast());
    map.add("bob", EndpointSourceSet{.sources = {audio(100)}, .groups = {}});

    EXPECT_EQ(map.remove_owner("alice"), camera_with_simulcast());
    EXPECT_TRUE(map.remove_owner("alice").empty());
    EXPECT_EQ(map.owner_count(), 1u);
}

TEST(ConferenceSourceMap, AllExceptLeavesOutOneOwnerAndCopiesAreIndependent) {
    ConferenceSourceMap map("alice", EndpointSourceSet{.sources = {audio(1)}, .groups = {}});
    map.add(std::string(kBridgeOwner),
            EndpointSourceSet{.sources = {bridge_feedback_source(MediaType::audio, 5)}, .groups = {}});
    map.add("bob", EndpointSourceSet{.sources = {audio(2)}, .groups = {}});

    ConferenceSourceMap for_alice = map.all_except("alice");
    EXPECT_FALSE(for_alice.contains_owner("alice"));
    EXPECT_TRUE(for_alice.contains_owner("bob"));
    EXPECT_TRUE(for_alice.contains_owner("jvb"));
    EXPECT_EQ(map.all_except("nobody"), map);

    ConferenceSourceMap copy = map.copy();
    copy.remove_owner("bob");
    EXPECT_TRUE(map.contains_owner("bob"));
    EXPECT_NE(copy, map);
}

TEST(ConferenceSourceMap, OwnerOfSsrc) {
    ConferenceSourceMap map("alice", EndpointSourceSet{.sources = {audio(1)}, .groups = {}});
    map.add("bob", EndpointSourceSet{.sources = {video(2)}, .groups = {}});
    ASSERT_NE(map.owner_of_ssrc(2), nullptr);
    EXPECT_EQ(*map.owner_of_ssrc(2), "bob");
    EXPECT_EQ(map.owner_of_ssrc(3), nullptr);
}

TEST(ConferenceSourceMap, StripSimulcastPerOwner) {
    ConferenceSourceMap map("alice", camera_with_simulcast());
    map.add("bob", EndpointSourceSet{.sources = {video(11, "b"), video(12, "b")}, .groups = {sim({11, 12})}});

    ConferenceSourceMap stripped = map.strip_simulcast();
    EXPECT_EQ(stripped.get("alice"),
              (EndpointSourceSet{.sources = {video(1, "cam"), video(4, "cam"), audio(7)}, .groups = {fid(1, 4)}}));
    EXPECT_EQ(stripped.get("bob"), (EndpointSourceSet{.sources = {video(11, "b")}, .groups = {}}));
    EXPECT_EQ(map.source_count(), 9u);  // the original is untouched
}

TEST(BridgeFeedbackSource, NamedAndLabelledAsJicofoSignalsThem) {
    const Source a = bridge_feedback_source(MediaType::audio, 123);
    EXPECT_EQ(a.ssrc, 123u);
    EXPECT_EQ(a.media, MediaType::audio);
    EXPECT_EQ(a.name, "jvb-a0");
    EXPECT_EQ(a.msid, "mixedmslabel mixedlabelaudio0");
    const Source v = bridge_feedback_source(MediaType::video, 456);
    EXPECT_EQ(v.name, "jvb-v0");
    EXPECT_EQ(v.msid, "mixedmslabel mixedlabelvideo0");
    EXPECT_EQ(v.video_type, std::nullopt);
}

}  // namespace
}  // namespace jicofo::sources
