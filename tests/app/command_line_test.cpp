#include "jicofo/app/command_line.hpp"

#include <gtest/gtest.h>

#include <map>

namespace jicofo::app {
namespace {

EnvironmentGetter environment_with(std::map<std::string, std::string> variables) {
    return [variables = std::move(variables)](const std::string& name) -> std::optional<std::string> {
        auto found = variables.find(name);
        if (found == variables.end()) {
            return std::nullopt;
        }
        return found->second;
    };
}

TEST(CommandLine, WithoutArgumentsRunsWithThePackagedConfigFile) {
    auto parsed = parse_command_line({}, environment_with({}));
    ASSERT_TRUE(parsed) << parsed.error();
    EXPECT_EQ(parsed->command, Command::Run);
    EXPECT_EQ(parsed->config_file, kDefaultConfigFile);
    EXPECT_FALSE(parsed->config_file_explicit);
    EXPECT_FALSE(parsed->log_level);
}

TEST(CommandLine, EnvironmentVariableNamesTheConfigFileWhenNoOptionDoes) {
    auto parsed = parse_command_line({}, environment_with({{"JICOFO_CONFIG", "/srv/jicofo.conf"}}));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->config_file, "/srv/jicofo.conf");
    EXPECT_TRUE(parsed->config_file_explicit);
}

TEST(CommandLine, ConfigOptionWinsOverTheEnvironment) {
    auto env = environment_with({{"JICOFO_CONFIG", "/srv/jicofo.conf"}});
    auto separate = parse_command_line({"--config", "/a.conf"}, env);
    auto joined = parse_command_line({"--config=/b.conf"}, env);
    auto short_form = parse_command_line({"-c", "/c.conf"}, env);
    ASSERT_TRUE(separate && joined && short_form);
    EXPECT_EQ(separate->config_file, "/a.conf");
    EXPECT_EQ(joined->config_file, "/b.conf");
    EXPECT_EQ(short_form->config_file, "/c.conf");
}

TEST(CommandLine, CheckConfigHelpAndVersionAreCommands) {
    auto env = environment_with({});
    EXPECT_EQ(parse_command_line({"--check-config"}, env)->command, Command::CheckConfig);
    EXPECT_EQ(parse_command_line({"--help"}, env)->command, Command::Help);
    EXPECT_EQ(parse_command_line({"-h"}, env)->command, Command::Help);
    EXPECT_EQ(parse_command_line({"--version"}, env)->command, Command::Version);
    auto listing = parse_command_line({"--print-routes", "--config", "/a.conf"}, env);
    ASSERT_TRUE(listing);
    EXPECT_EQ(listing->command, Command::PrintRoutes);
    EXPECT_EQ(listing->config_file, "/a.conf");
    // Arguments are read in order: a mistake before --help is reported, --help before a mistake is answered.
    EXPECT_FALSE(parse_command_line({"--bogus-later", "--help"}, env));
    EXPECT_EQ(parse_command_line({"--help", "--bogus-later"}, env)->command, Command::Help);
}

TEST(CommandLine, LogLevelAcceptsSpdlogAndJavaNames) {
    auto env = environment_with({});
    EXPECT_EQ(parse_command_line({"--log-level", "debug"}, env)->log_level, "debug");
    EXPECT_EQ(parse_command_line({"--log-level=FINE"}, env)->log_level, "debug");
    EXPECT_EQ(parse_command_line({"--log-level", "WARNING"}, env)->log_level, "warn");
    EXPECT_EQ(parse_command_line({"--log-level", "SEVERE"}, env)->log_level, "error");
}

TEST(CommandLine, MistakesAreReportedByName) {
    auto env = environment_with({});
    auto unknown = parse_command_line({"--bogus"}, env);
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.error().find("--bogus"), std::string::npos);

    auto bad_level = parse_command_line({"--log-level", "loud"}, env);
    ASSERT_FALSE(bad_level);
    EXPECT_NE(bad_level.error().find("loud"), std::string::npos);

    EXPECT_FALSE(parse_command_line({"--config"}, env));
    EXPECT_FALSE(parse_command_line({"--log-level"}, env));
}

TEST(CommandLine, UsageMentionsEveryOption) {
    auto usage = usage_text();
    for (const char* option : {"--config", "--check-config", "--log-level", "--logging-properties",
                               "--config-set-absent", "--config-set", "--version", "--help"}) {
        EXPECT_NE(usage.find(option), std::string::npos) << option;
    }
}

TEST(CommandLine, LoggingPropertiesNamesJicofosLoggingFile) {
    auto parsed =
        parse_command_line({"--logging-properties", "/etc/jitsi/jicofo/logging.properties"}, environment_with({}));
    ASSERT_TRUE(parsed) << parsed.error();
    EXPECT_EQ(parsed->command, Command::Run);
    EXPECT_EQ(parsed->logging_properties, "/etc/jitsi/jicofo/logging.properties");
    EXPECT_FALSE(parse_command_line({"--logging-properties"}, environment_with({})));
    EXPECT_FALSE(parse_command_line({"--logging-properties="}, environment_with({})));
}

TEST(CommandLine, ConfigSetTakesTheFileAndEveryAssignmentAfterIt) {
    auto absent = parse_command_line(
        {"--config-set-absent", "/etc/jitsi/jicofo/jicofo.conf", "jicofo.xmpp.client.username=\"focus\"",
         "jicofo.xmpp.trusted-domains=[ \"recorder.meet\" ]"},
        environment_with({}));
    ASSERT_TRUE(absent) << absent.error();
    EXPECT_EQ(absent->command, Command::EditConfig);
    EXPECT_EQ(absent->edit_file, "/etc/jitsi/jicofo/jicofo.conf");
    EXPECT_EQ(absent->edit_mode, config::SetMode::OnlyAbsent);
    ASSERT_EQ(absent->edit_assignments.size(), 2U);
    EXPECT_EQ(absent->edit_assignments[0].path, "jicofo.xmpp.client.username");
    EXPECT_EQ(absent->edit_assignments[0].value, "\"focus\"");
    EXPECT_EQ(absent->edit_assignments[1].value, "[ \"recorder.meet\" ]");

    auto always = parse_command_line({"--config-set", "f.conf", "a.b=1"}, environment_with({}));
    ASSERT_TRUE(always) << always.error();
    EXPECT_EQ(always->edit_mode, config::SetMode::Always);

    // A file with nothing to set, an assignment without '=' or with a value that is not HOCON: usage errors.
    EXPECT_FALSE(parse_command_line({"--config-set-absent", "f.conf"}, environment_with({})));
    EXPECT_FALSE(parse_command_line({"--config-set-absent", "f.conf", "a.b"}, environment_with({})));
    EXPECT_FALSE(parse_command_line({"--config-set", "f.conf", "a.b=\"open"}, environment_with({})));
}

TEST(LogLevel, UnknownNamesAreRejected) {
    EXPECT_EQ(normalise_log_level("INFO"), "info");
    EXPECT_EQ(normalise_log_level("off"), "off");
    EXPECT_FALSE(normalise_log_level("verbose"));
}

}  // namespace
}  // namespace jicofo::app
