// Participant capabilities from advertised feature vars, and the signalling decisions that follow from them.
#include "jicofo/media/capabilities.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace jicofo::media {
namespace {

// What a current lib-jitsi-meet advertises in its disco#info (the Jingle and RTP features among others).
const std::vector<std::string> kLibJitsiMeetFeatures = {
    "http://jabber.org/protocol/disco#info",
    "urn:xmpp:jingle:1",
    "urn:xmpp:jingle:apps:rtp:1",
    "urn:xmpp:jingle:transports:ice-udp:1",
    "urn:xmpp:jingle:apps:dtls:0",
    "urn:xmpp:jingle:transports:dtls-sctp:1",
    "urn:xmpp:jingle:apps:rtp:audio",
    "urn:xmpp:jingle:apps:rtp:video",
    "http://jitsi.org/json-encoded-sources",
    "urn:ietf:rfc:4588",
    "http://jitsi.org/opus-red",
    "http://jitsi.org/remb",
    "http://jitsi.org/tcc",
    "http://jitsi.org/source-name",
    "http://jitsi.org/receive-multiple-video-streams",
    "http://jitsi.org/ssrc-rewriting-1",
    "http://jitsi.org/protocol/audio-mute",
};

TEST(Capabilities, ReadFromTheClientsFeatures) {
    const auto caps = capabilities_from_features(kLibJitsiMeetFeatures);
    EXPECT_TRUE(caps.audio);
    EXPECT_TRUE(caps.video);
    EXPECT_TRUE(caps.sctp);
    EXPECT_TRUE(caps.rtx);
    EXPECT_TRUE(caps.remb);
    EXPECT_TRUE(caps.tcc);
    EXPECT_TRUE(caps.opus_red);
    EXPECT_TRUE(caps.source_names);
    EXPECT_TRUE(caps.ssrc_rewriting);
    EXPECT_TRUE(caps.receive_multiple_streams);
    EXPECT_TRUE(caps.json_sources);
    EXPECT_TRUE(caps.audio_mute);
    EXPECT_FALSE(caps.rtp_mid_demux);
}

TEST(Capabilities, NothingAdvertisedMeansJicofosDefaults) {
    const auto caps = capabilities_from_features({});
    EXPECT_EQ(caps, ParticipantCapabilities::defaults());
    EXPECT_TRUE(caps.audio);
    EXPECT_TRUE(caps.video);
    EXPECT_TRUE(caps.sctp);
    EXPECT_FALSE(caps.rtx);
    EXPECT_FALSE(caps.tcc);
    EXPECT_FALSE(caps.remb);
    EXPECT_FALSE(caps.json_sources);
    EXPECT_FALSE(caps.ssrc_rewriting);
}

TEST(Capabilities, OnlyWhatIsListedCounts) {
    // An audio-only gateway: no video, no data channel.
    const auto jigasi = capabilities_from_features(
        {"urn:xmpp:jingle:apps:rtp:audio", "http://jitsi.org/protocol/jigasi", "urn:xmpp:jingle:1"});
    EXPECT_TRUE(jigasi.audio);
    EXPECT_FALSE(jigasi.video);
    EXPECT_FALSE(jigasi.sctp);

    // Feature vars are compared exactly, and unknown ones are ignored.
    const auto odd = capabilities_from_features({"URN:XMPP:JINGLE:APPS:RTP:AUDIO", "http://example.com/x"});
    EXPECT_EQ(odd, ParticipantCapabilities{});
}

TEST(Capabilities, SignallingDecisionsNeedTheFeatureAndTheConfig) {
    const auto caps = capabilities_from_features(kLibJitsiMeetFeatures);
    config::ConferenceConfig conference;
    const config::CodecConfigs codecs;
    EXPECT_TRUE(use_ssrc_rewriting(caps, conference));
    EXPECT_TRUE(use_json_sources(caps, conference));
    EXPECT_FALSE(use_rtp_mid_demux(caps, conference, codecs));  // the client does not advertise it

    auto demux = caps;
    demux.rtp_mid_demux = true;
    EXPECT_TRUE(use_rtp_mid_demux(demux, conference, codecs));
    config::CodecConfigs no_mid;
    no_mid.rtp_extensions.mid.enabled = false;
    EXPECT_FALSE(use_rtp_mid_demux(demux, conference, no_mid));

    conference.use_ssrc_rewriting = false;
    conference.use_json_encoded_sources = false;
    EXPECT_FALSE(use_ssrc_rewriting(caps, conference));
    EXPECT_FALSE(use_json_sources(caps, conference));
    EXPECT_FALSE(use_rtp_mid_demux(demux, conference, codecs));

    const auto defaults = ParticipantCapabilities::defaults();
    EXPECT_FALSE(use_ssrc_rewriting(defaults, config::ConferenceConfig{}));
    EXPECT_FALSE(use_json_sources(defaults, config::ConferenceConfig{}));
}

}  // namespace
}  // namespace jicofo::media
