// Jigasi end to end: a moderator's SIP dial forwarded to a Jigasi near the conference's bridge with a new id and the
// Jigasi's ref relayed back, refusals, retries on another instance, timeouts, transcribers, no instance, the
// sipGatewayEnabled conference property, the detector's counts and gauges, and untrusted brewery occupants.
#include "jigasi_fixture.hpp"

namespace jicofo::testing {
namespace {

TEST_F(JigasiTest, AModeratorsDialGoesToTheJigasiInTheBridgesRegionWithANewIdAndTheClientGetsItsRef) {
    jvb1_ = start_bridge("jvb1", "us-east");
    ASSERT_TRUE(jvb1_);
    // Without the region preference the least loaded one, jigasi1, would be chosen.
    jigasi1_ = start_jigasi("jigasi1", {{"region", "eu-west"}, {"participants", 0}});
    jigasi2_ = start_jigasi("jigasi2", {{"region", "us-east"}, {"participants", 4}});
    ASSERT_TRUE(jigasi1_ && jigasi2_);
    ASSERT_NO_FATAL_FAILURE(alice_moderates_bob_attends());
    // Alice's session is on jvb1: the conference's bridge regions are ["us-east"].
    EXPECT_FALSE(next("session_initiate", "alice").empty());

    const auto first = dial("alice", kNumber);
    const auto uri = ref_of(first.reply);
    ASSERT_FALSE(uri.empty()) << first.reply.dump() << diagnostics();
    PeerProcess* receiver = nullptr;
    const auto forwarded = next_dial({jigasi1_.get(), jigasi2_.get()}, &receiver);
    EXPECT_EQ(receiver ? receiver->name() : "", "jigasi2") << forwarded.dump();
    EXPECT_EQ(forwarded.value("reply", ""), "ref:" + uri) << forwarded.dump();
    EXPECT_EQ(forwarded.value("to", ""), kNumber) << forwarded.dump();
    EXPECT_EQ(forwarded.value("from", ""), "fromnumber") << forwarded.dump();
    EXPECT_EQ(forwarded.value("kind", ""), "sip") << forwarded.dump();
    EXPECT_EQ(forwarded.value("room", ""), room_) << forwarded.dump();
    EXPECT_EQ(forwarded["headers"], nlohmann::json::parse(R"([["JvbRoomName",")" + room_ + R"("]])"))
        << forwarded.dump();
    // Sent by the focus (the brewery's owner), under an id of its own.
    EXPECT_EQ(forwarded.value("affiliation", ""), "owner") << forwarded.dump();
    const auto first_id = forwarded_id(forwarded);
    EXPECT_FALSE(first_id.empty()) << forwarded.dump();
    EXPECT_NE(first_id, first.id) << forwarded.dump();
    EXPECT_EQ(first.reply.value("from", ""), room_ + "/focus") << first.reply.dump();

    // A second dial goes the same way, with another new id.
    const auto second = dial("alice", "+15557654321");
    const auto second_uri = ref_of(second.reply);
    EXPECT_FALSE(second_uri.empty()) << second.reply.dump();
    EXPECT_NE(second_uri, uri);
    const auto again = next_dial({jigasi1_.get(), jigasi2_.get()}, &receiver);
    EXPECT_EQ(receiver ? receiver->name() : "", "jigasi2") << again.dump();
    EXPECT_EQ(again.value("to", ""), "+15557654321") << again.dump();
    EXPECT_NE(forwarded_id(again), first_id) << again.dump();
    EXPECT_NE(forwarded_id(again), second.id) << again.dump();
    expect_no_dial(*jigasi1_);

    const auto counters = stats()["jigasi"];
    EXPECT_EQ(counters["accepted_requests"], 2) << counters.dump();
    EXPECT_EQ(counters["rejected_requests"], 0) << counters.dump();
    EXPECT_EQ(counters["retries"], 0) << counters.dump();
    EXPECT_NE(metrics().find("\njitsi_jicofo_jigasi_iq_handler_accepted_requests_total 2\n"), std::string::npos)
        << metrics();
}

TEST_F(JigasiTest, AGuestsDialAndADialForAnotherRoomAreForbiddenAndNoJigasiHearsOfThem) {
    jigasi1_ = start_jigasi("jigasi1");
    ASSERT_TRUE(jigasi1_);
    ASSERT_NO_FATAL_FAILURE(alice_moderates_bob_attends());

    const auto guest = dial("bob", kNumber);
    EXPECT_TRUE(refused_with(guest.reply, "forbidden")) << guest.reply.dump();
    const auto other_room = dial("alice", kNumber, "elsewhere@" + prosody_->muc_domain());
    EXPECT_TRUE(refused_with(other_room.reply, "forbidden")) << other_room.reply.dump();
    std::this_thread::sleep_for(300ms);
    expect_no_dial(*jigasi1_);
    const auto counters = stats()["jigasi"];
    EXPECT_EQ(counters["rejected_requests"], 2) << counters.dump();
    EXPECT_EQ(counters["accepted_requests"], 0) << counters.dump();
    EXPECT_NE(metrics().find("\njitsi_jicofo_jigasi_iq_handler_rejected_requests_total 2\n"), std::string::npos);

    // The same dial from the moderator, for this room, goes through.
    EXPECT_FALSE(ref_of(dial("alice", kNumber).reply).empty());
    EXPECT_EQ(next_dial({jigasi1_.get()}).value("room", ""), room_);
}

TEST_F(JigasiTest, AJigasiAnsweringWithAnErrorIsRetriedOnAnotherAndTheClientGetsItsRef) {
    jigasi1_ = start_jigasi("jigasi1", {{"participants", 0}});
    jigasi2_ = start_jigasi("jigasi2", {{"participants", 2}});
    ASSERT_TRUE(jigasi1_ && jigasi2_);
    set_mode(*jigasi1_, {{"mode", "error:internal-server-error"}});
    ASSERT_NO_FATAL_FAILURE(alice_moderates_bob_attends());

    const auto reply = dial("alice", kNumber);
    const auto uri = ref_of(reply.reply);
    ASSERT_FALSE(uri.empty()) << reply.reply.dump() << diagnostics();
    const auto failed = next_dial({jigasi1_.get()});
    EXPECT_EQ(failed.value("reply", ""), "error:internal-server-error") << failed.dump();
    const auto taken = next_dial({jigasi2_.get()});
    EXPECT_EQ(taken.value("reply", ""), "ref:" + uri) << taken.dump();
    EXPECT_EQ(taken.value("room", ""), room_) << taken.dump();
    EXPECT_NE(forwarded_id(taken), forwarded_id(failed)) << "each forward has an id of its own";

    const auto counters = stats()["jigasi"];
    EXPECT_EQ(counters["accepted_requests"], 1) << counters.dump();
    EXPECT_EQ(counters["retries"], 1) << counters.dump();
    EXPECT_EQ(counters["instance_errors"], 1) << counters.dump();
    EXPECT_EQ(counters["instance_timeout"], 0) << counters.dump();
    const auto text = metrics();
    EXPECT_NE(text.find("\njitsi_jicofo_jigasi_iq_handler_retries_total 1\n"), std::string::npos) << text;
    EXPECT_NE(text.find("\njitsi_jicofo_jigasi_iq_handler_instance_errors_total 1\n"), std::string::npos) << text;
    expect_no_dial(*jigasi1_);
    expect_no_dial(*jigasi2_);
}

TEST_F(JigasiTest, EveryJigasiAnsweringWithAnErrorIsUndefinedCondition) {
    ASSERT_NO_FATAL_FAILURE(jigasis_answering(3, "error:service-unavailable"));

    const auto reply = dial("alice", kNumber);
    EXPECT_TRUE(refused_with(reply.reply, "undefined-condition")) << reply.reply.dump();
    // Asked in order of load, each once.
    for (auto* jigasi : {jigasi1_.get(), jigasi2_.get(), jigasi3_.get()}) {
        EXPECT_EQ(next_dial({jigasi}).value("reply", ""), "error:service-unavailable") << jigasi->name();
        expect_no_dial(*jigasi);
    }
    const auto counters = stats()["jigasi"];
    EXPECT_EQ(counters["retries"], 2) << counters.dump();
    EXPECT_EQ(counters["instance_errors"], 3) << counters.dump();
    EXPECT_EQ(counters["requests_failed_no_instance"], 0) << counters.dump();
}

// A short XMPP reply timeout, so that the Jigasis that never answer time out quickly.
class JigasiTimeoutTest : public JigasiTest {
protected:
    [[nodiscard]] std::string extra_client_settings() const override { return "    reply-timeout = 1500 ms\n"; }
};

TEST_F(JigasiTimeoutTest, EveryJigasiTimingOutIsRemoteServerTimeout) {
    ASSERT_NO_FATAL_FAILURE(jigasis_answering(3, "silent"));

    const auto started = std::chrono::steady_clock::now();
    const auto reply = dial("alice", kNumber, "", 20s);
    const auto took = std::chrono::steady_clock::now() - started;
    EXPECT_TRUE(refused_with(reply.reply, "remote-server-timeout")) << reply.reply.dump();
    // Three attempts, each waiting out the reply timeout.
    EXPECT_GE(took, 4s);
    for (auto* jigasi : {jigasi1_.get(), jigasi2_.get(), jigasi3_.get()}) {
        EXPECT_EQ(next_dial({jigasi}).value("reply", ""), "ignored") << jigasi->name();
        expect_no_dial(*jigasi);
    }
    const auto counters = stats()["jigasi"];
    EXPECT_EQ(counters["retries"], 2) << counters.dump();
    EXPECT_EQ(counters["instance_timeout"], 3) << counters.dump();
    EXPECT_EQ(counters["instance_errors"], 0) << counters.dump();
    EXPECT_NE(metrics().find("\njitsi_jicofo_jigasi_iq_handler_instance_timeouts_total 3\n"), std::string::npos);
}

// With two Jigasis the retries outlast the instances: as in the reference, running out of instances after
// failures is "none available", not "all failed".
TEST_F(JigasiTimeoutTest, TwoJigasisTimingOutLeaveNoInstanceForTheLastRetry) {
    ASSERT_NO_FATAL_FAILURE(jigasis_answering(2, "silent"));

    const auto reply = dial("alice", kNumber, "", 20s);
    EXPECT_TRUE(refused_with(reply.reply, "service-unavailable")) << reply.reply.dump();
    EXPECT_EQ(next_dial({jigasi1_.get()}).value("reply", ""), "ignored");
    EXPECT_EQ(next_dial({jigasi2_.get()}).value("reply", ""), "ignored");
    const auto counters = stats()["jigasi"];
    EXPECT_EQ(counters["instance_timeout"], 2) << counters.dump();
    EXPECT_EQ(counters["retries"], 2) << counters.dump();
    EXPECT_EQ(counters["requests_failed_no_instance"], 1) << counters.dump();
}

TEST_F(JigasiTest, ATranscriberDialBringsTheTranscriberIntoTheRoomAndASecondOneIsAConflict) {
    // jigasi2 is the least loaded but cannot transcribe.
    jigasi1_ = start_jigasi("jigasi1", {{"participants", 3}, {"supports_transcription", true}});
    jigasi2_ = start_jigasi("jigasi2", {{"participants", 0}, {"supports_transcription", false}});
    ASSERT_TRUE(jigasi1_ && jigasi2_);
    ASSERT_NO_FATAL_FAILURE(alice_moderates_bob_attends());
    // A guest claiming to be a transcriber (an anonymous account, not of a trusted domain) does not count as one.
    nlohmann::json connect = connect_command(*prosody_, prosody_->domain());
    connect["name"] = "mallory";
    ASSERT_TRUE(participants_->request(connect.dump(), "connected", 10s)) << participants_->transcript();
    ASSERT_NO_FATAL_FAILURE(enter_room(
        "mallory", room_, "mallory1",
        {{"presence_features", {"http://jitsi.org/protocol/jigasi", "http://jitsi.org/protocol/transcriber"}}}));
    ASSERT_TRUE(poll([&] { return conference_state()["participants"].contains("mallory1"); }, kSessionTimeout));
    EXPECT_EQ(conference_state()["participants"]["mallory1"]["is_jigasi"], false);

    const auto reply = dial("alice", kTranscribe);
    EXPECT_EQ(ref_of(reply.reply), "xmpp:" + room_ + "/transcriber") << reply.reply.dump() << diagnostics();
    const auto joined = jigasi1_->wait_for("call_joined", kSessionTimeout);
    ASSERT_TRUE(joined) << jigasi1_->transcript();
    EXPECT_EQ(event_json(joined).value("room", ""), room_) << *joined;
    EXPECT_EQ(event_json(joined).value("kind", ""), "transcriber") << *joined;
    const auto forwarded = next_dial({jigasi1_.get()});
    EXPECT_EQ(forwarded.value("kind", ""), "transcriber") << forwarded.dump();
    EXPECT_EQ(forwarded.value("to", ""), kTranscribe) << forwarded.dump();
    // The focus sees the transcriber in the room (a Jigasi of a trusted domain).
    ASSERT_TRUE(poll(
        [&] {
            const auto participants = conference_state().value("participants", nlohmann::json::object());
            return participants.contains("transcriber") && participants["transcriber"].value("is_jigasi", false);
        },
        kSessionTimeout))
        << conference_state().dump();

    const auto second = dial("alice", kTranscribe);
    EXPECT_TRUE(refused_with(second.reply, "conflict")) << second.reply.dump();
    std::this_thread::sleep_for(300ms);
    expect_no_dial(*jigasi1_);
    expect_no_dial(*jigasi2_);
    const auto counters = stats()["jigasi"];
    EXPECT_EQ(counters["accepted_requests"], 1) << counters.dump();
    EXPECT_EQ(counters["rejected_requests"], 1) << counters.dump();

    // Once the transcriber has left, a new one may be asked for.
    const nlohmann::json leave = {{"cmd", "leave_room"}, {"room", room_}};
    ASSERT_TRUE(jigasi1_->request(leave.dump(), "call_left", kEventTimeout)) << jigasi1_->transcript();
    ASSERT_TRUE(poll([&] { return !conference_state()["participants"].contains("transcriber"); }, kSessionTimeout));
    EXPECT_EQ(ref_of(dial("alice", kTranscribe).reply), "xmpp:" + room_ + "/transcriber");
    EXPECT_EQ(next_dial({jigasi1_.get()}).value("kind", ""), "transcriber");
}

TEST_F(JigasiTest, AnEmptyBreweryIsServiceUnavailable) {
    wait_for_focus_in_brewery();
    ASSERT_NO_FATAL_FAILURE(alice_moderates_bob_attends());
    const auto reply = dial("alice", kNumber);
    EXPECT_TRUE(refused_with(reply.reply, "service-unavailable")) << reply.reply.dump();
    const auto all = stats();
    EXPECT_EQ(all["jigasi"]["requests_failed_no_instance"], 1) << all.dump();
    EXPECT_EQ(all["jigasi"]["accepted_requests"], 1) << all.dump();
    EXPECT_EQ(all["jigasi"]["retries"], 0) << all.dump();
    EXPECT_EQ(all["jigasi_detector"]["sip_count"], 0) << all.dump();
}

// Without a brewery: every dial is unavailable, and /stats has no detector and an empty jigasi section.
class NoBreweryJigasiTest : public JigasiTest {
protected:
    [[nodiscard]] std::string extra_settings() const override { return {}; }
};

TEST_F(NoBreweryJigasiTest, DialsAreServiceUnavailable) {
    ASSERT_NO_FATAL_FAILURE(alice_moderates_bob_attends());
    EXPECT_TRUE(refused_with(dial("alice", kNumber).reply, "service-unavailable"));
    EXPECT_TRUE(refused_with(dial("alice", kTranscribe).reply, "service-unavailable"));
    const auto all = stats();
    EXPECT_FALSE(all.contains("jigasi_detector")) << all.dump();
    EXPECT_EQ(all["jigasi"], nlohmann::json::object()) << all.dump();
    EXPECT_FALSE(conference_properties().contains("sipGatewayEnabled"));
}

TEST_F(JigasiTest, SipGatewayEnabledIsAdvertisedOnlyWhileASipJigasiCanTakeACall) {
    wait_for_focus_in_brewery();
    EXPECT_FALSE(conference_properties().contains("sipGatewayEnabled"));
    // A transcriber-only Jigasi does not make the dial button appear.
    jigasi1_ = start_jigasi("jigasi1", {{"supports_sip", false}, {"supports_transcription", true}});
    ASSERT_TRUE(jigasi1_);
    EXPECT_FALSE(conference_properties().contains("sipGatewayEnabled"));

    auto advertised = [&] { return conference_properties().value("sipGatewayEnabled", ""); };
    jigasi2_ = start_jigasi("jigasi2", {{"supports_sip", true}, {"supports_transcription", false}});
    ASSERT_TRUE(jigasi2_);
    ASSERT_TRUE(poll([&] { return advertised() == "true"; }, kSessionTimeout)) << conference_properties().dump();

    // The only SIP Jigasi going into graceful shutdown takes it away; coming back restores it.
    set_stats(*jigasi2_, {{"graceful_shutdown", true}});
    ASSERT_TRUE(poll([&] { return !conference_properties().contains("sipGatewayEnabled"); }, kSessionTimeout))
        << conference_properties().dump();
    set_stats(*jigasi2_, {{"graceful_shutdown", false}});
    ASSERT_TRUE(poll([&] { return advertised() == "true"; }, kSessionTimeout)) << conference_properties().dump();

    // It leaving the brewery takes it away too.
    ASSERT_TRUE(jigasi2_->request(R"({"cmd":"leave_brewery"})", "left", kEventTimeout)) << jigasi2_->transcript();
    ASSERT_TRUE(poll([&] { return !conference_properties().contains("sipGatewayEnabled"); }, kSessionTimeout))
        << conference_properties().dump();
}

TEST_F(JigasiTest, TheDetectorCountsAndGaugesFollowTheJigasisStats) {
    jigasi1_ = start_jigasi("jigasi1", {{"supports_sip", true}, {"supports_transcription", false}});
    jigasi2_ = start_jigasi("jigasi2", {{"supports_sip", true}, {"supports_transcription", true}});
    ASSERT_TRUE(jigasi1_ && jigasi2_);
    auto expect_counts = [&](int sip, int shutting_down, int transcriber) {
        const nlohmann::json expected = {
            {"sip_count", sip}, {"sip_in_graceful_shutdown_count", shutting_down}, {"transcriber_count", transcriber}};
        EXPECT_TRUE(poll([&] { return stats()["jigasi_detector"] == expected; }, kSessionTimeout))
            << stats().dump() << " expected " << expected.dump();
        const auto text = metrics();
        for (const auto& [name, value] :
             {std::pair{"sip_count", sip}, std::pair{"sip_in_graceful_shutdown_count", shutting_down},
              std::pair{"transcriber_count", transcriber}}) {
            const auto line = std::string("\njitsi_jicofo_jigasi_") + name + " " + std::to_string(value) + "\n";
            EXPECT_NE(text.find(line), std::string::npos) << line << text;
        }
    };
    expect_counts(2, 0, 1);

    set_stats(*jigasi1_, {{"graceful_shutdown", true}, {"region", "eu-west"}, {"participants", 7}});
    expect_counts(2, 1, 1);
    const auto entry = instance("jigasi1");
    EXPECT_EQ(entry.value("graceful_shutdown", false), true) << entry.dump();
    EXPECT_EQ(entry.value("participants", -1), 7) << entry.dump();
    EXPECT_EQ(entry.value("region", ""), "eu-west") << entry.dump();

    set_stats(*jigasi2_, {{"supports_transcription", false}});
    expect_counts(2, 1, 0);
    // A Jigasi that crashes (no unavailable presence of its own) is gone once Prosody notices.
    ASSERT_TRUE(jigasi2_->request(R"({"cmd":"die"})", "died", kEventTimeout));
    jigasi2_.reset();
    expect_counts(1, 1, 0);
    ASSERT_TRUE(jigasi1_->request(R"({"cmd":"leave_brewery"})", "left", kEventTimeout));
    expect_counts(0, 0, 0);
    EXPECT_EQ(debug_section("jigasi_detector")["instances"], nlohmann::json::array());
}

TEST_F(JigasiTest, AnOccupantFromAnUntrustedDomainIsNeverSelected) {
    wait_for_focus_in_brewery();
    // A client of the participants' (anonymous) domain joins the brewery claiming to be an idle SIP Jigasi.
    untrusted_ = start_peer("untrusted", "jigasi_peer.py");
    ASSERT_TRUE(untrusted_);
    ASSERT_FALSE(connect_peer(*untrusted_, *prosody_, connect_command(*prosody_, prosody_->domain())).empty());
    const nlohmann::json join = {{"cmd", "join_brewery"},
                                 {"room", brewery()},
                                 {"nick", "fake"},
                                 {"focus", prosody_->focus_jid()},
                                 {"stats", {{"participants", 0}}}};
    ASSERT_TRUE(untrusted_->request(join.dump(), "joined", kEventTimeout)) << untrusted_->transcript();
    ASSERT_TRUE(poll([&] { return jicofo_->log_text().find("fake ignored: its real JID") != std::string::npos; },
                     kSessionTimeout))
        << diagnostics();
    EXPECT_EQ(stats()["jigasi_detector"]["sip_count"], 0);
    EXPECT_FALSE(conference_properties().contains("sipGatewayEnabled"));

    ASSERT_NO_FATAL_FAILURE(alice_moderates_bob_attends());
    EXPECT_TRUE(refused_with(dial("alice", kNumber).reply, "service-unavailable"));
    EXPECT_TRUE(refused_with(dial("alice", kTranscribe).reply, "service-unavailable"));

    // A real Jigasi, busier than the fake one claims to be, arrives: the dial goes to it alone.
    jigasi1_ = start_jigasi("jigasi1", {{"participants", 10}});
    ASSERT_TRUE(jigasi1_);
    EXPECT_EQ(stats()["jigasi_detector"]["sip_count"], 1);
    EXPECT_FALSE(ref_of(dial("alice", kNumber).reply).empty());
    PeerProcess* receiver = nullptr;
    EXPECT_EQ(next_dial({jigasi1_.get(), untrusted_.get()}, &receiver).value("room", ""), room_);
    EXPECT_EQ(receiver ? receiver->name() : "", "jigasi1");
    std::this_thread::sleep_for(300ms);
    expect_no_dial(*untrusted_);
    expect_no_dial(*jigasi1_);
}

}  // namespace
}  // namespace jicofo::testing
