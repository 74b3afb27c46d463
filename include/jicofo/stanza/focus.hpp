// The focus namespace (http://jitsi.org/protocol/focus): the conference request, login/logout IQs and the focus's
// own presence extensions.
#pragma once

#include "jicofo/stanza/jid.hpp"
#include "jicofo/stanza/stanza_error.hpp"
#include "jicofo/stanza/xml_element.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jicofo::stanza {

struct ConferenceProperty {
    std::string name;
    std::string value;
    friend bool operator==(const ConferenceProperty&, const ConferenceProperty&) = default;
};

// <conference xmlns=focus room ready focusjid session-id machine-uid identity vnode token><property name value/>.
// A request without room parses (the handler answers bad-request); a room that is not a bare local@domain JID fails.
struct ConferenceIq {
    std::optional<Jid> room;
    std::optional<bool> ready;
    std::optional<Jid> focus_jid;  // written as 'focusjid'; 'focusJid' is accepted on input
    std::optional<std::string> session_id;
    std::optional<std::string> machine_uid;
    std::optional<std::string> identity;
    std::optional<std::string> vnode;
    std::optional<std::string> token;
    std::vector<ConferenceProperty> properties;  // in wire order; names may repeat, the first wins on lookup

    static ParseResult<ConferenceIq> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;

    [[nodiscard]] std::optional<std::string_view> property(std::string_view name) const;
    // Replaces the first property with this name or appends one.
    void set_property(std::string_view name, std::string value);

    friend bool operator==(const ConferenceIq&, const ConferenceIq&) = default;
};

// <login-url xmlns=focus room machine-uid popup url/>. Jicofo URL-encodes 'url' on the wire (Java URLEncoder) and
// clients decode it; this struct holds the decoded value.
struct LoginUrlIq {
    std::optional<Jid> room;
    std::optional<std::string> machine_uid;
    std::optional<bool> popup;
    std::optional<std::string> url;

    static ParseResult<LoginUrlIq> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const LoginUrlIq&, const LoginUrlIq&) = default;
};

// <logout xmlns=focus session-id logout-url/>; 'logout-url' is URL-encoded on the wire like LoginUrlIq::url.
struct LogoutIq {
    std::optional<std::string> session_id;
    std::optional<std::string> logout_url;

    static ParseResult<LogoutIq> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const LogoutIq&, const LogoutIq&) = default;
};

// <conference-properties xmlns=focus><property key value/>...</conference-properties> in the focus's MUC presence.
struct ConferenceProperties {
    struct Entry {
        std::string key;
        std::string value;
        friend bool operator==(const Entry&, const Entry&) = default;
    };
    std::vector<Entry> entries;

    static ParseResult<ConferenceProperties> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;

    [[nodiscard]] std::optional<std::string_view> get(std::string_view key) const;
    void set(std::string_view key, std::string value);
    void erase(std::string_view key);
    friend bool operator==(const ConferenceProperties&, const ConferenceProperties&) = default;
};

// <bridgeNotAvailable xmlns=focus/>, published while bridge selection fails.
struct BridgeNotAvailable {
    static ParseResult<BridgeNotAvailable> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const BridgeNotAvailable&, const BridgeNotAvailable&) = default;
};

// <session-invalid xmlns=focus/>, the app-specific condition of a not-acceptable conference IQ error.
struct SessionInvalid {
    static ParseResult<SessionInvalid> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const SessionInvalid&, const SessionInvalid&) = default;
};

// application/x-www-form-urlencoded, as java.net.URLEncoder/URLDecoder do it (space <-> '+').
[[nodiscard]] std::string form_url_encode(std::string_view text);
[[nodiscard]] std::string form_url_decode(std::string_view text);

}  // namespace jicofo::stanza
