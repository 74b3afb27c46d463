// Sources in colibri2: an endpoint's media sources for the bridge, reading them back, and the bridge's feedback
// sources as clients are told about them.
#include "jicofo/media/colibri_sources.hpp"

#include "jicofo/media/jingle_sources.hpp"
#include "jicofo/sources/conference_source_map.hpp"
#include "stanza/golden.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace jicofo::media {
namespace {

using sources::EndpointSourceSet;
using sources::MediaType;
using sources::Source;
using sources::SsrcGroup;
using sources::VideoType;
using stanza::testing::same_xml;
using stanza::testing::xml;

Source source(std::uint32_t ssrc, MediaType media, std::optional<std::string> name,
              std::optional<VideoType> video_type = std::nullopt, std::optional<std::string> msid = std::nullopt) {
    return Source{
        .ssrc = ssrc, .media = media, .name = std::move(name), .msid = std::move(msid), .video_type = video_type};
}

SsrcGroup group(std::string semantics, std::vector<std::uint32_t> ssrcs, MediaType media = MediaType::video) {
    return SsrcGroup{.semantics = std::move(semantics), .media = media, .ssrcs = std::move(ssrcs)};
}

// A microphone, a simulcast camera with RTX and a screen share, all named as lib-jitsi-meet names them.
EndpointSourceSet endpoint_set() {
    return EndpointSourceSet{
        .sources = {source(7, MediaType::audio, "a1b2c3d4-a0"),
                    source(1, MediaType::video, "a1b2c3d4-v0", VideoType::camera),
                    source(2, MediaType::video, "a1b2c3d4-v0", VideoType::camera),
                    source(11, MediaType::video, "a1b2c3d4-v0", VideoType::camera),
                    source(12, MediaType::video, "a1b2c3d4-v0", VideoType::camera),
                    source(20, MediaType::video, "a1b2c3d4-v1", VideoType::desktop)},
        .groups = {group("SIM", {1, 2}), group("FID", {1, 11}), group("FID", {2, 12})},
    };
}

TEST(ColibriSources, OneMediaSourcePerSourceName) {
    const auto golden = xml(R"(
<sources xmlns='jitsi:colibri2'>
 <media-source type='audio' id='a1b2c3d4-a0'>
  <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='7' name='a1b2c3d4-a0'/>
 </media-source>
 <media-source type='video' id='a1b2c3d4-v0'>
  <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='1' name='a1b2c3d4-v0' videoType='camera'/>
  <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='2' name='a1b2c3d4-v0' videoType='camera'/>
  <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='11' name='a1b2c3d4-v0' videoType='camera'/>
  <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='12' name='a1b2c3d4-v0' videoType='camera'/>
  <ssrc-group xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' semantics='SIM'><source ssrc='1'/><source ssrc='2'/></ssrc-group>
  <ssrc-group xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' semantics='FID'><source ssrc='1'/><source ssrc='11'/></ssrc-group>
  <ssrc-group xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' semantics='FID'><source ssrc='2'/><source ssrc='12'/></ssrc-group>
 </media-source>
 <media-source type='video' id='a1b2c3d4-v1'>
  <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='20' name='a1b2c3d4-v1' videoType='desktop'/>
 </media-source>
</sources>)");
    EXPECT_TRUE(same_xml(colibri_sources(endpoint_set(), "a1b2c3d4").to_xml(), golden));
}

// Live translation's synthetic sources are media sources of their own, flagged so that the bridge expects them from
// the translator rather than from the endpoint.
TEST(ColibriSources, SyntheticSourcesAreFlagged) {
    EndpointSourceSet set{.sources = {source(7, MediaType::audio, "a1b2c3d4-a0")}, .groups = {}};
    auto translated = source(900, MediaType::audio, "a1b2c3d4-a0.es");
    translated.synthetic = true;
    set.add(translated);
    const auto golden = xml(R"(
<sources xmlns='jitsi:colibri2'>
 <media-source type='audio' id='a1b2c3d4-a0'>
  <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='7' name='a1b2c3d4-a0'/>
 </media-source>
 <media-source type='audio' id='a1b2c3d4-a0.es' synthetic='true'>
  <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='900' name='a1b2c3d4-a0.es'/>
 </media-source>
</sources>)");
    EXPECT_TRUE(same_xml(colibri_sources(set, "a1b2c3d4").to_xml(), golden));
}

TEST(ColibriSources, UnnamedSourcesGetTheEndpointsDefaultNames) {
    const EndpointSourceSet set{
        .sources = {source(7, MediaType::audio, std::nullopt), source(1, MediaType::video, std::nullopt),
                    source(2, MediaType::video, std::nullopt)},
        .groups = {group("FID", {1, 2})},
    };
    const auto colibri = colibri_sources(set, "ep1");
    ASSERT_EQ(colibri.media_sources.size(), 2U);
    EXPECT_EQ(colibri.media_sources[0].id, "ep1-a0");
    EXPECT_EQ(colibri.media_sources[0].type, stanza::MediaType::audio);
    EXPECT_EQ(colibri.media_sources[1].id, "ep1-v0");
    EXPECT_EQ(colibri.media_sources[1].type, stanza::MediaType::video);
    EXPECT_EQ(colibri.media_sources[1].sources.size(), 2U);
    EXPECT_EQ(colibri.media_sources[1].ssrc_groups.size(), 1U);
    EXPECT_EQ(default_source_name("ep1", MediaType::audio), "ep1-a0");
    EXPECT_EQ(default_source_name("ep1", MediaType::video), "ep1-v0");
}

TEST(ColibriSources, NoMsidOrOwnerGoesToTheBridge) {
    EndpointSourceSet set;
    set.add(source(7, MediaType::audio, "x-a0", std::nullopt, "stream track"));
    const auto colibri = colibri_sources(set, "x");
    ASSERT_EQ(colibri.media_sources.size(), 1U);
    const auto& element = colibri.media_sources[0].sources.at(0);
    EXPECT_TRUE(element.parameters.empty());
    EXPECT_FALSE(element.owner.has_value());
    EXPECT_TRUE(colibri_sources(EndpointSourceSet{}, "x").media_sources.empty());
}

TEST(ColibriSources, RoundTrip) {
    const auto colibri = colibri_sources(endpoint_set(), "a1b2c3d4");
    const auto reparsed = stanza::Colibri2Sources::parse(colibri.to_xml());
    ASSERT_TRUE(reparsed.has_value());
    const auto set = sources_from_colibri(*reparsed);
    ASSERT_TRUE(set.has_value()) << set.error().reason;
    EXPECT_EQ(*set, endpoint_set());
}

TEST(ColibriSources, MalformedSourcesFromABridgeAreRefused) {
    const auto bad_ssrc = stanza::Colibri2Sources::parse(
        xml("<sources xmlns='jitsi:colibri2'><media-source type='audio' id='r-a0'>"
            "<source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='0'/></media-source></sources>"));
    ASSERT_TRUE(bad_ssrc.has_value());
    const auto refused = sources_from_colibri(*bad_ssrc);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().kind, sources::SourceErrorKind::invalid);

    const auto bad_group = stanza::Colibri2Sources::parse(
        xml("<sources xmlns='jitsi:colibri2'><media-source type='video' id='r-v0'>"
            "<source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='1'/>"
            "<ssrc-group xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' semantics='XYZ'><source ssrc='1'/></ssrc-group>"
            "</media-source></sources>"));
    ASSERT_TRUE(bad_group.has_value());
    EXPECT_FALSE(sources_from_colibri(*bad_group).has_value());
}

// The bridge's answer to the allocation that created the conference (protocol section 4(d)).
constexpr std::string_view kConferenceModified = R"(
<conference-modified xmlns='jitsi:colibri2'>
  <endpoint id='a1b2c3d4'/>
  <sources>
    <media-source type='audio' id='jvb-a0'><source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='123' name='jvb-a0'/></media-source>
    <media-source type='video' id='jvb-v0'><source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='456' name='jvb-v0'/></media-source>
  </sources>
</conference-modified>)";

TEST(FeedbackSources, AsClientsExpectThem) {
    const auto modified = stanza::ConferenceModified::parse(xml(kConferenceModified));
    ASSERT_TRUE(modified.has_value());
    ASSERT_TRUE(modified->sources.has_value());
    const auto set = feedback_sources(*modified->sources);
    const EndpointSourceSet expected{
        .sources = {source(123, MediaType::audio, "jvb-a0", std::nullopt, "mixedmslabel mixedlabelaudio0"),
                    source(456, MediaType::video, "jvb-v0", std::nullopt, "mixedmslabel mixedlabelvideo0")},
        .groups = {},
    };
    EXPECT_EQ(set, expected);

    // Signalled to a participant, owned by jvb, as in the session-initiate of protocol section 4(e).
    std::vector<stanza::JingleContent> contents;
    add_sources_to_contents(contents, sources::ConferenceSourceMap(std::string(sources::kBridgeOwner), set),
                            occupant_owner("room1@conference.example.com"));
    ASSERT_EQ(contents.size(), 2U);
    EXPECT_TRUE(same_xml(contents[0].description->sources.at(0).to_xml(),
                         xml("<source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='123' name='jvb-a0'>"
                             "<ssrc-info xmlns='http://jitsi.org/jitmeet' owner='jvb'/>"
                             "<parameter name='msid' value='mixedmslabel mixedlabelaudio0'/></source>")));
}

TEST(FeedbackSources, DefaultNamesAndUnusableSsrcsSkipped) {
    const auto colibri = stanza::Colibri2Sources::parse(
        xml("<sources xmlns='jitsi:colibri2'>"
            "<media-source type='video' id='v'><source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='456'/>"
            "<source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='0'/></media-source>"
            "<media-source type='audio' id='a'><source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='0'/>"
            "</media-source></sources>"));
    ASSERT_TRUE(colibri.has_value());
    const auto set = feedback_sources(*colibri);
    ASSERT_EQ(set.sources.size(), 1U);
    EXPECT_EQ(set.sources[0], sources::bridge_feedback_source(MediaType::video, 456));
    EXPECT_EQ(set.sources[0].name, "jvb-v0");
    EXPECT_TRUE(feedback_sources(stanza::Colibri2Sources{}).empty());
}

}  // namespace
}  // namespace jicofo::media
