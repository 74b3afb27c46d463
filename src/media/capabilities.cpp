// Feature vars to participant capabilities, and the per-participant signalling decisions taken from them.
#include "jicofo/media/capabilities.hpp"

#include "jicofo/stanza/namespaces.hpp"

#include <string_view>

namespace jicofo::media {

ParticipantCapabilities ParticipantCapabilities::defaults() {
    ParticipantCapabilities caps;
    caps.audio = true;
    caps.video = true;
    caps.sctp = true;
    return caps;
}

ParticipantCapabilities capabilities_from_features(const std::vector<std::string>& feature_vars) {
    if (feature_vars.empty()) {
        return ParticipantCapabilities::defaults();
    }
    ParticipantCapabilities caps;
    // Feature vars are URIs compared exactly, as Jicofo parses them.
    const struct {
        std::string_view var;
        bool ParticipantCapabilities::*flag;
    } kKnown[] = {
        {stanza::kFeatureAudio, &ParticipantCapabilities::audio},
        {stanza::kFeatureVideo, &ParticipantCapabilities::video},
        {stanza::kFeatureSctp, &ParticipantCapabilities::sctp},
        {stanza::kFeatureRtx, &ParticipantCapabilities::rtx},
        {stanza::kFeatureRemb, &ParticipantCapabilities::remb},
        {stanza::kFeatureTcc, &ParticipantCapabilities::tcc},
        {stanza::kFeatureOpusRed, &ParticipantCapabilities::opus_red},
        {stanza::kFeatureSourceNames, &ParticipantCapabilities::source_names},
        {stanza::kFeatureSsrcRewriting, &ParticipantCapabilities::ssrc_rewriting},
        {stanza::kFeatureRtpMidDemux, &ParticipantCapabilities::rtp_mid_demux},
        {stanza::kFeatureReceiveMultipleStreams, &ParticipantCapabilities::receive_multiple_streams},
        {stanza::kFeatureJsonSources, &ParticipantCapabilities::json_sources},
        {stanza::kFeatureAudioMute, &ParticipantCapabilities::audio_mute},
    };
    for (const auto& var : feature_vars) {
        for (const auto& known : kKnown) {
            if (var == known.var) {
                caps.*known.flag = true;
            }
        }
    }
    return caps;
}

bool use_ssrc_rewriting(const ParticipantCapabilities& caps, const config::ConferenceConfig& conference) {
    return conference.use_ssrc_rewriting && caps.ssrc_rewriting;
}

bool use_rtp_mid_demux(const ParticipantCapabilities& caps, const config::ConferenceConfig& conference,
                       const config::CodecConfigs& codecs) {
    return use_ssrc_rewriting(caps, conference) && conference.use_rtp_mid_demux && caps.rtp_mid_demux &&
           codecs.rtp_extensions.mid.enabled;
}

bool use_json_sources(const ParticipantCapabilities& caps, const config::ConferenceConfig& conference) {
    return conference.use_json_encoded_sources && caps.json_sources;
}

}  // namespace jicofo::media
