// The recording feature's shared part: the two Jibri breweries (recorders and streamers; SIP gateways) on the
// features strand, and the entry points conferences use from their own strands — select an instance, mark one
// failed, send one an IQ — each a hop to the features strand and, for answers, back to the caller's strand. Jibri's
// status IQs and instances leaving are routed from here to the conference the instance was selected for.
#pragma once

#include "jicofo/feature/feature.hpp"
#include "jicofo/recording/jibri_detector.hpp"
#include "jicofo/recording/jibri_request.hpp"
#include "jicofo/recording/jibri_session.hpp"
#include "jicofo/xmpp/iq_result.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace jicofo::recording {

struct RecordingSettings {
    std::optional<stanza::Jid> recorder_brewery;  // jicofo.jibri.brewery-jid
    std::optional<stanza::Jid> sip_brewery;       // jicofo.jibri-sip.brewery-jid
    config::XmppConnectionName recorder_connection = config::XmppConnectionName::Client;
    std::vector<std::string> trusted_domains;  // jicofo.xmpp.trusted-domains
    JibriSessionSettings session;
    bool moderator_checks = true;  // jicofo.conference.enable-moderator-checks

    [[nodiscard]] bool configured(JibriKind kind) const {
        return kind == JibriKind::recorder ? recorder_brewery.has_value() : sip_brewery.has_value();
    }
};

// Errors in the configuration are logged and leave that brewery out (the feature then refuses its requests).
[[nodiscard]] RecordingSettings recording_settings(const config::JicofoConfig& config);

// The reference's Jibri metrics, and failures by reason. Prometheus values are atomic: used from any strand.
struct RecordingMetrics {
    explicit RecordingMetrics(metrics::MetricsRegistry& registry);

    prometheus::Gauge* instances = nullptr;
    prometheus::Gauge* instances_available = nullptr;
    prometheus::Gauge* sip_instances = nullptr;
    prometheus::Gauge* sip_instances_available = nullptr;
    prometheus::Gauge* recording_active = nullptr;
    prometheus::Gauge* live_streaming_active = nullptr;
    prometheus::Gauge* sip_active = nullptr;
    prometheus::Counter* recording_failures = nullptr;
    prometheus::Counter* live_streaming_failures = nullptr;
    prometheus::Counter* sip_failures = nullptr;
    prometheus::Counter* no_instance_failures = nullptr;
    metrics::MetricsRegistry& registry;

    // The session's type as the reference counts it (a recorder with a stream id is live streaming).
    [[nodiscard]] prometheus::Gauge& active(const StartRequest& request) const;
    // Counts a failed session: its type's counter, the no-instance counter, and the counter by reason.
    void failed(const StartRequest& request, JibriFailure cause) const;
};

class RecordingService : public std::enable_shared_from_this<RecordingService> {
public:
    RecordingService(RecordingSettings settings, feature::Strand strand,
                     std::shared_ptr<feature::Conferences> conferences, metrics::MetricsRegistry& registry);
    RecordingService(const RecordingService&) = delete;
    RecordingService& operator=(const RecordingService&) = delete;
    ~RecordingService();

    // Features strand: the breweries are joined on start and left on stop.
    void start(const feature::Connections& connections);
    void stop();
    // A jibri IQ from an occupant of `kind`'s brewery (a status IQ): routed to the session that has that instance.
    void jibri_iq(JibriKind kind, const stanza::Iq& request, xmpp::XmppConnection& connection);
    [[nodiscard]] bool claims(JibriKind kind, const stanza::Jid& from) const;
    [[nodiscard]] nlohmann::ordered_json detector_stats(JibriKind kind) const;
    [[nodiscard]] nlohmann::ordered_json detector_debug(JibriKind kind) const;
    [[nodiscard]] nlohmann::ordered_json session_stats() const;

    // Any strand. `done` runs on `reply_on`; guard it if its owner may be gone by then.
    void select(JibriKind kind, stanza::Jid room, const feature::Strand& reply_on,
                std::function<void(core::Result<std::string, NoJibri>)> done);
    void failed(JibriKind kind, std::string jibri);
    void send(JibriKind kind, stanza::Iq request, const feature::Strand& reply_on, xmpp::IqCallback done);

    // Immutable after construction.
    [[nodiscard]] const RecordingSettings& settings() const { return settings_; }
    [[nodiscard]] const RecordingMetrics& metrics() const { return metrics_; }

private:
    struct Brewery {
        std::unique_ptr<JibriDetector> detector;
        std::shared_ptr<xmpp::XmppConnection> connection;
    };
    [[nodiscard]] Brewery& brewery(JibriKind kind) { return kind == JibriKind::recorder ? recorder_ : sip_; }
    [[nodiscard]] const Brewery& brewery(JibriKind kind) const {
        return kind == JibriKind::recorder ? recorder_ : sip_;
    }
    void make_detector(JibriKind kind, const std::shared_ptr<xmpp::XmppConnection>& connection);
    void refresh_gauges();

    RecordingSettings settings_;
    feature::Strand strand_;
    std::shared_ptr<feature::Conferences> conferences_;
    RecordingMetrics metrics_;
    Brewery recorder_;  // on the strand, as is everything below
    Brewery sip_;
};

}  // namespace jicofo::recording
