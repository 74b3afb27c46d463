// Extraction of jicofo.codec and jicofo.bridge, and the strategy names Jicofo accepts.
#include <algorithm>
#include <array>
#include <climits>
#include <string_view>
#include <utility>

#include "extract.hpp"

namespace jicofo::config {
namespace {

constexpr std::string_view kStrategyPackage = "org.jitsi.jicofo.bridge.";

constexpr std::array<std::pair<SelectionStrategy, const char*>, 5> kSelectionStrategies{{
    {SelectionStrategy::SingleBridge, "SingleBridgeSelectionStrategy"},
    {SelectionStrategy::SplitBridge, "SplitBridgeSelectionStrategy"},
    {SelectionStrategy::RegionBased, "RegionBasedBridgeSelectionStrategy"},
    {SelectionStrategy::IntraRegion, "IntraRegionBridgeSelectionStrategy"},
    {SelectionStrategy::Visitor, "VisitorSelectionStrategy"},
}};

constexpr std::array<std::pair<TopologyStrategy, const char*>, 2> kTopologyStrategies{{
    {TopologyStrategy::SingleMesh, "SingleMeshTopologyStrategy"},
    {TopologyStrategy::Visitor, "VisitorTopologyStrategy"},
}};

// Jicofo loads the class from its own package first, then by its fully qualified name: both spellings name the
// same built-in strategy here.
std::string_view short_class_name(std::string_view name) {
    if (name.substr(0, kStrategyPackage.size()) == kStrategyPackage) {
        name.remove_prefix(kStrategyPackage.size());
    }
    return name;
}

template <typename Enum, std::size_t N>
std::optional<Enum> lookup(const std::array<std::pair<Enum, const char*>, N>& table, const std::string& name) {
    const std::string_view wanted = short_class_name(name);
    for (const auto& [value, text] : table) {
        if (wanted == text) {
            return value;
        }
    }
    return std::nullopt;
}

template <typename Enum, std::size_t N>
std::string names_of(const std::array<std::pair<Enum, const char*>, N>& table) {
    std::string out;
    for (const auto& entry : table) {
        out += (out.empty() ? "" : ", ") + std::string(entry.second);
    }
    return out;
}

}  // namespace

const char* strategy_name(SelectionStrategy strategy) {
    for (const auto& [value, text] : kSelectionStrategies) {
        if (value == strategy) {
            return text;
        }
    }
    return "?";
}

const char* strategy_name(TopologyStrategy strategy) {
    return strategy == TopologyStrategy::SingleMesh ? "SingleMeshTopologyStrategy" : "VisitorTopologyStrategy";
}

std::optional<SelectionStrategy> parse_selection_strategy(const std::string& name) {
    return lookup(kSelectionStrategies, name);
}

std::optional<TopologyStrategy> parse_topology_strategy(const std::string& name) {
    return lookup(kTopologyStrategies, name);
}

const char* connection_name(XmppConnectionName name) {
    return name == XmppConnectionName::Client ? "Client" : "Service";
}

std::vector<std::string> BridgeConfig::region_group(const std::string& region) const {
    if (region.empty()) {
        return {};
    }
    for (const auto& group : region_groups) {
        if (std::find(group.begin(), group.end(), region) != group.end()) {
            return group;
        }
    }
    return {region};
}

namespace detail {
namespace {

void read_video_codec(Reader& r, const std::string& base, VideoCodecConfig& codec) {
    codec.enabled = r.boolean(base + ".enabled");
    codec.pt = r.integer(base + ".pt", -1, 127);
    codec.rtx_pt = r.integer(base + ".rtx-pt", -1, 127);
    codec.enable_remb = r.boolean(base + ".enable-remb");
}

void read_codec_pt(Reader& r, const std::string& base, CodecConfig& codec) {
    codec.enabled = r.boolean(base + ".enabled");
    codec.pt = r.integer(base + ".pt", -1, 127);
}

void read_extension(Reader& r, const std::string& base, RtpExtensionConfig& extension) {
    extension.enabled = r.boolean(base + ".enabled");
    // Two-byte header extensions allow ids up to 255; a disabled extension may carry any placeholder id.
    extension.id = r.integer(base + ".id", -1, 255);
    if (!r.failed() && extension.enabled && extension.id < 1) {
        r.fail(r.find(base + ".id"), base + ".id", "an enabled RTP header extension needs an id from 1 to 255");
    }
}

SelectionStrategy read_selection_strategy(Reader& r, const std::string& path, const hocon::Value& value) {
    const std::string name = r.string_at(value, path);
    if (r.failed()) {
        return SelectionStrategy::SingleBridge;
    }
    auto strategy = parse_selection_strategy(name);
    if (!strategy) {
        r.fail(&value, path,
               "unknown bridge selection strategy '" + name + "' (known: " + names_of(kSelectionStrategies) + ")");
        return SelectionStrategy::SingleBridge;
    }
    return *strategy;
}

XmppConnectionName read_connection_name(Reader& r, const std::string& path) {
    const hocon::Value* value = r.find(path);
    const std::string name = r.string(path);
    if (r.failed()) {
        return XmppConnectionName::Client;
    }
    // Jicofo matches these case-sensitively; any case is accepted here since the meaning is unambiguous.
    std::string folded = name;
    std::transform(folded.begin(), folded.end(), folded.begin(), [](unsigned char c) { return std::tolower(c); });
    if (folded == "client") {
        return XmppConnectionName::Client;
    }
    if (folded == "service") {
        return XmppConnectionName::Service;
    }
    r.fail(value, path, "unknown XMPP connection name '" + name + "' (known: Client, Service)");
    return XmppConnectionName::Client;
}

}  // namespace

XmppConnectionName read_xmpp_connection_name(Reader& r, const std::string& path) {
    return read_connection_name(r, path);
}

void read_codec(Reader& r, CodecConfigs& codec) {
    read_video_codec(r, "jicofo.codec.video.av1", codec.av1);
    read_video_codec(r, "jicofo.codec.video.vp8", codec.vp8);
    read_video_codec(r, "jicofo.codec.video.vp9", codec.vp9);
    read_video_codec(r, "jicofo.codec.video.h264", codec.h264);
    read_codec_pt(r, "jicofo.codec.audio.opus", codec.opus);
    codec.opus.minptime = r.integer("jicofo.codec.audio.opus.minptime", 0, 1000);
    codec.opus.use_inband_fec = r.boolean("jicofo.codec.audio.opus.use-inband-fec");
    read_codec_pt(r, "jicofo.codec.audio.opus.red", codec.opus.red);
    read_codec_pt(r, "jicofo.codec.audio.telephone-event", codec.telephone_event);

    const std::string ext = "jicofo.codec.rtp-extensions.";
    auto& e = codec.rtp_extensions;
    read_extension(r, ext + "audio-level", e.audio_level);
    read_extension(r, ext + "av1-dependency-descriptor", e.av1_dependency_descriptor);
    read_extension(r, ext + "video-layers-allocation", e.video_layers_allocation);
    read_extension(r, ext + "tof", e.tof);
    read_extension(r, ext + "abs-send-time", e.abs_send_time);
    read_extension(r, ext + "rid", e.rid);
    read_extension(r, ext + "tcc", e.tcc);
    read_extension(r, ext + "video-content-type", e.video_content_type);
    read_extension(r, ext + "framemarking", e.framemarking);
    read_extension(r, ext + "mid", e.mid);
    e.extmap_allow_mixed = r.boolean(ext + "extmap-allow-mixed");
}

void read_bridge(Reader& r, BridgeConfig& b) {
    const std::string base = "jicofo.bridge.";
    b.max_bridge_participants = r.integer(base + "max-bridge-participants", -1, INT_MAX);
    if (!r.failed() && b.max_bridge_participants == 0) {
        r.fail(r.find(base + "max-bridge-participants"), base + "max-bridge-participants",
               "0 would leave no room on any bridge; use -1 for no limit");
    }
    b.max_bridge_participants_per_interval = r.integer(base + "max-bridge-participants-per-interval", -1, INT_MAX);
    if (!r.failed() && b.max_bridge_participants_per_interval == 0) {
        r.fail(r.find(base + "max-bridge-participants-per-interval"), base + "max-bridge-participants-per-interval",
               "0 would leave no room on any bridge; use -1 to turn the limit off");
    }
    b.max_bridge_participants_interval = r.duration(base + "max-bridge-participants-interval");
    b.average_participant_stress = r.real(base + "average-participant-stress", 0, 1, true);
    b.participant_rampup_interval = r.duration(base + "participant-rampup-interval");
    b.stress_threshold = r.real(base + "stress-threshold", 0, 1, true);
    b.failure_reset_threshold = r.duration(base + "failure-reset-threshold");

    if (const hocon::Value* value = r.find(base + "selection-strategy")) {
        b.selection_strategy = read_selection_strategy(r, base + "selection-strategy", *value);
    } else {
        r.string(base + "selection-strategy");  // reports the missing key
    }
    for (auto [key, target] : {std::pair{"visitor-selection-strategy", &b.visitor_selection_strategy},
                               std::pair{"participant-selection-strategy", &b.participant_selection_strategy}}) {
        *target = std::nullopt;
        if (const hocon::Value* value = r.find(base + key)) {
            *target = read_selection_strategy(r, base + key, *value);
            if (!r.failed() && *target == SelectionStrategy::Visitor) {
                r.fail(value, base + key, "VisitorSelectionStrategy cannot be nested in itself");
            }
        }
    }
    if (!r.failed() && b.selection_strategy == SelectionStrategy::Visitor &&
        (!b.visitor_selection_strategy || !b.participant_selection_strategy)) {
        r.fail(r.find(base + "selection-strategy"), base + "selection-strategy",
               "VisitorSelectionStrategy needs jicofo.bridge.visitor-selection-strategy and "
               "jicofo.bridge.participant-selection-strategy");
    }

    const std::string topology = r.string(base + "topology-strategy");
    if (!r.failed()) {
        auto parsed = parse_topology_strategy(topology);
        if (!parsed) {
            r.fail(r.find(base + "topology-strategy"), base + "topology-strategy",
                   "unknown topology strategy '" + topology + "' (known: " + names_of(kTopologyStrategies) + ")");
        } else {
            b.topology_strategy = *parsed;
        }
    }

    b.region_groups.clear();
    if (const hocon::Value* groups = r.find(base + "region-groups")) {
        if (!groups->is_array()) {
            r.fail(groups, base + "region-groups", "expected a list of lists of region names");
        } else {
            for (const hocon::Value& group : groups->items()) {
                if (!group.is_array()) {
                    r.fail(&group, base + "region-groups", "expected a list of region names");
                    break;
                }
                std::vector<std::string> regions;
                for (const hocon::Value& region : group.items()) {
                    regions.push_back(r.string_at(region, base + "region-groups"));
                }
                b.region_groups.push_back(std::move(regions));
            }
        }
    }

    const std::string health = base + "health-checks.";
    b.health_checks.enabled = r.boolean(health + "enabled");
    b.health_checks.interval = r.duration(health + "interval");
    b.health_checks.retry_delay = r.optional_duration(health + "retry-delay").value_or(b.health_checks.interval / 2);
    b.health_checks.use_presence = r.boolean(health + "use-presence");
    b.health_checks.presence_timeout = r.duration(health + "presence-timeout");

    b.brewery_jid = r.optional_string(base + "brewery-jid");
    b.xmpp_connection_name = read_connection_name(r, base + "xmpp-connection-name");

    const std::string ice = base + "ice-failure-detection.";
    b.ice_failure_detection.enabled = r.boolean(ice + "enabled");
    b.ice_failure_detection.interval = r.duration(ice + "interval");
    b.ice_failure_detection.min_endpoints = r.integer(ice + "min-endpoints", 0, INT_MAX);
    b.ice_failure_detection.threshold = r.real(ice + "threshold", 0, 1, true);
    b.ice_failure_detection.timeout = r.duration(ice + "timeout");

    const std::string load = base + "load-redistribution.";
    b.load_redistribution.enabled = r.boolean(load + "enabled");
    b.load_redistribution.interval = r.duration(load + "interval");
    b.load_redistribution.stress_threshold = r.real(load + "stress-threshold", 0, 1, true);
    b.load_redistribution.timeout = r.duration(load + "timeout");
    b.load_redistribution.endpoints = r.integer(load + "endpoints", 1, INT_MAX);
    // Jicofo's scheduler refuses a zero period when the feature is on; off, the interval is never used.
    if (!r.failed() && b.load_redistribution.enabled && b.load_redistribution.interval.count() == 0) {
        r.fail(r.find(load + "interval"), load + "interval", "must be longer than zero when enabled");
    }
}

}  // namespace detail
}  // namespace jicofo::config
