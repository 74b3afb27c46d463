// Extraction of jicofo.conference, the component and service sections, and jicofo-native's own sections.
#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <climits>
#include <string>
#include <string_view>
#include <utility>

#include "extract.hpp"

namespace jicofo::config {

const char* authentication_type_name(AuthenticationType type) {
    switch (type) {
        case AuthenticationType::Xmpp: return "XMPP";
        case AuthenticationType::Jwt: return "JWT";
        case AuthenticationType::None: break;
    }
    return "NONE";
}

std::chrono::milliseconds ConferenceConfig::source_signaling_delay(int conference_size) const {
    auto above = source_signaling_delays.upper_bound(conference_size);
    if (above == source_signaling_delays.begin()) {
        return std::chrono::milliseconds{0};
    }
    return std::prev(above)->second;
}

namespace detail {
namespace {

std::string upper(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::toupper(c); });
    return text;
}

// Durations where zero would make the feature spin or fail at once.
std::chrono::milliseconds positive_duration(Reader& r, const std::string& path) {
    auto value = r.duration(path);
    if (!r.failed() && value.count() == 0) {
        r.fail(r.find(path), path, "must be longer than zero");
    }
    return value;
}

void read_ping(Reader& r, const std::string& base, PingConfig& ping) {
    ping.enabled = r.boolean(base + ".enabled");
    ping.interval = positive_duration(r, base + ".interval");
    ping.timeout = positive_duration(r, base + ".timeout");
}

std::map<std::string, std::string> read_headers(Reader& r, const std::string& path) {
    std::map<std::string, std::string> headers;
    const hocon::Value* value = r.find(path);
    if (value == nullptr) {
        return headers;
    }
    if (!value->is_object()) {
        r.fail(value, path, "expected an object of header names to values");
        return headers;
    }
    for (const auto& [name, header] : value->members()) {
        if (header.kind() != hocon::Kind::Null) {
            headers[name] = r.string_at(header, join_key(path, name), true);
        }
    }
    return headers;
}

void read_authentication(Reader& r, AuthenticationConfig& a) {
    const std::string base = "jicofo.authentication.";
    a.enabled = r.boolean(base + "enabled");
    const std::string type = r.string(base + "type");
    const std::string folded = upper(type);
    if (folded == "XMPP") {
        a.type = AuthenticationType::Xmpp;
    } else if (folded == "JWT") {
        a.type = AuthenticationType::Jwt;
    } else if (folded == "NONE") {
        a.type = AuthenticationType::None;
    } else if (!r.failed()) {
        r.fail(r.find(base + "type"), base + "type",
               "unknown authentication type '" + type + "' (known: XMPP, JWT, NONE)");
    }
    a.login_url = r.optional_string(base + "login-url");
    a.authentication_lifetime = r.duration(base + "authentication-lifetime");
    a.enable_auto_login = r.boolean(base + "enable-auto-login");
    a.moderator_from_token = r.boolean(base + "moderator-from-token");
    a.token_secret = r.optional_string(base + "token-secret");
    // Jicofo reads login-url as the authentication domain when it creates the authority and stops without it.
    if (!r.failed() && a.effective_type() != AuthenticationType::None && !a.login_url) {
        r.fail(r.find(base + "type"), base + "login-url",
               std::string("is required with authentication type ") + authentication_type_name(a.type) +
                   " (the authentication domain)");
    }
    // The moderator claim grants rights, so it is believed only from a token the focus can check itself.
    if (!r.failed() && a.moderator_from_token && a.effective_type() == AuthenticationType::Jwt &&
        (!a.token_secret || a.token_secret->empty())) {
        r.fail(r.find(base + "moderator-from-token"), base + "token-secret",
               "is required with moderator-from-token (the HS256 secret Prosody checks the tokens with, its "
               "app_secret)");
    }
}

// 127.0.0.0/8, ::1 (also bracketed, or IPv4-mapped) and "localhost"; a name or any other address is not.
bool is_loopback_host(std::string_view host) {
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    if (host == "localhost") {
        return true;
    }
    const std::string text(host);
    in_addr v4{};
    if (::inet_pton(AF_INET, text.c_str(), &v4) == 1) {
        return (ntohl(v4.s_addr) >> 24) == 127;
    }
    in6_addr v6{};
    if (::inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
        if (IN6_IS_ADDR_LOOPBACK(&v6)) {
            return true;
        }
        return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
    }
    return false;
}

void read_rest(Reader& r, RestConfig& rest) {
    const std::string base = "jicofo.rest.";
    rest.enabled = r.boolean(base + "enabled");
    rest.host = r.string(base + "host");
    rest.port = r.port(base + "port", true);  // 0 lets the system choose (used by tests)
    rest.prometheus_enabled = r.boolean(base + "prometheus.enabled");
    rest.conference_request_enabled = r.boolean(base + "conference-request.enabled");
    rest.move_endpoints_enabled = r.boolean(base + "move-endpoints.enabled");
    rest.debug_enabled = r.boolean(base + "debug.enabled");
    rest.pin_enabled = r.boolean(base + "pin.enabled");
    rest.drain_enabled = r.boolean(base + "drain.enabled");
    // No default in reference.conf: absent means "only on a loopback listener".
    if (r.find(base + "status-page.enabled") != nullptr) {
        rest.status_page_enabled = r.boolean(base + "status-page.enabled");
    } else {
        rest.status_page_enabled = is_loopback_host(rest.host);
    }
    // libstrophe's select() cannot watch a descriptor >= 1024, and an XMPP reconnect takes the lowest free one: the
    // REST sockets (this cap, plus up to 64 being answered 503) must leave room below 1024 for XMPP and the rest.
    rest.max_connections = r.integer(base + "max-connections", 1, 768);
    rest.max_body_bytes = static_cast<std::size_t>(r.integer(base + "max-body-bytes", 1, INT_MAX));
    rest.max_json_body_bytes = static_cast<std::size_t>(r.integer(base + "max-json-body-bytes", 2, INT_MAX));
    rest.allowed_origins = r.string_list(base + "allowed-origins");
    rest.read_timeout = positive_duration(r, base + "read-timeout");
    rest.idle_timeout = positive_duration(r, base + "idle-timeout");
}

}  // namespace

std::optional<std::string> normalise_log_level(const std::string& name) {
    static const std::array<std::pair<const char*, const char*>, 16> kLevels{{
        {"TRACE", "trace"},
        {"ALL", "trace"},
        {"FINEST", "trace"},
        {"FINER", "trace"},
        {"DEBUG", "debug"},
        {"FINE", "debug"},
        {"CONFIG", "info"},
        {"INFO", "info"},
        {"WARN", "warn"},
        {"WARNING", "warn"},
        {"ERROR", "error"},
        {"ERR", "error"},
        {"SEVERE", "error"},
        {"CRITICAL", "critical"},
        {"OFF", "off"},
        {"NONE", "off"},
    }};
    const std::string folded = upper(name);
    for (const auto& [key, level] : kLevels) {
        if (folded == key) {
            return std::string(level);
        }
    }
    return std::nullopt;
}

namespace {

// jicofo.conference.client-requirements: the requirements map's keys are the operator's own (symbolic names, or the
// feature vars themselves, quoted); each entry is checked for known keys and a valid level here.
void read_client_requirements(Reader& r, ClientRequirementsConfig& c) {
    const std::string base = "jicofo.conference.client-requirements.";
    c.enabled = r.boolean(base + "enabled");
    c.enforce = r.boolean(base + "enforce");
    c.requirements.clear();
    const std::string map_key = base + "requirements";
    const hocon::Value* map = r.find(map_key);
    if (map == nullptr) {
        return;
    }
    if (!map->is_object()) {
        r.fail(map, map_key, "expected an object of feature name = { feature, level, details, url }");
        return;
    }
    for (const auto& [name, entry] : map->members()) {
        const std::string key = join_key(map_key, name);
        if (entry.kind() == hocon::Kind::Null) {
            continue;
        }
        if (!entry.is_object()) {
            r.fail(&entry, key, "expected an object with level (hard, soft or off) and optional feature, details, url");
            return;
        }
        ClientRequirement requirement;
        requirement.name = name;
        requirement.feature = name;
        for (const auto& [field, value] : entry.members()) {
            const std::string field_key = join_key(key, field);
            if (value.kind() == hocon::Kind::Null) {
                continue;
            }
            if (field == "feature") {
                requirement.feature = r.string_at(value, field_key);
            } else if (field == "details") {
                requirement.details = r.string_at(value, field_key);
            } else if (field == "url") {
                requirement.url = r.string_at(value, field_key);
            } else if (field == "level") {
                const std::string level = upper(r.string_at(value, field_key));
                if (level == "HARD") {
                    requirement.level = RequirementLevel::hard;
                } else if (level == "SOFT") {
                    requirement.level = RequirementLevel::soft;
                } else if (level == "OFF") {
                    requirement.level = RequirementLevel::off;
                } else if (!r.failed()) {
                    r.fail(&value, field_key, "unknown level '" + level + "' (known: hard, soft, off)");
                }
            } else {
                r.fail(&value, field_key, "unknown key (known: feature, level, details, url)");
            }
        }
        c.requirements.push_back(std::move(requirement));
    }
}

}  // namespace

void read_conference(Reader& r, ConferenceConfig& c) {
    const std::string base = "jicofo.conference.";
    c.enable_auto_owner = r.boolean(base + "enable-auto-owner");
    c.enable_moderator_checks = r.boolean(base + "enable-moderator-checks");
    c.initial_timeout = r.duration(base + "initial-timeout");
    c.max_ssrcs_per_user = r.integer(base + "max-ssrcs-per-user", 0, INT_MAX);
    c.max_ssrc_groups_per_user = r.integer(base + "max-ssrc-groups-per-user", 0, INT_MAX);
    c.single_participant_timeout = r.duration(base + "single-participant-timeout");
    c.min_participants = r.integer(base + "min-participants", 0, INT_MAX);
    c.max_audio_senders = r.integer(base + "max-audio-senders", 0, INT_MAX);
    c.max_video_senders = r.integer(base + "max-video-senders", 0, INT_MAX);
    c.strip_simulcast = r.boolean(base + "strip-simulcast");
    c.use_ssrc_rewriting = r.boolean(base + "use-ssrc-rewriting");
    c.use_rtp_mid_demux = r.boolean(base + "use-rtp-mid-demux");
    c.use_json_encoded_sources = r.boolean(base + "use-json-encoded-sources");
    c.shared_document_use_random_name = r.boolean(base + "shared-document.use-random-name");
    c.max_conferences = r.integer(base + "max-conferences", 1, INT_MAX);
    c.max_waiting_requests = r.integer(base + "max-waiting-requests", 1, INT_MAX);
    c.max_properties_per_request = r.integer(base + "max-properties-per-request", 0, INT_MAX);

    c.source_signaling_delays.clear();
    const std::string delays_key = base + "source-signaling-delays";
    if (const hocon::Value* delays = r.find(delays_key)) {
        if (!delays->is_object()) {
            r.fail(delays, delays_key, "expected an object of conference size = delay in milliseconds");
        } else {
            for (const auto& [size_text, delay] : delays->members()) {
                const std::string key = join_key(delays_key, size_text);
                if (delay.kind() == hocon::Kind::Null) {
                    continue;
                }
                auto size = to_integer(hocon::Value::string(size_text, delay.origin()));
                if (!size || *size < 0 || *size > INT_MAX) {
                    r.fail(&delay, key, "the key must be a conference size (a number of participants)");
                    break;
                }
                c.source_signaling_delays[static_cast<int>(*size)] = r.duration_at(delay, key);
            }
        }
    }

    const std::string method = r.string(base + "reinvite-method");
    if (upper(method) == "RESTARTJINGLE") {
        c.reinvite_method = ReinviteMethod::RestartJingle;
    } else if (upper(method) == "REPLACETRANSPORT") {
        c.reinvite_method = ReinviteMethod::ReplaceTransport;
    } else if (!r.failed()) {
        r.fail(r.find(base + "reinvite-method"), base + "reinvite-method",
               "unknown re-invite method '" + method + "' (known: RestartJingle, ReplaceTransport)");
    }
    c.enable_ice_restart = r.boolean(base + "enable-ice-restart");
    const std::string limits = base + "restart-request-rate-limits.";
    c.restart_request_rate_limits.min_interval = r.duration(limits + "min-interval");
    c.restart_request_rate_limits.max_requests = r.integer(limits + "max-requests", 0, INT_MAX);
    c.restart_request_rate_limits.interval = r.duration(limits + "interval");
    read_client_requirements(r, c.client_requirements);
}

void read_other_sections(Reader& r, JicofoConfig& config) {
    read_authentication(r, config.authentication);

    auto& health = config.health;
    health.enabled = r.boolean("jicofo.health.enabled");
    health.interval = r.duration("jicofo.health.interval");
    health.timeout = positive_duration(r, "jicofo.health.timeout");
    health.max_check_duration = positive_duration(r, "jicofo.health.max-check-duration");
    health.room_name_prefix = r.string("jicofo.health.room-name-prefix");

    auto& jibri = config.jibri;
    jibri.brewery_jid = r.optional_string("jicofo.jibri.brewery-jid");
    jibri.num_retries = r.integer("jicofo.jibri.num-retries", -1, INT_MAX);
    jibri.pending_timeout = positive_duration(r, "jicofo.jibri.pending-timeout");
    jibri.busy_retries = r.integer("jicofo.jibri.busy-retries", 0, INT_MAX);
    jibri.busy_retry_delay = positive_duration(r, "jicofo.jibri.busy-retry-delay");
    jibri.xmpp_connection_name = read_xmpp_connection_name(r, "jicofo.jibri.xmpp-connection-name");
    jibri.use_private_address_connectivity = r.boolean("jicofo.jibri.use-private-address-connectivity");
    config.jibri_sip.brewery_jid = r.optional_string("jicofo.jibri-sip.brewery-jid");
    config.jigasi.brewery_jid = r.optional_string("jicofo.jigasi.brewery-jid");
    config.jigasi.xmpp_connection_name = read_xmpp_connection_name(r, "jicofo.jigasi.xmpp-connection-name");
    config.jigasi.use_private_address_connectivity = r.boolean("jicofo.jigasi.use-private-address-connectivity");

    read_rest(r, config.rest);

    auto& visitors = config.visitors;
    visitors.enabled = r.boolean("jicofo.visitors.enabled");
    visitors.max_participants = r.integer("jicofo.visitors.max-participants", 0, INT_MAX);
    visitors.max_visitors_per_node = r.integer("jicofo.visitors.max-visitors-per-node", 1, INT_MAX);
    visitors.notification_interval = r.duration("jicofo.visitors.notification-interval");
    visitors.auto_enable_broadcast = r.boolean("jicofo.visitors.auto-enable-broadcast");
    visitors.require_muc_config_flag = r.boolean("jicofo.visitors.require-muc-config-flag");
    visitors.enable_live_room = r.boolean("jicofo.visitors.enable-live-room");
    visitors.vnode_join_latency_interval = r.duration("jicofo.visitors.vnode-join-latency-interval");

    config.octo.enabled = r.boolean("jicofo.octo.enabled");
    config.octo.allow_mixed_versions = r.boolean("jicofo.octo.allow-mixed-versions");
    config.octo.sctp_datachannels = r.boolean("jicofo.octo.sctp-datachannels");
    config.sctp.enabled = r.boolean("jicofo.sctp.enabled");

    config.transcription.url_template = r.optional_string("jicofo.transcription.url-template");
    config.transcription.http_headers = read_headers(r, "jicofo.transcription.http-headers");
    read_ping(r, "jicofo.transcription.ping", config.transcription.ping);

    auto& translation = config.translation;
    translation.url_template = r.optional_string("jicofo.translation.url-template");
    translation.http_headers = read_headers(r, "jicofo.translation.http-headers");
    // Jicofo upper-cases the name and turns '-' into '_' before matching its enum.
    std::string mode = upper(r.string("jicofo.translation.mode"));
    std::replace(mode.begin(), mode.end(), '-', '_');
    if (mode == "PER_SOURCE") {
        translation.mode = TranslationMode::PerSource;
    } else if (mode == "SINGLE_BRIDGE") {
        translation.mode = TranslationMode::SingleBridge;
    } else if (!r.failed()) {
        r.fail(r.find("jicofo.translation.mode"), "jicofo.translation.mode",
               "unknown translation mode '" + r.string("jicofo.translation.mode") +
                   "' (known: per-source, single-bridge)");
    }
    translation.max_languages_per_connect = r.integer("jicofo.translation.max-languages-per-connect", 1, INT_MAX);
    read_ping(r, "jicofo.translation.ping", translation.ping);

    config.metrics.update_interval = positive_duration(r, "jicofo.metrics.update-interval");
    config.tracing.enabled = r.boolean("tracing.enabled");
    config.tracing.service_name = r.string("tracing.service-name");
    config.local_region = r.optional_string("jicofo.local-region");

    config.process.io_threads = r.integer("jicofo.process.io-threads", 0, 1024);
    config.process.shutdown_timeout = r.duration("jicofo.process.shutdown-timeout");
    config.drain.enabled = r.boolean("jicofo.drain.enabled");
    config.drain.deadline = positive_duration(r, "jicofo.drain.deadline");
    const std::string level = r.string("jicofo.logging.level");
    if (auto normalised = normalise_log_level(level)) {
        config.logging.level = *normalised;
    } else if (!r.failed()) {
        r.fail(r.find("jicofo.logging.level"), "jicofo.logging.level",
               "unknown log level '" + level + "' (known: TRACE, DEBUG, INFO, WARN, ERROR, OFF)");
    }
    config.logging.syslog = r.boolean("jicofo.logging.syslog");
    auto& packets = config.logging.xmpp_packets;
    packets.enabled = r.boolean("jicofo.logging.xmpp-packets.enabled");
    packets.file = r.string("jicofo.logging.xmpp-packets.file");
    packets.max_file_bytes =
        static_cast<std::size_t>(r.integer("jicofo.logging.xmpp-packets.max-file-bytes", 4096, 2147483647));
    packets.max_files = r.integer("jicofo.logging.xmpp-packets.max-files", 0, 1000);
}

JicofoConfig read_config(Reader& reader) {
    JicofoConfig config;
    read_xmpp(reader, config.xmpp);
    read_codec(reader, config.codec);
    read_bridge(reader, config.bridge);
    read_conference(reader, config.conference);
    read_other_sections(reader, config);
    read_webhooks(reader, config.webhooks);
    return config;
}

}  // namespace detail
}  // namespace jicofo::config
