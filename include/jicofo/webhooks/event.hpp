// A webhook event and its JSON body: what happened (type, time, the conference it belongs to) and its data.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace jicofo::webhooks {

enum class EventType {
    conference_created,
    conference_ended,
    participant_joined,
    participant_left,
    bridge_added,
    bridge_removed,
    bridge_failed,
    recording_started,
    recording_stopped,
};

// "conference.created", ... (the names of jicofo.webhooks.events).
[[nodiscard]] std::string_view event_name(EventType type);
[[nodiscard]] std::optional<EventType> event_type(std::string_view name);

struct Event {
    EventType type = EventType::conference_created;
    std::chrono::system_clock::time_point time;
    // The conference's room JID and meeting id; both empty for events that belong to no conference (bridges).
    std::string room;
    std::string meeting_id;
    nlohmann::ordered_json data = nlohmann::ordered_json::object();
};

// The body POSTed for `event`:
// {"id": <id>, "type": "participant.joined", "timestamp": "<ISO-8601 UTC>",
//  "conference": {"room": "...", "meeting-id": "..."} (null for bridge events), "data": {...}}
[[nodiscard]] std::string event_body(const Event& event, std::string_view id);

}  // namespace jicofo::webhooks
