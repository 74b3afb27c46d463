// Rayo (urn:xmpp:rayo:1) as Jigasi speaks it (jicofo-protocol.md §4h, jitsi-xmpp-extensions' DialIq and RefIq):
//   <dial xmlns='urn:xmpp:rayo:1' to='+15551234567' from='fromnumber'>
//     <header name='JvbRoomName' value='room1@conference.example.com'/>
//   </dial>
// is what a client asks the focus for (a SIP call out, or a transcriber with to='jitsi_meet_transcribe') and what
// the focus forwards to the chosen Jigasi;
//   <ref xmlns='urn:xmpp:rayo:1' uri='xmpp:...'/>
// is the Jigasi's answer, relayed to the client. A dial needs a non-empty `to` and a ref a non-empty `uri`, as in the
// reference's provider; headers are bounded, since a client writes them.
#pragma once

#include "jicofo/stanza/stanza_error.hpp"
#include "jicofo/stanza/xml_element.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jicofo::stanza {

// The header naming the room the call belongs to; the focus refuses a dial whose header names another room.
inline constexpr std::string_view kJvbRoomNameHeader = "JvbRoomName";
// The destination that asks for a transcriber rather than a SIP call.
inline constexpr std::string_view kTranscriberDestination = "jitsi_meet_transcribe";

struct RayoHeader {
    std::string name;
    std::optional<std::string> value;
    friend bool operator==(const RayoHeader&, const RayoHeader&) = default;
};

struct RayoDial {
    // More headers than this is refused (bad-request): a client needs one or two.
    static constexpr std::size_t kMaxHeaders = 32;

    std::string to;  // the number or SIP URI to call, or kTranscriberDestination
    std::optional<std::string> from;
    std::vector<RayoHeader> headers;  // in document order

    static ParseResult<RayoDial> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;

    // The value of the first header with this name (names compare exactly, as in the reference).
    [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const;
    // Replaces the first header with this name, or appends one.
    void set_header(std::string_view name, std::string value);
    [[nodiscard]] std::optional<std::string_view> room_name_header() const { return header(kJvbRoomNameHeader); }
    [[nodiscard]] bool is_transcriber() const { return to == kTranscriberDestination; }

    friend bool operator==(const RayoDial&, const RayoDial&) = default;
};

struct RayoRef {
    std::string uri;  // e.g. xmpp:room@conference.example.com/jigasi-nick

    static ParseResult<RayoRef> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const RayoRef&, const RayoRef&) = default;
};

}  // namespace jicofo::stanza
