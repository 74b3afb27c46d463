// Parsing and serialization of the RTP building blocks shared by Jingle and colibri2.
#include "jicofo/stanza/jingle_rtp.hpp"

#include "jicofo/stanza/namespaces.hpp"
#include "media_parse_util.hpp"

namespace jicofo::stanza {

using detail::bad;

namespace {

constexpr std::int64_t kMaxPayloadType = 127;  // RTP's 7-bit payload type
constexpr std::int64_t kMaxPort = 65535;
constexpr std::int64_t kMaxIceComponent = 256;  // RFC 8445 §5.1.1.1

std::optional<StanzaError> expect(const XmlElement& e, std::string_view name, std::string_view ns) {
    return detail::expect_element(e, name, ns);
}

}  // namespace

std::string_view to_string(MediaType type) {
    return type == MediaType::audio ? "audio" : "video";
}

std::optional<MediaType> media_type_from_string(std::string_view text) {
    if (text == "audio") {
        return MediaType::audio;
    }
    if (text == "video") {
        return MediaType::video;
    }
    return std::nullopt;
}

ParseResult<RtpParameter> RtpParameter::parse(const XmlElement& element) {
    RtpParameter p;
    if (auto problem =
            detail::first_problem({expect(element, "parameter", {}), detail::read_required(element, "name", p.name)})) {
        return core::unexpected(*problem);
    }
    p.value = detail::opt_attr(element, "value");
    return p;
}

XmlElement RtpParameter::to_xml() const {
    XmlElement e("parameter");
    e.set_attribute("name", name);
    e.set_attribute_if("value", value);
    return e;
}

ParseResult<RtcpFb> RtcpFb::parse(const XmlElement& element) {
    RtcpFb fb;
    if (auto problem = detail::first_problem(
            {expect(element, "rtcp-fb", kNsJingleRtcpFb), detail::read_required(element, "type", fb.type)})) {
        return core::unexpected(*problem);
    }
    fb.subtype = detail::opt_attr(element, "subtype");
    return fb;
}

XmlElement RtcpFb::to_xml() const {
    XmlElement e("rtcp-fb", std::string(kNsJingleRtcpFb));
    e.set_attribute("type", type);
    e.set_attribute_if("subtype", subtype);
    return e;
}

ParseResult<PayloadType> PayloadType::parse(const XmlElement& element) {
    if (auto problem = expect(element, "payload-type", kNsJingleRtp)) {
        return core::unexpected(*problem);
    }
    PayloadType pt;
    if (auto problem = detail::first_problem({
            detail::read_number(element, "id", pt.id, 0, kMaxPayloadType),
            detail::read_opt_number(element, "clockrate", pt.clockrate),
            detail::read_opt_number(element, "channels", pt.channels),
            detail::read_opt_number(element, "ptime", pt.ptime),
            detail::read_opt_number(element, "maxptime", pt.maxptime),
            detail::read_children(element, "parameter", kNsJingleRtp, pt.parameters),
            detail::read_children(element, "rtcp-fb", kNsJingleRtcpFb, pt.rtcp_fbs),
        })) {
        return core::unexpected(*problem);
    }
    pt.name = element.attribute("name").value_or("");
    return pt;
}

XmlElement PayloadType::to_xml() const {
    XmlElement e("payload-type", std::string(kNsJingleRtp));
    detail::set_number(e, "id", id);
    if (!name.empty()) {
        e.set_attribute("name", name);
    }
    detail::set_number_if(e, "clockrate", clockrate);
    detail::set_number_if(e, "channels", channels);
    detail::set_number_if(e, "ptime", ptime);
    detail::set_number_if(e, "maxptime", maxptime);
    detail::add_all(e, parameters);
    detail::add_all(e, rtcp_fbs);
    return e;
}

std::optional<std::string_view> PayloadType::parameter(std::string_view parameter_name) const {
    for (const auto& p : parameters) {
        if (p.name == parameter_name) {
            return p.value ? std::string_view(*p.value) : std::string_view();
        }
    }
    return std::nullopt;
}

ParseResult<RtpHdrExt> RtpHdrExt::parse(const XmlElement& element) {
    RtpHdrExt ext;
    if (auto problem = detail::first_problem({
            expect(element, "rtp-hdrext", kNsJingleRtpHdrext),
            detail::read_number(element, "id", ext.id, 1, 255),
            detail::read_required(element, "uri", ext.uri),
        })) {
        return core::unexpected(*problem);
    }
    ext.senders = detail::opt_attr(element, "senders");
    return ext;
}

XmlElement RtpHdrExt::to_xml() const {
    XmlElement e("rtp-hdrext", std::string(kNsJingleRtpHdrext));
    detail::set_number(e, "id", id);
    e.set_attribute("uri", uri);
    e.set_attribute_if("senders", senders);
    return e;
}

ParseResult<Source> Source::parse(const XmlElement& element) {
    Source s;
    if (auto problem = detail::first_problem({
            expect(element, "source", kNsJingleSsma),
            detail::read_number(element, "ssrc", s.ssrc),
            detail::read_children(element, "parameter", kNsJingleSsma, s.parameters),
        })) {
        return core::unexpected(*problem);
    }
    s.name = detail::opt_attr(element, "name");
    s.video_type = detail::opt_attr(element, "videoType");
    if (const XmlElement* info = element.child("ssrc-info", kNsJitmeet)) {
        s.owner = detail::opt_attr(*info, "owner");
    }
    return s;
}

XmlElement Source::to_xml() const {
    XmlElement e("source", std::string(kNsJingleSsma));
    detail::set_number(e, "ssrc", ssrc);
    e.set_attribute_if("name", name);
    e.set_attribute_if("videoType", video_type);
    if (owner) {
        e.add_child(XmlElement("ssrc-info", std::string(kNsJitmeet))).set_attribute("owner", *owner);
    }
    detail::add_all(e, parameters);
    return e;
}

std::optional<std::string_view> Source::msid() const {
    for (const auto& p : parameters) {
        if (p.name == "msid" && p.value) {
            return std::string_view(*p.value);
        }
    }
    return std::nullopt;
}

ParseResult<SsrcGroup> SsrcGroup::parse(const XmlElement& element) {
    SsrcGroup group;
    if (auto problem = detail::first_problem(
            {expect(element, "ssrc-group", kNsJingleSsma), detail::read_id(element, "semantics", group.semantics)})) {
        return core::unexpected(*problem);
    }
    for (const XmlElement* source : element.children("source", kNsJingleSsma)) {
        std::uint32_t ssrc = 0;
        if (auto problem = detail::read_number(*source, "ssrc", ssrc)) {
            return core::unexpected(bad("<ssrc-group semantics='" + group.semantics + "'/>: " + problem->text));
        }
        group.ssrcs.push_back(ssrc);
    }
    return group;
}

XmlElement SsrcGroup::to_xml() const {
    XmlElement e("ssrc-group", std::string(kNsJingleSsma));
    e.set_attribute("semantics", semantics);
    for (const auto ssrc : ssrcs) {
        detail::set_number(e.add_child(XmlElement("source")), "ssrc", ssrc);
    }
    return e;
}

ParseResult<DtlsFingerprint> DtlsFingerprint::parse(const XmlElement& element) {
    DtlsFingerprint fp;
    if (auto problem = detail::first_problem({
            expect(element, "fingerprint", kNsJingleDtls),
            detail::read_required(element, "hash", fp.hash),
            detail::read_opt_bool(element, "cryptex", fp.cryptex),
        })) {
        return core::unexpected(*problem);
    }
    fp.setup = detail::opt_attr(element, "setup");
    fp.value = element.text();
    return fp;
}

XmlElement DtlsFingerprint::to_xml() const {
    XmlElement e("fingerprint", std::string(kNsJingleDtls));
    e.set_attribute("hash", hash);
    e.set_attribute_if("setup", setup);
    detail::set_bool_if(e, "cryptex", cryptex);
    if (!value.empty()) {
        e.add_text(value);
    }
    return e;
}

ParseResult<IceCandidate> IceCandidate::parse(const XmlElement& element) {
    IceCandidate c;
    if (auto problem = detail::first_problem({
            expect(element, "candidate", {}),
            detail::read_number(element, "component", c.component, 1, kMaxIceComponent),
            detail::read_required(element, "foundation", c.foundation),
            detail::read_number(element, "generation", c.generation),
            detail::read_required(element, "id", c.id),
            detail::read_id(element, "ip", c.ip),
            detail::read_number(element, "port", c.port, 0, kMaxPort),
            detail::read_number(element, "priority", c.priority),
            detail::read_required(element, "protocol", c.protocol),
            detail::read_required(element, "type", c.type),
            detail::read_opt_number(element, "rel-port", c.rel_port, 0, kMaxPort),
        })) {
        return core::unexpected(*problem);
    }
    c.network = detail::opt_attr(element, "network");
    c.rel_addr = detail::opt_attr(element, "rel-addr");
    c.tcptype = detail::opt_attr(element, "tcptype");
    return c;
}

XmlElement IceCandidate::to_xml() const {
    XmlElement e("candidate");
    detail::set_number(e, "component", component);
    e.set_attribute("foundation", foundation);
    detail::set_number(e, "generation", generation);
    e.set_attribute("id", id);
    e.set_attribute("ip", ip);
    detail::set_number(e, "port", port);
    detail::set_number(e, "priority", priority);
    e.set_attribute("protocol", protocol);
    e.set_attribute("type", type);
    e.set_attribute_if("network", network);
    e.set_attribute_if("rel-addr", rel_addr);
    detail::set_number_if(e, "rel-port", rel_port);
    e.set_attribute_if("tcptype", tcptype);
    return e;
}

ParseResult<SctpMap> SctpMap::parse(const XmlElement& element) {
    SctpMap map;
    if (auto problem = detail::first_problem({
            expect(element, "sctpmap", kNsJingleDtlsSctp),
            detail::read_number(element, "number", map.number, 0, kMaxPort),
            detail::read_required(element, "protocol", map.protocol),
            detail::read_opt_number(element, "streams", map.streams),
        })) {
        return core::unexpected(*problem);
    }
    return map;
}

XmlElement SctpMap::to_xml() const {
    XmlElement e("sctpmap", std::string(kNsJingleDtlsSctp));
    detail::set_number(e, "number", number);
    e.set_attribute("protocol", protocol);
    detail::set_number_if(e, "streams", streams);
    return e;
}

ParseResult<IceUdpTransport> IceUdpTransport::parse(const XmlElement& element) {
    IceUdpTransport t;
    if (auto problem = detail::first_problem({
            expect(element, "transport", kNsJingleIceUdp),
            detail::read_opt_number(element, "ice-generation", t.ice_generation),
            detail::read_children(element, "fingerprint", kNsJingleDtls, t.fingerprints),
            detail::read_children(element, "candidate", kNsJingleIceUdp, t.candidates),
            detail::read_child(element, "sctpmap", kNsJingleDtlsSctp, t.sctpmap),
        })) {
        return core::unexpected(*problem);
    }
    t.ufrag = detail::opt_attr(element, "ufrag");
    t.pwd = detail::opt_attr(element, "pwd");
    for (const XmlElement* ws : element.children("web-socket", kNsColibri)) {
        auto url = detail::required_attr(*ws, "url");
        if (!url) {
            return core::unexpected(url.error());
        }
        t.web_sockets.push_back(std::move(url).value());
    }
    t.rtcp_mux = element.child("rtcp-mux", kNsJingleIceUdp) != nullptr;
    return t;
}

XmlElement IceUdpTransport::to_xml() const {
    XmlElement e("transport", std::string(kNsJingleIceUdp));
    e.set_attribute_if("ufrag", ufrag);
    e.set_attribute_if("pwd", pwd);
    detail::set_number_if(e, "ice-generation", ice_generation);
    detail::add_all(e, fingerprints);
    detail::add_all(e, candidates);
    for (const auto& url : web_sockets) {
        e.add_child(XmlElement("web-socket", std::string(kNsColibri))).set_attribute("url", url);
    }
    if (sctpmap) {
        e.add_child(sctpmap->to_xml());
    }
    if (rtcp_mux) {
        e.add_child(XmlElement("rtcp-mux"));
    }
    return e;
}

ParseResult<InitialLastN> InitialLastN::parse(const XmlElement& element) {
    InitialLastN n;
    if (auto problem = detail::first_problem(
            {expect(element, "initial-last-n", kNsColibri2), detail::read_number(element, "value", n.value)})) {
        return core::unexpected(*problem);
    }
    return n;
}

XmlElement InitialLastN::to_xml() const {
    XmlElement e("initial-last-n", std::string(kNsColibri2));
    detail::set_number(e, "value", value);
    return e;
}

}  // namespace jicofo::stanza
