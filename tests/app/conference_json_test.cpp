// JSON at the REST edge of conferences: request bodies and the Authorization header to ConferenceRequest, replies
// and errors as Jicofo shapes them, and the conference keys of /stats.
#include "jicofo/app/conference_json.hpp"
#include "jicofo/app/conference_services.hpp"

#include <gtest/gtest.h>

namespace jicofo::app {
namespace {

stanza::Jid jid(const std::string& text) {
    return stanza::Jid::parse(text).value();
}

// The rooms a request may name, from the configuration: conference-muc-jid (or conference.<xmpp-domain>), and every
// configured brewery reserved.
TEST(ConferenceServicesTest, RoomServicesFromTheConfiguration) {
    config::JicofoConfig config;
    config.bridge.brewery_jid = "JvbBrewery@internal.auth.meet.test";
    config.jigasi.brewery_jid = "jigasibrewery@internal.auth.meet.test";
    auto derived = room_services(config, "meet.test");
    EXPECT_EQ(derived.conference_service, "conference.meet.test");
    EXPECT_EQ(derived.xmpp_domain, "meet.test");
    EXPECT_FALSE(derived.breakout_service);
    EXPECT_EQ(derived.reserved_rooms, (std::vector<stanza::Jid>{jid("jvbbrewery@internal.auth.meet.test"),
                                                                jid("jigasibrewery@internal.auth.meet.test")}));
    config.xmpp.client.conference_muc_jid = "muc.meet.test";
    EXPECT_EQ(room_services(config, "meet.test").conference_service, "muc.meet.test");
}

TEST(ConferenceJsonTest, RequestFieldsAndBearerToken) {
    auto request = conference_request_from_json(
        R"({"room":"Room1@Conference.meet.test","machineUid":"m1","sessionId":"s1","unknown":42,
            "properties":{"rtcstatsEnabled":"true","startAudioMuted":"10"}})",
        "Bearer abc.def");
    ASSERT_TRUE(request) << request.error();
    EXPECT_EQ(request->room, jid("room1@conference.meet.test"));
    EXPECT_EQ(request->machine_uid, std::optional<std::string>("m1"));
    EXPECT_EQ(request->session_id, std::optional<std::string>("s1"));
    EXPECT_EQ(request->token, std::optional<std::string>("abc.def"));
    ASSERT_EQ(request->properties.size(), 2U);
    // A raw token (no scheme) is carried as is.
    EXPECT_EQ(conference_request_from_json(R"({"room":"r@c.meet.test"})", "raw")->token,
              std::optional<std::string>("raw"));
    // No room: parsed, the room map answers bad-request.
    EXPECT_FALSE(conference_request_from_json("{}", std::nullopt)->room);
}

TEST(ConferenceJsonTest, BadBodiesAndInvalidRooms) {
    EXPECT_FALSE(conference_request_from_json("not json", std::nullopt));
    EXPECT_FALSE(conference_request_from_json("[]", std::nullopt));
    EXPECT_FALSE(conference_request_from_json(R"({"room":5})", std::nullopt));
    EXPECT_FALSE(conference_request_from_json(R"({"room":"r@c","properties":{"a":1}})", std::nullopt));
    EXPECT_FALSE(conference_request_from_json(R"({"room":"r@c","properties":[1]})", std::nullopt));
    for (const auto* room : {"a@b@c", "@c.meet.test", "r@c.meet.test/nick", "c.meet.test"}) {
        auto request = conference_request_from_json(std::string(R"({"room":")") + room + "\"}", std::nullopt);
        ASSERT_FALSE(request) << room;
        EXPECT_EQ(request.error(), "Invalid room name") << room;
    }
}

TEST(ConferenceJsonTest, ReplyAndErrors) {
    conference::ConferenceReply reply;
    reply.room = jid("r@c.meet.test");
    reply.ready = true;
    reply.focus_jid = jid("focus@auth.meet.test");
    reply.properties = {{"authentication", "false"}, {"sipGatewayEnabled", "true"}};
    EXPECT_EQ(conference_reply_json(reply).dump(),
              R"({"room":"r@c.meet.test","ready":true,"focusJid":"focus@auth.meet.test",)"
              R"("properties":{"authentication":"false","sipGatewayEnabled":"true"}})");
    EXPECT_EQ(conference_error_http({conference::RequestErrc::not_authorized, ""}).status, 403);
    auto refused = conference_error_http({conference::RequestErrc::not_allowed, "room is not a conference room"});
    EXPECT_EQ(refused.status, 403);
    EXPECT_EQ(refused.body, "Forbidden: not-allowed");
    auto invalid = conference_error_http({conference::RequestErrc::session_invalid, ""});
    EXPECT_EQ(invalid.status, 400);
    EXPECT_EQ(invalid.body, "Bad request: invalid-session");
    EXPECT_EQ(conference_error_http({conference::RequestErrc::bad_request, "missing room"}).status, 400);
    // Jicofo maps every not-acceptable (also a machine-uid mismatch) to "invalid-session".
    auto mismatch = conference_error_http({conference::RequestErrc::not_acceptable, "machine UID mismatch or empty"});
    EXPECT_EQ(mismatch.status, 400);
    EXPECT_EQ(mismatch.body, "Bad request: invalid-session");
    // A cap of the room map: the shard is full for now, so the answer says "retry later" (a 4xx would not).
    auto full = conference_error_http({conference::RequestErrc::resource_constraint, "too many conferences (max 3)"});
    EXPECT_EQ(full.status, 503);
    EXPECT_EQ(full.body, "Service unavailable: too many conferences (max 3)");
    // Draining or shutting down: the same "go elsewhere" answer.
    auto draining = conference_error_http({conference::RequestErrc::unavailable, "draining: maintenance"});
    EXPECT_EQ(draining.status, 503);
    EXPECT_EQ(draining.body, "Service unavailable: draining: maintenance");
}

TEST(ConferenceJsonTest, ReplyWithAnAuthenticationSession) {
    conference::ConferenceReply reply;
    reply.room = jid("r@c.meet.test");
    reply.ready = true;
    reply.focus_jid = jid("focus@auth.meet.test");
    reply.session_id = "0d3b6c1e-5c4b-4a53-9a8e-2f0f0f0f0f0f";
    reply.identity = "alice@secure.meet.test";
    reply.properties = {{"authentication", "true"}, {"externalAuth", "false"}};
    EXPECT_EQ(conference_reply_json(reply).dump(),
              R"({"room":"r@c.meet.test","ready":true,"focusJid":"focus@auth.meet.test",)"
              R"("sessionId":"0d3b6c1e-5c4b-4a53-9a8e-2f0f0f0f0f0f","identity":"alice@secure.meet.test",)"
              R"("properties":{"authentication":"true","externalAuth":"false"}})");
}

TEST(ConferenceJsonTest, StatsLeaveOutTheHealthChecksTestConferences) {
    conference::FocusManagerSnapshot snapshot;
    snapshot.conferences = {{jid("a@c"), 2, true}, {jid("__jicofo-health-check-1@c"), 0, true, false}};
    auto json = conference_stats_json(snapshot);
    EXPECT_EQ(json["conferences"], 1);
    EXPECT_EQ(json["conference_sizes"]["total_count"], 1);
    EXPECT_EQ(json["conference_sizes"]["min"], 2);
    EXPECT_EQ(json["conference_sizes"]["buckets"]["0_to_1"], 0);
}

TEST(ConferenceJsonTest, DebugShowsTheMediaStateWhenThereIsOne) {
    conference::ConferenceSnapshot snapshot;
    snapshot.room = jid("room1@conference.meet.test");
    EXPECT_FALSE(conference_debug_json(snapshot).contains("media")) << "no bridges configured";

    conference::MediaSnapshot media;
    conference::MediaSnapshot::Participant alice;
    alice.endpoint_id = "alice";
    alice.state = "active";
    alice.bridge = "jvbbrewery@internal.auth.meet.test/jvb1";
    alice.session_id = "s1";
    alice.sources = 3;
    alice.invites = 2;
    conference::MediaSnapshot::Participant bob;
    bob.endpoint_id = "bob";
    bob.state = "waiting";
    media.participants = {alice, bob};
    decltype(media.colibri.sessions)::value_type session;  // by member: the session gains fields over time
    session.bridge_id = "jvbbrewery@internal.auth.meet.test/jvb1";
    session.session_id = "s1";
    session.created = true;
    session.endpoints = {"alice"};
    media.colibri.sessions.push_back(session);
    media.conference_sources = 3;
    snapshot.media = media;

    auto json = conference_debug_json(snapshot)["media"];
    EXPECT_EQ(json["participants"]["alice"].dump(),
              R"({"state":"active","bridge":"jvbbrewery@internal.auth.meet.test/jvb1","session_id":"s1","sources":3,)"
              R"("invites":2})");
    EXPECT_TRUE(json["participants"]["bob"]["bridge"].is_null());
    EXPECT_EQ(json["colibri_sessions"].dump(),
              R"([{"bridge":"jvbbrewery@internal.auth.meet.test/jvb1","session_id":"s1","created":true,)"
              R"("endpoints":["alice"]}])");
    EXPECT_EQ(json["sources"], 3);

    media.colibri.sessions.front().connects = {"transcriber"};
    snapshot.media = media;
    EXPECT_EQ(conference_debug_json(snapshot)["media"]["colibri_sessions"][0]["connects"].dump(), R"(["transcriber"])");
}

conference::ConferenceSnapshot snapshot_with_media(const std::string& room, const std::string& meeting_id) {
    conference::ConferenceSnapshot snapshot;
    snapshot.room = jid(room);
    snapshot.meeting_id = meeting_id;
    conference::ParticipantSnapshot alice;
    alice.endpoint_id = "alice";
    alice.features = {"urn:xmpp:jingle:1", "http://jitsi.org/json-encoded-sources"};
    snapshot.participants = {alice};
    conference::MediaSnapshot media;
    conference::MediaSnapshot::Participant on_bridge;
    on_bridge.endpoint_id = "alice";
    on_bridge.state = "active";
    on_bridge.sources = 3;
    media.participants = {on_bridge};
    media.conference_sources = 3;
    snapshot.media = media;
    return snapshot;
}

TEST(ConferenceJsonTest, TheRtcstatsStateLeavesOutTheHighVolumeFields) {
    const auto snapshot = snapshot_with_media("room1@conference.meet.test", "m-1");
    const auto full = conference_debug_json(snapshot);
    EXPECT_TRUE(full["participants"]["alice"].contains("features"));
    EXPECT_TRUE(full["media"]["participants"]["alice"].contains("sources"));
    EXPECT_TRUE(full["media"].contains("sources"));

    const auto light = conference_debug_json(snapshot, false);
    EXPECT_FALSE(light["participants"]["alice"].contains("features"));
    EXPECT_FALSE(light["media"]["participants"]["alice"].contains("sources"));
    EXPECT_FALSE(light["media"].contains("sources"));
    EXPECT_EQ(light["meeting_id"], "m-1");
    EXPECT_EQ(light["participants"]["alice"]["id"], "alice");
    EXPECT_EQ(light["media"]["participants"]["alice"]["state"], "active");
    EXPECT_EQ(light["media"]["participants"]["alice"]["invites"], 0);
}

sources::Source source(std::uint32_t ssrc, sources::MediaType media) {
    sources::Source s;
    s.ssrc = ssrc;
    s.media = media;
    s.name = "src-" + std::to_string(ssrc);
    if (media == sources::MediaType::video) {
        s.video_type = sources::VideoType::camera;
    }
    return s;
}

// Jicofo's participant keys: a Jingle session in its states, the invite in progress, and what was signalled (the
// others' sources, less those still queued for it, of the media it receives).
TEST(ConferenceJsonTest, ParticipantsShowTheirJingleSessionAndSourceSignaling) {
    auto snapshot = snapshot_with_media("room1@conference.meet.test", "m-1");
    snapshot.participants.front().stats_id = "Stats-alice";
    conference::ParticipantSnapshot bob;
    bob.endpoint_id = "bob";
    snapshot.participants.push_back(bob);
    auto& media = *snapshot.media;
    media.participants.front().jingle_sid = "sid-a";
    media.participants.front().receives_video = false;  // alice takes audio only
    conference::MediaSnapshot::Participant bob_media;
    bob_media.endpoint_id = "bob";
    bob_media.state = "allocating";
    media.participants.push_back(bob_media);
    sources::EndpointSourceSet bob_sources;
    bob_sources.add(source(11, sources::MediaType::audio));
    bob_sources.add(source(12, sources::MediaType::video));
    media.sources.add("bob", bob_sources);
    sources::EndpointSourceSet queued;
    queued.add(source(11, sources::MediaType::audio));
    media.participants.front().queued_add.add("bob", queued);

    const auto json = conference_debug_json(snapshot);
    const auto& alice = json["participants"]["alice"];
    EXPECT_EQ(alice["stats_id"], "Stats-alice");
    EXPECT_EQ(alice["invite_runnable"], "Not running");
    EXPECT_EQ(alice["jingle_session"].dump(),
              R"({"sid":"sid-a","remoteJid":"room1@conference.meet.test/alice","state":"ACTIVE"})");
    const auto& signaling = alice["source_signaling"];
    EXPECT_EQ(signaling["supported_media_types"].dump(), R"(["audio"])");
    EXPECT_EQ(signaling["sources"]["bob"]["sources"].size(), 1U) << "no video for alice";
    EXPECT_EQ(signaling["sources"]["bob"]["sources"][0]["ssrc"], 11);
    EXPECT_FALSE(signaling["signaled_sources"].contains("bob")) << "bob's audio is still queued for alice";
    const auto& bob_json = json["participants"]["bob"];
    EXPECT_FALSE(bob_json.contains("stats_id")) << "Jicofo leaves an unknown stats id out";
    EXPECT_EQ(bob_json["invite_runnable"], "Running");
    EXPECT_TRUE(bob_json["jingle_session"].is_null()) << "no offer yet";
    EXPECT_EQ(json["conference_sources"]["bob"]["sources"][1].dump(),
              R"({"ssrc":12,"media_type":"video","name":"src-12","msid":"null","videoType":"camera"})");
    EXPECT_FALSE(conference_debug_json(snapshot, false)["participants"]["alice"].contains("source_signaling"));
}

// Jicofo's ColibriV2SessionManager state: participants with an allocation, sessions by bridge resource (their bridge
// as {"jid"} until the REST layer fills it), relays with their roles.
TEST(ConferenceJsonTest, ColibriSessionsByBridgeResource) {
    auto snapshot = snapshot_with_media("room1@conference.meet.test", "m-1");
    auto& media = *snapshot.media;
    auto& alice = media.participants.front();
    alice.bridge = "jvbbrewery@internal.auth.meet.test/jvb1";
    alice.session_id = "s1";
    alice.force_mute_video = true;
    decltype(media.colibri.sessions)::value_type session;
    session.bridge_id = "jvbbrewery@internal.auth.meet.test/jvb1";
    session.session_id = "s1";
    session.created = true;
    session.endpoints = {"alice"};
    session.recently_added = 1;
    session.relays.push_back({"jvb2-relay", {"mesh-1", true, false}});
    media.colibri.sessions.push_back(session);

    const auto colibri = conference_debug_json(snapshot)["colibri_session_manager"];
    EXPECT_EQ(colibri["participants"]["alice"]["bridge"], "jvb1");
    EXPECT_EQ(colibri["participants"]["alice"]["video_muted"], true);
    EXPECT_EQ(colibri["participants"]["alice"]["stats_id"], "null");
    const auto& jvb1 = colibri["sessions"]["jvb1"];
    EXPECT_EQ(jvb1["bridge"]["jid"], "jvbbrewery@internal.auth.meet.test/jvb1");
    EXPECT_EQ(jvb1["id"], "s1");
    EXPECT_EQ(jvb1["recently_added_endpoints"], 1);
    EXPECT_EQ(jvb1["participants"].dump(), R"(["alice"])");
    EXPECT_EQ(jvb1["relays"]["jvb2-relay"].dump(),
              R"({"id":"jvb2-relay","use_unique_port":true,"ice_controlling":true,"dtls_setup":"active",)"
              R"("bridge_channel_active":true,"sctp_bridge_channel":false,"mesh_id":"mesh-1"})");
}

TEST(ConferenceJsonTest, RtcstatsListsByMeetingIdOnlyConferencesInStatisticsWithRtcstatsOn) {
    conference::FocusManagerSnapshot rooms;
    rooms.conferences = {{jid("on@c"), 1, true},
                         {jid("off@c"), 1, true, true, false},
                         {jid("__jicofo-health-check-1@c"), 0, true, false},
                         {jid("nomeeting@c"), 1, true},
                         {jid("second@c"), 2, true, true, true}};
    const std::vector<conference::ConferenceSnapshot> snapshots{
        snapshot_with_media("on@c", "m-on"),
        snapshot_with_media("off@c", "m-off"),
        snapshot_with_media("__jicofo-health-check-1@c", "m-health"),
        snapshot_with_media("nomeeting@c", ""),
        snapshot_with_media("second@c", "m-second"),
        snapshot_with_media("gone-from-the-map@c", "m-gone"),
    };
    const auto json = rtcstats_json(rooms, snapshots);
    ASSERT_EQ(json.size(), 2U) << json.dump();
    EXPECT_EQ(json["m-on"]["room"], "on@c");
    EXPECT_EQ(json["m-second"]["room"], "second@c");
    EXPECT_FALSE(json["m-on"]["participants"]["alice"].contains("features"));

    EXPECT_EQ(rtcstats_json({}, {}).dump(), "{}");
}

TEST(ConferenceJsonTest, StatsKeysAndSizeBuckets) {
    conference::FocusManagerSnapshot snapshot;
    snapshot.conferences = {{jid("a@c"), 1, true}, {jid("b@c"), 4, true}, {jid("c@c"), 0, true}};
    snapshot.conferences_created = 7;
    snapshot.participants_total = 12;
    snapshot.participants_current = 5;
    snapshot.largest_conference = 4;
    auto json = conference_stats_json(snapshot);
    EXPECT_EQ(json["conferences"], 3);
    EXPECT_EQ(json["total_conferences_created"], 7);
    EXPECT_EQ(json["total_participants"], 12);
    EXPECT_EQ(json["participants"], 5);
    EXPECT_EQ(json["largest_conference"], 4);
    const auto& sizes = json["conference_sizes"];
    EXPECT_EQ(sizes["max"], 4);
    EXPECT_EQ(sizes["min"], 0);
    EXPECT_EQ(sizes["total_count"], 3);
    EXPECT_EQ(sizes["buckets"]["0_to_1"], 1);
    EXPECT_EQ(sizes["buckets"]["1_to_2"], 1);
    EXPECT_EQ(sizes["buckets"]["3_to_5"], 1);
    EXPECT_EQ(sizes["buckets"]["500_to_max"], 0);
    // The 99th and 99.9th percentile sizes are in 3_to_5 (3 of 3 conferences are below 5).
    EXPECT_EQ(sizes["buckets"]["p99_upper_bound"], 5);
    EXPECT_EQ(sizes["buckets"]["p999_upper_bound"], 5);
    EXPECT_EQ(json["endpoint_pairs"], 1 + 16 + 1) << "size², the empty conference counted as 1";
    EXPECT_EQ(json["visitors"], 0);
    EXPECT_EQ(json["conferences_with_visitors"], 0);

    const auto none = conference_stats_json({});
    EXPECT_EQ(none["conference_sizes"]["buckets"]["p99_upper_bound"], -1);
    EXPECT_EQ(none["endpoint_pairs"], 0);
}

}  // namespace
}  // namespace jicofo::app
