// Attribute and child readers for the Jingle and colibri2 parsers: range-checked numbers, optional booleans and typed
// child lists, each reporting the first problem as a bad-request that names the element and the attribute.
#pragma once

#include "parse_util.hpp"

#include <charconv>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace jicofo::stanza::detail {

// The first problem of a set of independent reads, in the order they are listed.
inline std::optional<StanzaError> first_problem(std::initializer_list<std::optional<StanzaError>> problems) {
    for (const auto& problem : problems) {
        if (problem) {
            return problem;
        }
    }
    return std::nullopt;
}

inline std::string attr_label(const XmlElement& e, std::string_view name) {
    return "<" + e.name() + "/> '" + std::string(name) + "'";
}

// A decimal integer in [min, max]. Text that is not a number and a number outside the range are told apart so that
// "ssrc='4294967296'" reads as out of range rather than as garbage.
inline std::optional<StanzaError> check_number(const XmlElement& e, std::string_view name, std::string_view text,
                                               std::int64_t min, std::int64_t max, std::int64_t& value) {
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    const bool overflow = ec == std::errc::result_out_of_range;
    if (text.empty() || ptr != end || (ec != std::errc() && !overflow)) {
        return bad(attr_label(e, name) + " is not a number: '" + std::string(text) + "'");
    }
    if (overflow || value < min || value > max) {
        return bad(attr_label(e, name) + " is out of range [" + std::to_string(min) + ", " + std::to_string(max) +
                   "]: '" + std::string(text) + "'");
    }
    return std::nullopt;
}

template <typename Int>
constexpr std::int64_t kMaxOf = static_cast<std::int64_t>(std::numeric_limits<Int>::max());
template <typename Int>
constexpr std::int64_t kMinOf = static_cast<std::int64_t>(std::numeric_limits<Int>::min());

template <typename Int>
std::optional<StanzaError> read_number(const XmlElement& e, std::string_view name, Int& out,
                                       std::int64_t min = kMinOf<Int>, std::int64_t max = kMaxOf<Int>) {
    static_assert(std::is_integral_v<Int> && sizeof(Int) <= 4, "values must fit in int64 with their range");
    const auto text = e.attribute(name);
    if (!text) {
        return bad("<" + e.name() + "/> without '" + std::string(name) + "'");
    }
    std::int64_t value = 0;
    if (auto problem = check_number(e, name, *text, min, max, value)) {
        return problem;
    }
    out = static_cast<Int>(value);
    return std::nullopt;
}

template <typename Int>
std::optional<StanzaError> read_opt_number(const XmlElement& e, std::string_view name, std::optional<Int>& out,
                                           std::int64_t min = kMinOf<Int>, std::int64_t max = kMaxOf<Int>) {
    if (!e.has_attribute(name)) {
        out.reset();
        return std::nullopt;
    }
    Int value{};
    if (auto problem = read_number(e, name, value, min, max)) {
        return problem;
    }
    out = value;
    return std::nullopt;
}

inline std::optional<StanzaError> read_required(const XmlElement& e, std::string_view name, std::string& out) {
    auto value = required_attr(e, name);
    if (!value) {
        return value.error();
    }
    out = std::move(value).value();
    return std::nullopt;
}

// Required and not empty: identifiers such as a Jingle sid or a colibri2 endpoint id.
inline std::optional<StanzaError> read_id(const XmlElement& e, std::string_view name, std::string& out) {
    if (auto problem = read_required(e, name, out)) {
        return problem;
    }
    if (out.empty()) {
        return bad(attr_label(e, name) + " is empty");
    }
    return std::nullopt;
}

inline std::optional<StanzaError> read_opt_bool(const XmlElement& e, std::string_view name, std::optional<bool>& out) {
    auto value = opt_bool_attr(e, name);
    if (!value) {
        return bad("<" + e.name() + "/> " + value.error().text);
    }
    out = *value;
    return std::nullopt;
}

// A flag whose absence means false (colibri2 create/expire, force-mute audio/video, startmuted).
inline std::optional<StanzaError> read_flag(const XmlElement& e, std::string_view name, bool& out) {
    std::optional<bool> value;
    if (auto problem = read_opt_bool(e, name, value)) {
        return problem;
    }
    out = value.value_or(false);
    return std::nullopt;
}

// Every <name xmlns=ns/> child parsed with T::parse, in document order.
template <typename T>
std::optional<StanzaError> read_children(const XmlElement& parent, std::string_view name, std::string_view ns,
                                         std::vector<T>& out) {
    for (const XmlElement* child : parent.children(name, ns)) {
        auto value = T::parse(*child);
        if (!value) {
            return value.error();
        }
        out.push_back(std::move(value).value());
    }
    return std::nullopt;
}

// The first <name xmlns=ns/> child parsed with T::parse; absent stays nullopt.
template <typename T>
std::optional<StanzaError> read_child(const XmlElement& parent, std::string_view name, std::string_view ns,
                                      std::optional<T>& out) {
    if (const XmlElement* child = parent.child(name, ns)) {
        auto value = T::parse(*child);
        if (!value) {
            return value.error();
        }
        out = std::move(value).value();
    }
    return std::nullopt;
}

template <typename Int>
void set_number(XmlElement& e, std::string_view name, Int value) {
    e.set_attribute(name, std::to_string(value));
}

template <typename Int>
void set_number_if(XmlElement& e, std::string_view name, const std::optional<Int>& value) {
    if (value) {
        e.set_attribute(name, std::to_string(*value));
    }
}

inline void set_bool_if(XmlElement& e, std::string_view name, const std::optional<bool>& value) {
    if (value) {
        e.set_attribute(name, bool_text(*value));
    }
}

// Written only when set: colibri2 writes create/expire only when true.
inline void set_flag_if(XmlElement& e, std::string_view name, bool value) {
    if (value) {
        e.set_attribute(name, "true");
    }
}

template <typename T>
void add_all(XmlElement& parent, const std::vector<T>& values) {
    for (const auto& value : values) {
        parent.add_child(value.to_xml());
    }
}

}  // namespace jicofo::stanza::detail
