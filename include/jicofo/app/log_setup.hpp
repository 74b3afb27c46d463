// Where the process logs go: the console (journald-friendly under systemd) and optionally syslog.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace jicofo::app {

struct LogSetup {
    std::string level = "info";  // an spdlog level name
    bool syslog = false;
    // When stderr is connected to journald (systemd sets $JOURNAL_STREAM), lines carry a "<N>" priority prefix and
    // no timestamp, since journald records its own.
    bool journald = false;
};

// Installs the sinks on the default logger (module loggers created later share them) and sets the level.
void configure_logging(const LogSetup& setup);

// Changes the level of every logger except the packet log, which logs everything it is given. `level` must be an
// spdlog level name.
void set_log_level(const std::string& level);

// Sends the "xmpp-packets" logger to a size-rotated file of its own. Returns an error message when the file cannot
// be opened; packets are then not logged.
std::optional<std::string> configure_packet_log(const std::string& file, std::size_t max_file_bytes, int max_files);

inline constexpr const char* kPacketLoggerName = "xmpp-packets";

// True when the environment says stderr goes to journald.
bool stderr_is_journald();

}  // namespace jicofo::app
