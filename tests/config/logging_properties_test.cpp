// Jicofo's logging.properties: levels and the XMPP packet log handler, and what a malformed file does.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config_test_support.hpp"
#include "jicofo/config/logging_properties.hpp"

namespace jicofo::config {
namespace {

// The reference's default file, as the jicofo package installs it.
constexpr const char* kReferenceDefault =
    "\nhandlers= java.util.logging.ConsoleHandler\n"
    "#handlers= java.util.logging.ConsoleHandler, org.jitsi.impl.protocol.xmpp.log.XmppPacketsFileHandler\n"
    "java.util.logging.ConsoleHandler.level = ALL\n"
    "java.util.logging.ConsoleHandler.formatter = org.jitsi.utils.logging2.JitsiLogFormatter\n"
    "org.jitsi.utils.logging2.JitsiLogFormatter.programname=Jicofo\n"
    ".level=INFO\n"
    "org.jitsi.impl.protocol.xmpp.log.PacketDebugger.level=ALL\n"
    "org.jitsi.impl.protocol.xmpp.log.XmppPacketsFileHandler.pattern=/var/log/jitsi/jicofo-xmpp.log\n"
    "org.jitsi.impl.protocol.xmpp.log.XmppPacketsFileHandler.append=true\n"
    "org.jitsi.impl.protocol.xmpp.log.XmppPacketsFileHandler.limit=200000000\n"
    "org.jitsi.impl.protocol.xmpp.log.XmppPacketsFileHandler.count=3\n"
    "io.sentry.jul.SentryHandler.level=WARNING\n";

LoggingConfig applied(std::string_view text, LoggingConfig logging = {}) {
    apply_logging_properties(parse_logging_properties(text, "logging.properties"), logging);
    return logging;
}

TEST(LoggingProperties, ReferenceDefaultIsInfoWithoutPacketLog) {
    auto parsed = parse_logging_properties(kReferenceDefault, "logging.properties");
    EXPECT_EQ(parsed.level, "info");
    EXPECT_FALSE(parsed.packet_log);
    EXPECT_TRUE(parsed.warnings.empty());
    LoggingConfig conf;
    conf.level = "debug";
    EXPECT_EQ(applied(kReferenceDefault, conf).level, "info");  // the file wins over jicofo.logging.level
    EXPECT_FALSE(applied(kReferenceDefault).xmpp_packets.enabled);
}

TEST(LoggingProperties, JavaLevelNamesAndNumbers) {
    const std::pair<const char*, const char*> cases[] = {
        {"SEVERE", "error"}, {"WARNING", "warn"}, {"INFO", "info"},    {"CONFIG", "info"},
        {"FINE", "debug"},   {"FINER", "trace"},  {"FINEST", "trace"}, {"ALL", "trace"},
        {"OFF", "off"},      {"fine", "debug"},   {"1000", "error"},   {"900", "warn"},
        {"800", "info"},     {"500", "debug"},    {"300", "trace"},    {"2147483647", "off"}};
    for (const auto& [java, ours] : cases) {
        EXPECT_EQ(applied(std::string(".level = ") + java + "\n").level, ours) << java;
    }
}

TEST(LoggingProperties, MostSpecificLoggerWins) {
    EXPECT_EQ(applied(".level=WARNING\norg.jitsi.level=FINE\n").level, "debug");
    EXPECT_EQ(applied("org.jitsi.jicofo.level=SEVERE\n.level=ALL\norg.jitsi.level=FINE\n").level, "error");
    EXPECT_EQ(applied("org.jitsi.level=FINEST\n").level, "trace");
    // Other loggers' levels are not ours.
    EXPECT_EQ(applied("org.jitsi.impl.protocol.xmpp.colibri.level=ALL\n").level, "info");
}

TEST(LoggingProperties, PacketHandlerTurnsOnThePacketLog) {
    auto logging = applied(
        "handlers= java.util.logging.ConsoleHandler, \\\n"
        "   org.jitsi.impl.protocol.xmpp.log.XmppPacketsFileHandler\n"
        "org.jitsi.impl.protocol.xmpp.log.XmppPacketsFileHandler.pattern=/tmp/xmpp packets.log\n"
        "org.jitsi.impl.protocol.xmpp.log.XmppPacketsFileHandler.limit=5000\n"
        "org.jitsi.impl.protocol.xmpp.log.XmppPacketsFileHandler.count=4\n");
    EXPECT_TRUE(logging.xmpp_packets.enabled);
    EXPECT_EQ(logging.xmpp_packets.file, "/tmp/xmpp packets.log");
    EXPECT_EQ(logging.xmpp_packets.max_file_bytes, 5000U);
    EXPECT_EQ(logging.xmpp_packets.max_files, 3);  // the handler's count includes the current file

    auto defaults = applied("handlers=org.jitsi.impl.protocol.xmpp.log.XmppPacketsFileHandler\n");
    EXPECT_TRUE(defaults.xmpp_packets.enabled);
    EXPECT_EQ(defaults.xmpp_packets.file, LoggingConfig{}.xmpp_packets.file);
    EXPECT_EQ(applied("handlers=org.jitsi.impl.protocol.xmpp.log.XmppPacketsFileHandler\n"
                      "org.jitsi.impl.protocol.xmpp.log.XmppPacketsFileHandler.limit=0\n")
                  .xmpp_packets.max_file_bytes,
              2147483647U);
}

TEST(LoggingProperties, MalformedValuesAreWarningsAndIgnored) {
    const std::string text =
        ".level=LOUD\n"
        "org.jitsi.level=\n"
        "handlers=org.jitsi.impl.protocol.xmpp.log.XmppPacketsFileHandler\n"
        "org.jitsi.impl.protocol.xmpp.log.XmppPacketsFileHandler.pattern=%h/jicofo%g.log\n"
        "org.jitsi.impl.protocol.xmpp.log.XmppPacketsFileHandler.limit=12abc\n"
        "org.jitsi.impl.protocol.xmpp.log.XmppPacketsFileHandler.count=-1\n";
    auto parsed = parse_logging_properties(text, "logging.properties");
    EXPECT_FALSE(parsed.level.has_value());
    EXPECT_EQ(parsed.warnings.size(), 5U);
    for (const auto& warning : parsed.warnings) {
        EXPECT_EQ(warning.file, "logging.properties");
        EXPECT_GT(warning.line, 0);
    }
    auto logging = applied(text);
    EXPECT_EQ(logging.level, "info");
    EXPECT_TRUE(logging.xmpp_packets.enabled);
    EXPECT_EQ(logging.xmpp_packets,
              (XmppPacketLogConfig{true, LoggingConfig{}.xmpp_packets.file, LoggingConfig{}.xmpp_packets.max_file_bytes,
                                   LoggingConfig{}.xmpp_packets.max_files}));
}

TEST(LoggingProperties, GarbageAndBinaryInputDoNotCrash) {
    for (std::string_view text : {std::string_view("=\n:\n\\\n"), std::string_view("\0\xff\xfe=\x01", 5),
                                  std::string_view("handlers\n.level\n"), std::string_view("")}) {
        auto parsed = parse_logging_properties(text, "logging.properties");
        EXPECT_FALSE(parsed.packet_log);
    }
}

TEST(LoggingProperties, LoadConfigAppliesTheFileAndRejectsAMissingOne) {
    const auto dir = std::filesystem::temp_directory_path() / ("logging_properties_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "jicofo.conf") << "jicofo.logging.level = ERROR\n";
    std::ofstream(dir / "logging.properties") << ".level=FINE\n.level=BOGUS\n";
    LoadOptions options;
    options.config_file = dir / "jicofo.conf";
    options.logging_properties_file = dir / "logging.properties";
    options.environment = testing::fake_environment();
    auto loaded = load_config(options);
    ASSERT_TRUE(loaded.has_value()) << loaded.error().describe();
    EXPECT_EQ(loaded->config.logging.level, "error");  // later duplicate BOGUS wins and is ignored: jicofo.conf stays
    ASSERT_EQ(loaded->warnings.size(), 1U);
    EXPECT_EQ(loaded->warnings[0].key, ".level");

    options.logging_properties_file = dir / "missing.properties";
    auto missing = load_config(options);
    ASSERT_FALSE(missing.has_value());
    EXPECT_NE(missing.error().describe().find("missing.properties"), std::string::npos);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace jicofo::config
