// IQ round trips between two XmppConnections through a real Prosody on loopback: sequential latency and windowed
// throughput, with the select() wake-up signal and with polling only, plus the CPU each side spent.
#include "bench_util.hpp"

#include "jicofo/stanza/envelope.hpp"
#include "jicofo/stanza/jid.hpp"
#include "jicofo/stanza/xml_element.hpp"
#include "jicofo/xmpp/xmpp_connection.hpp"

#include "support/prosody_fixture.hpp"

#include <spdlog/cfg/env.h>
#include <spdlog/spdlog.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using jicofo::stanza::Iq;
using jicofo::stanza::IqType;
using jicofo::stanza::Jid;
using jicofo::stanza::XmlElement;
using jicofo::xmpp::ConnectionState;
using jicofo::xmpp::IqResult;
using jicofo::xmpp::XmppConnection;
using jicofo::xmpp::XmppConnectionSettings;
using Clock = std::chrono::steady_clock;

constexpr const char* kBenchNs = "urn:jicofo:bench";
constexpr const char* kPassword = "bench-secret";
constexpr auto kConnectDeadline = 10s;
constexpr auto kPhaseDeadline = 180s;  // a phase that has not finished by then is reported as such
constexpr auto kIqTimeout = 5s;

class IoThread {
public:
    IoThread() : thread_([this] { io_.run(); }) {}
    IoThread(const IoThread&) = delete;
    IoThread& operator=(const IoThread&) = delete;
    ~IoThread() {
        guard_.reset();
        thread_.join();
    }
    boost::asio::io_context& io() { return io_; }

private:
    boost::asio::io_context io_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_{io_.get_executor()};
    std::thread thread_;
};

XmppConnectionSettings settings_for(const jicofo::testing::ProsodyFixture& prosody, const std::string& user,
                                    int wake_signal) {
    XmppConnectionSettings s;
    s.name = user;
    s.host = "127.0.0.1";
    s.port = prosody.c2s_port();
    s.domain = prosody.auth_domain();
    s.xmpp_domain = prosody.domain();
    s.username = user;
    s.resource = "bench";
    s.password = kPassword;
    s.use_tls = false;
    s.reply_timeout = kIqTimeout;
    s.wake_signal = wake_signal;
    return s;
}

bool wait_connected(const XmppConnection& connection) {
    const auto until = Clock::now() + kConnectDeadline;
    while (Clock::now() < until) {
        if (connection.status().state == ConnectionState::connected && connection.own_jid()) {
            return true;
        }
        std::this_thread::sleep_for(10ms);
    }
    return false;
}

// One phase: `total` requests, at most `window` in flight, each completion sending the next one from the io thread
// so that no other thread sits in the loop.
class Phase : public std::enable_shared_from_this<Phase> {
public:
    Phase(XmppConnection& requester, Jid to, boost::asio::any_io_executor executor, int total, int window)
        : requester_(requester), to_(std::move(to)), executor_(std::move(executor)), total_(total), window_(window) {}

    // Returns false when the phase did not finish before the deadline.
    bool run() {
        start_ = Clock::now();
        for (int i = 0; i < std::min(window_, total_); ++i) {
            send_one();
        }
        std::unique_lock lock(mutex_);
        const bool finished = done_.wait_until(lock, start_ + kPhaseDeadline, [this] { return completed_ == total_; });
        end_ = Clock::now();
        stopping_ = true;  // late completions (timeouts, shutdown) must not send more
        return finished;
    }

    // Latencies in ms; copies, taken after run().
    std::vector<double> latencies_ms() {
        std::lock_guard lock(mutex_);
        return latencies_ms_;
    }
    int errors() {
        std::lock_guard lock(mutex_);
        return errors_;
    }
    [[nodiscard]] double seconds() const { return std::chrono::duration<double>(end_ - start_).count(); }

private:
    void send_one() {
        if (stopping_ || sent_.fetch_add(1) >= total_) {
            return;
        }
        Iq iq;
        iq.header.type = IqType::get;
        iq.header.to = to_;
        iq.payload = XmlElement("echo", kBenchNs);
        const auto sent_at = Clock::now();
        requester_.async_send_iq(std::move(iq), executor_, [self = shared_from_this(), sent_at](IqResult result) {
            self->on_reply(result.has_value(), Clock::now() - sent_at);
        });
    }

    void on_reply(bool ok, Clock::duration took) {
        {
            std::lock_guard lock(mutex_);
            latencies_ms_.push_back(std::chrono::duration<double, std::milli>(took).count());
            errors_ += ok ? 0 : 1;
            ++completed_;
            if (completed_ == total_) {
                done_.notify_all();
                return;
            }
        }
        send_one();
    }

    XmppConnection& requester_;
    Jid to_;
    boost::asio::any_io_executor executor_;
    const int total_;
    const int window_;
    std::atomic<int> sent_{0};
    std::atomic<bool> stopping_{false};
    std::mutex mutex_;
    std::condition_variable done_;
    std::vector<double> latencies_ms_;
    int errors_ = 0;
    int completed_ = 0;
    Clock::time_point start_;
    Clock::time_point end_;
};

std::optional<pid_t> prosody_pid(const jicofo::testing::ProsodyFixture& prosody) {
    std::ifstream in(prosody.directory() / "prosody.pid");
    long pid = 0;
    if (in >> pid && pid > 0) {
        return static_cast<pid_t>(pid);
    }
    return std::nullopt;
}

struct Row {
    std::string mode;
    std::string test;
    int total = 0;
    int window = 0;
    std::vector<double> ms;
    int errors = 0;
    bool finished = false;
    double seconds = 0;
    double prosody_cpu = -1;
    double our_cpu = 0;
    double load = 0;
};

// Runs one phase and accounts the CPU both processes spent in it.
Row measure(const std::string& mode, const std::string& test, XmppConnection& requester, const Jid& to,
            boost::asio::any_io_executor executor, int total, int window, std::optional<pid_t> prosody) {
    Row row;
    row.mode = mode;
    row.test = test;
    row.total = total;
    row.window = window;
    const auto prosody_before = prosody ? jicofo::bench::process_cpu_seconds(*prosody) : std::nullopt;
    const auto ours_before = jicofo::bench::process_cpu_seconds();
    auto phase = std::make_shared<Phase>(requester, to, std::move(executor), total, window);
    row.finished = phase->run();
    const auto prosody_after = prosody ? jicofo::bench::process_cpu_seconds(*prosody) : std::nullopt;
    const auto ours_after = jicofo::bench::process_cpu_seconds();
    row.ms = phase->latencies_ms();
    row.errors = phase->errors();
    row.seconds = phase->seconds();
    if (prosody_before && prosody_after) {
        row.prosody_cpu = *prosody_after - *prosody_before;
    }
    if (ours_before && ours_after) {
        row.our_cpu = *ours_after - *ours_before;
    }
    row.load = jicofo::bench::load_average_1min();
    return row;
}

}  // namespace

int main(int argc, char** argv) {
    const auto sequential = static_cast<int>(jicofo::bench::int_option(argc, argv, "sequential", 2000));
    const auto windowed = static_cast<int>(jicofo::bench::int_option(argc, argv, "count", 20000));
    const auto window = static_cast<int>(jicofo::bench::int_option(argc, argv, "window", 64));
    // Prosody 0.12 keeps Nagle's algorithm on (network_settings.nagle = true) unless configured otherwise.
    const bool prosody_nagle = jicofo::bench::int_option(argc, argv, "prosody-nagle", 1) != 0;
    if (sequential < 1 || windowed < 1 || window < 1) {
        std::fprintf(stderr, "usage: %s [--sequential N] [--count N] [--window W] [--prosody-nagle 1|0]\n", argv[0]);
        return 2;
    }
    spdlog::set_level(spdlog::level::warn);  // connects and stops are not part of the report
    spdlog::cfg::load_env_levels();          // SPDLOG_LEVEL=trace shows libstrophe's log when a connect fails

    jicofo::testing::ProsodyOptions options;
    options.users = {{"responder", "auth.meet.test", kPassword}, {"requester", "auth.meet.test", kPassword}};
    if (!prosody_nagle) {
        options.extra_global_lua = "network_settings = { nagle = false }\n";
    }
    auto prosody = jicofo::testing::ProsodyFixture::start(options);
    if (!prosody) {
        std::fprintf(stderr, "Prosody did not start: %s\n", prosody.error().c_str());
        return 1;
    }
    const auto pid = prosody_pid(**prosody);

    std::printf("iq_round_trip_bench: %d sequential IQs; %d IQs with %d in flight; Prosody on 127.0.0.1:%u, Nagle %s\n",
                sequential, windowed, window, static_cast<unsigned>((*prosody)->c2s_port()),
                prosody_nagle ? "on (Prosody's default)" : "off (network_settings = { nagle = false })");
    std::printf("machine: %s\n", jicofo::bench::machine_line().c_str());
    if (!pid) {
        std::printf("(no Prosody pidfile: its CPU time is not reported)\n");
    }
    std::printf("\n");

    IoThread io;
    struct Mode {
        const char* name;
        int wake_signal;
    };
    std::vector<Row> rows;
    for (const Mode mode : {Mode{"signal (default)", -1}, Mode{"polling only", 0}}) {
        // Shared so that a request still queued on the strand when a phase gives up cannot reach a dead connection.
        auto responder = std::make_shared<XmppConnection>(settings_for(**prosody, "responder", mode.wake_signal));
        XmppConnection requester(settings_for(**prosody, "requester", mode.wake_signal));
        auto handler_strand = boost::asio::make_strand(io.io());
        auto handler = responder->register_iq_handler("echo", kBenchNs, IqType::get, handler_strand,
                                                      [weak = std::weak_ptr<XmppConnection>(responder)](Iq request) {
                                                          if (auto connection = weak.lock()) {
                                                              connection->send(Iq::result_for(request));
                                                          }
                                                      });
        // One login after the other: two SCRAM logins at the same instant from one process failed about half the
        // time here (Prosody answers <failure/>), which would turn the benchmark into a 10 s auth back-off.
        responder->start();
        const bool responder_up = wait_connected(*responder);
        requester.start();
        if (!responder_up || !wait_connected(requester)) {
            std::fprintf(stderr, "%s: not connected within %llds\n%s\n", mode.name,
                         static_cast<long long>(kConnectDeadline.count()), (*prosody)->log_text().c_str());
            return 1;
        }
        const Jid to = *responder->own_jid();
        const boost::asio::any_io_executor replies = boost::asio::make_strand(io.io());
        // Warm-up: Prosody's first routes, our allocator; not reported.
        measure(mode.name, "warm-up", requester, to, replies, 100, 1, std::nullopt);
        rows.push_back(measure(mode.name, "sequential", requester, to, replies, sequential, 1, pid));
        rows.push_back(
            measure(mode.name, "window " + std::to_string(window), requester, to, replies, windowed, window, pid));
        requester.stop();
        responder->stop();
    }

    std::printf(
        "| wake-up | test | IQs | p50 ms | p90 ms | p99 ms | max ms | IQs/s | errors | wall s |"
        " Prosody CPU s | our CPU s | load 1 min |\n");
    std::printf("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    bool ok = true;
    for (const auto& row : rows) {
        using jicofo::bench::percentile;
        std::printf("| %s | %s | %d | %.2f | %.2f | %.2f | %.2f | %.0f | %d%s | %.2f | %.2f | %.2f | %.2f |\n",
                    row.mode.c_str(), row.test.c_str(), row.total, percentile(row.ms, 50), percentile(row.ms, 90),
                    percentile(row.ms, 99), percentile(row.ms, 100), static_cast<double>(row.ms.size()) / row.seconds,
                    row.errors, row.finished ? "" : " (deadline)", row.seconds, row.prosody_cpu, row.our_cpu, row.load);
        ok = ok && row.finished && row.errors == 0;
    }
    std::printf("\npeak RSS %.1f MiB\n", jicofo::bench::peak_rss_mib());
    return ok ? 0 : 1;
}
