// Parsing and serialization of the colibri2 parts an endpoint or relay is made of: media, transport, SCTP, sources
// and force-mute.
#include "jicofo/stanza/colibri2.hpp"

#include "jicofo/stanza/namespaces.hpp"
#include "media_parse_util.hpp"

#include <algorithm>

namespace jicofo::stanza {

using detail::bad;

namespace {

std::optional<StanzaError> read_media_type(const XmlElement& e, MediaType& out) {
    const auto text = e.attribute("type");
    if (!text) {
        return bad("<" + e.name() + "/> without 'type'");
    }
    const auto type = media_type_from_string(*text);
    if (!type) {
        return bad("<" + e.name() + "/> 'type' is not audio or video: '" + std::string(*text) + "'");
    }
    out = *type;
    return std::nullopt;
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
    return out;
}

}  // namespace

ParseResult<Colibri2Media> Colibri2Media::parse(const XmlElement& element) {
    Colibri2Media media;
    if (auto problem = detail::first_problem({
            detail::expect_element(element, "media", kNsColibri2),
            read_media_type(element, media.type),
            detail::read_children(element, "payload-type", kNsJingleRtp, media.payload_types),
            detail::read_children(element, "rtp-hdrext", kNsJingleRtpHdrext, media.hdrexts),
        })) {
        return core::unexpected(*problem);
    }
    media.extmap_allow_mixed = element.child("extmap-allow-mixed", kNsJingleRtpHdrext) != nullptr;
    return media;
}

XmlElement Colibri2Media::to_xml() const {
    XmlElement e("media", std::string(kNsColibri2));
    e.set_attribute("type", std::string(to_string(type)));
    detail::add_all(e, payload_types);
    detail::add_all(e, hdrexts);
    if (extmap_allow_mixed) {
        e.add_child(XmlElement("extmap-allow-mixed", std::string(kNsJingleRtpHdrext)));
    }
    return e;
}

ParseResult<Colibri2Sctp> Colibri2Sctp::parse(const XmlElement& element) {
    Colibri2Sctp sctp;
    if (auto problem = detail::first_problem({
            detail::expect_element(element, "sctp", kNsColibri2),
            detail::read_opt_number(element, "port", sctp.port),
        })) {
        return core::unexpected(*problem);
    }
    if (const auto role = element.attribute("role")) {
        const auto value = lower(*role);
        if (value == "client") {
            sctp.role = SctpRole::client;
        } else if (value == "server") {
            sctp.role = SctpRole::server;
        } else {
            return core::unexpected(bad("<sctp/> 'role' is not client or server: '" + std::string(*role) + "'"));
        }
    }
    return sctp;
}

XmlElement Colibri2Sctp::to_xml() const {
    XmlElement e("sctp", std::string(kNsColibri2));
    detail::set_number_if(e, "port", port);
    if (role) {
        e.set_attribute("role", *role == SctpRole::client ? "client" : "server");
    }
    return e;
}

ParseResult<Colibri2Transport> Colibri2Transport::parse(const XmlElement& element) {
    Colibri2Transport t;
    if (auto problem = detail::first_problem({
            detail::expect_element(element, "transport", kNsColibri2),
            detail::read_opt_bool(element, "ice-controlling", t.ice_controlling),
            detail::read_opt_bool(element, "use-unique-port", t.use_unique_port),
            detail::read_opt_bool(element, "ice-restart", t.ice_restart),
            detail::read_child(element, "transport", kNsJingleIceUdp, t.ice_udp),
            detail::read_child(element, "sctp", kNsColibri2, t.sctp),
        })) {
        return core::unexpected(*problem);
    }
    return t;
}

XmlElement Colibri2Transport::to_xml() const {
    XmlElement e("transport", std::string(kNsColibri2));
    detail::set_bool_if(e, "ice-controlling", ice_controlling);
    detail::set_bool_if(e, "use-unique-port", use_unique_port);
    detail::set_bool_if(e, "ice-restart", ice_restart);
    if (ice_udp) {
        e.add_child(ice_udp->to_xml());
    }
    if (sctp) {
        e.add_child(sctp->to_xml());
    }
    return e;
}

ParseResult<MediaSource> MediaSource::parse(const XmlElement& element) {
    MediaSource ms;
    if (auto problem = detail::first_problem({
            detail::expect_element(element, "media-source", kNsColibri2),
            read_media_type(element, ms.type),
            detail::read_id(element, "id", ms.id),
            detail::read_flag(element, "synthetic", ms.synthetic),
            detail::read_children(element, "source", kNsJingleSsma, ms.sources),
            detail::read_children(element, "ssrc-group", kNsJingleSsma, ms.ssrc_groups),
        })) {
        return core::unexpected(ms.id.empty() ? *problem : bad("media-source '" + ms.id + "': " + problem->text));
    }
    return ms;
}

XmlElement MediaSource::to_xml() const {
    XmlElement e("media-source", std::string(kNsColibri2));
    e.set_attribute("type", std::string(to_string(type)));
    e.set_attribute("id", id);
    detail::set_flag_if(e, "synthetic", synthetic);
    detail::add_all(e, sources);
    detail::add_all(e, ssrc_groups);
    return e;
}

ParseResult<Colibri2Sources> Colibri2Sources::parse(const XmlElement& element) {
    Colibri2Sources sources;
    if (auto problem = detail::first_problem({
            detail::expect_element(element, "sources", kNsColibri2),
            detail::read_children(element, "media-source", kNsColibri2, sources.media_sources),
        })) {
        return core::unexpected(*problem);
    }
    return sources;
}

XmlElement Colibri2Sources::to_xml() const {
    XmlElement e("sources", std::string(kNsColibri2));
    detail::add_all(e, media_sources);
    return e;
}

ParseResult<ForceMute> ForceMute::parse(const XmlElement& element) {
    ForceMute mute;
    if (auto problem = detail::first_problem({
            detail::expect_element(element, "force-mute", kNsColibri2),
            detail::read_flag(element, "audio", mute.audio),
            detail::read_flag(element, "video", mute.video),
        })) {
        return core::unexpected(*problem);
    }
    return mute;
}

XmlElement ForceMute::to_xml() const {
    XmlElement e("force-mute", std::string(kNsColibri2));
    e.set_attribute("audio", detail::bool_text(audio));
    e.set_attribute("video", detail::bool_text(video));
    return e;
}

}  // namespace jicofo::stanza
