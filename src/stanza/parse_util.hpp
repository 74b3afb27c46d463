// Small helpers shared by the typed parsers: required/optional attributes, booleans, integers, JIDs.
#pragma once

#include "jicofo/stanza/jid.hpp"
#include "jicofo/stanza/stanza_error.hpp"
#include "jicofo/stanza/xml_element.hpp"

#include <charconv>
#include <optional>
#include <string>
#include <string_view>

namespace jicofo::stanza::detail {

inline StanzaError bad(std::string text) {
    return StanzaError::bad_request(std::move(text));
}

// Returns an error when the element is not <name xmlns=ns/>; an empty ns accepts any namespace.
inline std::optional<StanzaError> expect_element(const XmlElement& e, std::string_view name, std::string_view ns) {
    if (e.name() != name || (!ns.empty() && e.ns() != ns)) {
        return bad("expected <" + std::string(name) + (ns.empty() ? "" : " xmlns='" + std::string(ns) + "'") +
                   "/>, got <" + e.name() + " xmlns='" + e.ns() + "'/>");
    }
    return std::nullopt;
}

inline std::optional<std::string> opt_attr(const XmlElement& e, std::string_view name) {
    if (const auto v = e.attribute(name)) {
        return std::string(*v);
    }
    return std::nullopt;
}

inline ParseResult<std::string> required_attr(const XmlElement& e, std::string_view name) {
    if (const auto v = e.attribute(name)) {
        return std::string(*v);
    }
    return core::unexpected(bad("<" + e.name() + "/> without '" + std::string(name) + "'"));
}

// Java's Boolean.valueOf semantics are too lax for us ("yes" would be false); peers send true/false or 1/0.
inline std::optional<bool> parse_bool(std::string_view text) {
    if (text == "true" || text == "1" || text == "True" || text == "TRUE") {
        return true;
    }
    if (text == "false" || text == "0" || text == "False" || text == "FALSE") {
        return false;
    }
    return std::nullopt;
}

inline std::string bool_text(bool value) {
    return value ? "true" : "false";
}

inline ParseResult<std::optional<bool>> opt_bool_attr(const XmlElement& e, std::string_view name) {
    const auto v = e.attribute(name);
    if (!v || v->empty()) {
        return std::optional<bool>();
    }
    if (const auto b = parse_bool(*v)) {
        return std::optional<bool>(*b);
    }
    return core::unexpected(bad("'" + std::string(name) + "' is not a boolean: '" + std::string(*v) + "'"));
}

template <typename Int>
std::optional<Int> parse_int(std::string_view text) {
    Int value{};
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || text.empty()) {
        return std::nullopt;
    }
    return value;
}

template <typename Int>
ParseResult<std::optional<Int>> opt_int_attr(const XmlElement& e, std::string_view name) {
    const auto v = e.attribute(name);
    if (!v) {
        return std::optional<Int>();
    }
    if (const auto i = parse_int<Int>(*v)) {
        return std::optional<Int>(*i);
    }
    return core::unexpected(bad("'" + std::string(name) + "' is not an integer: '" + std::string(*v) + "'"));
}

// An absent or empty attribute is no JID; a present one must be valid.
inline ParseResult<std::optional<Jid>> opt_jid_attr(const XmlElement& e, std::string_view name) {
    const auto v = e.attribute(name);
    if (!v || v->empty()) {
        return std::optional<Jid>();
    }
    auto jid = Jid::parse(*v);
    if (!jid) {
        return core::unexpected(jid.error());
    }
    return std::optional<Jid>(std::move(jid).value());
}

inline std::optional<std::string> jid_text(const std::optional<Jid>& jid) {
    if (jid) {
        return jid->to_string();
    }
    return std::nullopt;
}

}  // namespace jicofo::stanza::detail
