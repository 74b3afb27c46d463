// The RTP building blocks shared by Jingle (focus <-> participant) and colibri2 (focus <-> bridge): payload types,
// header extensions, sources and SSRC groups, and the ICE-UDP transport with its DTLS fingerprints and candidates.
#pragma once

#include "jicofo/stanza/stanza_error.hpp"
#include "jicofo/stanza/xml_element.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jicofo::stanza {

// The media of a colibri2 <media>/<media-source> and of Jingle audio and video contents.
enum class MediaType { audio, video };
[[nodiscard]] std::string_view to_string(MediaType type);
[[nodiscard]] std::optional<MediaType> media_type_from_string(std::string_view text);

// <parameter name value/>: a payload type's fmtp parameter (rtp namespace) or a source's parameter such as msid
// (ssma namespace). The element takes its parent's namespace, so to_xml leaves it empty. A value may be absent
// (telephone-event's "0-15").
struct RtpParameter {
    std::string name;
    std::optional<std::string> value;

    static ParseResult<RtpParameter> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const RtpParameter&, const RtpParameter&) = default;
};

// <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack' subtype='pli'/>
struct RtcpFb {
    std::string type;
    std::optional<std::string> subtype;

    static ParseResult<RtcpFb> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const RtcpFb&, const RtcpFb&) = default;
};

// <payload-type xmlns='urn:xmpp:jingle:apps:rtp:1' id='111' name='opus' clockrate='48000' channels='2'>
//   <parameter name='useinbandfec' value='1'/><rtcp-fb type='transport-cc'/></payload-type>
// The id is an RTP payload type (0..127). Static payload types may omit name and clockrate; an empty name is not
// written.
struct PayloadType {
    std::uint8_t id = 0;
    std::string name;
    std::optional<std::uint32_t> clockrate;
    std::optional<std::uint16_t> channels;
    std::optional<std::uint32_t> ptime;
    std::optional<std::uint32_t> maxptime;
    std::vector<RtpParameter> parameters;
    std::vector<RtcpFb> rtcp_fbs;

    static ParseResult<PayloadType> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    // The value of the first parameter with this name (e.g. "apt" of an rtx payload type).
    [[nodiscard]] std::optional<std::string_view> parameter(std::string_view name) const;
    friend bool operator==(const PayloadType&, const PayloadType&) = default;
};

// <rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='1' uri='urn:ietf:params:rtp-hdrext:ssrc-audio-level'/>
// The id is an RFC 8285 extension id (1..255).
struct RtpHdrExt {
    std::uint8_t id = 1;
    std::string uri;
    std::optional<std::string> senders;

    static ParseResult<RtpHdrExt> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const RtpHdrExt&, const RtpHdrExt&) = default;
};

// <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='123' name='2b016c41-v0' videoType='camera'>
//   <ssrc-info xmlns='http://jitsi.org/jitmeet' owner='room@conference/2b016c41'/>
//   <parameter name='msid' value='...'/></source>
// The SSRC is checked to be a 32-bit number; whether it is usable (not 0, not taken) is the conference's call.
struct Source {
    std::uint32_t ssrc = 0;
    std::optional<std::string> name;
    std::optional<std::string> video_type;  // attribute 'videoType': camera, desktop
    std::optional<std::string> owner;       // from <ssrc-info owner/>: an occupant JID or "jvb"
    std::vector<RtpParameter> parameters;

    static ParseResult<Source> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    [[nodiscard]] std::optional<std::string_view> msid() const;
    friend bool operator==(const Source&, const Source&) = default;
};

// <ssrc-group xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' semantics='FID'><source ssrc='1'/><source ssrc='2'/>
// </ssrc-group>. Semantics are SIM, FID or FEC-FR in practice; they are kept as sent.
struct SsrcGroup {
    std::string semantics;
    std::vector<std::uint32_t> ssrcs;

    static ParseResult<SsrcGroup> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const SsrcGroup&, const SsrcGroup&) = default;
};

// <fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' hash='sha-256' setup='actpass' cryptex='true'>AC:58:..
// </fingerprint>
struct DtlsFingerprint {
    std::string hash;
    std::optional<std::string> setup;  // actpass, active, passive
    std::optional<bool> cryptex;
    std::string value;

    static ParseResult<DtlsFingerprint> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const DtlsFingerprint&, const DtlsFingerprint&) = default;
};

// <candidate component='1' foundation='1' generation='0' id='x' ip='203.0.113.5' port='10000'
//   priority='2130706431' protocol='udp' type='host' network='1' rel-addr rel-port tcptype/>, in the transport's
// namespace. The required attributes are XEP-0176's; ports are checked to be 0..65535.
struct IceCandidate {
    std::uint16_t component = 1;
    std::string foundation;
    std::uint32_t generation = 0;
    std::string id;
    std::string ip;
    std::uint16_t port = 0;
    std::uint32_t priority = 0;
    std::string protocol;  // udp, tcp, ssltcp
    std::string type;      // host, srflx, prflx, relay
    std::optional<std::string> network;
    std::optional<std::string> rel_addr;
    std::optional<std::uint16_t> rel_port;
    std::optional<std::string> tcptype;

    static ParseResult<IceCandidate> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const IceCandidate&, const IceCandidate&) = default;
};

// <sctpmap xmlns='urn:xmpp:jingle:transports:dtls-sctp:1' number='5000' protocol='webrtc-datachannel'
//   streams='1024'/>
struct SctpMap {
    std::uint16_t number = 0;  // the SCTP port
    std::string protocol;
    std::optional<std::uint32_t> streams;

    static ParseResult<SctpMap> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const SctpMap&, const SctpMap&) = default;
};

// <transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag pwd ice-generation?>
//   <fingerprint/>...<candidate/>...<web-socket xmlns='http://jitsi.org/protocol/colibri' url/>...<sctpmap/>
//   <rtcp-mux/></transport>
// ufrag and pwd may be absent (a transport-info carrying only candidates). ice-generation tags the transport of a
// bridge's in-place ICE restart.
struct IceUdpTransport {
    std::optional<std::string> ufrag;
    std::optional<std::string> pwd;
    std::optional<std::uint32_t> ice_generation;
    std::vector<DtlsFingerprint> fingerprints;
    std::vector<IceCandidate> candidates;
    std::vector<std::string> web_sockets;  // colibri web-socket URLs of the bridge channel
    std::optional<SctpMap> sctpmap;
    bool rtcp_mux = false;

    static ParseResult<IceUdpTransport> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const IceUdpTransport&, const IceUdpTransport&) = default;
};

// <initial-last-n xmlns='jitsi:colibri2' value='10'/>: the number of video streams a participant wants at first,
// sent by the client in its video content and forwarded to the bridge on its endpoint. -1 means unlimited.
struct InitialLastN {
    std::int32_t value = -1;

    static ParseResult<InitialLastN> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const InitialLastN&, const InitialLastN&) = default;
};

}  // namespace jicofo::stanza
