// Reads the process's own resource usage from /proc for the process_* and jitsi_jicofo_threads metrics.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace jicofo::metrics {

struct ProcessStats {
    std::optional<std::int64_t> threads;
    std::optional<double> resident_memory_bytes;
    std::optional<double> virtual_memory_bytes;
    std::optional<double> cpu_seconds;
    std::optional<double> start_time_seconds;  // since the Unix epoch
    std::optional<std::int64_t> open_fds;
};

// Missing or unreadable sources leave fields empty instead of failing the scrape.
ProcessStats read_process_stats();

// Parsers over the text of /proc files, split out so they are tested without /proc.
std::optional<std::int64_t> parse_status_threads(std::string_view proc_status);
// Field 22 (starttime, in clock ticks since boot) of /proc/<pid>/stat; the command name may contain spaces.
std::optional<std::uint64_t> parse_stat_start_ticks(std::string_view proc_stat);
// "btime" (boot time, seconds since the epoch) from /proc/stat.
std::optional<std::int64_t> parse_boot_time(std::string_view proc_stat);

}  // namespace jicofo::metrics
