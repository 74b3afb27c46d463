// Parsing and serialization of the colibri2 <connect/> (transcriber and translator web sockets of a conference).
#include "jicofo/stanza/colibri2.hpp"

#include "jicofo/stanza/namespaces.hpp"
#include "media_parse_util.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace jicofo::stanza {

using detail::bad;

namespace {

constexpr std::array<std::pair<ConnectType, std::string_view>, 3> kTypes{{
    {ConnectType::recorder, "recorder"},
    {ConnectType::transcriber, "transcriber"},
    {ConnectType::translator, "translator"},
}};
constexpr std::string_view kProtocolMediaJson = "mediajson";

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
    return out;
}

bool is_header_name(std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

std::string without_line_breaks(std::string value) {
    value.erase(std::remove_if(value.begin(), value.end(), [](char c) { return c == '\r' || c == '\n'; }), value.end());
    return value;
}

// Only web sockets: the bridge opens the url itself, so anything else is refused here (the scheme is
// case-insensitive, as in every URI).
bool is_websocket_url(std::string_view url) {
    const auto colon = url.find(':');
    if (colon == std::string_view::npos) {
        return false;
    }
    const auto scheme = lower(url.substr(0, colon));
    return (scheme == "ws" || scheme == "wss") && url.substr(colon).starts_with("://") && url.size() > colon + 3;
}

std::optional<StanzaError> read_type(const XmlElement& e, ConnectType& out) {
    std::string text;
    if (auto problem = detail::read_required(e, "type", text)) {
        return problem;
    }
    const auto wire = lower(text);
    for (const auto& [value, name] : kTypes) {
        if (name == wire) {
            out = value;
            return std::nullopt;
        }
    }
    return bad("<connect/> 'type' is unknown: '" + text + "'");
}

std::optional<StanzaError> read_protocol(const XmlElement& e) {
    std::string text;
    if (auto problem = detail::read_required(e, "protocol", text)) {
        return problem;
    }
    return lower(text) == kProtocolMediaJson ? std::nullopt
                                             : std::optional(bad("<connect/> 'protocol' is unknown: '" + text + "'"));
}

std::optional<StanzaError> read_url(const XmlElement& e, std::string& out) {
    if (auto problem = detail::read_required(e, "url", out)) {
        return problem;
    }
    return is_websocket_url(out) ? std::nullopt
                                 : std::optional(bad("<connect/> 'url' is not a ws or wss url: '" + out + "'"));
}

std::optional<StanzaError> read_headers(const XmlElement& e, std::vector<std::pair<std::string, std::string>>& out) {
    for (const XmlElement* header : e.children("http-header", kNsColibri2)) {
        std::string name;
        std::string value;
        if (auto problem = detail::first_problem(
                {detail::read_required(*header, "name", name), detail::read_required(*header, "value", value)})) {
            return problem;
        }
        if (!is_header_name(name)) {
            return bad("<http-header/> 'name' is not a header name: '" + name + "'");
        }
        out.emplace_back(std::move(name), without_line_breaks(std::move(value)));
    }
    return std::nullopt;
}

std::optional<StanzaError> read_ping(const XmlElement& e, std::optional<ConnectPing>& out) {
    const XmlElement* ping = e.child("ping", kNsColibri2);
    if (!ping) {
        return std::nullopt;
    }
    ConnectPing value;
    if (auto problem = detail::first_problem({detail::read_number(*ping, "interval", value.interval, 0),
                                              detail::read_number(*ping, "timeout", value.timeout, 0)})) {
        return problem;
    }
    out = value;
    return std::nullopt;
}

// <holder><item name/>...</holder> (exports, requests): the names in order.
std::optional<StanzaError> read_names(const XmlElement& e, std::string_view holder, std::string_view item,
                                      std::vector<std::string>& out) {
    const XmlElement* list = e.child(holder, kNsColibri2);
    if (!list) {
        return std::nullopt;
    }
    for (const XmlElement* entry : list->children(item, kNsColibri2)) {
        std::string name;
        if (auto problem = detail::read_id(*entry, "name", name)) {
            return problem;
        }
        out.push_back(std::move(name));
    }
    return std::nullopt;
}

void add_names(XmlElement& e, std::string_view holder, std::string_view item, const std::vector<std::string>& names) {
    if (names.empty()) {
        return;
    }
    XmlElement& list = e.add_child(XmlElement(std::string(holder)));
    for (const auto& name : names) {
        list.add_child(XmlElement(std::string(item))).set_attribute("name", name);
    }
}

}  // namespace

ParseResult<Colibri2Connect> Colibri2Connect::parse(const XmlElement& element) {
    Colibri2Connect connect;
    if (auto problem = detail::first_problem({
            detail::expect_element(element, "connect", kNsColibri2),
            detail::read_id(element, "id", connect.id),
            read_url(element, connect.url),
            read_protocol(element),
            read_type(element, connect.type),
            detail::read_flag(element, "audio", connect.audio),
            detail::read_flag(element, "video", connect.video),
            detail::read_flag(element, "create", connect.create),
            detail::read_flag(element, "expire", connect.expire),
            read_headers(element, connect.http_headers),
            read_ping(element, connect.ping),
            read_names(element, "exports", "export", connect.exports),
            read_names(element, "requests", "request", connect.requests),
        })) {
        return core::unexpected(connect.id.empty() ? *problem : bad("connect '" + connect.id + "': " + problem->text));
    }
    return connect;
}

XmlElement Colibri2Connect::to_xml() const {
    XmlElement e("connect", std::string(kNsColibri2));
    e.set_attribute("id", id);
    e.set_attribute("url", url);
    e.set_attribute("protocol", std::string(kProtocolMediaJson));
    for (const auto& [value, name] : kTypes) {
        if (value == type) {
            e.set_attribute("type", std::string(name));
        }
    }
    detail::set_flag_if(e, "audio", audio);
    detail::set_flag_if(e, "video", video);
    detail::set_flag_if(e, "create", create);
    detail::set_flag_if(e, "expire", expire);
    for (const auto& [name, value] : http_headers) {
        XmlElement& header = e.add_child(XmlElement("http-header"));
        header.set_attribute("name", name);
        header.set_attribute("value", value);
    }
    if (ping) {
        XmlElement& element = e.add_child(XmlElement("ping"));
        detail::set_number(element, "interval", ping->interval);
        detail::set_number(element, "timeout", ping->timeout);
    }
    add_names(e, "exports", "export", exports);
    add_names(e, "requests", "request", requests);
    return e;
}

}  // namespace jicofo::stanza
