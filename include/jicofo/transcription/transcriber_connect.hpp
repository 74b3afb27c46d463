// The transcriber connect a conference wants, from its room metadata and jicofo.transcription: a pure function so
// that the reference's cases are unit tests.
#pragma once

#include "jicofo/colibri/colibri_session_manager.hpp"
#include "jicofo/conference/room_metadata.hpp"
#include "jicofo/config/sections.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace jicofo::transcription {

inline constexpr std::string_view kTranscriberConnectId = "transcriber";
inline constexpr std::string_view kMeetingIdPlaceholder = "{{MEETING_ID}}";

// Every "{{MEETING_ID}}" of `url_template` replaced; "{{REGION}}" is left for the media layer, which knows the bridge.
[[nodiscard]] std::string fill_meeting_id(std::string url_template, std::string_view meeting_id);

// application/x-www-form-urlencoded, as the reference encodes url params: letters, digits and ".-*_" kept, a space
// as '+', every other UTF-8 byte as %XX (upper case).
[[nodiscard]] std::string form_encode(std::string_view text);

// `params` appended as a query ("?" when the url has none yet, "&" otherwise), in key order; none: `url` unchanged.
[[nodiscard]] std::string append_url_params(std::string url, const std::map<std::string, std::string>& params);

// The transcriber connect (id "transcriber", audio, mediajson) while the metadata asks for transcription
// (recording.isTranscribingEnabled with asyncTranscription) and a url-template is configured; nullopt otherwise. Its
// headers are the configured ones overlaid with the metadata's transcription.httpHeaders; the metadata's
// transcription.urlParams are appended to the url; ping as configured. It goes on one bridge of the conference.
[[nodiscard]] std::optional<colibri::WantedConnect> transcriber_connect(const config::TranscriptionConfig& config,
                                                                        const conference::RoomMetadata& metadata,
                                                                        std::string_view meeting_id);

}  // namespace jicofo::transcription
