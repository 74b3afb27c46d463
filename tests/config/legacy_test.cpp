// sip-communicator.properties: the parser, every legacy conversion, and legacy-over-HOCON precedence.
#include <gtest/gtest.h>

#include "config_test_support.hpp"

namespace jicofo::config {
namespace {

using namespace std::chrono_literals;
using testing::load_error;
using testing::load_ok;

JicofoConfig legacy(std::string_view properties, std::string_view conf = "") {
    return load_ok(conf, properties).config;
}

TEST(LegacyProperties, ParserHandlesSeparatorsCommentsContinuationsAndEscapes) {
    const auto c = legacy(
        "# a comment\n"
        "! another comment\n"
        "   \n"
        "org.jitsi.jicofo.BRIDGE_MUC = jvbbrewery@internal.auth.example.com\n"
        "org.jitsi.jicofo.jibri.BREWERY: jibribrewery@internal.auth.example.com\r\n"
        "org.jitsi.jicofo.jigasi.BREWERY jigasi\\\n"
        "      brewery@internal.auth.example.com\n"
        "org.jitsi.jicofo.BridgeSelector.LOCAL_REGION=eu\\u002dwest\\t1\n"
        "org.jitsi.jicofo.FOCUS_USER_PASSWORD=p\\=w\\:d\\\\x\n");
    EXPECT_EQ(c.bridge.brewery_jid, "jvbbrewery@internal.auth.example.com");
    EXPECT_EQ(c.jibri.brewery_jid, "jibribrewery@internal.auth.example.com");
    EXPECT_EQ(c.jigasi.brewery_jid, "jigasibrewery@internal.auth.example.com");
    EXPECT_EQ(c.local_region, "eu-west\t1");
    EXPECT_EQ(c.xmpp.client.password, "p=w:d\\x");
}

TEST(LegacyProperties, LegacyWinsOverHoconForTheSameKey) {
    const auto c = legacy(
        "org.jitsi.jicofo.BridgeSelector.LOCAL_REGION=legacy\n"
        "org.jitsi.jicofo.BRIDGE_MUC=legacy@muc\n",
        "jicofo { local-region = new, bridge.brewery-jid = \"new@muc\", rest.port = 1234 }");
    EXPECT_EQ(c.local_region, "legacy");
    EXPECT_EQ(c.bridge.brewery_jid, "legacy@muc");
    EXPECT_EQ(c.rest.port, 1234);  // keys without a legacy value keep the HOCON one
}

TEST(LegacyProperties, ClientConnection) {
    const auto c = legacy(
        "org.jitsi.jicofo.HOSTNAME=xmpp.example.com\n"
        "org.jitsi.jicofo.XMPP_PORT=5333\n"
        "org.jitsi.jicofo.FOCUS_USER_DOMAIN=auth.example.com\n"
        "org.jitsi.jicofo.FOCUS_USER_NAME=focususer\n"
        "org.jitsi.jicofo.FOCUS_USER_PASSWORD=pw\n"
        "org.jitsi.jicofo.XMPP_DOMAIN=example.com\n"
        "org.jitsi.jicofo.ALWAYS_TRUST_MODE_ENABLED=true\n",
        "jicofo.xmpp.client { enabled = false, hostname = other, port = 1 }");
    EXPECT_TRUE(c.xmpp.client.enabled);  // setting HOSTNAME enables the client connection
    EXPECT_EQ(c.xmpp.client.hostname, "xmpp.example.com");
    EXPECT_EQ(c.xmpp.client.port, 5333);
    EXPECT_EQ(c.xmpp.client.domain, "auth.example.com");
    EXPECT_EQ(c.xmpp.client.username, "focususer");
    EXPECT_EQ(c.xmpp.client.password, "pw");
    EXPECT_EQ(c.xmpp.client.xmpp_domain, "example.com");
    EXPECT_EQ(c.xmpp.client.conference_muc_jid, "conference.example.com");
    EXPECT_TRUE(c.xmpp.client.disable_certificate_verification);
    EXPECT_TRUE(c.xmpp.service.disable_certificate_verification);
}

TEST(LegacyProperties, MucComponentPrefixUsesTheFinalXmppDomain) {
    EXPECT_EQ(legacy("org.jitsi.jicofo.XMPP_MUC_COMPONENT_PREFIX=muc\n", "jicofo.xmpp.client.xmpp-domain = example.org")
                  .xmpp.client.conference_muc_jid,
              "muc.example.org");
    EXPECT_EQ(legacy("org.jitsi.jicofo.XMPP_MUC_COMPONENT_PREFIX=rooms\norg.jitsi.jicofo.XMPP_DOMAIN=legacy.org\n",
                     "jicofo.xmpp.client { xmpp-domain = example.org, conference-muc-jid = c.example.org }")
                  .xmpp.client.conference_muc_jid,
              "rooms.legacy.org");
    const ConfigError error = load_error("", "\n\norg.jitsi.jicofo.XMPP_MUC_COMPONENT_PREFIX=muc\n");
    EXPECT_EQ(error.file, "sip-communicator.properties");
    EXPECT_EQ(error.line, 3);
    EXPECT_EQ(error.key, "org.jitsi.jicofo.XMPP_MUC_COMPONENT_PREFIX");
}

TEST(LegacyProperties, ServiceConnection) {
    const auto c = legacy(
        "org.jitsi.jicofo.BRIDGE_MUC_XMPP_HOST=internal.example.com\n"
        "org.jitsi.jicofo.BRIDGE_MUC_XMPP_PORT=6333\n"
        "org.jitsi.jicofo.BRIDGE_MUC_XMPP_USER_DOMAIN=auth.internal.example.com\n"
        "org.jitsi.jicofo.BRIDGE_MUC_XMPP_USER=svc\n"
        "org.jitsi.jicofo.BRIDGE_MUC_XMPP_USER_PASS=svcpw\n");
    EXPECT_TRUE(c.xmpp.service.enabled);
    EXPECT_EQ(c.xmpp.service.hostname, "internal.example.com");
    EXPECT_EQ(c.xmpp.service.port, 6333);
    EXPECT_EQ(c.xmpp.service.domain, "auth.internal.example.com");
    EXPECT_EQ(c.xmpp.service.username, "svc");
    EXPECT_EQ(c.xmpp.service.password, "svcpw");
}

TEST(LegacyProperties, BridgeSelection) {
    const auto c = legacy(
        "org.jitsi.jicofo.BridgeSelector.MAX_PARTICIPANTS_PER_BRIDGE=40\n"
        "org.jitsi.jicofo.BridgeSelector.BRIDGE_SELECTION_STRATEGY=SplitBridgeSelectionStrategy\n"
        "org.jitsi.focus.BRIDGE_FAILURE_RESET_THRESHOLD=30000\n"
        "org.jitsi.jicofo.HEALTH_CHECK_2NDTRY_DELAY=1500\n",
        "jicofo.bridge.selection-strategy = RegionBasedBridgeSelectionStrategy");
    EXPECT_EQ(c.bridge.max_bridge_participants, 40);
    EXPECT_EQ(c.bridge.selection_strategy, SelectionStrategy::SplitBridge);
    EXPECT_EQ(c.bridge.failure_reset_threshold, 30s);
    EXPECT_EQ(c.bridge.health_checks.retry_delay, 1500ms);
}

TEST(LegacyProperties, HealthCheckIntervalAboveZeroEnablesBridgeHealthChecks) {
    const auto on =
        legacy("org.jitsi.jicofo.HEALTH_CHECK_INTERVAL=20000\n", "jicofo.bridge.health-checks.enabled = false");
    EXPECT_TRUE(on.bridge.health_checks.enabled);
    EXPECT_EQ(on.bridge.health_checks.interval, 20s);
    EXPECT_EQ(on.bridge.health_checks.retry_delay, 10s);
    const auto off = legacy("org.jitsi.jicofo.HEALTH_CHECK_INTERVAL=-1\n");
    EXPECT_FALSE(off.bridge.health_checks.enabled);
    EXPECT_EQ(off.bridge.health_checks.interval, 10s);
}

TEST(LegacyProperties, Conference) {
    const auto c = legacy(
        "org.jitsi.focus.IDLE_TIMEOUT=25000\n"
        "org.jitsi.jicofo.DISABLE_AUTO_OWNER=true\n"
        "org.jitsi.jicofo.MAX_SSRC_PER_USER=12\n"
        "org.jitsi.jicofo.SINGLE_PARTICIPANT_TIMEOUT=40000\n");
    EXPECT_EQ(c.conference.initial_timeout, 25s);
    EXPECT_FALSE(c.conference.enable_auto_owner);
    EXPECT_EQ(c.conference.max_ssrcs_per_user, 12);
    EXPECT_EQ(c.conference.single_participant_timeout, 40s);
    EXPECT_TRUE(legacy("org.jitsi.jicofo.DISABLE_AUTO_OWNER=false\n", "jicofo.conference.enable-auto-owner = false")
                    .conference.enable_auto_owner);
}

TEST(LegacyProperties, AuthenticationUrl) {
    const auto xmpp = legacy(
        "org.jitsi.jicofo.auth.URL=XMPP:auth.example.com\n"
        "org.jitsi.jicofo.auth.AUTH_LIFETIME=3600000\n"
        "org.jitsi.jicofo.auth.DISABLE_AUTOLOGIN=true\n");
    EXPECT_TRUE(xmpp.authentication.enabled);
    EXPECT_EQ(xmpp.authentication.type, AuthenticationType::Xmpp);
    EXPECT_EQ(xmpp.authentication.login_url, "auth.example.com");
    EXPECT_EQ(xmpp.authentication.authentication_lifetime, 1h);
    EXPECT_FALSE(xmpp.authentication.enable_auto_login);
    const auto jwt = legacy("org.jitsi.jicofo.auth.URL=EXT_JWT:jwt.example.com\n",
                            "jicofo.authentication { enabled = false, type = XMPP, login-url = other }");
    EXPECT_EQ(jwt.authentication.effective_type(), AuthenticationType::Jwt);
    EXPECT_EQ(jwt.authentication.login_url, "jwt.example.com");
    const auto other = legacy("org.jitsi.jicofo.auth.URL=https://login.example.com\n");
    EXPECT_TRUE(other.authentication.enabled);
    EXPECT_EQ(other.authentication.effective_type(), AuthenticationType::None);
    EXPECT_EQ(other.authentication.login_url, "https://login.example.com");
}

TEST(LegacyProperties, HealthJibriJigasi) {
    const auto c = legacy(
        "org.jitsi.jicofo.health.ENABLE_HEALTH_CHECKS=false\n"
        "org.jitsi.jicofo.jibri.BREWERY=jibri@muc\n"
        "org.jitsi.jicofo.jibri.SIP_BREWERY=sip@muc\n"
        "org.jitsi.jicofo.jibri.PENDING_TIMEOUT=120\n"
        "org.jitsi.jicofo.NUM_JIBRI_RETRIES=-1\n"
        "org.jitsi.jicofo.jigasi.BREWERY=jigasi@muc\n");
    EXPECT_FALSE(c.health.enabled);  // our default is true, so the legacy key must be seen turning it off
    EXPECT_EQ(c.jibri.brewery_jid, "jibri@muc");
    EXPECT_EQ(c.jibri_sip.brewery_jid, "sip@muc");
    EXPECT_EQ(c.jibri.pending_timeout, 120s);  // seconds, unlike the other legacy durations
    EXPECT_EQ(c.jibri.num_retries, -1);
    EXPECT_EQ(c.jigasi.brewery_jid, "jigasi@muc");
}

TEST(LegacyProperties, Codecs) {
    const auto c = legacy(
        "org.jitsi.jicofo.ENABLE_VP8=false\n"
        "org.jitsi.jicofo.VP9_PT=-1\n"
        "org.jitsi.jicofo.H264_RTX_PT=-1\n"
        "org.jitsi.jicofo.AV1_PT=45\n"
        "org.jitsi.jicofo.AV1_RTX_PT=46\n"
        "org.jitsi.jicofo.ENABLE_TOF=true\n"
        "org.jitsi.jicofo.ENABLE_AST=false\n"
        "org.jitsi.jicofo.ENABLE_RID=true\n"
        "org.jitsi.jicofo.ENABLE_VIDEO_CONTENT_TYPE=true\n"
        "org.jitsi.jicofo.ENABLE_FRAMEMARKING=true\n");
    EXPECT_FALSE(c.codec.vp8.offered());
    EXPECT_FALSE(c.codec.vp8.rtx_offered());
    EXPECT_FALSE(c.codec.vp9.offered());
    EXPECT_TRUE(c.codec.h264.offered());
    EXPECT_FALSE(c.codec.h264.rtx_offered());
    EXPECT_EQ(c.codec.av1.pt, 45);
    EXPECT_EQ(c.codec.av1.rtx_pt, 46);
    EXPECT_TRUE(c.codec.rtp_extensions.tof.enabled);
    EXPECT_FALSE(c.codec.rtp_extensions.abs_send_time.enabled);
    EXPECT_TRUE(c.codec.rtp_extensions.rid.enabled);
    EXPECT_TRUE(c.codec.rtp_extensions.video_content_type.enabled);
    EXPECT_TRUE(c.codec.rtp_extensions.framemarking.enabled);
}

TEST(LegacyProperties, UnknownJicofoPropertiesWarnAndOthersAreIgnored) {
    const auto loaded = load_ok("", std::string_view("net.java.sip.communicator.SOMETHING=1\n"
                                                     "org.jitsi.jicofo.NO_SUCH_THING=1\n"));
    ASSERT_EQ(loaded.warnings.size(), 1u);
    EXPECT_EQ(loaded.warnings[0].key, "org.jitsi.jicofo.NO_SUCH_THING");
    EXPECT_EQ(loaded.warnings[0].line, 2);
}

TEST(LegacyProperties, BadValuesNameThePropertyAndLine) {
    const ConfigError flag = load_error("", "\norg.jitsi.jicofo.DISABLE_AUTO_OWNER=maybe\n");
    EXPECT_EQ(flag.file, "sip-communicator.properties");
    EXPECT_EQ(flag.line, 2);
    EXPECT_EQ(flag.key, "org.jitsi.jicofo.DISABLE_AUTO_OWNER");
    const ConfigError millis = load_error("", "org.jitsi.focus.IDLE_TIMEOUT=soon\n");
    EXPECT_EQ(millis.key, "org.jitsi.focus.IDLE_TIMEOUT");
    // Plain values are checked where they land, still pointing at the properties file.
    const ConfigError port = load_error("", "org.jitsi.jicofo.XMPP_PORT=70000\n");
    EXPECT_EQ(port.file, "sip-communicator.properties");
    EXPECT_EQ(port.line, 1);
    EXPECT_EQ(port.key, "jicofo.xmpp.client.port");
}

}  // namespace
}  // namespace jicofo::config
