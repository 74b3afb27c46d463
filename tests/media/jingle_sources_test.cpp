// Sources in Jingle: what clients signal, what receivers are sent (inline with owners, or compact JSON), the
// remote-sources rule and malformed sources from a client.
#include "jicofo/media/jingle_sources.hpp"

#include "jicofo/media/offer.hpp"
#include "jicofo/sources/compact_json.hpp"
#include "jicofo/sources/validation.hpp"
#include "jicofo/stanza/namespaces.hpp"
#include "sources/fixtures.hpp"
#include "stanza/golden.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace jicofo::media {
namespace {

using sources::ConferenceSourceMap;
using sources::EndpointSourceSet;
using sources::MediaType;
using sources::Source;
using sources::SourceErrorKind;
using sources::SsrcGroup;
using sources::VideoType;
using stanza::testing::same_xml;
using stanza::testing::xml;

constexpr std::string_view kRoom = "room1@conference.example.com";

// The sources part of a lib-jitsi-meet session-accept: a named microphone, and a camera with its RTX in a FID group.
constexpr std::string_view kClientSources = R"(
<jingle xmlns='urn:xmpp:jingle:1' action='session-accept' sid='abc123'>
 <content creator='responder' name='audio' senders='both'>
  <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'>
   <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' name='2b016c41-a0' ssrc='1757014965'>
     <parameter name='msid' value='stream-a track-a'/>
   </source>
  </description>
 </content>
 <content creator='responder' name='video' senders='both'>
  <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='video'>
   <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' name='2b016c41-v0' ssrc='3396227138' videoType='camera'>
     <parameter name='msid' value='stream-v track-v'/>
   </source>
   <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' name='2b016c41-v0' ssrc='1271418620' videoType='camera'>
     <parameter name='msid' value='stream-v track-v'/>
   </source>
   <ssrc-group xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' semantics='FID'>
     <source ssrc='3396227138'/><source ssrc='1271418620'/>
   </ssrc-group>
  </description>
 </content>
 <content creator='responder' name='data' senders='both'/>
</jingle>)";

Source named(std::uint32_t ssrc, MediaType media, std::string name, std::string msid,
             std::optional<VideoType> video_type = std::nullopt) {
    return Source{
        .ssrc = ssrc, .media = media, .name = std::move(name), .msid = std::move(msid), .video_type = video_type};
}

EndpointSourceSet client_set() {
    return EndpointSourceSet{
        .sources = {named(1757014965, MediaType::audio, "2b016c41-a0", "stream-a track-a"),
                    named(3396227138, MediaType::video, "2b016c41-v0", "stream-v track-v", VideoType::camera),
                    named(1271418620, MediaType::video, "2b016c41-v0", "stream-v track-v", VideoType::camera)},
        .groups = {SsrcGroup{.semantics = "FID", .media = MediaType::video, .ssrcs = {3396227138, 1271418620}}},
    };
}

EndpointSourceSet feedback() {
    EndpointSourceSet set;
    set.add(sources::bridge_feedback_source(MediaType::audio, 123));
    set.add(sources::bridge_feedback_source(MediaType::video, 456));
    return set;
}

std::vector<stanza::JingleContent> contents_of(std::string_view document) {
    auto jingle = stanza::Jingle::parse(xml(document));
    EXPECT_TRUE(jingle.has_value()) << (jingle ? "" : jingle.error().text);
    return jingle ? jingle->contents : std::vector<stanza::JingleContent>{};
}

core::Result<EndpointSourceSet, sources::SourceError> sources_of(std::string_view document) {
    return sources_from_contents(contents_of(document));
}

// A one-content source-add from a client, with the given description children.
std::string source_add(std::string_view media, std::string_view children) {
    return "<jingle xmlns='urn:xmpp:jingle:1' action='source-add' sid='s'><content name='" + std::string(media) +
           "'><description xmlns='urn:xmpp:jingle:apps:rtp:1' media='" + std::string(media) + "'>" +
           std::string(children) + "</description></content></jingle>";
}

std::string src(std::string_view attributes) {
    return "<source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' " + std::string(attributes) + "/>";
}

std::string fid(std::string_view a, std::string_view b) {
    return "<ssrc-group xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' semantics='FID'><source ssrc='" + std::string(a) +
           "'/><source ssrc='" + std::string(b) + "'/></ssrc-group>";
}

::testing::AssertionResult refused(const core::Result<EndpointSourceSet, sources::SourceError>& result,
                                   std::string_view mentioning) {
    if (result) {
        return ::testing::AssertionFailure() << "accepted: " << sources::to_string(*result);
    }
    if (result.error().kind != SourceErrorKind::invalid) {
        return ::testing::AssertionFailure() << "not 'invalid': " << result.error().reason;
    }
    if (result.error().reason.find(mentioning) == std::string::npos) {
        return ::testing::AssertionFailure() << "reason '" << result.error().reason << "' lacks '" << mentioning << "'";
    }
    return ::testing::AssertionSuccess();
}

TEST(SourcesFromContents, ReadsWhatLibJitsiMeetSignals) {
    const auto set = sources_of(kClientSources);
    ASSERT_TRUE(set.has_value()) << set.error().reason;
    EXPECT_EQ(*set, client_set());
}

TEST(SourcesFromContents, MediaFallsBackToTheContentName) {
    const auto set = sources_from_contents(contents_of(
        "<jingle xmlns='urn:xmpp:jingle:1' action='source-add' sid='s'><content name='video'>"
        "<description xmlns='urn:xmpp:jingle:apps:rtp:1'>" +
        src("ssrc='5' videoType='Desktop'") + src("ssrc='6'") +
        "<ssrc-group xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' semantics='fid'><source ssrc='5'/><source ssrc='6'/>"
        "</ssrc-group></description></content></jingle>"));
    ASSERT_TRUE(set.has_value()) << set.error().reason;
    ASSERT_EQ(set->sources.size(), 2U);
    EXPECT_EQ(set->sources[0].media, MediaType::video);
    EXPECT_EQ(set->sources[0].video_type, VideoType::desktop);
    ASSERT_EQ(set->groups.size(), 1U);
    EXPECT_EQ(set->groups[0].semantics, "FID");
    EXPECT_EQ(set->groups[0].media, MediaType::video);
}

TEST(SourcesFromContents, MalformedSourcesAreRefused) {
    EXPECT_TRUE(refused(sources_of(source_add("audio", src("ssrc='0'"))), "Invalid SSRC"));
    EXPECT_TRUE(
        refused(sources_of(source_add("video", src("ssrc='1'") + src("ssrc='2'") + fid("1", "0"))), "Invalid SSRC"));
    EXPECT_TRUE(refused(sources_of(source_add("video", src("ssrc='1' videoType='screen'"))), "videoType"));
    EXPECT_TRUE(
        refused(sources_of(source_add("video", src("ssrc='1'") + "<ssrc-group xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' "
                                                                 "semantics='FEC-FR'><source ssrc='1'/></ssrc-group>")),
                "semantics"));
    EXPECT_TRUE(refused(sources_of(source_add("application", src("ssrc='1'"))), "application"));
    EXPECT_TRUE(refused(sources_of(source_add("video",
                                              "<source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='1'>"
                                              "<parameter name='msid' value='a b'/></source>" +
                                                  src("ssrc='1'"))),
                        "twice"));
    // The same SSRC as audio and as video.
    const auto both = contents_of(
        "<jingle xmlns='urn:xmpp:jingle:1' action='source-add' sid='s'>"
        "<content name='audio'><description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'>" +
        src("ssrc='9'") +
        "</description></content><content name='video'><description xmlns='urn:xmpp:jingle:apps:rtp:1' "
        "media='video'>" +
        src("ssrc='9'") + "</description></content></jingle>");
    EXPECT_TRUE(refused(sources_from_contents(both), "twice"));
    // SSRCs that are not 32-bit numbers do not even parse as Jingle.
    EXPECT_FALSE(stanza::Jingle::parse(xml(source_add("audio", src("ssrc='4294967296'")))).has_value());
    EXPECT_FALSE(stanza::Jingle::parse(xml(source_add("audio", src("ssrc='-1'")))).has_value());
    EXPECT_FALSE(stanza::Jingle::parse(xml(source_add("audio", src("name='x'")))).has_value());
}

TEST(SourcesFromContents, RepeatsCollapseAndGroupChecksAreLeftToValidation) {
    const auto repeated = sources_of(source_add("audio", src("ssrc='7' name='a'") + src("ssrc='7' name='a'")));
    ASSERT_TRUE(repeated.has_value()) << repeated.error().reason;
    EXPECT_EQ(repeated->sources.size(), 1U);

    // A FID group over an SSRC the client never signalled reads fine; validation refuses it.
    const auto dangling = sources_of(source_add("video", src("ssrc='1'") + fid("1", "2")));
    ASSERT_TRUE(dangling.has_value()) << dangling.error().reason;
    const auto validated = sources::validate_add(ConferenceSourceMap{}, "ep", *dangling, sources::SourceLimits{});
    EXPECT_FALSE(validated.has_value());
}

TEST(AddSourcesToContents, SourceAddForReceiversCarriesOwners) {
    ConferenceSourceMap map("a1b2c3d4", client_set());
    map.add(std::string(sources::kBridgeOwner), feedback());
    stanza::Jingle jingle;
    jingle.action = stanza::JingleAction::source_add;
    jingle.sid = "s1";
    add_sources_to_contents(jingle.contents, map, occupant_owner(std::string(kRoom)));

    const auto golden = xml(R"(
<jingle xmlns='urn:xmpp:jingle:1' action='source-add' sid='s1'>
 <content name='audio'>
  <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'>
   <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='1757014965' name='2b016c41-a0'>
     <ssrc-info xmlns='http://jitsi.org/jitmeet' owner='room1@conference.example.com/a1b2c3d4'/>
     <parameter name='msid' value='stream-a track-a'/>
   </source>
   <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='123' name='jvb-a0'>
     <ssrc-info xmlns='http://jitsi.org/jitmeet' owner='jvb'/>
     <parameter name='msid' value='mixedmslabel mixedlabelaudio0'/>
   </source>
  </description>
 </content>
 <content name='video'>
  <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='video'>
   <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='3396227138' name='2b016c41-v0' videoType='camera'>
     <ssrc-info xmlns='http://jitsi.org/jitmeet' owner='room1@conference.example.com/a1b2c3d4'/>
     <parameter name='msid' value='stream-v track-v'/>
   </source>
   <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='1271418620' name='2b016c41-v0' videoType='camera'>
     <ssrc-info xmlns='http://jitsi.org/jitmeet' owner='room1@conference.example.com/a1b2c3d4'/>
     <parameter name='msid' value='stream-v track-v'/>
   </source>
   <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='456' name='jvb-v0'>
     <ssrc-info xmlns='http://jitsi.org/jitmeet' owner='jvb'/>
     <parameter name='msid' value='mixedmslabel mixedlabelvideo0'/>
   </source>
   <ssrc-group xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' semantics='FID'>
     <source ssrc='3396227138'/><source ssrc='1271418620'/>
   </ssrc-group>
  </description>
 </content>
</jingle>)");
    EXPECT_TRUE(same_xml(jingle.to_xml(), golden));
}

TEST(AddSourcesToContents, GoIntoTheOffersContentsAndLeaveDataAlone) {
    auto contents = build_offer(config::CodecConfigs{}, OfferOptions{});
    const auto offer = contents;
    add_sources_to_contents(contents, ConferenceSourceMap("a1b2c3d4", client_set()),
                            occupant_owner(std::string(kRoom)));
    ASSERT_EQ(contents.size(), 3U);
    EXPECT_EQ(contents[0].description->sources.size(), 1U);
    EXPECT_EQ(contents[1].description->sources.size(), 2U);
    EXPECT_EQ(contents[1].description->ssrc_groups.size(), 1U);
    EXPECT_EQ(contents[0].description->payload_types, offer[0].description->payload_types);
    EXPECT_EQ(contents[2], offer[2]);
}

TEST(AddSourcesToContents, AMissingContentIsAppended) {
    OfferOptions video_only;
    video_only.audio = false;
    video_only.sctp = false;
    auto contents = build_offer(config::CodecConfigs{}, video_only);
    EndpointSourceSet audio;
    audio.add(named(7, MediaType::audio, "x-a0", "m"));
    add_sources_to_contents(contents, ConferenceSourceMap("x", audio), {});
    ASSERT_EQ(contents.size(), 2U);
    EXPECT_EQ(contents[1].name, "audio");
    EXPECT_FALSE(contents[1].creator.has_value());
    ASSERT_TRUE(contents[1].description.has_value());
    EXPECT_EQ(contents[1].description->media, "audio");
    // Without an owner mapping the map's key is written as it is.
    EXPECT_EQ(contents[1].description->sources.at(0).owner, "x");
    EXPECT_TRUE(contents[0].description->sources.empty());
}

TEST(AddSourcesToContents, RoundTripsThroughJingle) {
    ConferenceSourceMap map("2b016c41", client_set());
    std::vector<stanza::JingleContent> contents;
    add_sources_to_contents(contents, map, occupant_owner(std::string(kRoom)));
    stanza::Jingle jingle;
    jingle.action = stanza::JingleAction::source_add;
    jingle.sid = "s";
    jingle.contents = contents;
    const auto reparsed = stanza::Jingle::parse(jingle.to_xml());
    ASSERT_TRUE(reparsed.has_value());
    const auto set = sources_from_contents(reparsed->contents);
    ASSERT_TRUE(set.has_value()) << set.error().reason;
    EXPECT_EQ(*set, client_set());

    // And from a client's contents to the set and back to the same contents.
    const auto from_client = sources_of(kClientSources);
    ASSERT_TRUE(from_client.has_value());
    std::vector<stanza::JingleContent> again;
    add_sources_to_contents(again, ConferenceSourceMap("2b016c41", *from_client), occupant_owner(std::string(kRoom)));
    EXPECT_EQ(again, contents);
}

TEST(AttachSources, JsonWhenTheReceiverSupportsIt) {
    ConferenceSourceMap map("a1b2c3d4", client_set());
    map.add(std::string(sources::kBridgeOwner), feedback());
    stanza::Jingle jingle;
    jingle.action = stanza::JingleAction::session_initiate;
    jingle.sid = "s";
    jingle.contents = build_offer(config::CodecConfigs{}, OfferOptions{});
    const auto offer = jingle.contents;

    attach_sources(jingle, map, /*json=*/true, occupant_owner(std::string(kRoom)));
    EXPECT_EQ(jingle.contents, offer);
    ASSERT_TRUE(jingle.json_message.has_value());
    const auto decoded = sources::decode_compact_json(jingle.json_message->json);
    ASSERT_TRUE(decoded.has_value()) << decoded.error().reason;
    // Keyed by endpoint id, not occupant JID; the format marks only desktop sources, so cameras read back untyped.
    ConferenceSourceMap expected;
    for (const auto& [owner, set] : map) {
        EndpointSourceSet untyped = set;
        for (auto& source : untyped.sources) {
            if (source.video_type == VideoType::camera) {
                source.video_type.reset();
            }
        }
        expected.add(owner, untyped);
    }
    EXPECT_EQ(*decoded, expected);
    const auto element = jingle.to_xml();
    EXPECT_NE(element.child("json-message", stanza::kNsJitmeet), nullptr);

    stanza::Jingle empty;
    attach_sources(empty, ConferenceSourceMap{}, true, {});
    ASSERT_TRUE(empty.json_message.has_value());
    EXPECT_EQ(empty.json_message->json, R"({"sources":{}})");
}

TEST(AttachSources, InlineOtherwise) {
    stanza::Jingle jingle;
    jingle.contents = build_offer(config::CodecConfigs{}, OfferOptions{});
    attach_sources(jingle, ConferenceSourceMap(std::string(sources::kBridgeOwner), feedback()), false,
                   occupant_owner(std::string(kRoom)));
    EXPECT_FALSE(jingle.json_message.has_value());
    ASSERT_EQ(jingle.contents[0].description->sources.size(), 1U);
    EXPECT_TRUE(same_xml(jingle.contents[0].description->sources[0].to_xml(),
                         xml("<source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='123' name='jvb-a0'>"
                             "<ssrc-info xmlns='http://jitsi.org/jitmeet' owner='jvb'/>"
                             "<parameter name='msid' value='mixedmslabel mixedlabelaudio0'/></source>")));
}

ConferenceSourceMap conference() {
    ConferenceSourceMap all("a", sources::testing::camera_with_simulcast());
    EndpointSourceSet b;
    b.add(sources::testing::audio(100, "mic-b"));
    all.add("b", b);
    all.add(std::string(sources::kBridgeOwner), feedback());
    return all;
}

TEST(RemoteSources, EverybodyButTheReceiver) {
    const auto remote = remote_sources_for(conference(), "b", /*strip_simulcast=*/false, /*ssrc_rewriting=*/false);
    EXPECT_TRUE(remote.contains_owner("a"));
    EXPECT_TRUE(remote.contains_owner("jvb"));
    EXPECT_FALSE(remote.contains_owner("b"));
    EXPECT_EQ(remote.get("a"), sources::testing::camera_with_simulcast());

    EXPECT_EQ(remote_sources_for(conference(), "newcomer", false, false), conference());
}

TEST(RemoteSources, SsrcRewritingLeavesOnlyTheFeedbackSources) {
    const auto remote = remote_sources_for(conference(), "b", false, /*ssrc_rewriting=*/true);
    EXPECT_EQ(remote, ConferenceSourceMap(std::string(sources::kBridgeOwner), feedback()));
    EXPECT_TRUE(remote_sources_for(conference(), sources::kBridgeOwner, false, true).empty());
}

TEST(RemoteSources, StripSimulcastLeavesTheFirstLayerAndItsRtx) {
    const auto remote = remote_sources_for(conference(), "b", /*strip_simulcast=*/true, false);
    const EndpointSourceSet expected{
        .sources = {sources::testing::video(1, "cam"), sources::testing::video(4, "cam"), sources::testing::audio(7)},
        .groups = {sources::testing::fid(1, 4)},
    };
    EXPECT_EQ(remote.get("a"), expected);

    // What the receiver is sent.
    std::vector<stanza::JingleContent> contents;
    add_sources_to_contents(contents, remote, occupant_owner(std::string(kRoom)));
    ASSERT_EQ(contents.size(), 2U);
    std::vector<std::uint32_t> video_ssrcs;
    for (const auto& s : contents[1].description->sources) {
        video_ssrcs.push_back(s.ssrc);
    }
    EXPECT_EQ(video_ssrcs, (std::vector<std::uint32_t>{1, 4, 456}));
    ASSERT_EQ(contents[1].description->ssrc_groups.size(), 1U);
    EXPECT_EQ(contents[1].description->ssrc_groups[0], (stanza::SsrcGroup{"FID", {1, 4}}));
}

TEST(RemoteSources, OnlyTheMediaTheReceiverSupports) {
    const auto audio_only = only_media(conference(), /*audio=*/true, /*video=*/false);
    EXPECT_EQ(audio_only.get("a").sources, (std::vector<Source>{sources::testing::audio(7)}));
    EXPECT_TRUE(audio_only.get("a").groups.empty());
    EXPECT_FALSE(audio_only.get("jvb").has_video());
    EXPECT_TRUE(only_media(conference(), false, false).empty());
    EXPECT_EQ(only_media(conference(), true, true), conference());
}

}  // namespace
}  // namespace jicofo::media
