// Judging what driver.js reports of the conference features (features.js) together with what the emulated bridge
// was told: used by browser_judge_test.cpp, kept apart so that the test reads as the scenario.
#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace jicofo::testing {

// A string field of a report object, "" when it is missing or not a string (a step that failed leaves nulls).
inline std::string text_of(const nlohmann::json& object, const char* key) {
    const auto found = object.is_object() ? object.find(key) : object.end();
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

// The colibri2 requests (the bridge peer's "colibri" events) for the conference of this room: the one whose
// creating request named the room, matched by meeting id from then on.
std::vector<nlohmann::json> requests_for_room(const std::vector<nlohmann::json>& requests, const std::string& room);

// The endpoints that colibri2 requests named with this operation.
std::set<std::string> endpoints_with(const std::vector<nlohmann::json>& requests, const std::string& op);

// The endpoints whose transport and audio and video sources (from their session-accept) reached the bridge.
std::set<std::string> endpoints_with_transport(const std::vector<nlohmann::json>& requests);

// AV moderation (features.js avModeration) in the main room: `colibri` is that room's requests.
void expect_audio_moderation(const nlohmann::json& av, const std::string& room,
                             const std::vector<nlohmann::json>& colibri);

// A file recording the moderator started and stopped (features.js recording), judged with what the emulated Jibri
// reported (its "start", "stop" and "status_sent" events, in arrival order).
void expect_recording(const nlohmann::json& recording, const std::string& room,
                      const std::vector<nlohmann::json>& jibri_events);

// The move of the two who stayed to a breakout room (features.js breakoutMove): `colibri` is every request.
void expect_breakout_move(const nlohmann::json& breakout, const std::string& main_room,
                          const std::string& breakout_domain, const std::vector<nlohmann::json>& colibri);

}  // namespace jicofo::testing
