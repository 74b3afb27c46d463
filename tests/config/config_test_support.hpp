// Helpers shared by the configuration tests: loading text with a fake environment.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "jicofo/config/jicofo_config.hpp"

namespace jicofo::config::testing {

inline hocon::EnvironmentLookup fake_environment(std::map<std::string, std::string> variables = {}) {
    return [variables = std::move(variables)](const std::string& name) -> std::optional<std::string> {
        auto found = variables.find(name);
        if (found == variables.end()) {
            return std::nullopt;
        }
        return found->second;
    };
}

// Loads jicofo.conf text (named "jicofo.conf" in errors); a failure fails the test and gives the defaults.
inline LoadedConfig load_ok(std::string_view text, std::optional<std::string_view> legacy = std::nullopt,
                            const hocon::EnvironmentLookup& env = fake_environment()) {
    auto result = load_config_text(text, "jicofo.conf", env, legacy);
    EXPECT_TRUE(result.has_value()) << (result ? "" : result.error().describe());
    if (!result) {
        return LoadedConfig{};
    }
    return std::move(result).value();
}

// Loads text that must be rejected, and returns the error.
inline ConfigError load_error(std::string_view text, std::optional<std::string_view> legacy = std::nullopt) {
    auto result = load_config_text(text, "jicofo.conf", fake_environment(), legacy);
    EXPECT_FALSE(result.has_value()) << "expected an error for: " << text;
    if (result) {
        return ConfigError{};
    }
    return result.error();
}

}  // namespace jicofo::config::testing
