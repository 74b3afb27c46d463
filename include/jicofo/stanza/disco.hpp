// Service discovery (XEP-0030), entity capabilities (XEP-0115) and XMPP ping (XEP-0199).
#pragma once

#include "jicofo/stanza/data_form.hpp"
#include "jicofo/stanza/jid.hpp"
#include "jicofo/stanza/stanza_error.hpp"
#include "jicofo/stanza/xml_element.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jicofo::stanza {

struct DiscoIdentity {
    std::string category;
    std::string type;
    std::optional<std::string> name;
    std::optional<std::string> lang;  // xml:lang

    friend bool operator==(const DiscoIdentity&, const DiscoIdentity&) = default;
};

// <query xmlns=disco#info node><identity/><feature var/><x xmlns=jabber:x:data/></query>.
struct DiscoInfo {
    std::optional<std::string> node;
    std::vector<DiscoIdentity> identities;
    std::vector<std::string> features;
    std::vector<DataForm> extensions;  // e.g. muc#roominfo

    static ParseResult<DiscoInfo> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;

    [[nodiscard]] bool has_feature(std::string_view var) const;
    [[nodiscard]] bool has_identity(std::string_view category, std::string_view type) const;
    // The extension form whose FORM_TYPE is form_type.
    [[nodiscard]] const DataForm* extension(std::string_view form_type) const;

    friend bool operator==(const DiscoInfo&, const DiscoInfo&) = default;
};

struct DiscoItem {
    Jid jid;
    std::optional<std::string> node;
    std::optional<std::string> name;
    friend bool operator==(const DiscoItem&, const DiscoItem&) = default;
};

// <query xmlns=disco#items node><item jid node name/></query>. An item needs a valid jid.
struct DiscoItems {
    std::optional<std::string> node;
    std::vector<DiscoItem> items;

    static ParseResult<DiscoItems> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const DiscoItems&, const DiscoItems&) = default;
};

// <c xmlns=caps hash node ver/>. hash, node and ver are required by XEP-0115.
struct EntityCaps {
    std::string hash = "sha-1";
    std::string node;
    std::string ver;

    static ParseResult<EntityCaps> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;

    // The XEP-0115 §5.1 verification string of a disco#info (SHA-1, base64), for publishing our own caps.
    [[nodiscard]] static std::string compute_ver(const DiscoInfo& info);
    friend bool operator==(const EntityCaps&, const EntityCaps&) = default;
};

// <ping xmlns='urn:xmpp:ping'/>.
struct Ping {
    static ParseResult<Ping> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const Ping&, const Ping&) = default;
};

}  // namespace jicofo::stanza
