// Event names and the JSON body of a webhook.
#include "jicofo/webhooks/event.hpp"

#include "jicofo/core/text.hpp"

#include <array>
#include <cstdio>
#include <ctime>
#include <utility>

namespace jicofo::webhooks {
namespace {

constexpr std::array<std::pair<EventType, std::string_view>, 9> kNames{{
    {EventType::conference_created, "conference.created"},
    {EventType::conference_ended, "conference.ended"},
    {EventType::participant_joined, "participant.joined"},
    {EventType::participant_left, "participant.left"},
    {EventType::bridge_added, "bridge.added"},
    {EventType::bridge_removed, "bridge.removed"},
    {EventType::bridge_failed, "bridge.failed"},
    {EventType::recording_started, "recording.started"},
    {EventType::recording_stopped, "recording.stopped"},
}};

}  // namespace

std::string_view event_name(EventType type) {
    for (const auto& [known, name] : kNames) {
        if (known == type) {
            return name;
        }
    }
    return "unknown";
}

std::optional<EventType> event_type(std::string_view name) {
    for (const auto& [type, known] : kNames) {
        if (known == name) {
            return type;
        }
    }
    return std::nullopt;
}

std::string event_body(const Event& event, std::string_view id) {
    nlohmann::ordered_json conference = nullptr;
    if (!event.room.empty()) {
        conference = {{"room", event.room}, {"meeting-id", event.meeting_id}};
    }
    const nlohmann::ordered_json body{{"id", id},
                                      {"type", event_name(event.type)},
                                      {"timestamp", core::iso8601_utc(event.time)},
                                      {"conference", std::move(conference)},
                                      {"data", event.data}};
    // Room names and display data may carry invalid UTF-8 from clients: replaced, never thrown.
    return body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace jicofo::webhooks
