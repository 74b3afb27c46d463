// Typed, validated values of each section of jicofo.conf. Field names mirror the HOCON keys (kebab-case becomes
// snake_case); default member values are Jicofo's defaults, so `RestConfig{}` is what an empty jicofo.conf gives.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace jicofo::config {

using std::chrono::milliseconds;
using namespace std::chrono_literals;

// ----- jicofo.xmpp ------------------------------------------------------------------------------------------------

struct XmppConnectionConfig {
    std::string name;  // "client", "service", or the visitor node id
    bool enabled = true;
    std::string hostname = "localhost";
    uint16_t port = 5222;
    std::optional<std::string> domain;       // login domain
    std::optional<std::string> xmpp_domain;  // target of pings and component discovery
    std::string username = "focus";
    std::string resource = "focus";
    std::optional<std::string> password;  // unset: SASL ANONYMOUS
    milliseconds reply_timeout = 15s;
    bool disable_certificate_verification = false;
    bool use_tls = true;

    bool operator==(const XmppConnectionConfig&) const = default;
};

struct ClientXmpp : XmppConnectionConfig {
    // "conference." + xmpp_domain unless set; unset when neither is known.
    std::optional<std::string> conference_muc_jid;
    std::optional<std::string> client_proxy;

    bool operator==(const ClientXmpp&) const = default;
};

// One visitor node (jicofo.xmpp.visitors.<id>); `name` equals `id`.
struct VisitorXmppConfig : XmppConnectionConfig {
    std::string id;
    std::string conference_service;  // the visitor MUC domain

    bool operator==(const VisitorXmppConfig&) const = default;
};

struct XmppConfig {
    bool use_jitsi_jid_validation = true;
    std::vector<std::string> trusted_domains;
    ClientXmpp client = default_client();
    XmppConnectionConfig service = default_service();
    std::vector<VisitorXmppConfig> visitors;  // sorted by id
    // jicofo-native extensions, applied to every connection:
    int max_pending_iqs = 10000;
    int max_queued_stanzas = 50000;

    bool operator==(const XmppConfig&) const = default;

    static ClientXmpp default_client() {
        ClientXmpp client;
        client.name = "client";
        return client;
    }
    static XmppConnectionConfig default_service() {
        XmppConnectionConfig service;
        service.name = "service";
        service.enabled = false;
        service.port = 6222;
        return service;
    }
};

// Which XMPP connection a kind of component is reached over.
enum class XmppConnectionName { Client, Service };

// ----- jicofo.codec -----------------------------------------------------------------------------------------------

struct CodecConfig {
    bool enabled = true;
    int pt = -1;

    // Jicofo offers a codec only when it is enabled and has a positive payload type.
    [[nodiscard]] bool offered() const { return enabled && pt > 0; }
    bool operator==(const CodecConfig&) const = default;
};

struct VideoCodecConfig : CodecConfig {
    int rtx_pt = -1;
    bool enable_remb = true;

    [[nodiscard]] bool rtx_offered() const { return offered() && rtx_pt > 0; }
    bool operator==(const VideoCodecConfig&) const = default;
};

struct OpusConfig : CodecConfig {
    int minptime = 10;
    bool use_inband_fec = true;
    CodecConfig red{false, 112};

    bool operator==(const OpusConfig&) const = default;
};

struct RtpExtensionConfig {
    bool enabled = false;
    int id = 0;

    bool operator==(const RtpExtensionConfig&) const = default;
};

struct RtpExtensionsConfig {
    RtpExtensionConfig audio_level{true, 1};
    RtpExtensionConfig av1_dependency_descriptor{true, 11};
    RtpExtensionConfig video_layers_allocation{false, 12};
    RtpExtensionConfig tof{false, 2};
    RtpExtensionConfig abs_send_time{true, 3};
    RtpExtensionConfig rid{false, 4};
    RtpExtensionConfig tcc{true, 5};
    RtpExtensionConfig video_content_type{false, 7};
    RtpExtensionConfig framemarking{false, 9};
    RtpExtensionConfig mid{true, 10};
    bool extmap_allow_mixed = true;

    bool operator==(const RtpExtensionsConfig&) const = default;
};

struct CodecConfigs {
    VideoCodecConfig av1{{true, 41}, 42, true};
    VideoCodecConfig vp8{{true, 100}, 96, true};
    VideoCodecConfig vp9{{true, 101}, 97, true};
    VideoCodecConfig h264{{true, 107}, 99, true};
    OpusConfig opus{{true, 111}};
    CodecConfig telephone_event{true, 126};
    RtpExtensionsConfig rtp_extensions;

    bool operator==(const CodecConfigs&) const = default;
};

// ----- jicofo.bridge ----------------------------------------------------------------------------------------------

enum class SelectionStrategy { SingleBridge, SplitBridge, RegionBased, IntraRegion, Visitor };
enum class TopologyStrategy { SingleMesh, Visitor };

struct BridgeHealthChecksConfig {
    bool enabled = true;
    milliseconds interval = 10s;
    milliseconds retry_delay = 5s;  // interval / 2 unless set
    bool use_presence = false;
    milliseconds presence_timeout = 45s;

    bool operator==(const BridgeHealthChecksConfig&) const = default;
};

struct IceFailureDetectionConfig {
    bool enabled = false;
    milliseconds interval = 2min;
    int min_endpoints = 30;
    double threshold = 0.1;
    milliseconds timeout = 10min;

    bool operator==(const IceFailureDetectionConfig&) const = default;
};

struct LoadRedistributionConfig {
    bool enabled = false;
    milliseconds interval = 1min;
    double stress_threshold = 0.9;
    milliseconds timeout = 3min;
    int endpoints = 10;

    bool operator==(const LoadRedistributionConfig&) const = default;
};

struct BridgeConfig {
    int max_bridge_participants = 80;               // -1: unlimited
    int max_bridge_participants_per_interval = -1;  // -1: off
    milliseconds max_bridge_participants_interval = 1min;
    double average_participant_stress = 0.01;
    milliseconds participant_rampup_interval = 20s;
    double stress_threshold = 0.8;
    milliseconds failure_reset_threshold = 1min;
    SelectionStrategy selection_strategy = SelectionStrategy::SingleBridge;
    std::optional<SelectionStrategy> visitor_selection_strategy;      // required with Visitor
    std::optional<SelectionStrategy> participant_selection_strategy;  // required with Visitor
    TopologyStrategy topology_strategy = TopologyStrategy::SingleMesh;
    std::vector<std::vector<std::string>> region_groups;
    BridgeHealthChecksConfig health_checks;
    std::optional<std::string> brewery_jid;  // no bridges are discovered without it
    XmppConnectionName xmpp_connection_name = XmppConnectionName::Service;
    IceFailureDetectionConfig ice_failure_detection;
    LoadRedistributionConfig load_redistribution;

    // The regions treated as one with `region` (itself included); empty for an unknown (empty) region.
    [[nodiscard]] std::vector<std::string> region_group(const std::string& region) const;
    bool operator==(const BridgeConfig&) const = default;
};

// Jicofo's class name for a strategy ("SingleBridgeSelectionStrategy").
const char* strategy_name(SelectionStrategy strategy);
const char* strategy_name(TopologyStrategy strategy);
// Accepts the short class name or the one qualified with "org.jitsi.jicofo.bridge.", as Jicofo does.
std::optional<SelectionStrategy> parse_selection_strategy(const std::string& name);
std::optional<TopologyStrategy> parse_topology_strategy(const std::string& name);
const char* connection_name(XmppConnectionName name);  // "Client" / "Service"

// ----- transcription / translation --------------------------------------------------------------------------------

struct PingConfig {
    bool enabled = true;
    milliseconds interval = 10s;
    milliseconds timeout = 3s;

    bool operator==(const PingConfig&) const = default;
};

struct TranscriptionConfig {
    std::optional<std::string> url_template;
    std::map<std::string, std::string> http_headers;
    PingConfig ping;

    bool operator==(const TranscriptionConfig&) const = default;
};

enum class TranslationMode { PerSource, SingleBridge };

struct TranslationConfig {
    std::optional<std::string> url_template;  // unset: live translation is off
    std::map<std::string, std::string> http_headers;
    TranslationMode mode = TranslationMode::PerSource;
    int max_languages_per_connect = 5;
    PingConfig ping;

    [[nodiscard]] bool enabled() const { return url_template.has_value(); }
    bool operator==(const TranslationConfig&) const = default;
};

// ----- jicofo.authentication, conference, health ------------------------------------------------------------------

enum class AuthenticationType { None, Xmpp, Jwt };
const char* authentication_type_name(AuthenticationType type);  // "NONE" / "XMPP" / "JWT"

struct AuthenticationConfig {
    bool enabled = false;
    AuthenticationType type = AuthenticationType::None;  // as configured
    std::optional<std::string> login_url;                // for XMPP and JWT: the authentication domain
    milliseconds authentication_lifetime = 24h;
    bool enable_auto_login = true;
    // Not in Jicofo: with JWT, owner only for tokens with the moderator claim, checked with token-secret (HS256).
    bool moderator_from_token = false;
    std::optional<std::string> token_secret;

    // What Jicofo uses: NONE unless enabled.
    [[nodiscard]] AuthenticationType effective_type() const { return enabled ? type : AuthenticationType::None; }
    bool operator==(const AuthenticationConfig&) const = default;
};

enum class ReinviteMethod { RestartJingle, ReplaceTransport };

struct RestartRequestRateLimits {
    milliseconds min_interval = 5s;
    int max_requests = 5;
    milliseconds interval = 1min;

    bool operator==(const RestartRequestRateLimits&) const = default;
};

// jicofo.conference.client-requirements (upstream Jicofo PR 1303): features a client must advertise in its
// disco#info. A missing `hard` one withholds the participant's media session (with `enforce`), a `soft` one only
// warns; `off` disables an entry.
enum class RequirementLevel { off, soft, hard };

struct ClientRequirement {
    std::string name;     // the entry's key: a stable symbolic name (label of participants_missing_features)
    std::string feature;  // the disco#info feature var (defaults to the key)
    RequirementLevel level = RequirementLevel::hard;
    std::optional<std::string> details;  // what the user can do about it, shown by the client
    std::optional<std::string> url;

    bool operator==(const ClientRequirement&) const = default;
};

struct ClientRequirementsConfig {
    bool enabled = true;
    bool enforce = false;                         // false: count and warn only, never withhold a session
    std::vector<ClientRequirement> requirements;  // in key order

    bool operator==(const ClientRequirementsConfig&) const = default;
};

struct ConferenceConfig {
    bool enable_auto_owner = true;
    bool enable_moderator_checks = true;
    milliseconds initial_timeout = 15s;
    int max_ssrcs_per_user = 20;
    int max_ssrc_groups_per_user = 20;
    milliseconds single_participant_timeout = 20s;
    int min_participants = 2;
    int max_audio_senders = 999999;
    int max_video_senders = 999999;
    bool strip_simulcast = true;
    bool use_ssrc_rewriting = true;
    bool use_rtp_mid_demux = true;
    bool use_json_encoded_sources = true;
    bool shared_document_use_random_name = false;         // shared-document.use-random-name
    std::map<int, milliseconds> source_signaling_delays;  // conference size -> delay
    ReinviteMethod reinvite_method = ReinviteMethod::RestartJingle;
    bool enable_ice_restart = true;
    RestartRequestRateLimits restart_request_rate_limits;
    // jicofo-native extensions:
    int max_conferences = 50000;
    int max_waiting_requests = 10000;
    int max_properties_per_request = 64;
    ClientRequirementsConfig client_requirements;

    // The delay of the largest size not above `conference_size` (0 below the smallest), as Jicofo looks it up.
    [[nodiscard]] milliseconds source_signaling_delay(int conference_size) const;
    bool operator==(const ConferenceConfig&) const = default;
};

struct HealthConfig {
    bool enabled = true;          // Jicofo's default is false; ours serves /about/health unless turned off
    milliseconds interval = 10s;  // 0: no periodic checks
    milliseconds timeout = 30s;
    milliseconds max_check_duration = 20s;
    std::string room_name_prefix = "__jicofo-health-check";

    bool operator==(const HealthConfig&) const = default;
};

// ----- components -------------------------------------------------------------------------------------------------

struct JibriConfig {
    std::optional<std::string> brewery_jid;
    int num_retries = 5;  // -1: retry for ever
    milliseconds pending_timeout = 90s;
    int busy_retries = 0;  // 0: every Jibri busy is refused at once (Jicofo's behaviour before PR 1288)
    milliseconds busy_retry_delay = 5s;
    XmppConnectionName xmpp_connection_name = XmppConnectionName::Client;
    bool use_private_address_connectivity = true;

    bool operator==(const JibriConfig&) const = default;
};

struct JibriSipConfig {
    std::optional<std::string> brewery_jid;  // always over the Client connection

    bool operator==(const JibriSipConfig&) const = default;
};

struct JigasiConfig {
    std::optional<std::string> brewery_jid;
    XmppConnectionName xmpp_connection_name = XmppConnectionName::Client;
    bool use_private_address_connectivity = true;

    bool operator==(const JigasiConfig&) const = default;
};

// ----- rest, visitors, misc ---------------------------------------------------------------------------------------

struct RestConfig {
    bool enabled = true;
    std::string host = "127.0.0.1";
    uint16_t port = 8888;  // 0: the system picks a free port
    bool prometheus_enabled = true;
    bool conference_request_enabled = true;
    bool move_endpoints_enabled = true;
    bool debug_enabled = true;
    bool pin_enabled = true;
    // jicofo-native extensions:
    bool drain_enabled = true;  // GET/POST/DELETE /drain
    // jicofo.rest.status-page.enabled, resolved at load: an explicit value wins; without one the page is served only
    // when `host` is a loopback address (so an API exposed to a network does not expose the page by default).
    bool status_page_enabled = true;
    int max_connections = 256;
    std::size_t max_body_bytes = 1048576;
    std::size_t max_json_body_bytes = 8192;
    std::vector<std::string> allowed_origins;
    milliseconds read_timeout = 30s;
    milliseconds idle_timeout = 60s;

    bool operator==(const RestConfig&) const = default;
};

struct VisitorsConfig {
    bool enabled = false;
    int max_participants = 50;
    int max_visitors_per_node = 500;
    milliseconds notification_interval = 15s;
    bool auto_enable_broadcast = true;
    bool require_muc_config_flag = false;
    bool enable_live_room = false;
    milliseconds vnode_join_latency_interval = 60s;

    bool operator==(const VisitorsConfig&) const = default;
};

struct OctoConfig {
    bool enabled = false;
    bool allow_mixed_versions = false;
    bool sctp_datachannels = true;  // follows jicofo.sctp.enabled unless set

    bool operator==(const OctoConfig&) const = default;
};

struct SctpConfig {
    bool enabled = true;

    bool operator==(const SctpConfig&) const = default;
};

struct MetricsConfig {
    milliseconds update_interval = 30s;

    bool operator==(const MetricsConfig&) const = default;
};

// The top-level `tracing` section (outside `jicofo`, as in Jicofo).
struct TracingConfig {
    bool enabled = false;
    std::string service_name = "jicofo";

    bool operator==(const TracingConfig&) const = default;
};

// ----- jicofo-native extensions -----------------------------------------------------------------------------------

// jicofo.webhooks: signed HTTP POSTs of conference, participant, bridge and recording events (src/webhooks). No urls:
// the feature is off and nothing of it runs.
struct WebhooksConfig {
    std::vector<std::string> urls;      // http:// or https://, each delivered to independently
    std::string secret;                 // HMAC-SHA256 key of the signature header; empty: no signature header
    std::vector<std::string> events;    // event type names (webhook_event_names()); empty: every event
    milliseconds request_timeout = 5s;  // connect + write + read of one attempt
    int max_retries = 10;               // attempts after the first before an event is given up; -1: for ever
    milliseconds retry_initial_backoff = 1s;
    milliseconds retry_max_backoff = 60s;
    int queue_size = 10000;  // events waiting per URL; beyond it new events are dropped (and counted)

    bool operator==(const WebhooksConfig&) const = default;
};

// The event types a webhook can carry, as named in jicofo.webhooks.events and in the payloads.
std::span<const std::string_view> webhook_event_names();

// A webhook URL taken apart: http[s]://host[:port][/path][?query], no user info, no fragment.
struct WebhookUrl {
    bool tls = false;
    std::string host;  // without the brackets of an IPv6 literal
    uint16_t port = 80;
    std::string target = "/";  // path and query

    bool operator==(const WebhookUrl&) const = default;
};
// nullopt when `url` is not of that shape (the configuration refuses it).
std::optional<WebhookUrl> parse_webhook_url(std::string_view url);

struct ProcessConfig {
    int io_threads = 0;  // 0 = number of cores
    milliseconds shutdown_timeout = 10s;

    bool operator==(const ProcessConfig&) const = default;
};

// jicofo.drain: refuse new rooms, let the conferences finish, exit 0 (app/drain.hpp). `enabled` starts (true) or
// cancels (false) a drain when a configuration reload changes it.
struct DrainConfig {
    bool enabled = false;
    milliseconds deadline = 1h;  // the longest a drain waits for the last conference

    bool operator==(const DrainConfig&) const = default;
};

// jicofo.logging.xmpp-packets: every stanza to a rotated file of its own, like Jicofo's jicofo-xmpp.log.
struct XmppPacketLogConfig {
    bool enabled = false;
    std::string file = "/var/log/jitsi/jicofo-xmpp.log";
    std::size_t max_file_bytes = 209715200;
    int max_files = 3;

    bool operator==(const XmppPacketLogConfig&) const = default;
};

struct LoggingConfig {
    std::string level = "info";  // normalised to spdlog names: trace debug info warn error off (or critical)
    bool syslog = false;
    XmppPacketLogConfig xmpp_packets;

    bool operator==(const LoggingConfig&) const = default;
};

}  // namespace jicofo::config
