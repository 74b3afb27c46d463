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

// XEP-0115 §5.4, for checking someone else's caps: the input S of the hash (§5.1) built from a disco#info result, or
// nullopt when the result is ill-formed for caps (an identity or a feature twice, two forms with one FORM_TYPE, a
// FORM_TYPE with different values). Forms whose FORM_TYPE is not of type hidden are left out, as §5.4 says.
[[nodiscard]] std::optional<std::string> caps_hash_input(const DiscoInfo& info);
// base64(hash(input)) for the caps hash algorithms we accept (IANA names: sha-1, sha-224, sha-256, sha-384,
// sha-512); nullopt for any other (md5 among them: too weak to let one answer stand for a client version).
[[nodiscard]] std::optional<std::string> caps_hash(std::string_view algorithm, std::string_view input);
[[nodiscard]] bool caps_hash_supported(std::string_view algorithm);

// Whether a disco#info result is what `caps` announced (§5.4): `ill_formed` and `mismatch` results must not stand
// for anyone but the entity that sent them, and neither may one whose hash algorithm we do not accept.
enum class CapsCheck { verified, mismatch, ill_formed, unsupported_hash };
[[nodiscard]] CapsCheck verify_caps(const EntityCaps& caps, const DiscoInfo& info);
[[nodiscard]] std::string_view to_string(CapsCheck check);

// <ping xmlns='urn:xmpp:ping'/>.
struct Ping {
    static ParseResult<Ping> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const Ping&, const Ping&) = default;
};

}  // namespace jicofo::stanza
