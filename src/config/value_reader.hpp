// Typed reads from a resolved HOCON tree with Jicofo's conversions (yes/on booleans, numeric strings, HOCON
// durations). The first failure is kept with its position and key; later reads return placeholders, so extraction
// code reads straight through and the caller checks failed() once.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jicofo/config/hocon.hpp"
#include "jicofo/config/jicofo_config.hpp"

namespace jicofo::config::detail {

// Conversions of one scalar; std::nullopt when the value has another type or cannot be converted.
std::optional<bool> to_boolean(const hocon::Value& value);
std::optional<long long> to_integer(const hocon::Value& value);
std::optional<double> to_real(const hocon::Value& value);
std::optional<std::string> to_text(const hocon::Value& value);  // strings, and numbers/booleans as written
// HOCON duration text ("15 seconds", "30s", "1.5 h"); a bare number is milliseconds. Sub-millisecond parts are
// dropped.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);
std::optional<std::chrono::milliseconds> to_duration(const hocon::Value& value);

class Reader {
public:
    explicit Reader(const hocon::Value& root) : root_(root) {}

    [[nodiscard]] bool failed() const { return error_.has_value(); }
    [[nodiscard]] const ConfigError& error() const { return *error_; }

    // The value at a dotted path; nullptr when absent or null.
    [[nodiscard]] const hocon::Value* find(std::string_view path) const;

    // Required keys (reference.conf defines them all; an operator's `null` makes them missing).
    bool boolean(const std::string& path);
    int integer(const std::string& path, long long min, long long max);
    double real(const std::string& path, double min, double max, bool min_exclusive);
    std::chrono::milliseconds duration(const std::string& path);
    std::string string(const std::string& path, bool allow_empty = false);
    uint16_t port(const std::string& path, bool allow_zero);

    std::optional<std::string> optional_string(const std::string& path);
    std::optional<std::chrono::milliseconds> optional_duration(const std::string& path);
    std::vector<std::string> string_list(const std::string& path);

    // The same on a value found by the caller (map entries); `key` is its full dotted key for messages.
    bool boolean_at(const hocon::Value& value, const std::string& key);
    int integer_at(const hocon::Value& value, const std::string& key, long long min, long long max);
    std::chrono::milliseconds duration_at(const hocon::Value& value, const std::string& key);
    std::string string_at(const hocon::Value& value, const std::string& key, bool allow_empty = false);
    uint16_t port_at(const hocon::Value& value, const std::string& key, bool allow_zero);

    // Records a failure (only the first one is kept). `at` gives the position; nullptr means unknown.
    void fail(const hocon::Value* at, const std::string& key, std::string message);

private:
    const hocon::Value* require(const std::string& path);

    const hocon::Value& root_;
    std::optional<ConfigError> error_;
};

// Joins a dotted prefix and a key, quoting the key when it contains a dot (as HOCON paths do).
std::string join_key(const std::string& prefix, const std::string& key);

}  // namespace jicofo::config::detail
