// The join storm's report: the workers' records joined by endpoint, order statistics, the CPU and memory samples of
// jicofo and Prosody at the phase boundaries, and every error counted; printed as Markdown and written as JSON.
#pragma once

#include "join_storm_plan.hpp"

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace jicofo::bench {

// A "VmRSS:"/"VmHWM:" line of /proc/<pid>/status in MiB; 0 when the process is gone.
double process_memory_mib(pid_t pid, const std::string& key);

struct ProcessSample {
    std::int64_t at_ns = 0;
    double cpu_seconds = -1;  // user + system so far; -1 when unknown
    double rss_mib = 0;
    double hwm_mib = 0;
    // The anonymous part of RSS (RssAnon): the heap and stacks. The rest maps the binary and its libraries, a fixed
    // cost that grows only as code is first run.
    double anon_mib = 0;
};

// Samples at: idle (bridges known, before the storm), storm start, storm end (the last join plus the hold, before
// anyone leaves), everyone left, and after settling.
struct RunSamples {
    ProcessSample jicofo_idle, jicofo_start, jicofo_storm_end, jicofo_left, jicofo_settled;
    ProcessSample prosody_idle, prosody_start, prosody_storm_end, prosody_left;
    // The visitor nodes' Prosodies, v1 first.
    std::vector<ProcessSample> vnode_start, vnode_storm_end, vnode_left;
    double generator_cpu_before = 0;
    double generator_cpu_main = 0;
    double bridge_worker_cpu = 0;
};

struct LatencySummary {
    std::size_t count = 0;
    double p50_ms = 0;
    double p99_ms = 0;
    double max_ms = 0;
};

// One Prosody process's share: "main" or the node's id.
struct ProsodyUsage {
    std::string name;
    double cpu_storm = 0;
    double cpu_leave = 0;
    double peak_rss = 0;
};

struct StormReport {
    StormPlan plan;
    std::string machine;
    LatencySummary login;  // anonymous login, Prosody's work alone
    LatencySummary conference_iq;
    LatencySummary join_to_initiate;
    LatencySummary accept_to_update;
    // With visitor nodes: join -> session-initiate for the main room's members and for the visitors, and the
    // redirect's own cost (conference IQ reply to logged in on the node).
    LatencySummary join_to_initiate_main;
    LatencySummary join_to_initiate_visitors;
    LatencySummary redirect_to_vnode_login;
    int visitors_joined = 0;              // joined a room on a visitor node
    std::vector<ProsodyUsage> prosodies;  // main first; CPU seconds over the storm and while leaving
    double prosody_cpu_storm_all = 0;     // every Prosody
    double prosody_cpu_leave_all = 0;
    int joined = 0;    // MUC join sent
    int sessions = 0;  // exactly one session-initiate and an accepted session-accept
    double joins_per_second = 0;
    double storm_seconds = 0;  // storm start to storm end
    double jicofo_cpu_storm = 0;
    double prosody_cpu_storm = 0;
    double jicofo_cpu_leave = 0;
    double prosody_cpu_leave = 0;
    double jicofo_rss_idle = 0;
    double jicofo_rss_storm_end = 0;
    double jicofo_rss_left = 0;
    double jicofo_rss_settled = 0;
    double jicofo_anon_idle = 0;
    double jicofo_anon_storm_end = 0;
    double jicofo_anon_left = 0;
    double jicofo_anon_settled = 0;
    double jicofo_peak_rss = 0;
    double prosody_peak_rss = 0;
    double generator_cpu_workers = 0;  // all participant workers
    double generator_cpu_worker_max = 0;
    double generator_cpu_bridges = 0;
    double generator_cpu_main = 0;
    std::map<std::string, int> errors;  // kind -> count; every kind is listed, zero or not
    int errors_total = 0;
    int jicofo_log_warnings = 0;
    int jicofo_log_errors = 0;
    std::vector<std::string> jicofo_log_examples;  // the first few warning/error lines
};

StormReport build_report(const StormPlan& plan, const RunSamples& samples, const std::filesystem::path& jicofo_log);
void print_report(const StormReport& report);
bool write_json(const StormReport& report, const std::string& file);

}  // namespace jicofo::bench
