// Parsing and serialization of the focus-namespace IQs and presence extensions.
#include "jicofo/stanza/focus.hpp"
#include "jicofo/core/text.hpp"

#include "jicofo/stanza/namespaces.hpp"
#include "parse_util.hpp"

namespace jicofo::stanza {

using detail::bad;

namespace {

// The room of a conference request must be an entity bare JID: localpart, domain, no resource.
ParseResult<std::optional<Jid>> room_attr(const XmlElement& e) {
    auto room = detail::opt_jid_attr(e, "room");
    if (!room) {
        return room;
    }
    if (room->has_value() && ((*room)->local().empty() || !(*room)->is_bare())) {
        return core::unexpected(bad("room '" + (*room)->to_string() + "' is not a bare room JID"));
    }
    return room;
}

std::optional<std::string> decoded_attr(const XmlElement& e, std::string_view name) {
    if (const auto v = e.attribute(name)) {
        return form_url_decode(*v);
    }
    return std::nullopt;
}

std::optional<std::string> encoded(const std::optional<std::string>& value) {
    if (value) {
        return form_url_encode(*value);
    }
    return std::nullopt;
}

}  // namespace

ParseResult<ConferenceIq> ConferenceIq::parse(const XmlElement& element) {
    if (auto problem = detail::expect_element(element, "conference", kNsFocus)) {
        return core::unexpected(*problem);
    }
    ConferenceIq iq;
    auto room = room_attr(element);
    if (!room) {
        return core::unexpected(room.error());
    }
    iq.room = std::move(room).value();
    auto ready = detail::opt_bool_attr(element, "ready");
    if (!ready) {
        return core::unexpected(ready.error());
    }
    iq.ready = *ready;
    // The protocol document spells it focusJid; every implementation writes focusjid. Accept both.
    auto focus_jid = detail::opt_jid_attr(element, element.has_attribute("focusjid") ? "focusjid" : "focusJid");
    if (!focus_jid) {
        return core::unexpected(focus_jid.error());
    }
    iq.focus_jid = std::move(focus_jid).value();
    iq.session_id = detail::opt_attr(element, "session-id");
    iq.machine_uid = detail::opt_attr(element, "machine-uid");
    iq.identity = detail::opt_attr(element, "identity");
    iq.vnode = detail::opt_attr(element, "vnode");
    iq.token = detail::opt_attr(element, "token");
    for (const XmlElement* p : element.children("property")) {
        const auto name = p->attribute("name");
        if (!name || name->empty()) {
            continue;  // a nameless property carries nothing; ignore it as Jicofo does
        }
        iq.properties.push_back({std::string(*name), std::string(p->attribute("value").value_or(""))});
    }
    return iq;
}

XmlElement ConferenceIq::to_xml() const {
    XmlElement e("conference", std::string(kNsFocus));
    e.set_attribute_if("room", detail::jid_text(room));
    if (ready) {
        e.set_attribute("ready", detail::bool_text(*ready));
    }
    e.set_attribute_if("focusjid", detail::jid_text(focus_jid));
    e.set_attribute_if("session-id", session_id);
    e.set_attribute_if("machine-uid", machine_uid);
    e.set_attribute_if("identity", identity);
    e.set_attribute_if("vnode", vnode);
    e.set_attribute_if("token", token);
    for (const auto& p : properties) {
        e.add_child(XmlElement("property")).set_attribute("name", p.name).set_attribute("value", p.value);
    }
    return e;
}

std::optional<std::string_view> ConferenceIq::property(std::string_view name) const {
    for (const auto& p : properties) {
        if (p.name == name) {
            return std::string_view(p.value);
        }
    }
    return std::nullopt;
}

void ConferenceIq::set_property(std::string_view name, std::string value) {
    for (auto& p : properties) {
        if (p.name == name) {
            p.value = std::move(value);
            return;
        }
    }
    properties.push_back({std::string(name), std::move(value)});
}

ParseResult<LoginUrlIq> LoginUrlIq::parse(const XmlElement& element) {
    if (auto problem = detail::expect_element(element, "login-url", kNsFocus)) {
        return core::unexpected(*problem);
    }
    LoginUrlIq iq;
    auto room = room_attr(element);
    if (!room) {
        return core::unexpected(room.error());
    }
    iq.room = std::move(room).value();
    auto popup = detail::opt_bool_attr(element, "popup");
    if (!popup) {
        return core::unexpected(popup.error());
    }
    iq.popup = *popup;
    iq.machine_uid = detail::opt_attr(element, "machine-uid");
    iq.url = decoded_attr(element, "url");
    return iq;
}

XmlElement LoginUrlIq::to_xml() const {
    XmlElement e("login-url", std::string(kNsFocus));
    e.set_attribute_if("room", detail::jid_text(room));
    e.set_attribute_if("machine-uid", machine_uid);
    if (popup) {
        e.set_attribute("popup", detail::bool_text(*popup));
    }
    e.set_attribute_if("url", encoded(url));
    return e;
}

ParseResult<LogoutIq> LogoutIq::parse(const XmlElement& element) {
    if (auto problem = detail::expect_element(element, "logout", kNsFocus)) {
        return core::unexpected(*problem);
    }
    LogoutIq iq;
    iq.session_id = detail::opt_attr(element, "session-id");
    iq.logout_url = decoded_attr(element, "logout-url");
    return iq;
}

XmlElement LogoutIq::to_xml() const {
    XmlElement e("logout", std::string(kNsFocus));
    e.set_attribute_if("session-id", session_id);
    e.set_attribute_if("logout-url", encoded(logout_url));
    return e;
}

ParseResult<ConferenceProperties> ConferenceProperties::parse(const XmlElement& element) {
    if (auto problem = detail::expect_element(element, "conference-properties", kNsFocus)) {
        return core::unexpected(*problem);
    }
    ConferenceProperties props;
    for (const XmlElement* p : element.children("property")) {
        if (const auto key = p->attribute("key"); key && !key->empty()) {
            props.entries.push_back({std::string(*key), std::string(p->attribute("value").value_or(""))});
        }
    }
    return props;
}

XmlElement ConferenceProperties::to_xml() const {
    XmlElement e("conference-properties", std::string(kNsFocus));
    for (const auto& entry : entries) {
        e.add_child(XmlElement("property")).set_attribute("key", entry.key).set_attribute("value", entry.value);
    }
    return e;
}

std::optional<std::string_view> ConferenceProperties::get(std::string_view key) const {
    for (const auto& entry : entries) {
        if (entry.key == key) {
            return std::string_view(entry.value);
        }
    }
    return std::nullopt;
}

void ConferenceProperties::set(std::string_view key, std::string value) {
    for (auto& entry : entries) {
        if (entry.key == key) {
            entry.value = std::move(value);
            return;
        }
    }
    entries.push_back({std::string(key), std::move(value)});
}

void ConferenceProperties::erase(std::string_view key) {
    std::erase_if(entries, [&](const Entry& e) { return e.key == key; });
}

ParseResult<BridgeNotAvailable> BridgeNotAvailable::parse(const XmlElement& element) {
    if (auto problem = detail::expect_element(element, "bridgeNotAvailable", kNsFocus)) {
        return core::unexpected(*problem);
    }
    return BridgeNotAvailable{};
}

XmlElement BridgeNotAvailable::to_xml() const {
    return XmlElement("bridgeNotAvailable", std::string(kNsFocus));
}

ParseResult<SessionInvalid> SessionInvalid::parse(const XmlElement& element) {
    if (auto problem = detail::expect_element(element, "session-invalid", kNsFocus)) {
        return core::unexpected(*problem);
    }
    return SessionInvalid{};
}

XmlElement SessionInvalid::to_xml() const {
    return XmlElement("session-invalid", std::string(kNsFocus));
}

std::string form_url_encode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                           c == '-' || c == '*' || c == '_';
        if (plain) {
            out += c;
        } else if (c == ' ') {
            out += '+';
        } else {
            out += '%';
            out += kHex[u >> 4];
            out += kHex[u & 0xF];
        }
    }
    return out;
}

std::string form_url_decode(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '+') {
            out += ' ';
        } else if (c == '%' && i + 2 < text.size() && core::hex_value(text[i + 1]) >= 0 &&
                   core::hex_value(text[i + 2]) >= 0) {
            out += static_cast<char>(core::hex_value(text[i + 1]) * 16 + core::hex_value(text[i + 2]));
            i += 2;
        } else {
            out += c;  // a stray '%' is kept rather than failing: the value is only shown to users
        }
    }
    return out;
}

}  // namespace jicofo::stanza
