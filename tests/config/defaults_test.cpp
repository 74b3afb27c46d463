// Every default of an empty jicofo.conf equals Jicofo's reference.conf (one expectation per key).
#include <gtest/gtest.h>

#include "config_test_support.hpp"

namespace jicofo::config {
namespace {

using namespace std::chrono_literals;
using testing::load_ok;

class DefaultsTest : public ::testing::Test {
protected:
    void SetUp() override { loaded_ = load_ok(""); }
    LoadedConfig loaded_;
    const JicofoConfig& c = loaded_.config;
};

TEST_F(DefaultsTest, EmptyFileLoadsWithoutWarnings) {
    EXPECT_TRUE(loaded_.warnings.empty());
}

// The in-code defaults (used when other modules build a section directly) agree with the embedded reference.conf.
TEST_F(DefaultsTest, InCodeDefaultsMatchReferenceConf) {
    EXPECT_EQ(c, JicofoConfig{});
}

TEST_F(DefaultsTest, Xmpp) {
    EXPECT_TRUE(c.xmpp.use_jitsi_jid_validation);
    EXPECT_TRUE(c.xmpp.trusted_domains.empty());
    const auto& client = c.xmpp.client;
    EXPECT_EQ(client.name, "client");
    EXPECT_TRUE(client.enabled);
    EXPECT_EQ(client.hostname, "localhost");
    EXPECT_EQ(client.port, 5222);
    EXPECT_FALSE(client.domain);
    EXPECT_FALSE(client.xmpp_domain);
    EXPECT_EQ(client.username, "focus");
    EXPECT_EQ(client.resource, "focus");
    EXPECT_FALSE(client.password);
    EXPECT_EQ(client.reply_timeout, 15s);
    EXPECT_FALSE(client.conference_muc_jid);
    EXPECT_FALSE(client.disable_certificate_verification);
    EXPECT_FALSE(client.client_proxy);
    EXPECT_TRUE(client.use_tls);
    const auto& service = c.xmpp.service;
    EXPECT_EQ(service.name, "service");
    EXPECT_FALSE(service.enabled);
    EXPECT_EQ(service.hostname, "localhost");
    EXPECT_EQ(service.port, 6222);
    EXPECT_FALSE(service.domain);
    EXPECT_FALSE(service.xmpp_domain);
    EXPECT_EQ(service.username, "focus");
    EXPECT_EQ(service.resource, "focus");
    EXPECT_FALSE(service.password);
    EXPECT_EQ(service.reply_timeout, 15s);
    EXPECT_FALSE(service.disable_certificate_verification);
    EXPECT_TRUE(service.use_tls);
    EXPECT_TRUE(c.xmpp.visitors.empty());
}

TEST_F(DefaultsTest, Codecs) {
    struct Video {
        const char* name;
        const VideoCodecConfig& codec;
        int pt;
        int rtx_pt;
    };
    for (const Video& v : {Video{"av1", c.codec.av1, 41, 42}, Video{"vp8", c.codec.vp8, 100, 96},
                           Video{"vp9", c.codec.vp9, 101, 97}, Video{"h264", c.codec.h264, 107, 99}}) {
        SCOPED_TRACE(v.name);
        EXPECT_TRUE(v.codec.enabled);
        EXPECT_EQ(v.codec.pt, v.pt);
        EXPECT_EQ(v.codec.rtx_pt, v.rtx_pt);
        EXPECT_TRUE(v.codec.enable_remb);
        EXPECT_TRUE(v.codec.offered());
        EXPECT_TRUE(v.codec.rtx_offered());
    }
    EXPECT_TRUE(c.codec.opus.enabled);
    EXPECT_EQ(c.codec.opus.pt, 111);
    EXPECT_EQ(c.codec.opus.minptime, 10);
    EXPECT_TRUE(c.codec.opus.use_inband_fec);
    EXPECT_FALSE(c.codec.opus.red.enabled);
    EXPECT_EQ(c.codec.opus.red.pt, 112);
    EXPECT_TRUE(c.codec.telephone_event.enabled);
    EXPECT_EQ(c.codec.telephone_event.pt, 126);

    const auto& e = c.codec.rtp_extensions;
    struct Extension {
        const char* name;
        const RtpExtensionConfig& extension;
        bool enabled;
        int id;
    };
    for (const Extension& x :
         {Extension{"audio-level", e.audio_level, true, 1},
          Extension{"av1-dependency-descriptor", e.av1_dependency_descriptor, true, 11},
          Extension{"video-layers-allocation", e.video_layers_allocation, false, 12}, Extension{"tof", e.tof, false, 2},
          Extension{"abs-send-time", e.abs_send_time, true, 3}, Extension{"rid", e.rid, false, 4},
          Extension{"tcc", e.tcc, true, 5}, Extension{"video-content-type", e.video_content_type, false, 7},
          Extension{"framemarking", e.framemarking, false, 9}, Extension{"mid", e.mid, true, 10}}) {
        SCOPED_TRACE(x.name);
        EXPECT_EQ(x.extension.enabled, x.enabled);
        EXPECT_EQ(x.extension.id, x.id);
    }
    EXPECT_TRUE(e.extmap_allow_mixed);
}

TEST_F(DefaultsTest, CommonMisc) {
    EXPECT_FALSE(c.local_region);
    EXPECT_EQ(c.metrics.update_interval, 30s);
    EXPECT_FALSE(c.octo.enabled);
    EXPECT_FALSE(c.octo.allow_mixed_versions);
    EXPECT_TRUE(c.octo.sctp_datachannels);
    EXPECT_TRUE(c.sctp.enabled);
    EXPECT_EQ(c.visitors.vnode_join_latency_interval, 60s);
    EXPECT_FALSE(c.tracing.enabled);
    EXPECT_EQ(c.tracing.service_name, "jicofo");
}

TEST_F(DefaultsTest, Bridge) {
    const auto& b = c.bridge;
    EXPECT_EQ(b.max_bridge_participants, 80);
    EXPECT_EQ(b.max_bridge_participants_per_interval, -1);
    EXPECT_EQ(b.max_bridge_participants_interval, 1min);
    EXPECT_DOUBLE_EQ(b.average_participant_stress, 0.01);
    EXPECT_EQ(b.participant_rampup_interval, 20s);
    EXPECT_DOUBLE_EQ(b.stress_threshold, 0.8);
    EXPECT_EQ(b.failure_reset_threshold, 1min);
    EXPECT_EQ(b.selection_strategy, SelectionStrategy::SingleBridge);
    EXPECT_FALSE(b.visitor_selection_strategy);
    EXPECT_FALSE(b.participant_selection_strategy);
    EXPECT_EQ(b.topology_strategy, TopologyStrategy::SingleMesh);
    EXPECT_TRUE(b.region_groups.empty());
    EXPECT_TRUE(b.health_checks.enabled);
    EXPECT_EQ(b.health_checks.interval, 10s);
    EXPECT_EQ(b.health_checks.retry_delay, 5s);
    EXPECT_FALSE(b.health_checks.use_presence);
    EXPECT_EQ(b.health_checks.presence_timeout, 45s);
    EXPECT_FALSE(b.brewery_jid);
    EXPECT_EQ(b.xmpp_connection_name, XmppConnectionName::Service);
    EXPECT_FALSE(b.ice_failure_detection.enabled);
    EXPECT_EQ(b.ice_failure_detection.interval, 2min);
    EXPECT_EQ(b.ice_failure_detection.min_endpoints, 30);
    EXPECT_DOUBLE_EQ(b.ice_failure_detection.threshold, 0.1);
    EXPECT_EQ(b.ice_failure_detection.timeout, 10min);
    EXPECT_FALSE(b.load_redistribution.enabled);
    EXPECT_EQ(b.load_redistribution.interval, 1min);
    EXPECT_DOUBLE_EQ(b.load_redistribution.stress_threshold, 0.9);
    EXPECT_EQ(b.load_redistribution.timeout, 3min);
    EXPECT_EQ(b.load_redistribution.endpoints, 10);
}

TEST_F(DefaultsTest, TranscriptionAndTranslation) {
    EXPECT_FALSE(c.transcription.url_template);
    EXPECT_TRUE(c.transcription.http_headers.empty());
    EXPECT_TRUE(c.transcription.ping.enabled);
    EXPECT_EQ(c.transcription.ping.interval, 10s);
    EXPECT_EQ(c.transcription.ping.timeout, 3s);
    EXPECT_FALSE(c.translation.url_template);
    EXPECT_FALSE(c.translation.enabled());
    EXPECT_TRUE(c.translation.http_headers.empty());
    EXPECT_EQ(c.translation.mode, TranslationMode::PerSource);
    EXPECT_EQ(c.translation.max_languages_per_connect, 5);
    EXPECT_TRUE(c.translation.ping.enabled);
    EXPECT_EQ(c.translation.ping.interval, 10s);
    EXPECT_EQ(c.translation.ping.timeout, 3s);
}

TEST_F(DefaultsTest, Authentication) {
    EXPECT_FALSE(c.authentication.enabled);
    EXPECT_EQ(c.authentication.type, AuthenticationType::None);
    EXPECT_EQ(c.authentication.effective_type(), AuthenticationType::None);
    EXPECT_FALSE(c.authentication.login_url);
    EXPECT_EQ(c.authentication.authentication_lifetime, 24h);
    EXPECT_TRUE(c.authentication.enable_auto_login);
}

TEST_F(DefaultsTest, Conference) {
    const auto& f = c.conference;
    EXPECT_TRUE(f.enable_auto_owner);
    EXPECT_TRUE(f.enable_moderator_checks);
    EXPECT_EQ(f.initial_timeout, 15s);
    EXPECT_EQ(f.max_ssrcs_per_user, 20);
    EXPECT_EQ(f.max_ssrc_groups_per_user, 20);
    EXPECT_EQ(f.single_participant_timeout, 20s);
    EXPECT_EQ(f.min_participants, 2);
    EXPECT_EQ(f.max_audio_senders, 999999);
    EXPECT_EQ(f.max_video_senders, 999999);
    EXPECT_TRUE(f.strip_simulcast);
    EXPECT_TRUE(f.use_ssrc_rewriting);
    EXPECT_TRUE(f.use_rtp_mid_demux);
    EXPECT_TRUE(f.use_json_encoded_sources);
    EXPECT_FALSE(f.shared_document_use_random_name);
    EXPECT_TRUE(f.source_signaling_delays.empty());
    EXPECT_EQ(f.source_signaling_delay(500), 0ms);
    EXPECT_EQ(f.reinvite_method, ReinviteMethod::RestartJingle);
    EXPECT_TRUE(f.enable_ice_restart);
    EXPECT_EQ(f.restart_request_rate_limits.min_interval, 5s);
    EXPECT_EQ(f.restart_request_rate_limits.max_requests, 5);
    EXPECT_EQ(f.restart_request_rate_limits.interval, 1min);
}

TEST_F(DefaultsTest, HealthAndComponents) {
    EXPECT_TRUE(c.health.enabled);  // ours differs from Jicofo's (false) on purpose
    EXPECT_EQ(c.health.interval, 10s);
    EXPECT_EQ(c.health.timeout, 30s);
    EXPECT_EQ(c.health.max_check_duration, 20s);
    EXPECT_EQ(c.health.room_name_prefix, "__jicofo-health-check");
    EXPECT_FALSE(c.jibri.brewery_jid);
    EXPECT_EQ(c.jibri.num_retries, 5);
    EXPECT_EQ(c.jibri.pending_timeout, 90s);
    EXPECT_EQ(c.jibri.busy_retries, 0);  // off: all busy is refused at once, as before Jicofo's PR 1288
    EXPECT_EQ(c.jibri.busy_retry_delay, 5s);
    EXPECT_EQ(c.jibri.xmpp_connection_name, XmppConnectionName::Client);
    EXPECT_TRUE(c.jibri.use_private_address_connectivity);
    EXPECT_FALSE(c.jibri_sip.brewery_jid);
    EXPECT_FALSE(c.jigasi.brewery_jid);
    EXPECT_EQ(c.jigasi.xmpp_connection_name, XmppConnectionName::Client);
    EXPECT_TRUE(c.jigasi.use_private_address_connectivity);
}

TEST_F(DefaultsTest, RestAndVisitors) {
    EXPECT_TRUE(c.rest.enabled);
    EXPECT_EQ(c.rest.port, 8888);
    EXPECT_EQ(c.rest.host, "127.0.0.1");
    EXPECT_TRUE(c.rest.prometheus_enabled);
    EXPECT_TRUE(c.rest.conference_request_enabled);
    EXPECT_TRUE(c.rest.move_endpoints_enabled);
    EXPECT_TRUE(c.rest.debug_enabled);
    EXPECT_TRUE(c.rest.pin_enabled);
    EXPECT_FALSE(c.visitors.enabled);
    EXPECT_EQ(c.visitors.max_participants, 50);
    EXPECT_EQ(c.visitors.max_visitors_per_node, 500);
    EXPECT_EQ(c.visitors.notification_interval, 15s);
    EXPECT_TRUE(c.visitors.auto_enable_broadcast);
    EXPECT_FALSE(c.visitors.require_muc_config_flag);
    EXPECT_FALSE(c.visitors.enable_live_room);
}

TEST_F(DefaultsTest, NativeExtensions) {
    EXPECT_EQ(c.process.io_threads, 0);
    EXPECT_EQ(c.process.shutdown_timeout, 10s);
    EXPECT_EQ(c.logging.level, "info");
    EXPECT_FALSE(c.logging.syslog);
    EXPECT_FALSE(c.logging.xmpp_packets.enabled);
    EXPECT_EQ(c.logging.xmpp_packets.file, "/var/log/jitsi/jicofo-xmpp.log");
    EXPECT_EQ(c.logging.xmpp_packets.max_file_bytes, 209715200u);
    EXPECT_EQ(c.logging.xmpp_packets.max_files, 3);
    EXPECT_EQ(c.rest.max_connections, 256);
    EXPECT_EQ(c.rest.max_body_bytes, 1048576u);
    EXPECT_EQ(c.rest.read_timeout, 30s);
    EXPECT_EQ(c.rest.idle_timeout, 60s);
}

TEST(ReferenceConf, IsEmbeddedWithTheNativeExtensionsMarked) {
    const std::string_view text = reference_conf_text();
    EXPECT_NE(text.find("max-ssrc-groups-per-user = ${jicofo.conference.max-ssrcs-per-user}"), std::string_view::npos);
    EXPECT_NE(text.find("jicofo-native extensions"), std::string_view::npos);
}

}  // namespace
}  // namespace jicofo::config
