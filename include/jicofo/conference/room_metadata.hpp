// The room's metadata as the room_metadata Prosody component publishes it (jicofo-protocol.md §4f), kept typed on
// the conference: the room_metadata feature writes it, the conference core and other features read it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace jicofo::conference {

struct RoomMetadata {
    struct StartMuted {
        bool audio = false;
        bool video = false;
        friend bool operator==(const StartMuted&, const StartMuted&) = default;
    };
    std::optional<StartMuted> start_muted;
    // Who is preferred in the main room (visitors send the others to visitor nodes); user ids or groups from tokens.
    std::vector<std::string> moderators;
    std::optional<std::vector<std::string>> participants;
    bool visitors_live = false;
    std::optional<bool> visitors_enabled;
    std::optional<int> participants_soft_limit;
    bool lobby_enabled = false;
    // recording.isTranscribingEnabled together with asyncTranscription.
    bool transcribing_enabled = false;
    std::map<std::string, std::string> transcription_url_params;
    std::map<std::string, std::string> transcription_http_headers;
    std::map<std::string, std::string> translation_http_headers;
    // Aggregated live-translation requests: sender endpoint id -> languages its audio is translated into.
    std::map<std::string, std::vector<std::string>> audio_translation_requests;

    friend bool operator==(const RoomMetadata&, const RoomMetadata&) = default;
};

}  // namespace jicofo::conference
