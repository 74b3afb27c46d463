// Jingle payloads: the focus's offer, what lib-jitsi-meet answers and sends afterwards, and malformed input.
#include "jicofo/stanza/jingle.hpp"
#include "golden.hpp"
#include "jicofo/stanza/namespaces.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace jicofo::stanza {
namespace {

using testing::round_trips;
using testing::same_xml;
using testing::xml;

// The focus's offer as protocol section 4(e) shows it, with the elided parts filled in.
constexpr std::string_view kSessionInitiate = R"(
<jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' initiator='focus@auth.example.com/focus' sid='abc123'>
 <content creator='initiator' name='audio' senders='both'>
  <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio' maxptime='60'>
   <payload-type id='111' name='opus' clockrate='48000' channels='2'>
     <parameter name='minptime' value='10'/><parameter name='useinbandfec' value='1'/>
     <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='transport-cc'/>
   </payload-type>
   <payload-type id='126' name='telephone-event' clockrate='8000'/>
   <rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='1' uri='urn:ietf:params:rtp-hdrext:ssrc-audio-level'/>
   <rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='10' uri='urn:ietf:params:rtp-hdrext:sdes:mid'/>
   <rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='5'
               uri='http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01'/>
   <extmap-allow-mixed xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0'/>
   <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='123' name='jvb-a0'>
     <ssrc-info xmlns='http://jitsi.org/jitmeet' owner='jvb'/>
     <parameter name='msid' value='mixedmslabel mixedlabelaudio0'/>
   </source>
   <rtcp-mux/>
  </description>
  <transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='6pq2g1j0ipm2ks' pwd='3ktb2ksfv7lqmsq0oe3frqrlg'>
    <fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' hash='sha-256' setup='actpass'>AC:58:9E:01</fingerprint>
    <candidate component='1' foundation='1' generation='0' id='653aa1ba' ip='203.0.113.5' port='10000'
               priority='2130706431' protocol='udp' type='host' network='0'/>
    <candidate component='1' foundation='2' generation='0' id='653aa1bb' ip='198.51.100.7' port='10000'
               priority='1694498815' protocol='udp' type='srflx' network='0' rel-addr='203.0.113.5' rel-port='10000'/>
    <web-socket xmlns='http://jitsi.org/protocol/colibri' url='wss://jvb1.example.com/colibri-ws/x/y?pwd=z'/>
    <rtcp-mux/>
  </transport>
 </content>
 <content creator='initiator' name='video' senders='both'>
  <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='video'>
   <payload-type id='100' name='VP8' clockrate='90000'>
     <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='ccm' subtype='fir'/>
     <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack'/>
     <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack' subtype='pli'/>
     <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='transport-cc'/>
   </payload-type>
   <payload-type id='107' name='H264' clockrate='90000'>
     <parameter name='profile-level-id' value='42e01f'/>
     <parameter name='level-asymmetry-allowed' value='1'/>
     <parameter name='packetization-mode' value='1'/>
   </payload-type>
   <payload-type id='96' name='rtx' clockrate='90000'><parameter name='apt' value='100'/></payload-type>
   <rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='3' uri='http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time'/>
   <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='456' name='jvb-v0'>
     <ssrc-info xmlns='http://jitsi.org/jitmeet' owner='jvb'/>
     <parameter name='msid' value='mixedmslabel mixedlabelvideo0'/>
   </source>
   <rtcp-mux/>
  </description>
  <transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='6pq2g1j0ipm2ks' pwd='3ktb2ksfv7lqmsq0oe3frqrlg'>
    <fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' hash='sha-256' setup='actpass'>AC:58:9E:01</fingerprint>
    <candidate component='1' foundation='1' generation='0' id='653aa1ba' ip='203.0.113.5' port='10000'
               priority='2130706431' protocol='udp' type='host' network='0'/>
  </transport>
 </content>
 <content creator='initiator' name='data' senders='both'>
  <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='application'/>
  <transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='6pq2g1j0ipm2ks' pwd='3ktb2ksfv7lqmsq0oe3frqrlg'>
    <fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' hash='sha-256' setup='actpass'>AC:58:9E:01</fingerprint>
    <candidate component='1' foundation='1' generation='0' id='653aa1ba' ip='203.0.113.5' port='10000'
               priority='2130706431' protocol='udp' type='host' network='0'/>
    <sctpmap xmlns='urn:xmpp:jingle:transports:dtls-sctp:1' number='5000' protocol='webrtc-datachannel' streams='1024'/>
  </transport>
 </content>
 <group xmlns='urn:xmpp:jingle:apps:grouping:0' semantics='BUNDLE'>
   <content name='audio'/><content name='video'/><content name='data'/>
 </group>
 <bridge-session xmlns='http://jitsi.org/protocol/focus' id='9d4f1c0a-5e1b-4c55-9a4b-0e4e1f2a3b4c' region='us-east-1'/>
 <startmuted xmlns='http://jitsi.org/jitmeet/start-muted' audio='true' video='false'/>
 <json-message xmlns='http://jitsi.org/jitmeet'>{"sources":{"jvb":[[{"s":456,"n":"jvb-v0"}],[],[{"s":123}]]}}</json-message>
</jingle>)";

// A current lib-jitsi-meet's answer, in the order its SDP-to-Jingle conversion writes it: the BUNDLE group first,
// initial-last-n before the video description, rtcp-mux before the header extensions, sctpmap before the
// fingerprint, and no candidates.
constexpr std::string_view kClientSessionAccept = R"(
<jingle xmlns='urn:xmpp:jingle:1' action='session-accept' initiator='focus@auth.meet.test/focus'
        responder='room1@conference.meet.test/2b016c41' sid='abc123'>
 <group xmlns='urn:xmpp:jingle:apps:grouping:0' semantics='BUNDLE'>
   <content name='audio'/><content name='video'/><content name='data'/>
 </group>
 <content creator='responder' name='audio' senders='both'>
  <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'>
   <payload-type id='111' name='opus' clockrate='48000' channels='2'>
     <parameter name='minptime' value='10'/><parameter name='useinbandfec' value='1'/>
     <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='transport-cc'/>
   </payload-type>
   <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' name='2b016c41-a0' ssrc='1757014965'>
     <parameter name='msid' value='stream-a track-a'/>
   </source>
   <rtcp-mux/>
   <rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='1' uri='urn:ietf:params:rtp-hdrext:ssrc-audio-level'/>
   <extmap-allow-mixed xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0'/>
  </description>
  <transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='hLAv' pwd='mAq4TzJo0bQ4hkN1nD9G1SPw'>
    <fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' hash='sha-256' setup='active'>5C:E2:07:AA</fingerprint>
  </transport>
 </content>
 <content creator='responder' name='video' senders='both'>
  <initial-last-n xmlns='jitsi:colibri2' value='25'/>
  <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='video'>
   <payload-type id='100' name='VP8' clockrate='90000'>
     <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack' subtype='pli'/>
   </payload-type>
   <payload-type id='96' name='rtx' clockrate='90000'><parameter name='apt' value='100'/></payload-type>
   <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' name='2b016c41-v0' ssrc='3396227138' videoType='camera'>
     <parameter name='msid' value='stream-v track-v'/>
   </source>
   <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' name='2b016c41-v0' ssrc='1271418620' videoType='camera'>
     <parameter name='msid' value='stream-v track-v'/>
   </source>
   <ssrc-group xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' semantics='FID'>
     <source ssrc='3396227138'/><source ssrc='1271418620'/>
   </ssrc-group>
   <rtcp-mux/>
   <rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='3' uri='http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time'/>
  </description>
  <transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='hLAv' pwd='mAq4TzJo0bQ4hkN1nD9G1SPw'>
    <fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' hash='sha-256' setup='active'>5C:E2:07:AA</fingerprint>
  </transport>
 </content>
 <content creator='responder' name='data' senders='both'>
  <transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='hLAv' pwd='mAq4TzJo0bQ4hkN1nD9G1SPw'>
    <sctpmap xmlns='urn:xmpp:jingle:transports:dtls-sctp:1' number='5000' protocol='webrtc-datachannel' streams='0'/>
    <fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' hash='sha-256' setup='active'>5C:E2:07:AA</fingerprint>
  </transport>
 </content>
</jingle>)";

// source-add of a simulcast camera: three SSRCs in a SIM group, each with its RTX pair in a FID group. lib-jitsi-meet
// sends the content without a creator.
constexpr std::string_view kSourceAdd = R"(
<jingle xmlns='urn:xmpp:jingle:1' action='source-add' sid='abc123'>
 <content name='video'>
  <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='video'>
   <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='1' name='2b016c41-v1' videoType='desktop'>
     <ssrc-info xmlns='http://jitsi.org/jitmeet' owner='room1@conference.meet.test/2b016c41'/>
     <parameter name='msid' value='s t'/></source>
   <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='2' name='2b016c41-v1' videoType='desktop'>
     <parameter name='msid' value='s t'/></source>
   <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='3' name='2b016c41-v1' videoType='desktop'>
     <parameter name='msid' value='s t'/></source>
   <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='11' name='2b016c41-v1' videoType='desktop'>
     <parameter name='msid' value='s t'/></source>
   <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='12' name='2b016c41-v1' videoType='desktop'>
     <parameter name='msid' value='s t'/></source>
   <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='4294967295' name='2b016c41-v1' videoType='desktop'>
     <parameter name='msid' value='s t'/></source>
   <ssrc-group xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' semantics='SIM'>
     <source ssrc='1'/><source ssrc='2'/><source ssrc='3'/></ssrc-group>
   <ssrc-group xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' semantics='FID'><source ssrc='1'/><source ssrc='11'/></ssrc-group>
   <ssrc-group xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' semantics='FID'><source ssrc='2'/><source ssrc='12'/></ssrc-group>
   <ssrc-group xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' semantics='FID'>
     <source ssrc='3'/><source ssrc='4294967295'/></ssrc-group>
  </description>
 </content>
</jingle>)";

// The current client after an ICE failure: terminate, and ask for a new session on the same bridge session.
constexpr std::string_view kRestartTerminate = R"(
<jingle xmlns='urn:xmpp:jingle:1' action='session-terminate' initiator='focus@auth.meet.test/focus' sid='abc123'>
  <reason><connectivity-error/><text>ICE FAILED</text></reason>
  <bridge-session xmlns='http://jitsi.org/protocol/focus' id='9d4f1c0a' restart='true'/>
</jingle>)";

// Replaces one attribute of the first element whose opening tag contains `anchor`.
std::string with(std::string_view document, std::string_view anchor, std::string_view from, std::string_view to) {
    std::string text(document);
    const auto at = text.find(anchor);
    EXPECT_NE(at, std::string::npos) << anchor;
    const auto pos = text.find(from, at);
    EXPECT_NE(pos, std::string::npos) << from;
    text.replace(pos, from.size(), to);
    return text;
}

::testing::AssertionResult fails_naming(std::string_view document, std::string_view expected) {
    const auto parsed = Jingle::parse(xml(document));
    if (parsed) {
        return ::testing::AssertionFailure() << "parsed, expected an error mentioning " << expected;
    }
    const auto& error = parsed.error();
    if (error.condition != ErrorCondition::bad_request || error.text.find(expected) == std::string::npos) {
        return ::testing::AssertionFailure() << "error '" << error.message() << "' does not mention " << expected;
    }
    return ::testing::AssertionSuccess() << error.message();
}

TEST(Jingle, SessionInitiateGoldenRoundTrip) {
    const auto golden = xml(kSessionInitiate);
    EXPECT_TRUE(round_trips<Jingle>(golden));

    const auto jingle = Jingle::parse(golden);
    ASSERT_TRUE(jingle) << jingle.error().message();
    EXPECT_EQ(jingle->action, JingleAction::session_initiate);
    EXPECT_EQ(jingle->action_name(), "session-initiate");
    EXPECT_EQ(jingle->sid, "abc123");
    ASSERT_TRUE(jingle->initiator);
    EXPECT_EQ(jingle->initiator->to_string(), "focus@auth.example.com/focus");
    EXPECT_FALSE(jingle->responder);
    ASSERT_EQ(jingle->contents.size(), 3U);

    const JingleContent* audio = jingle->content("audio");
    ASSERT_NE(audio, nullptr);
    EXPECT_EQ(audio->creator, "initiator");
    EXPECT_EQ(audio->senders, "both");
    ASSERT_TRUE(audio->description);
    const RtpDescription& audio_desc = *audio->description;
    EXPECT_EQ(audio_desc.media, "audio");
    EXPECT_EQ(audio_desc.maxptime, 60U);
    ASSERT_EQ(audio_desc.payload_types.size(), 2U);
    const PayloadType& opus = audio_desc.payload_types[0];
    EXPECT_EQ(opus.id, 111);
    EXPECT_EQ(opus.name, "opus");
    EXPECT_EQ(opus.clockrate, 48000U);
    EXPECT_EQ(opus.channels, 2);
    EXPECT_EQ(opus.parameter("useinbandfec"), "1");
    ASSERT_EQ(opus.rtcp_fbs.size(), 1U);
    EXPECT_EQ(opus.rtcp_fbs[0].type, "transport-cc");
    EXPECT_FALSE(audio_desc.payload_types[1].channels);
    ASSERT_EQ(audio_desc.hdrexts.size(), 3U);
    EXPECT_EQ(audio_desc.hdrexts[1].id, 10);
    EXPECT_EQ(audio_desc.hdrexts[1].uri, "urn:ietf:params:rtp-hdrext:sdes:mid");
    EXPECT_TRUE(audio_desc.extmap_allow_mixed);
    EXPECT_TRUE(audio_desc.rtcp_mux);
    ASSERT_EQ(audio_desc.sources.size(), 1U);
    EXPECT_EQ(audio_desc.sources[0].ssrc, 123U);
    EXPECT_EQ(audio_desc.sources[0].name, "jvb-a0");
    EXPECT_EQ(audio_desc.sources[0].owner, "jvb");
    EXPECT_EQ(audio_desc.sources[0].msid(), "mixedmslabel mixedlabelaudio0");

    ASSERT_TRUE(audio->transport);
    const IceUdpTransport& transport = *audio->transport;
    EXPECT_EQ(transport.ufrag, "6pq2g1j0ipm2ks");
    ASSERT_EQ(transport.fingerprints.size(), 1U);
    EXPECT_EQ(transport.fingerprints[0].hash, "sha-256");
    EXPECT_EQ(transport.fingerprints[0].setup, "actpass");
    EXPECT_EQ(transport.fingerprints[0].value, "AC:58:9E:01");
    ASSERT_EQ(transport.candidates.size(), 2U);
    EXPECT_EQ(transport.candidates[0].ip, "203.0.113.5");
    EXPECT_EQ(transport.candidates[0].port, 10000);
    EXPECT_EQ(transport.candidates[0].priority, 2130706431U);
    EXPECT_EQ(transport.candidates[1].type, "srflx");
    EXPECT_EQ(transport.candidates[1].rel_addr, "203.0.113.5");
    EXPECT_EQ(transport.candidates[1].rel_port, 10000);
    EXPECT_EQ(transport.web_sockets, std::vector<std::string>{"wss://jvb1.example.com/colibri-ws/x/y?pwd=z"});
    EXPECT_TRUE(transport.rtcp_mux);
    EXPECT_FALSE(transport.sctpmap);

    const JingleContent* video = jingle->content("video");
    ASSERT_NE(video, nullptr);
    ASSERT_EQ(video->description->payload_types.size(), 3U);
    EXPECT_EQ(video->description->payload_types[0].rtcp_fbs[2].subtype, "pli");
    EXPECT_EQ(video->description->payload_types[2].parameter("apt"), "100");

    const JingleContent* data = jingle->content("data");
    ASSERT_NE(data, nullptr);
    EXPECT_EQ(data->description->media, "application");
    ASSERT_TRUE(data->transport->sctpmap);
    EXPECT_EQ(data->transport->sctpmap->number, 5000);
    EXPECT_EQ(data->transport->sctpmap->protocol, "webrtc-datachannel");
    EXPECT_EQ(data->transport->sctpmap->streams, 1024U);

    ASSERT_TRUE(jingle->group);
    EXPECT_EQ(jingle->group->semantics, "BUNDLE");
    EXPECT_EQ(jingle->group->contents, (std::vector<std::string>{"audio", "video", "data"}));
    ASSERT_TRUE(jingle->bridge_session);
    EXPECT_EQ(jingle->bridge_session->region, "us-east-1");
    EXPECT_FALSE(jingle->bridge_session->restart);
    ASSERT_TRUE(jingle->start_muted);
    EXPECT_TRUE(jingle->start_muted->audio);
    EXPECT_FALSE(jingle->start_muted->video);
    ASSERT_TRUE(jingle->json_message);
    EXPECT_EQ(jingle->json_message->json.rfind("{\"sources\":", 0), 0U);
    EXPECT_FALSE(jingle->reason);
}

TEST(Jingle, SessionAcceptAsLibJitsiMeetSendsIt) {
    const auto jingle = Jingle::parse(xml(kClientSessionAccept));
    ASSERT_TRUE(jingle) << jingle.error().message();
    EXPECT_EQ(jingle->action, JingleAction::session_accept);
    ASSERT_TRUE(jingle->responder);
    EXPECT_EQ(jingle->responder->resource(), "2b016c41");
    EXPECT_EQ(jingle->group->contents.size(), 3U);

    const JingleContent* audio = jingle->content("audio");
    ASSERT_NE(audio, nullptr);
    EXPECT_EQ(audio->description->sources.at(0).ssrc, 1757014965U);
    EXPECT_EQ(audio->description->sources.at(0).msid(), "stream-a track-a");
    EXPECT_FALSE(audio->description->sources.at(0).owner);
    EXPECT_TRUE(audio->transport->candidates.empty()) << "the current client sends its answer without candidates";
    EXPECT_EQ(audio->transport->fingerprints.at(0).setup, "active");

    const JingleContent* video = jingle->content("video");
    ASSERT_NE(video, nullptr);
    ASSERT_TRUE(video->initial_last_n);
    EXPECT_EQ(video->initial_last_n->value, 25);
    ASSERT_EQ(video->description->sources.size(), 2U);
    EXPECT_EQ(video->description->sources[1].video_type, "camera");
    ASSERT_EQ(video->description->ssrc_groups.size(), 1U);
    EXPECT_EQ(video->description->ssrc_groups[0].semantics, "FID");
    EXPECT_EQ(video->description->ssrc_groups[0].ssrcs, (std::vector<std::uint32_t>{3396227138U, 1271418620U}));

    const JingleContent* data = jingle->content("data");
    ASSERT_NE(data, nullptr);
    EXPECT_FALSE(data->description);
    EXPECT_EQ(data->transport->sctpmap->streams, 0U);

    // Our serialization orders children differently from the client's, but nothing is lost.
    const auto again = Jingle::parse(jingle->to_xml());
    ASSERT_TRUE(again) << again.error().message();
    EXPECT_EQ(*again, *jingle);
}

TEST(Jingle, SourceAddWithSimulcastAndRtxGroups) {
    const auto golden = xml(kSourceAdd);
    EXPECT_TRUE(round_trips<Jingle>(golden));
    const auto jingle = Jingle::parse(golden);
    ASSERT_TRUE(jingle) << jingle.error().message();
    EXPECT_EQ(jingle->action, JingleAction::source_add);
    EXPECT_FALSE(jingle->initiator);
    ASSERT_EQ(jingle->contents.size(), 1U);
    const JingleContent& video = jingle->contents[0];
    EXPECT_FALSE(video.creator);
    EXPECT_FALSE(video.transport);
    ASSERT_EQ(video.description->sources.size(), 6U);
    EXPECT_EQ(video.description->sources[0].owner, "room1@conference.meet.test/2b016c41");
    EXPECT_EQ(video.description->sources[5].ssrc, 4294967295U);
    EXPECT_EQ(video.description->sources[5].video_type, "desktop");
    ASSERT_EQ(video.description->ssrc_groups.size(), 4U);
    EXPECT_EQ(video.description->ssrc_groups[0].semantics, "SIM");
    EXPECT_EQ(video.description->ssrc_groups[0].ssrcs, (std::vector<std::uint32_t>{1, 2, 3}));
    EXPECT_EQ(video.description->ssrc_groups[3].ssrcs, (std::vector<std::uint32_t>{3, 4294967295U}));
}

TEST(Jingle, SessionTerminateAskingForRestart) {
    const auto golden = xml(kRestartTerminate);
    EXPECT_TRUE(round_trips<Jingle>(golden));
    const auto jingle = Jingle::parse(golden);
    ASSERT_TRUE(jingle) << jingle.error().message();
    EXPECT_EQ(jingle->action, JingleAction::session_terminate);
    ASSERT_TRUE(jingle->reason);
    EXPECT_EQ(jingle->reason->condition, JingleReasonCondition::connectivity_error);
    EXPECT_EQ(jingle->reason->text, "ICE FAILED");
    ASSERT_TRUE(jingle->bridge_session);
    EXPECT_EQ(jingle->bridge_session->id, "9d4f1c0a");
    EXPECT_EQ(jingle->bridge_session->restart, true);
    EXPECT_TRUE(jingle->contents.empty());
}

TEST(Jingle, FocusTerminateBuiltFromValues) {
    Jingle jingle;
    jingle.action = JingleAction::session_terminate;
    jingle.initiator = Jid::parse("focus@auth.example.com/focus").value();
    jingle.sid = "abc123";
    jingle.reason = JingleReason{JingleReasonCondition::success, "moving"};
    EXPECT_TRUE(same_xml(jingle.to_xml(), xml(R"(<jingle xmlns='urn:xmpp:jingle:1' action='session-terminate'
        initiator='focus@auth.example.com/focus' sid='abc123'><reason><success/><text>moving</text></reason></jingle>)")));

    jingle.reason = JingleReason{JingleReasonCondition::expired, std::nullopt};
    const auto written = jingle.to_xml();
    ASSERT_NE(written.child("reason", kNsJingle), nullptr);
    EXPECT_TRUE(
        same_xml(*written.child("reason", kNsJingle), xml("<reason xmlns='urn:xmpp:jingle:1'><expired/></reason>")));
}

TEST(Jingle, SessionInfoForms) {
    const auto ice_failed = Jingle::parse(xml(R"(<jingle xmlns='urn:xmpp:jingle:1' action='session-info' sid='s1'>
        <ice-state xmlns='http://jitsi.org/protocol/focus'>failed</ice-state>
        <bridge-session xmlns='http://jitsi.org/protocol/focus' id='b1'/></jingle>)"));
    ASSERT_TRUE(ice_failed) << ice_failed.error().message();
    EXPECT_EQ(ice_failed->action, JingleAction::session_info);
    ASSERT_TRUE(ice_failed->ice_state);
    EXPECT_EQ(ice_failed->ice_state->state, "failed");
    EXPECT_EQ(ice_failed->bridge_session->id, "b1");
    EXPECT_EQ(Jingle::parse(ice_failed->to_xml()).value(), *ice_failed);

    const auto golden = xml(R"(<jingle xmlns='urn:xmpp:jingle:1' action='session-info'
        initiator='focus@auth.meet.test/focus' sid='s1'>
        <bridge-session xmlns='http://jitsi.org/protocol/focus' id='b1' ice-restart='true'/></jingle>)");
    EXPECT_TRUE(round_trips<Jingle>(golden));
    const auto ice_restart = Jingle::parse(golden);
    ASSERT_TRUE(ice_restart);
    EXPECT_EQ(ice_restart->bridge_session->ice_restart, true);
    EXPECT_FALSE(ice_restart->ice_state);
}

TEST(Jingle, TransportInfoWithTrickledCandidatesAndIceRestartGeneration) {
    const auto golden = xml(R"(<jingle xmlns='urn:xmpp:jingle:1' action='transport-info' sid='s1'>
      <content creator='initiator' name='audio'>
        <transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='u2' pwd='p2' ice-generation='3'>
          <candidate component='1' foundation='3' generation='0' id='xk2' ip='2001:db8::1' port='9'
                     priority='1518280447' protocol='tcp' type='host' network='1' tcptype='active'/>
          <candidate component='1' foundation='4' generation='1' id='xk3' ip='a1b2c3.local' port='0'
                     priority='1' protocol='udp' type='relay'/>
        </transport></content></jingle>)");
    EXPECT_TRUE(round_trips<Jingle>(golden));
    const auto jingle = Jingle::parse(golden);
    ASSERT_TRUE(jingle) << jingle.error().message();
    const IceUdpTransport& transport = *jingle->contents.at(0).transport;
    EXPECT_EQ(transport.ice_generation, 3U);
    EXPECT_EQ(transport.candidates.at(0).tcptype, "active");
    EXPECT_EQ(transport.candidates.at(0).ip, "2001:db8::1");
    EXPECT_EQ(transport.candidates.at(1).port, 0);
    EXPECT_FALSE(jingle->contents.at(0).description);
}

TEST(Jingle, ActionNames) {
    for (const auto action :
         {JingleAction::session_initiate, JingleAction::session_accept, JingleAction::session_terminate,
          JingleAction::session_info, JingleAction::transport_info, JingleAction::transport_accept,
          JingleAction::transport_reject, JingleAction::transport_replace, JingleAction::source_add,
          JingleAction::source_remove, JingleAction::addsource, JingleAction::removesource}) {
        EXPECT_EQ(jingle_action_from_string(to_string(action)), action) << to_string(action);
    }
    EXPECT_EQ(jingle_action_from_string("addsource"), JingleAction::addsource);
    EXPECT_EQ(jingle_action_from_string("removesource"), JingleAction::removesource);
    EXPECT_FALSE(jingle_action_from_string("content-add"));
}

TEST(Jingle, LegacyAndUnknownActionsKeepTheirNames) {
    const auto legacy = xml(R"(<jingle xmlns='urn:xmpp:jingle:1' action='removesource' sid='s1'>
        <content name='audio'><description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'>
        <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='5'/></description></content></jingle>)");
    EXPECT_TRUE(round_trips<Jingle>(legacy));
    EXPECT_EQ(Jingle::parse(legacy)->action, JingleAction::removesource);

    const auto unknown = xml("<jingle xmlns='urn:xmpp:jingle:1' action='content-add' sid='s1'/>");
    const auto parsed = Jingle::parse(unknown);
    ASSERT_TRUE(parsed) << "an unsupported action parses so that it can be answered feature-not-implemented";
    EXPECT_EQ(parsed->action, JingleAction::unknown);
    EXPECT_EQ(parsed->unknown_action, "content-add");
    EXPECT_EQ(parsed->action_name(), "content-add");
    EXPECT_TRUE(round_trips<Jingle>(unknown));
}

TEST(Jingle, UnknownChildrenAreIgnored) {
    const auto jingle = Jingle::parse(xml(R"(<jingle xmlns='urn:xmpp:jingle:1' action='session-accept' sid='s1'>
        <trace xmlns='urn:example:trace' traceparent='00-abc'/>
        <content creator='responder' name='audio'>
          <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'>
            <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='transport-cc'/>
            <encryption xmlns='urn:xmpp:jingle:apps:rtp:1'/>
            <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='7'><extra xmlns='urn:example'/></source>
          </description>
          <transport xmlns='urn:xmpp:jingle:transports:raw-udp:1'/>
          <transport xmlns='urn:xmpp:jingle:transports:ice-udp:1'><unknown/></transport>
        </content>
        <content creator='responder' name='video'>
          <description xmlns='urn:xmpp:jingle:apps:file-transfer:5'/>
        </content></jingle>)"));
    ASSERT_TRUE(jingle) << jingle.error().message();
    ASSERT_EQ(jingle->contents.size(), 2U);
    EXPECT_EQ(jingle->contents[0].description->sources.at(0).ssrc, 7U);
    ASSERT_TRUE(jingle->contents[0].transport) << "the ice-udp transport is found after a raw-udp one";
    EXPECT_FALSE(jingle->contents[1].description) << "a non-RTP description is not ours";
}

TEST(Jingle, InitialLastNInsideTheDescriptionIsAccepted) {
    const auto content = JingleContent::parse(xml(R"(<content xmlns='urn:xmpp:jingle:1' name='video'>
        <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='video'>
          <initial-last-n xmlns='jitsi:colibri2' value='-1'/></description></content>)"));
    ASSERT_TRUE(content) << content.error().message();
    ASSERT_TRUE(content->initial_last_n);
    EXPECT_EQ(content->initial_last_n->value, -1);
}

TEST(JingleRtp, BuildingBlocksRoundTrip) {
    EXPECT_TRUE(round_trips<RtpParameter>(xml("<parameter name='0-15'/>")));
    EXPECT_TRUE(round_trips<RtcpFb>(xml("<rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='goog-remb'/>")));
    EXPECT_TRUE(round_trips<PayloadType>(
        xml("<payload-type xmlns='urn:xmpp:jingle:apps:rtp:1' id='0' ptime='20' maxptime='40'/>")));
    EXPECT_TRUE(
        round_trips<RtpHdrExt>(xml("<rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='255' "
                                   "uri='urn:x' senders='initiator'/>")));
    EXPECT_TRUE(round_trips<DtlsFingerprint>(
        xml("<fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' hash='sha-256' setup='passive' cryptex='true'>"
            "AA:BB</fingerprint>")));
    EXPECT_TRUE(round_trips<IceUdpTransport>(xml("<transport xmlns='urn:xmpp:jingle:transports:ice-udp:1'/>")));
    EXPECT_TRUE(round_trips<InitialLastN>(xml("<initial-last-n xmlns='jitsi:colibri2' value='0'/>")));
    EXPECT_TRUE(round_trips<BridgeSession>(xml("<bridge-session xmlns='http://jitsi.org/protocol/focus' id='x'/>")));
    EXPECT_TRUE(round_trips<IceState>(xml("<ice-state xmlns='http://jitsi.org/protocol/focus'>checking</ice-state>")));

    const auto fp =
        DtlsFingerprint::parse(xml("<fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' hash='sha-256' setup='passive' "
                                   "cryptex='true'>AA</fingerprint>"));
    ASSERT_TRUE(fp);
    EXPECT_EQ(fp->cryptex, true);

    const auto start_muted =
        StartMuted::parse(xml("<startmuted xmlns='http://jitsi.org/jitmeet/start-muted' video='1'/>"));
    ASSERT_TRUE(start_muted);
    EXPECT_FALSE(start_muted->audio);
    EXPECT_TRUE(start_muted->video);

    for (const auto condition :
         {JingleReasonCondition::alternative_session, JingleReasonCondition::general_error, JingleReasonCondition::gone,
          JingleReasonCondition::unsupported_transports, JingleReasonCondition::security_error}) {
        const JingleReason reason{condition, std::nullopt};
        EXPECT_EQ(JingleReason::parse(reason.to_xml()).value(), reason) << to_string(condition);
    }
}

TEST(Jingle, MissingOrEmptyRequiredAttributes) {
    EXPECT_TRUE(fails_naming("<jingle xmlns='urn:xmpp:jingle:1' action='session-accept'/>", "'sid'"));
    EXPECT_TRUE(fails_naming("<jingle xmlns='urn:xmpp:jingle:1' action='session-accept' sid=''/>", "'sid'"));
    EXPECT_TRUE(fails_naming("<jingle xmlns='urn:xmpp:jingle:1' sid='s1'/>", "'action'"));
    EXPECT_TRUE(fails_naming("<jingle xmlns='urn:xmpp:jingle:1' action='' sid='s1'/>", "'action'"));
    EXPECT_TRUE(
        fails_naming("<jingle xmlns='urn:xmpp:jingle:1' action='source-add' sid='s1'><content/></jingle>", "'name'"));
    EXPECT_TRUE(fails_naming("<jingle xmlns='urn:example' action='source-add' sid='s1'/>", "jingle"));
    EXPECT_TRUE(fails_naming("<jingle xmlns='urn:xmpp:jingle:1' action='session-accept' sid='s1' initiator='@x'/>",
                             "'initiator'"));
    EXPECT_TRUE(fails_naming(R"(<jingle xmlns='urn:xmpp:jingle:1' action='session-accept' sid='s1'>
        <group xmlns='urn:xmpp:jingle:apps:grouping:0' semantics='BUNDLE'><content/></group></jingle>)",
                             "'name'"));
    EXPECT_TRUE(fails_naming(R"(<jingle xmlns='urn:xmpp:jingle:1' action='session-terminate' sid='s1'>
        <bridge-session xmlns='http://jitsi.org/protocol/focus' id='b' restart='maybe'/></jingle>)",
                             "'restart'"));
    EXPECT_TRUE(fails_naming(R"(<jingle xmlns='urn:xmpp:jingle:1' action='session-terminate' sid='s1'>
        <bridge-session xmlns='http://jitsi.org/protocol/focus'/></jingle>)",
                             "'id'"));
    EXPECT_TRUE(fails_naming(R"(<jingle xmlns='urn:xmpp:jingle:1' action='session-terminate' sid='s1'>
        <reason><text>no condition</text></reason></jingle>)",
                             "without a condition"));
    EXPECT_TRUE(fails_naming(R"(<jingle xmlns='urn:xmpp:jingle:1' action='session-terminate' sid='s1'>
        <reason><tired/></reason></jingle>)",
                             "tired"));
}

TEST(Jingle, MalformedSourcesAreRefusedNamingTheAttribute) {
    const std::string_view source_anchor = "ssrc='1' name";
    EXPECT_TRUE(fails_naming(with(kSourceAdd, source_anchor, "ssrc='1'", "ssrc='abc'"), "'ssrc' is not a number"));
    EXPECT_TRUE(
        fails_naming(with(kSourceAdd, source_anchor, "ssrc='1'", "ssrc='4294967296'"), "'ssrc' is out of range"));
    EXPECT_TRUE(fails_naming(with(kSourceAdd, source_anchor, "ssrc='1'", "ssrc='-1'"), "'ssrc' is out of range"));
    EXPECT_TRUE(fails_naming(with(kSourceAdd, source_anchor, "ssrc='1'", "ssrc='99999999999999999999999'"),
                             "'ssrc' is out of range"));
    EXPECT_TRUE(fails_naming(with(kSourceAdd, source_anchor, "ssrc='1'", "ssrc=''"), "'ssrc' is not a number"));
    EXPECT_TRUE(fails_naming(with(kSourceAdd, source_anchor, "ssrc='1'", "ssrc=' 1'"), "'ssrc' is not a number"));
    EXPECT_TRUE(fails_naming(with(kSourceAdd, source_anchor, "ssrc='1'", "data-ssrc='1'"), "without 'ssrc'"));
    EXPECT_TRUE(fails_naming(with(kSourceAdd, "semantics='SIM'", "ssrc='2'", "ssrc='two'"), "SIM"));
    EXPECT_TRUE(fails_naming(with(kSourceAdd, "semantics='SIM'", "semantics='SIM'", "semantics=''"), "'semantics'"));
    // The error says which content was wrong.
    EXPECT_TRUE(fails_naming(with(kSourceAdd, source_anchor, "ssrc='1'", "ssrc='abc'"), "content 'video'"));
}

TEST(Jingle, MalformedOfferPartsAreRefusedNamingTheAttribute) {
    const std::string_view opus = "<payload-type id='111'";
    EXPECT_TRUE(fails_naming(with(kSessionInitiate, opus, "id='111' ", ""), "<payload-type/> without 'id'"));
    EXPECT_TRUE(fails_naming(with(kSessionInitiate, opus, "id='111'", "id='128'"), "'id' is out of range"));
    EXPECT_TRUE(fails_naming(with(kSessionInitiate, opus, "clockrate='48000'", "clockrate='fast'"), "'clockrate'"));
    EXPECT_TRUE(fails_naming(with(kSessionInitiate, opus, "channels='2'", "channels='-2'"), "'channels'"));
    EXPECT_TRUE(fails_naming(with(kSessionInitiate, "<parameter name='minptime'", "name='minptime' ", ""),
                             "<parameter/> without 'name'"));
    EXPECT_TRUE(fails_naming(with(kSessionInitiate, "type='transport-cc'", "type='transport-cc'", "kind='x'"),
                             "<rtcp-fb/> without 'type'"));
    EXPECT_TRUE(fails_naming(with(kSessionInitiate, "<rtp-hdrext", "id='1'", "id='0'"), "'id' is out of range"));
    EXPECT_TRUE(fails_naming(with(kSessionInitiate, "<rtp-hdrext", "uri=", "url="), "without 'uri'"));
    EXPECT_TRUE(fails_naming(with(kSessionInitiate, "maxptime='60'", "maxptime='60'", "maxptime='1.5'"), "'maxptime'"));

    const std::string_view host = "<candidate component='1' foundation='1'";
    EXPECT_TRUE(fails_naming(with(kSessionInitiate, host, "ip='203.0.113.5' ", ""), "<candidate/> without 'ip'"));
    EXPECT_TRUE(fails_naming(with(kSessionInitiate, host, "ip='203.0.113.5'", "ip=''"), "'ip' is empty"));
    EXPECT_TRUE(fails_naming(with(kSessionInitiate, host, "port='10000'", "port='65536'"), "'port' is out of range"));
    EXPECT_TRUE(fails_naming(with(kSessionInitiate, host, "port='10000'", "port='http'"), "'port' is not a number"));
    EXPECT_TRUE(fails_naming(with(kSessionInitiate, host, "component='1'", "component='0'"), "'component'"));
    EXPECT_TRUE(
        fails_naming(with(kSessionInitiate, host, "priority='2130706431'", "priority='4294967296'"), "'priority'"));
    EXPECT_TRUE(fails_naming(with(kSessionInitiate, host, "generation='0' ", ""), "without 'generation'"));
    EXPECT_TRUE(fails_naming(with(kSessionInitiate, "type='srflx'", "rel-port='10000'", "rel-port='99999'"),
                             "'rel-port' is out of range"));
    EXPECT_TRUE(fails_naming(with(kSessionInitiate, "<sctpmap", "number='5000'", "number='70000'"),
                             "'number' is out of range"));
    EXPECT_TRUE(fails_naming(with(kSessionInitiate, "<sctpmap", "protocol=", "proto="), "without 'protocol'"));
    EXPECT_TRUE(fails_naming(with(kSessionInitiate, "<fingerprint", "hash='sha-256' ", ""), "without 'hash'"));
    EXPECT_TRUE(fails_naming(with(kSessionInitiate, "<web-socket", "url=", "href="), "without 'url'"));
    EXPECT_TRUE(fails_naming(with(kSessionInitiate, "<startmuted", "audio='true'", "audio='loud'"), "'audio'"));
    EXPECT_TRUE(fails_naming(with(kClientSessionAccept, "<initial-last-n", "value='25'", "value='all'"), "'value'"));
    EXPECT_TRUE(fails_naming(with(kClientSessionAccept, "ice-udp", "ufrag='hLAv'", "ufrag='hLAv' ice-generation='x'"),
                             "'ice-generation'"));
}

}  // namespace
}  // namespace jicofo::stanza
