// Data forms (XEP-0004, jabber:x:data): room configuration submits and room/extended disco info.
#pragma once

#include "jicofo/stanza/stanza_error.hpp"
#include "jicofo/stanza/xml_element.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jicofo::stanza {

struct DataFormField {
    std::string var;
    std::optional<std::string> type;  // text-single, boolean, hidden, list-multi, ...
    std::optional<std::string> label;
    std::vector<std::string> values;

    friend bool operator==(const DataFormField&, const DataFormField&) = default;
};

// <x xmlns='jabber:x:data' type><title/><instructions/><field var type label><value/>...</field></x>.
// Multi-item result forms (<reported/>, <item/>) are not modelled: jicofo never reads them.
struct DataForm {
    std::string type = "submit";  // form, submit, cancel, result
    std::optional<std::string> title;
    std::optional<std::string> instructions;
    std::vector<DataFormField> fields;

    static ParseResult<DataForm> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;

    [[nodiscard]] const DataFormField* field(std::string_view var) const;
    // The first value of a field, if the field exists and has one.
    [[nodiscard]] std::optional<std::string_view> value(std::string_view var) const;
    // The value of the hidden FORM_TYPE field that names the form's schema.
    [[nodiscard]] std::optional<std::string_view> form_type() const { return value("FORM_TYPE"); }
    // Replaces a field's values (keeping its position) or appends a new field.
    void set_field(std::string_view var, std::vector<std::string> values,
                   std::optional<std::string> type = std::nullopt);
    void set_field(std::string_view var, std::string value, std::optional<std::string> type = std::nullopt) {
        set_field(var, std::vector<std::string>{std::move(value)}, std::move(type));
    }

    friend bool operator==(const DataForm&, const DataForm&) = default;
};

// Well-known form types and fields.
inline constexpr std::string_view kFormTypeRoomConfig = "http://jabber.org/protocol/muc#roomconfig";
inline constexpr std::string_view kFormTypeRoomInfo = "http://jabber.org/protocol/muc#roominfo";
inline constexpr std::string_view kFieldRoomConfigWhois = "muc#roomconfig_whois";
inline constexpr std::string_view kFieldRoomInfoMeetingId = "muc#roominfo_meetingId";
inline constexpr std::string_view kFieldRoomInfoIsBreakout = "muc#roominfo_isbreakout";
inline constexpr std::string_view kFieldRoomInfoBreakoutMainRoom = "muc#roominfo_breakout_main_room";

}  // namespace jicofo::stanza
