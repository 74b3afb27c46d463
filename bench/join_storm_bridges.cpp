// The join storm's emulated jitsi-videobridges: they sit in the brewery with colibri stats, answer health checks and
// answer every colibri2 conference-modify as tests/peers/colibri2_bridge.py does (a transport and the feedback
// sources on allocation, result for updates and expiries), and time-stamp what the focus asked for each endpoint.
#include "join_storm_actors.hpp"

#include "jicofo/stanza/brewery.hpp"
#include "jicofo/stanza/colibri2.hpp"
#include "jicofo/stanza/envelope.hpp"
#include "jicofo/stanza/muc.hpp"
#include "jicofo/stanza/namespaces.hpp"
#include "jicofo/stanza/xml_codec.hpp"

#include <strophe.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace jicofo::bench {
namespace {

using stanza::Colibri2Endpoint;
using stanza::Colibri2Transport;
using stanza::ConferenceModified;
using stanza::ConferenceModify;
using stanza::ErrorCondition;
using stanza::Iq;
using stanza::IqType;
using stanza::StanzaError;

constexpr std::int64_t kReadyDeadlineNs = 60'000'000'000;
constexpr std::int64_t kBrewerySettleNs = 12'000'000'000;

// What one endpoint id saw, over all bridges (a re-invite may move it).
struct EndpointRecord {
    std::int64_t allocated_ns = 0;
    std::int64_t first_update_ns = 0;  // the first update carrying the client's sources or transport
    int allocations = 0;
    int updates = 0;
    int expiries = 0;
};

struct BridgeTotals {
    long requests = 0;
    long errors_sent = 0;
    long malformed = 0;
    long health_checks = 0;
    long conferences_created = 0;
    long duplicate_conferences = 0;
    long unknown_conferences = 0;
};

class EmulatedBridge : public StropheClient {
public:
    EmulatedBridge(const StormPlan& plan, int number, std::map<std::string, EndpointRecord>& endpoints,
                   BridgeTotals& totals)
        : plan_(plan),
          name_("jvb" + std::to_string(number)),
          endpoints_(endpoints),
          totals_(totals),
          next_ssrc_(0x7f000000U + static_cast<std::uint32_t>(number) * 0x100000U) {}

    [[nodiscard]] const std::string& name() const { return name_; }
    [[nodiscard]] bool health_checked() const { return health_checks_ > 0; }
    [[nodiscard]] bool failed() const { return failed_; }
    bool start(xmpp_ctx_t* ctx) {
        failed_ = false;
        return connect(ctx, plan_, name_ + "@" + plan_.auth_domain, plan_.bridge_password);
    }

protected:
    void on_connected() override {
        stanza::Presence join;
        join.to = stanza::Jid::parse(plan_.brewery + "/" + name_).value();
        join.extensions.push_back(stanza::MucJoin{}.to_xml());
        stanza::ColibriStats stats;
        for (const auto& [key, value] : {std::pair<const char*, const char*>{"stress_level", "0.0"},
                                         {"version", "2.3.0"},
                                         {"release", "1"},
                                         {"drain", "false"},
                                         {"graceful_shutdown", "false"},
                                         {"shutting_down", "false"},
                                         {"healthy", "true"}}) {
            stats.set(key, value);
        }
        join.extensions.push_back(stats.to_xml());
        send(join.to_xml());
    }

    void on_disconnected() override {
        if (!stopping_) {
            failed_ = true;  // retried by the loop; a SCRAM login racing another one is refused now and then
            std::fprintf(stderr, "join_storm: bridge %s disconnected\n", name_.c_str());
        }
    }

    void on_stanza(const stanza::XmlElement& element) override {
        auto iq = Iq::parse(element);
        if (!iq || (iq->header.type != IqType::get && iq->header.type != IqType::set) || !iq->payload) {
            return;  // replies to nothing we sent; the presence of others is not offered
        }
        const auto& payload = *iq->payload;
        if (payload.name() == "healthcheck" && payload.ns() == stanza::kNsHealth) {
            ++health_checks_;
            ++totals_.health_checks;
            send(Iq::result_for(*iq).to_xml());
            return;
        }
        if (payload.ns() == stanza::kNsColibri2) {
            on_colibri(*iq);
            return;
        }
        send(Iq::error_for(*iq, StanzaError::make(ErrorCondition::service_unavailable)).to_xml());
    }

public:
    void stop() { stopping_ = true; }

private:
    void on_colibri(const Iq& iq) {
        const auto now = now_ns();
        ++totals_.requests;
        auto request = ConferenceModify::parse(*iq.payload);
        if (!request) {
            ++totals_.malformed;
            fail(iq, ErrorCondition::bad_request, request.error().text);
            return;
        }
        auto conference = conferences_.find(request->meeting_id);
        if (request->create) {
            if (conference != conferences_.end()) {
                ++totals_.duplicate_conferences;
                fail(iq, ErrorCondition::conflict, "Conference already exists for ID: " + request->meeting_id);
                return;
            }
            ++totals_.conferences_created;
            conference = conferences_.emplace(request->meeting_id, std::set<std::string>{}).first;
        } else if (conference == conferences_.end()) {
            ++totals_.unknown_conferences;
            fail(iq, ErrorCondition::item_not_found, "Conference not found for ID: " + request->meeting_id);
            return;
        }
        ConferenceModified reply;
        bool created_endpoint = false;
        for (const auto& endpoint : request->endpoints) {
            auto& record = endpoints_[endpoint.id];
            Colibri2Endpoint answer;
            answer.id = endpoint.id;
            if (endpoint.expire) {
                ++record.expiries;
                conference->second.erase(endpoint.id);
                answer.expire = true;
            } else if (endpoint.create) {
                ++record.allocations;
                record.allocated_ns = now;
                created_endpoint = true;
                conference->second.insert(endpoint.id);
                answer.transport = transport_answer(endpoint.transport && endpoint.transport->sctp);
            } else {
                ++record.updates;
                const bool carries_client_state = (endpoint.sources && !endpoint.sources->media_sources.empty()) ||
                                                  (endpoint.transport && endpoint.transport->ice_udp);
                if (carries_client_state && record.first_update_ns == 0) {
                    record.first_update_ns = now;
                }
            }
            reply.endpoints.push_back(std::move(answer));
        }
        for (const auto& relay : request->relays) {
            stanza::Colibri2Relay answer;
            answer.id = relay.id;
            answer.expire = relay.expire;
            if (relay.create) {
                answer.transport = transport_answer(relay.transport && relay.transport->sctp);
            }
            reply.relays.push_back(std::move(answer));
        }
        if (request->create || created_endpoint) {
            reply.sources = feedback_sources();
        }
        if (request->expire || (!request->create && conference->second.empty() && request->relays.empty())) {
            conferences_.erase(conference);
        }
        send(Iq::result_for(iq, reply.to_xml()).to_xml());
    }

    void fail(const Iq& iq, ErrorCondition condition, std::string text) {
        ++totals_.errors_sent;
        send(Iq::error_for(iq, StanzaError::make(condition, std::move(text))).to_xml());
    }

    Colibri2Transport transport_answer(bool sctp) {
        Colibri2Transport transport;
        stanza::IceUdpTransport ice;
        ice.ufrag = "u" + std::to_string(++allocations_);
        ice.pwd = "storm-bridge-password-" + std::to_string(allocations_);
        ice.fingerprints.push_back({"sha-256", "actpass", std::nullopt, kFingerprint});
        stanza::IceCandidate candidate;
        candidate.foundation = "1";
        candidate.id = name_ + "c" + std::to_string(allocations_);
        candidate.ip = "127.0.0.1";
        candidate.port = static_cast<std::uint16_t>(10000 + allocations_ % 50000);
        candidate.priority = 2130706431;
        candidate.protocol = "udp";
        candidate.type = "host";
        candidate.network = "0";
        ice.candidates.push_back(std::move(candidate));
        transport.ice_udp = std::move(ice);
        if (sctp) {
            transport.sctp = stanza::Colibri2Sctp{5000, stanza::SctpRole::server};
        }
        return transport;
    }

    stanza::Colibri2Sources feedback_sources() {
        stanza::Colibri2Sources sources;
        for (const auto type : {stanza::MediaType::audio, stanza::MediaType::video}) {
            stanza::MediaSource source;
            source.type = type;
            source.id = type == stanza::MediaType::audio ? "jvb-a0" : "jvb-v0";
            stanza::Source ssrc;
            ssrc.ssrc = ++next_ssrc_;
            ssrc.name = source.id;
            source.sources.push_back(std::move(ssrc));
            sources.media_sources.push_back(std::move(source));
        }
        return sources;
    }

    static constexpr const char* kFingerprint =
        "AC:58:1F:3B:52:07:5E:6C:9D:23:11:8A:0F:44:B2:7E:61:93:C8:D5:2A:0B:7F:E4:36:19:8E:5D:C1:22:40:AB";

    const StormPlan& plan_;
    std::string name_;
    std::map<std::string, EndpointRecord>& endpoints_;
    BridgeTotals& totals_;
    std::map<std::string, std::set<std::string>> conferences_;  // meeting-id -> endpoint ids
    std::uint32_t next_ssrc_;
    long allocations_ = 0;
    long health_checks_ = 0;
    bool stopping_ = false;
    bool failed_ = false;
};

void write_results(const StormPlan& plan, const std::map<std::string, EndpointRecord>& endpoints,
                   const BridgeTotals& totals) {
    const auto path = plan.bridge_results();
    std::FILE* out = std::fopen(path.c_str(), "w");
    if (out == nullptr) {
        std::perror(path.c_str());
        return;
    }
    std::fprintf(out, "totals %ld %ld %ld %ld %ld %ld %ld\n", totals.requests, totals.errors_sent, totals.malformed,
                 totals.health_checks, totals.conferences_created, totals.duplicate_conferences,
                 totals.unknown_conferences);
    for (const auto& [id, r] : endpoints) {
        std::fprintf(out, "endpoint %s %lld %lld %d %d %d\n", id.c_str(), static_cast<long long>(r.allocated_ns),
                     static_cast<long long>(r.first_update_ns), r.allocations, r.updates, r.expiries);
    }
    std::fclose(out);
}

}  // namespace

int run_bridges(const StormPlan& plan, int ready_fd, const volatile std::sig_atomic_t* stop) {
    stanza::ensure_strophe_initialized();
    xmpp_ctx_t* ctx = xmpp_ctx_new(nullptr, nullptr);
    std::map<std::string, EndpointRecord> endpoints;
    BridgeTotals totals;
    std::vector<std::unique_ptr<EmulatedBridge>> bridges;
    for (int i = 1; i <= plan.bridges; ++i) {
        bridges.push_back(std::make_unique<EmulatedBridge>(plan, i, endpoints, totals));
    }
    // One login at a time, each started once the previous one is up; failed ones are started again.
    std::size_t started = 0;
    std::int64_t all_connected_at = 0;
    bool ready = false;
    const auto deadline = now_ns() + kReadyDeadlineNs;
    while (*stop == 0) {
        if (started < bridges.size() && (started == 0 || bridges[started - 1]->connected())) {
            if (!bridges[started++]->start(ctx)) {
                std::fprintf(stderr, "join_storm: bridge %zu could not start connecting\n", started);
                return 1;
            }
        }
        for (std::size_t i = 0; i < started; ++i) {
            if (bridges[i]->failed() && !bridges[i]->start(ctx)) {
                return 1;
            }
        }
        xmpp_run_once(ctx, 20);
        if (!ready) {
            bool checked = true;
            bool connected = started == bridges.size();
            for (const auto& bridge : bridges) {
                checked = checked && bridge->health_checked();
                connected = connected && bridge->connected();
            }
            if (connected && all_connected_at == 0) {
                all_connected_at = now_ns();
            }
            // jicofo knows a bridge from its brewery presence; a health check proves it, but some builds check
            // only after their interval (10 s by default), so being in the brewery that long is enough too.
            ready = checked || (all_connected_at != 0 && now_ns() - all_connected_at > kBrewerySettleNs);
            if (ready) {
                const char byte = 'r';
                if (::write(ready_fd, &byte, 1) != 1) {
                    std::perror("join_storm: ready pipe");
                }
            } else if (now_ns() > deadline) {
                std::fprintf(stderr, "join_storm: the bridges were not health-checked within 60 s\n");
                return 1;
            }
        }
    }
    write_results(plan, endpoints, totals);
    for (auto& bridge : bridges) {
        bridge->stop();
        bridge->disconnect();
    }
    for (int i = 0; i < 50; ++i) {
        xmpp_run_once(ctx, 10);
    }
    return 0;
}

}  // namespace jicofo::bench
