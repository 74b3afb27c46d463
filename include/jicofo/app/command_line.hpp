// The jicofo command line: what the operator asked for, parsed without side effects so it can be tested.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "jicofo/config/config_edit.hpp"
#include "jicofo/core/result.hpp"

namespace jicofo::app {

enum class Command { Run, CheckConfig, Help, Version, EditConfig, PrintRoutes };

struct CommandLine {
    Command command = Command::Run;
    std::filesystem::path config_file;     // resolved: --config, else $JICOFO_CONFIG, else the packaged default
    bool config_file_explicit = false;     // true when named by --config or $JICOFO_CONFIG
    std::optional<std::string> log_level;  // --log-level, overrides jicofo.logging.level
    // --logging-properties: Jicofo's logging.properties, read over jicofo.logging
    std::optional<std::filesystem::path> logging_properties;
    // EditConfig (--config-set-absent / --config-set FILE path=value...): the file, the mode and the assignments.
    std::filesystem::path edit_file;
    config::SetMode edit_mode = config::SetMode::OnlyAbsent;
    std::vector<config::Assignment> edit_assignments;
};

inline constexpr const char* kDefaultConfigFile = "/etc/jitsi/jicofo/jicofo.conf";

using EnvironmentGetter = std::function<std::optional<std::string>(const std::string&)>;

// Parses argv (without argv[0]). Errors are a one-line message for stderr, after which usage is printed.
core::Result<CommandLine, std::string> parse_command_line(const std::vector<std::string>& arguments,
                                                          const EnvironmentGetter& environment);

std::string usage_text();

// Accepts spdlog's names and java.util.logging's (what Jicofo's logging.properties uses); returns spdlog's name.
std::optional<std::string> normalise_log_level(const std::string& level);

}  // namespace jicofo::app
