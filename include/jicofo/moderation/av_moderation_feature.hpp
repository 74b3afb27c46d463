// AV moderation (jicofo-protocol.md §4f) as a feature. The `av_moderation` Prosody component tells the focus, per
// room and media type (audio, video, desktop), whether moderation is on, who turned it on and who is whitelisted.
// While it is on, every participant who is not a moderator, not the one who turned it on, not whitelisted and not
// Jibri, Jigasi or a transcriber is force-muted on the bridge (and told with a mute IQ), joiners start force-muted,
// and such a participant's own unmute is refused (not-allowed). Turning it off lifts the force-mute.
#pragma once

#include "jicofo/core/result.hpp"
#include "jicofo/feature/feature.hpp"
#include "jicofo/stanza/mute.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jicofo::moderation {

inline constexpr std::size_t kMaxMessageBytes = std::size_t{64} * 1024;
inline constexpr std::size_t kMaxWhitelist = 1000;

// {"type":"av_moderation","room":..,"enabled":..,"mediaType":..,"actor":..,"whitelists":{"audio":[..],..}}.
struct AvModerationMessage {
    std::string room;
    std::optional<bool> enabled;
    std::optional<stanza::MuteMedia> media;
    std::optional<std::string> actor;  // the occupant JID of who turned it on or off
    // Whitelists the message replaces (occupant JIDs), by media type.
    std::vector<std::pair<stanza::MuteMedia, std::vector<std::string>>> whitelists;
};

// Pure; media type names are case-insensitive (as Jicofo); wrong types, sizes over the caps, a missing room → error.
[[nodiscard]] core::Result<AvModerationMessage, std::string> parse_av_moderation(std::string_view json);

void install(feature::Registrar& registrar);
inline constexpr feature::Feature kFeature{"av_moderation", &install};

}  // namespace jicofo::moderation
