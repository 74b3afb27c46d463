// Scalar conversions and the error-collecting reader used by the per-section extraction.
#include "value_reader.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <utility>

namespace jicofo::config::detail {
namespace {

// Shortest form of a bound for messages: "1" rather than std::to_string's "1.000000".
std::string format_real(double value) {
    char buffer[32];
    auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
    return error == std::errc() ? std::string(buffer, end) : std::to_string(value);
}

using hocon::Kind;
using hocon::Value;

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
        text.remove_prefix(1);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
        text.remove_suffix(1);
    }
    return text;
}

std::optional<double> parse_real(std::string_view text) {
    text = trim(text);
    if (!text.empty() && text.front() == '+') {
        text.remove_prefix(1);
    }
    double result = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), result);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(result)) {
        return std::nullopt;
    }
    return result;
}

std::optional<long long> parse_integer(std::string_view text) {
    text = trim(text);
    if (!text.empty() && text.front() == '+') {
        text.remove_prefix(1);
    }
    long long result = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), result);
    if (!text.empty() && ec == std::errc() && end == text.data() + text.size()) {
        return result;
    }
    // "1e3" or "5.0" are integers written as reals; HOCON accepts them where an int is expected.
    auto real = parse_real(text);
    if (real && std::floor(*real) == *real && std::fabs(*real) < 9.0e18) {
        return static_cast<long long>(*real);
    }
    return std::nullopt;
}

// Nanoseconds per unit, for every spelling HOCON accepts.
struct DurationUnit {
    std::string_view name;
    double nanoseconds;
};
constexpr std::array<DurationUnit, 27> kDurationUnits{{
    {"ns", 1},         {"nano", 1},       {"nanos", 1},     {"nanosecond", 1},    {"nanoseconds", 1},
    {"us", 1e3},       {"micro", 1e3},    {"micros", 1e3},  {"microsecond", 1e3}, {"microseconds", 1e3},
    {"ms", 1e6},       {"milli", 1e6},    {"millis", 1e6},  {"millisecond", 1e6}, {"milliseconds", 1e6},
    {"s", 1e9},        {"second", 1e9},   {"seconds", 1e9}, {"m", 60e9},          {"minute", 60e9},
    {"minutes", 60e9}, {"h", 3600e9},     {"hour", 3600e9}, {"hours", 3600e9},    {"d", 86400e9},
    {"day", 86400e9},  {"days", 86400e9},
}};

std::string describe_value(const Value& value) {
    switch (value.kind()) {
        case Kind::Object: return "an object";
        case Kind::Array: return "a list";
        case Kind::Null: return "null";
        default: return "'" + value.text() + "'";
    }
}

}  // namespace

std::string join_key(const std::string& prefix, const std::string& key) {
    std::string part = key;
    if (key.find('.') != std::string::npos || key.empty()) {
        part = "\"" + key + "\"";
    }
    return prefix.empty() ? part : prefix + "." + part;
}

std::optional<bool> to_boolean(const Value& value) {
    if (value.kind() != Kind::Boolean && value.kind() != Kind::String) {
        return std::nullopt;
    }
    const std::string text = lower(trim(value.text()));
    if (text == "true" || text == "yes" || text == "on") {
        return true;
    }
    if (text == "false" || text == "no" || text == "off") {
        return false;
    }
    return std::nullopt;
}

std::optional<long long> to_integer(const Value& value) {
    if (value.kind() != Kind::Number && value.kind() != Kind::String) {
        return std::nullopt;
    }
    return parse_integer(value.text());
}

std::optional<double> to_real(const Value& value) {
    if (value.kind() != Kind::Number && value.kind() != Kind::String) {
        return std::nullopt;
    }
    return parse_real(value.text());
}

std::optional<std::string> to_text(const Value& value) {
    if (value.kind() == Kind::String || value.kind() == Kind::Number || value.kind() == Kind::Boolean) {
        return value.text();
    }
    return std::nullopt;
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
    text = trim(text);
    std::size_t split = text.size();
    while (split > 0 && std::isalpha(static_cast<unsigned char>(text[split - 1]))) {
        --split;
    }
    auto number = parse_real(text.substr(0, split));
    if (!number) {
        return std::nullopt;
    }
    double nanoseconds_per_unit = 1e6;  // a bare number is milliseconds
    if (split < text.size()) {
        const std::string unit = lower(text.substr(split));
        auto found = std::find_if(kDurationUnits.begin(), kDurationUnits.end(),
                                  [&](const DurationUnit& u) { return u.name == unit; });
        if (found == kDurationUnits.end()) {
            return std::nullopt;
        }
        nanoseconds_per_unit = found->nanoseconds;
    }
    const double millis = std::trunc(*number * nanoseconds_per_unit / 1e6);
    // About 285,000 years: anything longer is a typo, and it keeps the conversion defined.
    if (std::fabs(millis) > 9.0e15) {
        return std::nullopt;
    }
    return std::chrono::milliseconds(static_cast<long long>(millis));
}

std::optional<std::chrono::milliseconds> to_duration(const Value& value) {
    if (value.kind() != Kind::Number && value.kind() != Kind::String) {
        return std::nullopt;
    }
    return parse_duration(value.text());
}

const Value* Reader::find(std::string_view path) const {
    const Value* value = root_.find(path);
    if (value == nullptr || value->kind() == Kind::Null) {
        return nullptr;
    }
    return value;
}

void Reader::fail(const Value* at, const std::string& key, std::string message) {
    if (error_) {
        return;
    }
    ConfigError error;
    if (at != nullptr) {
        error.file = at->origin().file;
        error.line = at->origin().line;
        error.column = at->origin().column;
    }
    error.key = key;
    error.message = std::move(message);
    error_ = std::move(error);
}

const Value* Reader::require(const std::string& path) {
    if (const Value* value = find(path)) {
        return value;
    }
    fail(root_.find(path), path, "a value is required");
    return nullptr;
}

bool Reader::boolean_at(const Value& value, const std::string& key) {
    auto result = to_boolean(value);
    if (!result) {
        fail(&value, key, "expected a boolean (true/false, yes/no, on/off), found " + describe_value(value));
        return false;
    }
    return *result;
}

int Reader::integer_at(const Value& value, const std::string& key, long long min, long long max) {
    auto result = to_integer(value);
    if (!result) {
        fail(&value, key, "expected an integer, found " + describe_value(value));
        return 0;
    }
    if (*result < min || *result > max) {
        fail(&value, key,
             "value " + std::to_string(*result) + " is out of range [" + std::to_string(min) + ", " +
                 std::to_string(max) + "]");
        return 0;
    }
    return static_cast<int>(*result);
}

std::chrono::milliseconds Reader::duration_at(const Value& value, const std::string& key) {
    auto result = to_duration(value);
    if (!result) {
        fail(&value, key,
             "expected a duration such as \"15 seconds\", \"500ms\" or a number of milliseconds, found " +
                 describe_value(value));
        return {};
    }
    if (result->count() < 0) {
        fail(&value, key, "a duration must not be negative, found " + describe_value(value));
        return {};
    }
    return *result;
}

std::string Reader::string_at(const Value& value, const std::string& key, bool allow_empty) {
    auto result = to_text(value);
    if (!result) {
        fail(&value, key, "expected a string, found " + describe_value(value));
        return {};
    }
    if (!allow_empty && result->empty()) {
        fail(&value, key, "must not be empty");
    }
    return *result;
}

uint16_t Reader::port_at(const Value& value, const std::string& key, bool allow_zero) {
    return static_cast<uint16_t>(integer_at(value, key, allow_zero ? 0 : 1, 65535));
}

bool Reader::boolean(const std::string& path) {
    const Value* value = require(path);
    return value != nullptr && boolean_at(*value, path);
}

int Reader::integer(const std::string& path, long long min, long long max) {
    const Value* value = require(path);
    return value != nullptr ? integer_at(*value, path, min, max) : 0;
}

double Reader::real(const std::string& path, double min, double max, bool min_exclusive) {
    const Value* value = require(path);
    if (value == nullptr) {
        return 0;
    }
    auto result = to_real(*value);
    if (!result) {
        fail(value, path, "expected a number, found " + describe_value(*value));
        return 0;
    }
    if ((min_exclusive ? *result <= min : *result < min) || *result > max) {
        fail(value, path,
             "value " + value->text() + " is out of range " + (min_exclusive ? "(" : "[") + format_real(min) + ", " +
                 format_real(max) + "]");
        return 0;
    }
    return *result;
}

std::chrono::milliseconds Reader::duration(const std::string& path) {
    const Value* value = require(path);
    return value != nullptr ? duration_at(*value, path) : std::chrono::milliseconds{};
}

std::string Reader::string(const std::string& path, bool allow_empty) {
    const Value* value = require(path);
    return value != nullptr ? string_at(*value, path, allow_empty) : std::string{};
}

uint16_t Reader::port(const std::string& path, bool allow_zero) {
    const Value* value = require(path);
    return value != nullptr ? port_at(*value, path, allow_zero) : uint16_t{0};
}

std::optional<std::string> Reader::optional_string(const std::string& path) {
    const Value* value = find(path);
    if (value == nullptr) {
        return std::nullopt;
    }
    return string_at(*value, path);
}

std::optional<std::chrono::milliseconds> Reader::optional_duration(const std::string& path) {
    const Value* value = find(path);
    if (value == nullptr) {
        return std::nullopt;
    }
    return duration_at(*value, path);
}

std::vector<std::string> Reader::string_list(const std::string& path) {
    std::vector<std::string> result;
    const Value* value = find(path);
    if (value == nullptr) {
        return result;
    }
    if (!value->is_array()) {
        fail(value, path, "expected a list of strings, found " + describe_value(*value));
        return result;
    }
    for (const Value& item : value->items()) {
        result.push_back(string_at(item, path));
    }
    return result;
}

}  // namespace jicofo::config::detail
