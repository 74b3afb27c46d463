// The table of metric families (catalog.hpp). The help texts are those Jicofo's registrations have where it has the
// family, so `# HELP` lines stay the same for dashboards that show them.
#include "jicofo/metrics/catalog.hpp"

#include <algorithm>
#include <array>

namespace jicofo::metrics {
namespace {

constexpr std::string_view kApp = "app";
constexpr std::string_view kBridge = "bridge";
constexpr std::string_view kClientRequirements = "client_requirements";
constexpr std::string_view kConference = "conference";
constexpr std::string_view kJigasi = "jigasi";
constexpr std::string_view kMetrics = "metrics";
constexpr std::string_view kRecording = "recording";
constexpr std::string_view kRest = "rest";
constexpr std::string_view kVisitors = "visitors";
constexpr std::string_view kWebhooks = "webhooks";
constexpr std::string_view kXmpp = "xmpp";

constexpr MetricSpec counter(std::string_view name, std::string_view owner, std::string_view help,
                             std::string_view labels = {}, Appears appears = Appears::at_start) {
    return {name, MetricType::counter, ValueKind::integer, labels, owner, help, appears};
}

constexpr MetricSpec gauge(std::string_view name, std::string_view owner, std::string_view help,
                           ValueKind kind = ValueKind::integer, std::string_view labels = {},
                           Appears appears = Appears::at_start) {
    return {name, MetricType::gauge, kind, labels, owner, help, appears};
}

constexpr MetricSpec histogram(std::string_view name, std::string_view owner, std::string_view help,
                               std::string_view labels = {}, Appears appears = Appears::at_start) {
    return {name, MetricType::histogram, ValueKind::histogram, labels, owner, help, appears};
}

constexpr std::array kCatalog{
    // The process (MetricsRegistry itself; the standard process_* families are outside the jitsi_jicofo_ namespace
    // and fixed in metrics_registry.cpp).
    gauge("version_info", kMetrics, "Application version", ValueKind::info, "version"),
    gauge("healthy", kMetrics, "Whether the health checks are passing", ValueKind::boolean),
    gauge("threads", kMetrics, "The current number of threads of the process"),
    gauge("uptime_seconds", kMetrics, "Seconds since the process started", ValueKind::real),

    // Conferences (the room map).
    gauge("conferences", kConference, "Running conferences"),
    counter("conferences_created", kConference, "Conferences created"),
    counter("conference_requests", kConference, "Conference requests received"),
    counter("conference_requests_new", kConference, "Conference requests that created a conference"),
    gauge("participants_current", kConference, "Participants in all conferences"),
    counter("participants", kConference, "Participants that joined a conference"),
    gauge("largest_conference", kConference, "Participants in the largest conference"),
    gauge("participants_pairs", kConference,
          "The number of pairs of participants (the sum of n*(n-1) for each conference)"),
    gauge("conferences_seconds", kConference, "The duration of completed conferences in seconds.", ValueKind::real),
    gauge("endpoint_seconds", kConference, "The duration of endpoints in a conferences in seconds.", ValueKind::real),
    gauge("visitors_current", kVisitors, "The current number of visitors."),
    gauge("conferences_with_visitors", kVisitors, "Running count of conferences which have at least 1 visitor."),
    histogram("conference_request_seconds", kConference, "Time from a conference request to its answer"),
    counter("conference_requests_rejected", kConference, "Conference requests refused at a cap (label: which)", "cap"),
    gauge("conference_requests_waiting", kConference, "Conference requests waiting for the focus to join"),

    // Bridges (the bridge registry).
    gauge("bridge_selector_bridge_count", kBridge, "The current number of bridges"),
    gauge("bridge_selector_bridge_count_operational", kBridge, "The current number of operational bridges"),
    gauge("bridge_selector_bridge_count_in_shutdown", kBridge, "The current number of bridges in graceful shutdown"),
    gauge("bridge_selector_bridge_version_count", kBridge, "The current number of different bridge versions"),
    counter("bridge_selector_lost_bridges", kBridge, "Number of bridges which disconnected unexpectedly."),
    counter("bridges_removed", kBridge, "Number of times a bridge was removed from a conference due to a failure"),
    counter("bridge_health_check_failures", kBridge,
            "Bridge health checks answered with an error that fails the bridge"),
    counter("bridge_health_check_timeouts", kBridge, "Bridge health checks that got no reply, retry included"),
    gauge("bridge_endpoints", kBridge, "The number of endpoints on a bridge.", ValueKind::integer, "jvb",
          Appears::per_bridge),
    gauge("bridge_failing_ice", kBridge, "Whether a bridge is currently in the failing ICE state.", ValueKind::boolean,
          "jvb", Appears::per_bridge),
    counter("bridge_restart_requests", kBridge, "Total number of requests to restart a bridge", "jvb",
            Appears::per_bridge),
    counter("bridge_endpoints_moved", kBridge,
            "Total number of endpoints moved away from a bridge for automatic load redistribution.", "jvb",
            Appears::per_bridge),
    counter("bridge_selection_rate_limited", kBridge,
            "Total number of times a bridge was considered overloaded for a conference because the conference had "
            "reached max-bridge-participants-per-interval on it."),
    counter("load_redistributor_endpoints_moved", kBridge, "Total number of endpoints moved by the load redistributor"),

    // Jibri (the recording feature).
    gauge("jibri_instances", kRecording, "Current number of jibri instances"),
    gauge("jibri_instances_available", kRecording, "Current number of available (not in use) jibri instances"),
    gauge("sip_jibri_instances", kRecording, "Current number of SIP jibri instances"),
    gauge("sip_jibri_instances_available", kRecording, "Current number of available (not in use) SIP jibri instances"),
    gauge("jibri_recording_active", kRecording, "Current number of active jibris in recording mode"),
    gauge("jibri_live_streaming_active", kRecording, "Current number of active jibris in live-streaming mode"),
    gauge("jibri_sip_active", kRecording, "Current number of active jibris in SIP mode"),
    counter("jibri_recording_failures", kRecording, "Number of failures for a recording jibri"),
    counter("jibri_live_streaming_failures", kRecording, "Number of failures for a live-streaming jibri"),
    counter("jibri_sip_failures", kRecording, "Number of failures for a SIP jibri"),
    counter("jibri_no_instance_failures", kRecording,
            "Number of failures to start a jibri session because no instance was available"),
    counter("jibri_session_failures", kRecording, "Jibri sessions that failed, by type and reason", "type,reason",
            Appears::on_first_use),

    // Media (the conferences' media, counted through the app's MediaStatistics).
    counter("participants_moved", kApp, "Participants moved to another bridge (bridge failure or request)"),
    counter("participants_ice_failed", kApp, "Number of participants that reported an ICE failure"),
    counter("participants_restart_requested", kApp,
            "Number of times a participant requested a restart via session-terminate"),
    counter("participants_no_start_muted_rmd", kApp,
            "Participants whose client cannot take start-muted from room metadata"),
    counter("ice_restarts_requested", kApp, "In-place ICE restarts of participants: requested"),
    counter("ice_restarts_relayed", kApp, "In-place ICE restarts of participants: relayed"),
    counter("ice_restarts_not_needed", kApp, "In-place ICE restarts of participants: not_needed"),
    counter("ice_restarts_failed", kApp, "In-place ICE restarts of participants: failed"),
    counter("jingle_session_initiate_sent", kApp, "Jingle session_initiate IQs sent to participants"),
    counter("jingle_session_initiate_received", kApp, "Jingle session_initiate IQs received from participants"),
    counter("jingle_session_accept_sent", kApp, "Jingle session_accept IQs sent to participants"),
    counter("jingle_session_accept_received", kApp, "Jingle session_accept IQs received from participants"),
    counter("jingle_session_terminate_sent", kApp, "Jingle session_terminate IQs sent to participants"),
    counter("jingle_session_terminate_received", kApp, "Jingle session_terminate IQs received from participants"),
    counter("jingle_session_info_sent", kApp, "Jingle session_info IQs sent to participants"),
    counter("jingle_session_info_received", kApp, "Jingle session_info IQs received from participants"),
    counter("jingle_transport_info_sent", kApp, "Jingle transport_info IQs sent to participants"),
    counter("jingle_transport_info_received", kApp, "Jingle transport_info IQs received from participants"),
    counter("jingle_transport_accept_sent", kApp, "Jingle transport_accept IQs sent to participants"),
    counter("jingle_transport_accept_received", kApp, "Jingle transport_accept IQs received from participants"),
    counter("jingle_transport_reject_sent", kApp, "Jingle transport_reject IQs sent to participants"),
    counter("jingle_transport_reject_received", kApp, "Jingle transport_reject IQs received from participants"),
    counter("jingle_transport_replace_sent", kApp, "Jingle transport_replace IQs sent to participants"),
    counter("jingle_transport_replace_received", kApp, "Jingle transport_replace IQs received from participants"),
    counter("jingle_sourceadd_sent", kApp, "Jingle sourceadd IQs sent to participants"),
    counter("jingle_sourceadd_received", kApp, "Jingle sourceadd IQs received from participants"),
    counter("jingle_sourceremove_sent", kApp, "Jingle sourceremove IQs sent to participants"),
    counter("jingle_sourceremove_received", kApp, "Jingle sourceremove IQs received from participants"),
    counter("jingle_addsource_sent", kApp, "Jingle addsource IQs sent to participants"),
    counter("jingle_addsource_received", kApp, "Jingle addsource IQs received from participants"),
    counter("jingle_removesource_sent", kApp, "Jingle removesource IQs sent to participants"),
    counter("jingle_removesource_received", kApp, "Jingle removesource IQs received from participants"),
    histogram("colibri_request_seconds", kApp, "Round trip of colibri2 requests to bridges, by how they ended",
              "result"),
    histogram("participant_join_to_session_accept_seconds", kApp,
              "Time from a participant's MUC join to its first session-accept"),

    // Caps of the REST server.
    counter("rest_connections_evicted", kRest, "Idle REST connections closed to make room at the connection cap"),
    counter("rest_connections_rejected", kRest, "REST connections over the cap (answered 503 or closed)"),

    // Client requirements (jicofo.conference.client-requirements; registered when enabled). A missing feature's
    // series appear with the configured requirements, so without any the family has none.
    counter("participants_missing_features", kClientRequirements,
            "Participants whose client lacks a required feature, by requirement name and level", "feature,level",
            Appears::on_first_use),
    counter("participants_rejected_missing_features", kClientRequirements,
            "Participants refused a media session for a missing hard feature (with enforce)"),
    counter("participants_features_not_discovered", kClientRequirements,
            "Participants not checked against the client requirements because their disco#info failed"),
    counter("client_requirements_notifications", kClientRequirements,
            "Participants told of missing features, by transport (iq or message)", "transport"),

    // Jigasi.
    gauge("jigasi_sip_count", kJigasi, "Number of jigasi instances that support SIP"),
    gauge("jigasi_sip_in_graceful_shutdown_count", kJigasi,
          "Number of jigasi instances that support SIP and are in graceful shutdown"),
    gauge("jigasi_transcriber_count", kJigasi, "Number of jigasi instances that support transcription"),
    counter("jigasi_iq_handler_accepted_requests", kJigasi, "Jigasi dial requests: accepted_requests"),
    counter("jigasi_iq_handler_rejected_requests", kJigasi, "Jigasi dial requests: rejected_requests"),
    counter("jigasi_iq_handler_retries", kJigasi, "Jigasi dial requests: retries"),
    counter("jigasi_iq_handler_instance_errors", kJigasi, "Jigasi dial requests: instance_errors"),
    counter("jigasi_iq_handler_instance_timeouts", kJigasi, "Jigasi dial requests: instance_timeout"),

    // Webhooks (registered only when jicofo.webhooks.urls is not empty).
    counter("webhooks_delivered", kWebhooks, "Webhook events delivered (answered 2xx), all URLs together", {},
            Appears::configured),
    counter("webhooks_failed_attempts", kWebhooks, "Webhook attempts that failed (no answer, or not 2xx)", {},
            Appears::configured),
    counter("webhooks_given_up", kWebhooks, "Webhook events given up after jicofo.webhooks.max-retries", {},
            Appears::configured),
    counter("webhooks_dropped", kWebhooks, "Webhook events dropped because a URL's queue was full", {},
            Appears::configured),
    gauge("webhooks_queue_depth", kWebhooks, "Webhook events waiting or in flight, all URLs together",
          ValueKind::integer, {}, Appears::configured),
    histogram("webhooks_delivery_seconds", kWebhooks, "Time from a webhook event to its delivery", {},
              Appears::configured),

    // XMPP connections and health.
    counter("xmpp_disconnects", kXmpp, "Number of times an XMPP connection was lost."),
    gauge("xmpp_connection_state", kXmpp, "XMPP connection state: 0 disconnected, 1 connecting, 2 connected.",
          ValueKind::integer, "connection"),
    counter("xmpp_iqs_rejected", kXmpp, "Outgoing IQ requests refused over jicofo.xmpp.max-pending-iqs.", "connection"),
    counter("xmpp_stanzas_rejected", kXmpp,
            "Outgoing stanzas and requests refused over jicofo.xmpp.max-queued-stanzas.", "connection"),
    histogram("xmpp_iq_round_trip_seconds", kXmpp, "Round trip of outgoing IQ requests.", "namespace",
              Appears::on_first_use),
    counter("slow_health_check", kApp, "Health check runs slower than max-check-duration"),
    gauge("draining", kApp, "1 while the focus drains: new rooms refused, exit when the last conference ends",
          ValueKind::boolean),
    counter("config_reloads", kApp, "Configuration reloads (SIGHUP) by result: applied, unchanged, refused", "result"),
};

}  // namespace

std::string_view to_string(MetricType type) {
    switch (type) {
        case MetricType::counter: return "counter";
        case MetricType::gauge: return "gauge";
        case MetricType::histogram: return "histogram";
    }
    return "gauge";
}

std::span<const MetricSpec> metric_catalog() {
    return kCatalog;
}

const MetricSpec* find_metric(std::string_view name) {
    const auto* found =
        std::find_if(kCatalog.begin(), kCatalog.end(), [name](const MetricSpec& spec) { return spec.name == name; });
    return found == kCatalog.end() ? nullptr : &*found;
}

std::vector<std::string_view> label_names(const MetricSpec& spec) {
    std::vector<std::string_view> names;
    std::string_view rest = spec.labels;
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        names.push_back(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
    return names;
}

}  // namespace jicofo::metrics
