// Reading java.util.logging's properties file into jicofo.logging overrides.
#include "jicofo/config/logging_properties.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>
#include <fstream>
#include <map>
#include <sstream>

#include "extract.hpp"
#include "legacy_properties.hpp"

namespace jicofo::config {
namespace {

constexpr std::string_view kPacketHandler = "org.jitsi.impl.protocol.xmpp.log.XmppPacketsFileHandler";
// The smallest rotation size jicofo.logging.xmpp-packets.max-file-bytes accepts.
constexpr long long kMinPacketFileBytes = 4096;
constexpr long long kMaxPacketFileBytes = INT_MAX;
constexpr int kMaxPacketFiles = 1000;

std::string trim(std::string_view text) {
    auto begin = text.find_first_not_of(" \t");
    if (begin == std::string_view::npos) {
        return {};
    }
    auto end = text.find_last_not_of(" \t");
    return std::string(text.substr(begin, end - begin + 1));
}

std::optional<long long> parse_integer(const std::string& text) {
    long long value = 0;
    const char* end = text.data() + text.size();
    auto [ptr, error] = std::from_chars(text.data(), end, value);
    if (error != std::errc() || ptr != end || text.empty()) {
        return std::nullopt;
    }
    return value;
}

// java.util.logging accepts a level's name or its integer value (SEVERE 1000, WARNING 900, INFO 800, CONFIG 700,
// FINE 500, FINER 400, FINEST 300, ALL Integer.MIN_VALUE, OFF Integer.MAX_VALUE).
std::optional<std::string> level_name(const std::string& text) {
    if (auto named = detail::normalise_log_level(text)) {
        return named;
    }
    auto number = parse_integer(text);
    if (!number) {
        return std::nullopt;
    }
    if (*number == INT_MAX) {
        return "off";
    }
    if (*number >= 1000) {
        return "error";
    }
    if (*number >= 900) {
        return "warn";
    }
    if (*number >= 700) {
        return "info";
    }
    if (*number >= 500) {
        return "debug";
    }
    return "trace";
}

// The handlers property: class names separated by commas and/or blanks.
std::vector<std::string> split_handlers(const std::string& text) {
    std::vector<std::string> names;
    std::string current;
    for (char c : text) {
        if (c == ',' || std::isspace(static_cast<unsigned char>(c)) != 0) {
            if (!current.empty()) {
                names.push_back(current);
                current.clear();
            }
        } else {
            current += c;
        }
    }
    if (!current.empty()) {
        names.push_back(current);
    }
    return names;
}

}  // namespace

LoggingProperties parse_logging_properties(std::string_view text, const std::string& origin) {
    LoggingProperties result;
    std::map<std::string, detail::Property> properties;
    for (auto& property : detail::parse_properties(text)) {
        properties[property.key] = property;  // later duplicates win, as in java.util.Properties
    }
    auto value_of = [&](const std::string& key) -> std::optional<detail::Property> {
        auto found = properties.find(key);
        if (found == properties.end()) {
            return std::nullopt;
        }
        auto property = found->second;
        property.value = trim(property.value);
        return property;
    };
    auto warn = [&](const detail::Property& property, const std::string& message) {
        result.warnings.push_back(ConfigWarning{property.key, message, origin, property.line});
    };

    // Our loggers are all under org.jitsi.jicofo: the most specific level that is set decides.
    for (const char* key : {".level", "org.jitsi.level", "org.jitsi.jicofo.level"}) {
        auto property = value_of(key);
        if (!property) {
            continue;
        }
        if (auto level = level_name(property->value)) {
            result.level = *level;
        } else {
            warn(*property, "unknown level '" + property->value +
                                "' ignored (use SEVERE, WARNING, INFO, CONFIG, FINE, "
                                "FINER, FINEST, ALL or OFF)");
        }
    }

    if (auto handlers = value_of("handlers")) {
        auto names = split_handlers(handlers->value);
        result.packet_log = std::find(names.begin(), names.end(), kPacketHandler) != names.end();
    }
    const std::string prefix(kPacketHandler);
    if (auto pattern = value_of(prefix + ".pattern")) {
        // FileHandler's %h, %t, %u and %g have no counterpart: such a pattern is not a file name.
        if (pattern->value.empty() || pattern->value.find('%') != std::string::npos) {
            warn(*pattern,
                 "file pattern '" + pattern->value +
                     "' ignored (only a plain file name is supported), using jicofo.logging.xmpp-packets.file");
        } else {
            result.packet_file = pattern->value;
        }
    }
    if (auto limit = value_of(prefix + ".limit")) {
        auto bytes = parse_integer(limit->value);
        if (bytes && *bytes == 0) {
            // java.util.logging's "no limit": the largest rotation size we take.
            result.packet_max_file_bytes = static_cast<std::size_t>(kMaxPacketFileBytes);
        } else if (bytes && *bytes >= kMinPacketFileBytes && *bytes <= kMaxPacketFileBytes) {
            result.packet_max_file_bytes = static_cast<std::size_t>(*bytes);
        } else {
            warn(*limit, "size limit '" + limit->value + "' ignored (bytes, 0 or 4096 to 2147483647)");
        }
    }
    if (auto count = value_of(prefix + ".count")) {
        auto files = parse_integer(count->value);
        if (files && *files >= 1 && *files <= kMaxPacketFiles) {
            // The handler's count includes the current file; max-files counts only the rotated ones.
            result.packet_max_files = static_cast<int>(*files - 1);
        } else {
            warn(*count, "file count '" + count->value + "' ignored (1 to 1000)");
        }
    }
    return result;
}

core::Result<LoggingProperties, ConfigError> read_logging_properties(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        return core::unexpected(
            ConfigError{file.string(), 0, 0, "", "cannot be read (missing, or check its permissions)"});
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        return core::unexpected(ConfigError{file.string(), 0, 0, "", "read error"});
    }
    return parse_logging_properties(text.str(), file.string());
}

void apply_logging_properties(const LoggingProperties& properties, LoggingConfig& logging) {
    if (properties.level) {
        logging.level = *properties.level;
    }
    if (!properties.packet_log) {
        return;
    }
    logging.xmpp_packets.enabled = true;
    if (properties.packet_file) {
        logging.xmpp_packets.file = *properties.packet_file;
    }
    if (properties.packet_max_file_bytes) {
        logging.xmpp_packets.max_file_bytes = *properties.packet_max_file_bytes;
    }
    if (properties.packet_max_files) {
        logging.xmpp_packets.max_files = *properties.packet_max_files;
    }
}

}  // namespace jicofo::config
