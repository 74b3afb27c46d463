// What jicofo pays per event-loop turn and per join or leave for bookkeeping that must not grow with the load: the
// connection loop's look at the pending-IQ table (expire() and next_deadline(), with 10,000 requests waiting and none
// due) and the room map's size gauges (one size change with 5,000 conferences running). Only public interfaces, so
// the same program measures any version of them.
#include "bench_util.hpp"

#include "jicofo/conference/focus_manager.hpp"
#include "jicofo/metrics/metrics_registry.hpp"
#include "jicofo/stanza/namespaces.hpp"
#include "jicofo/xmpp/pending_iqs.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
using jicofo::xmpp::PendingIqTable;
using Clock = std::chrono::steady_clock;

constexpr auto kMeasureFor = 300ms;  // per repetition
constexpr int kRepetitions = 5;

// Median over repetitions of the ns per call of `step` (called in batches until kMeasureFor has passed).
template <typename Step>
double ns_per_call(Step step) {
    std::vector<double> samples;
    for (int r = 0; r < kRepetitions; ++r) {
        long long calls = 0;
        const auto start = Clock::now();
        auto now = start;
        do {
            for (int i = 0; i < 64; ++i) {
                step();
            }
            calls += 64;
            now = Clock::now();
        } while (now - start < kMeasureFor);
        samples.push_back(std::chrono::duration<double, std::nano>(now - start).count() / static_cast<double>(calls));
    }
    return jicofo::bench::median(samples);
}

jicofo::stanza::Iq ping(std::string id) {
    jicofo::stanza::Iq iq;
    iq.header = {jicofo::stanza::IqType::get, std::move(id), std::nullopt,
                 jicofo::stanza::Jid::parse("jvbbrewery@internal.meet.test/jvb1").value()};
    iq.payload = jicofo::stanza::XmlElement("ping", std::string(jicofo::stanza::kNsPing));
    return iq;
}

void pending_iqs(int pending) {
    PendingIqTable table;
    const auto t0 = Clock::now();
    std::mt19937 random(1);
    // Timeouts of 15 s to 10 min (colibri, Jingle, Jibri), so that none is due while we measure.
    std::uniform_int_distribution<int> timeout_s(15, 600);
    for (int i = 0; i < pending; ++i) {
        table.add(ping(jicofo::xmpp::random_request_id()), t0, std::chrono::seconds(timeout_s(random)),
                  [](const jicofo::xmpp::IqResult&) {});
    }
    const auto now = t0 + 1s;
    std::size_t sink = 0;
    const double expire_ns = ns_per_call([&] { sink += table.expire(now); });
    const double next_ns = ns_per_call([&] { sink += table.next_deadline().has_value() ? 1 : 0; });
    // A request's whole life at this size: add, then its reply (what every IQ adds on top of the turns above).
    std::vector<std::string> ids;
    ids.reserve(4096);
    for (int i = 0; i < 4096; ++i) {
        ids.push_back(jicofo::xmpp::random_request_id());
    }
    std::size_t next = 0;
    const double round_ns = ns_per_call([&] {
        auto request = ping(ids[next++ % ids.size()]);
        table.add(request, now, 15s, [&sink](const jicofo::xmpp::IqResult& r) { sink += r.has_value() ? 1 : 0; });
        jicofo::stanza::Iq reply;
        reply.header = {jicofo::stanza::IqType::result, request.header.id, request.header.to, std::nullopt};
        table.complete(reply, now);
    });
    std::printf("pending IQs: %d waiting, none due\n", pending);
    std::printf("  expire(now)            %10.1f ns/call\n", expire_ns);
    std::printf("  next_deadline()        %10.1f ns/call\n", next_ns);
    std::printf("  add + matching reply   %10.1f ns/request\n", round_ns);
    if (sink == 42) {
        std::printf(" \n");  // keeps the calls from being optimised away
    }
}

// A conference that joins at once and reports its size when the benchmark says so.
class BenchConference : public jicofo::conference::ConferenceHandle {
public:
    explicit BenchConference(jicofo::conference::ConferenceCallbacks callbacks) : callbacks_(std::move(callbacks)) {}
    void start(std::function<void(std::error_code)> joined) override { joined({}); }
    void async_snapshot(std::function<void(jicofo::conference::ConferenceSnapshot)> done) override { done({}); }
    void stop() override {}
    void resize(std::size_t size, bool joined) { callbacks_.size_changed(size, joined); }

private:
    jicofo::conference::ConferenceCallbacks callbacks_;
};

void size_metrics(int conferences) {
    boost::asio::io_context io;
    jicofo::metrics::MetricsRegistry metrics("bench");
    std::vector<std::shared_ptr<BenchConference>> created;
    jicofo::conference::ConferenceSettings settings;
    settings.focus_jid = jicofo::stanza::Jid::parse("focus@auth.meet.test").value();
    settings.max_conferences = static_cast<std::size_t>(conferences) + 1;
    auto manager = jicofo::conference::FocusManager::create(
        io.get_executor(), settings,
        [&created](const jicofo::stanza::Jid&, jicofo::conference::ConferenceCallbacks callbacks) {
            created.push_back(std::make_shared<BenchConference>(std::move(callbacks)));
            return created.back();
        },
        &metrics);
    const auto create_start = Clock::now();
    for (int i = 0; i < conferences; ++i) {
        jicofo::conference::ConferenceRequest request;
        request.room = jicofo::stanza::Jid::parse("room" + std::to_string(i) + "@conference.meet.test").value();
        manager->conference_request(std::move(request), [](const jicofo::conference::ConferenceRequestResult&) {});
    }
    io.run();
    io.restart();
    const double create_ms = std::chrono::duration<double, std::milli>(Clock::now() - create_start).count();

    // Every conference at 4, then random joins and leaves around that, each delivered and handled on the strand.
    std::vector<std::size_t> sizes(created.size(), 0);
    for (std::size_t i = 0; i < created.size(); ++i) {
        for (std::size_t n = 1; n <= 4; ++n) {
            created[i]->resize(n, true);
        }
        sizes[i] = 4;
    }
    io.run();
    io.restart();
    std::mt19937 random(2);
    constexpr int kBatch = 256;
    const double change_ns = ns_per_call([&] {
        const auto i = random() % created.size();
        const bool join = sizes[i] < 2 || (sizes[i] < 8 && random() % 2 == 0);
        sizes[i] = join ? sizes[i] + 1 : sizes[i] - 1;
        created[i]->resize(sizes[i], join);
        if (random() % kBatch == 0) {
            io.run();  // handle what was posted, as the strand would between arrivals
            io.restart();
        }
    });
    io.run();
    io.restart();
    std::printf("room map: %d conferences of about 4 participants, size gauges on\n", conferences);
    std::printf("  one size change        %10.1f ns/change (post to the strand and handling)\n", change_ns);
    std::printf("  creating them all      %10.1f ms\n", create_ms);
    std::printf("  participants_pairs     %10.0f, largest_conference %.0f\n",
                metrics.gauge("participants_pairs").Value(), metrics.gauge("largest_conference").Value());
    manager->stop();
    io.run();
}

}  // namespace

int main(int argc, char** argv) {
    const auto pending = static_cast<int>(jicofo::bench::int_option(argc, argv, "--pending", 10000));
    const auto conferences = static_cast<int>(jicofo::bench::int_option(argc, argv, "--conferences", 5000));
    spdlog::set_level(spdlog::level::warn);  // not a line per conference created
    std::printf("%s\n", jicofo::bench::machine_line().c_str());
    pending_iqs(pending);
    size_metrics(conferences);
    std::printf("load average (1 min) at the end: %.2f\n", jicofo::bench::load_average_1min());
    return 0;
}
