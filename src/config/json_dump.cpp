// The effective configuration as JSON, laid out like jicofo.conf, for --check-config and /debug.
#include <nlohmann/json.hpp>

#include "jicofo/config/jicofo_config.hpp"

namespace jicofo::config {
namespace {

using Json = nlohmann::ordered_json;
constexpr const char* kMasked = "********";

// "15 seconds", "1 minute", "500 ms": the largest unit that divides the value exactly, which reads back the same.
std::string format_duration(milliseconds value) {
    struct Unit {
        long long millis;
        const char* singular;
        const char* plural;
    };
    static constexpr Unit kUnits[] = {{86400000, "day", "days"},
                                      {3600000, "hour", "hours"},
                                      {60000, "minute", "minutes"},
                                      {1000, "second", "seconds"}};
    const long long ms = value.count();
    for (const Unit& unit : kUnits) {
        if (ms != 0 && ms % unit.millis == 0) {
            const long long count = ms / unit.millis;
            return std::to_string(count) + " " + (count == 1 ? unit.singular : unit.plural);
        }
    }
    return std::to_string(ms) + " ms";
}

template <typename T>
Json optional(const std::optional<T>& value) {
    return value ? Json(*value) : Json(nullptr);
}

Json secret(const std::optional<std::string>& password) {
    return password ? Json(kMasked) : Json(nullptr);
}

Json connection(const XmppConnectionConfig& c) {
    return Json{{"enabled", c.enabled},
                {"hostname", c.hostname},
                {"port", c.port},
                {"domain", optional(c.domain)},
                {"xmpp-domain", optional(c.xmpp_domain)},
                {"username", c.username},
                {"resource", c.resource},
                {"password", secret(c.password)},
                {"reply-timeout", format_duration(c.reply_timeout)},
                {"disable-certificate-verification", c.disable_certificate_verification},
                {"use-tls", c.use_tls}};
}

Json xmpp(const XmppConfig& x) {
    Json client = connection(x.client);
    client["conference-muc-jid"] = optional(x.client.conference_muc_jid);
    client["client-proxy"] = optional(x.client.client_proxy);
    Json visitors = Json::object();
    for (const auto& v : x.visitors) {
        Json node = connection(v);
        node["conference-service"] = v.conference_service;
        visitors[v.id] = std::move(node);
    }
    return Json{{"use-jitsi-jid-validation", x.use_jitsi_jid_validation},
                {"trusted-domains", x.trusted_domains},
                {"max-pending-iqs", x.max_pending_iqs},
                {"max-queued-stanzas", x.max_queued_stanzas},
                {"client", std::move(client)},
                {"service", connection(x.service)},
                {"visitors", std::move(visitors)}};
}

Json video(const VideoCodecConfig& c) {
    return Json{{"enabled", c.enabled}, {"pt", c.pt}, {"rtx-pt", c.rtx_pt}, {"enable-remb", c.enable_remb}};
}

Json codec_pt(const CodecConfig& c) {
    return Json{{"enabled", c.enabled}, {"pt", c.pt}};
}

Json extension(const RtpExtensionConfig& e) {
    return Json{{"enabled", e.enabled}, {"id", e.id}};
}

Json codec(const CodecConfigs& c) {
    Json opus = codec_pt(c.opus);
    opus["minptime"] = c.opus.minptime;
    opus["use-inband-fec"] = c.opus.use_inband_fec;
    opus["red"] = codec_pt(c.opus.red);
    const auto& e = c.rtp_extensions;
    return Json{
        {"video", {{"av1", video(c.av1)}, {"vp8", video(c.vp8)}, {"vp9", video(c.vp9)}, {"h264", video(c.h264)}}},
        {"audio", {{"opus", std::move(opus)}, {"telephone-event", codec_pt(c.telephone_event)}}},
        {"rtp-extensions",
         {{"audio-level", extension(e.audio_level)},
          {"av1-dependency-descriptor", extension(e.av1_dependency_descriptor)},
          {"video-layers-allocation", extension(e.video_layers_allocation)},
          {"tof", extension(e.tof)},
          {"abs-send-time", extension(e.abs_send_time)},
          {"rid", extension(e.rid)},
          {"tcc", extension(e.tcc)},
          {"video-content-type", extension(e.video_content_type)},
          {"framemarking", extension(e.framemarking)},
          {"mid", extension(e.mid)},
          {"extmap-allow-mixed", e.extmap_allow_mixed}}}};
}

Json strategy(const std::optional<SelectionStrategy>& s) {
    return s ? Json(strategy_name(*s)) : Json(nullptr);
}

Json bridge(const BridgeConfig& b) {
    const auto& h = b.health_checks;
    const auto& i = b.ice_failure_detection;
    const auto& l = b.load_redistribution;
    return Json{{"max-bridge-participants", b.max_bridge_participants},
                {"max-bridge-participants-per-interval", b.max_bridge_participants_per_interval},
                {"max-bridge-participants-interval", format_duration(b.max_bridge_participants_interval)},
                {"average-participant-stress", b.average_participant_stress},
                {"participant-rampup-interval", format_duration(b.participant_rampup_interval)},
                {"stress-threshold", b.stress_threshold},
                {"failure-reset-threshold", format_duration(b.failure_reset_threshold)},
                {"selection-strategy", strategy_name(b.selection_strategy)},
                {"visitor-selection-strategy", strategy(b.visitor_selection_strategy)},
                {"participant-selection-strategy", strategy(b.participant_selection_strategy)},
                {"topology-strategy", strategy_name(b.topology_strategy)},
                {"region-groups", b.region_groups},
                {"health-checks",
                 {{"enabled", h.enabled},
                  {"interval", format_duration(h.interval)},
                  {"retry-delay", format_duration(h.retry_delay)},
                  {"use-presence", h.use_presence},
                  {"presence-timeout", format_duration(h.presence_timeout)}}},
                {"brewery-jid", optional(b.brewery_jid)},
                {"xmpp-connection-name", connection_name(b.xmpp_connection_name)},
                {"ice-failure-detection",
                 {{"enabled", i.enabled},
                  {"interval", format_duration(i.interval)},
                  {"min-endpoints", i.min_endpoints},
                  {"threshold", i.threshold},
                  {"timeout", format_duration(i.timeout)}}},
                {"load-redistribution",
                 {{"enabled", l.enabled},
                  {"interval", format_duration(l.interval)},
                  {"stress-threshold", l.stress_threshold},
                  {"timeout", format_duration(l.timeout)},
                  {"endpoints", l.endpoints}}}};
}

Json ping(const PingConfig& p) {
    return Json{
        {"enabled", p.enabled}, {"interval", format_duration(p.interval)}, {"timeout", format_duration(p.timeout)}};
}

std::string_view level_name(RequirementLevel level) {
    switch (level) {
        case RequirementLevel::hard: return "hard";
        case RequirementLevel::soft: return "soft";
        case RequirementLevel::off: return "off";
    }
    return "off";
}

Json client_requirements(const ClientRequirementsConfig& c) {
    Json requirements = Json::object();
    for (const auto& r : c.requirements) {
        Json entry{{"feature", r.feature}, {"level", level_name(r.level)}};
        if (r.details) {
            entry["details"] = *r.details;
        }
        if (r.url) {
            entry["url"] = *r.url;
        }
        requirements[r.name] = std::move(entry);
    }
    return Json{{"enabled", c.enabled}, {"enforce", c.enforce}, {"requirements", std::move(requirements)}};
}

Json conference(const ConferenceConfig& c) {
    Json delays = Json::object();
    for (const auto& [size, delay] : c.source_signaling_delays) {
        delays[std::to_string(size)] = delay.count();  // milliseconds, as Jicofo writes them
    }
    const auto& limits = c.restart_request_rate_limits;
    return Json{
        {"enable-auto-owner", c.enable_auto_owner},
        {"enable-moderator-checks", c.enable_moderator_checks},
        {"initial-timeout", format_duration(c.initial_timeout)},
        {"max-ssrcs-per-user", c.max_ssrcs_per_user},
        {"max-conferences", c.max_conferences},
        {"max-waiting-requests", c.max_waiting_requests},
        {"max-properties-per-request", c.max_properties_per_request},
        {"max-ssrc-groups-per-user", c.max_ssrc_groups_per_user},
        {"single-participant-timeout", format_duration(c.single_participant_timeout)},
        {"min-participants", c.min_participants},
        {"max-audio-senders", c.max_audio_senders},
        {"max-video-senders", c.max_video_senders},
        {"strip-simulcast", c.strip_simulcast},
        {"use-ssrc-rewriting", c.use_ssrc_rewriting},
        {"use-rtp-mid-demux", c.use_rtp_mid_demux},
        {"use-json-encoded-sources", c.use_json_encoded_sources},
        {"shared-document", {{"use-random-name", c.shared_document_use_random_name}}},
        {"source-signaling-delays", std::move(delays)},
        {"reinvite-method", c.reinvite_method == ReinviteMethod::RestartJingle ? "RestartJingle" : "ReplaceTransport"},
        {"enable-ice-restart", c.enable_ice_restart},
        {"restart-request-rate-limits",
         {{"min-interval", format_duration(limits.min_interval)},
          {"max-requests", limits.max_requests},
          {"interval", format_duration(limits.interval)}}},
        {"client-requirements", client_requirements(c.client_requirements)}};
}

Json rest(const RestConfig& r) {
    return Json{{"enabled", r.enabled},
                {"port", r.port},
                {"host", r.host},
                {"prometheus", {{"enabled", r.prometheus_enabled}}},
                {"conference-request", {{"enabled", r.conference_request_enabled}}},
                {"move-endpoints", {{"enabled", r.move_endpoints_enabled}}},
                {"debug", {{"enabled", r.debug_enabled}}},
                {"pin", {{"enabled", r.pin_enabled}}},
                {"drain", {{"enabled", r.drain_enabled}}},
                {"status-page", {{"enabled", r.status_page_enabled}}},
                {"max-connections", r.max_connections},
                {"max-body-bytes", r.max_body_bytes},
                {"max-json-body-bytes", r.max_json_body_bytes},
                {"allowed-origins", r.allowed_origins},
                {"read-timeout", format_duration(r.read_timeout)},
                {"idle-timeout", format_duration(r.idle_timeout)}};
}

}  // namespace

std::string to_json(const JicofoConfig& c) {
    const auto& a = c.authentication;
    const auto& v = c.visitors;
    Json jicofo{
        {"xmpp", xmpp(c.xmpp)},
        {"codec", codec(c.codec)},
        {"local-region", optional(c.local_region)},
        {"metrics", {{"update-interval", format_duration(c.metrics.update_interval)}}},
        {"octo",
         {{"enabled", c.octo.enabled},
          {"allow-mixed-versions", c.octo.allow_mixed_versions},
          {"sctp-datachannels", c.octo.sctp_datachannels}}},
        {"sctp", {{"enabled", c.sctp.enabled}}},
        {"bridge", bridge(c.bridge)},
        {"transcription",
         {{"url-template", optional(c.transcription.url_template)},
          {"http-headers", c.transcription.http_headers},
          {"ping", ping(c.transcription.ping)}}},
        {"translation",
         {{"url-template", optional(c.translation.url_template)},
          {"http-headers", c.translation.http_headers},
          {"mode", c.translation.mode == TranslationMode::PerSource ? "per-source" : "single-bridge"},
          {"max-languages-per-connect", c.translation.max_languages_per_connect},
          {"ping", ping(c.translation.ping)}}},
        {"authentication",
         {{"enabled", a.enabled},
          {"type", authentication_type_name(a.type)},
          {"login-url", optional(a.login_url)},
          {"authentication-lifetime", format_duration(a.authentication_lifetime)},
          {"enable-auto-login", a.enable_auto_login},
          {"moderator-from-token", a.moderator_from_token},
          {"token-secret", secret(a.token_secret)}}},
        {"conference", conference(c.conference)},
        {"health",
         {{"enabled", c.health.enabled},
          {"interval", format_duration(c.health.interval)},
          {"timeout", format_duration(c.health.timeout)},
          {"max-check-duration", format_duration(c.health.max_check_duration)},
          {"room-name-prefix", c.health.room_name_prefix}}},
        {"jibri",
         {{"brewery-jid", optional(c.jibri.brewery_jid)},
          {"num-retries", c.jibri.num_retries},
          {"pending-timeout", format_duration(c.jibri.pending_timeout)},
          {"busy-retries", c.jibri.busy_retries},
          {"busy-retry-delay", format_duration(c.jibri.busy_retry_delay)},
          {"xmpp-connection-name", connection_name(c.jibri.xmpp_connection_name)},
          {"use-private-address-connectivity", c.jibri.use_private_address_connectivity}}},
        {"jibri-sip", {{"brewery-jid", optional(c.jibri_sip.brewery_jid)}}},
        {"jigasi",
         {{"brewery-jid", optional(c.jigasi.brewery_jid)},
          {"xmpp-connection-name", connection_name(c.jigasi.xmpp_connection_name)},
          {"use-private-address-connectivity", c.jigasi.use_private_address_connectivity}}},
        {"rest", rest(c.rest)},
        {"visitors",
         {{"enabled", v.enabled},
          {"max-participants", v.max_participants},
          {"max-visitors-per-node", v.max_visitors_per_node},
          {"notification-interval", format_duration(v.notification_interval)},
          {"auto-enable-broadcast", v.auto_enable_broadcast},
          {"require-muc-config-flag", v.require_muc_config_flag},
          {"enable-live-room", v.enable_live_room},
          {"vnode-join-latency-interval", format_duration(v.vnode_join_latency_interval)}}},
        {"webhooks",
         {{"urls", c.webhooks.urls},
          {"secret", c.webhooks.secret.empty() ? "" : "********"},
          {"events", c.webhooks.events},
          {"request-timeout", format_duration(c.webhooks.request_timeout)},
          {"max-retries", c.webhooks.max_retries},
          {"retry-initial-backoff", format_duration(c.webhooks.retry_initial_backoff)},
          {"retry-max-backoff", format_duration(c.webhooks.retry_max_backoff)},
          {"queue-size", c.webhooks.queue_size}}},
        {"process",
         {{"io-threads", c.process.io_threads}, {"shutdown-timeout", format_duration(c.process.shutdown_timeout)}}},
        {"drain", {{"enabled", c.drain.enabled}, {"deadline", format_duration(c.drain.deadline)}}},
        {"logging",
         {{"level", c.logging.level},
          {"syslog", c.logging.syslog},
          {"xmpp-packets",
           {{"enabled", c.logging.xmpp_packets.enabled},
            {"file", c.logging.xmpp_packets.file},
            {"max-file-bytes", c.logging.xmpp_packets.max_file_bytes},
            {"max-files", c.logging.xmpp_packets.max_files}}}}},
    };
    Json root{{"jicofo", std::move(jicofo)},
              {"tracing", {{"enabled", c.tracing.enabled}, {"service-name", c.tracing.service_name}}}};
    // Replace rather than throw on invalid UTF-8 (a Latin-1 properties file can bring some in).
    return root.dump(2, ' ', false, Json::error_handler_t::replace);
}

}  // namespace jicofo::config
