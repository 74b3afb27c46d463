// Parsing and serialization of the <jingle/> payload, its actions and reasons, and the Jitsi extensions it carries.
#include "jicofo/stanza/jingle.hpp"

#include "jicofo/stanza/namespaces.hpp"
#include "media_parse_util.hpp"

#include <array>
#include <utility>

namespace jicofo::stanza {

using detail::bad;

namespace {

constexpr std::array<std::pair<JingleAction, std::string_view>, 12> kActions{{
    {JingleAction::session_initiate, "session-initiate"},
    {JingleAction::session_accept, "session-accept"},
    {JingleAction::session_terminate, "session-terminate"},
    {JingleAction::session_info, "session-info"},
    {JingleAction::transport_info, "transport-info"},
    {JingleAction::transport_accept, "transport-accept"},
    {JingleAction::transport_reject, "transport-reject"},
    {JingleAction::transport_replace, "transport-replace"},
    {JingleAction::source_add, "source-add"},
    {JingleAction::source_remove, "source-remove"},
    {JingleAction::addsource, "addsource"},
    {JingleAction::removesource, "removesource"},
}};

constexpr std::array<std::pair<JingleReasonCondition, std::string_view>, 17> kReasons{{
    {JingleReasonCondition::alternative_session, "alternative-session"},
    {JingleReasonCondition::busy, "busy"},
    {JingleReasonCondition::cancel, "cancel"},
    {JingleReasonCondition::connectivity_error, "connectivity-error"},
    {JingleReasonCondition::decline, "decline"},
    {JingleReasonCondition::expired, "expired"},
    {JingleReasonCondition::failed_application, "failed-application"},
    {JingleReasonCondition::failed_transport, "failed-transport"},
    {JingleReasonCondition::general_error, "general-error"},
    {JingleReasonCondition::gone, "gone"},
    {JingleReasonCondition::incompatible_parameters, "incompatible-parameters"},
    {JingleReasonCondition::media_error, "media-error"},
    {JingleReasonCondition::security_error, "security-error"},
    {JingleReasonCondition::success, "success"},
    {JingleReasonCondition::timeout, "timeout"},
    {JingleReasonCondition::unsupported_applications, "unsupported-applications"},
    {JingleReasonCondition::unsupported_transports, "unsupported-transports"},
}};

template <typename Enum, std::size_t N>
std::string_view name_of(const std::array<std::pair<Enum, std::string_view>, N>& table, Enum value,
                         std::string_view fallback) {
    for (const auto& [v, name] : table) {
        if (v == value) {
            return name;
        }
    }
    return fallback;
}

template <typename Enum, std::size_t N>
std::optional<Enum> value_of(const std::array<std::pair<Enum, std::string_view>, N>& table, std::string_view text) {
    for (const auto& [v, name] : table) {
        if (name == text) {
            return v;
        }
    }
    return std::nullopt;
}

ParseResult<std::optional<Jid>> jid_attr(const XmlElement& e, std::string_view name) {
    auto jid = detail::opt_jid_attr(e, name);
    if (!jid) {
        return core::unexpected(bad(detail::attr_label(e, name) + ": " + jid.error().text));
    }
    return jid;
}

}  // namespace

std::string_view to_string(JingleAction action) {
    return name_of(kActions, action, "unknown");
}

std::optional<JingleAction> jingle_action_from_string(std::string_view text) {
    return value_of(kActions, text);
}

std::string_view to_string(JingleReasonCondition condition) {
    return name_of(kReasons, condition, "general-error");
}

std::optional<JingleReasonCondition> jingle_reason_from_string(std::string_view text) {
    return value_of(kReasons, text);
}

ParseResult<BridgeSession> BridgeSession::parse(const XmlElement& element) {
    BridgeSession session;
    if (auto problem = detail::first_problem({
            detail::expect_element(element, "bridge-session", kNsFocus),
            detail::read_id(element, "id", session.id),
            detail::read_opt_bool(element, "restart", session.restart),
            detail::read_opt_bool(element, "ice-restart", session.ice_restart),
        })) {
        return core::unexpected(*problem);
    }
    session.region = detail::opt_attr(element, "region");
    return session;
}

XmlElement BridgeSession::to_xml() const {
    XmlElement e("bridge-session", std::string(kNsFocus));
    e.set_attribute("id", id);
    e.set_attribute_if("region", region);
    detail::set_bool_if(e, "restart", restart);
    detail::set_bool_if(e, "ice-restart", ice_restart);
    return e;
}

ParseResult<StartMuted> StartMuted::parse(const XmlElement& element) {
    StartMuted muted;
    if (auto problem = detail::first_problem({
            detail::expect_element(element, "startmuted", kNsJitmeetStartMuted),
            detail::read_flag(element, "audio", muted.audio),
            detail::read_flag(element, "video", muted.video),
        })) {
        return core::unexpected(*problem);
    }
    return muted;
}

XmlElement StartMuted::to_xml() const {
    XmlElement e("startmuted", std::string(kNsJitmeetStartMuted));
    e.set_attribute("audio", detail::bool_text(audio));
    e.set_attribute("video", detail::bool_text(video));
    return e;
}

ParseResult<JsonMessage> JsonMessage::parse(const XmlElement& element) {
    if (auto problem = detail::expect_element(element, "json-message", kNsJitmeet)) {
        return core::unexpected(*problem);
    }
    JsonMessage message{element.text(), std::nullopt};
    if (auto room = element.attribute("room")) {
        message.room = std::string(*room);
    }
    return message;
}

XmlElement JsonMessage::to_xml() const {
    XmlElement e("json-message", std::string(kNsJitmeet));
    e.set_attribute_if("room", room);
    if (!json.empty()) {
        e.add_text(json);
    }
    return e;
}

ParseResult<JingleReason> JingleReason::parse(const XmlElement& element) {
    if (auto problem = detail::expect_element(element, "reason", kNsJingle)) {
        return core::unexpected(*problem);
    }
    JingleReason reason;
    bool have_condition = false;
    for (const XmlElement* child : element.elements()) {
        if (child->ns() != kNsJingle) {
            continue;  // application-specific detail, which jicofo does not use
        }
        if (child->name() == "text") {
            reason.text = child->text();
        } else if (!have_condition) {
            const auto condition = jingle_reason_from_string(child->name());
            if (!condition) {
                return core::unexpected(bad("unknown Jingle reason <" + child->name() + "/>"));
            }
            reason.condition = *condition;
            have_condition = true;
        }
    }
    if (!have_condition) {
        return core::unexpected(bad("<reason/> without a condition"));
    }
    return reason;
}

XmlElement JingleReason::to_xml() const {
    XmlElement e("reason", std::string(kNsJingle));
    e.add_child(XmlElement(std::string(to_string(condition))));
    if (text) {
        e.add_text_child("text", *text);
    }
    return e;
}

ParseResult<IceState> IceState::parse(const XmlElement& element) {
    if (auto problem = detail::expect_element(element, "ice-state", kNsFocus)) {
        return core::unexpected(*problem);
    }
    return IceState{element.text()};
}

XmlElement IceState::to_xml() const {
    XmlElement e("ice-state", std::string(kNsFocus));
    if (!state.empty()) {
        e.add_text(state);
    }
    return e;
}

ParseResult<Jingle> Jingle::parse(const XmlElement& element) {
    if (auto problem = detail::expect_element(element, "jingle", kNsJingle)) {
        return core::unexpected(*problem);
    }
    Jingle jingle;
    std::string action;
    if (auto problem = detail::first_problem({
            detail::read_id(element, "action", action),
            detail::read_id(element, "sid", jingle.sid),
            detail::read_children(element, "content", kNsJingle, jingle.contents),
            detail::read_child(element, "group", kNsJingleGrouping, jingle.group),
            detail::read_child(element, "bridge-session", kNsFocus, jingle.bridge_session),
            detail::read_child(element, "startmuted", kNsJitmeetStartMuted, jingle.start_muted),
            detail::read_child(element, "json-message", kNsJitmeet, jingle.json_message),
            detail::read_child(element, "reason", kNsJingle, jingle.reason),
            detail::read_child(element, "ice-state", kNsFocus, jingle.ice_state),
        })) {
        return core::unexpected(*problem);
    }
    if (const auto known = jingle_action_from_string(action)) {
        jingle.action = *known;
    } else {
        jingle.action = JingleAction::unknown;
        jingle.unknown_action = std::move(action);
    }
    auto initiator = jid_attr(element, "initiator");
    if (!initiator) {
        return core::unexpected(initiator.error());
    }
    jingle.initiator = std::move(initiator).value();
    auto responder = jid_attr(element, "responder");
    if (!responder) {
        return core::unexpected(responder.error());
    }
    jingle.responder = std::move(responder).value();
    return jingle;
}

XmlElement Jingle::to_xml() const {
    XmlElement e("jingle", std::string(kNsJingle));
    e.set_attribute("action", std::string(action_name()));
    e.set_attribute_if("initiator", detail::jid_text(initiator));
    e.set_attribute_if("responder", detail::jid_text(responder));
    e.set_attribute("sid", sid);
    // The order of the focus's session-initiate and of a client's session-terminate (reason, then bridge-session).
    detail::add_all(e, contents);
    if (group) {
        e.add_child(group->to_xml());
    }
    if (reason) {
        e.add_child(reason->to_xml());
    }
    if (bridge_session) {
        e.add_child(bridge_session->to_xml());
    }
    if (ice_state) {
        e.add_child(ice_state->to_xml());
    }
    if (start_muted) {
        e.add_child(start_muted->to_xml());
    }
    if (json_message) {
        e.add_child(json_message->to_xml());
    }
    return e;
}

std::string_view Jingle::action_name() const {
    return action == JingleAction::unknown ? std::string_view(unknown_action) : to_string(action);
}

const JingleContent* Jingle::content(std::string_view name) const {
    for (const auto& c : contents) {
        if (c.name == name) {
            return &c;
        }
    }
    return nullptr;
}

}  // namespace jicofo::stanza
