// How many inbound stanzas one connection thread can turn into typed values and hand to strands: the per-stanza work
// of the libstrophe thread (from_strophe, envelope and extension parsing, post), measured without the network.
#include "bench_util.hpp"

#include "jicofo/stanza/brewery.hpp"
#include "jicofo/stanza/disco.hpp"
#include "jicofo/stanza/envelope.hpp"
#include "jicofo/stanza/focus.hpp"
#include "jicofo/stanza/jitsi_presence.hpp"
#include "jicofo/stanza/muc.hpp"
#include "jicofo/stanza/namespaces.hpp"
#include "jicofo/stanza/xml_codec.hpp"

#include <strophe.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

namespace {

using namespace jicofo::stanza;
using Clock = std::chrono::steady_clock;

// A participant's MUC presence as Prosody relays it to the focus (lib-jitsi-meet's extensions, whois=anyone).
constexpr std::string_view kParticipantPresence =
    R"(<presence xmlns='jabber:client' from='room1@conference.meet.test/2b016c41' to='focus@auth.meet.test/focus' id='a1b2c3d4-17'>)"
    R"(<stats-id>Makayla-XEx</stats-id>)"
    R"(<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='https://jitsi.org/jitsi-meet' ver='k3m0Q5jvRVl0v8wMX6Ow0y4Ot3w='/>)"
    R"(<SourceInfo>{"2b016c41-a0":{"muted":false},"2b016c41-v0":{"muted":true,"videoType":"camera"},)"
    R"("2b016c41-v1":{"muted":false,"videoType":"desktop"}}</SourceInfo>)"
    R"(<jitsi_participant_codecList>av1,vp9,vp8,h264</jitsi_participant_codecList>)"
    R"(<jitsi_participant_region>us-east-1</jitsi_participant_region>)"
    R"(<nick xmlns='http://jabber.org/protocol/nick'>Alice Example</nick>)"
    R"(<features><feature var='http://jitsi.org/protocol/e2ee'/><feature var='http://jitsi.org/protocol/lobby'/></features>)"
    R"(<x xmlns='http://jabber.org/protocol/muc#user'>)"
    R"(<item affiliation='none' role='participant' jid='7e5b2c10-3f7a-4c9e-9d1b-22c2e1a0b6f1@meet.test/Q7xYz1Ab'/>)"
    R"(</x></presence>)";

// A bridge's status in the brewery, as jitsi-videobridge publishes it every few seconds.
constexpr std::string_view kBridgePresence =
    R"(<presence xmlns='jabber:client' from='jvbbrewery@internal.auth.meet.test/jvb1' to='focus@auth.meet.test/focus'>)"
    R"(<stats xmlns='http://jitsi.org/protocol/colibri'>)"
    R"(<stat name='stress_level' value='0.0734'/><stat name='average_participant_stress' value='0.005'/>)"
    R"(<stat name='conferences' value='12'/><stat name='participants' value='57'/>)"
    R"(<stat name='largest_conference' value='14'/><stat name='endpoints_sending_video' value='31'/>)"
    R"(<stat name='endpoints_sending_audio' value='9'/><stat name='bit_rate_download' value='18234'/>)"
    R"(<stat name='bit_rate_upload' value='40211'/><stat name='packet_rate_download' value='2533'/>)"
    R"(<stat name='packet_rate_upload' value='4711'/><stat name='total_conferences_created' value='1811'/>)"
    R"(<stat name='threads' value='143'/><stat name='region' value='us-east-1'/>)"
    R"(<stat name='relay_id' value='jvb1-relay'/><stat name='version' value='2.3.105-ge155b81e'/>)"
    R"(<stat name='release' value='9457'/><stat name='drain' value='false'/>)"
    R"(<stat name='graceful_shutdown' value='false'/><stat name='shutting_down' value='false'/>)"
    R"(<stat name='healthy' value='true'/><stat name='current_timestamp' value='2024-05-03 10:11:12.345'/>)"
    R"(</stats>)"
    R"(<x xmlns='http://jabber.org/protocol/muc#user'>)"
    R"(<item affiliation='none' role='participant' jid='jvb@auth.meet.test/a8f1c2d3e4'/></x></presence>)";

// The conference request a client sends before joining (routed to the focus's connection by Prosody).
constexpr std::string_view kConferenceIq =
    R"(<iq xmlns='jabber:client' type='set' id='4b6c1a2f-91e3-4d0b-b2a5-8e1c5f7d9a10:sendIQ')"
    R"( from='7e5b2c10-3f7a-4c9e-9d1b-22c2e1a0b6f1@meet.test/Q7xYz1Ab' to='focus@auth.meet.test/focus'>)"
    R"(<conference xmlns='http://jitsi.org/protocol/focus' room='room1@conference.meet.test')"
    R"( machine-uid='2eb67059abc2d0c8f1e5b4a3' session-id='s-58a1'>)"
    R"(<property name='rtcstatsEnabled' value='false'/><property name='visitors-version' value='1'/>)"
    R"(<property name='startAudioMuted' value='10'/><property name='startVideoMuted' value='10'/>)"
    R"(<property name='channelLastN' value='-1'/><property name='disableRtx' value='false'/>)"
    R"(</conference></iq>)";

// Prosody's keepalive ping to the focus.
constexpr std::string_view kPingIq =
    R"(<iq xmlns='jabber:client' type='get' id='c2s1' from='meet.test' to='focus@auth.meet.test/focus'>)"
    R"(<ping xmlns='urn:xmpp:ping'/></iq>)";

// Typed values as the owning strands receive them.
struct ParticipantUpdate {
    Presence presence;
    MucUserPresence muc;
    std::optional<StatsId> stats_id;
    std::optional<Region> region;
    std::optional<Features> features;
    std::optional<Nick> nick;
    std::optional<CodecList> codecs;
    std::optional<EntityCaps> caps;
    std::map<std::string, SourceState> sources;
};

struct BridgeUpdate {
    Presence presence;
    MucUserPresence muc;
    ColibriStats stats;
    std::optional<double> stress;
};

struct ConferenceRequest {
    Iq iq;
    ConferenceIq conference;
};

struct PingRequest {
    Iq iq;
};

using Inbound = std::variant<ParticipantUpdate, BridgeUpdate, ConferenceRequest, PingRequest>;

// A missing or broken extension leaves the field empty, as the MUC layer does (it keeps the previous value).
template <typename T>
std::optional<T> extension_of(const Presence& presence, std::string_view name) {
    const XmlElement* element = presence.extension(name);
    if (element == nullptr) {
        return std::nullopt;
    }
    auto parsed = T::parse(*element);
    if (!parsed) {
        return std::nullopt;
    }
    return std::move(parsed).value();
}

// The routing decision and typed parse the connection thread makes before posting.
std::optional<Inbound> to_typed(const XmlElement& element) {
    if (element.name() == "iq") {
        auto iq = Iq::parse(element);
        if (!iq || !iq->payload) {
            return std::nullopt;
        }
        if (iq->payload->name() == "conference") {
            auto conference = ConferenceIq::parse(*iq->payload);
            if (!conference) {
                return std::nullopt;
            }
            return ConferenceRequest{std::move(iq).value(), std::move(conference).value()};
        }
        if (!Ping::parse(*iq->payload)) {
            return std::nullopt;
        }
        return PingRequest{std::move(iq).value()};
    }
    auto presence = Presence::parse(element);
    if (!presence) {
        return std::nullopt;
    }
    const XmlElement* x = presence->extension("x", kNsMucUser);
    if (x == nullptr) {
        return std::nullopt;  // not an occupant's presence: the MUC layer ignores it
    }
    auto muc = MucUserPresence::parse(*x);
    if (!muc) {
        return std::nullopt;
    }
    if (const XmlElement* stats = presence->extension("stats", kNsColibri)) {
        auto parsed = ColibriStats::parse(*stats);
        if (!parsed) {
            return std::nullopt;
        }
        BridgeUpdate update{std::move(presence).value(), std::move(muc).value(), std::move(parsed).value(), {}};
        update.stress = update.stats.stress_level();
        return update;
    }
    ParticipantUpdate update{std::move(presence).value(), std::move(muc).value(), {}, {}, {}, {}, {}, {}, {}};
    update.stats_id = extension_of<StatsId>(update.presence, "stats-id");
    update.region = extension_of<Region>(update.presence, "jitsi_participant_region");
    update.features = extension_of<Features>(update.presence, "features");
    update.nick = extension_of<Nick>(update.presence, "nick");
    update.codecs = extension_of<CodecList>(update.presence, "jitsi_participant_codecList");
    update.caps = extension_of<EntityCaps>(update.presence, "c");
    if (auto info = extension_of<SourceInfo>(update.presence, "SourceInfo")) {
        if (auto sources = info->sources()) {
            update.sources = std::move(sources).value();
        }
    }
    return update;
}

// K strands on an io_context run by one other thread: the owners (conferences, breweries, the IQ router).
class Owners {
public:
    explicit Owners(std::size_t strands) {
        for (std::size_t i = 0; i < strands; ++i) {
            strands_.push_back(boost::asio::make_strand(io_));
        }
        thread_ = std::thread([this] { io_.run(); });
    }
    Owners(const Owners&) = delete;
    Owners& operator=(const Owners&) = delete;
    ~Owners() {
        guard_.reset();
        thread_.join();
    }

    // Round robin stands for "one strand per room"; the value is destroyed by the owner, as in the product.
    void post(std::size_t i, Inbound value) {
        boost::asio::post(strands_[i % strands_.size()],
                          [this, value = std::move(value)] { completed_.fetch_add(1, std::memory_order_release); });
    }
    [[nodiscard]] std::uint64_t completed() const { return completed_.load(std::memory_order_acquire); }

private:
    boost::asio::io_context io_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_{io_.get_executor()};
    std::vector<boost::asio::strand<boost::asio::io_context::executor_type>> strands_;
    std::atomic<std::uint64_t> completed_{0};
    std::thread thread_;
};

enum class Stage { from_strophe, typed, dispatch, parse_text };

struct RunResult {
    double wall_ns = 0;           // per stanza, on the connection thread
    double cpu_ns = 0;            // per stanza, CPU time of the connection thread
    double end_to_end_per_s = 0;  // until the owners have run every handler (dispatch only)
    std::uint64_t failures = 0;
};

// Keeps the optimizer from dropping work whose result is otherwise unused.
std::atomic<std::size_t> g_sink{0};

// A bound on posted-but-not-run handlers, as a real inbound queue would have; without it a starved owner thread
// turns the benchmark into a measure of malloc under memory growth.
constexpr std::uint64_t kMaxInFlight = 4096;
constexpr auto kDrainDeadline = std::chrono::seconds(60);

RunResult run(Stage stage, const std::vector<xmpp_stanza_t*>& stanzas, const std::vector<std::string>& texts,
              std::size_t count, Owners& owners) {
    RunResult result;
    const std::uint64_t base = owners.completed();
    std::uint64_t posted = 0;
    std::size_t sink = 0;
    const double cpu_start = jicofo::bench::thread_cpu_seconds();
    const auto start = Clock::now();
    for (std::size_t i = 0; i < count; ++i) {
        const std::size_t k = i % stanzas.size();
        if (stage == Stage::parse_text) {
            auto element = parse_xml(texts[k]);
            result.failures += element ? 0 : 1;
            sink += element ? element->element_count() : 0;
            continue;
        }
        auto element = from_strophe(stanzas[k]);
        if (!element) {
            ++result.failures;
            continue;
        }
        if (stage == Stage::from_strophe) {
            sink += element->element_count();
            continue;
        }
        auto typed = to_typed(*element);
        if (!typed) {
            ++result.failures;
            continue;
        }
        if (stage == Stage::typed) {
            sink += typed->index();
            continue;
        }
        while (posted - (owners.completed() - base) >= kMaxInFlight) {
            std::this_thread::yield();
        }
        owners.post(i, std::move(typed).value());
        ++posted;
    }
    const auto produced = Clock::now();
    const double cpu = jicofo::bench::thread_cpu_seconds() - cpu_start;
    const auto deadline = produced + kDrainDeadline;
    while (owners.completed() - base < posted && Clock::now() < deadline) {
        std::this_thread::yield();
    }
    const auto drained = Clock::now();
    g_sink.fetch_add(sink, std::memory_order_relaxed);
    result.wall_ns = std::chrono::duration<double, std::nano>(produced - start).count() / static_cast<double>(count);
    result.cpu_ns = cpu * 1e9 / static_cast<double>(count);
    if (owners.completed() - base < posted) {
        result.failures += posted - (owners.completed() - base);  // the owners did not keep up within the deadline
    }
    result.end_to_end_per_s = static_cast<double>(posted) / std::chrono::duration<double>(drained - start).count();
    return result;
}

struct Kind {
    std::string name;
    std::vector<std::string_view> texts;  // cycled through, in this order
};

struct Row {
    std::string name;
    std::size_t bytes = 0;  // average text size
    // CPU time of the connection thread per stanza; each stage includes the ones before it.
    double from_strophe_ns = 0;
    double typed_ns = 0;
    double dispatch_ns = 0;
    double parse_text_ns = 0;
    double dispatch_wall_ns = 0;
    double end_to_end_per_s = 0;
    std::uint64_t failures = 0;
};

}  // namespace

int main(int argc, char** argv) {
    const auto runs = static_cast<int>(jicofo::bench::int_option(argc, argv, "runs", 5));
    const auto count = static_cast<std::size_t>(jicofo::bench::int_option(argc, argv, "count", 20'000));
    const auto strand_count = static_cast<std::size_t>(jicofo::bench::int_option(argc, argv, "strands", 8));
    if (runs < 1 || count < 1 || strand_count < 1) {
        std::fprintf(stderr, "usage: %s [--runs N] [--count STANZAS_PER_RUN] [--strands K]\n", argv[0]);
        return 2;
    }

    xmpp_initialize();
    xmpp_ctx_t* ctx = xmpp_ctx_new(nullptr, nullptr);
    if (ctx == nullptr) {
        std::fprintf(stderr, "xmpp_ctx_new failed\n");
        return 1;
    }

    // The mix: presence dominates a busy deployment (participants' updates and bridge stats), requests are rarer.
    const std::vector<Kind> kinds = {
        {"participant presence", {kParticipantPresence}},
        {"bridge stats presence", {kBridgePresence}},
        {"conference iq", {kConferenceIq}},
        {"ping iq", {kPingIq}},
        {"mix 4:2:1:1",
         {kParticipantPresence, kBridgePresence, kParticipantPresence, kConferenceIq, kParticipantPresence,
          kBridgePresence, kParticipantPresence, kPingIq}},
    };

    std::printf("stanza_dispatch_bench: %d runs x %zu stanzas per kind and stage, %zu strands, median of runs\n", runs,
                count, strand_count);
    std::printf("machine: %s\n\n", jicofo::bench::machine_line().c_str());

    Owners owners(strand_count);
    std::vector<Row> rows;
    for (const auto& kind : kinds) {
        // Parsed once into libstrophe trees, outside the timed loops, as the connection thread receives them.
        std::vector<xmpp_stanza_t*> stanzas;
        std::vector<std::string> texts;
        std::size_t bytes = 0;
        for (auto text : kind.texts) {
            texts.emplace_back(text);
            bytes += text.size();
            stanzas.push_back(xmpp_stanza_new_from_string(ctx, texts.back().c_str()));
            if (stanzas.back() == nullptr) {
                std::fprintf(stderr, "%s: libstrophe did not parse the text\n", kind.name.c_str());
                return 1;
            }
            auto element = from_strophe(stanzas.back());
            if (!element || !to_typed(*element)) {
                std::fprintf(stderr, "%s: the typed parse failed\n", kind.name.c_str());
                return 1;
            }
        }
        Row row;
        row.name = kind.name;
        row.bytes = bytes / kind.texts.size();
        std::map<Stage, std::vector<double>> cpu;
        std::vector<double> wall;
        std::vector<double> end_to_end;
        run(Stage::dispatch, stanzas, texts, count / 10, owners);  // warm-up: allocator, caches
        for (int r = 0; r < runs; ++r) {
            for (Stage stage : {Stage::from_strophe, Stage::typed, Stage::dispatch, Stage::parse_text}) {
                const RunResult result = run(stage, stanzas, texts, count, owners);
                cpu[stage].push_back(result.cpu_ns);
                row.failures += result.failures;
                if (stage == Stage::dispatch) {
                    wall.push_back(result.wall_ns);
                    end_to_end.push_back(result.end_to_end_per_s);
                }
            }
        }
        row.from_strophe_ns = jicofo::bench::median(cpu[Stage::from_strophe]);
        row.typed_ns = jicofo::bench::median(cpu[Stage::typed]);
        row.dispatch_ns = jicofo::bench::median(cpu[Stage::dispatch]);
        row.parse_text_ns = jicofo::bench::median(cpu[Stage::parse_text]);
        row.dispatch_wall_ns = jicofo::bench::median(wall);
        row.end_to_end_per_s = jicofo::bench::median(end_to_end);
        rows.push_back(row);
        for (auto* stanza : stanzas) {
            xmpp_stanza_release(stanza);
        }
    }

    // CPU time rather than wall time for the stages: on a shared machine it is what stays comparable between runs.
    std::printf(
        "| kind | bytes | from_strophe | + typed parse | + post | stanzas/s (1 thread, CPU) |"
        " dispatch wall | stanzas/s handled by owners | parse_xml(text) | failures |\n");
    std::printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (const auto& row : rows) {
        std::printf("| %s | %zu | %.1f µs | %.1f µs | %.1f µs | %.0f | %.1f µs | %.0f | %.1f µs | %llu |\n",
                    row.name.c_str(), row.bytes, row.from_strophe_ns / 1e3, row.typed_ns / 1e3, row.dispatch_ns / 1e3,
                    1e9 / row.dispatch_ns, row.dispatch_wall_ns / 1e3, row.end_to_end_per_s, row.parse_text_ns / 1e3,
                    static_cast<unsigned long long>(row.failures));
    }
    std::printf("\npeak RSS %.1f MiB, load average %.2f at the end\n", jicofo::bench::peak_rss_mib(),
                jicofo::bench::load_average_1min());

    xmpp_ctx_free(ctx);
    xmpp_shutdown();
    std::uint64_t failures = 0;
    for (const auto& row : rows) {
        failures += row.failures;
    }
    return failures == 0 ? 0 : 1;
}
