// Source values, SSRC parsing, set operations on an endpoint's sources, and simulcast stripping.
#include "jicofo/sources/source_set.hpp"

#include "fixtures.hpp"

#include <gtest/gtest.h>

namespace jicofo::sources {
namespace {

using testing::audio;
using testing::camera_with_simulcast;
using testing::fid;
using testing::sim;
using testing::video;

TEST(ParseSsrc, AcceptsTheWholeUnsigned32BitRangeButZero) {
    EXPECT_EQ(parse_ssrc("1").value(), 1u);
    EXPECT_EQ(parse_ssrc("4294967295").value(), 4294967295u);
    EXPECT_EQ(parse_ssrc("00000000042").value(), 42u);
}

TEST(ParseSsrc, RejectsZeroOverflowAndNonDigits) {
    for (const char* text : {"", "0", "000", "4294967296", "18446744073709551617", "99999999999999999999999999", "-1",
                             "+1", " 1", "1 ", "1a", "0x10", "1.0"}) {
        auto ssrc = parse_ssrc(text);
        ASSERT_FALSE(ssrc.has_value()) << text;
        EXPECT_EQ(ssrc.error().kind, SourceErrorKind::invalid);
        EXPECT_NE(ssrc.error().reason.find("Invalid SSRC"), std::string::npos);
    }
}

TEST(MediaAndVideoType, ParseInAnyCaseAndRejectOthers) {
    EXPECT_EQ(parse_media_type("audio"), MediaType::audio);
    EXPECT_EQ(parse_media_type("Video"), MediaType::video);
    EXPECT_EQ(parse_media_type("application"), std::nullopt);
    EXPECT_EQ(parse_video_type("camera"), VideoType::camera);
    EXPECT_EQ(parse_video_type("DESKTOP"), VideoType::desktop);
    EXPECT_EQ(parse_video_type("screen"), std::nullopt);
    EXPECT_EQ(to_string(MediaType::video), "video");
    EXPECT_EQ(to_string(VideoType::desktop), "desktop");
}

TEST(StanzaCondition, InvalidIsBadRequestAndLimitIsResourceConstraint) {
    EXPECT_EQ(stanza_condition(SourceErrorKind::invalid), "bad-request");
    EXPECT_EQ(stanza_condition(SourceErrorKind::limit), "resource-constraint");
}

TEST(SsrcGroup, SemanticsMatchInAnyCaseAndOthersAreKept) {
    EXPECT_TRUE(sim({1, 2}).is_simulcast());
    EXPECT_TRUE((SsrcGroup{.semantics = "fid", .media = MediaType::video, .ssrcs = {1, 2}}).is_fid());
    SsrcGroup fec{.semantics = "FEC-FR", .media = MediaType::video, .ssrcs = {1, 2}};
    EXPECT_FALSE(fec.is_simulcast());
    EXPECT_FALSE(fec.is_fid());
    EXPECT_EQ(to_string(fec), "FEC-FR[1,2]");
    EXPECT_TRUE(fec.contains(2));
    EXPECT_FALSE(fec.contains(3));
}

TEST(EndpointSourceSet, AddKeepsOneSourcePerSsrcAndOneOfEachGroup) {
    EndpointSourceSet set;
    EXPECT_TRUE(set.empty());
    EXPECT_TRUE(set.add(video(1, "a")));
    EXPECT_FALSE(set.add(video(1, "other")));
    EXPECT_TRUE(set.add(fid(1, 2)));
    EXPECT_FALSE(set.add(fid(1, 2)));
    set.add(EndpointSourceSet{.sources = {video(1), video(2, "a")}, .groups = {fid(1, 2), sim({1, 2})}});

    ASSERT_EQ(set.sources.size(), 2u);
    EXPECT_EQ(set.sources[0].msid, "a");  // the first source for an SSRC wins
    EXPECT_EQ(set.groups.size(), 2u);
    EXPECT_TRUE(set.contains_ssrc(2));
    EXPECT_FALSE(set.contains_ssrc(3));
    EXPECT_TRUE(set.contains_group(sim({1, 2})));
    EXPECT_FALSE(set.contains_group(sim({2, 1})));
    EXPECT_FALSE(set.empty());
}

TEST(EndpointSourceSet, RemoveMatchesSourcesBySsrcAndReturnsWhatWasThere) {
    EndpointSourceSet set = camera_with_simulcast();
    EndpointSourceSet removed = set.remove(EndpointSourceSet{
        .sources = {video(4), audio(7, "ignored"), video(99)},
        .groups = {fid(1, 4), fid(8, 9)},
    });

    EXPECT_EQ(removed, (EndpointSourceSet{.sources = {video(4, "cam"), audio(7)}, .groups = {fid(1, 4)}}));
    EXPECT_EQ(set.sources.size(), 5u);
    EXPECT_FALSE(set.contains_ssrc(4));
    EXPECT_FALSE(set.contains_group(fid(1, 4)));
    EXPECT_TRUE(set.contains_group(fid(2, 5)));  // groups go only when named
}

TEST(EndpointSourceSet, MediaSubsets) {
    const EndpointSourceSet set = camera_with_simulcast();
    EXPECT_EQ(set.audio(), (EndpointSourceSet{.sources = {audio(7)}, .groups = {}}));
    EXPECT_EQ(set.video().sources.size(), 6u);
    EXPECT_EQ(set.video().groups.size(), 4u);
    EXPECT_TRUE(set.has_audio());
    EXPECT_TRUE(set.has_video());
    EXPECT_FALSE(set.audio().has_video());
    EXPECT_FALSE(EndpointSourceSet{}.has_audio());
}

TEST(EndpointSourceSet, EqualityIgnoresOrderButNotContent) {
    EndpointSourceSet a{.sources = {video(1, "m"), video(2, "m")}, .groups = {fid(1, 2)}};
    EndpointSourceSet b{.sources = {video(2, "m"), video(1, "m")}, .groups = {fid(1, 2)}};
    EndpointSourceSet c{.sources = {video(2, "m"), video(1, "x")}, .groups = {fid(1, 2)}};
    EndpointSourceSet d{.sources = {video(2, "m"), video(1, "m")}, .groups = {}};
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
    EXPECT_NE(a, d);
}

TEST(EndpointSourceSet, ToStringListsSsrcsByMediaAndGroups) {
    EXPECT_EQ(to_string(EndpointSourceSet{.sources = {video(1), audio(3), video(2)}, .groups = {fid(1, 2)}}),
              "[audio=[3], video=[1,2], groups=[FID[1,2]]]");
}

TEST(StripSimulcast, KeepsTheFirstLayerAndItsRtxOfThreeLayers) {
    const EndpointSourceSet stripped = strip_simulcast(camera_with_simulcast());
    EXPECT_EQ(stripped,
              (EndpointSourceSet{.sources = {video(1, "cam"), video(4, "cam"), audio(7)}, .groups = {fid(1, 4)}}));
}

TEST(StripSimulcast, WithoutRtx) {
    EndpointSourceSet set{.sources = {video(1, "cam"), video(2, "cam"), video(3, "cam"), audio(7), video(8)},
                          .groups = {sim({1, 2, 3})}};
    EXPECT_EQ(strip_simulcast(set),
              (EndpointSourceSet{.sources = {video(1, "cam"), audio(7), video(8)}, .groups = {}}));
}

TEST(StripSimulcast, EachSimulcastGroupKeepsItsFirstLayer) {
    EndpointSourceSet set{.sources = {video(1), video(2), video(3), video(4), video(5), video(6), audio(7), video(8)},
                          .groups = {sim({1, 2, 3}), sim({4, 5, 6})}};
    EXPECT_EQ(strip_simulcast(set),
              (EndpointSourceSet{.sources = {video(1), video(4), audio(7), video(8)}, .groups = {}}));
}

TEST(StripSimulcast, LeavesSetsWithoutSimulcastAlone) {
    EndpointSourceSet set{
        .sources = {video(1, "cam"), video(2, "cam"), audio(3)},
        .groups = {fid(1, 2), SsrcGroup{.semantics = "FEC-FR", .media = MediaType::video, .ssrcs = {1, 2}}}};
    EXPECT_EQ(strip_simulcast(set), set);
    EXPECT_EQ(strip_simulcast(EndpointSourceSet{}), EndpointSourceSet{});
}

}  // namespace
}  // namespace jicofo::sources
