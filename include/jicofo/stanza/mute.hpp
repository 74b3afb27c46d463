// The mute IQ (http://jitsi.org/jitmeet/audio, /video, /desktop): a participant asks the focus to mute itself or,
// as a moderator, someone else; the focus tells a participant who muted it.
#pragma once

#include "jicofo/stanza/jid.hpp"
#include "jicofo/stanza/stanza_error.hpp"
#include "jicofo/stanza/xml_element.hpp"

#include <optional>
#include <string_view>

namespace jicofo::stanza {

enum class MuteMedia { audio, video, desktop };

[[nodiscard]] std::string_view mute_namespace(MuteMedia media);
// "audio", "video" or "desktop", as the namespaces end and as Jitsi's components name media types.
[[nodiscard]] std::string_view to_string(MuteMedia media);
[[nodiscard]] std::optional<MuteMedia> mute_media_from_namespace(std::string_view ns);

// <mute xmlns='http://jitsi.org/jitmeet/audio' jid='room@conference/nick' actor='room@conference/nick'>true</mute>.
// 'jid' names who is to be muted (requests to the focus); 'actor' who did it (the focus's notice to the muted).
// Missing jid or value parse (the handler answers bad-request); a value other than true/false or a JID that does not
// parse fails.
struct MuteIq {
    MuteMedia media = MuteMedia::audio;
    std::optional<Jid> jid;
    std::optional<Jid> actor;
    std::optional<bool> mute;

    static ParseResult<MuteIq> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const MuteIq&, const MuteIq&) = default;
};

}  // namespace jicofo::stanza
