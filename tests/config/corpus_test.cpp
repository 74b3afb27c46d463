// Realistic configuration files (tests/config/corpus) load into the expected typed values.
#include <gtest/gtest.h>

#include "config_test_support.hpp"

namespace jicofo::config {
namespace {

using namespace std::chrono_literals;
using testing::fake_environment;

LoadedConfig load_corpus(const std::string& name, std::map<std::string, std::string> env = {}) {
    LoadOptions options;
    options.config_file = std::filesystem::path(JICOFO_CONFIG_CORPUS_DIR) / name;
    options.environment = fake_environment(std::move(env));
    auto result = load_config(options);
    EXPECT_TRUE(result.has_value()) << (result ? "" : result.error().describe());
    if (!result) {
        return LoadedConfig{};
    }
    return std::move(result).value();
}

TEST(Corpus, DebianInstall) {
    const auto loaded = load_corpus("debian-install.conf");
    EXPECT_TRUE(loaded.warnings.empty());
    const auto& c = loaded.config;
    EXPECT_TRUE(c.xmpp.client.enabled);
    EXPECT_EQ(c.xmpp.client.hostname, "localhost");
    EXPECT_EQ(c.xmpp.client.port, 5222);
    EXPECT_EQ(c.xmpp.client.client_proxy, "focus.meet.example.org");
    EXPECT_EQ(c.xmpp.client.xmpp_domain, "meet.example.org");
    EXPECT_EQ(c.xmpp.client.domain, "auth.meet.example.org");
    EXPECT_EQ(c.xmpp.client.username, "focus");
    EXPECT_EQ(c.xmpp.client.resource, "focus");
    EXPECT_EQ(c.xmpp.client.password, "Qm7vXr2LpZ9sKe4T");
    EXPECT_EQ(c.xmpp.client.conference_muc_jid, "conference.meet.example.org");
    EXPECT_EQ(c.xmpp.trusted_domains, (std::vector<std::string>{"recorder.meet.example.org"}));
    EXPECT_EQ(c.bridge.brewery_jid, "JvbBrewery@internal.auth.meet.example.org");
    EXPECT_FALSE(c.xmpp.service.enabled);
    EXPECT_EQ(c.bridge.xmpp_connection_name, XmppConnectionName::Service);
    EXPECT_EQ(c.rest, RestConfig{});
    EXPECT_EQ(c.conference, ConferenceConfig{});
}

TEST(Corpus, DockerGenerated) {
    const auto loaded = load_corpus("docker-generated.conf");
    EXPECT_TRUE(loaded.warnings.empty()) << loaded.warnings[0].describe();
    const auto& c = loaded.config;
    EXPECT_TRUE(c.authentication.enabled);
    EXPECT_EQ(c.authentication.effective_type(), AuthenticationType::Jwt);
    EXPECT_EQ(c.authentication.login_url, "meet.example.org");
    EXPECT_TRUE(c.authentication.enable_auto_login);
    EXPECT_EQ(c.bridge.max_bridge_participants, 120);
    EXPECT_DOUBLE_EQ(c.bridge.stress_threshold, 0.85);
    EXPECT_EQ(c.bridge.selection_strategy, SelectionStrategy::SplitBridge);
    EXPECT_EQ(c.bridge.brewery_jid, "jvbbrewery@internal-muc.meet.example.org");
    EXPECT_EQ(c.bridge.xmpp_connection_name, XmppConnectionName::Client);
    EXPECT_TRUE(c.bridge.health_checks.enabled);
    EXPECT_EQ(c.bridge.health_checks.interval, 15s);
    EXPECT_EQ(c.bridge.health_checks.retry_delay, 7500ms);
    EXPECT_FALSE(c.bridge.health_checks.use_presence);
    EXPECT_TRUE(c.conference.enable_auto_owner);
    EXPECT_EQ(c.conference.initial_timeout, 20s);
    EXPECT_EQ(c.conference.single_participant_timeout, 30s);
    EXPECT_EQ(c.conference.max_ssrcs_per_user, 30);
    EXPECT_EQ(c.conference.max_ssrc_groups_per_user, 30);
    EXPECT_EQ(c.conference.source_signaling_delay(75), 500ms);
    EXPECT_EQ(c.conference.source_signaling_delay(100), 1000ms);
    EXPECT_TRUE(c.health.enabled);
    EXPECT_EQ(c.health.interval, 30s);
    EXPECT_EQ(c.jibri.brewery_jid, "jibribrewery@internal-muc.meet.example.org");
    EXPECT_EQ(c.jibri.pending_timeout, 90s);
    EXPECT_EQ(c.jigasi.brewery_jid, "jigasibrewery@internal-muc.meet.example.org");
    EXPECT_TRUE(c.octo.enabled);
    EXPECT_FALSE(c.octo.allow_mixed_versions);
    EXPECT_FALSE(c.sctp.enabled);
    EXPECT_FALSE(c.octo.sctp_datachannels);  // follows jicofo.sctp.enabled
    EXPECT_EQ(c.rest.host, "0.0.0.0");
    EXPECT_EQ(c.rest.port, 8888);
    EXPECT_TRUE(c.visitors.enabled);
    EXPECT_EQ(c.visitors.max_participants, 30);
    EXPECT_TRUE(c.visitors.require_muc_config_flag);
    EXPECT_EQ(c.xmpp.client.hostname, "xmpp.meet.example.org");
    EXPECT_EQ(c.xmpp.client.port, 5222);
    EXPECT_EQ(c.xmpp.client.password, "aG9jb24tZm9jdXM=");
    EXPECT_EQ(c.xmpp.client.conference_muc_jid, "muc.meet.example.org");
    EXPECT_EQ(c.xmpp.client.client_proxy, "focus.meet.example.org");
    EXPECT_TRUE(c.xmpp.client.disable_certificate_verification);
    EXPECT_EQ(c.xmpp.trusted_domains,
              (std::vector<std::string>{"hidden.meet.example.org", "recorder.meet.example.org"}));
}

TEST(Corpus, VisitorsCodecsRegionsWithoutEnvironment) {
    const auto loaded = load_corpus("visitors-codecs-regions.conf");
    EXPECT_TRUE(loaded.warnings.empty()) << loaded.warnings[0].describe();
    const auto& c = loaded.config;
    EXPECT_EQ(c.xmpp.client.hostname, "xmpp.meet.example.org");
    EXPECT_EQ(c.xmpp.client.port, 5222);
    EXPECT_FALSE(c.xmpp.client.password);
    EXPECT_EQ(c.xmpp.trusted_domains, (std::vector<std::string>{"recorder.meet.example.org", "auth.meet.example.org"}));
    ASSERT_EQ(c.xmpp.visitors.size(), 2u);
    const auto& v1 = c.xmpp.visitors[0];
    EXPECT_EQ(v1.id, "v1");
    EXPECT_TRUE(v1.enabled);
    EXPECT_EQ(v1.conference_service, "conference.v1.meet.example.org");
    EXPECT_EQ(v1.hostname, "10.0.0.11");
    EXPECT_EQ(v1.port, 7701);
    EXPECT_EQ(v1.domain, "auth.meet.example.org");
    EXPECT_FALSE(v1.password);
    const auto& v2 = c.xmpp.visitors[1];
    EXPECT_EQ(v2.id, "v2");
    EXPECT_FALSE(v2.enabled);
    EXPECT_EQ(v2.domain, "10.0.0.12");
    EXPECT_EQ(v2.xmpp_domain, "meet.example.org");
    EXPECT_EQ(v2.port, 7702);
    EXPECT_FALSE(c.codec.vp9.enabled);
    EXPECT_FALSE(c.codec.vp9.offered());
    EXPECT_TRUE(c.codec.h264.offered());
    EXPECT_FALSE(c.codec.h264.rtx_offered());
    EXPECT_EQ(c.codec.h264.pt, 107);
    EXPECT_EQ(c.local_region, "eu-central-1");
    EXPECT_EQ(c.bridge.selection_strategy, SelectionStrategy::RegionBased);
    EXPECT_EQ(c.bridge.region_group("eu-west-1"), (std::vector<std::string>{"eu-central-1", "eu-west-1"}));
    EXPECT_EQ(c.conference.source_signaling_delay(60), 500ms);
    EXPECT_EQ(c.transcription.url_template, "wss://{{REGION}}.transcriber.meet.example.org/\"record\"/{{MEETING_ID}}");
}

TEST(Corpus, VisitorsCodecsRegionsFromEnvironment) {
    const auto c = load_corpus("visitors-codecs-regions.conf", {{"JICOFO_XMPP_PORT", "5333"},
                                                                {"JICOFO_AUTH_PASSWORD", "env-pw"},
                                                                {"JICOFO_LOCAL_REGION", "us-east-1"},
                                                                {"JICOFO_VISITORS_PASSWORD", "visitors-pw"}})
                       .config;
    EXPECT_EQ(c.xmpp.client.port, 5333);
    EXPECT_EQ(c.xmpp.client.password, "env-pw");
    EXPECT_EQ(c.local_region, "us-east-1");
    ASSERT_EQ(c.xmpp.visitors.size(), 2u);
    EXPECT_EQ(c.xmpp.visitors[0].password, "visitors-pw");
}

}  // namespace
}  // namespace jicofo::config
