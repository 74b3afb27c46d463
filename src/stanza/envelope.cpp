// Parsing and serialization of the <iq/>, <presence/> and <message/> envelopes.
#include "jicofo/stanza/envelope.hpp"

#include "parse_util.hpp"

#include <algorithm>
#include <array>

namespace jicofo::stanza {

using detail::bad;

namespace {

// Addressing shared by all three stanzas.
struct Addressing {
    std::optional<std::string> id;
    std::optional<Jid> from;
    std::optional<Jid> to;
};

ParseResult<Addressing> parse_addressing(const XmlElement& e) {
    Addressing a;
    a.id = detail::opt_attr(e, "id");
    auto from = detail::opt_jid_attr(e, "from");
    if (!from) {
        return core::unexpected(from.error());
    }
    auto to = detail::opt_jid_attr(e, "to");
    if (!to) {
        return core::unexpected(to.error());
    }
    a.from = std::move(from).value();
    a.to = std::move(to).value();
    return a;
}

void write_addressing(XmlElement& e, const std::optional<std::string>& id, const std::optional<Jid>& from,
                      const std::optional<Jid>& to) {
    e.set_attribute_if("id", id);
    e.set_attribute_if("from", detail::jid_text(from));
    e.set_attribute_if("to", detail::jid_text(to));
}

// Envelopes arrive in jabber:client from a stream or without a namespace from parse_xml; both are fine.
std::optional<StanzaError> expect_stanza(const XmlElement& e, std::string_view name) {
    if (e.name() != name) {
        return bad("expected <" + std::string(name) + "/>, got <" + e.name() + "/>");
    }
    return std::nullopt;
}

ParseResult<std::optional<StanzaError>> parse_error_child(const XmlElement& e) {
    const XmlElement* error = e.child("error");
    if (error == nullptr) {
        return std::optional<StanzaError>();
    }
    auto parsed = StanzaError::parse(*error);
    if (!parsed) {
        return core::unexpected(parsed.error());
    }
    return std::optional<StanzaError>(std::move(parsed).value());
}

const XmlElement* find_extension(const std::vector<XmlElement>& extensions, std::string_view name,
                                 std::string_view ns) {
    for (const auto& e : extensions) {
        if (e.name() == name && e.ns() == ns) {
            return &e;
        }
    }
    return nullptr;
}

constexpr std::array<std::string_view, 7> kPresenceTypes = {"unavailable", "error",       "probe",       "subscribe",
                                                            "subscribed",  "unsubscribe", "unsubscribed"};
constexpr std::array<std::string_view, 5> kMessageTypes = {"chat", "error", "groupchat", "headline", "normal"};

}  // namespace

std::string_view to_string(IqType type) {
    switch (type) {
        case IqType::get: return "get";
        case IqType::set: return "set";
        case IqType::result: return "result";
        case IqType::error: return "error";
    }
    return "get";
}

ParseResult<Iq> Iq::parse(const XmlElement& element) {
    if (auto problem = expect_stanza(element, "iq")) {
        return core::unexpected(*problem);
    }
    Iq iq;
    const auto type = element.attribute("type");
    if (!type) {
        return core::unexpected(bad("<iq/> without type"));
    }
    if (*type == "get") {
        iq.header.type = IqType::get;
    } else if (*type == "set") {
        iq.header.type = IqType::set;
    } else if (*type == "result") {
        iq.header.type = IqType::result;
    } else if (*type == "error") {
        iq.header.type = IqType::error;
    } else {
        return core::unexpected(bad("unknown iq type '" + std::string(*type) + "'"));
    }
    auto addressing = parse_addressing(element);
    if (!addressing) {
        return core::unexpected(addressing.error());
    }
    if (!addressing->id || addressing->id->empty()) {
        return core::unexpected(bad("<iq/> without id"));
    }
    iq.header.id = *addressing->id;
    iq.header.from = addressing->from;
    iq.header.to = addressing->to;

    std::vector<const XmlElement*> payloads;
    for (const XmlElement* child : element.elements()) {
        if (child->name() == "error" && iq.header.type == IqType::error) {
            continue;
        }
        payloads.push_back(child);
    }
    const bool request = iq.header.type == IqType::get || iq.header.type == IqType::set;
    if (request && payloads.size() != 1) {
        return core::unexpected(bad("a get/set iq needs exactly one payload, got " + std::to_string(payloads.size())));
    }
    if (!payloads.empty()) {
        iq.payload = *payloads.front();
    }
    if (iq.header.type == IqType::error) {
        auto error = parse_error_child(element);
        if (!error) {
            return core::unexpected(error.error());
        }
        // An error iq without <error/> still tells us the request failed; keep it as undefined-condition.
        iq.error = std::move(error).value().value_or(StanzaError::make(ErrorCondition::undefined_condition));
    }
    return iq;
}

XmlElement Iq::to_xml() const& {
    return Iq(*this).to_xml();
}

XmlElement Iq::to_xml() && {
    XmlElement e("iq");
    e.set_attribute("type", std::string(to_string(header.type)));
    write_addressing(e, header.id, header.from, header.to);
    if (payload) {
        e.add_child(std::move(*payload));
    }
    if (error && header.type == IqType::error) {
        e.add_child(error->to_xml());
    }
    return e;
}

Iq Iq::result_for(const Iq& request, std::optional<XmlElement> payload) {
    Iq iq;
    iq.header.type = IqType::result;
    iq.header.id = request.header.id;
    iq.header.from = request.header.to;
    iq.header.to = request.header.from;
    iq.payload = std::move(payload);
    return iq;
}

Iq Iq::error_for(const Iq& request, StanzaError error) {
    Iq iq = result_for(request);
    iq.header.type = IqType::error;
    iq.error = std::move(error);
    return iq;
}

ParseResult<Presence> Presence::parse(const XmlElement& element) {
    if (auto problem = expect_stanza(element, "presence")) {
        return core::unexpected(*problem);
    }
    Presence p;
    p.type = detail::opt_attr(element, "type");
    if (p.type && std::find(kPresenceTypes.begin(), kPresenceTypes.end(), *p.type) == kPresenceTypes.end()) {
        return core::unexpected(bad("unknown presence type '" + *p.type + "'"));
    }
    auto addressing = parse_addressing(element);
    if (!addressing) {
        return core::unexpected(addressing.error());
    }
    p.id = addressing->id;
    p.from = addressing->from;
    p.to = addressing->to;
    for (const XmlElement* child : element.elements()) {
        // show/status/priority are the stanza's own children only in the stanza's namespace.
        const bool own = child->ns() == element.ns();
        if (own && child->name() == "show") {
            p.show = child->text();
        } else if (own && child->name() == "status") {
            p.status = child->text();
        } else if (own && child->name() == "priority") {
            p.priority = detail::parse_int<int>(child->text());
        } else if (own && child->name() == "error") {
            auto error = StanzaError::parse(*child);
            if (!error) {
                return core::unexpected(error.error());
            }
            p.error = std::move(error).value();
        } else {
            p.extensions.push_back(*child);
        }
    }
    return p;
}

XmlElement Presence::to_xml() const {
    XmlElement e("presence");
    e.set_attribute_if("type", type);
    write_addressing(e, id, from, to);
    if (show) {
        e.add_text_child("show", *show);
    }
    if (status) {
        e.add_text_child("status", *status);
    }
    if (priority) {
        e.add_text_child("priority", std::to_string(*priority));
    }
    for (const auto& extension : extensions) {
        e.add_child(extension);
    }
    if (error) {
        e.add_child(error->to_xml());
    }
    return e;
}

const XmlElement* Presence::extension(std::string_view name, std::string_view ns) const {
    return find_extension(extensions, name, ns);
}

const XmlElement* Presence::extension(std::string_view name) const {
    for (const auto& e : extensions) {
        if (e.name() == name) {
            return &e;
        }
    }
    return nullptr;
}

void Presence::set_extension(XmlElement extension) {
    for (auto& existing : extensions) {
        if (existing.name() == extension.name() && existing.ns() == extension.ns()) {
            existing = std::move(extension);
            return;
        }
    }
    extensions.push_back(std::move(extension));
}

void Presence::remove_extension(std::string_view name, std::string_view ns) {
    std::erase_if(extensions, [&](const XmlElement& e) { return e.name() == name && e.ns() == ns; });
}

ParseResult<Message> Message::parse(const XmlElement& element) {
    if (auto problem = expect_stanza(element, "message")) {
        return core::unexpected(*problem);
    }
    Message m;
    m.type = detail::opt_attr(element, "type");
    if (m.type && std::find(kMessageTypes.begin(), kMessageTypes.end(), *m.type) == kMessageTypes.end()) {
        return core::unexpected(bad("unknown message type '" + *m.type + "'"));
    }
    auto addressing = parse_addressing(element);
    if (!addressing) {
        return core::unexpected(addressing.error());
    }
    m.id = addressing->id;
    m.from = addressing->from;
    m.to = addressing->to;
    for (const XmlElement* child : element.elements()) {
        const bool own = child->ns() == element.ns();
        if (own && child->name() == "body") {
            m.body = child->text();
        } else if (own && child->name() == "error") {
            auto error = StanzaError::parse(*child);
            if (!error) {
                return core::unexpected(error.error());
            }
            m.error = std::move(error).value();
        } else {
            m.extensions.push_back(*child);
        }
    }
    return m;
}

XmlElement Message::to_xml() const {
    XmlElement e("message");
    e.set_attribute_if("type", type);
    write_addressing(e, id, from, to);
    if (body) {
        e.add_text_child("body", *body);
    }
    for (const auto& extension : extensions) {
        e.add_child(extension);
    }
    if (error) {
        e.add_child(error->to_xml());
    }
    return e;
}

const XmlElement* Message::extension(std::string_view name, std::string_view ns) const {
    return find_extension(extensions, name, ns);
}

}  // namespace jicofo::stanza
