// The /debug and /rtcstats shapes of a conference snapshot: Jicofo's JitsiMeetConferenceImpl.getDebugState keys
// (with its chat room, participants, colibri sessions and sources), then ours (docs/rest-api.md lists both).
#include "jicofo/app/conference_json.hpp"
#include "jicofo/visitors/placement.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>
#include <utility>

namespace jicofo::app {
namespace {

using Json = nlohmann::ordered_json;

Json optional_json(const std::optional<std::string>& value) {
    return value ? Json(*value) : Json(nullptr);
}

// Jicofo writes an absent value through toString(): "null".
std::string text(const std::optional<std::string>& value) {
    return value.value_or("null");
}

// The resource of a bridge's brewery occupant JID (Jicofo keys its sessions by it).
std::string resource_of(const std::string& jid) {
    const auto slash = jid.find('/');
    return slash == std::string::npos ? jid : jid.substr(slash + 1);
}

// Jicofo's EndpointSourceSet.toJson.
Json source_set_json(const sources::EndpointSourceSet& set) {
    Json list = Json::array();
    for (const auto& source : set.sources) {
        Json entry = {{"ssrc", source.ssrc},
                      {"media_type", std::string(sources::to_string(source.media))},
                      {"name", text(source.name)},
                      {"msid", text(source.msid)},
                      {"videoType", source.video_type ? std::string(sources::to_string(*source.video_type)) : "null"}};
        if (source.synthetic) {
            entry["synthetic"] = true;
        }
        list.push_back(std::move(entry));
    }
    Json groups = Json::array();
    for (const auto& group : set.groups) {
        groups.push_back({{"semantics", group.semantics},
                          {"media_type", std::string(sources::to_string(group.media))},
                          {"ssrcs", group.ssrcs}});
    }
    return {{"sources", std::move(list)}, {"groups", std::move(groups)}};
}

// Jicofo's ConferenceSourceMap.toJson: by owner (endpoint id, or "jvb" for a bridge's feedback sources).
Json source_map_json(const sources::ConferenceSourceMap& map) {
    Json json = Json::object();
    for (const auto& [owner, set] : map) {
        json[owner] = source_set_json(set);
    }
    return json;
}

// What a participant is to receive (the others' sources of the media it takes), and what it has been signalled: that
// less the additions still queued for it, plus the removals still queued (Jicofo's SourceSignaling).
Json source_signaling_json(const conference::MediaSnapshot& media, const conference::MediaSnapshot::Participant& p) {
    sources::ConferenceSourceMap updated;
    for (const auto& [owner, set] : media.sources) {
        if (owner == p.endpoint_id) {
            continue;
        }
        sources::EndpointSourceSet received;
        if (p.receives_audio) {
            received.add(set.audio());
        }
        if (p.receives_video) {
            received.add(set.video());
        }
        if (!received.empty()) {
            updated.add(owner, received);
        }
    }
    auto signaled = updated;
    signaled.remove(p.queued_add);
    signaled.add(p.queued_remove);
    Json types = Json::array();
    if (p.receives_audio) {
        types.push_back("audio");
    }
    if (p.receives_video) {
        types.push_back("video");
    }
    return {{"signaled_sources", source_map_json(signaled)},
            {"sources", source_map_json(updated)},
            {"supported_media_types", std::move(types)}};
}

// Jicofo's JingleSession states: pending until session-accept, ended once replaced or terminated.
Json jingle_session_json(const conference::MediaSnapshot::Participant& p, const std::string& occupant_jid) {
    if (p.jingle_sid.empty()) {
        return nullptr;
    }
    const char* state = p.state == "offered" ? "PENDING" : p.state == "active" ? "ACTIVE" : "ENDED";
    return {{"sid", p.jingle_sid}, {"remoteJid", occupant_jid}, {"state", state}};
}

// The chat room as Jicofo's ChatRoomImpl shows it: its members (not the focus), the senders, and the room metadata.
Json chat_room_json(const conference::ConferenceSnapshot& snapshot, const Json& av_moderation) {
    const auto room = snapshot.room.to_string();
    Json members = Json::object();
    int audio_senders = 0;
    int video_senders = 0;
    for (const auto& p : snapshot.participants) {
        audio_senders += p.audio_muted ? 0 : 1;
        video_senders += p.video_muted ? 0 : 1;
        members[p.endpoint_id] = {{"region", text(p.region)},
                                  {"occupant_jid", room + "/" + p.endpoint_id},
                                  {"jid", text(p.real_jid)},
                                  {"is_jibri", p.is_jibri},
                                  {"is_jigasi", p.is_jigasi},
                                  {"is_transcriber", p.is_transcriber},
                                  {"role", std::string(xmpp::to_string(p.role))},
                                  {"video_codecs", p.video_codecs},
                                  {"stats_id", text(p.stats_id)},
                                  {"is_audio_muted", p.audio_muted},
                                  {"is_video_muted", p.video_muted},
                                  {"diarize", p.diarize},
                                  {"features", p.features},
                                  {"capsNodeVer", text(p.caps)}};
    }
    const auto& state = snapshot.room_state;
    Json json = {{"room_jid", room},
                 {"my_occupant_jid", room + "/" + snapshot.focus_nick},
                 {"members", std::move(members)},
                 {"audio_senders_count", audio_senders},
                 {"video_senders_count", video_senders},
                 {"lobby_enabled", state.lobby_enabled},
                 {"participants_soft_limit", state.participants_soft_limit.value_or(-1)}};
    if (state.participants) {
        json["participants"] = *state.participants;
    }
    json["moderators"] = state.moderators;
    json["visitors_enabled"] = state.visitors_enabled ? (*state.visitors_enabled ? "true" : "false") : "null";
    json["visitors_live"] = state.visitors_live;
    json["av_moderation"] = av_moderation.is_object() ? av_moderation : Json::object();
    return json;
}

// Jicofo's ColibriV2SessionManager.debugState. Each session's "bridge" is {"jid"} here: the REST layer replaces it
// with the bridge's state from the registry (media_routes.cpp), which the conference's strand does not hold.
Json colibri_json(const conference::ConferenceSnapshot& snapshot, const conference::MediaSnapshot& media) {
    std::map<std::string, const conference::ParticipantSnapshot*> members;
    for (const auto& p : snapshot.participants) {
        members[p.endpoint_id] = &p;
    }
    Json participants = Json::object();
    std::map<std::string, std::shared_ptr<const sources::EndpointSourceSet>> feedback;  // by colibri session id
    for (const auto& p : media.participants) {
        if (!p.bridge) {
            continue;  // no allocation: Jicofo has no ParticipantInfo for it either
        }
        const auto member = members.find(p.endpoint_id);
        const auto* info = member == members.end() ? nullptr : member->second;
        participants[p.endpoint_id] = {{"id", p.endpoint_id},
                                       {"stats_id", text(info ? info->stats_id : std::nullopt)},
                                       {"sources", source_set_json(media.sources.get(p.endpoint_id))},
                                       {"bridge", resource_of(*p.bridge)},
                                       {"audio_muted", p.force_mute_audio},
                                       {"video_muted", p.force_mute_video},
                                       {"private_addresses", p.private_addresses},
                                       {"ssrc_rewriting", p.ssrc_rewriting},
                                       {"rtp_mid_demux", p.rtp_mid_demux},
                                       {"visitor", info != nullptr && info->role == xmpp::MemberRole::visitor},
                                       {"diarize", info != nullptr && info->diarize}};
        if (p.feedback && p.session_id) {
            feedback.emplace(*p.session_id, p.feedback);
        }
    }
    Json sessions = Json::object();
    for (const auto& session : media.colibri.sessions) {
        sources::ConferenceSourceMap feedback_sources;
        if (auto it = feedback.find(session.session_id); it != feedback.end()) {
            feedback_sources.add("jvb", *it->second);
        }
        Json relays = Json::object();
        for (const auto& relay : session.relays) {
            relays[relay.id] = {{"id", relay.id},
                                {"use_unique_port", relay.link.initiator},
                                {"ice_controlling", relay.link.initiator},
                                {"dtls_setup", relay.link.initiator ? "active" : "passive"},
                                {"bridge_channel_active", relay.link.initiator},
                                {"sctp_bridge_channel", relay.link.sctp},
                                {"mesh_id", relay.link.mesh_id}};
        }
        sessions[resource_of(session.bridge_id)] = {{"bridge", {{"jid", session.bridge_id}}},
                                                    {"id", session.session_id},
                                                    {"feedback_sources", source_map_json(feedback_sources)},
                                                    {"created", session.created},
                                                    {"recently_added_endpoints", session.recently_added},
                                                    {"relays", std::move(relays)},
                                                    {"participants", session.endpoints}};
    }
    return {{"participants", std::move(participants)}, {"sessions", std::move(sessions)}};
}

// Our media view: each participant's session and the colibri2 session on each bridge.
Json media_debug_json(const conference::MediaSnapshot& media, bool full) {
    Json participants = Json::object();
    for (const auto& p : media.participants) {
        Json entry = {
            {"state", p.state}, {"bridge", optional_json(p.bridge)}, {"session_id", optional_json(p.session_id)}};
        if (full) {
            entry["sources"] = p.sources;
        }
        entry["invites"] = p.invites;
        participants[p.endpoint_id] = std::move(entry);
    }
    Json sessions = Json::array();
    for (const auto& session : media.colibri.sessions) {
        sessions.push_back({{"bridge", session.bridge_id},
                            {"session_id", session.session_id},
                            {"created", session.created},
                            {"endpoints", session.endpoints}});
        if (!session.connects.empty()) {
            sessions.back()["connects"] = session.connects;  // transcriber, translators: only where there are some
        }
    }
    Json json = {{"participants", std::move(participants)}, {"colibri_sessions", std::move(sessions)}};
    if (full) {
        json["sources"] = media.conference_sources;
    }
    return json;
}

// A participant as Jicofo's Participant.getDebugState shows it, then ours.
Json participant_json(const conference::ParticipantSnapshot& p, const conference::MediaSnapshot* media,
                      const conference::MediaSnapshot::Participant* session, const std::string& room, bool full) {
    Json entry;
    entry["id"] = p.endpoint_id;
    if (full) {
        entry["source_signaling"] = session ? source_signaling_json(*media, *session)
                                            : Json{{"signaled_sources", Json::object()},
                                                   {"sources", Json::object()},
                                                   {"supported_media_types", Json::array()}};
    }
    if (p.stats_id) {
        entry["stats_id"] = *p.stats_id;
    }
    // Jicofo's invite runnable lives from the invite until the offer is sent (feature discovery, allocation).
    const bool inviting = session && (session->state == "discovering" || session->state == "allocating");
    entry["invite_runnable"] = inviting ? "Running" : "Not running";
    entry["jingle_session"] = session ? jingle_session_json(*session, room + "/" + p.endpoint_id) : Json(nullptr);
    // Ours.
    entry["real_jid"] = optional_json(p.real_jid);
    entry["region"] = optional_json(p.region);
    entry["role"] = std::string(xmpp::to_string(p.role));
    entry["audio_muted"] = p.audio_muted;
    entry["video_muted"] = p.video_muted;
    entry["is_jibri"] = p.is_jibri;
    entry["is_jigasi"] = p.is_jigasi;
    if (full) {
        entry["features"] = p.features;
    }
    entry["video_codecs"] = p.video_codecs;
    return entry;
}

Json feature_json(const std::string& text) {
    auto value = Json::parse(text, nullptr, false);
    return value.is_discarded() ? Json(text) : std::move(value);
}

// Jicofo's PreferenceAggregator state over the visitors' codec lists: how many lists, each codec's summed rank, and
// the aggregate (what every visitor receives, best first).
Json visitor_codecs_json(const std::vector<conference::ParticipantSnapshot>& participants) {
    std::vector<std::vector<std::string>> lists;
    Json ranks = Json::object();
    for (const auto& p : participants) {
        if (p.role != xmpp::MemberRole::visitor || p.video_codecs.empty()) {
            continue;
        }
        lists.push_back(p.video_codecs);
        for (std::size_t rank = 0; rank < p.video_codecs.size(); ++rank) {
            auto& sum = ranks[p.video_codecs[rank]];
            sum = (sum.is_null() ? 0 : sum.get<std::size_t>()) + rank;
        }
    }
    return {{"count", lists.size()}, {"ranks", std::move(ranks)}, {"aggregate", visitors::aggregate_codecs(lists)}};
}

}  // namespace

nlohmann::ordered_json conference_debug_json(const conference::ConferenceSnapshot& snapshot, bool full) {
    std::map<std::string, Json> features;  // each feature's part, under its name (e.g. "av_moderation")
    for (const auto& [name, text] : snapshot.features) {
        features[name] = feature_json(text);
    }
    auto feature = [&features](const std::string& name) {
        auto it = features.find(name);
        return it == features.end() ? Json(nullptr) : it->second;
    };
    const auto room = snapshot.room.to_string();
    const auto* media = snapshot.media ? &*snapshot.media : nullptr;

    Json json;
    json["name"] = room;
    if (!snapshot.meeting_id.empty()) {
        json["meeting_id"] = snapshot.meeting_id;
    }
    auto start_muted_json = [](const std::optional<int>& value) { return value ? Json(*value) : Json(nullptr); };
    json["config"] = {{"rtcstatsEnabled", snapshot.rtcstats_enabled},
                      {"startAudioMuted", start_muted_json(media ? media->start_audio_muted : std::nullopt)},
                      {"startVideoMuted", start_muted_json(media ? media->start_video_muted : std::nullopt)}};
    json["chat_room"] = snapshot.joined ? chat_room_json(snapshot, feature("av_moderation")) : Json(nullptr);
    Json participants = Json::object();
    int jibris = 0;
    int jigasis = 0;
    int transcribers = 0;
    int visitors = 0;
    std::map<std::string_view, const conference::MediaSnapshot::Participant*> sessions;  // by endpoint id
    if (media) {
        for (const auto& session : media->participants) {
            sessions.emplace(session.endpoint_id, &session);
        }
    }
    for (const auto& p : snapshot.participants) {
        const auto session = sessions.find(p.endpoint_id);
        participants[p.endpoint_id] =
            participant_json(p, media, session == sessions.end() ? nullptr : session->second, room, full);
        jibris += p.is_jibri ? 1 : 0;
        transcribers += p.is_transcriber ? 1 : 0;
        jigasis += p.is_jigasi && !p.is_transcriber ? 1 : 0;  // as Jicofo: jigasis that do not transcribe
        visitors += p.role == xmpp::MemberRole::visitor ? 1 : 0;
    }
    json["participants"] = std::move(participants);
    if (snapshot.role_manager) {
        json["chat_room_role_manager"] = {{"class", *snapshot.role_manager}};
        if (*snapshot.role_manager == "AutoOwnerRoleManager") {
            json["chat_room_role_manager"]["owner"] = text(snapshot.owner);
        }
    } else {
        json["chat_room_role_manager"] = nullptr;
    }
    json["started"] = snapshot.joined;
    const auto start_muted = snapshot.room_state.start_muted.value_or(conference::RoomMetadata::StartMuted{});
    json["start_audio_muted"] = start_muted.audio;
    json["start_video_muted"] = start_muted.video;
    if (media) {
        json["colibri_session_manager"] = colibri_json(snapshot, *media);
    }
    Json properties = Json::object();
    for (const auto& entry : snapshot.properties) {
        properties[entry.key] = entry.value;
    }
    json["conference_properties"] = std::move(properties);
    json["include_in_statistics"] = snapshot.in_statistics;
    json["conference_sources"] = media ? source_map_json(media->sources) : Json::object();
    const auto limits = feature("sender_limits");
    json["audio_limit_reached"] = limits.is_object() && limits.value("audio_limit_reached", false);
    json["video_limit_reached"] = limits.is_object() && limits.value("video_limit_reached", false);
    json["visitor_count"] = visitors;
    json["visitor_codecs"] = visitor_codecs_json(snapshot.participants);
    json["participant_count"] = snapshot.participants.size();
    json["jibri_count"] = jibris;
    json["jigasi_count"] = jigasis;
    json["transcriber_count"] = transcribers;

    // Ours.
    json["room"] = room;
    json["joined"] = snapshot.joined;
    json["created"] = snapshot.created_ms;
    json["owner"] = optional_json(snapshot.owner);
    if (media) {
        json["media"] = media_debug_json(*media, full);
    }
    if (snapshot.main_room) {
        json["main_room"] = snapshot.main_room->to_string();  // a breakout room's
    }
    if (!snapshot.holds.empty()) {
        json["held_open_by"] = snapshot.holds;
    }
    for (auto& [name, value] : features) {
        json[name] = std::move(value);
    }
    return json;
}

nlohmann::ordered_json rtcstats_json(const conference::FocusManagerSnapshot& rooms,
                                     const std::vector<conference::ConferenceSnapshot>& snapshots) {
    std::set<stanza::Jid> listed;
    for (const auto& entry : rooms.conferences) {
        if (entry.in_statistics && entry.rtcstats_enabled) {
            listed.insert(entry.room);
        }
    }
    nlohmann::ordered_json json = nlohmann::ordered_json::object();
    for (const auto& snapshot : snapshots) {
        if (!snapshot.meeting_id.empty() && listed.contains(snapshot.room)) {
            json[snapshot.meeting_id] = conference_debug_json(snapshot, false);
        }
    }
    return json;
}

}  // namespace jicofo::app
