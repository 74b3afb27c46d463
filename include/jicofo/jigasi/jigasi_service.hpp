// The Jigasi feature's shared part: the brewery of jicofo.jigasi.brewery-jid on the features strand (each trusted
// occupant's colibri stats as a JigasiInstance), the gauges and sipGatewayEnabled that follow it, the counters of
// what happens to dials, and the entry points conferences use from their strands — select an instance, forward a
// dial — each a hop to the features strand and, for answers, back to the caller's strand.
#pragma once

#include "jicofo/feature/feature.hpp"
#include "jicofo/jigasi/jigasi_counters.hpp"
#include "jicofo/jigasi/jigasi_dial.hpp"
#include "jicofo/jigasi/jigasi_selector.hpp"
#include "jicofo/xmpp/brewery.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace jicofo::jigasi {

struct JigasiSettings {
    std::optional<stanza::Jid> brewery;  // jicofo.jigasi.brewery-jid
    config::XmppConnectionName connection = config::XmppConnectionName::Client;
    std::vector<std::string> trusted_domains;             // jicofo.xmpp.trusted-domains
    std::vector<std::vector<std::string>> region_groups;  // jicofo.bridge.region-groups
    std::optional<std::string> local_region;              // jicofo.local-region
    JigasiDialSettings dial;                              // timeout: the client connection's reply timeout
    bool moderator_checks = true;                         // jicofo.conference.enable-moderator-checks
};

[[nodiscard]] JigasiSettings jigasi_settings(const config::JicofoConfig& config);

class JigasiService : public std::enable_shared_from_this<JigasiService> {
public:
    // A brewery holds a few dozen Jigasis; anything past this is not believed.
    static constexpr std::size_t kMaxInstances = 4096;

    // `advertise` is the registrar's (sipGatewayEnabled), called on the features strand.
    JigasiService(JigasiSettings settings, feature::Strand strand, metrics::MetricsRegistry& registry,
                  std::function<void(std::string, std::optional<std::string>)> advertise);
    JigasiService(const JigasiService&) = delete;
    JigasiService& operator=(const JigasiService&) = delete;
    ~JigasiService();

    // Features strand.
    void start(const feature::Connections& connections);
    void stop();
    [[nodiscard]] nlohmann::ordered_json detector_stats() const;
    [[nodiscard]] nlohmann::ordered_json detector_debug() const;
    [[nodiscard]] nlohmann::ordered_json dial_stats() const;

    // Any strand; `done` runs on `reply_on`.
    void select(JigasiKind kind, std::vector<std::string> exclude, std::vector<std::string> bridge_regions,
                const feature::Strand& reply_on, std::function<void(std::optional<std::string>)> done);
    void send(const std::string& jigasi, const stanza::RayoDial& dial, std::chrono::milliseconds timeout,
              const feature::Strand& reply_on, std::function<void(JigasiAnswer)> done);
    void count(JigasiEvent event);

    // Immutable after construction.
    [[nodiscard]] const JigasiSettings& settings() const { return settings_; }

private:
    void update(const stanza::Jid& occupant, const stanza::ColibriStats& stats);
    void remove(const stanza::Jid& occupant);
    void refresh();  // gauges and sipGatewayEnabled
    [[nodiscard]] std::vector<JigasiInstance> instances() const;

    JigasiSettings settings_;
    feature::Strand strand_;
    std::function<void(std::string, std::optional<std::string>)> advertise_;
    prometheus::Gauge* sip_count_;
    prometheus::Gauge* sip_in_graceful_shutdown_count_;
    prometheus::Gauge* transcriber_count_;
    std::array<prometheus::Counter*, kJigasiEventCount> event_counters_{};  // null: /stats only
    // On the strand:
    JigasiCounters counters_;
    std::map<stanza::Jid, JigasiInstance> instances_;
    std::optional<bool> advertised_sip_;
    std::shared_ptr<xmpp::XmppConnection> connection_;  // kept after stop: dials in flight still get their answer
    std::unique_ptr<xmpp::JigasiBrewery> brewery_;
};

}  // namespace jicofo::jigasi
