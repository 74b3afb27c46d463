// The whole typed configuration of jicofo-native and how it is loaded: the built-in reference.conf, the operator's
// jicofo.conf over it, and the legacy sip-communicator.properties over both (legacy wins, as in Jicofo).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jicofo/config/hocon.hpp"
#include "jicofo/config/sections.hpp"
#include "jicofo/core/result.hpp"

namespace jicofo::config {

// Loaded once at startup and then only read: the application keeps it as a const value (or behind a pointer to
// const) and hands sections to modules by const reference.
struct JicofoConfig {
    XmppConfig xmpp;
    CodecConfigs codec;
    BridgeConfig bridge;
    ConferenceConfig conference;
    AuthenticationConfig authentication;
    HealthConfig health;
    JibriConfig jibri;
    JibriSipConfig jibri_sip;
    JigasiConfig jigasi;
    RestConfig rest;
    VisitorsConfig visitors;
    OctoConfig octo;
    SctpConfig sctp;
    TranscriptionConfig transcription;
    TranslationConfig translation;
    MetricsConfig metrics;
    TracingConfig tracing;
    std::optional<std::string> local_region;
    ProcessConfig process;
    DrainConfig drain;
    WebhooksConfig webhooks;
    LoggingConfig logging;

    bool operator==(const JicofoConfig&) const = default;
};

// Why the configuration cannot be used. `file` is a path, "reference.conf" or the legacy properties file.
struct ConfigError {
    std::string file;
    int line = 0;
    int column = 0;
    std::string key;  // full dotted key ("jicofo.rest.port"), or a legacy property name; may be empty
    std::string message;

    // "file:line:column: key 'jicofo.x.y': message", leaving out the parts that are unknown.
    [[nodiscard]] std::string describe() const;
};

// Something worth telling the operator that does not stop loading (unknown key, ignored legacy property).
struct ConfigWarning {
    std::string key;
    std::string message;
    std::string file;
    int line = 0;

    // "file:line: key 'a.b': message"
    [[nodiscard]] std::string describe() const;
};

struct LoadOptions {
    std::filesystem::path config_file;
    // Default: sip-communicator.properties next to config_file, used only if it exists. A path given here must exist.
    std::optional<std::filesystem::path> legacy_properties_file;
    // Jicofo's logging.properties (java.util.logging); what it sets wins over jicofo.logging. Must exist when given.
    std::optional<std::filesystem::path> logging_properties_file;
    hocon::EnvironmentLookup environment = hocon::process_environment();
};

struct LoadedConfig {
    JicofoConfig config;
    std::vector<ConfigWarning> warnings;
};

core::Result<LoadedConfig, ConfigError> load_config(const LoadOptions& options);

// The same from text, for tests and for --check-config on standard input. `origin_name` names the text in errors.
core::Result<LoadedConfig, ConfigError> load_config_text(
    std::string_view user_text, const std::string& origin_name, const hocon::EnvironmentLookup& env,
    std::optional<std::string_view> legacy_properties_text = std::nullopt);

// The text of the built-in reference.conf.
std::string_view reference_conf_text();

// The effective configuration as pretty-printed JSON laid out like jicofo.conf (a "jicofo" object with kebab-case
// keys, plus "tracing"). Durations are written the HOCON way ("15 seconds", "500 ms", "2 minutes"): the largest unit
// that divides the value exactly. Passwords are replaced by "********"; unset optional keys are null.
std::string to_json(const JicofoConfig& config);

}  // namespace jicofo::config
