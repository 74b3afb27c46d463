// Jicofo's /etc/jitsi/jicofo/logging.properties (java.util.logging syntax), read for what operators change in it:
// the root and org.jitsi levels, and the XMPP packet log handler. Everything else in it (console handler, formatter,
// Sentry) is Java machinery with no counterpart here and is ignored.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jicofo/config/jicofo_config.hpp"
#include "jicofo/core/result.hpp"

namespace jicofo::config {

struct LoggingProperties {
    // spdlog's name of the most specific level set: org.jitsi.jicofo.level, else org.jitsi.level, else .level.
    std::optional<std::string> level;
    // Set when XmppPacketsFileHandler is among the root handlers: the packet log is on, with the handler's file,
    // size limit and count where given (the rest from jicofo.logging.xmpp-packets).
    bool packet_log = false;
    std::optional<std::string> packet_file;
    std::optional<std::size_t> packet_max_file_bytes;
    std::optional<int> packet_max_files;
    std::vector<ConfigWarning> warnings;  // values that could not be used, each ignored
};

// Never fails: a value that cannot be used is a warning and is left out.
LoggingProperties parse_logging_properties(std::string_view text, const std::string& origin);

// Reads the file; a missing or unreadable file is an error naming it.
core::Result<LoggingProperties, ConfigError> read_logging_properties(const std::filesystem::path& file);

// Puts what the file sets over jicofo.logging (the file wins, as it did for Jicofo's log output).
void apply_logging_properties(const LoggingProperties& properties, LoggingConfig& logging);

}  // namespace jicofo::config
