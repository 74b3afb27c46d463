// Parsing and serialization of the mute IQ.
#include "jicofo/stanza/mute.hpp"

#include "jicofo/stanza/namespaces.hpp"
#include "parse_util.hpp"

#include <string>

namespace jicofo::stanza {

std::string_view to_string(MuteMedia media) {
    switch (media) {
        case MuteMedia::audio: return "audio";
        case MuteMedia::video: return "video";
        case MuteMedia::desktop: return "desktop";
    }
    return "audio";
}

std::string_view mute_namespace(MuteMedia media) {
    switch (media) {
        case MuteMedia::audio: return kNsJitmeetAudio;
        case MuteMedia::video: return kNsJitmeetVideo;
        case MuteMedia::desktop: return kNsJitmeetDesktop;
    }
    return kNsJitmeetAudio;
}

std::optional<MuteMedia> mute_media_from_namespace(std::string_view ns) {
    for (const auto media : {MuteMedia::audio, MuteMedia::video, MuteMedia::desktop}) {
        if (ns == mute_namespace(media)) {
            return media;
        }
    }
    return std::nullopt;
}

ParseResult<MuteIq> MuteIq::parse(const XmlElement& element) {
    const auto media = mute_media_from_namespace(element.ns());
    if (element.name() != "mute" || !media) {
        return core::unexpected(detail::bad("expected <mute/> in a jitmeet audio, video or desktop namespace, got <" +
                                            element.name() + " xmlns='" + element.ns() + "'/>"));
    }
    MuteIq iq;
    iq.media = *media;
    auto jid = detail::opt_jid_attr(element, "jid");
    if (!jid) {
        return core::unexpected(jid.error());
    }
    iq.jid = std::move(jid).value();
    auto actor = detail::opt_jid_attr(element, "actor");
    if (!actor) {
        return core::unexpected(actor.error());
    }
    iq.actor = std::move(actor).value();
    const auto text = element.text();
    if (!text.empty()) {
        iq.mute = detail::parse_bool(text);
        if (!iq.mute) {
            return core::unexpected(detail::bad("<mute/> value '" + text + "' is neither true nor false"));
        }
    }
    return iq;
}

XmlElement MuteIq::to_xml() const {
    XmlElement e("mute", std::string(mute_namespace(media)));
    e.set_attribute_if("jid", detail::jid_text(jid));
    e.set_attribute_if("actor", detail::jid_text(actor));
    if (mute) {
        e.set_text(detail::bool_text(*mute));
    }
    return e;
}

}  // namespace jicofo::stanza
