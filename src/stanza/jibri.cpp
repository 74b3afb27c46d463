// Parsing and serialization of Jibri's IQ, the recording status and the SIP call state.
#include "jicofo/stanza/jibri.hpp"

#include "jicofo/stanza/namespaces.hpp"
#include "parse_util.hpp"

#include <array>
#include <utility>

namespace jicofo::stanza {
namespace {

template <typename Enum, std::size_t N>
using Names = std::array<std::pair<Enum, std::string_view>, N>;

constexpr Names<JibriAction, 2> kActions{{{JibriAction::start, "start"}, {JibriAction::stop, "stop"}}};
constexpr Names<JibriStatusValue, 3> kStatuses{
    {{JibriStatusValue::on, "on"}, {JibriStatusValue::off, "off"}, {JibriStatusValue::pending, "pending"}}};
constexpr Names<JibriRecordingMode, 2> kModes{
    {{JibriRecordingMode::file, "file"}, {JibriRecordingMode::stream, "stream"}}};
constexpr Names<JibriFailureReason, 2> kReasons{
    {{JibriFailureReason::busy, "busy"}, {JibriFailureReason::error, "error"}}};

template <typename Enum, std::size_t N>
std::string_view name_of(const Names<Enum, N>& names, Enum value) {
    for (const auto& [v, name] : names) {
        if (v == value) {
            return name;
        }
    }
    return "undefined";
}

// An enumerated attribute: absent (or Jicofo's "undefined", in any case) is nullopt; a known name, its value.
template <typename Enum, std::size_t N>
ParseResult<std::optional<Enum>> enum_attr(const XmlElement& element, std::string_view attribute,
                                           const Names<Enum, N>& names) {
    const auto text = element.attribute(attribute);
    if (!text || text->empty() || *text == "undefined" || *text == "UNDEFINED") {
        return std::optional<Enum>();
    }
    for (const auto& [value, name] : names) {
        // Jicofo writes lower case and reads any case.
        if (text->size() == name.size() && std::equal(name.begin(), name.end(), text->begin(), [](char a, char b) {
                return a == (b >= 'A' && b <= 'Z' ? static_cast<char>(b - 'A' + 'a') : b);
            })) {
            return std::optional<Enum>(value);
        }
    }
    return core::unexpected(detail::bad("<" + element.name() + "/> has " + std::string(attribute) + "='" +
                                        std::string(*text) + "', which it does not know"));
}

template <typename Enum, std::size_t N>
void set_enum(XmlElement& element, std::string_view attribute, const std::optional<Enum>& value,
              const Names<Enum, N>& names) {
    if (value) {
        element.set_attribute(attribute, std::string(name_of(names, *value)));
    }
}

// Reads each enumerated attribute into its field; the first error stops.
template <typename Enum, std::size_t N>
std::optional<StanzaError> read(const XmlElement& element, std::string_view attribute, const Names<Enum, N>& names,
                                std::optional<Enum>& field) {
    auto value = enum_attr(element, attribute, names);
    if (!value) {
        return value.error();
    }
    field = *value;
    return std::nullopt;
}

}  // namespace

std::string_view to_string(JibriAction action) {
    return name_of(kActions, action);
}
std::string_view to_string(JibriStatusValue status) {
    return name_of(kStatuses, status);
}
std::string_view to_string(JibriRecordingMode mode) {
    return name_of(kModes, mode);
}
std::string_view to_string(JibriFailureReason reason) {
    return name_of(kReasons, reason);
}

ParseResult<JibriIq> JibriIq::parse(const XmlElement& element) {
    if (auto problem = detail::expect_element(element, "jibri", kNsJibri)) {
        return core::unexpected(*problem);
    }
    JibriIq iq;
    for (auto problem : {read(element, "action", kActions, iq.action), read(element, "status", kStatuses, iq.status),
                         read(element, "recording_mode", kModes, iq.recording_mode),
                         read(element, "failure_reason", kReasons, iq.failure_reason)}) {
        if (problem) {
            return core::unexpected(*problem);
        }
    }
    iq.stream_id = detail::opt_attr(element, "streamid");
    iq.youtube_broadcast_id = detail::opt_attr(element, "you_tube_broadcast_id");
    iq.session_id = detail::opt_attr(element, "session_id");
    iq.app_data = detail::opt_attr(element, "app_data");
    iq.display_name = detail::opt_attr(element, "displayname");
    iq.sip_address = detail::opt_attr(element, "sipaddress");
    auto room = detail::opt_jid_attr(element, "room");
    if (!room) {
        return core::unexpected(room.error());
    }
    iq.room = std::move(room).value();
    auto should_retry = detail::opt_bool_attr(element, "should_retry");
    if (!should_retry) {
        return core::unexpected(should_retry.error());
    }
    iq.should_retry = *should_retry;
    auto rtcstats = detail::opt_bool_attr(element, "rtcstats_enabled");
    if (!rtcstats) {
        return core::unexpected(rtcstats.error());
    }
    iq.rtcstats_enabled = *rtcstats;
    return iq;
}

XmlElement JibriIq::to_xml() const {
    XmlElement e("jibri", std::string(kNsJibri));
    set_enum(e, "action", action, kActions);
    set_enum(e, "status", status, kStatuses);
    set_enum(e, "recording_mode", recording_mode, kModes);
    e.set_attribute_if("room", detail::jid_text(room));
    e.set_attribute_if("streamid", stream_id);
    e.set_attribute_if("you_tube_broadcast_id", youtube_broadcast_id);
    e.set_attribute_if("displayname", display_name);
    e.set_attribute_if("sipaddress", sip_address);
    e.set_attribute_if("session_id", session_id);
    set_enum(e, "failure_reason", failure_reason, kReasons);
    if (should_retry) {
        e.set_attribute("should_retry", detail::bool_text(*should_retry));
    }
    e.set_attribute_if("app_data", app_data);
    if (rtcstats_enabled) {
        e.set_attribute("rtcstats_enabled", detail::bool_text(*rtcstats_enabled));
    }
    return e;
}

ParseResult<JibriRecordingStatus> JibriRecordingStatus::parse(const XmlElement& element) {
    if (auto problem = detail::expect_element(element, "jibri-recording-status", kNsJibri)) {
        return core::unexpected(*problem);
    }
    JibriRecordingStatus status;
    for (auto problem : {read(element, "status", kStatuses, status.status),
                         read(element, "failure_reason", kReasons, status.failure_reason),
                         read(element, "recording_mode", kModes, status.recording_mode)}) {
        if (problem) {
            return core::unexpected(*problem);
        }
    }
    status.session_id = detail::opt_attr(element, "session_id");
    auto initiator = detail::opt_jid_attr(element, "initiator");
    if (!initiator) {
        return core::unexpected(initiator.error());
    }
    status.initiator = std::move(initiator).value();
    return status;
}

XmlElement JibriRecordingStatus::to_xml() const {
    XmlElement e("jibri-recording-status", std::string(kNsJibri));
    set_enum(e, "status", status, kStatuses);
    set_enum(e, "failure_reason", failure_reason, kReasons);
    e.set_attribute_if("session_id", session_id);
    e.set_attribute_if("initiator", detail::jid_text(initiator));
    set_enum(e, "recording_mode", recording_mode, kModes);
    return e;
}

ParseResult<JibriSipCallState> JibriSipCallState::parse(const XmlElement& element) {
    if (auto problem = detail::expect_element(element, "jibri-sip-call-state", kNsJibriCallState)) {
        return core::unexpected(*problem);
    }
    JibriSipCallState state;
    for (auto problem : {read(element, "state", kStatuses, state.state),
                         read(element, "failure_reason", kReasons, state.failure_reason)}) {
        if (problem) {
            return core::unexpected(*problem);
        }
    }
    state.session_id = detail::opt_attr(element, "session_id");
    state.sip_address = detail::opt_attr(element, "sipaddress");
    return state;
}

XmlElement JibriSipCallState::to_xml() const {
    XmlElement e("jibri-sip-call-state", std::string(kNsJibriCallState));
    set_enum(e, "state", state, kStatuses);
    set_enum(e, "failure_reason", failure_reason, kReasons);
    e.set_attribute_if("session_id", session_id);
    e.set_attribute_if("sipaddress", sip_address);
    return e;
}

}  // namespace jicofo::stanza
