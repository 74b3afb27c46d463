// Parsing and serialization of brewery presence status (colibri stats, Jibri status) and the health-check IQ.
#include "jicofo/stanza/brewery.hpp"

#include "jicofo/stanza/namespaces.hpp"
#include "parse_util.hpp"

#include <charconv>
#include <cmath>

namespace jicofo::stanza {

ParseResult<ColibriStats> ColibriStats::parse(const XmlElement& element) {
    if (auto problem = detail::expect_element(element, "stats", kNsColibri)) {
        return core::unexpected(*problem);
    }
    ColibriStats stats;
    for (const XmlElement* s : element.children("stat", kNsColibri)) {
        if (const auto name = s->attribute("name"); name && !name->empty()) {
            stats.stats.push_back({std::string(*name), std::string(s->attribute("value").value_or(""))});
        }
    }
    return stats;
}

XmlElement ColibriStats::to_xml() const {
    XmlElement e("stats", std::string(kNsColibri));
    for (const auto& s : stats) {
        e.add_child(XmlElement("stat")).set_attribute("name", s.name).set_attribute("value", s.value);
    }
    return e;
}

std::optional<std::string_view> ColibriStats::get(std::string_view name) const {
    for (const auto& s : stats) {
        if (s.name == name) {
            return std::string_view(s.value);
        }
    }
    return std::nullopt;
}

std::optional<double> ColibriStats::get_double(std::string_view name) const {
    const auto text = get(name);
    if (!text || text->empty()) {
        return std::nullopt;
    }
    // from_chars is locale-independent (strtod is not) and reads Java's "1.0E-4" form too.
    double value = 0;
    const auto* end = text->data() + text->size();
    const auto [ptr, ec] = std::from_chars(text->data(), end, value);
    if (ec != std::errc() || ptr != end || !std::isfinite(value)) {
        return std::nullopt;
    }
    return value;
}

std::optional<bool> ColibriStats::get_bool(std::string_view name) const {
    const auto text = get(name);
    return text ? detail::parse_bool(*text) : std::nullopt;
}

std::optional<std::int64_t> ColibriStats::get_int(std::string_view name) const {
    const auto text = get(name);
    return text ? detail::parse_int<std::int64_t>(*text) : std::nullopt;
}

void ColibriStats::set(std::string_view name, std::string value) {
    for (auto& s : stats) {
        if (s.name == name) {
            s.value = std::move(value);
            return;
        }
    }
    stats.push_back({std::string(name), std::move(value)});
}

ParseResult<JibriStatus> JibriStatus::parse(const XmlElement& element) {
    if (auto problem = detail::expect_element(element, "jibri-status", kNsJibri)) {
        return core::unexpected(*problem);
    }
    JibriStatus status;
    if (const XmlElement* busy = element.child("busy-status", kNsJibri)) {
        const auto value = busy->attribute("status");
        if (value == "idle") {
            status.busy = JibriBusyStatus::idle;
        } else if (value == "busy") {
            status.busy = JibriBusyStatus::busy;
        }
    }
    if (const XmlElement* health = element.child("health-status", kNsHealth)) {
        const auto value = health->attribute("status");
        if (value == "healthy") {
            status.health = JibriHealth::healthy;
        } else if (value == "unhealthy") {
            status.health = JibriHealth::unhealthy;
        }
    }
    return status;
}

XmlElement JibriStatus::to_xml() const {
    XmlElement e("jibri-status", std::string(kNsJibri));
    if (busy) {
        e.add_child(XmlElement("busy-status"))
            .set_attribute("status", *busy == JibriBusyStatus::idle ? "idle" : "busy");
    }
    if (health) {
        e.add_child(XmlElement("health-status", std::string(kNsHealth)))
            .set_attribute("status", *health == JibriHealth::healthy ? "healthy" : "unhealthy");
    }
    return e;
}

ParseResult<HealthCheckIq> HealthCheckIq::parse(const XmlElement& element) {
    if (auto problem = detail::expect_element(element, "healthcheck", kNsHealth)) {
        return core::unexpected(*problem);
    }
    return HealthCheckIq{};
}

XmlElement HealthCheckIq::to_xml() const {
    return XmlElement("healthcheck", std::string(kNsHealth));
}

}  // namespace jicofo::stanza
