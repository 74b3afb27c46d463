// Builds, prints and writes the join storm's report from the workers' record files and the process samples.
#include "join_storm_report.hpp"

#include "bench_util.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <unordered_map>

namespace jicofo::bench {
namespace {

struct ParticipantLine {
    int index = -1;
    long long conference_sent = 0, conference_reply = 0, join_sent = 0, initiate_received = 0, accept_sent = 0,
              accept_reply = 0;
    int ready = 0, accept_ok = 0, initiates = 0, terminates = 0, other_jingle = 0, iq_errors = 0, lost = 0,
        login_failed = 0;
    long long connect_started = 0;
    int vnode = 0, bad_redirect = 0;
    long long vnode_connected = 0;
};

struct EndpointLine {
    long long allocated = 0, first_update = 0;
    int allocations = 0, updates = 0, expiries = 0;
};

double ms_between(long long from_ns, long long to_ns) {
    return static_cast<double>(to_ns - from_ns) / 1e6;
}

LatencySummary summarize(const std::vector<double>& samples) {
    LatencySummary s;
    s.count = samples.size();
    s.p50_ms = percentile(samples, 50);
    s.p99_ms = percentile(samples, 99);
    s.max_ms = percentile(samples, 100);
    return s;
}

double cpu_between(const ProcessSample& from, const ProcessSample& to) {
    return from.cpu_seconds < 0 || to.cpu_seconds < 0 ? -1 : to.cpu_seconds - from.cpu_seconds;
}

void read_log(const std::filesystem::path& log, StormReport& report) {
    std::ifstream in(log);
    std::string line;
    // "2026-01-01 12:00:00.000 warning [module] text": the level starts after the 23-character time stamp.
    while (std::getline(in, line)) {
        const auto level = line.size() > 24 ? std::string_view(line).substr(24, 5) : std::string_view();
        const bool warning = level.starts_with("warn");
        const bool error = level.starts_with("error") || level.starts_with("criti");
        report.jicofo_log_warnings += warning ? 1 : 0;
        report.jicofo_log_errors += error ? 1 : 0;
        if ((warning || error) && report.jicofo_log_examples.size() < 10) {
            report.jicofo_log_examples.push_back(line.substr(0, 400));
        }
    }
}

nlohmann::json latency_json(const LatencySummary& s) {
    return {{"count", s.count}, {"p50_ms", s.p50_ms}, {"p99_ms", s.p99_ms}, {"max_ms", s.max_ms}};
}

// CPU milliseconds per participant that joined: over the storm (joins, sessions, the hold) and over the whole
// lifecycle (the storm and the leaving), the numbers the performance goals are written in.
struct PerParticipantCpu {
    double jicofo_storm = 0;
    double prosody_storm = 0;
    double jicofo_lifecycle = 0;
    double prosody_lifecycle = 0;
};

PerParticipantCpu cpu_ms_per_participant(const StormReport& r) {
    if (r.joined <= 0) {
        return {};
    }
    const double ms_each = 1000.0 / r.joined;
    return {r.jicofo_cpu_storm * ms_each, r.prosody_cpu_storm * ms_each,
            (r.jicofo_cpu_storm + r.jicofo_cpu_leave) * ms_each, (r.prosody_cpu_storm + r.prosody_cpu_leave) * ms_each};
}

nlohmann::json prosodies_json(const StormReport& r) {
    auto list = nlohmann::json::array();
    for (const auto& p : r.prosodies) {
        list.push_back(
            {{"name", p.name}, {"cpu_storm", p.cpu_storm}, {"cpu_leave", p.cpu_leave}, {"peak_rss_mib", p.peak_rss}});
    }
    return list;
}

}  // namespace

double process_memory_mib(pid_t pid, const std::string& key) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(key, 0) == 0) {
            std::istringstream fields(line.substr(key.size()));
            double kib = 0;
            fields >> kib;
            return kib / 1024.0;
        }
    }
    return 0;
}

StormReport build_report(const StormPlan& plan, const RunSamples& samples, const std::filesystem::path& jicofo_log) {
    StormReport report;
    report.plan = plan;
    report.machine = machine_line();
    for (const char* kind :
         {"login failed", "connection lost", "conference IQ unanswered", "conference IQ not ready",
          "no session-initiate", "duplicate session-initiate", "session-accept not acknowledged",
          "session-terminate received", "IQ errors", "no colibri update after accept", "duplicate allocation",
          "duplicate conference on bridges", "colibri request for unknown conference", "malformed colibri request",
          "participant results missing", "redirect to an unknown vnode"}) {
        report.errors[kind] = 0;
    }
    std::vector<ParticipantLine> participants;
    int reported = 0;
    for (int w = 0; w < plan.workers; ++w) {
        std::ifstream in(plan.participant_results(w));
        std::string kind;
        while (in >> kind) {
            if (kind == "worker") {
                int worker = 0;
                std::size_t count = 0;
                double cpu = 0;
                in >> worker >> count >> cpu;
                report.generator_cpu_workers += cpu;
                report.generator_cpu_worker_max = std::max(report.generator_cpu_worker_max, cpu);
            } else if (kind == "participant") {
                ParticipantLine p;
                in >> p.index >> p.conference_sent >> p.conference_reply >> p.join_sent >> p.initiate_received >>
                    p.accept_sent >> p.accept_reply >> p.ready >> p.accept_ok >> p.initiates >> p.terminates >>
                    p.other_jingle >> p.iq_errors >> p.lost >> p.login_failed >> p.connect_started >> p.vnode >>
                    p.bad_redirect >> p.vnode_connected;
                participants.push_back(p);
                ++reported;
            } else {
                std::getline(in, kind);
            }
        }
    }
    report.errors["participant results missing"] = plan.participants() - reported;

    std::unordered_map<std::string, EndpointLine> endpoints;
    {
        std::ifstream in(plan.bridge_results());
        std::string kind;
        while (in >> kind) {
            if (kind == "totals") {
                long requests = 0, errors_sent = 0, malformed = 0, health = 0, created = 0, duplicates = 0, unknown = 0;
                in >> requests >> errors_sent >> malformed >> health >> created >> duplicates >> unknown;
                report.errors["duplicate conference on bridges"] = static_cast<int>(duplicates);
                report.errors["colibri request for unknown conference"] = static_cast<int>(unknown);
                report.errors["malformed colibri request"] = static_cast<int>(malformed);
            } else if (kind == "endpoint") {
                std::string id;
                EndpointLine e;
                in >> id >> e.allocated >> e.first_update >> e.allocations >> e.updates >> e.expiries;
                report.errors["duplicate allocation"] += e.allocations > 1 ? 1 : 0;
                endpoints[id] = e;
            } else {
                std::getline(in, kind);
            }
        }
    }

    // jicofo invites nobody before a conference has min-participants (2) members: a conference's first participant
    // is measured from the second one's join, the moment an invite became possible.
    std::unordered_map<int, std::vector<long long>> joins_by_conference;
    for (const auto& p : participants) {
        if (p.join_sent != 0) {
            joins_by_conference[p.index / plan.conference_size].push_back(p.join_sent);
        }
    }
    for (auto& [conference, joins] : joins_by_conference) {
        std::sort(joins.begin(), joins.end());
    }
    auto invitable_at = [&](const ParticipantLine& p) {
        const auto& joins = joins_by_conference[p.index / plan.conference_size];
        return joins.size() < 2 ? p.join_sent : std::max(p.join_sent, joins[1]);
    };
    std::vector<double> login_ms;
    std::vector<double> conference_ms;
    std::vector<double> initiate_ms;
    std::vector<double> update_ms;
    std::vector<double> initiate_main_ms;
    std::vector<double> initiate_visitor_ms;
    std::vector<double> redirect_ms;
    long long first_join = 0;
    long long last_join = 0;
    for (const auto& p : participants) {
        auto& e = report.errors;
        e["login failed"] += p.login_failed;
        e["redirect to an unknown vnode"] += p.bad_redirect;
        if (p.vnode != 0 && p.vnode_connected != 0 && p.conference_reply != 0) {
            redirect_ms.push_back(ms_between(p.conference_reply, p.vnode_connected));
        }
        e["connection lost"] += p.lost && !p.login_failed ? 1 : 0;
        if (p.conference_sent != 0 && p.connect_started != 0) {
            login_ms.push_back(ms_between(p.connect_started, p.conference_sent));
        }
        if (p.conference_sent != 0 && p.conference_reply == 0) {
            ++e["conference IQ unanswered"];
        } else if (p.conference_reply != 0) {
            conference_ms.push_back(ms_between(p.conference_sent, p.conference_reply));
            e["conference IQ not ready"] += p.ready ? 0 : 1;
        }
        if (p.join_sent != 0) {
            ++report.joined;
            report.visitors_joined += p.vnode != 0 ? 1 : 0;
            first_join = first_join == 0 ? p.join_sent : std::min(first_join, p.join_sent);
            last_join = std::max(last_join, p.join_sent);
            e["no session-initiate"] += p.initiates == 0 ? 1 : 0;
        }
        e["duplicate session-initiate"] += p.initiates > 1 ? 1 : 0;
        e["session-terminate received"] += p.terminates > 0 ? 1 : 0;
        e["IQ errors"] += p.iq_errors;
        if (p.initiate_received != 0 && p.join_sent != 0) {
            initiate_ms.push_back(ms_between(invitable_at(p), p.initiate_received));
            (p.vnode != 0 ? initiate_visitor_ms : initiate_main_ms)
                .push_back(ms_between(invitable_at(p), p.initiate_received));
        }
        if (p.accept_sent != 0) {
            e["session-accept not acknowledged"] += p.accept_ok ? 0 : 1;
            const auto endpoint = endpoints.find(StormPlan::nick(p.index));
            if (endpoint == endpoints.end() || endpoint->second.first_update == 0) {
                ++e["no colibri update after accept"];
            } else {
                update_ms.push_back(ms_between(p.accept_sent, endpoint->second.first_update));
            }
        }
        report.sessions += p.initiates == 1 && p.accept_ok ? 1 : 0;
    }
    for (const auto& [kind, count] : report.errors) {
        report.errors_total += count;
    }
    report.login = summarize(login_ms);
    report.conference_iq = summarize(conference_ms);
    report.join_to_initiate = summarize(initiate_ms);
    report.accept_to_update = summarize(update_ms);
    report.join_to_initiate_main = summarize(initiate_main_ms);
    report.join_to_initiate_visitors = summarize(initiate_visitor_ms);
    report.redirect_to_vnode_login = summarize(redirect_ms);
    report.joins_per_second = report.joined > 1 && last_join > first_join
                                  ? (report.joined - 1) / (ms_between(first_join, last_join) / 1e3)
                                  : 0;
    report.storm_seconds = static_cast<double>(samples.jicofo_storm_end.at_ns - samples.jicofo_start.at_ns) / 1e9;
    report.jicofo_cpu_storm = cpu_between(samples.jicofo_start, samples.jicofo_storm_end);
    report.prosody_cpu_storm = cpu_between(samples.prosody_start, samples.prosody_storm_end);
    report.jicofo_cpu_leave = cpu_between(samples.jicofo_storm_end, samples.jicofo_left);
    report.prosody_cpu_leave = cpu_between(samples.prosody_storm_end, samples.prosody_left);
    report.jicofo_rss_idle = samples.jicofo_idle.rss_mib;
    report.jicofo_rss_storm_end = samples.jicofo_storm_end.rss_mib;
    report.jicofo_rss_left = samples.jicofo_left.rss_mib;
    report.jicofo_rss_settled = samples.jicofo_settled.rss_mib;
    report.jicofo_anon_idle = samples.jicofo_idle.anon_mib;
    report.jicofo_anon_storm_end = samples.jicofo_storm_end.anon_mib;
    report.jicofo_anon_left = samples.jicofo_left.anon_mib;
    report.jicofo_anon_settled = samples.jicofo_settled.anon_mib;
    report.jicofo_peak_rss = samples.jicofo_settled.hwm_mib;
    report.prosody_peak_rss = samples.prosody_left.hwm_mib;
    report.prosodies.push_back({"main", report.prosody_cpu_storm, report.prosody_cpu_leave, report.prosody_peak_rss});
    report.prosody_cpu_storm_all = report.prosody_cpu_storm;
    report.prosody_cpu_leave_all = report.prosody_cpu_leave;
    for (std::size_t i = 0; i < samples.vnode_left.size(); ++i) {
        ProsodyUsage usage{
            vnode_id(static_cast<int>(i) + 1), cpu_between(samples.vnode_start[i], samples.vnode_storm_end[i]),
            cpu_between(samples.vnode_storm_end[i], samples.vnode_left[i]), samples.vnode_left[i].hwm_mib};
        report.prosody_cpu_storm_all += usage.cpu_storm;
        report.prosody_cpu_leave_all += usage.cpu_leave;
        report.prosodies.push_back(std::move(usage));
    }
    report.generator_cpu_bridges = samples.bridge_worker_cpu;
    report.generator_cpu_main = samples.generator_cpu_main;
    read_log(jicofo_log, report);
    return report;
}

void print_report(const StormReport& r) {
    const auto& plan = r.plan;
    std::printf("\n%d participants (%d conferences x %d), %d bridges, %d workers, asked %.0f joins/s\n",
                plan.participants(), plan.conferences, plan.conference_size, plan.bridges, plan.workers, plan.rate);
    std::printf("machine: %s\n\n", r.machine.c_str());
    std::printf("| latency | count | p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|\n");
    for (const auto& [name, s] : {std::pair<const char*, const LatencySummary&>{"login (TCP to bound)", r.login},
                                  {"conference IQ", r.conference_iq},
                                  {"join (or 2nd join) -> session-initiate", r.join_to_initiate},
                                  {"session-accept -> colibri update", r.accept_to_update}}) {
        std::printf("| %s | %zu | %.2f | %.2f | %.2f |\n", name, s.count, s.p50_ms, s.p99_ms, s.max_ms);
    }
    if (plan.vnodes > 0) {
        for (const auto& [name, s] :
             {std::pair<const char*, const LatencySummary&>{"main room: join -> session-initiate",
                                                            r.join_to_initiate_main},
              {"visitors: join on the node -> session-initiate", r.join_to_initiate_visitors},
              {"visitors: redirect reply -> logged in on the node", r.redirect_to_vnode_login}}) {
            std::printf("| %s | %zu | %.2f | %.2f | %.2f |\n", name, s.count, s.p50_ms, s.p99_ms, s.max_ms);
        }
    }
    const double ratio = r.prosody_cpu_storm > 0 ? r.jicofo_cpu_storm / r.prosody_cpu_storm : 0;
    const auto per_participant = cpu_ms_per_participant(r);
    std::printf("\n| measure | value |\n|---|---:|\n");
    std::printf("| joins/s asked / achieved | %.0f / %.1f |\n", plan.rate, r.joins_per_second);
    std::printf("| joined / sessions established | %d / %d |\n", r.joined, r.sessions);
    if (plan.vnodes > 0) {
        std::printf("| joined in the main rooms / on %d visitor nodes (max-participants %d) | %d / %d |\n", plan.vnodes,
                    plan.main_per_room, r.joined - r.visitors_joined, r.visitors_joined);
    }
    std::printf("| storm (first join to last join + %.0f s hold) | %.1f s |\n", plan.hold_seconds, r.storm_seconds);
    std::printf("| jicofo CPU over the storm | %.2f s |\n", r.jicofo_cpu_storm);
    std::printf("| Prosody CPU over the storm | %.2f s |\n", r.prosody_cpu_storm);
    std::printf("| jicofo / Prosody CPU | %.3f |\n", ratio);
    if (plan.vnodes > 0) {
        for (const auto& prosody : r.prosodies) {
            std::printf("| Prosody %s: CPU storm / leaving, peak RSS | %.2f s / %.2f s, %.1f MiB |\n",
                        prosody.name.c_str(), prosody.cpu_storm, prosody.cpu_leave, prosody.peak_rss);
        }
        std::printf("| all Prosodies: CPU storm / leaving | %.2f s / %.2f s |\n", r.prosody_cpu_storm_all,
                    r.prosody_cpu_leave_all);
        std::printf("| jicofo / busiest Prosody CPU over the storm | %.3f |\n", [&] {
            double busiest = 0;
            for (const auto& prosody : r.prosodies) {
                busiest = std::max(busiest, prosody.cpu_storm);
            }
            return busiest > 0 ? r.jicofo_cpu_storm / busiest : 0;
        }());
    }
    std::printf("| jicofo / Prosody CPU while leaving | %.2f s / %.2f s |\n", r.jicofo_cpu_leave, r.prosody_cpu_leave);
    std::printf("| CPU per participant over the storm, jicofo / Prosody | %.2f / %.2f ms |\n",
                per_participant.jicofo_storm, per_participant.prosody_storm);
    std::printf("| CPU per participant over its lifecycle (storm + leaving), jicofo / Prosody | %.2f / %.2f ms |\n",
                per_participant.jicofo_lifecycle, per_participant.prosody_lifecycle);
    std::printf("| jicofo RSS idle / storm end / all left / settled | %.1f / %.1f / %.1f / %.1f MiB |\n",
                r.jicofo_rss_idle, r.jicofo_rss_storm_end, r.jicofo_rss_left, r.jicofo_rss_settled);
    std::printf(
        "| jicofo anonymous RSS (heap, stacks) idle / storm end / all left / settled | %.1f / %.1f / %.1f / %.1f MiB "
        "|\n",
        r.jicofo_anon_idle, r.jicofo_anon_storm_end, r.jicofo_anon_left, r.jicofo_anon_settled);
    std::printf("| jicofo peak RSS (VmHWM) | %.1f MiB |\n", r.jicofo_peak_rss);
    std::printf("| Prosody peak RSS (VmHWM) | %.1f MiB |\n", r.prosody_peak_rss);
    std::printf(
        "| generator CPU: participant workers (max one worker) / bridges / coordinator | %.2f (%.2f) / "
        "%.2f / %.2f s |\n",
        r.generator_cpu_workers, r.generator_cpu_worker_max, r.generator_cpu_bridges, r.generator_cpu_main);
    std::printf("| jicofo log warnings / errors | %d / %d |\n", r.jicofo_log_warnings, r.jicofo_log_errors);
    std::printf("\n| error | count |\n|---|---:|\n");
    for (const auto& [kind, count] : r.errors) {
        std::printf("| %s | %d |\n", kind.c_str(), count);
    }
    std::printf("| **total** | **%d** |\n", r.errors_total);
    for (const auto& line : r.jicofo_log_examples) {
        std::printf("jicofo log: %s\n", line.c_str());
    }
}

bool write_json(const StormReport& r, const std::string& file) {
    const auto per_participant = cpu_ms_per_participant(r);
    const auto& plan = r.plan;
    nlohmann::json json = {
        {"participants", plan.participants()},
        {"conferences", plan.conferences},
        {"conference_size", plan.conference_size},
        {"bridges", plan.bridges},
        {"workers", plan.workers},
        {"machine", r.machine},
        {"latency",
         {{"login", latency_json(r.login)},
          {"conference_iq", latency_json(r.conference_iq)},
          {"join_to_session_initiate", latency_json(r.join_to_initiate)},
          {"session_accept_to_colibri_update", latency_json(r.accept_to_update)}}},
        {"joins_per_second", {{"asked", plan.rate}, {"achieved", r.joins_per_second}}},
        {"joined", r.joined},
        {"sessions", r.sessions},
        {"storm_seconds", r.storm_seconds},
        {"cpu_seconds",
         {{"jicofo_storm", r.jicofo_cpu_storm},
          {"prosody_storm", r.prosody_cpu_storm},
          {"jicofo_over_prosody", r.prosody_cpu_storm > 0 ? r.jicofo_cpu_storm / r.prosody_cpu_storm : 0},
          {"jicofo_leave", r.jicofo_cpu_leave},
          {"prosody_leave", r.prosody_cpu_leave},
          {"jicofo_ms_per_participant_storm", per_participant.jicofo_storm},
          {"prosody_ms_per_participant_storm", per_participant.prosody_storm},
          {"jicofo_ms_per_participant_lifecycle", per_participant.jicofo_lifecycle},
          {"prosody_ms_per_participant_lifecycle", per_participant.prosody_lifecycle},
          {"generator_participant_workers", r.generator_cpu_workers},
          {"generator_busiest_worker", r.generator_cpu_worker_max},
          {"generator_bridges", r.generator_cpu_bridges},
          {"generator_coordinator", r.generator_cpu_main}}},
        {"jicofo_rss_mib",
         {{"idle", r.jicofo_rss_idle},
          {"storm_end", r.jicofo_rss_storm_end},
          {"all_left", r.jicofo_rss_left},
          {"settled", r.jicofo_rss_settled},
          {"peak", r.jicofo_peak_rss}}},
        {"jicofo_anon_rss_mib",
         {{"idle", r.jicofo_anon_idle},
          {"storm_end", r.jicofo_anon_storm_end},
          {"all_left", r.jicofo_anon_left},
          {"settled", r.jicofo_anon_settled}}},
        {"prosody_peak_rss_mib", r.prosody_peak_rss},
        {"visitors",
         {{"vnodes", plan.vnodes},
          {"max_participants", plan.main_per_room},
          {"visitors_joined", r.visitors_joined},
          {"join_to_session_initiate_main", latency_json(r.join_to_initiate_main)},
          {"join_to_session_initiate_visitors", latency_json(r.join_to_initiate_visitors)},
          {"redirect_to_vnode_login", latency_json(r.redirect_to_vnode_login)},
          {"prosodies", prosodies_json(r)},
          {"prosody_cpu_storm_all", r.prosody_cpu_storm_all},
          {"prosody_cpu_leave_all", r.prosody_cpu_leave_all}}},
        {"errors", r.errors},
        {"errors_total", r.errors_total},
        {"jicofo_log",
         {{"warnings", r.jicofo_log_warnings}, {"errors", r.jicofo_log_errors}, {"examples", r.jicofo_log_examples}}},
    };
    std::ofstream out(file);
    out << json.dump(2) << "\n";
    return static_cast<bool>(out);
}

}  // namespace jicofo::bench
