// The judges of the conference features in the browser test's report; see feature_judges.hpp.
#include "feature_judges.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <optional>

namespace jicofo::testing {

std::vector<nlohmann::json> requests_for_room(const std::vector<nlohmann::json>& requests, const std::string& room) {
    std::vector<nlohmann::json> found;
    std::string meeting;
    for (const auto& request : requests) {
        if (meeting.empty() && request.value("conference_name", nlohmann::json()) == room) {
            meeting = text_of(request, "meeting_id");
        }
        if (!meeting.empty() && text_of(request, "meeting_id") == meeting) {
            found.push_back(request);
        }
    }
    return found;
}

std::set<std::string> endpoints_with(const std::vector<nlohmann::json>& requests, const std::string& op) {
    std::set<std::string> endpoints;
    for (const auto& request : requests) {
        for (const auto& endpoint : request.value("endpoints", nlohmann::json::array())) {
            if (text_of(endpoint, "op") == op) {
                endpoints.insert(text_of(endpoint, "id"));
            }
        }
    }
    return endpoints;
}

std::set<std::string> endpoints_with_transport(const std::vector<nlohmann::json>& requests) {
    std::set<std::string> endpoints;
    for (const auto& request : requests) {
        for (const auto& endpoint : request.value("endpoints", nlohmann::json::array())) {
            const auto sources = endpoint.value("sources", nlohmann::json());
            if (text_of(endpoint, "op") == "update" && endpoint.value("ice_udp", nlohmann::json()).is_object() &&
                sources.is_object() && !sources.value("audio", nlohmann::json::array()).empty() &&
                !sources.value("video", nlohmann::json::array()).empty()) {
                endpoints.insert(text_of(endpoint, "id"));
            }
        }
    }
    return endpoints;
}

namespace {

// True when some entry of the list has every key of the pattern with the pattern's value.
bool has_entry(const nlohmann::json& list, const nlohmann::json& pattern) {
    for (const auto& entry : list) {
        bool matches = entry.is_object();
        for (const auto& [key, value] : pattern.items()) {
            matches = matches && entry.contains(key) && entry[key] == value;
        }
        if (matches) {
            return true;
        }
    }
    return false;
}

// The audio force-mute the focus gave the bridge for this endpoint (colibri2 force-mute), request after request.
std::vector<bool> audio_force_mutes(const std::vector<nlohmann::json>& requests, const std::string& endpoint) {
    std::vector<bool> values;
    for (const auto& request : requests) {
        for (const auto& item : request.value("endpoints", nlohmann::json::array())) {
            const auto forced = item.value("force_mute", nlohmann::json());
            if (text_of(item, "id") == endpoint && forced.is_object() &&
                forced.value("audio", nlohmann::json()).is_boolean()) {
                values.push_back(forced["audio"].get<bool>());
            }
        }
    }
    return values;
}

// Whether the endpoint was force-muted and, from then on, what it ended with (nullopt: never force-muted).
std::optional<bool> last_after_force_mute(const std::vector<bool>& values) {
    const auto first = std::find(values.begin(), values.end(), true);
    return first == values.end() ? std::nullopt : std::optional<bool>(values.back());
}

}  // namespace

// AV moderation as the real client drives it (features.js): the first client, owner by the focus's auto-owner,
// turns audio moderation on through the component it found by disco#info; every client hears of it, and the
// focus mutes the two others (a mute request naming the moderator, which lib-jitsi-meet applies to its local audio
// track) and has the bridge force-mute them. The moderator approves the second: the focus accepts its unmute and
// lifts the bridge's force-mute; it refuses the third's unmute and keeps it muted on the bridge.
void expect_audio_moderation(const nlohmann::json& av, const std::string& room,
                             const std::vector<nlohmann::json>& colibri) {
    ASSERT_TRUE(av.is_object() && !av.contains("error")) << av.dump(1);
    for (const auto& step : av["steps"]) {
        EXPECT_TRUE(step.value("reached", false)) << step.dump();
    }
    const auto moderator = text_of(av, "moderator");
    const auto approved = text_of(av, "approved");
    const auto refused = text_of(av, "refused");
    const auto& roles = av["roles"];
    const auto& after_enable = av["after_enable"];
    const auto& clients = av["clients"];
    ASSERT_EQ(roles.size(), 3U) << av.dump(1);
    ASSERT_EQ(after_enable.size(), 3U) << av.dump(1);
    ASSERT_EQ(clients.size(), 3U) << av.dump(1);
    for (std::size_t i = 0; i < roles.size(); ++i) {
        EXPECT_EQ(roles[i].value("moderator", false), i == 0) << roles[i].dump();
        EXPECT_TRUE(roles[i].value("av_moderation_supported", false)) << roles[i].dump();
        // Moderators are not muted by the focus: only the two others.
        EXPECT_EQ(after_enable[i].value("local_audio_muted", false), i != 0) << after_enable[i].dump();
    }

    const auto focus = room + "/focus";
    for (std::size_t i = 0; i < clients.size(); ++i) {
        const auto& client = clients[i];
        const auto endpoint = text_of(client, "endpoint");
        nlohmann::json enabled = {{"event", "changed"}, {"enabled", true}, {"mediaType", "audio"}};
        if (endpoint != moderator) {
            enabled["actor"] = moderator;
        }
        EXPECT_TRUE(has_entry(client["av_events"], enabled)) << client.dump(1);
        EXPECT_TRUE(client["failures"].empty()) << client.dump(1);
        if (endpoint == moderator) {
            EXPECT_TRUE(client["mute_in"].empty()) << client.dump(1);
            EXPECT_TRUE(client["local_mute_changes"].empty()) << client.dump(1);
            EXPECT_TRUE(
                has_entry(client["av_events"],
                          {{"event", "participant_approved"}, {"mediaType", "audio"}, {"participant", approved}}))
                << client.dump(1);
            continue;
        }
        ASSERT_EQ(client["mute_in"].size(), 1U) << client.dump(1);
        EXPECT_TRUE(
            has_entry(client["mute_in"],
                      {{"from", focus}, {"media", "audio"}, {"actor", room + "/" + moderator}, {"value", "true"}}))
            << client.dump(1);
        ASSERT_FALSE(client["local_mute_changes"].empty()) << client.dump(1);
        EXPECT_EQ(client["local_mute_changes"][0],
                  nlohmann::json({{"type", "audio"}, {"muted", true}, {"actor", moderator}}))
            << client.dump(1);
        const bool is_approved = endpoint == approved;
        EXPECT_EQ(has_entry(client["av_events"], {{"event", "approved"}, {"mediaType", "audio"}}), is_approved)
            << client.dump(1);
        ASSERT_EQ(client["mute_out"].size(), 1U) << client.dump(1);
        nlohmann::json unmute = {{"to", focus},
                                 {"media", "audio"},
                                 {"jid", room + "/" + endpoint},
                                 {"value", "false"},
                                 {"reply", is_approved ? "result" : "error"}};
        if (!is_approved) {
            unmute["condition"] = "not-allowed";
        }
        EXPECT_TRUE(has_entry(client["mute_out"], unmute)) << client.dump(1);
    }

    EXPECT_EQ(last_after_force_mute(audio_force_mutes(colibri, moderator)), std::nullopt);
    EXPECT_EQ(last_after_force_mute(audio_force_mutes(colibri, approved)), std::optional<bool>(false));
    EXPECT_EQ(last_after_force_mute(audio_force_mutes(colibri, refused)), std::optional<bool>(true));
}

namespace {

// The statuses this client's application saw for the session, each once in a row (the moderator hears pending twice:
// from its start's answer and from the focus's presence).
std::vector<std::string> recorder_statuses(const nlohmann::json& events, const std::string& session_id) {
    std::vector<std::string> statuses;
    for (const auto& event : events) {
        const auto status = text_of(event, "status");
        if (text_of(event, "sessionId") == session_id && (statuses.empty() || statuses.back() != status)) {
            statuses.push_back(status);
        }
    }
    return statuses;
}

// The first recorder event of the session with this status (null when there is none).
nlohmann::json recorder_event(const nlohmann::json& events, const std::string& session_id, const std::string& status) {
    for (const auto& event : events) {
        if (text_of(event, "sessionId") == session_id && text_of(event, "status") == status) {
            return event;
        }
    }
    return nullptr;
}

std::vector<nlohmann::json> events_named(const std::vector<nlohmann::json>& events, const std::string& name) {
    std::vector<nlohmann::json> found;
    std::copy_if(events.begin(), events.end(), std::back_inserter(found),
                 [&](const auto& event) { return text_of(event, "event") == name; });
    return found;
}

}  // namespace

// A participant's start was refused; the moderator started a file recording with lib-jitsi-meet's startRecording:
// the focus answered with the session id, had the Jibri start it in this room (pending, then on) and published each
// status in its presence, which every client's RecordingManager turned into RECORDER_STATE_CHANGED: pending, on
// (initiated by the moderator), off (stopped by the moderator) after the moderator's stopRecording, which the focus
// passed on to the Jibri as a stop.
void expect_recording(const nlohmann::json& recording, const std::string& room,
                      const std::vector<nlohmann::json>& jibri_events) {
    ASSERT_TRUE(recording.is_object() && !recording.contains("error")) << recording.dump(1);
    for (const auto& step : recording["steps"]) {
        EXPECT_TRUE(step.value("reached", false)) << step.dump();
    }
    const auto moderator = text_of(recording, "initiator");
    const auto& start = recording["start"];
    EXPECT_EQ(text_of(start, "reply"), "result") << recording.dump(1);
    const auto session_id = text_of(start, "sessionId");
    ASSERT_FALSE(session_id.empty()) << recording.dump(1);
    EXPECT_EQ(recording["stop"], nlohmann::json({{"reply", "result"}})) << recording.dump(1);

    // A participant who is not a moderator was refused (the condition first in the error, where lib-jitsi-meet
    // reads it), which its RecordingManager reports as a session without id carrying that error.
    const auto refused_participant = text_of(recording, "refused_participant");
    EXPECT_EQ(recording["refused"], nlohmann::json({{"reply", "error"}, {"condition", "not-allowed"}}))
        << recording.dump(1);

    const auto& clients = recording["clients"];
    ASSERT_EQ(clients.size(), 3U) << recording.dump(1);
    const auto focus = room + "/focus";
    const auto moderator_jid = room + "/" + moderator;
    for (const auto& client : clients) {
        auto events = client["recorder_events"];
        if (text_of(client, "endpoint") == refused_participant) {
            ASSERT_FALSE(events.empty()) << client.dump(1);
            EXPECT_EQ(events[0], nlohmann::json({{"status", nullptr},
                                                 {"sessionId", nullptr},
                                                 {"mode", "file"},
                                                 {"error", "not-allowed"},
                                                 {"initiator", nullptr},
                                                 {"terminator", nullptr}}))
                << client.dump(1);
            events.erase(events.begin());
        }
        EXPECT_EQ(recorder_statuses(events, session_id), std::vector<std::string>({"pending", "on", "off"}))
            << client.dump(1);
        for (const auto& event : events) {
            EXPECT_EQ(text_of(event, "sessionId"), session_id) << client.dump(1);
            EXPECT_EQ(text_of(event, "mode"), "file") << client.dump(1);
            EXPECT_TRUE(event["error"].is_null()) << client.dump(1);
        }
        // lib-jitsi-meet resolves the presence's initiator to the participant (to the resource for itself).
        EXPECT_EQ(text_of(recorder_event(events, session_id, "on"), "initiator"), moderator) << client.dump(1);
        EXPECT_EQ(text_of(recorder_event(events, session_id, "off"), "terminator"), moderator) << client.dump(1);
        EXPECT_TRUE(client["failures"].empty()) << client.dump(1);

        // What the focus put in its presence, change by change.
        const auto& presence = client["recording_presence"];
        ASSERT_EQ(presence.size(), 3U) << client.dump(1);
        const char* statuses[] = {"pending", "on", "off"};
        for (std::size_t i = 0; i < presence.size(); ++i) {
            EXPECT_EQ(text_of(presence[i], "from"), focus) << client.dump(1);
            EXPECT_EQ(text_of(presence[i], "status"), statuses[i]) << client.dump(1);
            EXPECT_EQ(text_of(presence[i], "session_id"), session_id) << client.dump(1);
            EXPECT_EQ(text_of(presence[i], "recording_mode"), "file") << client.dump(1);
            EXPECT_TRUE(presence[i]["failure_reason"].is_null()) << client.dump(1);
        }
        // Who started it while on, who stopped it once off: the moderator's occupant JID both times.
        EXPECT_EQ(text_of(presence[1], "initiator"), moderator_jid) << client.dump(1);
        EXPECT_EQ(text_of(presence[2], "initiator"), moderator_jid) << client.dump(1);
    }

    // The Jibri was asked once to start this session in this room, answered pending, said on (which the focus
    // acknowledged) and was asked once to stop it.
    const auto starts = events_named(jibri_events, "start");
    ASSERT_EQ(starts.size(), 1U) << nlohmann::json(jibri_events).dump(1);
    EXPECT_EQ(text_of(starts[0], "session_id"), session_id) << starts[0].dump();
    EXPECT_EQ(text_of(starts[0], "room"), room) << starts[0].dump();
    EXPECT_EQ(text_of(starts[0], "mode"), "file") << starts[0].dump();
    EXPECT_EQ(text_of(starts[0], "recording_mode"), "file") << starts[0].dump();
    EXPECT_EQ(text_of(starts[0], "reply"), "pending") << starts[0].dump();
    const auto statuses = events_named(jibri_events, "status_sent");
    ASSERT_EQ(statuses.size(), 1U) << nlohmann::json(jibri_events).dump(1);
    EXPECT_EQ(text_of(statuses[0], "status"), "on") << statuses[0].dump();
    EXPECT_EQ(text_of(statuses[0], "reply"), "result") << statuses[0].dump();
    const auto stops = events_named(jibri_events, "stop");
    ASSERT_EQ(stops.size(), 1U) << nlohmann::json(jibri_events).dump(1);
    EXPECT_EQ(text_of(stops[0], "session_id"), session_id) << stops[0].dump();
    EXPECT_EQ(text_of(stops[0], "reply"), "off") << stops[0].dump();
}

// The moderator added a breakout room and sent the other and itself there through our emulation of Jitsi's
// component; each left the main room, joined the breakout room (a room of another MUC domain, under a new nick),
// read from its disco#info that it is a breakout room of the main room and got a new session from the focus there,
// with the other's audio and video; the bridge got both in the breakout room's conference.
void expect_breakout_move(const nlohmann::json& breakout, const std::string& main_room,
                          const std::string& breakout_domain, const std::vector<nlohmann::json>& colibri) {
    ASSERT_TRUE(breakout.is_object() && !breakout.contains("error")) << breakout.dump(1);
    for (const auto& step : breakout["steps"]) {
        EXPECT_TRUE(step.value("reached", false)) << step.dump();
    }
    EXPECT_EQ(breakout["main_room"], main_room);
    const auto room = text_of(breakout, "breakout_room");
    ASSERT_NE(room.find("@" + breakout_domain), std::string::npos) << breakout.dump(1);
    const auto& clients = breakout["clients"];
    ASSERT_EQ(clients.size(), 2U) << breakout.dump(1);

    std::set<std::string> endpoints;
    for (const auto& client : clients) {
        endpoints.insert(text_of(client, "endpoint"));
    }
    const auto focus = room + "/focus";
    for (const auto& client : clients) {
        const auto endpoint = text_of(client, "endpoint");
        EXPECT_EQ(client["room"], room) << client.dump(1);
        EXPECT_EQ(client["focus_muc_jid"], focus) << client.dump(1);
        EXPECT_EQ(client["moves"], nlohmann::json::array({room})) << client.dump(1);
        EXPECT_EQ(client["entered"], nlohmann::json::array({room})) << client.dump(1);
        EXPECT_TRUE(client.value("is_breakout_room", false)) << client.dump(1);
        EXPECT_EQ(client["main_room_jid"], main_room) << client.dump(1);
        EXPECT_TRUE(
            has_entry(client["jingle_in"], {{"action", "session-initiate"}, {"from", focus}, {"ack", "result"}}))
            << client.dump(1);
        EXPECT_TRUE(has_entry(client["jingle_out"], {{"action", "session-accept"}, {"to", focus}, {"reply", "result"}}))
            << client.dump(1);
        EXPECT_TRUE(client["failures"].empty()) << client.dump(1);
        const auto& signalled = client["signalled"];
        for (const auto& other : endpoints) {
            if (other == endpoint) {
                EXPECT_FALSE(signalled.contains(other)) << client.dump(1);
                continue;
            }
            ASSERT_TRUE(signalled.contains(other)) << client.dump(1);
            EXPECT_EQ(signalled[other].value("audio", nlohmann::json::array()).size(), 1U) << client.dump(1);
            EXPECT_GE(signalled[other].value("video", nlohmann::json::array()).size(), 2U) << client.dump(1);
        }
    }
    EXPECT_EQ(endpoints_with_transport(requests_for_room(colibri, room)), endpoints);
}

}  // namespace jicofo::testing
