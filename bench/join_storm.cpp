// The join-storm load benchmark: starts a Prosody, the jicofo binary and emulated bridges, lets N conferences x M
// emulated participants join at R per second (forked worker processes on one libstrophe context each), has them
// leave, and reports latencies, throughput, the CPU and memory of jicofo and Prosody, and every error.
// With --vnodes K it also starts K visitor-node Prosodies (v1.<domain> .. vK.<domain>) and turns jicofo's visitors
// on with max-participants M (--main-per-room): each room's first M participants join the main room, the rest are
// redirected by the focus and join the room on a node as visitors.
#include "bench_util.hpp"
#include "join_storm_actors.hpp"
#include "join_storm_report.hpp"

#include "support/http_client.hpp"
#include "support/prosody_fixture.hpp"
#include "support/subprocess.hpp"

#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#ifndef JICOFO_BINARY
#define JICOFO_BINARY "jicofo"
#endif
#ifndef JICOFO_PROSODY_PLUGINS_DIR
#define JICOFO_PROSODY_PLUGINS_DIR "tests/prosody-plugins"
#endif
#ifndef BENCH_PROSODY_PLUGINS_DIR
#define BENCH_PROSODY_PLUGINS_DIR "bench/prosody-plugins"
#endif

namespace {

using namespace std::chrono_literals;
using jicofo::bench::now_ns;
using jicofo::bench::StormPlan;

constexpr const char* kFocusPassword = "focus-storm-secret";
constexpr const char* kBridgePassword = "jvb-storm-secret";
// libstrophe waits in select(): a worker must stay below FD_SETSIZE (1024) descriptors.
constexpr int kMaxParticipantsPerWorker = 900;

volatile std::sig_atomic_t g_stop_bridges = 0;

void on_sigterm(int /*signal*/) {
    g_stop_bridges = 1;
}

std::string string_option(int argc, char** argv, const std::string& name, const std::string& fallback) {
    for (int i = 1; i + 1 < argc; ++i) {
        if (argv[i] == "--" + name) {
            return argv[i + 1];
        }
    }
    return fallback;
}

double double_option(int argc, char** argv, const std::string& name, double fallback) {
    const auto text = string_option(argc, argv, name, "");
    return text.empty() ? fallback : std::stod(text);
}

// 10,000 participants need 10,000 sockets in Prosody, which inherits our limit.
void raise_open_file_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
}

std::optional<pid_t> prosody_pid(const jicofo::testing::ProsodyFixture& prosody) {
    std::ifstream in(prosody.directory() / "prosody.pid");
    long pid = 0;
    if (in >> pid && pid > 0) {
        return static_cast<pid_t>(pid);
    }
    return std::nullopt;
}

// The visitors section: the main room holds `main_per_room`, every node takes any number of visitors (the plan
// decides how many there are), and one connection per node.
std::string visitors_config(const std::vector<std::unique_ptr<jicofo::testing::ProsodyFixture>>& vnodes,
                            int main_per_room) {
    std::ostringstream config;
    config << "jicofo {\n"
           << "  visitors {\n"
           << "    enabled = true\n"
           << "    max-participants = " << main_per_room << "\n"
           << "    max-visitors-per-node = 1000000\n"
           << "  }\n"
           << "  xmpp.visitors {\n";
    for (std::size_t i = 0; i < vnodes.size(); ++i) {
        const auto& node = *vnodes[i];
        config << "    v" << i + 1 << " {\n"
               << "      hostname = \"127.0.0.1\"\n"
               << "      port = " << node.c2s_port() << "\n"
               << "      domain = \"" << node.auth_domain() << "\"\n"
               << "      xmpp-domain = \"" << node.domain() << "\"\n"
               << "      conference-service = \"" << node.muc_domain() << "\"\n"
               << "      username = focus\n"
               << "      password = \"" << kFocusPassword << "\"\n"
               << "      use-tls = false\n"
               << "    }\n";
    }
    config << "  }\n"
           << "}\n";
    return config.str();
}

// A visitor node: v<i>.<domain> with the focus as the admin of its MUC, where everyone else joins as a visitor.
jicofo::testing::ProsodyOptions vnode_options(const std::string& main_domain, int vnode,
                                              const std::string& network_settings) {
    jicofo::testing::ProsodyOptions options;
    options.domain = jicofo::bench::vnode_id(vnode) + "." + main_domain;
    options.users.emplace_back("focus", "auth." + options.domain, kFocusPassword);
    options.extra_global_lua = network_settings;
    options.plugin_paths.emplace_back(BENCH_PROSODY_PLUGINS_DIR);
    // Declaring the MUC component again adds to its options (Prosody merges a section's settings).
    options.extra_hosts_lua = "Component \"conference." + options.domain +
                              "\" \"muc\"\n"
                              "  modules_enabled = { \"bench_vnode\" }\n";
    return options;
}

std::string jicofo_config(const jicofo::testing::ProsodyFixture& prosody, const std::string& brewery,
                          std::uint16_t rest_port, const std::string& log_level) {
    std::ostringstream config;
    config << "jicofo {\n"
           << "  xmpp.client {\n"
           << "    hostname = \"127.0.0.1\"\n"
           << "    port = " << prosody.c2s_port() << "\n"
           << "    domain = \"" << prosody.auth_domain() << "\"\n"
           << "    xmpp-domain = \"" << prosody.domain() << "\"\n"
           << "    password = \"" << kFocusPassword << "\"\n"
           << "    use-tls = false\n"
           << "  }\n"
           << "  bridge {\n"
           << "    brewery-jid = \"" << brewery << "\"\n"
           << "    xmpp-connection-name = Client\n"
           << "  }\n"
           << "  rest { host = \"127.0.0.1\", port = " << rest_port << " }\n"
           << "  logging.level = " << log_level << "\n"
           << "}\n";
    return config.str();
}

// Forks a worker that runs `body` and exits with its code, never returning into main's stack (whose destructors
// would stop the Prosody and jicofo the parent still owns).
template <typename Body>
pid_t fork_worker(Body body) {
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::_exit(body());
    }
    return pid;
}

bool wait_readable(int fd, std::chrono::milliseconds timeout) {
    pollfd entry{fd, POLLIN, 0};
    return ::poll(&entry, 1, static_cast<int>(timeout.count())) == 1;
}

void sleep_until_ns(std::int64_t when) {
    const auto now = now_ns();
    if (when > now) {
        std::this_thread::sleep_for(std::chrono::nanoseconds(when - now));
    }
}

jicofo::bench::ProcessSample sample(pid_t pid) {
    jicofo::bench::ProcessSample s;
    s.at_ns = now_ns();
    s.cpu_seconds = jicofo::bench::process_cpu_seconds(pid).value_or(-1);
    s.rss_mib = jicofo::bench::process_memory_mib(pid, "VmRSS:");
    s.hwm_mib = jicofo::bench::process_memory_mib(pid, "VmHWM:");
    s.anon_mib = jicofo::bench::process_memory_mib(pid, "RssAnon:");
    return s;
}

int usage(const char* self) {
    std::fprintf(
        stderr,
        "usage: %s [--conferences 250] [--size 4] [--rate 200] [--bridges 4] [--workers auto]\n"
        "          [--hold 10] [--settle 5] [--jicofo PATH] [--json FILE] [--rest-port 0]\n"
        "          [--prosody-nagle 0|1] [--jicofo-log-level INFO] [--jicofo-log FILE]\n"
        "          [--prosody-log FILE (nodes: FILE.v1 ...)] [--prosody-read-size BYTES] [--jicofo-extra-config FILE]\n"
        "          [--glibc-tunables " JICOFO_GLIBC_TUNABLES
        "] (empty: glibc's defaults)\n"
        "          [--vnodes 0] [--main-per-room 10] (visitor nodes, and jicofo.visitors.max-participants)\n",
        self);
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    StormPlan plan;
    plan.conferences = static_cast<int>(jicofo::bench::int_option(argc, argv, "conferences", 250));
    plan.conference_size = static_cast<int>(jicofo::bench::int_option(argc, argv, "size", 4));
    plan.rate = double_option(argc, argv, "rate", 200);
    plan.bridges = static_cast<int>(jicofo::bench::int_option(argc, argv, "bridges", 4));
    plan.hold_seconds = double_option(argc, argv, "hold", 10);
    const double settle_seconds = double_option(argc, argv, "settle", 5);
    const auto auto_workers = (plan.participants() + kMaxParticipantsPerWorker - 1) / kMaxParticipantsPerWorker;
    plan.workers = static_cast<int>(jicofo::bench::int_option(argc, argv, "workers", auto_workers));
    const std::string binary = string_option(argc, argv, "jicofo", JICOFO_BINARY);
    const std::string json_file = string_option(argc, argv, "json", "");
    const std::string log_level = string_option(argc, argv, "jicofo-log-level", "INFO");
    const std::string log_copy = string_option(argc, argv, "jicofo-log", "");
    const std::string prosody_log_copy = string_option(argc, argv, "prosody-log", "");
    // HOCON appended to the generated jicofo.conf: a second `jicofo { ... }` block merges into the first (e.g. to
    // turn on jicofo.logging.xmpp-packets for bench/stanza_census.py).
    const std::string extra_config_file = string_option(argc, argv, "jicofo-extra-config", "");
    const bool prosody_nagle = jicofo::bench::int_option(argc, argv, "prosody-nagle", 0) != 0;
    // Prosody reads at most this many bytes from a socket per pass of its event loop (8192 when 0, its default).
    const auto prosody_read_size = jicofo::bench::int_option(argc, argv, "prosody-read-size", 0);
    auto rest_port = static_cast<std::uint16_t>(jicofo::bench::int_option(argc, argv, "rest-port", 0));
    // jicofo runs with the malloc settings of the packaged systemd unit unless told otherwise.
    const std::string glibc_tunables = string_option(argc, argv, "glibc-tunables", JICOFO_GLIBC_TUNABLES);
    plan.vnodes = static_cast<int>(jicofo::bench::int_option(argc, argv, "vnodes", 0));
    plan.main_per_room = static_cast<int>(jicofo::bench::int_option(argc, argv, "main-per-room", 10));
    if (plan.vnodes < 0 || plan.vnodes > 99 || plan.main_per_room < 0 || plan.conferences < 1 ||
        plan.conference_size < 1 || plan.rate <= 0 || plan.bridges < 1 || plan.workers < auto_workers) {
        return usage(argv[0]);
    }
    raise_open_file_limit();

    jicofo::testing::ProsodyOptions options;
    options.users.emplace_back("focus", "auth.meet.test", kFocusPassword);
    for (int i = 1; i <= plan.bridges; ++i) {
        options.users.emplace_back("jvb" + std::to_string(i), "auth.meet.test", kBridgePassword);
    }
    options.extra_global_lua = "network_settings = { nagle = " + std::string(prosody_nagle ? "true" : "false") +
                               (prosody_read_size > 0 ? "; read_size = " + std::to_string(prosody_read_size) : "") +
                               " }\n";
    if (plan.vnodes > 0) {
        // The visitors component, found by the focus in the main host's disco#info.
        options.plugin_paths.emplace_back(JICOFO_PROSODY_PLUGINS_DIR);
        options.plugin_paths.emplace_back(BENCH_PROSODY_PLUGINS_DIR);
        options.extra_hosts_lua = "VirtualHost \"" + options.domain +
                                  "\"\n"
                                  "  modules_enabled = { \"test_jitsi_identities\" }\n"
                                  "  test_jitsi_identities = { visitors = \"visitors." +
                                  options.domain +
                                  "\" }\n"
                                  "Component \"visitors." +
                                  options.domain + "\" \"bench_visitors_component\"\n";
    }
    std::vector<std::unique_ptr<jicofo::testing::ProsodyFixture>> vnodes;
    std::vector<pid_t> vnode_processes;
    for (int i = 1; i <= plan.vnodes; ++i) {
        auto vnode = jicofo::testing::ProsodyFixture::start(vnode_options(options.domain, i, options.extra_global_lua));
        if (!vnode) {
            std::fprintf(stderr, "visitor node v%d's Prosody did not start: %s\n", i, vnode.error().c_str());
            return 1;
        }
        plan.vnode_ports.push_back((*vnode)->c2s_port());
        vnode_processes.push_back(prosody_pid(**vnode).value_or(0));
        vnodes.push_back(std::move(vnode).value());
    }
    auto prosody = jicofo::testing::ProsodyFixture::start(options);
    if (!prosody) {
        std::fprintf(stderr, "Prosody did not start: %s\n", prosody.error().c_str());
        return 1;
    }
    const auto prosody_process = prosody_pid(**prosody);
    plan.c2s_port = (*prosody)->c2s_port();
    plan.domain = (*prosody)->domain();
    plan.auth_domain = (*prosody)->auth_domain();
    plan.muc_domain = (*prosody)->muc_domain();
    plan.brewery = "jvbbrewery@" + (*prosody)->internal_muc_domain();
    plan.focus_jid = (*prosody)->focus_jid() + "/focus";
    plan.bridge_password = kBridgePassword;
    plan.dir = (*prosody)->directory();

    if (rest_port == 0) {
        rest_port = jicofo::testing::free_loopback_port();
    }
    const auto config_file = plan.dir / "jicofo.conf";
    {
        std::ofstream config(config_file);
        config << jicofo_config(**prosody, plan.brewery, rest_port, log_level);
        if (plan.vnodes > 0) {
            config << visitors_config(vnodes, plan.main_per_room);
        }
        if (!extra_config_file.empty()) {
            std::ifstream extra(extra_config_file);
            if (!extra) {
                std::fprintf(stderr, "cannot read %s\n", extra_config_file.c_str());
                return 2;
            }
            config << extra.rdbuf();
        }
    }
    const auto jicofo_log = plan.dir / "jicofo.log";
    // Only jicofo gets the tunables: glibc reads them when a program starts, and the generator's workers are forks.
    if (!glibc_tunables.empty()) {
        ::setenv("GLIBC_TUNABLES", glibc_tunables.c_str(), 1);
    }
    auto jicofo = jicofo::testing::spawn_child({binary, "--config", config_file.string()},
                                               jicofo::testing::ChildIo{-1, -1, -1, jicofo_log});
    ::unsetenv("GLIBC_TUNABLES");
    if (!jicofo) {
        std::fprintf(stderr, "jicofo did not start: %s\n", jicofo.error().c_str());
        return 1;
    }
    std::printf("join_storm: %d conferences x %d participants at %.0f joins/s, %d bridges, %d workers\n",
                plan.conferences, plan.conference_size, plan.rate, plan.bridges, plan.workers);
    for (std::size_t i = 0; i < vnodes.size(); ++i) {
        std::printf("visitor node v%zu: Prosody %s on 127.0.0.1:%u, pid %d (max-participants %d)\n", i + 1,
                    vnodes[i]->domain().c_str(), static_cast<unsigned>(vnodes[i]->c2s_port()),
                    static_cast<int>(vnode_processes[i]), plan.main_per_room);
    }
    std::printf("jicofo environment: GLIBC_TUNABLES=%s\n", glibc_tunables.empty() ? "(unset)" : glibc_tunables.c_str());
    std::printf("machine: %s\nProsody on 127.0.0.1:%u (%s), jicofo pid %d, REST on 127.0.0.1:%u, files in %s\n",
                jicofo::bench::machine_line().c_str(), static_cast<unsigned>(plan.c2s_port),
                options.extra_global_lua.substr(0, options.extra_global_lua.size() - 1).c_str(),
                static_cast<int>(*jicofo), static_cast<unsigned>(rest_port), plan.dir.c_str());
    std::fflush(stdout);

    int ready_pipe[2];
    if (::pipe(ready_pipe) != 0) {
        std::perror("pipe");
        return 1;
    }
    const pid_t bridge_worker = fork_worker([&] {
        std::signal(SIGTERM, on_sigterm);
        ::close(ready_pipe[0]);
        return jicofo::bench::run_bridges(plan, ready_pipe[1], &g_stop_bridges);
    });
    ::close(ready_pipe[1]);
    char ready_byte = 0;
    // The worker's exit also makes the pipe readable (end of file): only the byte means ready.
    if (!wait_readable(ready_pipe[0], 90s) || ::read(ready_pipe[0], &ready_byte, 1) != 1) {
        std::fprintf(stderr, "the bridges were not health-checked by jicofo; jicofo log:\n%s\n",
                     jicofo::testing::read_file_text(jicofo_log, 8192).c_str());
        ::kill(bridge_worker, SIGKILL);
        jicofo::testing::terminate_child(*jicofo, 5s);
        return 1;
    }
    std::this_thread::sleep_for(2s);  // jicofo idle, with its bridges known

    jicofo::bench::RunSamples samples;
    samples.jicofo_idle = sample(*jicofo);
    if (prosody_process) {
        samples.prosody_idle = sample(*prosody_process);
    }
    samples.generator_cpu_before = jicofo::bench::process_cpu_seconds().value_or(0);
    plan.start_ns = now_ns() + 1'000'000'000;
    std::vector<pid_t> workers;
    for (int w = 0; w < plan.workers; ++w) {
        workers.push_back(fork_worker([&plan, w] { return jicofo::bench::run_participants(plan, w); }));
    }
    // Peak RSS during the storm comes from VmHWM; the samples here are the phase boundaries.
    sleep_until_ns(plan.start_ns);
    samples.jicofo_start = sample(*jicofo);
    if (prosody_process) {
        samples.prosody_start = sample(*prosody_process);
    }
    for (const pid_t vnode : vnode_processes) {
        samples.vnode_start.push_back(sample(vnode));
    }
    sleep_until_ns(plan.leave_start());
    samples.jicofo_storm_end = sample(*jicofo);
    if (prosody_process) {
        samples.prosody_storm_end = sample(*prosody_process);
    }
    for (const pid_t vnode : vnode_processes) {
        samples.vnode_storm_end.push_back(sample(vnode));
    }
    samples.bridge_worker_cpu = jicofo::bench::process_cpu_seconds(bridge_worker).value_or(0);
    for (const pid_t worker : workers) {
        int status = 0;
        ::waitpid(worker, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            std::fprintf(stderr, "participant worker %d ended with status %d\n", static_cast<int>(worker), status);
        }
    }
    samples.jicofo_left = sample(*jicofo);
    if (prosody_process) {
        samples.prosody_left = sample(*prosody_process);
    }
    for (const pid_t vnode : vnode_processes) {
        samples.vnode_left.push_back(sample(vnode));
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(settle_seconds));
    samples.jicofo_settled = sample(*jicofo);
    samples.bridge_worker_cpu = jicofo::bench::process_cpu_seconds(bridge_worker).value_or(0);
    ::kill(bridge_worker, SIGTERM);
    ::waitpid(bridge_worker, nullptr, 0);
    samples.generator_cpu_main = jicofo::bench::process_cpu_seconds().value_or(0) - samples.generator_cpu_before;
    jicofo::testing::terminate_child(*jicofo, 10s);
    if (!log_copy.empty()) {
        std::error_code error;
        std::filesystem::copy_file(jicofo_log, log_copy, std::filesystem::copy_options::overwrite_existing, error);
    }
    if (!prosody_log_copy.empty()) {
        std::ofstream(prosody_log_copy) << (*prosody)->log_text();
        for (std::size_t i = 0; i < vnodes.size(); ++i) {
            std::ofstream(prosody_log_copy + ".v" + std::to_string(i + 1)) << vnodes[i]->log_text();
        }
    }

    const auto report = jicofo::bench::build_report(plan, samples, jicofo_log);
    jicofo::bench::print_report(report);
    if (!json_file.empty()) {
        jicofo::bench::write_json(report, json_file);
    }
    return report.errors_total == 0 ? 0 : 1;
}
