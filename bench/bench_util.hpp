// Small helpers shared by the benchmarks: order statistics, the machine description and process accounting read
// from /proc, so that every printed number says what it was measured on.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace jicofo::bench {

// Nearest-rank percentile (p in [0, 100]) of unsorted samples; 0 for none.
double percentile(std::vector<double> samples, double p);
double median(std::vector<double> samples);

// "2 cores, 23.5 GiB RAM, <cpu model>, load average 4.3 4.1 3.4": one line for the report header.
std::string machine_line();
// The 1-minute load average, to print beside each measurement on a shared machine.
double load_average_1min();

// Peak resident set size of this process (VmHWM), in MiB.
double peak_rss_mib();

// User + system CPU seconds consumed so far by a process (this one when pid is 0), from /proc/<pid>/stat; nullopt
// when the process is gone or the file does not parse.
std::optional<double> process_cpu_seconds(pid_t pid = 0);

// CPU seconds consumed by the calling thread.
double thread_cpu_seconds();

// Value of a "--name value" option, or fallback.
long long int_option(int argc, char** argv, const std::string& name, long long fallback);

}  // namespace jicofo::bench
