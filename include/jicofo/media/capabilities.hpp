// What a participant's client can do, read from the feature vars it advertises (disco#info or presence <features/>),
// and the per-participant decisions that follow from them and the configuration.
#pragma once

#include "jicofo/config/sections.hpp"

#include <string>
#include <vector>

namespace jicofo::media {

// One flag per feature Jicofo acts on (its Features enum); unknown vars are ignored.
struct ParticipantCapabilities {
    bool audio = false;
    bool video = false;
    bool sctp = false;
    bool rtx = false;
    bool remb = false;
    bool tcc = false;
    bool opus_red = false;
    bool source_names = false;
    bool ssrc_rewriting = false;
    bool rtp_mid_demux = false;
    bool receive_multiple_streams = false;
    bool json_sources = false;
    bool audio_mute = false;

    // What Jicofo assumes of a participant whose features it could not learn: audio, video and SCTP, nothing else
    // (so no RTX, TCC or REMB in its offer).
    [[nodiscard]] static ParticipantCapabilities defaults();

    friend bool operator==(const ParticipantCapabilities&, const ParticipantCapabilities&) = default;
};

// The capabilities a list of feature vars announces. An empty list (a failed or timed-out disco#info, or a reply
// without features, which XEP-0030 does not allow) gives the defaults, as Jicofo falls back to them when discovery
// fails; otherwise only what is listed counts.
[[nodiscard]] ParticipantCapabilities capabilities_from_features(const std::vector<std::string>& feature_vars);

// conference.use-ssrc-rewriting and the client's support: the bridge then rewrites SSRCs for this receiver, which
// is only told about the bridge's feedback sources.
[[nodiscard]] bool use_ssrc_rewriting(const ParticipantCapabilities& caps, const config::ConferenceConfig& conference);

// The bridge stamps the sdes:mid header extension on what it forwards: needs SSRC rewriting, the config flag, the
// client's support and the mid extension in the offer.
[[nodiscard]] bool use_rtp_mid_demux(const ParticipantCapabilities& caps, const config::ConferenceConfig& conference,
                                     const config::CodecConfigs& codecs);

// Sources go to this participant as compact JSON in a <json-message/> instead of <source/> elements.
[[nodiscard]] bool use_json_sources(const ParticipantCapabilities& caps, const config::ConferenceConfig& conference);

}  // namespace jicofo::media
