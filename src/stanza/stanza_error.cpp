// Mapping of RFC 6120 error types and defined conditions to and from their wire names.
#include "jicofo/stanza/stanza_error.hpp"

#include "jicofo/stanza/namespaces.hpp"

#include <array>
#include <utility>

namespace jicofo::stanza {
namespace {

struct ConditionInfo {
    ErrorCondition condition;
    std::string_view name;
    ErrorType type;
};

constexpr std::array<ConditionInfo, 22> kConditions{{
    {ErrorCondition::bad_request, "bad-request", ErrorType::modify},
    {ErrorCondition::conflict, "conflict", ErrorType::cancel},
    {ErrorCondition::feature_not_implemented, "feature-not-implemented", ErrorType::cancel},
    {ErrorCondition::forbidden, "forbidden", ErrorType::auth},
    {ErrorCondition::gone, "gone", ErrorType::cancel},
    {ErrorCondition::internal_server_error, "internal-server-error", ErrorType::cancel},
    {ErrorCondition::item_not_found, "item-not-found", ErrorType::cancel},
    {ErrorCondition::jid_malformed, "jid-malformed", ErrorType::modify},
    {ErrorCondition::not_acceptable, "not-acceptable", ErrorType::modify},
    {ErrorCondition::not_allowed, "not-allowed", ErrorType::cancel},
    {ErrorCondition::not_authorized, "not-authorized", ErrorType::auth},
    {ErrorCondition::policy_violation, "policy-violation", ErrorType::modify},
    {ErrorCondition::recipient_unavailable, "recipient-unavailable", ErrorType::wait},
    {ErrorCondition::redirect, "redirect", ErrorType::modify},
    {ErrorCondition::registration_required, "registration-required", ErrorType::auth},
    {ErrorCondition::remote_server_not_found, "remote-server-not-found", ErrorType::cancel},
    {ErrorCondition::remote_server_timeout, "remote-server-timeout", ErrorType::wait},
    {ErrorCondition::resource_constraint, "resource-constraint", ErrorType::wait},
    {ErrorCondition::service_unavailable, "service-unavailable", ErrorType::cancel},
    {ErrorCondition::subscription_required, "subscription-required", ErrorType::auth},
    {ErrorCondition::undefined_condition, "undefined-condition", ErrorType::cancel},
    {ErrorCondition::unexpected_request, "unexpected-request", ErrorType::wait},
}};

constexpr std::array<std::pair<ErrorType, std::string_view>, 5> kTypes{{
    {ErrorType::cancel, "cancel"},
    {ErrorType::continue_, "continue"},
    {ErrorType::modify, "modify"},
    {ErrorType::auth, "auth"},
    {ErrorType::wait, "wait"},
}};

}  // namespace

std::string_view to_string(ErrorType type) {
    for (const auto& [t, name] : kTypes) {
        if (t == type) {
            return name;
        }
    }
    return "cancel";
}

std::string_view to_string(ErrorCondition condition) {
    for (const auto& info : kConditions) {
        if (info.condition == condition) {
            return info.name;
        }
    }
    return "undefined-condition";
}

std::optional<ErrorType> error_type_from_string(std::string_view text) {
    for (const auto& [t, name] : kTypes) {
        if (name == text) {
            return t;
        }
    }
    return std::nullopt;
}

std::optional<ErrorCondition> error_condition_from_string(std::string_view text) {
    for (const auto& info : kConditions) {
        if (info.name == text) {
            return info.condition;
        }
    }
    return std::nullopt;
}

ErrorType default_error_type(ErrorCondition condition) {
    for (const auto& info : kConditions) {
        if (info.condition == condition) {
            return info.type;
        }
    }
    return ErrorType::cancel;
}

StanzaError StanzaError::make(ErrorCondition condition, std::string text) {
    StanzaError error;
    error.type = default_error_type(condition);
    error.condition = condition;
    error.text = std::move(text);
    return error;
}

core::Result<StanzaError, StanzaError> StanzaError::parse(const XmlElement& element) {
    if (element.name() != "error") {
        return core::unexpected(bad_request("expected <error/>, got <" + element.name() + "/>"));
    }
    StanzaError error;
    const auto type = element.attribute("type");
    if (!type) {
        return core::unexpected(bad_request("<error/> without type"));
    }
    const auto parsed_type = error_type_from_string(*type);
    if (!parsed_type) {
        return core::unexpected(bad_request("unknown error type '" + std::string(*type) + "'"));
    }
    error.type = *parsed_type;
    if (const auto by = element.attribute("by")) {
        error.by = std::string(*by);
    }
    bool have_condition = false;
    for (const XmlElement* child : element.elements()) {
        if (child->ns() == kNsStanzas) {
            if (child->name() == "text") {
                error.text = child->text();
            } else if (!have_condition) {
                error.condition =
                    error_condition_from_string(child->name()).value_or(ErrorCondition::undefined_condition);
                have_condition = true;
            }
        } else if (!error.app_specific) {
            error.app_specific = *child;
        }
    }
    return error;
}

XmlElement StanzaError::to_xml() const {
    XmlElement element("error");
    element.set_attribute("type", std::string(to_string(type)));
    element.set_attribute_if("by", by);
    element.add_child(XmlElement(std::string(to_string(condition)), std::string(kNsStanzas)));
    if (!text.empty()) {
        element.add_child(XmlElement("text", std::string(kNsStanzas))).add_text(text);
    }
    if (app_specific) {
        element.add_child(*app_specific);
    }
    return element;
}

std::string StanzaError::message() const {
    std::string out(to_string(condition));
    if (!text.empty()) {
        out += ": ";
        out += text;
    }
    return out;
}

}  // namespace jicofo::stanza
