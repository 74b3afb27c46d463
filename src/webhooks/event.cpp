// Event names and the JSON body of a webhook.
#include "jicofo/webhooks/event.hpp"

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

std::string iso8601(std::chrono::system_clock::time_point time) {
    using namespace std::chrono;
    const auto millis = duration_cast<milliseconds>(time.time_since_epoch()).count();
    std::time_t seconds = static_cast<std::time_t>(millis / 1000);
    long fraction = static_cast<long>(millis % 1000);
    if (fraction < 0) {
        fraction += 1000;
        --seconds;
    }
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    std::array<char, 80> text{};  // room for any int fields, as the compiler checks
    std::snprintf(text.data(), text.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", utc.tm_year + 1900, utc.tm_mon + 1,
                  utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, fraction);
    return text.data();
}

std::string event_body(const Event& event, std::string_view id) {
    nlohmann::ordered_json conference = nullptr;
    if (!event.room.empty()) {
        conference = {{"room", event.room}, {"meeting-id", event.meeting_id}};
    }
    const nlohmann::ordered_json body{{"id", id},
                                      {"type", event_name(event.type)},
                                      {"timestamp", iso8601(event.time)},
                                      {"conference", std::move(conference)},
                                      {"data", event.data}};
    // Room names and display data may carry invalid UTF-8 from clients: replaced, never thrown.
    return body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace jicofo::webhooks
