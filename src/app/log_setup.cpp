// Console and syslog sinks for spdlog, with sd-daemon style priority prefixes under journald.
#include "jicofo/app/log_setup.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/syslog_sink.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <memory>
#include <vector>

namespace jicofo::app {
namespace {

// Writes "<N>" with N the syslog priority of the line's level, which journald turns into the entry's PRIORITY.
class SyslogPriorityFlag final : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& message, const std::tm& /*time*/,
                spdlog::memory_buf_t& destination) override {
        const char* prefix = "<6>";
        switch (message.level) {
            case spdlog::level::trace:
            case spdlog::level::debug: prefix = "<7>"; break;
            case spdlog::level::info: prefix = "<6>"; break;
            case spdlog::level::warn: prefix = "<4>"; break;
            case spdlog::level::err: prefix = "<3>"; break;
            case spdlog::level::critical: prefix = "<2>"; break;
            default: break;
        }
        destination.append(prefix, prefix + 3);
    }

    [[nodiscard]] std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<SyslogPriorityFlag>();
    }
};

}  // namespace

bool stderr_is_journald() {
    const char* stream = std::getenv("JOURNAL_STREAM");
    return stream != nullptr && *stream != '\0';
}

void configure_logging(const LogSetup& setup) {
    std::vector<spdlog::sink_ptr> sinks;
    auto console = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    if (setup.journald) {
        formatter->add_flag<SyslogPriorityFlag>('*').set_pattern("%*[%n] %v");
    } else {
        formatter->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ [%n] %v");
    }
    console->set_formatter(std::move(formatter));
    sinks.push_back(console);
    if (setup.syslog) {
        sinks.push_back(std::make_shared<spdlog::sinks::syslog_sink_mt>("jicofo", 0, LOG_DAEMON, true));
    }

    auto logger = std::make_shared<spdlog::logger>("jicofo", sinks.begin(), sinks.end());
    spdlog::set_default_logger(logger);
    set_log_level(setup.level);
    spdlog::flush_on(spdlog::level::warn);
}

void set_log_level(const std::string& level) {
    // Applies to the default logger and every registered module logger.
    spdlog::set_level(spdlog::level::from_str(level));
    if (auto packets = spdlog::get(kPacketLoggerName)) {
        packets->set_level(spdlog::level::trace);
    }
}

std::optional<std::string> configure_packet_log(const std::string& file, std::size_t max_file_bytes, int max_files) {
    try {
        auto sink = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(file, max_file_bytes,
                                                                           static_cast<std::size_t>(max_files));
        sink->set_pattern("%Y-%m-%d %H:%M:%S.%e %v");
        auto logger = std::make_shared<spdlog::logger>(kPacketLoggerName, sink);
        logger->set_level(spdlog::level::trace);
        logger->flush_on(spdlog::level::trace);
        spdlog::drop(kPacketLoggerName);
        spdlog::register_logger(logger);
        return std::nullopt;
    } catch (const spdlog::spdlog_ex& failure) {
        return std::string(failure.what());
    }
}

}  // namespace jicofo::app
