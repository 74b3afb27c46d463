// The translator connects a conference wants for live audio translation (jicofo.translation), as pure functions:
// from the room's audioTranslationRequests to per-sender requests, and from those to connects per source or on a
// single bridge. The conference's media layer keeps the synthetic sources (media/translation_sources.hpp) and asks
// for these connects whenever they change.
#pragma once

#include "jicofo/colibri/colibri_session_manager.hpp"
#include "jicofo/conference/room_metadata.hpp"
#include "jicofo/config/sections.hpp"
#include "jicofo/media/translation_sources.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jicofo::transcription {

inline constexpr std::string_view kTranslatorConnectId = "translator";

using media::synthetic_source_name;
using media::TranslationRequest;

// The room's requests (sender endpoint id -> languages) as translation requests, in sender order: each language
// once, the synthetic names sorted. A sender without languages, or whose base audio source `base_name` does not know
// (absent, or without audio), is left out.
[[nodiscard]] std::vector<TranslationRequest> translation_requests(
    const std::map<std::string, std::vector<std::string>>& requested,
    const std::function<std::optional<std::string>(const std::string& endpoint_id)>& base_name);

// Per source: one connect per chunk of at most `max_languages` synthetic names (at least one), with the id
// "translator-<sourceName>-<chunk>", on the sender's own bridge. Chunks are positional, as the reference's: removing
// a language of an earlier chunk moves the first language of the next one.
[[nodiscard]] std::vector<colibri::WantedConnect> per_source_translator_connects(
    const TranslationRequest& request, const std::string& url, int max_languages,
    const std::vector<std::pair<std::string, std::string>>& http_headers, std::optional<stanza::ConnectPing> ping);

// Every connect of the conference for `requests` under jicofo.translation: none without a url-template or without a
// request; per-source mode as above; single-bridge mode one connect "translator" on the conference's connect host
// exporting every sender's source and requesting every synthetic source. The url gets the meeting id ("{{REGION}}"
// is the bridge's); headers are the configured ones overlaid with the room's translation.httpHeaders.
[[nodiscard]] std::vector<colibri::WantedConnect> translator_connects(const config::TranslationConfig& config,
                                                                      const conference::RoomMetadata& metadata,
                                                                      std::string_view meeting_id,
                                                                      const std::vector<TranslationRequest>& requests);

}  // namespace jicofo::transcription
