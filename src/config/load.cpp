// Loading: reference.conf <- the operator's file <- legacy properties, resolved, then checked and typed.
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

#include "extract.hpp"
#include "jicofo/config/jicofo_config.hpp"
#include "jicofo/config/logging_properties.hpp"
#include "legacy_properties.hpp"
#include "unknown_keys.hpp"

namespace jicofo::config {
namespace {

constexpr const char* kReferenceName = "reference.conf";
constexpr const char* kLegacyFileName = "sip-communicator.properties";

ConfigError from_parse_error(const hocon::ParseError& error) {
    return ConfigError{error.origin.file, error.origin.line, error.origin.column, error.key, error.message};
}

struct LegacyInput {
    std::string text;
    std::string origin;
};

core::Result<LoadedConfig, ConfigError> load_layers(const hocon::Value& user, const std::optional<LegacyInput>& legacy,
                                                    const hocon::EnvironmentLookup& env) {
    // The built-in text never changes: parse it once per process.
    static const core::Result<hocon::Value, hocon::ParseError> reference =
        hocon::parse_string(reference_conf_text(), kReferenceName);
    if (!reference) {
        return core::unexpected(from_parse_error(reference.error()));
    }
    LoadedConfig loaded;
    hocon::Value merged = hocon::merge(user, *reference);
    std::optional<detail::LegacyLayer> layer;
    if (legacy) {
        auto converted = detail::legacy_layer(detail::parse_properties(legacy->text), legacy->origin, loaded.warnings);
        if (!converted) {
            return core::unexpected(converted.error());
        }
        layer = std::move(converted).value();
        // As in Jicofo, a legacy property wins over the same setting in jicofo.conf.
        merged = hocon::merge(layer->overrides, merged);
    }
    auto resolved = hocon::resolve(merged, env);
    if (!resolved) {
        return core::unexpected(from_parse_error(resolved.error()));
    }
    hocon::Value effective = std::move(resolved).value();
    if (layer) {
        if (auto error = detail::apply_deferred_legacy(*layer, effective)) {
            return core::unexpected(std::move(*error));
        }
    }

    detail::Reader reader(effective);
    loaded.config = detail::read_config(reader);
    if (reader.failed()) {
        return core::unexpected(reader.error());
    }
    // The keys of the reference tree (resolved or not, its shape is the same) are the known ones.
    auto unknown = detail::unknown_key_warnings(*reference, effective);
    loaded.warnings.insert(loaded.warnings.end(), unknown.begin(), unknown.end());
    return loaded;
}

std::optional<std::string> read_file(const std::filesystem::path& path, std::string& error) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        error = "file not found";
        return std::nullopt;
    }
    if (std::filesystem::is_directory(path, ec)) {
        error = "is a directory, not a file";
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = "cannot be read (check its permissions)";
        return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        error = "read error";
        return std::nullopt;
    }
    return text.str();
}

std::string join_position(const std::string& file, int line, int column) {
    std::string out = file;
    if (line > 0) {
        out += (out.empty() ? "" : ":") + std::to_string(line);
        if (column > 0) {
            out += ":" + std::to_string(column);
        }
    }
    return out;
}

}  // namespace

std::string ConfigError::describe() const {
    std::string out = join_position(file, line, column);
    if (!key.empty()) {
        out += (out.empty() ? "" : ": ") + std::string("key '") + key + "'";
    }
    return out + (out.empty() ? "" : ": ") + message;
}

std::string ConfigWarning::describe() const {
    std::string out = join_position(file, line, 0);
    if (!key.empty()) {
        out += (out.empty() ? "" : ": ") + std::string("key '") + key + "'";
    }
    return out + (out.empty() ? "" : ": ") + message;
}

core::Result<LoadedConfig, ConfigError> load_config_text(std::string_view user_text, const std::string& origin_name,
                                                         const hocon::EnvironmentLookup& env,
                                                         std::optional<std::string_view> legacy_properties_text) {
    auto user = hocon::parse_string(user_text, origin_name);
    if (!user) {
        return core::unexpected(from_parse_error(user.error()));
    }
    std::optional<LegacyInput> legacy;
    if (legacy_properties_text) {
        legacy = LegacyInput{std::string(*legacy_properties_text), kLegacyFileName};
    }
    return load_layers(*user, legacy, env);
}

core::Result<LoadedConfig, ConfigError> load_config(const LoadOptions& options) {
    std::string error;
    // Read here rather than by parse_file so that a missing or unreadable file gets a plain message naming it.
    auto user_text = read_file(options.config_file, error);
    if (!user_text) {
        return core::unexpected(ConfigError{options.config_file.string(), 0, 0, "", error});
    }
    auto user = hocon::parse_string(*user_text, options.config_file.string());
    if (!user) {
        return core::unexpected(from_parse_error(user.error()));
    }

    std::optional<LegacyInput> legacy;
    std::filesystem::path legacy_path =
        options.legacy_properties_file.value_or(options.config_file.parent_path() / kLegacyFileName);
    std::error_code ec;
    if (options.legacy_properties_file || std::filesystem::exists(legacy_path, ec)) {
        auto text = read_file(legacy_path, error);
        if (!text) {
            return core::unexpected(ConfigError{legacy_path.string(), 0, 0, "", error});
        }
        legacy = LegacyInput{std::move(*text), legacy_path.string()};
    }
    auto loaded = load_layers(*user, legacy, options.environment);
    if (loaded && options.logging_properties_file) {
        auto logging = read_logging_properties(*options.logging_properties_file);
        if (!logging) {
            return core::unexpected(logging.error());
        }
        apply_logging_properties(*logging, loaded->config.logging);
        loaded->warnings.insert(loaded->warnings.end(), logging->warnings.begin(), logging->warnings.end());
    }
    return loaded;
}

}  // namespace jicofo::config
