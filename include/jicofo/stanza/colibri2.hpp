// Colibri2 (jitsi:colibri2), how the focus allocates, updates and expires endpoints and relays on a bridge: the
// <conference-modify/> request, the <conference-modified/> response and the <error/> reason of a failed request.
#pragma once

#include "jicofo/stanza/jingle_rtp.hpp"
#include "jicofo/stanza/stanza_error.hpp"
#include "jicofo/stanza/xml_element.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jicofo::stanza {

// <media type='audio'><payload-type xmlns=rtp/>...<rtp-hdrext/>...<extmap-allow-mixed/></media>: the codecs and
// header extensions an endpoint or relay uses for one media type.
struct Colibri2Media {
    MediaType type = MediaType::audio;
    std::vector<PayloadType> payload_types;
    std::vector<RtpHdrExt> hdrexts;
    bool extmap_allow_mixed = false;

    static ParseResult<Colibri2Media> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const Colibri2Media&, const Colibri2Media&) = default;
};

enum class SctpRole { client, server };

// <sctp port='5000' role='server'/>: an empty one in a request asks for a data channel; the bridge answers with
// its port and role. role is read case-insensitively (the bridge's enum) and written in lower case.
struct Colibri2Sctp {
    std::optional<std::uint16_t> port;
    std::optional<SctpRole> role;

    static ParseResult<Colibri2Sctp> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const Colibri2Sctp&, const Colibri2Sctp&) = default;
};

// <transport ice-controlling use-unique-port ice-restart><transport xmlns=ice-udp/><sctp/></transport>
struct Colibri2Transport {
    std::optional<IceUdpTransport> ice_udp;
    std::optional<Colibri2Sctp> sctp;
    std::optional<bool> ice_controlling;
    std::optional<bool> use_unique_port;
    std::optional<bool> ice_restart;  // asks the bridge for an in-place ICE restart of the endpoint

    static ParseResult<Colibri2Transport> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const Colibri2Transport&, const Colibri2Transport&) = default;
};

// <media-source type='video' id='2b016c41-v0' synthetic?><source xmlns=ssma/>...<ssrc-group/>...</media-source>:
// one named source of an endpoint (or a bridge's feedback source) with its SSRCs and groups.
struct MediaSource {
    MediaType type = MediaType::audio;
    std::string id;
    bool synthetic = false;  // translated audio that jicofo injects
    std::vector<Source> sources;
    std::vector<SsrcGroup> ssrc_groups;

    static ParseResult<MediaSource> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const MediaSource&, const MediaSource&) = default;
};

// <sources><media-source/>...</sources>. Present but empty in an allocation request (the endpoint has no sources
// yet), which is why endpoints hold it as an optional.
struct Colibri2Sources {
    std::vector<MediaSource> media_sources;

    static ParseResult<Colibri2Sources> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const Colibri2Sources&, const Colibri2Sources&) = default;
};

// <force-mute audio='true' video='false'/>; an absent flag is false.
struct ForceMute {
    bool audio = false;
    bool video = false;

    static ParseResult<ForceMute> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const ForceMute&, const ForceMute&) = default;
};

// Capability names an endpoint announces with <capability name/>.
inline constexpr std::string_view kCapabilitySourceNames = "source-names";
inline constexpr std::string_view kCapabilitySsrcRewriting = "ssrc-rewriting";
inline constexpr std::string_view kCapabilityPrivateAddressConnectivity = "private-address-connectivity";
// The bridge stamps the sdes:mid header extension on what it forwards to this endpoint, so the client can demux by
// mid (needs ssrc-rewriting).
inline constexpr std::string_view kCapabilityRtpMidDemux = "rtp-mid-demux";

// <endpoint id create expire stats-id muc-role diarize>. create, expire and diarize are written only when true.
struct Colibri2Endpoint {
    std::string id;
    bool create = false;
    bool expire = false;
    std::optional<std::string> stats_id;
    std::optional<std::string> muc_role;  // "visitor" for visitors
    bool diarize = false;                 // the participant asked for per-endpoint transcription (with create)
    std::vector<Colibri2Media> medias;
    std::optional<Colibri2Transport> transport;
    std::optional<Colibri2Sources> sources;
    std::vector<std::string> capabilities;
    std::optional<ForceMute> force_mute;
    std::optional<InitialLastN> initial_last_n;

    static ParseResult<Colibri2Endpoint> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    [[nodiscard]] bool has_capability(std::string_view name) const;
    friend bool operator==(const Colibri2Endpoint&, const Colibri2Endpoint&) = default;
};

// <relay id create expire mesh-id><media/>...<endpoints><endpoint/>...</endpoints><transport/><sources/></relay>:
// a bridge-to-bridge (Octo) link, named by the remote bridge's relay id, with the remote endpoints behind it.
struct Colibri2Relay {
    std::string id;
    bool create = false;
    bool expire = false;
    std::optional<std::string> mesh_id;
    std::vector<Colibri2Media> medias;
    std::vector<Colibri2Endpoint> endpoints;  // written inside <endpoints/> when not empty
    std::optional<Colibri2Transport> transport;
    std::optional<Colibri2Sources> sources;

    static ParseResult<Colibri2Relay> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const Colibri2Relay&, const Colibri2Relay&) = default;
};

enum class ConnectType { recorder, transcriber, translator };

// <ping interval timeout/> inside a connect: the bridge's keepalive on the web socket, in milliseconds.
struct ConnectPing {
    std::int32_t interval = 0;
    std::int32_t timeout = 0;
    friend bool operator==(const ConnectPing&, const ConnectPing&) = default;
};

// <connect id url protocol='mediajson' type audio video create expire><http-header name value/>...<ping/>
//   <exports><export name/>...</exports><requests><request name/>...</requests></connect>: a web socket the bridge
// opens for the conference (a transcriber, a translator). The url must be ws or wss; header names are tokens of
// letters, digits and '-', and CR/LF are dropped from their values (they would split the HTTP request).
struct Colibri2Connect {
    std::string id;
    std::string url;
    ConnectType type = ConnectType::transcriber;
    bool audio = false;
    bool video = false;
    bool create = false;
    bool expire = false;
    std::vector<std::pair<std::string, std::string>> http_headers;  // in order; a name may repeat
    std::optional<ConnectPing> ping;
    std::vector<std::string> exports;   // source names sent to the peer
    std::vector<std::string> requests;  // source names received from the peer

    static ParseResult<Colibri2Connect> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const Colibri2Connect&, const Colibri2Connect&) = default;
};

// <conference-modify xmlns='jitsi:colibri2' meeting-id name create expire rtcstats-enabled callstats-enabled>
//   <endpoint/>...<relay/>...<connects><connect/>...</connects></conference-modify>
// sent as an IQ get. meeting-id is required. An empty <connects/> is told apart from none.
struct ConferenceModify {
    std::string meeting_id;
    std::optional<std::string> name;  // the room JID, on the creating request
    bool create = false;
    bool expire = false;
    std::optional<bool> rtcstats_enabled;
    std::optional<bool> callstats_enabled;
    std::vector<Colibri2Endpoint> endpoints;
    std::vector<Colibri2Relay> relays;
    std::optional<std::vector<Colibri2Connect>> connects;

    static ParseResult<ConferenceModify> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const ConferenceModify&, const ConferenceModify&) = default;
};

// <conference-modified xmlns='jitsi:colibri2'><endpoint/>...<relay/>...<sources/></conference-modified>: the
// bridge's transports for the endpoints and relays, and its feedback sources when the conference was created.
struct ConferenceModified {
    std::vector<Colibri2Endpoint> endpoints;
    std::vector<Colibri2Relay> relays;
    std::optional<Colibri2Sources> sources;

    static ParseResult<ConferenceModified> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    [[nodiscard]] const Colibri2Endpoint* endpoint(std::string_view id) const;
    [[nodiscard]] const Colibri2Relay* relay(std::string_view id) const;
    friend bool operator==(const ConferenceModified&, const ConferenceModified&) = default;
};

// Why a bridge refused a request; jicofo's reaction depends on it (re-invite, give up, mark the bridge).
enum class Colibri2ErrorReason {
    unspecified,  // no reason attribute
    conference_not_found,
    conference_already_exists,
    feature_not_implemented,
    graceful_shutdown,
    unknown_endpoint,
    unknown,  // a reason this version does not know; its text is in Colibri2Error::unknown_reason
};

// <error xmlns='jitsi:colibri2' reason='conference_not_found'/>, the application-specific condition of a stanza
// error from the bridge. Bridges write the reason in lower case; it is read case-insensitively.
struct Colibri2Error {
    Colibri2ErrorReason reason = Colibri2ErrorReason::unspecified;
    std::string unknown_reason;

    static ParseResult<Colibri2Error> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    // A stanza error carrying this reason, as a bridge would answer (for tests and fakes).
    [[nodiscard]] StanzaError to_stanza_error(ErrorCondition condition, std::string text = {}) const;
    friend bool operator==(const Colibri2Error&, const Colibri2Error&) = default;
};

// The colibri2 reason of a stanza error, if its application-specific element is one.
[[nodiscard]] std::optional<Colibri2Error> colibri2_error(const StanzaError& error);
// The same from an <error/> element, looking at every child (another app-specific element may come first).
[[nodiscard]] std::optional<Colibri2Error> colibri2_error(const XmlElement& error_element);

}  // namespace jicofo::stanza
