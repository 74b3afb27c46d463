// The room features end to end: the jicofo binary, a real Prosody with our emulations of Jitsi's AV-moderation,
// breakout-rooms and room-metadata components (tests/prosody-plugins), an emulated bridge and emulated
// lib-jitsi-meet participants that drive the components as the client does.
#include "media_session_fixture.hpp"

#include <thread>

namespace jicofo::testing {
namespace {

class RoomFeaturesTest : public MediaSessionTest {
protected:
    void configure_prosody(ProsodyOptions& options) override { options.jitsi_room_components = true; }

    // The participant learns the components (lib-jitsi-meet does on connect); needed before it drives them.
    void discover(const std::string& name) {
        const nlohmann::json command = {{"cmd", "discover"}, {"name", name}, {"domain", prosody_->domain()}};
        const auto found = event_json(participants_->request(command.dump(), "components", kEventTimeout));
        ASSERT_EQ(found.value("av_moderation", ""), prosody_->av_moderation_component()) << found.dump();
    }

    void command(const nlohmann::json& command) {
        ASSERT_TRUE(participants_->request(command.dump(), "done", kEventTimeout)) << participants_->transcript();
    }

    nlohmann::json conference_state(const std::string& room) {
        return get_rest_json(port_, "/debug/conference/" + room);
    }

    // Alice is owner (auto-owner makes the first participant owner), so the components take her requests.
    void wait_for_alice_to_moderate() {
        ASSERT_TRUE(
            poll([&] { return conference_state(room_).value("owner", nlohmann::json()) == "alice1"; }, kSessionTimeout))
            << conference_state(room_).dump() << diagnostics();
        // Prosody has applied the grant once Alice sees herself as owner; the component asks Prosody.
        ASSERT_TRUE(poll([&] { return dump("alice")["occupants"].contains("alice1"); }, kSessionTimeout));
    }

    nlohmann::json forced(const std::string& endpoint) { return MediaSessionTest::forced(*jvb1_, endpoint); }

    nlohmann::json mute(const std::string& from, const std::string& target, bool value,
                        const std::string& media = "audio") {
        const nlohmann::json command = {
            {"cmd", "mute"}, {"name", from}, {"target", target}, {"media", media}, {"value", value}};
        return event_json(participants_->request(command.dump(), "mute_reply", kEventTimeout));
    }

    std::vector<std::string> conferences() {
        const auto list = get_rest_json(port_, "/debug/conferences");
        return list.is_array() ? list.get<std::vector<std::string>>() : std::vector<std::string>{};
    }
};

TEST_F(RoomFeaturesTest, AudioModerationForceMutesGuestsRefusesTheirUnmuteUntilApprovedAndMutesLateJoiners) {
    jvb1_ = start_bridge("jvb1", "eu-west");
    ASSERT_TRUE(jvb1_);
    add_participant("alice", "alice1");
    add_participant("bob", "bob1");
    add_participant("carol", "carol1");
    for (const auto* name : {"alice", "bob", "carol"}) {
        next("session_initiate", name);
    }
    ASSERT_NO_FATAL_FAILURE(wait_for_alice_to_moderate());
    ASSERT_NO_FATAL_FAILURE(discover("alice"));
    command({{"cmd", "av_moderation"}, {"name", "alice"}, {"media", "audio"}, {"enable", true}});

    // Both guests are told by the focus who muted them, and the bridge mutes them; the moderator is left alone.
    for (const auto* name : {"bob", "carol"}) {
        const auto notice = next("mute_notice", name);
        EXPECT_EQ(notice["media"], "audio") << notice.dump();
        EXPECT_EQ(notice["actor"], room_ + "/alice1") << notice.dump();
    }
    ASSERT_TRUE(poll([&] { return forced("bob1").value("audio", false) && forced("carol1").value("audio", false); },
                     kSessionTimeout))
        << bridge_state(*jvb1_).dump() << diagnostics();
    EXPECT_TRUE(forced("alice1").is_null() || !forced("alice1").value("audio", false));
    EXPECT_EQ(conference_state(room_)["av_moderation"]["audio"]["enabled"], true) << conference_state(room_).dump();

    // Bob may not unmute himself; video is not moderated, so that is his to unmute.
    const auto refused = mute("bob", "bob1", false);
    EXPECT_EQ(refused["type"], "error") << refused.dump();
    EXPECT_EQ(refused["condition"], "not-allowed") << refused.dump();
    EXPECT_EQ(mute("bob", "bob1", false, "video")["type"], "result");

    // The moderator approves Bob: the component whitelists him and the focus lets him unmute.
    command({{"cmd", "av_approve"}, {"name", "alice"}, {"media", "audio"}, {"target", "bob1"}});
    ASSERT_TRUE(poll([&] { return mute("bob", "bob1", false)["type"] == "result"; }, kSessionTimeout))
        << conference_state(room_).dump() << diagnostics();
    ASSERT_TRUE(poll([&] { return !forced("bob1").value("audio", true); }, kSessionTimeout))
        << bridge_state(*jvb1_).dump();
    EXPECT_EQ(mute("carol", "carol1", false)["condition"], "not-allowed");

    // A late joiner is force-muted from its first allocation.
    add_participant("dave", "dave1");
    next("session_initiate", "dave");
    ASSERT_TRUE(poll([&] { return forced("dave1").value("audio", false); }, kSessionTimeout))
        << bridge_state(*jvb1_).dump() << diagnostics();

    // Turned off: the bridge lets everybody speak again and nobody's unmute is refused.
    command({{"cmd", "av_moderation"}, {"name", "alice"}, {"media", "audio"}, {"enable", false}});
    ASSERT_TRUE(poll([&] { return !forced("carol1").value("audio", true) && !forced("dave1").value("audio", true); },
                     kSessionTimeout))
        << bridge_state(*jvb1_).dump() << diagnostics();
    EXPECT_EQ(mute("carol", "carol1", false)["type"], "result");
}

TEST_F(RoomFeaturesTest, MovingEveryoneToABreakoutRoomKeepsTheMainConferenceUntilTheBreakoutRoomEnds) {
    jvb1_ = start_bridge("jvb1", "eu-west");
    ASSERT_TRUE(jvb1_);
    add_participant("alice", "alice1");
    add_participant("bob", "bob1");
    next("session_initiate", "alice");
    next("session_initiate", "bob");
    ASSERT_NO_FATAL_FAILURE(wait_for_alice_to_moderate());
    ASSERT_NO_FATAL_FAILURE(discover("alice"));
    ASSERT_NO_FATAL_FAILURE(discover("bob"));

    command({{"cmd", "breakout_add"}, {"name", "alice"}, {"subject", "Room A"}});
    const auto update = next("breakout_update", "bob");
    std::string breakout;
    for (const auto& [node, room] : update["rooms"].items()) {
        if (!room.value("isMainRoom", false)) {
            breakout = room.value("jid", "");
        }
    }
    ASSERT_NE(breakout.find("@" + prosody_->breakout_muc_domain()), std::string::npos) << update.dump();

    // The moderator moves Bob, then herself; each leaves the main room with status switch_room.
    command({{"cmd", "breakout_move"}, {"name", "alice"}, {"target", "bob1"}, {"room", breakout}});
    EXPECT_EQ(next("breakout_move", "bob").value("room", ""), breakout);
    const nlohmann::json bob_leaves = {{"cmd", "leave"}, {"name", "bob"}, {"status", "switch_room"}};
    ASSERT_TRUE(participants_->request(bob_leaves.dump(), "left", kEventTimeout));
    ASSERT_NO_FATAL_FAILURE(enter_room("bob", breakout, "bob1"));
    const nlohmann::json alice_leaves = {{"cmd", "leave"}, {"name", "alice"}, {"status", "switch_room"}};
    ASSERT_TRUE(participants_->request(alice_leaves.dump(), "left", kEventTimeout));
    ASSERT_NO_FATAL_FAILURE(enter_room("alice", breakout, "alice1"));

    // Both get a new session in the breakout room, on the bridge's conference for that room.
    next("session_initiate", "bob");
    next("session_initiate", "alice");
    const auto breakout_state = conference_state(breakout);
    EXPECT_EQ(breakout_state.value("main_room", ""), room_) << breakout_state.dump();
    EXPECT_TRUE(breakout_state.value("owner", nlohmann::json()).is_null()) << "no auto-owner in a breakout room";
    // The old sessions are gone from the bridge: each endpoint is in one conference there, the breakout room's.
    ASSERT_TRUE(poll(
        [&] {
            const auto state = bridge_state(*jvb1_);
            int conferences_with_endpoints = 0;
            const auto all = state.value("conferences", nlohmann::json::object());
            for (const auto& [meeting, conference] : all.items()) {
                conferences_with_endpoints += conference.value("endpoints", nlohmann::json::object()).empty() ? 0 : 1;
            }
            return conferences_with_endpoints == 1 && endpoints_of(state) == std::set<std::string>{"alice1", "bob1"};
        },
        kSessionTimeout))
        << bridge_state(*jvb1_).dump() << diagnostics();

    // The main room is empty, beyond its initial timeout, and still has its conference, held by the breakout room.
    std::this_thread::sleep_for(1500ms);
    const auto main_state = conference_state(room_);
    ASSERT_EQ(main_state.value("participant_count", -1), 0) << main_state.dump();
    EXPECT_EQ(main_state.value("held_open_by", nlohmann::json::array()).dump(),
              nlohmann::json::array({"breakout room " + breakout}).dump())
        << main_state.dump();

    // Everybody leaves the breakout room for good: it ends, and with it the main conference.
    for (const auto* name : {"alice", "bob"}) {
        const nlohmann::json leave = {{"cmd", "leave"}, {"name", name}};
        ASSERT_TRUE(participants_->request(leave.dump(), "left", kEventTimeout));
    }
    ASSERT_TRUE(poll([&] { return conferences().empty(); }, kSessionTimeout))
        << get_rest_json(port_, "/debug/conferences").dump() << diagnostics();
}

TEST_F(RoomFeaturesTest, StartMutedFromTheRoomMetadataReachesLaterJoinersOffers) {
    jvb1_ = start_bridge("jvb1", "eu-west");
    ASSERT_TRUE(jvb1_);
    add_participant("alice", "alice1");
    add_participant("bob", "bob1");
    const auto bob_offer = next("session_initiate", "bob");
    EXPECT_TRUE(bob_offer["start_muted"].is_null()) << bob_offer.dump();
    ASSERT_NO_FATAL_FAILURE(wait_for_alice_to_moderate());
    ASSERT_NO_FATAL_FAILURE(discover("alice"));
    command({{"cmd", "set_metadata"},
             {"name", "alice"},
             {"key", "startMuted"},
             {"data", {{"audio", true}, {"video", false}}}});
    ASSERT_TRUE(poll(
        [&] {
            const auto metadata = conference_state(room_).value("room_metadata", nlohmann::json::object());
            const auto start_muted = metadata.value("start_muted", nlohmann::json());
            return start_muted.is_object() && start_muted.value("audio", false);
        },
        kSessionTimeout))
        << conference_state(room_).dump() << diagnostics();

    add_participant("carol", "carol1");
    const auto carol_offer = next("session_initiate", "carol");
    ASSERT_TRUE(carol_offer["start_muted"].is_object()) << carol_offer.dump();
    EXPECT_EQ(carol_offer["start_muted"]["audio"], true);
    EXPECT_EQ(carol_offer["start_muted"]["video"], false);
}

TEST_F(RoomFeaturesTest, TheFocusPublishesItsSharedDocumentAndBridgeCount) {
    jvb1_ = start_bridge("jvb1", "eu-west");
    ASSERT_TRUE(jvb1_);
    add_participant("alice", "alice1");
    add_participant("bob", "bob1");
    next("session_initiate", "alice");
    ASSERT_TRUE(poll(
        [&] {
            const auto focus = dump("alice")["focus_presence"];
            return focus.is_object() && focus["properties"].value("bridge-count", "") == "1";
        },
        kSessionTimeout))
        << dump("alice").dump() << diagnostics();
    const auto focus = dump("alice")["focus_presence"];
    EXPECT_EQ(focus["etherpad"], "media1") << focus.dump();
    EXPECT_EQ(focus["properties"].value("support-terminate-restart", ""), "true") << focus.dump();
    EXPECT_FALSE(focus.value("bridge_not_available", true));
}

// A shard without bridges: a participant who cannot be placed sees bridgeNotAvailable in the focus's presence.
TEST_F(RoomFeaturesTest, WithoutABridgeTheFocusSaysSoInItsPresence) {
    add_participant("alice", "alice1");
    add_participant("bob", "bob1");
    ASSERT_TRUE(poll(
        [&] {
            const auto focus = dump("bob")["focus_presence"];
            return focus.is_object() && focus.value("bridge_not_available", false);
        },
        kSessionTimeout))
        << dump("bob").dump() << diagnostics();
    // A bridge arrives: the participants are placed and the flag goes away.
    jvb1_ = start_bridge("jvb1", "eu-west");
    ASSERT_TRUE(jvb1_);
    next("session_initiate", "bob");
    ASSERT_TRUE(
        poll([&] { return !dump("bob")["focus_presence"].value("bridge_not_available", true); }, kSessionTimeout))
        << dump("bob").dump() << diagnostics();
}

class SenderLimitsTest : public RoomFeaturesTest {
protected:
    [[nodiscard]] std::string extra_settings() const override { return "  conference.max-audio-senders = 2\n"; }
};

TEST_F(SenderLimitsTest, TheAudioLimitFlagFollowsTheSendersAndAnUnmuteBeyondItIsRefused) {
    jvb1_ = start_bridge("jvb1", "eu-west");
    ASSERT_TRUE(jvb1_);
    add_participant("alice", "alice1");  // unmuted, as the peers join by default
    add_participant("bob", "bob1");
    next("session_initiate", "bob");
    auto limit_flag = [&](const std::string& name) {
        const auto focus = dump(name)["focus_presence"];
        return focus.is_object() ? focus["properties"].value("audio-limit-reached", "") : std::string();
    };
    ASSERT_TRUE(poll([&] { return limit_flag("bob") == "true"; }, kSessionTimeout))
        << dump("bob").dump() << diagnostics();
    // A third participant joins muted and may not unmute itself while two are sending.
    nlohmann::json connect = connect_command(*prosody_, prosody_->domain());
    connect["name"] = "carol";
    ASSERT_TRUE(participants_->request(connect.dump(), "connected", 10s));
    ASSERT_NO_FATAL_FAILURE(enter_room("carol", room_, "carol1", {{"audio_muted", true}}));
    const auto offer = next("session_initiate", "carol");
    EXPECT_EQ(offer["start_muted"].value("audio", false), true) << "the third starts muted: " << offer.dump();
    ASSERT_TRUE(
        poll([&] { return conference_state(room_)["sender_limits"].value("audio_senders", -1) == 2; }, kSessionTimeout))
        << conference_state(room_).dump();
    const auto refused = mute("carol", "carol1", false);
    EXPECT_EQ(refused["type"], "error") << refused.dump();
    EXPECT_EQ(refused["condition"], "resource-constraint") << refused.dump();

    // Bob mutes himself: below the limit again, the flag flips back and Carol may unmute.
    const nlohmann::json bob_mutes = {{"cmd", "presence"}, {"name", "bob"}, {"audio_muted", true}};
    ASSERT_TRUE(participants_->request(bob_mutes.dump(), "done", kEventTimeout));
    ASSERT_TRUE(poll([&] { return limit_flag("carol") == "false"; }, kSessionTimeout))
        << dump("carol").dump() << diagnostics();
    EXPECT_EQ(mute("carol", "carol1", false)["type"], "result");
}

class TranscriptionTest : public RoomFeaturesTest {
protected:
    [[nodiscard]] std::string extra_settings() const override {
        return "  transcription {\n"
               "    url-template = \"wss://{{REGION}}.transcriber.test/ws/{{MEETING_ID}}\"\n"
               "    http-headers { Authorization = \"Bearer config\", X-Static = \"s\" }\n"
               "    ping.interval = 20 seconds\n"
               "  }\n";
    }

    // The connects the bridge holds for the room's conference (it has one), with its meeting id.
    std::pair<std::string, nlohmann::json> bridge_connects() {
        const auto conferences = bridge_state(*jvb1_).value("conferences", nlohmann::json::object());
        for (const auto& [meeting_id, conference] : conferences.items()) {
            return {meeting_id, conference.value("connects", nlohmann::json::object())};
        }
        return {"", nlohmann::json::object()};
    }
};

TEST_F(TranscriptionTest, TheRoomMetadataTurnsTheBridgesTranscriberOnAndOff) {
    jvb1_ = start_bridge("jvb1", "eu-west");
    ASSERT_TRUE(jvb1_);
    add_participant("alice", "alice1");
    add_participant("bob", "bob1");
    next("session_initiate", "bob");
    ASSERT_NO_FATAL_FAILURE(wait_for_alice_to_moderate());
    ASSERT_NO_FATAL_FAILURE(discover("alice"));
    EXPECT_TRUE(bridge_connects().second.empty()) << "no transcriber before the room asks";

    // As the client asks: the room's own headers and url params first, then transcription with asyncTranscription.
    command({{"cmd", "set_metadata"},
             {"name", "alice"},
             {"key", "transcription"},
             {"data", {{"httpHeaders", {{"Authorization", "Bearer room"}}}, {"urlParams", {{"lang", "en US"}}}}}});
    command({{"cmd", "set_metadata"}, {"name", "alice"}, {"key", "asyncTranscription"}, {"data", true}});
    EXPECT_TRUE(bridge_connects().second.empty()) << "asyncTranscription alone does not ask";
    command({{"cmd", "set_metadata"},
             {"name", "alice"},
             {"key", "recording"},
             {"data", {{"isTranscribingEnabled", true}}}});
    ASSERT_TRUE(poll([&] { return bridge_connects().second.contains("transcriber"); }, kSessionTimeout))
        << bridge_state(*jvb1_).dump() << diagnostics();
    const auto [meeting_id, connects] = bridge_connects();
    const auto& transcriber = connects["transcriber"];
    EXPECT_EQ(transcriber.value("url", ""), "wss://eu-west.transcriber.test/ws/" + meeting_id + "?lang=en+US")
        << "region and meeting id filled, the room's url params appended: " << transcriber.dump();
    EXPECT_EQ(transcriber.value("type", ""), "transcriber");
    EXPECT_TRUE(transcriber.value("audio", false));
    const auto headers = transcriber.value("headers", nlohmann::json::array());
    EXPECT_EQ(headers, nlohmann::json::parse(R"([["Authorization","Bearer room"],["X-Static","s"]])"))
        << "the configured headers, the room's value winning: " << transcriber.dump();
    EXPECT_EQ(transcriber["ping"].value("interval", 0), 20000) << transcriber.dump();
    ASSERT_TRUE(poll(
        [&] {
            const auto focus = dump("bob")["focus_presence"];
            return focus.is_object() && focus["properties"].value("audio-recording-enabled", "") == "true";
        },
        kSessionTimeout))
        << dump("bob").dump();

    // Turned off: the bridge's transcriber is expired, and the flag says so.
    command({{"cmd", "set_metadata"},
             {"name", "alice"},
             {"key", "recording"},
             {"data", {{"isTranscribingEnabled", false}}}});
    ASSERT_TRUE(poll([&] { return bridge_connects().second.empty(); }, kSessionTimeout))
        << bridge_state(*jvb1_).dump() << diagnostics();
    EXPECT_FALSE(bridge_connects().first.empty()) << "the conference stays on the bridge";
    ASSERT_TRUE(poll(
        [&] { return dump("bob")["focus_presence"]["properties"].value("audio-recording-enabled", "") == "false"; },
        kSessionTimeout));
}

// Alone in the room, Alice has no session (min-participants is 2) until she turns transcription on: then she is
// invited, and the bridge's conference is created with the transcriber in it.
TEST_F(TranscriptionTest, TranscribingALoneParticipantInvitesHerWithTheTranscriberInTheCreate) {
    jvb1_ = start_bridge("jvb1", "eu-west");
    ASSERT_TRUE(jvb1_);
    add_participant("alice", "alice1");
    ASSERT_NO_FATAL_FAILURE(wait_for_alice_to_moderate());
    ASSERT_NO_FATAL_FAILURE(discover("alice"));
    EXPECT_TRUE(bridge_connects().first.empty()) << "no conference on the bridge for one participant";
    command({{"cmd", "set_metadata"}, {"name", "alice"}, {"key", "asyncTranscription"}, {"data", true}});
    command({{"cmd", "set_metadata"},
             {"name", "alice"},
             {"key", "recording"},
             {"data", {{"isTranscribingEnabled", true}}}});
    const auto offer = next("session_initiate", "alice");
    EXPECT_FALSE(offer.empty()) << diagnostics();
    const auto line = jvb1_->wait_for(
        [](const std::string& l) {
            return PeerProcess::is_event(l, "colibri") && l.find("create_conference") != std::string::npos;
        },
        kSessionTimeout);
    ASSERT_TRUE(line) << jvb1_->transcript();
    const auto create = event_json(line);
    const auto connects = create.value("connects", nlohmann::json());
    ASSERT_TRUE(connects.is_array() && connects.size() == 1U) << create.dump();
    EXPECT_EQ(connects[0].value("op", ""), "create");
    EXPECT_EQ(connects[0].value("id", ""), "transcriber");
    EXPECT_TRUE(bridge_connects().second.contains("transcriber")) << bridge_state(*jvb1_).dump();
}

class TranslationTest : public RoomFeaturesTest {
protected:
    [[nodiscard]] std::string extra_settings() const override {
        return "  translation {\n"
               "    url-template = \"wss://{{REGION}}.translator.test/ws/{{MEETING_ID}}\"\n"
               "    http-headers { Authorization = \"Bearer config\" }\n"
               "    max-languages-per-connect = 1\n"
               "  }\n";
    }

    // The room's conference on the bridge (it has one) with its meeting id.
    std::pair<std::string, nlohmann::json> bridge_conference() {
        const auto conferences = bridge_state(*jvb1_).value("conferences", nlohmann::json::object());
        for (const auto& [meeting_id, conference] : conferences.items()) {
            return {meeting_id, conference};
        }
        return {"", nlohmann::json::object()};
    }
    nlohmann::json bridge_sources_of(const std::string& endpoint) {
        return bridge_conference().second["endpoints"][endpoint].value("sources", nlohmann::json::object());
    }
};

// The room asks for Alice's audio in Spanish and French: the focus gives her endpoint on the bridge one synthetic
// source per language and opens the translator connects on her bridge (one language each here); Bob hears of none
// of it, as in Jicofo. When the room stops asking, both go.
TEST_F(TranslationTest, TheRoomsTranslationRequestsGiveTheSenderSyntheticSourcesAndTranslatorConnects) {
    ASSERT_NO_FATAL_FAILURE(alice_and_bob_with_sessions_on_jvb1());
    ASSERT_NO_FATAL_FAILURE(wait_for_alice_to_moderate());
    ASSERT_NO_FATAL_FAILURE(discover("alice"));
    const auto bobs_view = dump("bob")["remote_sources"]["alice1"];
    EXPECT_TRUE(bridge_conference().second.value("connects", nlohmann::json::object()).empty());

    command({{"cmd", "set_metadata"},
             {"name", "alice"},
             {"key", "audioTranslationRequests"},
             {"data", {{"alice1", {"es", "fr"}}}}});
    ASSERT_TRUE(poll(
        [&] {
            const auto connects = bridge_conference().second.value("connects", nlohmann::json::object());
            return connects.size() == 2U && bridge_sources_of("alice1").size() == 4U;
        },
        kSessionTimeout))
        << bridge_state(*jvb1_).dump() << diagnostics();

    const auto [meeting_id, conference] = bridge_conference();
    const auto sources = bridge_sources_of("alice1");
    EXPECT_FALSE(sources["alice1-a0"].value("synthetic", false)) << sources.dump();
    std::set<std::uint32_t> synthetic_ssrcs;
    for (const std::string name : {"alice1-a0.es", "alice1-a0.fr"}) {
        ASSERT_TRUE(sources.contains(name)) << sources.dump();
        EXPECT_TRUE(sources[name].value("synthetic", false)) << sources.dump();
        EXPECT_EQ(sources[name].value("type", ""), "audio");
        ASSERT_EQ(sources[name]["ssrcs"].size(), 1U) << sources.dump();
        synthetic_ssrcs.insert(sources[name]["ssrcs"][0].get<std::uint32_t>());
    }
    EXPECT_EQ(synthetic_ssrcs.size(), 2U);
    EXPECT_EQ(synthetic_ssrcs.count(sources["alice1-a0"]["ssrcs"][0].get<std::uint32_t>()), 0U);

    const auto connects = conference["connects"];
    const std::vector<std::pair<std::string, std::string>> expected{{"translator-alice1-a0-0", "alice1-a0.es"},
                                                                    {"translator-alice1-a0-1", "alice1-a0.fr"}};
    for (const auto& [id, requested] : expected) {
        ASSERT_TRUE(connects.contains(id)) << connects.dump();
        const auto& connect = connects[id];
        EXPECT_EQ(connect.value("url", ""), "wss://eu-west.translator.test/ws/" + meeting_id) << connect.dump();
        EXPECT_EQ(connect.value("type", ""), "translator");
        EXPECT_TRUE(connect.value("audio", false));
        EXPECT_EQ(connect["exports"], nlohmann::json::array({"alice1-a0"})) << connect.dump();
        EXPECT_EQ(connect["requests"], nlohmann::json::array({requested})) << connect.dump();
        EXPECT_EQ(connect["headers"], nlohmann::json::parse(R"([["Authorization","Bearer config"]])"));
    }
    // Bob was told nothing of the synthetic sources.
    EXPECT_EQ(dump("bob")["remote_sources"]["alice1"], bobs_view);

    // The room asks for someone else now (not in the room): Alice's translation ends.
    command({{"cmd", "set_metadata"},
             {"name", "alice"},
             {"key", "audioTranslationRequests"},
             {"data", {{"nobody9", {"de"}}}}});
    ASSERT_TRUE(poll(
        [&] {
            return bridge_conference().second.value("connects", nlohmann::json::object()).empty() &&
                   bridge_sources_of("alice1").size() == 2U;
        },
        kSessionTimeout))
        << bridge_state(*jvb1_).dump() << diagnostics();
    EXPECT_TRUE(bridge_sources_of("alice1").contains("alice1-a0"));
    EXPECT_TRUE(bridge_sources_of("alice1").contains("alice1-v0"));
    EXPECT_EQ(dump("bob")["remote_sources"]["alice1"], bobs_view);
}

}  // namespace
}  // namespace jicofo::testing
