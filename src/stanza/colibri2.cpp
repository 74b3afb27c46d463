// Parsing and serialization of colibri2 requests and responses (conference-modify/-modified, endpoints, relays)
// and of the colibri2 error reason.
#include "jicofo/stanza/colibri2.hpp"

#include "jicofo/stanza/namespaces.hpp"
#include "media_parse_util.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace jicofo::stanza {

using detail::bad;

namespace {

constexpr std::array<std::pair<Colibri2ErrorReason, std::string_view>, 5> kReasons{{
    {Colibri2ErrorReason::conference_not_found, "conference_not_found"},
    {Colibri2ErrorReason::conference_already_exists, "conference_already_exists"},
    {Colibri2ErrorReason::feature_not_implemented, "feature_not_implemented"},
    {Colibri2ErrorReason::graceful_shutdown, "graceful_shutdown"},
    {Colibri2ErrorReason::unknown_endpoint, "unknown_endpoint"},
}};

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
    return out;
}

// Say which endpoint or relay was wrong: a request may carry many with the same children.
StanzaError in_entity(std::string_view kind, const std::string& id, const StanzaError& problem) {
    return id.empty() ? problem : bad(std::string(kind) + " '" + id + "': " + problem.text);
}

std::vector<std::string> read_capabilities(const XmlElement& element) {
    std::vector<std::string> names;
    for (const XmlElement* capability : element.children("capability", kNsColibri2)) {
        if (const auto name = capability->attribute("name"); name && !name->empty()) {
            names.emplace_back(*name);  // a nameless capability announces nothing
        }
    }
    return names;
}

template <typename T>
const T* find_by_id(const std::vector<T>& entities, std::string_view id) {
    const auto it = std::find_if(entities.begin(), entities.end(), [&](const T& e) { return e.id == id; });
    return it == entities.end() ? nullptr : &*it;
}

}  // namespace

ParseResult<Colibri2Endpoint> Colibri2Endpoint::parse(const XmlElement& element) {
    Colibri2Endpoint ep;
    if (auto problem = detail::first_problem({
            detail::expect_element(element, "endpoint", kNsColibri2),
            detail::read_id(element, "id", ep.id),
            detail::read_flag(element, "create", ep.create),
            detail::read_flag(element, "expire", ep.expire),
            detail::read_flag(element, "diarize", ep.diarize),
            detail::read_children(element, "media", kNsColibri2, ep.medias),
            detail::read_child(element, "transport", kNsColibri2, ep.transport),
            detail::read_child(element, "sources", kNsColibri2, ep.sources),
            detail::read_child(element, "force-mute", kNsColibri2, ep.force_mute),
            detail::read_child(element, "initial-last-n", kNsColibri2, ep.initial_last_n),
        })) {
        return core::unexpected(in_entity("endpoint", ep.id, *problem));
    }
    ep.stats_id = detail::opt_attr(element, "stats-id");
    ep.muc_role = detail::opt_attr(element, "muc-role");
    ep.capabilities = read_capabilities(element);
    return ep;
}

XmlElement Colibri2Endpoint::to_xml() const {
    XmlElement e("endpoint", std::string(kNsColibri2));
    e.set_attribute("id", id);
    detail::set_flag_if(e, "create", create);
    detail::set_flag_if(e, "expire", expire);
    e.set_attribute_if("stats-id", stats_id);
    e.set_attribute_if("muc-role", muc_role);
    detail::set_flag_if(e, "diarize", diarize);
    detail::add_all(e, medias);
    if (transport) {
        e.add_child(transport->to_xml());
    }
    if (sources) {
        e.add_child(sources->to_xml());
    }
    for (const auto& name : capabilities) {
        e.add_child(XmlElement("capability")).set_attribute("name", name);
    }
    if (force_mute) {
        e.add_child(force_mute->to_xml());
    }
    if (initial_last_n) {
        e.add_child(initial_last_n->to_xml());
    }
    return e;
}

bool Colibri2Endpoint::has_capability(std::string_view name) const {
    return std::find(capabilities.begin(), capabilities.end(), name) != capabilities.end();
}

ParseResult<Colibri2Relay> Colibri2Relay::parse(const XmlElement& element) {
    Colibri2Relay relay;
    std::optional<StanzaError> endpoints_problem;
    if (const XmlElement* endpoints = element.child("endpoints", kNsColibri2)) {
        endpoints_problem = detail::read_children(*endpoints, "endpoint", kNsColibri2, relay.endpoints);
    }
    if (auto problem = detail::first_problem({
            detail::expect_element(element, "relay", kNsColibri2),
            detail::read_id(element, "id", relay.id),
            detail::read_flag(element, "create", relay.create),
            detail::read_flag(element, "expire", relay.expire),
            detail::read_children(element, "media", kNsColibri2, relay.medias),
            endpoints_problem,
            detail::read_child(element, "transport", kNsColibri2, relay.transport),
            detail::read_child(element, "sources", kNsColibri2, relay.sources),
        })) {
        return core::unexpected(in_entity("relay", relay.id, *problem));
    }
    relay.mesh_id = detail::opt_attr(element, "mesh-id");
    return relay;
}

XmlElement Colibri2Relay::to_xml() const {
    XmlElement e("relay", std::string(kNsColibri2));
    e.set_attribute("id", id);
    detail::set_flag_if(e, "create", create);
    detail::set_flag_if(e, "expire", expire);
    e.set_attribute_if("mesh-id", mesh_id);
    detail::add_all(e, medias);
    if (!endpoints.empty()) {
        detail::add_all(e.add_child(XmlElement("endpoints")), endpoints);
    }
    if (transport) {
        e.add_child(transport->to_xml());
    }
    if (sources) {
        e.add_child(sources->to_xml());
    }
    return e;
}

ParseResult<ConferenceModify> ConferenceModify::parse(const XmlElement& element) {
    ConferenceModify modify;
    if (auto problem = detail::first_problem({
            detail::expect_element(element, "conference-modify", kNsColibri2),
            detail::read_id(element, "meeting-id", modify.meeting_id),
            detail::read_flag(element, "create", modify.create),
            detail::read_flag(element, "expire", modify.expire),
            detail::read_opt_bool(element, "rtcstats-enabled", modify.rtcstats_enabled),
            detail::read_opt_bool(element, "callstats-enabled", modify.callstats_enabled),
            detail::read_children(element, "endpoint", kNsColibri2, modify.endpoints),
            detail::read_children(element, "relay", kNsColibri2, modify.relays),
        })) {
        return core::unexpected(*problem);
    }
    modify.name = detail::opt_attr(element, "name");
    if (const XmlElement* connects = element.child("connects", kNsColibri2)) {
        auto& read = modify.connects.emplace();
        if (auto problem = detail::read_children(*connects, "connect", kNsColibri2, read)) {
            return core::unexpected(*problem);
        }
    }
    return modify;
}

XmlElement ConferenceModify::to_xml() const {
    XmlElement e("conference-modify", std::string(kNsColibri2));
    e.set_attribute("meeting-id", meeting_id);
    e.set_attribute_if("name", name);
    detail::set_flag_if(e, "create", create);
    detail::set_flag_if(e, "expire", expire);
    detail::set_bool_if(e, "rtcstats-enabled", rtcstats_enabled);
    detail::set_bool_if(e, "callstats-enabled", callstats_enabled);
    detail::add_all(e, endpoints);
    detail::add_all(e, relays);
    if (connects) {
        detail::add_all(e.add_child(XmlElement("connects")), *connects);
    }
    return e;
}

ParseResult<ConferenceModified> ConferenceModified::parse(const XmlElement& element) {
    ConferenceModified modified;
    if (auto problem = detail::first_problem({
            detail::expect_element(element, "conference-modified", kNsColibri2),
            detail::read_children(element, "endpoint", kNsColibri2, modified.endpoints),
            detail::read_children(element, "relay", kNsColibri2, modified.relays),
            detail::read_child(element, "sources", kNsColibri2, modified.sources),
        })) {
        return core::unexpected(*problem);
    }
    return modified;
}

XmlElement ConferenceModified::to_xml() const {
    XmlElement e("conference-modified", std::string(kNsColibri2));
    detail::add_all(e, endpoints);
    detail::add_all(e, relays);
    if (sources) {
        e.add_child(sources->to_xml());
    }
    return e;
}

const Colibri2Endpoint* ConferenceModified::endpoint(std::string_view id) const {
    return find_by_id(endpoints, id);
}

const Colibri2Relay* ConferenceModified::relay(std::string_view id) const {
    return find_by_id(relays, id);
}

ParseResult<Colibri2Error> Colibri2Error::parse(const XmlElement& element) {
    if (auto problem = detail::expect_element(element, "error", kNsColibri2)) {
        return core::unexpected(*problem);
    }
    Colibri2Error error;
    const auto reason = element.attribute("reason");
    if (!reason) {
        return error;
    }
    const auto wire = lower(*reason);
    for (const auto& [value, name] : kReasons) {
        if (name == wire) {
            error.reason = value;
            return error;
        }
    }
    // Newer bridges may add reasons: keep the text for logs rather than refusing the whole error.
    error.reason = Colibri2ErrorReason::unknown;
    error.unknown_reason = std::string(*reason);
    return error;
}

XmlElement Colibri2Error::to_xml() const {
    XmlElement e("error", std::string(kNsColibri2));
    if (reason == Colibri2ErrorReason::unknown) {
        e.set_attribute("reason", unknown_reason);
    }
    for (const auto& [value, name] : kReasons) {
        if (value == reason) {
            e.set_attribute("reason", std::string(name));
        }
    }
    return e;
}

StanzaError Colibri2Error::to_stanza_error(ErrorCondition condition, std::string text) const {
    auto error = StanzaError::make(condition, std::move(text));
    error.app_specific = to_xml();
    return error;
}

std::optional<Colibri2Error> colibri2_error(const StanzaError& error) {
    if (!error.app_specific) {
        return std::nullopt;
    }
    auto parsed = Colibri2Error::parse(*error.app_specific);
    return parsed ? std::optional<Colibri2Error>(std::move(parsed).value()) : std::nullopt;
}

std::optional<Colibri2Error> colibri2_error(const XmlElement& error_element) {
    for (const XmlElement* child : error_element.children("error", kNsColibri2)) {
        if (auto parsed = Colibri2Error::parse(*child)) {
            return std::move(parsed).value();
        }
    }
    return std::nullopt;
}

}  // namespace jicofo::stanza
