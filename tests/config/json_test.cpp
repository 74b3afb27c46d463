// to_json: valid JSON laid out like jicofo.conf, overridden values present, passwords masked, reloadable.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "config_test_support.hpp"

namespace jicofo::config {
namespace {

using testing::fake_environment;
using testing::load_ok;

TEST(ToJson, ParsesBackWithOverridesAndMaskedPasswords) {
    const auto c = load_ok(R"(
        jicofo.xmpp.client { password = "client-secret", xmpp-domain = example.com }
        jicofo.xmpp.service.password = "service-secret"
        jicofo.xmpp.visitors.v1 { hostname = h, conference-service = c, password = "visitor-secret" }
        jicofo.rest.port = 9191
        jicofo.bridge.health-checks.interval = 90 seconds
        jicofo.conference.source-signaling-delays { 50 = 500 }
        jicofo.webhooks.secret = "webhook-secret"
    )")
                       .config;
    const std::string text = to_json(c);
    // The values end in "-secret"; keys are named "secret" and "token-secret".
    for (const auto* password : {"client-secret", "service-secret", "visitor-secret"}) {
        EXPECT_EQ(text.find(password), std::string::npos) << password << " leaked";
    }
    EXPECT_EQ(nlohmann::json::parse(text)["jicofo"]["webhooks"]["secret"], "********");
    const auto json = nlohmann::json::parse(text);
    EXPECT_EQ(json["jicofo"]["rest"]["port"], 9191);
    EXPECT_EQ(json["jicofo"]["xmpp"]["client"]["password"], "********");
    EXPECT_EQ(json["jicofo"]["xmpp"]["service"]["password"], "********");
    EXPECT_EQ(json["jicofo"]["xmpp"]["visitors"]["v1"]["password"], "********");
    EXPECT_EQ(json["jicofo"]["xmpp"]["client"]["conference-muc-jid"], "conference.example.com");
    EXPECT_EQ(json["jicofo"]["bridge"]["health-checks"]["interval"], "90 seconds");
    EXPECT_EQ(json["jicofo"]["bridge"]["health-checks"]["retry-delay"], "45 seconds");
    EXPECT_EQ(json["jicofo"]["bridge"]["selection-strategy"], "SingleBridgeSelectionStrategy");
    EXPECT_EQ(json["jicofo"]["conference"]["source-signaling-delays"]["50"], 500);
    EXPECT_EQ(json["jicofo"]["authentication"]["authentication-lifetime"], "1 day");
    EXPECT_EQ(json["jicofo"]["bridge"]["max-bridge-participants-interval"], "1 minute");
    EXPECT_TRUE(json["jicofo"]["local-region"].is_null());
    EXPECT_EQ(json["tracing"]["service-name"], "jicofo");
}

// JSON is HOCON, so the dump of a configuration without passwords loads back into the same configuration.
TEST(ToJson, RoundTripsThroughTheLoader) {
    const auto original = load_ok(R"(
        jicofo.xmpp.client { xmpp-domain = example.com, domain = auth.example.com }
        jicofo.xmpp.visitors.v1 { hostname = h, conference-service = c, port = 7000 }
        jicofo.bridge { region-groups = [["a", "b"]], stress-threshold = 0.65,
                        selection-strategy = RegionBasedBridgeSelectionStrategy, health-checks.retry-delay = 1500 }
        jicofo.conference.source-signaling-delays { 50 = 500, 100 = 1000 }
        jicofo.transcription.http-headers { Authorization = "Bearer x" }
        jicofo.authentication { enabled = true, type = JWT, login-url = auth.example.com }
        jicofo.logging.level = WARNING
        jicofo.jibri { busy-retries = 4, busy-retry-delay = 2500 ms }
    )")
                              .config;
    auto reloaded = load_config_text(to_json(original), "dump.json", fake_environment());
    ASSERT_TRUE(reloaded.has_value()) << reloaded.error().describe();
    EXPECT_TRUE(reloaded->warnings.empty()) << reloaded->warnings[0].describe();
    EXPECT_EQ(reloaded->config, original);
}

}  // namespace
}  // namespace jicofo::config
