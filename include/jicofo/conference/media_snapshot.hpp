// What /debug shows of one conference's media: its participants' sessions and its colibri2 sessions, taken on the
// conference's strand.
#pragma once

#include "jicofo/colibri/colibri_session_manager.hpp"
#include "jicofo/sources/conference_source_map.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace jicofo::conference {

struct MediaSnapshot {
    struct Participant {
        std::string endpoint_id;
        std::string state;  // waiting, discovering, allocating, offered, active, failed, withheld
        std::optional<std::string> bridge;
        std::optional<std::string> session_id;
        std::size_t sources = 0;
        int invites = 0;
        std::string jingle_sid;  // empty before the first offer
        // What the participant receives (audio, video), and what the bridge does for it.
        bool receives_audio = true;
        bool receives_video = true;
        bool ssrc_rewriting = false;
        bool rtp_mid_demux = false;
        bool private_addresses = false;
        bool force_mute_audio = false;
        bool force_mute_video = false;
        // Others' sources not signalled to it yet (its offer is not accepted, or a batch waits for its delay).
        sources::ConferenceSourceMap queued_add;
        sources::ConferenceSourceMap queued_remove;
        // The bridge's feedback sources this participant is shown ("jvb"), shared by its session's participants.
        std::shared_ptr<const sources::EndpointSourceSet> feedback;
    };
    std::vector<Participant> participants;
    colibri::ColibriSnapshot colibri;
    std::size_t conference_sources = 0;
    sources::ConferenceSourceMap sources;  // every participant's accepted sources, by owner
    // The creating request's startAudioMuted / startVideoMuted (conference_request.hpp).
    std::optional<int> start_audio_muted;
    std::optional<int> start_video_muted;
};

}  // namespace jicofo::conference
