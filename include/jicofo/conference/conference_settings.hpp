// What the conference module needs from the configuration, as a struct of its own (the application maps
// jicofo.conference.*, jicofo.xmpp.* and the component settings onto it), plus the snapshots /debug is built from.
#pragma once

#include "jicofo/conference/media_snapshot.hpp"
#include "jicofo/conference/room_metadata.hpp"
#include "jicofo/conference/room_policy.hpp"
#include "jicofo/conference/visitor_nodes.hpp"
#include "jicofo/stanza/focus.hpp"
#include "jicofo/stanza/jid.hpp"
#include "jicofo/xmpp/member.hpp"
#include "jicofo/xmpp/muc_room.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace jicofo::conference {

using namespace std::chrono_literals;

struct ConferenceSettings {
    stanza::Jid focus_jid;  // bare JID of the focus's client connection; the reply's focusjid
    std::string focus_nick = "focus";
    std::string version;  // <versions><component name='focus'>
    std::chrono::milliseconds initial_timeout = 15s;
    std::chrono::milliseconds single_participant_timeout = 20s;
    // Deadline for joining (and configuring) the MUC; a request still waiting then is answered ready=false, which
    // makes a client retry with backoff.
    std::chrono::milliseconds join_timeout = 15s;
    bool enable_auto_owner = true;
    bool visitors_supported = false;
    std::vector<std::string> trusted_domains;
    // Which rooms a conference request may name (room_policy.hpp); the application always sets it.
    std::optional<RoomServices> room_services;
    // Caps on what requests can make the room map hold (jicofo.conference.max-*): past them a request is refused
    // with resource-constraint (new rooms, waiting requests) or bad-request (properties), and counted.
    std::size_t max_conferences = 50000;
    std::size_t max_waiting_requests = 10000;
    std::size_t max_properties_per_request = 64;
};

// What every conference of one focus shares, made once by share_conference_settings(): the settings, and the focus's
// presence extensions in a room (its version and the conference properties), which are the same in every room.
struct SharedConferenceSettings {
    ConferenceSettings settings;
    xmpp::PresenceExtensions focus_presence;
    // The visitor nodes (never null; empty without jicofo.xmpp.visitors): a reply to a visitor goes over its node.
    std::shared_ptr<const VisitorNodes> visitor_nodes;
};

[[nodiscard]] std::shared_ptr<const SharedConferenceSettings> share_conference_settings(
    ConferenceSettings settings, std::shared_ptr<const VisitorNodes> visitor_nodes = nullptr);

struct ParticipantSnapshot {
    std::string endpoint_id;  // the MUC nick
    std::optional<std::string> real_jid;
    std::optional<std::string> stats_id;
    std::optional<std::string> region;
    xmpp::MemberRole role = xmpp::MemberRole::participant;
    bool audio_muted = true;
    bool video_muted = true;
    bool is_jibri = false;
    bool is_jigasi = false;
    bool is_transcriber = false;
    bool diarize = false;  // the member asked for per-endpoint diarization (jitsi_participant_diarize)
    std::vector<std::string> features;
    std::vector<std::string> video_codecs;
    std::optional<std::string> caps;  // XEP-0115 "node#ver" from the participant's presence
};

struct ConferenceSnapshot {
    stanza::Jid room;
    std::string meeting_id;
    bool joined = false;  // the focus is in the room
    bool ended = false;
    std::int64_t created_ms = 0;       // unix epoch milliseconds
    std::optional<std::string> owner;  // the nick auto-owner made owner
    std::vector<ParticipantSnapshot> participants;
    std::optional<MediaSnapshot> media;    // once the conference runs media (bridges configured and the room joined)
    std::optional<stanza::Jid> main_room;  // of a breakout room
    std::vector<std::string> holds;        // what keeps the conference open while empty (breakout rooms...)
    // Each feature's /debug part (feature name, JSON text), from its FeatureInstance::debug_json.
    std::vector<std::pair<std::string, std::string>> features;
    std::string focus_nick;
    // Jicofo's role manager class: AuthenticationRoleManager, AutoOwnerRoleManager, or none (e.g. breakout rooms).
    std::optional<std::string> role_manager;
    // The room metadata's room-level values (not its transcription headers, which may hold credentials).
    struct RoomState {
        std::optional<RoomMetadata::StartMuted> start_muted;
        std::vector<std::string> moderators;
        std::optional<std::vector<std::string>> participants;
        bool visitors_live = false;
        std::optional<bool> visitors_enabled;
        std::optional<int> participants_soft_limit;
        bool lobby_enabled = false;
    };
    RoomState room_state;
    std::vector<stanza::ConferenceProperties::Entry> properties;  // the focus's <conference-properties>
    // From the room map (FocusManager stamps them): listed in /stats and /rtcstats or not.
    bool in_statistics = true;
    bool rtcstats_enabled = true;
};

// The room map's view: every conference with its size, and the counters /stats reports.
// Jicofo's "endpoint pairs" term of one conference for participants_pairs and /stats endpoint_pairs: the square of
// its size, a conference with nobody counted as one participant (Jicofo's sum over conferences of size², whatever
// its help text says).
constexpr std::size_t endpoint_pairs_of(std::size_t participants) {
    const std::size_t size = participants == 0 ? 1 : participants;
    return size * size;
}

struct FocusManagerSnapshot {
    struct Entry {
        stanza::Jid room;
        std::size_t participants = 0;
        bool joined = false;
        // false for the health check's test conferences: listed (as Jicofo's /debug does) but left out of /stats
        bool in_statistics = true;
        // The creating request's rtcstatsEnabled property (conference_request.hpp): listed in GET /rtcstats or not.
        bool rtcstats_enabled = true;
    };
    std::vector<Entry> conferences;  // all of them
    // The counters and sizes below leave out the conferences not in statistics.
    std::uint64_t conferences_created = 0;
    std::uint64_t participants_total = 0;  // joined since start
    std::uint64_t requests_total = 0;
    std::size_t participants_current = 0;
    std::size_t largest_conference = 0;
    std::optional<std::string> breakout_service;  // the breakout rooms' MUC service, once Prosody announced it
};

}  // namespace jicofo::conference
