// Order statistics and /proc readers for the benchmarks (Linux only, as the product).
#include "bench_util.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

namespace jicofo::bench {

double percentile(std::vector<double> samples, double p) {
    if (samples.empty()) {
        return 0.0;
    }
    std::sort(samples.begin(), samples.end());
    const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(samples.size())));
    return samples[std::clamp<std::size_t>(rank, 1, samples.size()) - 1];
}

double median(std::vector<double> samples) {
    return percentile(std::move(samples), 50.0);
}

namespace {

std::optional<std::string> first_line_starting(const char* file, const std::string& prefix) {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(prefix, 0) == 0) {
            return line;
        }
    }
    return std::nullopt;
}

std::string after_colon(const std::string& line) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) {
        return line;
    }
    const auto start = line.find_first_not_of(" \t", colon + 1);
    return start == std::string::npos ? std::string() : line.substr(start);
}

}  // namespace

double load_average_1min() {
    std::ifstream in("/proc/loadavg");
    double load = 0.0;
    in >> load;
    return load;
}

std::string machine_line() {
    std::ostringstream out;
    out << std::thread::hardware_concurrency() << " cores";
    if (auto mem = first_line_starting("/proc/meminfo", "MemTotal:")) {
        std::istringstream fields(after_colon(*mem));
        double kib = 0;
        fields >> kib;
        out << ", " << std::lround(kib / 1024.0 / 1024.0 * 10.0) / 10.0 << " GiB RAM";
    }
    if (auto model = first_line_starting("/proc/cpuinfo", "model name")) {
        out << ", " << after_colon(*model);
    }
    std::ifstream loadavg("/proc/loadavg");
    double one = 0;
    double five = 0;
    double fifteen = 0;
    loadavg >> one >> five >> fifteen;
    out << ", load average " << one << " " << five << " " << fifteen;
    return out.str();
}

double peak_rss_mib() {
    if (auto line = first_line_starting("/proc/self/status", "VmHWM:")) {
        std::istringstream fields(after_colon(*line));
        double kib = 0;
        fields >> kib;
        return kib / 1024.0;
    }
    return 0.0;
}

std::optional<double> process_cpu_seconds(pid_t pid) {
    const std::string path = pid == 0 ? "/proc/self/stat" : "/proc/" + std::to_string(pid) + "/stat";
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // The command name (field 2) may contain spaces and parentheses: fields are counted after the last ')'.
    const auto close = text.rfind(')');
    if (close == std::string::npos) {
        return std::nullopt;
    }
    std::istringstream fields(text.substr(close + 1));
    std::string field;
    unsigned long long utime = 0;
    unsigned long long stime = 0;
    // After ')': state is field 3; utime and stime are fields 14 and 15.
    for (int index = 3; index <= 15 && fields >> field; ++index) {
        if (index == 14) {
            utime = std::stoull(field);
        } else if (index == 15) {
            stime = std::stoull(field);
        }
    }
    if (!fields) {
        return std::nullopt;
    }
    return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

double thread_cpu_seconds() {
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

long long int_option(int argc, char** argv, const std::string& name, long long fallback) {
    for (int i = 1; i + 1 < argc; ++i) {
        if (argv[i] == "--" + name) {
            return std::stoll(argv[i + 1]);
        }
    }
    return fallback;
}

}  // namespace jicofo::bench
