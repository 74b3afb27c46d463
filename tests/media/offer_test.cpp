// The offer: Jicofo's default contents as the protocol shows them, what configuration and client features change,
// the colibri2 media that go with it, and completing it with the bridge's transport.
#include "jicofo/media/offer.hpp"

#include "stanza/golden.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace jicofo::media {
namespace {

using stanza::testing::same_xml;
using stanza::testing::xml;

// Protocol section 4(e) with jicofo.codec at its defaults: the audio content as shown there, and the video content
// with every payload type spelled out (AV1 41, VP8 100, H264 107, VP9 101, then RTX 42/96/97/99).
constexpr std::string_view kDefaultAudio = R"(
<content xmlns='urn:xmpp:jingle:1' creator='initiator' name='audio' senders='both'>
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
  <rtcp-mux/>
 </description>
</content>)";

constexpr std::string_view kDefaultVideo = R"(
<content xmlns='urn:xmpp:jingle:1' creator='initiator' name='video' senders='both'>
 <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='video'>
  <payload-type id='41' name='AV1' clockrate='90000'>
    <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='ccm' subtype='fir'/>
    <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack'/>
    <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack' subtype='pli'/>
    <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='transport-cc'/>
  </payload-type>
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
    <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='ccm' subtype='fir'/>
    <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack'/>
    <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack' subtype='pli'/>
    <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='transport-cc'/>
  </payload-type>
  <payload-type id='101' name='VP9' clockrate='90000'>
    <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='ccm' subtype='fir'/>
    <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack'/>
    <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack' subtype='pli'/>
    <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='transport-cc'/>
  </payload-type>
  <payload-type id='42' name='rtx' clockrate='90000'>
    <parameter name='apt' value='41'/>
    <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='ccm' subtype='fir'/>
    <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack'/>
    <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack' subtype='pli'/>
  </payload-type>
  <payload-type id='96' name='rtx' clockrate='90000'>
    <parameter name='apt' value='100'/>
    <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='ccm' subtype='fir'/>
    <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack'/>
    <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack' subtype='pli'/>
  </payload-type>
  <payload-type id='97' name='rtx' clockrate='90000'>
    <parameter name='apt' value='101'/>
    <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='ccm' subtype='fir'/>
    <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack'/>
    <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack' subtype='pli'/>
  </payload-type>
  <payload-type id='99' name='rtx' clockrate='90000'><parameter name='apt' value='107'/></payload-type>
  <rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='11'
              uri='https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension'/>
  <rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='10' uri='urn:ietf:params:rtp-hdrext:sdes:mid'/>
  <rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='3'
              uri='http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time'/>
  <rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='5'
              uri='http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01'/>
  <extmap-allow-mixed xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0'/>
  <rtcp-mux/>
 </description>
</content>)";

// Jicofo puts rtcp-mux into every description of the offer, the data content's included.
constexpr std::string_view kDefaultData = R"(
<content xmlns='urn:xmpp:jingle:1' creator='initiator' name='data' senders='both'>
 <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='application'><rtcp-mux/></description>
</content>)";

std::vector<std::string> names(const std::vector<stanza::JingleContent>& contents) {
    std::vector<std::string> out;
    out.reserve(contents.size());
    for (const auto& c : contents) {
        out.push_back(c.name);
    }
    return out;
}

std::vector<int> pt_ids(const stanza::JingleContent& content) {
    std::vector<int> out;
    for (const auto& pt : content.description->payload_types) {
        out.push_back(pt.id);
    }
    return out;
}

std::vector<int> hdrext_ids(const stanza::JingleContent& content) {
    std::vector<int> out;
    for (const auto& ext : content.description->hdrexts) {
        out.push_back(ext.id);
    }
    return out;
}

bool has_fb(const stanza::PayloadType& pt, std::string_view type) {
    for (const auto& fb : pt.rtcp_fbs) {
        if (fb.type == type) {
            return true;
        }
    }
    return false;
}

TEST(Offer, DefaultConfigurationGivesTheProtocolsOffer) {
    const auto contents = build_offer(config::CodecConfigs{}, OfferOptions{});
    ASSERT_EQ(names(contents), (std::vector<std::string>{"audio", "video", "data"}));
    EXPECT_TRUE(same_xml(contents[0].to_xml(), xml(kDefaultAudio)));
    EXPECT_TRUE(same_xml(contents[1].to_xml(), xml(kDefaultVideo)));
    EXPECT_TRUE(same_xml(contents[2].to_xml(), xml(kDefaultData)));
    for (const auto& c : contents) {
        EXPECT_FALSE(c.transport.has_value()) << c.name << ": the transport comes from the bridge";
        EXPECT_TRUE(c.description->sources.empty()) << c.name;
    }
}

TEST(Offer, DisabledCodecsAndExtensionsDropOut) {
    config::CodecConfigs codecs;
    codecs.vp9.enabled = false;
    codecs.h264.pt = -1;     // no payload type: not offered, as in Jicofo
    codecs.av1.rtx_pt = -1;  // AV1 without RTX
    codecs.telephone_event.enabled = false;
    codecs.rtp_extensions.abs_send_time.enabled = false;
    codecs.rtp_extensions.mid.enabled = false;
    codecs.rtp_extensions.extmap_allow_mixed = false;

    const auto contents = build_offer(codecs, OfferOptions{});
    ASSERT_EQ(contents.size(), 3U);
    EXPECT_EQ(pt_ids(contents[0]), (std::vector<int>{111}));
    EXPECT_EQ(pt_ids(contents[1]), (std::vector<int>{41, 100, 96}));
    EXPECT_EQ(hdrext_ids(contents[0]), (std::vector<int>{1, 5}));
    EXPECT_EQ(hdrext_ids(contents[1]), (std::vector<int>{11, 5}));
    EXPECT_FALSE(contents[0].description->extmap_allow_mixed);
    EXPECT_FALSE(contents[1].description->extmap_allow_mixed);
}

TEST(Offer, ExtensionsFollowTheirConfiguredIds) {
    config::CodecConfigs codecs;
    codecs.rtp_extensions.video_layers_allocation.enabled = true;
    codecs.rtp_extensions.tof.enabled = true;
    codecs.rtp_extensions.rid.enabled = true;
    codecs.rtp_extensions.tcc.id = 6;
    const auto contents = build_offer(codecs, OfferOptions{});
    // Jicofo's order: layers allocation, AV1 DD, toffset, mid, abs-send-time, ..., rid, transport-cc.
    EXPECT_EQ(hdrext_ids(contents[1]), (std::vector<int>{12, 11, 2, 10, 3, 4, 6}));
    EXPECT_EQ(hdrext_ids(contents[0]), (std::vector<int>{1, 10, 6}));
}

TEST(Offer, RembOnlyWithoutTransportCc) {
    OfferOptions options;
    options.tcc = false;
    options.remb = true;
    config::CodecConfigs codecs;
    codecs.vp9.enable_remb = false;
    const auto contents = build_offer(codecs, options);

    for (const auto& pt : contents[1].description->payload_types) {
        if (pt.name == "rtx") {
            continue;
        }
        EXPECT_FALSE(has_fb(pt, "transport-cc")) << pt.name;
        EXPECT_EQ(has_fb(pt, "goog-remb"), pt.name != "VP9") << pt.name;
    }
    EXPECT_FALSE(has_fb(contents[0].description->payload_types[0], "transport-cc"));
    EXPECT_EQ(hdrext_ids(contents[0]), (std::vector<int>{1, 10}));
    EXPECT_EQ(hdrext_ids(contents[1]), (std::vector<int>{11, 10, 3}));
}

TEST(Offer, NoRtxWhenTheClientLacksIt) {
    OfferOptions options;
    options.rtx = false;
    const auto contents = build_offer(config::CodecConfigs{}, options);
    EXPECT_EQ(pt_ids(contents[1]), (std::vector<int>{41, 100, 107, 101}));
}

TEST(Offer, OpusRedComesFirstAndReplacesInbandFec) {
    config::CodecConfigs codecs;
    codecs.opus.red.enabled = true;

    const auto with_red = build_offer(codecs, OfferOptions{});
    const auto& pts = with_red[0].description->payload_types;
    ASSERT_EQ(pt_ids(with_red[0]), (std::vector<int>{112, 111, 126}));
    EXPECT_TRUE(same_xml(pts[0].to_xml(), xml("<payload-type xmlns='urn:xmpp:jingle:apps:rtp:1' id='112' name='red' "
                                              "clockrate='48000' channels='2'><parameter name='' value='111/111'/>"
                                              "</payload-type>")));
    EXPECT_FALSE(pts[1].parameter("useinbandfec").has_value());

    OfferOptions no_red;
    no_red.opus_red = false;
    const auto without = build_offer(codecs, no_red);
    ASSERT_EQ(pt_ids(without[0]), (std::vector<int>{111, 126}));
    EXPECT_EQ(without[0].description->payload_types[0].parameter("useinbandfec"), "1");
}

TEST(Offer, OptionsSelectTheContents) {
    OfferOptions audio_only;
    audio_only.video = false;
    audio_only.sctp = false;
    EXPECT_EQ(names(build_offer(config::CodecConfigs{}, audio_only)), (std::vector<std::string>{"audio"}));

    OfferOptions no_data;
    no_data.sctp = false;
    EXPECT_EQ(names(build_offer(config::CodecConfigs{}, no_data)), (std::vector<std::string>{"audio", "video"}));

    OfferOptions nothing{false, false, false, false, false, false, false};
    EXPECT_TRUE(build_offer(config::CodecConfigs{}, nothing).empty());
}

TEST(OfferOptions, FollowTheClientsFeatures) {
    const auto unknown = offer_options(ParticipantCapabilities::defaults(), true);
    EXPECT_EQ(unknown, (OfferOptions{true, true, true, false, false, false, false}));

    ParticipantCapabilities chrome = ParticipantCapabilities::defaults();
    chrome.rtx = chrome.tcc = chrome.remb = chrome.opus_red = true;
    EXPECT_EQ(offer_options(chrome, true), (OfferOptions{true, true, true, true, false, true, true}));

    ParticipantCapabilities remb_only = ParticipantCapabilities::defaults();
    remb_only.remb = true;
    EXPECT_TRUE(offer_options(remb_only, true).remb);

    EXPECT_FALSE(offer_options(chrome, /*sctp_enabled=*/false).sctp);
    ParticipantCapabilities no_sctp = chrome;
    no_sctp.sctp = false;
    EXPECT_FALSE(offer_options(no_sctp, true).sctp);
}

TEST(ColibriMedias, CarryTheOffersCodecsAndExtensions) {
    const config::CodecConfigs codecs;
    const auto contents = build_offer(codecs, OfferOptions{});
    const auto medias = colibri_medias(codecs, OfferOptions{});
    ASSERT_EQ(medias.size(), 2U);
    EXPECT_EQ(medias[0].type, stanza::MediaType::audio);
    EXPECT_EQ(medias[1].type, stanza::MediaType::video);
    for (std::size_t i = 0; i < medias.size(); ++i) {
        EXPECT_EQ(medias[i].payload_types, contents[i].description->payload_types);
        EXPECT_EQ(medias[i].hdrexts, contents[i].description->hdrexts);
        EXPECT_TRUE(medias[i].extmap_allow_mixed);
    }
    const auto audio = xml(R"(
<media xmlns='jitsi:colibri2' type='audio'>
  <payload-type xmlns='urn:xmpp:jingle:apps:rtp:1' id='111' name='opus' clockrate='48000' channels='2'>
    <parameter name='minptime' value='10'/><parameter name='useinbandfec' value='1'/>
    <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='transport-cc'/>
  </payload-type>
  <payload-type xmlns='urn:xmpp:jingle:apps:rtp:1' id='126' name='telephone-event' clockrate='8000'/>
  <rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='1' uri='urn:ietf:params:rtp-hdrext:ssrc-audio-level'/>
  <rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='10' uri='urn:ietf:params:rtp-hdrext:sdes:mid'/>
  <rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='5'
              uri='http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01'/>
  <extmap-allow-mixed xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0'/>
</media>)");
    EXPECT_TRUE(same_xml(medias[0].to_xml(), audio));

    OfferOptions audio_only;
    audio_only.video = false;
    const auto only = colibri_medias(codecs, audio_only);
    ASSERT_EQ(only.size(), 1U);
    EXPECT_EQ(only[0].type, stanza::MediaType::audio);
}

stanza::IceUdpTransport bridge_transport() {
    stanza::IceUdpTransport t;
    t.ufrag = "6pq2g1j0ipm2ks";
    t.pwd = "3ktb2ksfv7lqmsq0oe3frqrlg";
    t.fingerprints.push_back(stanza::DtlsFingerprint{"sha-256", "actpass", std::nullopt, "AC:58:9E:01"});
    stanza::IceCandidate candidate;
    candidate.foundation = "1";
    candidate.id = "653aa1ba";
    candidate.ip = "203.0.113.5";
    candidate.port = 10000;
    candidate.priority = 2130706431;
    candidate.protocol = "udp";
    candidate.type = "host";
    t.candidates.push_back(candidate);
    t.web_sockets.emplace_back("wss://jvb1.example.com/colibri-ws/x/y?pwd=z");
    return t;
}

TEST(AttachTransport, CopiesTheBridgesTransportAndAddsTheSctpMapToData) {
    auto contents = build_offer(config::CodecConfigs{}, OfferOptions{});
    attach_transport(contents, bridge_transport(), std::uint16_t{5000});
    ASSERT_EQ(contents.size(), 3U);
    for (const auto& c : contents) {
        ASSERT_TRUE(c.transport.has_value()) << c.name;
        EXPECT_EQ(c.transport->ufrag, "6pq2g1j0ipm2ks") << c.name;
        EXPECT_EQ(c.transport->candidates, bridge_transport().candidates) << c.name;
    }
    EXPECT_FALSE(contents[0].transport->sctpmap.has_value());
    EXPECT_FALSE(contents[1].transport->sctpmap.has_value());
    EXPECT_TRUE(same_xml(contents[2].transport->sctpmap->to_xml(),
                         xml("<sctpmap xmlns='urn:xmpp:jingle:transports:dtls-sctp:1' number='5000' "
                             "protocol='webrtc-datachannel' streams='1024'/>")));
    EXPECT_TRUE(same_xml(bundle_group(contents).to_xml(),
                         xml("<group xmlns='urn:xmpp:jingle:apps:grouping:0' semantics='BUNDLE'><content name='audio'/>"
                             "<content name='video'/><content name='data'/></group>")));
}

TEST(AttachTransport, WithoutAnSctpPortTheDataContentGoes) {
    auto contents = build_offer(config::CodecConfigs{}, OfferOptions{});
    attach_transport(contents, bridge_transport(), std::nullopt);
    EXPECT_EQ(names(contents), (std::vector<std::string>{"audio", "video"}));
}

TEST(TransportFromContents, TakesTheFirstTransportWithRtcpMux) {
    auto contents = build_offer(config::CodecConfigs{}, OfferOptions{});
    EXPECT_FALSE(transport_from_contents(contents).has_value());

    stanza::IceUdpTransport client;
    client.ufrag = "hLAv";
    client.pwd = "mAq4TzJo0bQ4hkN1nD9G1SPw";
    contents[1].transport = client;
    const auto transport = transport_from_contents(contents);
    ASSERT_TRUE(transport.has_value());
    EXPECT_EQ(transport->ufrag, "hLAv");
    EXPECT_TRUE(transport->rtcp_mux);
}

}  // namespace
}  // namespace jicofo::media
