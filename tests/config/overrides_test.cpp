// The operator's jicofo.conf over the defaults: overrides, environment substitution and value conversions.
#include <gtest/gtest.h>

#include "config_test_support.hpp"

namespace jicofo::config {
namespace {

using namespace std::chrono_literals;
using testing::fake_environment;
using testing::load_ok;

TEST(Overrides, UserValuesReplaceDefaultsAndKeepTheRest) {
    const auto c = load_ok(R"(
        jicofo {
          xmpp.client { hostname = "xmpp.example.com", port = 5223, domain = auth.example.com,
                        xmpp-domain = example.com, password = "s3cret" }
          rest.port = 9999
          bridge { brewery-jid = "jvbbrewery@internal.auth.example.com", stress-threshold = 0.7 }
        }
    )")
                       .config;
    EXPECT_EQ(c.xmpp.client.hostname, "xmpp.example.com");
    EXPECT_EQ(c.xmpp.client.port, 5223);
    EXPECT_EQ(c.xmpp.client.domain, "auth.example.com");
    EXPECT_EQ(c.xmpp.client.password, "s3cret");
    EXPECT_EQ(c.xmpp.client.username, "focus");
    EXPECT_EQ(c.rest.port, 9999);
    EXPECT_EQ(c.rest.host, "127.0.0.1");
    EXPECT_EQ(c.bridge.brewery_jid, "jvbbrewery@internal.auth.example.com");
    EXPECT_DOUBLE_EQ(c.bridge.stress_threshold, 0.7);
}

TEST(Overrides, XmppPacketLogIsConfiguredUnderLogging) {
    const auto c = load_ok(R"(
        jicofo.logging.xmpp-packets { enabled = yes, file = "/tmp/packets.log", max-files = 1 }
    )")
                       .config;
    EXPECT_TRUE(c.logging.xmpp_packets.enabled);
    EXPECT_EQ(c.logging.xmpp_packets.file, "/tmp/packets.log");
    EXPECT_EQ(c.logging.xmpp_packets.max_files, 1);
    EXPECT_EQ(c.logging.xmpp_packets.max_file_bytes, 209715200u);
}

TEST(Overrides, ConferenceMucJidDefaultsFromXmppDomainUnlessSet) {
    EXPECT_EQ(load_ok("jicofo.xmpp.client.xmpp-domain = meet.example.com").config.xmpp.client.conference_muc_jid,
              "conference.meet.example.com");
    EXPECT_EQ(load_ok("jicofo.xmpp.client { xmpp-domain = meet.example.com, conference-muc-jid = muc.example.com }")
                  .config.xmpp.client.conference_muc_jid,
              "muc.example.com");
}

TEST(Overrides, SubstitutionsInReferenceFollowTheUserValue) {
    const auto c = load_ok(R"(
        jicofo.xmpp.client.username = jicofo
        jicofo.xmpp.service.username = svc
        jicofo.conference.max-ssrcs-per-user = 40
        jicofo.sctp.enabled = false
    )")
                       .config;
    EXPECT_EQ(c.xmpp.client.resource, "jicofo");
    EXPECT_EQ(c.xmpp.service.resource, "svc");
    EXPECT_EQ(c.conference.max_ssrc_groups_per_user, 40);
    EXPECT_FALSE(c.octo.sctp_datachannels);
}

TEST(Overrides, OptionalEnvironmentSubstitution) {
    const std::string text = R"(
        jicofo.xmpp.client.password = ${?JICOFO_AUTH_PASSWORD}
        jicofo.rest.port = ${?JICOFO_REST_PORT}
    )";
    auto set = load_ok(text, std::nullopt,
                       fake_environment({{"JICOFO_AUTH_PASSWORD", "from-env"}, {"JICOFO_REST_PORT", "8081"}}))
                   .config;
    EXPECT_EQ(set.xmpp.client.password, "from-env");
    EXPECT_EQ(set.rest.port, 8081);
    // Unset variables leave the keys as if they had not been written.
    auto unset = load_ok(text).config;
    EXPECT_FALSE(unset.xmpp.client.password);
    EXPECT_EQ(unset.rest.port, 8888);
}

TEST(Overrides, DurationSpellings) {
    struct Case {
        const char* text;
        std::chrono::milliseconds expected;
    };
    for (const Case& k : {Case{"15 seconds", 15s},
                          Case{"30s", 30s},
                          Case{"1 minute", 1min},
                          Case{"500ms", 500ms},
                          Case{"2 minutes", 2min},
                          Case{"1 hour", 1h},
                          Case{"24 hours", 24h},
                          Case{"1 day", 24h},
                          Case{"2 days", 48h},
                          Case{"1.5 h", 90min},
                          Case{"1500", 1500ms},
                          Case{"250 millis", 250ms},
                          Case{"3 second", 3s},
                          Case{"5m", 5min},
                          Case{"2500000 us", 2500ms},
                          Case{"3000000000 ns", 3s},
                          Case{"7 milliseconds", 7ms},
                          Case{"4 microseconds", 0ms},
                          Case{"1 d", 24h},
                          Case{"10 mins", 0ms}}) {
        SCOPED_TRACE(k.text);
        const std::string text = std::string("jicofo.health.interval = \"") + k.text + "\"";
        auto result = load_config_text(text, "jicofo.conf", fake_environment());
        if (std::string_view(k.text) == "10 mins") {
            EXPECT_FALSE(result.has_value()) << "'mins' is not a HOCON unit";
            continue;
        }
        ASSERT_TRUE(result.has_value()) << result.error().describe();
        EXPECT_EQ(result->config.health.interval, k.expected);
    }
    // Unquoted, as operators write them.
    EXPECT_EQ(load_ok("jicofo.health.interval = 45 seconds").config.health.interval, 45s);
    EXPECT_EQ(load_ok("jicofo.health.interval = 2500").config.health.interval, 2500ms);
}

TEST(Overrides, BooleanAndNumberSpellings) {
    const auto c = load_ok(R"(
        jicofo.health.enabled = yes
        jicofo.rest.enabled = off
        jicofo.octo.enabled = "on"
        jicofo.sctp.enabled = no
        jicofo.rest.port = "8443"
        jicofo.bridge.stress-threshold = "0.5"
        jicofo.conference.max-ssrcs-per-user = 1e2
    )")
                       .config;
    EXPECT_TRUE(c.health.enabled);
    EXPECT_FALSE(c.rest.enabled);
    EXPECT_TRUE(c.octo.enabled);
    EXPECT_FALSE(c.sctp.enabled);
    EXPECT_EQ(c.rest.port, 8443);
    EXPECT_DOUBLE_EQ(c.bridge.stress_threshold, 0.5);
    EXPECT_EQ(c.conference.max_ssrcs_per_user, 100);
}

TEST(Overrides, StrategiesAcceptShortAndQualifiedNames) {
    auto c = load_ok(R"(
        jicofo.bridge.selection-strategy = org.jitsi.jicofo.bridge.VisitorSelectionStrategy
        jicofo.bridge.visitor-selection-strategy = RegionBasedBridgeSelectionStrategy
        jicofo.bridge.participant-selection-strategy = "org.jitsi.jicofo.bridge.IntraRegionBridgeSelectionStrategy"
        jicofo.bridge.topology-strategy = VisitorTopologyStrategy
    )")
                 .config;
    EXPECT_EQ(c.bridge.selection_strategy, SelectionStrategy::Visitor);
    EXPECT_EQ(c.bridge.visitor_selection_strategy, SelectionStrategy::RegionBased);
    EXPECT_EQ(c.bridge.participant_selection_strategy, SelectionStrategy::IntraRegion);
    EXPECT_EQ(c.bridge.topology_strategy, TopologyStrategy::Visitor);
    EXPECT_EQ(
        load_ok("jicofo.bridge.selection-strategy = SplitBridgeSelectionStrategy").config.bridge.selection_strategy,
        SelectionStrategy::SplitBridge);
}

TEST(Overrides, RegionGroupsAndRetryDelay) {
    auto c = load_ok(R"(
        jicofo.bridge.region-groups = [ ["us-east", "us-west"], ["eu-central", "eu-west"] ]
        jicofo.bridge.health-checks.interval = 30 seconds
    )")
                 .config;
    ASSERT_EQ(c.bridge.region_groups.size(), 2u);
    EXPECT_EQ(c.bridge.region_group("us-west"), (std::vector<std::string>{"us-east", "us-west"}));
    EXPECT_EQ(c.bridge.region_group("ap-south"), (std::vector<std::string>{"ap-south"}));
    EXPECT_TRUE(c.bridge.region_group("").empty());
    EXPECT_EQ(c.bridge.health_checks.retry_delay, 15s);  // half the interval unless set
    EXPECT_EQ(load_ok("jicofo.bridge.health-checks.retry-delay = 2 seconds").config.bridge.health_checks.retry_delay,
              2s);
}

TEST(Overrides, ConferenceMapsAndEnums) {
    auto c = load_ok(R"(
        jicofo.conference {
          source-signaling-delays { 50 = 500, 100 = 1000 }
          reinvite-method = ReplaceTransport
          restart-request-rate-limits { max-requests = 3, interval = 30 seconds }
        }
        jicofo.translation { url-template = "wss://t.example.com/{{MEETING_ID}}", mode = single-bridge }
        jicofo.transcription.http-headers { "Authorization" = "Bearer abc", "X-Count" = 3 }
    )")
                 .config;
    EXPECT_EQ(c.conference.source_signaling_delay(10), 0ms);
    EXPECT_EQ(c.conference.source_signaling_delay(50), 500ms);
    EXPECT_EQ(c.conference.source_signaling_delay(99), 500ms);
    EXPECT_EQ(c.conference.source_signaling_delay(250), 1000ms);
    EXPECT_EQ(c.conference.reinvite_method, ReinviteMethod::ReplaceTransport);
    EXPECT_EQ(c.conference.restart_request_rate_limits.max_requests, 3);
    EXPECT_EQ(c.conference.restart_request_rate_limits.interval, 30s);
    EXPECT_EQ(c.conference.restart_request_rate_limits.min_interval, 5s);
    EXPECT_TRUE(c.translation.enabled());
    EXPECT_EQ(c.translation.mode, TranslationMode::SingleBridge);
    EXPECT_EQ(c.transcription.http_headers.at("Authorization"), "Bearer abc");
    EXPECT_EQ(c.transcription.http_headers.at("X-Count"), "3");
}

TEST(Overrides, AuthenticationTypes) {
    auto jwt = load_ok("jicofo.authentication { enabled = true, type = JWT, login-url = auth.example.com }").config;
    EXPECT_EQ(jwt.authentication.effective_type(), AuthenticationType::Jwt);
    EXPECT_EQ(jwt.authentication.login_url, "auth.example.com");
    // Disabled authentication means NONE whatever the type says, as in Jicofo.
    auto off = load_ok("jicofo.authentication { enabled = false, type = XMPP }").config;
    EXPECT_EQ(off.authentication.type, AuthenticationType::Xmpp);
    EXPECT_EQ(off.authentication.effective_type(), AuthenticationType::None);
}

TEST(Overrides, VisitorNodesGetJicofosDefaults) {
    auto c = load_ok(R"(
        jicofo.xmpp.visitors {
          v2 { conference-service = conference.v2.example.com, hostname = 10.0.0.2, port = 7223,
               xmpp-domain = v2.example.com, password = pw, use-tls = false }
          v1 { conference-service = conference.v1.example.com, hostname = 10.0.0.1 }
        }
    )")
                 .config;
    ASSERT_EQ(c.xmpp.visitors.size(), 2u);
    const auto& v1 = c.xmpp.visitors[0];
    EXPECT_EQ(v1.id, "v1");
    EXPECT_EQ(v1.name, "v1");
    EXPECT_TRUE(v1.enabled);
    EXPECT_EQ(v1.hostname, "10.0.0.1");
    EXPECT_EQ(v1.domain, "10.0.0.1");
    EXPECT_FALSE(v1.xmpp_domain);
    EXPECT_EQ(v1.port, 5222);
    EXPECT_EQ(v1.username, "focus");
    EXPECT_EQ(v1.resource, "focus");
    EXPECT_FALSE(v1.password);
    EXPECT_EQ(v1.reply_timeout, 15s);
    EXPECT_FALSE(v1.disable_certificate_verification);
    EXPECT_TRUE(v1.use_tls);
    EXPECT_EQ(v1.conference_service, "conference.v1.example.com");
    const auto& v2 = c.xmpp.visitors[1];
    EXPECT_EQ(v2.port, 7223);
    EXPECT_EQ(v2.xmpp_domain, "v2.example.com");
    EXPECT_EQ(v2.password, "pw");
    EXPECT_FALSE(v2.use_tls);
}

TEST(Overrides, LogLevelsAreNormalisedToSpdlogNames) {
    struct Case {
        const char* written;
        const char* level;
    };
    for (const Case& k :
         {Case{"TRACE", "trace"}, Case{"debug", "debug"}, Case{"INFO", "info"}, Case{"WARN", "warn"},
          Case{"ERROR", "error"}, Case{"OFF", "off"}, Case{"FINE", "debug"}, Case{"FINEST", "trace"},
          Case{"WARNING", "warn"}, Case{"SEVERE", "error"}, Case{"ALL", "trace"}, Case{"critical", "critical"}}) {
        SCOPED_TRACE(k.written);
        EXPECT_EQ(load_ok(std::string("jicofo.logging.level = ") + k.written).config.logging.level, k.level);
    }
}

TEST(Overrides, RestPortZeroLetsTheSystemChoose) {
    EXPECT_EQ(load_ok("jicofo.rest.port = 0").config.rest.port, 0);
}

TEST(Overrides, JibriRetries) {
    const auto c = load_ok(R"(
        jicofo.jibri { num-retries = -1, pending-timeout = 2 minutes, busy-retries = 6, busy-retry-delay = 10 seconds }
    )")
                       .config;
    EXPECT_EQ(c.jibri.num_retries, -1);
    EXPECT_EQ(c.jibri.pending_timeout, 120s);
    EXPECT_EQ(c.jibri.busy_retries, 6);
    EXPECT_EQ(c.jibri.busy_retry_delay, 10s);
    EXPECT_TRUE(load_ok("jicofo.jibri.busy-retries = 2").warnings.empty()) << "a known key";
}

TEST(Overrides, ClientRequirementsByNameOrByFeatureVar) {
    const auto c = load_ok(R"(
        jicofo.conference.client-requirements {
          enforce = true
          requirements {
            SSRC_REWRITING_V1 { feature = "http://jitsi.org/ssrc-rewriting-1", level = HARD,
                                details = "Update to 10.2", url = "https://example.com/u" }
            "http://jitsi.org/source-name" { level = soft }
            OLD { feature = "urn:x:old", level = off }
          }
        }
    )")
                       .config.conference.client_requirements;
    EXPECT_TRUE(c.enabled);
    EXPECT_TRUE(c.enforce);
    ASSERT_EQ(c.requirements.size(), 3U);
    // In key order.
    EXPECT_EQ(c.requirements[0].name, "OLD");
    EXPECT_EQ(c.requirements[0].level, RequirementLevel::off);
    EXPECT_EQ(c.requirements[1].name, "SSRC_REWRITING_V1");
    EXPECT_EQ(c.requirements[1].feature, "http://jitsi.org/ssrc-rewriting-1");
    EXPECT_EQ(c.requirements[1].level, RequirementLevel::hard);
    EXPECT_EQ(c.requirements[1].details, "Update to 10.2");
    EXPECT_EQ(c.requirements[1].url, "https://example.com/u");
    EXPECT_EQ(c.requirements[2].name, "http://jitsi.org/source-name");
    EXPECT_EQ(c.requirements[2].feature, "http://jitsi.org/source-name");
    EXPECT_EQ(c.requirements[2].level, RequirementLevel::soft);
    EXPECT_FALSE(c.requirements[2].details);
}

TEST(Overrides, ClientRequirementsDefaultToNoneAndNotEnforced) {
    const auto c = load_ok("").config.conference.client_requirements;
    EXPECT_TRUE(c.enabled);
    EXPECT_FALSE(c.enforce);
    EXPECT_TRUE(c.requirements.empty());
}

}  // namespace
}  // namespace jicofo::config
