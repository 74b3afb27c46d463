// The compact JSON encoding of sources (Jingle json-message): golden strings, round trips and malformed input.
#include "jicofo/sources/compact_json.hpp"

#include "fixtures.hpp"

#include <gtest/gtest.h>

#include <string>

namespace jicofo::sources {
namespace {

using testing::audio;
using testing::fid;
using testing::sim;
using testing::video;

Source named(Source source, std::string name, std::optional<VideoType> type = std::nullopt) {
    source.name = std::move(name);
    source.video_type = type;
    return source;
}

// A camera with RTX, a screen share, a microphone, and the bridge's feedback sources.
ConferenceSourceMap conference() {
    ConferenceSourceMap map;
    map.add("alice", EndpointSourceSet{
                         .sources = {named(video(1, "cam"), "alice-v0"), named(video(2, "cam"), "alice-v0"),
                                     named(video(3, "screen"), "alice-v1", VideoType::desktop),
                                     named(audio(4, "mic"), "alice-a0")},
                         .groups = {fid(1, 2)},
                     });
    map.add(std::string(kBridgeOwner), EndpointSourceSet{.sources = {bridge_feedback_source(MediaType::audio, 10),
                                                                     bridge_feedback_source(MediaType::video, 11)},
                                                         .groups = {}});
    return map;
}

constexpr const char* kConferenceJson =
    R"({"sources":{"alice":[[{"s":1,"n":"alice-v0","m":"cam"},{"s":2,"n":"alice-v0","m":"cam"},)"
    R"({"s":3,"n":"alice-v1","m":"screen","v":"d"}],[["f",1,2]],[{"s":4,"n":"alice-a0","m":"mic"}]],)"
    R"("jvb":[[{"s":11,"n":"jvb-v0","m":"mixedmslabel mixedlabelvideo0"}],[],)"
    R"([{"s":10,"n":"jvb-a0","m":"mixedmslabel mixedlabelaudio0"}]]}})";

TEST(CompactJson, GoldenConference) {
    EXPECT_EQ(encode_compact_json(conference()), kConferenceJson);
}

TEST(CompactJson, EmptyMap) {
    EXPECT_EQ(encode_compact_json(ConferenceSourceMap{}), R"({"sources":{}})");
}

TEST(CompactJson, SimulcastGroupsAndTheLargestSsrc) {
    ConferenceSourceMap map("a", EndpointSourceSet{.sources = {video(1, "m"), video(2, "m"), video(4294967295, "m")},
                                                   .groups = {sim({1, 2, 4294967295})}});
    EXPECT_EQ(encode_compact_json(map),
              R"({"sources":{"a":[[{"s":1,"m":"m"},{"s":2,"m":"m"},{"s":4294967295,"m":"m"}],)"
              R"([["s",1,2,4294967295]],[]]}})");
}

TEST(CompactJson, AudioGroupsComeFourthOnlyWhenPresent) {
    SsrcGroup audio_fid{.semantics = "FID", .media = MediaType::audio, .ssrcs = {1, 2}};
    ConferenceSourceMap map("a", EndpointSourceSet{.sources = {audio(1), audio(2)}, .groups = {audio_fid}});
    EXPECT_EQ(encode_compact_json(map), R"({"sources":{"a":[[],[],[{"s":1},{"s":2}],[["f",1,2]]]}})");
}

TEST(CompactJson, CameraTypeAndGroupsOfOtherSemanticsAreLeftOut) {
    ConferenceSourceMap map(
        "a", EndpointSourceSet{
                 .sources = {named(video(1, "m"), "a-v0", VideoType::camera), video(2, "m")},
                 .groups = {SsrcGroup{.semantics = "FEC-FR", .media = MediaType::video, .ssrcs = {1, 2}}},
             });
    EXPECT_EQ(encode_compact_json(map), R"({"sources":{"a":[[{"s":1,"n":"a-v0","m":"m"},{"s":2,"m":"m"}],[],[]]}})");
}

TEST(CompactJson, NamesAndMsidsAreEscaped) {
    ConferenceSourceMap map("o\"wner", EndpointSourceSet{.sources = {audio(1, "a\"b\\c")}, .groups = {}});
    EXPECT_EQ(encode_compact_json(map), R"({"sources":{"o\"wner":[[],[],[{"s":1,"m":"a\"b\\c"}]]}})");
}

TEST(CompactJson, InvalidUtf8IsReplacedNotThrown) {
    ConferenceSourceMap map("a", EndpointSourceSet{.sources = {named(audio(1), "\xff")}, .groups = {}});
    EXPECT_EQ(encode_compact_json(map), "{\"sources\":{\"a\":[[],[],[{\"s\":1,\"n\":\"\xEF\xBF\xBD\"}]]}}");
}

TEST(CompactJson, DecodeGolden) {
    auto decoded = decode_compact_json(kConferenceJson);
    ASSERT_TRUE(decoded.has_value()) << decoded.error().reason;
    EXPECT_EQ(decoded.value(), conference());
}

TEST(CompactJson, RoundTrips) {
    SsrcGroup audio_fid{.semantics = "FID", .media = MediaType::audio, .ssrcs = {21, 22}};
    ConferenceSourceMap map = conference();
    map.add("bob", testing::camera_with_simulcast());
    map.add("carol", EndpointSourceSet{.sources = {audio(21, "x"), audio(22, "x")}, .groups = {audio_fid}});
    map.add("dave", EndpointSourceSet{.sources = {named(audio(31, "q\"uote"), "d\\a0")}, .groups = {}});

    for (const auto& original : {map, ConferenceSourceMap{}, map.strip_simulcast()}) {
        auto decoded = decode_compact_json(encode_compact_json(original));
        ASSERT_TRUE(decoded.has_value()) << decoded.error().reason;
        EXPECT_EQ(decoded.value(), original);
        EXPECT_EQ(encode_compact_json(decoded.value()), encode_compact_json(original));
    }
}

TEST(CompactJson, DecodeAcceptsFewerArraysAndIgnoresUnknownFields) {
    auto decoded = decode_compact_json(R"({"sources":{"a":[[{"s":1,"x":true}]],"b":[],"c":[[],[],[{"s":2}]]},"y":1})");
    ASSERT_TRUE(decoded.has_value()) << decoded.error().reason;
    EXPECT_EQ(decoded->get("a"), (EndpointSourceSet{.sources = {video(1)}, .groups = {}}));
    EXPECT_FALSE(decoded->contains_owner("b"));  // nothing signalled, no owner
    EXPECT_EQ(decoded->get("c"), (EndpointSourceSet{.sources = {audio(2)}, .groups = {}}));
}

TEST(CompactJson, MalformedInputIsAnError) {
    const char* inputs[] = {
        "",
        "not json",
        R"({"sources":{"a":[[)",
        "[]",
        "{}",
        R"({"sources":[]})",
        R"({"sources":{"a":{}}})",
        R"({"sources":{"a":[[],[],[],[],[]]}})",
        R"({"sources":{"a":[{}]}})",
        R"({"sources":{"a":[[1]]}})",
        R"({"sources":{"a":[[{}]]}})",
        R"({"sources":{"a":[[{"s":0}]]}})",
        R"({"sources":{"a":[[{"s":-1}]]}})",
        R"({"sources":{"a":[[{"s":4294967296}]]}})",
        R"({"sources":{"a":[[{"s":1.5}]]}})",
        R"({"sources":{"a":[[{"s":"1"}]]}})",
        R"({"sources":{"a":[[{"s":1,"n":2}]]}})",
        R"({"sources":{"a":[[{"s":1,"m":null}]]}})",
        R"({"sources":{"a":[[{"s":1,"v":"c"}]]}})",
        R"({"sources":{"a":[[{"s":1},{"s":1}]]}})",
        R"({"sources":{"a":[[],{}]}})",
        R"({"sources":{"a":[[],[[]]]}})",
        R"({"sources":{"a":[[],[1]]}})",
        R"({"sources":{"a":[[],[[1,2]]]}})",
        R"({"sources":{"a":[[],[["x",1,2]]]}})",
        R"({"sources":{"a":[[],[["f",1,"2"]]]}})",
        R"({"sources":{"a":[[],[],[],[["s",0]]]}})",
    };
    for (const char* input : inputs) {
        auto decoded = decode_compact_json(input);
        ASSERT_FALSE(decoded.has_value()) << input;
        EXPECT_EQ(decoded.error().kind, SourceErrorKind::invalid);
        EXPECT_FALSE(decoded.error().reason.empty());
    }
}

TEST(CompactJson, DeeplyNestedInputIsAnErrorNotACrash) {
    const std::string deep = R"({"sources":{"a":)" + std::string(100000, '[') + std::string(100000, ']') + "}}";
    auto decoded = decode_compact_json(deep);
    ASSERT_FALSE(decoded.has_value());
    EXPECT_EQ(decoded.error().kind, SourceErrorKind::invalid);
}

}  // namespace
}  // namespace jicofo::sources
