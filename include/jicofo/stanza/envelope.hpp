// The three top-level stanzas (<iq/>, <presence/>, <message/>): addressing and type, payloads kept as XmlElements
// so that the typed extension parsers can be applied by whoever handles them.
#pragma once

#include "jicofo/core/shared_optional.hpp"
#include "jicofo/stanza/jid.hpp"
#include "jicofo/stanza/stanza_error.hpp"
#include "jicofo/stanza/xml_element.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jicofo::stanza {

enum class IqType { get, set, result, error };

[[nodiscard]] std::string_view to_string(IqType type);

struct IqHeader {
    IqType type = IqType::get;
    std::string id;
    std::optional<Jid> from;
    std::optional<Jid> to;

    friend bool operator==(const IqHeader&, const IqHeader&) = default;
};

// Top-level stanzas are written without xmlns: the stream's default namespace (jabber:client) applies.
struct Iq {
    IqHeader header;
    std::optional<XmlElement> payload;  // required for get/set, optional for result/error
    std::optional<StanzaError> error;   // present exactly when type is error

    // Strict: type and id are required, get/set need exactly one payload, JIDs must be valid.
    static ParseResult<Iq> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const&;
    // The same, with the payload moved instead of copied (a request serialized once and sent).
    [[nodiscard]] XmlElement to_xml() &&;

    // A result/error addressed back to the sender of a request, with the same id.
    [[nodiscard]] static Iq result_for(const Iq& request, std::optional<XmlElement> payload = std::nullopt);
    [[nodiscard]] static Iq error_for(const Iq& request, StanzaError error);

    friend bool operator==(const Iq&, const Iq&) = default;
};

struct Presence {
    std::optional<std::string> type;  // absent = available; unavailable, error, subscribe, ...
    std::optional<std::string> id;
    std::optional<Jid> from;
    std::optional<Jid> to;
    std::optional<std::string> show;
    std::optional<std::string> status;
    std::optional<int> priority;
    std::vector<XmlElement> extensions;  // every other child, in order
    // Shared, not inline: rare, and a presence is kept for every brewery member and every room the focus is in.
    core::SharedOptional<StanzaError> error;

    static ParseResult<Presence> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;

    [[nodiscard]] bool is_unavailable() const { return type && *type == "unavailable"; }
    [[nodiscard]] const XmlElement* extension(std::string_view name, std::string_view ns) const;
    // Any namespace: Jitsi's jabber:client extensions (<stats-id/>, <SourceInfo/>) have the stream's namespace,
    // which is jabber:client on a connection but empty in a parsed document.
    [[nodiscard]] const XmlElement* extension(std::string_view name) const;
    // Replaces the extension with the same name and namespace, or appends it; used when re-sending our presence.
    void set_extension(XmlElement extension);
    void remove_extension(std::string_view name, std::string_view ns);

    friend bool operator==(const Presence&, const Presence&) = default;
};

struct Message {
    std::optional<std::string> type;  // chat, groupchat, normal, headline, error
    std::optional<std::string> id;
    std::optional<Jid> from;
    std::optional<Jid> to;
    std::optional<std::string> body;
    std::vector<XmlElement> extensions;
    std::optional<StanzaError> error;

    static ParseResult<Message> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    [[nodiscard]] const XmlElement* extension(std::string_view name, std::string_view ns) const;

    friend bool operator==(const Message&, const Message&) = default;
};

}  // namespace jicofo::stanza
