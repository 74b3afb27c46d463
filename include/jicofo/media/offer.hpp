// The offer a participant gets: Jingle contents with the configured codecs and header extensions, limited by what
// its client supports, and the matching colibri2 media for its endpoint on the bridge.
#pragma once

#include "jicofo/config/sections.hpp"
#include "jicofo/media/capabilities.hpp"
#include "jicofo/stanza/colibri2.hpp"
#include "jicofo/stanza/jingle.hpp"

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace jicofo::media {

// The Jingle content names Jicofo uses; lib-jitsi-meet looks them up by these names.
inline constexpr std::string_view kContentAudio = "audio";
inline constexpr std::string_view kContentVideo = "video";
inline constexpr std::string_view kContentData = "data";

// What goes into one offer. The defaults are Jicofo's, which is also what a relay (Octo) link gets: everything on
// but REMB, which is only for clients without transport-cc.
struct OfferOptions {
    bool audio = true;
    bool video = true;
    bool sctp = true;  // a data content; fold jicofo.sctp.enabled in here (offer_options does)
    bool tcc = true;
    bool remb = false;
    bool rtx = true;
    bool opus_red = true;

    friend bool operator==(const OfferOptions&, const OfferOptions&) = default;
};

// The options for a participant, as Jicofo limits them: each feature only if the client has it, SCTP only when
// jicofo.sctp.enabled, and REMB only for a client that cannot do transport-cc.
[[nodiscard]] OfferOptions offer_options(const ParticipantCapabilities& caps, bool sctp_enabled);

// The offer's contents in Jicofo's order (audio, video, data), each creator='initiator' senders='both', without
// transport and sources: those come from the bridge allocation (attach_transport) and the conference (attach_sources).
//   audio: maxptime 60; RED (when configured and offered) before opus so that clients pick it, opus/48000/2 with
//          minptime and useinbandfec (left out when RED is offered: no double FEC), transport-cc feedback;
//          telephone-event/8000; header extensions audio-level, mid, transport-cc.
//   video: AV1, VP8, H264, VP9, each with ccm fir, nack, nack pli, goog-remb (REMB on for the codec and the offer)
//          and transport-cc; H264 with profile-level-id=42e01f, level-asymmetry-allowed=1, packetization-mode=1;
//          then the RTX payload types (apt=<codec>; those of AV1, VP8 and VP9 with ccm fir, nack, nack pli);
//          header extensions as configured.
//   data:  <description media='application'/>; its sctpmap is part of the transport.
// Every description has rtcp-mux, and extmap-allow-mixed when configured. Codecs and extensions that are disabled
// or have no payload type or id are left out.
[[nodiscard]] std::vector<stanza::JingleContent> build_offer(const config::CodecConfigs& codecs,
                                                             const OfferOptions& options);

// The audio and video media of the same offer, for the participant's colibri2 endpoint (or a relay, with default
// options): the payload types, header extensions and extmap-allow-mixed of each content.
[[nodiscard]] std::vector<stanza::Colibri2Media> colibri_medias(const config::CodecConfigs& codecs,
                                                                const OfferOptions& options);

// Completes an offer with the bridge's transport for this endpoint: a copy in every content (BUNDLE), and in the data
// content an sctpmap for the bridge's SCTP port (webrtc-datachannel, 1024 streams). Without a port the data content
// is dropped, as the client could not open the channel.
void attach_transport(std::vector<stanza::JingleContent>& contents, const stanza::IceUdpTransport& transport,
                      std::optional<std::uint16_t> sctp_port);

// <group semantics='BUNDLE'> over the contents, in their order.
[[nodiscard]] stanza::ContentGroup bundle_group(const std::vector<stanza::JingleContent>& contents);

// The participant's transport from a session-accept, transport-info or transport-accept: the first content's (they
// are bundled), with rtcp-mux set as the bridge expects it. None when no content has one.
[[nodiscard]] std::optional<stanza::IceUdpTransport> transport_from_contents(
    const std::vector<stanza::JingleContent>& contents);

}  // namespace jicofo::media
