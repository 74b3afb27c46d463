// ProcessStats from /proc/self and getrusage(); each source is optional so a restricted /proc never fails a scrape.
#include "jicofo/metrics/process_stats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace jicofo::metrics {
namespace {

std::optional<std::string> read_file(const char* path) {
    std::ifstream in(path);
    if (!in) {
        return std::nullopt;
    }
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

template <typename T>
std::optional<T> parse_number(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    T value{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end == text.data()) {
        return std::nullopt;
    }
    return value;
}

// The value after "<key>" at the start of a line, e.g. "Threads:\t12".
std::optional<std::string_view> line_value(std::string_view text, std::string_view key) {
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        std::string_view line = text.substr(pos, end - pos);
        if (line.substr(0, key.size()) == key) {
            return line.substr(key.size());
        }
        pos = end + 1;
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::int64_t> parse_status_threads(std::string_view proc_status) {
    auto value = line_value(proc_status, "Threads:");
    return value ? parse_number<std::int64_t>(*value) : std::nullopt;
}

std::optional<std::uint64_t> parse_stat_start_ticks(std::string_view proc_stat) {
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so count fields after the last ')'.
    auto close = proc_stat.rfind(')');
    if (close == std::string_view::npos) {
        return std::nullopt;
    }
    std::string_view rest = proc_stat.substr(close + 1);
    // After ')' the first field is #3 (state); starttime is #22, i.e. the 20th field from here.
    int field = 2;
    std::size_t pos = 0;
    while (pos < rest.size()) {
        while (pos < rest.size() && rest[pos] == ' ') {
            ++pos;
        }
        std::size_t end = rest.find(' ', pos);
        if (end == std::string_view::npos) {
            end = rest.size();
        }
        if (pos < end && ++field == 22) {
            return parse_number<std::uint64_t>(rest.substr(pos, end - pos));
        }
        pos = end;
    }
    return std::nullopt;
}

std::optional<std::int64_t> parse_boot_time(std::string_view proc_stat) {
    auto value = line_value(proc_stat, "btime ");
    return value ? parse_number<std::int64_t>(*value) : std::nullopt;
}

ProcessStats read_process_stats() {
    ProcessStats stats;
    if (auto status = read_file("/proc/self/status")) {
        stats.threads = parse_status_threads(*status);
    }
    const long page_size = ::sysconf(_SC_PAGESIZE);
    if (auto statm = read_file("/proc/self/statm")) {
        std::istringstream in(*statm);
        double size_pages = 0;
        double resident_pages = 0;
        if (in >> size_pages >> resident_pages) {
            stats.virtual_memory_bytes = size_pages * static_cast<double>(page_size);
            stats.resident_memory_bytes = resident_pages * static_cast<double>(page_size);
        }
    }
    rusage usage{};
    if (::getrusage(RUSAGE_SELF, &usage) == 0) {
        auto seconds = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6; };
        stats.cpu_seconds = seconds(usage.ru_utime) + seconds(usage.ru_stime);
    }
    std::error_code ec;
    std::int64_t fds = 0;
    for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end; it.increment(ec)) {
        ++fds;
    }
    if (!ec) {
        stats.open_fds = fds;
    }
    return stats;
}

std::optional<double> read_process_start_time_seconds() {
    auto self_stat = read_file("/proc/self/stat");
    auto system_stat = read_file("/proc/stat");
    const long ticks_per_second = ::sysconf(_SC_CLK_TCK);
    if (!self_stat || !system_stat || ticks_per_second <= 0) {
        return std::nullopt;
    }
    auto ticks = parse_stat_start_ticks(*self_stat);
    auto boot = parse_boot_time(*system_stat);
    if (!ticks || !boot) {
        return std::nullopt;
    }
    return static_cast<double>(*boot) + static_cast<double>(*ticks) / static_cast<double>(ticks_per_second);
}

}  // namespace jicofo::metrics
