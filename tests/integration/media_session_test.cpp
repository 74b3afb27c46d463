// The jicofo binary with a real Prosody, emulated bridges (tests/peers/jvb_peer.py) and emulated lib-jitsi-meet
// participants (tests/peers/participant_peer.py): participants get sessions on a bridge with each other's sources,
// hostile sources are refused without disturbing anyone, and a bridge that dies takes nobody down with it.
#include "integration/media_session_fixture.hpp"

namespace jicofo::testing {
namespace {

TEST_F(MediaSessionTest, TwoParticipantsGetSessionsOnTheBridgeWithEachOthersSources) {
    jvb1_ = start_bridge("jvb1", "eu-west");
    ASSERT_TRUE(jvb1_);
    add_participant("alice", "alice1");
    add_participant("bob", "bob1");

    const auto alice_offer = next("session_initiate", "alice");
    const auto bob_offer = next("session_initiate", "bob");
    EXPECT_EQ(alice_offer["initiator"].get<std::string>().rfind(prosody_->focus_jid() + "/", 0), 0U)
        << alice_offer.dump();
    EXPECT_EQ(alice_offer["reply"], "result");
    // The bridge's feedback sources are in every offer; the bridge-session names the colibri session.
    EXPECT_TRUE(alice_offer["sources"].contains("jvb")) << alice_offer.dump();
    EXPECT_FALSE(alice_offer["bridge_session"]["id"].get<std::string>().empty());
    EXPECT_EQ(alice_offer["bridge_session"]["id"], bob_offer["bridge_session"]["id"]) << "one bridge, one session";

    // Both accepted (automatically): each ends up seeing the other's audio and video, whichever came first.
    ASSERT_TRUE(poll(
        [&] {
            auto alice = dump("alice");
            auto bob = dump("bob");
            return alice["remote_sources"].contains("bob1") && bob["remote_sources"].contains("alice1") &&
                   !alice["remote_sources"]["bob1"]["video"].empty() &&
                   !bob["remote_sources"]["alice1"]["audio"].empty();
        },
        kSessionTimeout))
        << participants_->transcript() << diagnostics();

    // The bridge has both endpoints with their sources and transports.
    ASSERT_TRUE(poll(
        [&] {
            auto state = bridge_state(*jvb1_);
            if (endpoints_of(state) != std::set<std::string>{"alice1", "bob1"}) {
                return false;
            }
            for (const auto& [meeting, conference] : state["conferences"].items()) {
                for (const auto& [id, endpoint] : conference["endpoints"].items()) {
                    if (endpoint.value("sources", nlohmann::json::object()).empty() ||
                        endpoint.value("client_transport", nlohmann::json()).is_null()) {
                        return false;
                    }
                }
            }
            return true;
        },
        kSessionTimeout))
        << bridge_state(*jvb1_).dump() << diagnostics();

    // What /stats, /metrics and /rtcstats tell of it.
    ASSERT_TRUE(poll(
        [&] {
            const auto stats = rest_json("/stats");
            return stats.is_object() && stats["jingle"]["received"].value("SESSION_ACCEPT", 0) >= 2;
        },
        kSessionTimeout))
        << rest_json("/stats").dump() << diagnostics();
    const auto stats = rest_json("/stats");
    EXPECT_GE(stats["jingle"]["sent"].value("SESSION_INITIATE", 0), 2) << stats.dump();
    EXPECT_EQ(stats["participant_notifications"]["ice_failed"], 0) << stats.dump();
    EXPECT_EQ(stats["participant_notifications"]["request_restart"], 0) << stats.dump();
    EXPECT_EQ(stats["bridge_failures"]["participants_moved"], 0) << stats.dump();
    const auto metrics = rest_json("/metrics", "application/json");
    EXPECT_GE(metrics["colibri_request_seconds"]["result=ok"].value("count", 0), 1) << metrics.dump();
    EXPECT_GE(metrics["participant_join_to_session_accept_seconds"].value("count", 0), 2) << metrics.dump();
    // The peers' conference requests carry no rtcstatsEnabled: enabled, as in Jicofo.
    const auto rtcstats = rest_json("/rtcstats");
    ASSERT_EQ(rtcstats.size(), 1U) << rtcstats.dump();
    const auto& conference = rtcstats.begin().value();
    EXPECT_EQ(conference["room"], room_);
    EXPECT_EQ(conference["meeting_id"], rtcstats.begin().key());
    EXPECT_EQ(conference["participant_count"], 2);
}

TEST_F(MediaSessionTest, HostileSourcesAreRefusedWithoutDisturbingOthers) {
    alice_and_bob_with_sessions_on_jvb1();
    ASSERT_FALSE(HasFatalFailure());
    // local_sources is keyed by owner like remote_sources; Alice has one owner entry, her own.
    const auto alice_local = dump("alice")["local_sources"];
    ASSERT_EQ(alice_local.size(), 1U) << alice_local.dump();
    const auto alice_audio = alice_local.begin().value()["audio"][0].get<std::uint32_t>();

    // Bob claims Alice's audio SSRC.
    nlohmann::json steal = {{"cmd", "source_add"},
                            {"name", "bob"},
                            {"sources", {{{"ssrc", alice_audio}, {"media", "audio"}, {"name", "bob1-a1"}}}}};
    auto reply = event_json(participants_->request(steal.dump(), "jingle_reply", kEventTimeout));
    EXPECT_EQ(reply["type"], "error") << reply.dump();
    EXPECT_EQ(reply["condition"], "bad-request") << reply.dump();

    // More SSRCs than max-ssrcs-per-user (20).
    nlohmann::json many = {{"cmd", "source_add"}, {"name", "bob"}, {"sources", nlohmann::json::array()}};
    for (std::uint32_t i = 0; i < 25; ++i) {
        many["sources"].push_back({{"ssrc", 900000 + i},
                                   {"media", "video"},
                                   {"name", "bob1-v" + std::to_string(i + 1)},
                                   {"msid", "stream" + std::to_string(i) + " track"}});
    }
    reply = event_json(participants_->request(many.dump(), "jingle_reply", kEventTimeout));
    EXPECT_EQ(reply["type"], "error") << reply.dump();
    EXPECT_EQ(reply["condition"], "resource-constraint") << reply.dump();

    // A valid one still goes through, to Alice.
    nlohmann::json valid = {{"cmd", "source_add"},
                            {"name", "bob"},
                            {"sources",
                             {{{"ssrc", 777777},
                               {"media", "video"},
                               {"name", "bob1-v9"},
                               {"msid", "screen track"},
                               {"video_type", "desktop"}}}}};
    reply = event_json(participants_->request(valid.dump(), "jingle_reply", kEventTimeout));
    EXPECT_EQ(reply["type"], "result") << reply.dump() << diagnostics();
    // (Alice may first hear about Bob's session-accept sources; this is the one carrying the new SSRC.)
    const auto added = event_json(participants_->wait_for(
        [](const std::string& l) {
            return PeerProcess::is_event(l, "source_add") && PeerProcess::has_field(l, "name", "alice") &&
                   l.find("777777") != std::string::npos;
        },
        kSessionTimeout));
    EXPECT_EQ(added["sources"]["bob1"]["video"], nlohmann::json::array({777777}))
        << added.dump() << participants_->transcript();
    // Nothing of the refused requests reached Alice.
    const auto alice = dump("alice");
    const auto& bob_audio = alice["remote_sources"]["bob1"]["audio"];
    EXPECT_EQ(std::count(bob_audio.begin(), bob_audio.end(), alice_audio), 0) << alice.dump();
    EXPECT_LT(alice["remote_sources"]["bob1"]["video"].size(), 10U) << alice.dump();
}

TEST_F(MediaSessionTest, ABridgeThatDiesTakesNobodyWithIt) {
    jvb1_ = start_bridge("jvb1", "eu-west");
    ASSERT_TRUE(jvb1_);
    jvb2_ = start_bridge("jvb2", "eu-west");
    ASSERT_TRUE(jvb2_);
    add_participant("alice", "alice1");
    add_participant("bob", "bob1");
    const auto first = next("session_initiate", "alice");
    next("session_initiate", "bob");

    // Whichever bridge got the conference dies.
    auto* survivor_slot = kill_the_bridge_with_both();
    ASSERT_TRUE(survivor_slot);
    auto& survivor = *survivor_slot;

    // Both are re-invited on the other bridge, with a new colibri session.
    const auto again = next("session_initiate", "alice", 30s);
    next("session_initiate", "bob", 30s);
    EXPECT_NE(again["bridge_session"]["id"], first["bridge_session"]["id"]);
    ASSERT_TRUE(poll(
        [&] {
            return endpoints_of(bridge_state(*survivor)) == std::set<std::string>{"alice1", "bob1"};
        },
        kSessionTimeout))
        << bridge_state(*survivor).dump() << diagnostics();
    ASSERT_TRUE(poll(
        [&] {
            return dump("alice")["remote_sources"].contains("bob1") && dump("bob")["remote_sources"].contains("alice1");
        },
        kSessionTimeout))
        << participants_->transcript() << diagnostics();
    const auto failures = rest_json("/stats")["bridge_failures"];
    EXPECT_GE(failures.value("participants_moved", 0), 2) << failures.dump();
    EXPECT_GE(failures.value("bridges_removed", 0), 1) << failures.dump();
}

TEST_F(MediaSessionTest, AModeratorMutesAParticipantOnTheBridgeAndTheParticipantIsTold) {
    jvb1_ = start_bridge("jvb1", "eu-west");
    ASSERT_TRUE(jvb1_);
    add_participant("alice", "alice1");
    add_participant("bob", "bob1");
    next("session_initiate", "alice");
    next("session_initiate", "bob");

    auto mute = [&](const std::string& from, const std::string& target) {
        const nlohmann::json command = {
            {"cmd", "mute"}, {"name", from}, {"target", target}, {"media", "audio"}, {"value", true}};
        return event_json(participants_->request(command.dump(), "mute_reply", kEventTimeout));
    };
    // Bob is no moderator; Alice, the first in the room, becomes one (auto-owner) and may mute him.
    const auto refused = mute("bob", "alice1");
    EXPECT_EQ(refused["type"], "error") << refused.dump();
    EXPECT_EQ(refused["condition"], "not-allowed") << refused.dump();
    ASSERT_TRUE(poll([&] { return mute("alice", "bob1")["type"] == "result"; }, kSessionTimeout))
        << participants_->transcript() << diagnostics();

    const auto notice = next("mute_notice", "bob");
    EXPECT_EQ(notice["media"], "audio");
    EXPECT_EQ(notice["actor"], room_ + "/alice1");
    auto forced = [&](const std::string& endpoint) { return MediaSessionTest::forced(*jvb1_, endpoint); };
    ASSERT_TRUE(poll([&] { return forced("bob1").value("audio", false); }, kSessionTimeout))
        << bridge_state(*jvb1_).dump() << diagnostics();
    EXPECT_FALSE(forced("bob1").value("video", true));
    EXPECT_TRUE(forced("alice1").is_null()) << "nobody muted alice";
}

TEST_F(MediaSessionTest, FiveParticipantsOnOneBridgeEachHoldEveryoneElsesSources) {
    jvb1_ = start_bridge("jvb1", "eu-west");
    ASSERT_TRUE(jvb1_);
    const std::vector<std::string> names{"alice", "bob", "carol", "dave", "erin"};
    for (const auto& name : names) {
        add_participant(name, name + "1");
    }
    for (const auto& name : names) {
        next("session_initiate", name);
    }
    // Whether the others' sources came with the offer or by source-add afterwards, each ends up with all four.
    ASSERT_TRUE(poll(
        [&] {
            for (const auto& name : names) {
                const auto remote = dump(name)["remote_sources"];
                for (const auto& other : names) {
                    if (other != name && !remote.contains(other + "1")) {
                        return false;
                    }
                }
            }
            return true;
        },
        kSessionTimeout))
        << participants_->transcript() << diagnostics();
    std::set<std::string> expected;
    for (const auto& name : names) {
        expected.insert(name + "1");
    }
    EXPECT_EQ(endpoints_of(bridge_state(*jvb1_)), expected);
}

TEST_F(MediaSessionTest, ADrainingBridgeGetsNoNewParticipants) {
    jvb1_ = start_bridge("jvb1", "eu-west");
    ASSERT_TRUE(jvb1_);
    jvb2_ = start_bridge("jvb2", "eu-west");
    ASSERT_TRUE(jvb2_);
    prefer_jvb1();
    ASSERT_TRUE(jvb1_->request(R"({"cmd":"set_stats","stats":{"drain":true}})", "stats", kEventTimeout));
    // Jicofo sees the drain in the next presence; a REST snapshot shows it before anyone joins.
    ASSERT_TRUE(poll([&] { return selector_view("jvb1").value("drain", false); }, kSessionTimeout))
        << get_rest_json(port_, "/debug").dump();
    add_participant("alice", "alice1");
    add_participant("bob", "bob1");
    next("session_initiate", "alice");
    next("session_initiate", "bob");
    ASSERT_TRUE(poll([&] { return endpoints_of(bridge_state(*jvb2_)).size() == 2; }, kSessionTimeout)) << diagnostics();
    EXPECT_TRUE(endpoints_of(bridge_state(*jvb1_)).empty());
}

TEST_F(MediaSessionTest, APinnedVersionDecidesTheBridge) {
    jvb1_ = start_bridge("jvb1", "eu-west", "2.3.0");
    ASSERT_TRUE(jvb1_);
    jvb2_ = start_bridge("jvb2", "eu-west", "2.4.0");
    ASSERT_TRUE(jvb2_);
    prefer_jvb1();
    const nlohmann::json pin = {{"conferenceId", room_}, {"jvbVersion", "2.4.0-1"}, {"durationMinutes", 10}};
    const auto reply = http_request(port_, "POST", "/pin", pin.dump(), {{"Content-Type", "application/json"}});
    ASSERT_EQ(reply.status, 200) << reply.body;
    add_participant("alice", "alice1");
    add_participant("bob", "bob1");
    next("session_initiate", "alice");
    next("session_initiate", "bob");
    ASSERT_TRUE(poll([&] { return endpoints_of(bridge_state(*jvb2_)).size() == 2; }, kSessionTimeout))
        << get_rest_json(port_, "/pin").dump() << diagnostics();
    EXPECT_TRUE(endpoints_of(bridge_state(*jvb1_)).empty());
}

// reinvite-method ReplaceTransport: a bridge failure moves each session in place.
class ReplaceTransportSessionTest : public MediaSessionTest {
protected:
    [[nodiscard]] std::string extra_settings() const override {
        return "  conference.reinvite-method = ReplaceTransport\n";
    }
};

TEST_F(ReplaceTransportSessionTest, ABridgeThatDiesMovesEachSessionInPlace) {
    jvb1_ = start_bridge("jvb1", "eu-west");
    ASSERT_TRUE(jvb1_);
    jvb2_ = start_bridge("jvb2", "eu-west");
    ASSERT_TRUE(jvb2_);
    add_participant("alice", "alice1");
    add_participant("bob", "bob1");
    const auto alice_offer = next("session_initiate", "alice");
    const auto bob_offer = next("session_initiate", "bob");
    // Only an accepted session is moved in place.
    ASSERT_TRUE(poll(
        [&] {
            return dump("alice")["session"].value("state", "") == "active" &&
                   dump("bob")["session"].value("state", "") == "active";
        },
        kSessionTimeout))
        << participants_->transcript();
    auto* survivor_slot = kill_the_bridge_with_both();
    ASSERT_TRUE(survivor_slot);
    auto& survivor = *survivor_slot;

    // Same sessions, a new bridge session, and everyone's sources on the survivor once the answers came.
    const auto alice_replace = next("transport_replace", "alice", 30s);
    const auto bob_replace = next("transport_replace", "bob", 30s);
    EXPECT_EQ(alice_replace["sid"], alice_offer["sid"]);
    EXPECT_EQ(bob_replace["sid"], bob_offer["sid"]);
    EXPECT_NE(alice_replace["bridge_session"]["id"], alice_offer["bridge_session"]["id"]);
    EXPECT_TRUE(alice_replace["sources"].contains("bob1")) << alice_replace.dump();
    ASSERT_TRUE(poll(
        [&] {
            const auto state = bridge_state(*survivor);
            const auto conferences = state.value("conferences", nlohmann::json::object());
            for (const auto& [meeting, conference] : conferences.items()) {
                const auto endpoints = conference.value("endpoints", nlohmann::json::object());
                auto has_sources = [&](const char* id) {
                    return endpoints.contains(id) && !endpoints[id].value("sources", nlohmann::json()).empty();
                };
                return endpoints.size() == 2 && has_sources("alice1") && has_sources("bob1");
            }
            return false;
        },
        kSessionTimeout))
        << bridge_state(*survivor).dump() << diagnostics();
    const auto line =
        participants_->wait_for([](const std::string& l) { return PeerProcess::is_event(l, "session_initiate"); }, 1s);
    EXPECT_FALSE(line) << "no new session: " << line.value_or("");
}

// Split puts each participant on a bridge of its own, so the conference only works through relays.
class RelayedMediaSessionTest : public MediaSessionTest {
protected:
    [[nodiscard]] std::string extra_settings() const override {
        return "  bridge.selection-strategy = SplitBridgeSelectionStrategy\n"
               "  octo.enabled = true\n";
    }

    // The relays a bridge holds for the conference: relay id -> its state in the emulator.
    nlohmann::json relays_on(PeerProcess& bridge) {
        const auto state = bridge_state(bridge);
        const auto conferences = state.value("conferences", nlohmann::json::object());
        for (const auto& [meeting, conference] : conferences.items()) {
            return conference.value("relays", nlohmann::json::object());
        }
        return nlohmann::json::object();
    }
};

TEST_F(RelayedMediaSessionTest, ParticipantsOnTwoBridgesAreConnectedThroughRelays) {
    jvb1_ = start_bridge("jvb1", "eu-west");
    ASSERT_TRUE(jvb1_);
    jvb2_ = start_bridge("jvb2", "eu-west");
    ASSERT_TRUE(jvb2_);
    add_participant("alice", "alice1");
    add_participant("bob", "bob1");
    next("session_initiate", "alice");
    next("session_initiate", "bob");

    std::set<std::string> placed;
    ASSERT_TRUE(poll(
        [&] {
            placed = endpoints_of(bridge_state(*jvb1_));
            return placed.size() == 1 && endpoints_of(bridge_state(*jvb2_)).size() == 1;
        },
        kSessionTimeout))
        << bridge_state(*jvb1_).dump() << bridge_state(*jvb2_).dump() << diagnostics();
    const std::string on_jvb1 = *placed.begin();
    const std::string on_jvb2 = on_jvb1 == "alice1" ? "bob1" : "alice1";

    // Each bridge has a relay named by the other's relay id, with the other's participant and its sources behind
    // it, and the other side's transport handed over; exactly one of the two controls ICE.
    auto linked = [&](PeerProcess& bridge, const std::string& remote, const std::string& remote_endpoint) {
        const auto relays = relays_on(bridge);
        if (!relays.contains(remote)) {
            return false;
        }
        const auto relay = relays[remote];
        const auto endpoints = relay.value("endpoints", nlohmann::json::object());
        return !relay["client_transport"].is_null() && endpoints.contains(remote_endpoint) &&
               !endpoints[remote_endpoint]["sources"].empty();
    };
    ASSERT_TRUE(
        poll([&] { return linked(*jvb1_, "jvb2", on_jvb2) && linked(*jvb2_, "jvb1", on_jvb1); }, kSessionTimeout))
        << relays_on(*jvb1_).dump() << "\n"
        << relays_on(*jvb2_).dump() << diagnostics();
    EXPECT_NE(relays_on(*jvb1_)["jvb2"]["ice_controlling"], relays_on(*jvb2_)["jvb1"]["ice_controlling"]);

    // Everyone still hears everyone: the offers carry the other participant's sources, whatever the bridge.
    ASSERT_TRUE(poll(
        [&] {
            return dump("alice")["remote_sources"].contains("bob1") && dump("bob")["remote_sources"].contains("alice1");
        },
        kSessionTimeout))
        << participants_->transcript() << diagnostics();

    // A bridge that dies: the survivor drops its relay, and the participant who was there is re-invited onto it.
    auto& doomed = on_jvb1 == "alice1" ? jvb2_ : jvb1_;
    auto& survivor = on_jvb1 == "alice1" ? jvb1_ : jvb2_;
    const std::string doomed_relay = &doomed == &jvb1_ ? "jvb1" : "jvb2";
    ASSERT_TRUE(doomed->request(R"({"cmd":"die"})", "died", kEventTimeout));
    doomed.reset();
    ASSERT_TRUE(poll(
        [&] {
            return endpoints_of(bridge_state(*survivor)) == std::set<std::string>{"alice1", "bob1"} &&
                   !relays_on(*survivor).contains(doomed_relay);
        },
        30s))
        << bridge_state(*survivor).dump() << diagnostics();
}

// RegionBased with relays: each participant on the bridge of its own region, the two bridges linked.
class RegionRelayedMediaSessionTest : public RelayedMediaSessionTest {
protected:
    [[nodiscard]] std::string extra_settings() const override {
        return "  bridge.selection-strategy = RegionBasedBridgeSelectionStrategy\n"
               "  octo.enabled = true\n";
    }
};

TEST_F(RegionRelayedMediaSessionTest, EachParticipantIsOnItsRegionsBridgeAndTheBridgesAreLinked) {
    jvb1_ = start_bridge("jvb1", "eu-west");
    ASSERT_TRUE(jvb1_);
    jvb2_ = start_bridge("jvb2", "us-east");
    ASSERT_TRUE(jvb2_);
    add_participant("alice", "alice1", "eu-west");
    add_participant("bob", "bob1", "us-east");
    next("session_initiate", "alice");
    next("session_initiate", "bob");
    ASSERT_TRUE(poll(
        [&] {
            return endpoints_of(bridge_state(*jvb1_)) == std::set<std::string>{"alice1"} &&
                   endpoints_of(bridge_state(*jvb2_)) == std::set<std::string>{"bob1"};
        },
        kSessionTimeout))
        << bridge_state(*jvb1_).dump() << "\n"
        << bridge_state(*jvb2_).dump() << diagnostics();
    ASSERT_TRUE(poll(
        [&] {
            const auto on_jvb1 = relays_on(*jvb1_);
            const auto on_jvb2 = relays_on(*jvb2_);
            return on_jvb1.contains("jvb2") && on_jvb2.contains("jvb1") &&
                   on_jvb1["jvb2"].value("endpoints", nlohmann::json::object()).contains("bob1") &&
                   on_jvb2["jvb1"].value("endpoints", nlohmann::json::object()).contains("alice1");
        },
        kSessionTimeout))
        << relays_on(*jvb1_).dump() << "\n"
        << relays_on(*jvb2_).dump() << diagnostics();
}

// Eight io threads: a participant's IQs still reach its conference in the order sent.
class ManyThreadsMediaSessionTest : public MediaSessionTest {
protected:
    [[nodiscard]] std::string extra_settings() const override { return "  process.io-threads = 8\n"; }
};

TEST_F(ManyThreadsMediaSessionTest, SourceChangesSentBackToBackAreHandledInOrder) {
    alice_and_bob_with_sessions_on_jvb1();
    ASSERT_FALSE(HasFatalFailure());
    const auto before = dump("bob")["remote_sources"]["alice1"];

    // 250 times: add a video source, remove it; all 500 IQs in flight at once.
    const nlohmann::json burst = {{"cmd", "source_burst"}, {"name", "alice"}, {"count", 500}};
    const auto done = event_json(participants_->request(burst.dump(), "burst_done", 60s));
    ASSERT_EQ(done.value("event", ""), "burst_done") << done.dump() << participants_->transcript() << diagnostics();
    EXPECT_EQ(done["replies"], nlohmann::json({{"result", 500}})) << done.dump();
    EXPECT_TRUE(done["first_error"].is_null()) << done.dump();

    // What the focus holds for Alice is what she holds: Bob sees exactly her sources from before the burst.
    ASSERT_TRUE(poll([&] { return dump("bob")["remote_sources"]["alice1"] == before; }, kSessionTimeout))
        << dump("bob")["remote_sources"].dump() << "\nbefore: " << before.dump() << diagnostics();
    const auto state = bridge_state(*jvb1_);
    for (const auto& [meeting, conference] : state["conferences"].items()) {
        const auto sources = conference["endpoints"]["alice1"].value("sources", nlohmann::json()).dump();
        EXPECT_EQ(sources.find("burst"), std::string::npos) << sources;
    }
}

}  // namespace
}  // namespace jicofo::testing
