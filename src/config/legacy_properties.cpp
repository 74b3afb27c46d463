// Reading sip-communicator.properties and turning Jicofo's legacy property names into a layer of jicofo.conf keys.
#include "legacy_properties.hpp"
#include "jicofo/core/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>
#include <map>
#include <utility>

#include "value_reader.hpp"

namespace jicofo::config::detail {
namespace {

using hocon::Value;

bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\f';
}

// Splits into logical lines: joins continuations (an odd number of trailing backslashes) and drops the leading
// blanks of each continuation line, as java.util.Properties does.
std::vector<std::pair<std::string, int>> logical_lines(std::string_view text) {
    std::vector<std::pair<std::string, int>> lines;
    std::string current;
    int start_line = 0;
    int line_number = 0;
    bool continuing = false;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        std::size_t end = text.find_first_of("\r\n", pos);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        std::string_view natural = text.substr(pos, end - pos);
        ++line_number;
        std::size_t skip = 0;
        while (skip < natural.size() && is_blank(natural[skip])) {
            ++skip;
        }
        natural.remove_prefix(skip);
        const bool comment = !continuing && !natural.empty() && (natural.front() == '#' || natural.front() == '!');
        if (!comment && (continuing || !natural.empty())) {
            if (!continuing) {
                current.clear();
                start_line = line_number;
            }
            std::size_t backslashes = 0;
            while (backslashes < natural.size() && natural[natural.size() - 1 - backslashes] == '\\') {
                ++backslashes;
            }
            continuing = backslashes % 2 == 1;
            current.append(natural.substr(0, natural.size() - (continuing ? 1 : 0)));
            if (!continuing) {
                lines.emplace_back(current, start_line);
            }
        }
        if (end == text.size()) {
            break;
        }
        pos = end + 1;
        if (text[end] == '\r' && pos < text.size() && text[pos] == '\n') {
            ++pos;
        }
    }
    if (continuing) {
        lines.emplace_back(current, start_line);
    }
    return lines;
}

std::string unescape(std::string_view raw) {
    std::string out;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] != '\\' || i + 1 == raw.size()) {
            out += raw[i];
            continue;
        }
        const char next = raw[++i];
        switch (next) {
            case 't': out += '\t'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 'f': out += '\f'; break;
            case 'u': {
                if (i + 4 < raw.size() &&
                    std::all_of(raw.begin() + static_cast<long>(i) + 1, raw.begin() + static_cast<long>(i) + 5,
                                [](unsigned char c) { return std::isxdigit(c); })) {
                    core::append_utf8(
                        out, static_cast<char32_t>(std::stoul(std::string(raw.substr(i + 1, 4)), nullptr, 16)));
                    i += 4;
                } else {
                    out += 'u';
                }
                break;
            }
            default: out += next; break;
        }
    }
    return out;
}

std::string trimmed(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
        text.remove_prefix(1);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
        text.remove_suffix(1);
    }
    return std::string(text);
}

// How one legacy property turns into jicofo.conf keys.
struct Mapping {
    enum class Kind {
        Text,             // the value as is, to every target
        Boolean,          // true/false (yes/no, on/off), to every target
        InvertedBoolean,  // DISABLE_X = true becomes x = false
        Millis,           // a number of milliseconds
        Seconds,          // a number of seconds
        Enabling,         // the value to the first target, and true to the "enabled" key in the second
        HealthInterval,   // interval in ms; > 0 also enables bridge health checks
        AuthUrl,          // "XMPP:<domain>" / "EXT_JWT:<domain>"
        MucPrefix,        // deferred: prefix + "." + xmpp-domain
    };
    Kind kind;
    std::vector<std::string> targets;
};

const std::map<std::string, Mapping, std::less<>>& legacy_mappings() {
    using K = Mapping::Kind;
    static const std::map<std::string, Mapping, std::less<>> kMappings = [] {
        std::map<std::string, Mapping, std::less<>> m{
            {"org.jitsi.jicofo.HOSTNAME", {K::Enabling, {"jicofo.xmpp.client.hostname", "jicofo.xmpp.client.enabled"}}},
            {"org.jitsi.jicofo.XMPP_PORT", {K::Text, {"jicofo.xmpp.client.port"}}},
            {"org.jitsi.jicofo.FOCUS_USER_DOMAIN", {K::Text, {"jicofo.xmpp.client.domain"}}},
            {"org.jitsi.jicofo.FOCUS_USER_NAME", {K::Text, {"jicofo.xmpp.client.username"}}},
            {"org.jitsi.jicofo.FOCUS_USER_PASSWORD", {K::Text, {"jicofo.xmpp.client.password"}}},
            {"org.jitsi.jicofo.XMPP_DOMAIN", {K::Text, {"jicofo.xmpp.client.xmpp-domain"}}},
            {"org.jitsi.jicofo.XMPP_MUC_COMPONENT_PREFIX", {K::MucPrefix, {"jicofo.xmpp.client.conference-muc-jid"}}},
            {"org.jitsi.jicofo.ALWAYS_TRUST_MODE_ENABLED",
             {K::Boolean,
              {"jicofo.xmpp.client.disable-certificate-verification",
               "jicofo.xmpp.service.disable-certificate-verification"}}},
            {"org.jitsi.jicofo.BRIDGE_MUC_XMPP_HOST",
             {K::Enabling, {"jicofo.xmpp.service.hostname", "jicofo.xmpp.service.enabled"}}},
            {"org.jitsi.jicofo.BRIDGE_MUC_XMPP_PORT", {K::Text, {"jicofo.xmpp.service.port"}}},
            {"org.jitsi.jicofo.BRIDGE_MUC_XMPP_USER_DOMAIN", {K::Text, {"jicofo.xmpp.service.domain"}}},
            {"org.jitsi.jicofo.BRIDGE_MUC_XMPP_USER", {K::Text, {"jicofo.xmpp.service.username"}}},
            {"org.jitsi.jicofo.BRIDGE_MUC_XMPP_USER_PASS", {K::Text, {"jicofo.xmpp.service.password"}}},
            {"org.jitsi.jicofo.BRIDGE_MUC", {K::Text, {"jicofo.bridge.brewery-jid"}}},
            {"org.jitsi.jicofo.BridgeSelector.MAX_PARTICIPANTS_PER_BRIDGE",
             {K::Text, {"jicofo.bridge.max-bridge-participants"}}},
            {"org.jitsi.jicofo.BridgeSelector.BRIDGE_SELECTION_STRATEGY",
             {K::Text, {"jicofo.bridge.selection-strategy"}}},
            {"org.jitsi.jicofo.BridgeSelector.LOCAL_REGION", {K::Text, {"jicofo.local-region"}}},
            {"org.jitsi.focus.BRIDGE_FAILURE_RESET_THRESHOLD", {K::Millis, {"jicofo.bridge.failure-reset-threshold"}}},
            {"org.jitsi.jicofo.HEALTH_CHECK_INTERVAL",
             {K::HealthInterval, {"jicofo.bridge.health-checks.interval", "jicofo.bridge.health-checks.enabled"}}},
            {"org.jitsi.jicofo.HEALTH_CHECK_2NDTRY_DELAY", {K::Millis, {"jicofo.bridge.health-checks.retry-delay"}}},
            {"org.jitsi.focus.IDLE_TIMEOUT", {K::Millis, {"jicofo.conference.initial-timeout"}}},
            {"org.jitsi.jicofo.DISABLE_AUTO_OWNER", {K::InvertedBoolean, {"jicofo.conference.enable-auto-owner"}}},
            {"org.jitsi.jicofo.MAX_SSRC_PER_USER", {K::Text, {"jicofo.conference.max-ssrcs-per-user"}}},
            {"org.jitsi.jicofo.SINGLE_PARTICIPANT_TIMEOUT",
             {K::Millis, {"jicofo.conference.single-participant-timeout"}}},
            {"org.jitsi.jicofo.auth.URL",
             {K::AuthUrl,
              {"jicofo.authentication.login-url", "jicofo.authentication.enabled", "jicofo.authentication.type"}}},
            {"org.jitsi.jicofo.auth.AUTH_LIFETIME", {K::Millis, {"jicofo.authentication.authentication-lifetime"}}},
            {"org.jitsi.jicofo.auth.DISABLE_AUTOLOGIN",
             {K::InvertedBoolean, {"jicofo.authentication.enable-auto-login"}}},
            {"org.jitsi.jicofo.health.ENABLE_HEALTH_CHECKS", {K::Boolean, {"jicofo.health.enabled"}}},
            {"org.jitsi.jicofo.jibri.BREWERY", {K::Text, {"jicofo.jibri.brewery-jid"}}},
            {"org.jitsi.jicofo.jibri.SIP_BREWERY", {K::Text, {"jicofo.jibri-sip.brewery-jid"}}},
            {"org.jitsi.jicofo.jibri.PENDING_TIMEOUT", {K::Seconds, {"jicofo.jibri.pending-timeout"}}},
            {"org.jitsi.jicofo.NUM_JIBRI_RETRIES", {K::Text, {"jicofo.jibri.num-retries"}}},
            {"org.jitsi.jicofo.jigasi.BREWERY", {K::Text, {"jicofo.jigasi.brewery-jid"}}},
            {"org.jitsi.jicofo.ENABLE_TOF", {K::Boolean, {"jicofo.codec.rtp-extensions.tof.enabled"}}},
            {"org.jitsi.jicofo.ENABLE_AST", {K::Boolean, {"jicofo.codec.rtp-extensions.abs-send-time.enabled"}}},
            {"org.jitsi.jicofo.ENABLE_RID", {K::Boolean, {"jicofo.codec.rtp-extensions.rid.enabled"}}},
            {"org.jitsi.jicofo.ENABLE_VIDEO_CONTENT_TYPE",
             {K::Boolean, {"jicofo.codec.rtp-extensions.video-content-type.enabled"}}},
            {"org.jitsi.jicofo.ENABLE_FRAMEMARKING",
             {K::Boolean, {"jicofo.codec.rtp-extensions.framemarking.enabled"}}},
        };
        for (const char* codec : {"AV1", "VP8", "VP9", "H264"}) {
            std::string lower_name(codec);
            std::transform(lower_name.begin(), lower_name.end(), lower_name.begin(),
                           [](unsigned char c) { return std::tolower(c); });
            const std::string base = "jicofo.codec.video." + lower_name;
            m.emplace(std::string("org.jitsi.jicofo.ENABLE_") + codec, Mapping{K::Boolean, {base + ".enabled"}});
            m.emplace(std::string("org.jitsi.jicofo.") + codec + "_PT", Mapping{K::Text, {base + ".pt"}});
            m.emplace(std::string("org.jitsi.jicofo.") + codec + "_RTX_PT", Mapping{K::Text, {base + ".rtx-pt"}});
        }
        return m;
    }();
    return kMappings;
}

}  // namespace

std::vector<Property> parse_properties(std::string_view text) {
    std::vector<Property> properties;
    for (const auto& [line, number] : logical_lines(text)) {
        std::size_t i = 0;
        std::string raw_key;
        while (i < line.size()) {
            const char c = line[i];
            if (c == '\\' && i + 1 < line.size()) {
                raw_key += c;
                raw_key += line[i + 1];
                i += 2;
                continue;
            }
            if (c == '=' || c == ':' || is_blank(c)) {
                break;
            }
            raw_key += c;
            ++i;
        }
        while (i < line.size() && is_blank(line[i])) {
            ++i;
        }
        if (i < line.size() && (line[i] == '=' || line[i] == ':')) {
            ++i;
        }
        while (i < line.size() && is_blank(line[i])) {
            ++i;
        }
        properties.push_back(Property{unescape(raw_key), unescape(std::string_view(line).substr(i)), number});
    }
    return properties;
}

void set_path(Value& root, std::string_view path, Value value) {
    Value* node = &root;
    while (true) {
        const std::size_t dot = path.find('.');
        const std::string segment(path.substr(0, dot));
        if (dot == std::string_view::npos) {
            node->members()[segment] = std::move(value);
            return;
        }
        Value& child = node->members()[segment];
        if (!child.is_object()) {
            child = Value::object({}, value.origin());
        }
        node = &child;
        path.remove_prefix(dot + 1);
    }
}

core::Result<LegacyLayer, ConfigError> legacy_layer(const std::vector<Property>& properties, const std::string& origin,
                                                    std::vector<ConfigWarning>& warnings) {
    using K = Mapping::Kind;
    LegacyLayer layer;
    layer.origin = origin;
    layer.overrides = Value::object({}, hocon::Origin{origin, 0, 0});
    for (const Property& property : properties) {
        const auto& mappings = legacy_mappings();
        auto found = mappings.find(property.key);
        if (found == mappings.end()) {
            if (property.key.rfind("org.jitsi.jicofo.", 0) == 0 || property.key.rfind("org.jitsi.focus.", 0) == 0) {
                warnings.push_back(ConfigWarning{property.key, "legacy property not used by jicofo-native; ignored",
                                                 origin, property.line});
            }
            continue;
        }
        const Mapping& mapping = found->second;
        const hocon::Origin at{origin, property.line, 1};
        const std::string value = trimmed(property.value);
        auto error = [&](const std::string& message) {
            return core::unexpected(ConfigError{origin, property.line, 1, property.key, message});
        };
        auto number = [&]() { return to_integer(Value::string(value, at)); };
        auto flag = [&]() { return to_boolean(Value::string(value, at)); };
        switch (mapping.kind) {
            case K::Text:
                for (const auto& target : mapping.targets) {
                    set_path(layer.overrides, target, Value::string(value, at));
                }
                break;
            case K::Boolean:
            case K::InvertedBoolean: {
                auto parsed = flag();
                if (!parsed) {
                    return error("expected true or false, found '" + value + "'");
                }
                for (const auto& target : mapping.targets) {
                    set_path(layer.overrides, target,
                             Value::boolean(*parsed != (mapping.kind == K::InvertedBoolean), at));
                }
                break;
            }
            case K::Millis:
            case K::Seconds: {
                auto parsed = number();
                if (!parsed) {
                    return error("expected a whole number of " +
                                 std::string(mapping.kind == K::Millis ? "milliseconds" : "seconds") + ", found '" +
                                 value + "'");
                }
                const std::string text = std::to_string(*parsed) + (mapping.kind == K::Millis ? " ms" : " seconds");
                set_path(layer.overrides, mapping.targets[0], Value::string(text, at));
                break;
            }
            case K::Enabling:
                set_path(layer.overrides, mapping.targets[0], Value::string(value, at));
                set_path(layer.overrides, mapping.targets[1], Value::boolean(true, at));
                break;
            case K::HealthInterval: {
                auto parsed = number();
                if (!parsed) {
                    return error("expected a whole number of milliseconds, found '" + value + "'");
                }
                // Jicofo turns the checks off for a value <= 0; the interval is then irrelevant and left alone.
                if (*parsed > 0) {
                    set_path(layer.overrides, mapping.targets[0], Value::string(std::to_string(*parsed) + " ms", at));
                }
                set_path(layer.overrides, mapping.targets[1], Value::boolean(*parsed > 0, at));
                break;
            }
            case K::AuthUrl: {
                std::string type = "NONE";
                std::string url = value;
                for (const auto& [prefix, name] : {std::pair{"XMPP:", "XMPP"}, std::pair{"EXT_JWT:", "JWT"}}) {
                    const std::string_view p(prefix);
                    if (url.compare(0, p.size(), p) == 0) {
                        type = name;
                        url = url.substr(p.size());
                        break;
                    }
                }
                set_path(layer.overrides, mapping.targets[0], Value::string(url, at));
                set_path(layer.overrides, mapping.targets[1], Value::boolean(true, at));
                set_path(layer.overrides, mapping.targets[2], Value::string(type, at));
                break;
            }
            case K::MucPrefix: layer.muc_component_prefix = Property{property.key, value, property.line}; break;
        }
    }
    return layer;
}

std::optional<ConfigError> apply_deferred_legacy(const LegacyLayer& layer, Value& resolved) {
    if (!layer.muc_component_prefix) {
        return std::nullopt;
    }
    const Property& prefix = *layer.muc_component_prefix;
    const Value* domain = resolved.find("jicofo.xmpp.client.xmpp-domain");
    if (domain == nullptr || domain->kind() == hocon::Kind::Null || !to_text(*domain)) {
        return ConfigError{layer.origin, prefix.line, 1, prefix.key,
                           "needs the XMPP domain (jicofo.xmpp.client.xmpp-domain or org.jitsi.jicofo.XMPP_DOMAIN)"};
    }
    set_path(resolved, "jicofo.xmpp.client.conference-muc-jid",
             Value::string(prefix.value + "." + *to_text(*domain), hocon::Origin{layer.origin, prefix.line, 1}));
    return std::nullopt;
}

}  // namespace jicofo::config::detail
