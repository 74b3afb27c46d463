// Rejected values (with file, line, column and key), unknown-key warnings, and loading from files.
#include <gtest/gtest.h>

#include <fstream>

#include "config_test_support.hpp"

namespace jicofo::config {
namespace {

using testing::fake_environment;
using testing::load_error;
using testing::load_ok;

struct BadValue {
    const char* text;  // one key on line 2, its value starting at column 5 + key length + 3
    const char* key;
    const char* message_part;
};

class BadValueTest : public ::testing::TestWithParam<BadValue> {};

TEST_P(BadValueTest, IsRejectedWithPositionAndKey) {
    const BadValue& bad = GetParam();
    const std::string key(bad.key);
    const std::string text = "# header line\n    " + key + " = " + bad.text + "\n";
    const ConfigError error = load_error(text);
    EXPECT_EQ(error.file, "jicofo.conf");
    EXPECT_EQ(error.line, 2);
    EXPECT_EQ(error.column, static_cast<int>(4 + key.size() + 3 + 1));
    EXPECT_EQ(error.key, key);
    EXPECT_NE(error.message.find(bad.message_part), std::string::npos) << error.message;
    EXPECT_EQ(error.describe().rfind("jicofo.conf:2:" + std::to_string(error.column) + ": key '" + key + "': ", 0), 0u)
        << error.describe();
}

INSTANTIATE_TEST_SUITE_P(
    Values, BadValueTest,
    ::testing::Values(BadValue{"70000", "jicofo.rest.port", "out of range"},
                      BadValue{"0", "jicofo.xmpp.client.port", "out of range"},
                      BadValue{"-1", "jicofo.xmpp.service.port", "out of range"},
                      BadValue{"\"eight\"", "jicofo.xmpp.client.port", "expected an integer"},
                      BadValue{"maybe", "jicofo.rest.enabled", "expected a boolean"},
                      BadValue{"[1, 2]", "jicofo.health.enabled", "expected a boolean"},
                      BadValue{"\"-5 seconds\"", "jicofo.health.timeout", "must not be negative"},
                      BadValue{"-100", "jicofo.conference.initial-timeout", "must not be negative"},
                      BadValue{"\"10 fortnights\"", "jicofo.bridge.failure-reset-threshold", "expected a duration"},
                      BadValue{"0", "jicofo.xmpp.client.reply-timeout", "longer than zero"},
                      BadValue{"1.5", "jicofo.bridge.stress-threshold", "out of range"},
                      BadValue{"0", "jicofo.bridge.stress-threshold", "out of range"},
                      BadValue{"-0.2", "jicofo.bridge.load-redistribution.stress-threshold", "out of range"},
                      BadValue{"FastestBridgeSelectionStrategy", "jicofo.bridge.selection-strategy",
                               "unknown bridge selection strategy"},
                      BadValue{"com.example.MyStrategy", "jicofo.bridge.selection-strategy", "unknown bridge"},
                      BadValue{"StarTopologyStrategy", "jicofo.bridge.topology-strategy", "unknown topology"},
                      BadValue{"LDAP", "jicofo.authentication.type", "unknown authentication type"},
                      BadValue{"Other", "jicofo.jibri.xmpp-connection-name", "unknown XMPP connection name"},
                      BadValue{"Reconnect", "jicofo.conference.reinvite-method", "unknown re-invite method"},
                      BadValue{"everything", "jicofo.translation.mode", "unknown translation mode"},
                      BadValue{"-2", "jicofo.process.io-threads", "out of range"},
                      BadValue{"VERBOSE", "jicofo.logging.level", "unknown log level"},
                      BadValue{"0", "jicofo.bridge.max-bridge-participants", "use -1"},
                      BadValue{"200", "jicofo.codec.video.vp8.pt", "out of range"},
                      BadValue{"-2", "jicofo.jibri.num-retries", "out of range"},
                      BadValue{"-1", "jicofo.jibri.busy-retries", "out of range"},
                      BadValue{"0", "jicofo.jibri.busy-retry-delay", "longer than zero"},
                      BadValue{"{ a = 1 }", "jicofo.xmpp.client.hostname", "expected a string"},
                      BadValue{"\"a.b\"", "jicofo.xmpp.trusted-domains", "expected a list"},
                      // REST sockets must leave descriptors below 1024 for libstrophe's select().
                      BadValue{"769", "jicofo.rest.max-connections", "out of range"},
                      BadValue{"0", "jicofo.conference.max-conferences", "out of range"},
                      BadValue{"0", "jicofo.xmpp.max-pending-iqs", "out of range"},
                      BadValue{"\"https://a\"", "jicofo.rest.allowed-origins", "expected a list"}));

TEST(Errors, VisitorStrategyNeedsBothSubStrategies) {
    const ConfigError error = load_error("jicofo.bridge.selection-strategy = VisitorSelectionStrategy");
    EXPECT_EQ(error.key, "jicofo.bridge.selection-strategy");
    EXPECT_EQ(error.line, 1);
    EXPECT_NE(error.message.find("participant-selection-strategy"), std::string::npos);
}

TEST(Errors, EnabledLoadRedistributionNeedsAnInterval) {
    const ConfigError error = load_error("jicofo.bridge.load-redistribution { enabled = true, interval = 0 }");
    EXPECT_EQ(error.key, "jicofo.bridge.load-redistribution.interval");
    EXPECT_EQ(error.line, 1);
    EXPECT_NE(error.message.find("longer than zero"), std::string::npos) << error.message;
    // Off, the interval is never used (Jicofo accepts it too).
    EXPECT_EQ(load_ok("jicofo.bridge.load-redistribution { enabled = false, interval = 0 }")
                  .config.bridge.load_redistribution.interval.count(),
              0);
}

TEST(Errors, AuthenticationNeedsLoginUrl) {
    const ConfigError error = load_error("jicofo.authentication { enabled = true, type = XMPP }");
    EXPECT_EQ(error.key, "jicofo.authentication.login-url");
}

TEST(Errors, VisitorNodeNeedsHostnameAndConferenceService) {
    const ConfigError error = load_error("jicofo.xmpp.visitors.v1 { hostname = h }");
    EXPECT_EQ(error.key, "jicofo.xmpp.visitors.v1.conference-service");
    EXPECT_EQ(error.line, 1);
    const ConfigError port = load_error("jicofo.xmpp.visitors.v1 { hostname = h, conference-service = c, port = 0 }");
    EXPECT_EQ(port.key, "jicofo.xmpp.visitors.v1.port");
}

TEST(Errors, BadSourceSignalingDelayKey) {
    const ConfigError error = load_error("jicofo.conference.source-signaling-delays { large = 500 }");
    EXPECT_EQ(error.key, "jicofo.conference.source-signaling-delays.large");
}

TEST(Errors, SyntaxErrorsCarryThePosition) {
    const ConfigError error = load_error("jicofo {\n  rest.port = 1\n");
    EXPECT_EQ(error.file, "jicofo.conf");
    EXPECT_GT(error.line, 0);
}

TEST(Errors, RequiredSubstitutionThatCannotResolve) {
    const ConfigError error = load_error("jicofo.xmpp.client.password = ${JICOFO_NO_SUCH_VARIABLE}");
    EXPECT_EQ(error.file, "jicofo.conf");
    EXPECT_EQ(error.line, 1);
}

TEST(Warnings, UnknownKeySuggestsTheClosestKnownKey) {
    const auto loaded = load_ok("jicofo {\n  rest {\n    prot = 9090\n  }\n}\n");
    ASSERT_EQ(loaded.warnings.size(), 1u);
    const ConfigWarning& warning = loaded.warnings[0];
    EXPECT_EQ(warning.key, "jicofo.rest.prot");
    EXPECT_NE(warning.message.find("did you mean jicofo.rest.port?"), std::string::npos) << warning.message;
    EXPECT_EQ(warning.file, "jicofo.conf");
    EXPECT_EQ(warning.line, 3);
    EXPECT_EQ(loaded.config.rest.port, 8888);
}

TEST(Warnings, MoreTyposAndFarOffKeys) {
    const auto loaded = load_ok(R"(
        jicofo.bridge.stress-treshold = 0.5
        jicofo.xmpp.visitors.v1 { hostname = h, conference-service = c, pasword = x }
        jicofo.completely-unrelated-section { a = 1 }
        tracing.enabeld = true
    )");
    ASSERT_EQ(loaded.warnings.size(), 4u);
    auto message_for = [&](const std::string& key) {
        for (const auto& w : loaded.warnings) {
            if (w.key == key) {
                return w.message;
            }
        }
        return std::string("(no warning)");
    };
    EXPECT_NE(message_for("jicofo.bridge.stress-treshold").find("did you mean jicofo.bridge.stress-threshold?"),
              std::string::npos);
    EXPECT_NE(message_for("jicofo.xmpp.visitors.v1.pasword").find("did you mean jicofo.xmpp.visitors.v1.password?"),
              std::string::npos);
    EXPECT_EQ(message_for("jicofo.completely-unrelated-section").find("did you mean"), std::string::npos);
    EXPECT_NE(message_for("tracing.enabeld").find("did you mean tracing.enabled?"), std::string::npos);
}

TEST(Warnings, OpenMapsAndOptionalKeysAreNotFlagged) {
    const auto loaded = load_ok(R"(
        jicofo.xmpp.visitors.anything { hostname = h, conference-service = c }
        jicofo.transcription.http-headers { X-Custom = 1 }
        jicofo.translation.http-headers { Authorization = "Bearer x" }
        jicofo.conference.source-signaling-delays { 20 = 100 }
        jicofo.xmpp.client { domain = a, xmpp-domain = b, client-proxy = c, conference-muc-jid = d, password = e }
        jicofo.bridge { brewery-jid = x, health-checks.retry-delay = 1 second, region-groups = [] }
        jicofo.local-region = r
        somewhere-else.entirely = 1
    )");
    EXPECT_TRUE(loaded.warnings.empty()) << loaded.warnings[0].describe();
}

class TempDir : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("jicofo-config-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
    std::filesystem::path dir_;
};

TEST_F(TempDir, MissingFileIsAnErrorNamingIt) {
    LoadOptions options;
    options.config_file = dir_ / "nope.conf";
    auto result = load_config(options);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().file, (dir_ / "nope.conf").string());
    EXPECT_NE(result.error().describe().find("nope.conf"), std::string::npos);
}

TEST_F(TempDir, LegacyPropertiesNextToTheConfigAreUsedWhenPresent) {
    write("jicofo.conf", "jicofo.bridge.brewery-jid = \"hocon@muc\"\n");
    LoadOptions options;
    options.config_file = dir_ / "jicofo.conf";
    options.environment = fake_environment();
    auto without = load_config(options);
    ASSERT_TRUE(without.has_value()) << without.error().describe();
    EXPECT_EQ(without->config.bridge.brewery_jid, "hocon@muc");

    write("sip-communicator.properties", "org.jitsi.jicofo.BRIDGE_MUC=legacy@muc\n");
    auto with = load_config(options);
    ASSERT_TRUE(with.has_value()) << with.error().describe();
    EXPECT_EQ(with->config.bridge.brewery_jid, "legacy@muc");
}

TEST_F(TempDir, ErrorsInFilesNameThePath) {
    write("jicofo.conf", "jicofo {\n  rest.port = 123456\n}\n");
    write("legacy.properties", "org.jitsi.jicofo.DISABLE_AUTO_OWNER=perhaps\n");
    LoadOptions options;
    options.config_file = dir_ / "jicofo.conf";
    options.environment = fake_environment();
    auto conf = load_config(options);
    ASSERT_FALSE(conf.has_value());
    EXPECT_EQ(conf.error().file, (dir_ / "jicofo.conf").string());
    EXPECT_EQ(conf.error().line, 2);

    write("jicofo.conf", "");
    options.legacy_properties_file = dir_ / "legacy.properties";
    auto legacy = load_config(options);
    ASSERT_FALSE(legacy.has_value());
    EXPECT_EQ(legacy.error().file, (dir_ / "legacy.properties").string());
    EXPECT_EQ(legacy.error().line, 1);

    options.legacy_properties_file = dir_ / "absent.properties";
    EXPECT_FALSE(load_config(options).has_value());  // an explicitly named file must exist
}

TEST(Errors, ClientRequirementWithAnUnknownLevelOrKey) {
    const ConfigError level =
        load_error("jicofo.conference.client-requirements.requirements.X { feature = f, level = maybe }");
    EXPECT_EQ(level.key, "jicofo.conference.client-requirements.requirements.X.level");
    const ConfigError key = load_error("jicofo.conference.client-requirements.requirements.X { levle = hard }");
    EXPECT_EQ(key.key, "jicofo.conference.client-requirements.requirements.X.levle");
    const ConfigError shape = load_error("jicofo.conference.client-requirements.requirements.X = hard");
    EXPECT_EQ(shape.key, "jicofo.conference.client-requirements.requirements.X");
}

}  // namespace
}  // namespace jicofo::config
