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
    std::optional<std::int64_t> open_fds;
};

// What changes while the process runs, read at every scrape. Missing or unreadable sources leave fields empty
// instead of failing the scrape.
ProcessStats read_process_stats();
// Since the Unix epoch; read once at start-up: it needs /proc/stat, whose text the kernel builds from every CPU's
// and interrupt's counters (a few hundred microseconds of kernel time that a scrape has no reason to pay).
std::optional<double> read_process_start_time_seconds();

// Parsers over the text of /proc files, split out so they are tested without /proc.
std::optional<std::int64_t> parse_status_threads(std::string_view proc_status);
// Field 22 (starttime, in clock ticks since boot) of /proc/<pid>/stat; the command name may contain spaces.
std::optional<std::uint64_t> parse_stat_start_ticks(std::string_view proc_stat);
// "btime" (boot time, seconds since the epoch) from /proc/stat.
std::optional<std::int64_t> parse_boot_time(std::string_view proc_stat);

}  // namespace jicofo::metrics
