// The XMPP stanza <error/> (RFC 6120 §8.3) as a value: both the wire element and the error of every parser here.
#pragma once

#include "jicofo/core/result.hpp"
#include "jicofo/stanza/xml_element.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace jicofo::stanza {

enum class ErrorType { cancel, continue_, modify, auth, wait };

enum class ErrorCondition {
    bad_request,
    conflict,
    feature_not_implemented,
    forbidden,
    gone,
    internal_server_error,
    item_not_found,
    jid_malformed,
    not_acceptable,
    not_allowed,
    not_authorized,
    policy_violation,
    recipient_unavailable,
    redirect,
    registration_required,
    remote_server_not_found,
    remote_server_timeout,
    resource_constraint,
    service_unavailable,
    subscription_required,
    undefined_condition,
    unexpected_request,
};

[[nodiscard]] std::string_view to_string(ErrorType type);
[[nodiscard]] std::string_view to_string(ErrorCondition condition);
[[nodiscard]] std::optional<ErrorType> error_type_from_string(std::string_view text);
[[nodiscard]] std::optional<ErrorCondition> error_condition_from_string(std::string_view text);
// The type RFC 6120 suggests for a condition (bad-request → modify, not-authorized → auth, ...).
[[nodiscard]] ErrorType default_error_type(ErrorCondition condition);

struct StanzaError {
    ErrorType type = ErrorType::cancel;
    ErrorCondition condition = ErrorCondition::undefined_condition;
    std::string text;                        // human-readable, empty when absent
    std::optional<XmlElement> app_specific;  // e.g. <session-invalid xmlns=focus/>
    std::optional<std::string> by;

    // A condition with its RFC-suggested type.
    static StanzaError make(ErrorCondition condition, std::string text = {});
    // What every parser here returns on malformed input.
    static StanzaError bad_request(std::string text) { return make(ErrorCondition::bad_request, std::move(text)); }

    // Parses <error type=..><condition xmlns=stanzas/><text>..</text><app-specific/></error>. An unknown condition
    // becomes undefined-condition rather than failing, since the type is what callers act on.
    static core::Result<StanzaError, StanzaError> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;

    // "bad-request: missing room" for logs.
    [[nodiscard]] std::string message() const;

    friend bool operator==(const StanzaError&, const StanzaError&) = default;
};

// Short alias used by every typed parser.
template <typename T>
using ParseResult = core::Result<T, StanzaError>;

}  // namespace jicofo::stanza
