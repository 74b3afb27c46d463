// Recording, live streaming and SIP video end to end: a moderator's start and stop, refusals, the conference
// ending, SIP calls, two conferences at once, and the configuration that decides who may record on which Jibri.
#include "recording_fixture.hpp"

namespace jicofo::testing {
namespace {

TEST_F(RecordingTest, AModeratorStartsAFileRecordingOnExactlyOneJibriAndTheRoomSeesPendingThenOn) {
    jibri1_ = start_jibri("jibri1", recorder_brewery());
    jibri2_ = start_jibri("jibri2", recorder_brewery());
    ASSERT_TRUE(jibri1_ && jibri2_);
    const auto before = stats();
    EXPECT_EQ(before["jibri_detector"]["count"], 2) << before.dump();
    EXPECT_EQ(before["jibri_detector"]["available"], 2) << before.dump();
    EXPECT_EQ(before["sip_jibri_detector"]["count"], 0) << before.dump();
    ASSERT_NO_FATAL_FAILURE(alice_moderates_bob_attends());

    PeerProcess* used = nullptr;
    const auto session_id = start_recording({jibri1_.get(), jibri2_.get()}, &used);
    ASSERT_NE(used, nullptr);
    // Bob sees the same status as Alice.
    ASSERT_TRUE(poll(
        [&] {
            const auto status = dump("bob")["focus_presence"]["recording_status"];
            return status.is_object() && status.value("status", "") == "on";
        },
        kSessionTimeout))
        << dump("bob").dump();
    EXPECT_EQ(dump("bob")["focus_presence"]["recording_status"]["session_id"], session_id);

    // The other Jibri never heard of it.
    auto* other = used == jibri1_.get() ? jibri2_.get() : jibri1_.get();
    expect_untouched(*other);
    const auto used_state = event_json(used->request(R"({"cmd":"dump"})", "state", kEventTimeout));
    EXPECT_EQ(used_state["session"].value("session_id", ""), session_id) << used_state.dump();

    // The busy Jibri is no longer available; the session is counted and shown.
    ASSERT_TRUE(poll([&] { return stats()["jibri_detector"].value("available", -1) == 1; }, kSessionTimeout))
        << stats().dump();
    const auto after = stats();
    EXPECT_EQ(after["jibri_detector"]["count"], 2) << after.dump();
    EXPECT_EQ(after["jibri"]["recording_active"], 1) << after.dump();
    EXPECT_EQ(after["jibri"]["live_streaming_active"], 0) << after.dump();
    const auto text = metrics();
    EXPECT_NE(text.find("\njitsi_jicofo_jibri_recording_active 1\n"), std::string::npos) << text;
    EXPECT_NE(text.find("\njitsi_jicofo_jibri_instances 2\n"), std::string::npos) << text;
    EXPECT_NE(text.find("\njitsi_jicofo_jibri_instances_available 1\n"), std::string::npos) << text;
    const auto sessions = conference_state()["recording"]["jibri_sessions"];
    ASSERT_TRUE(sessions.is_array() && sessions.size() == 1) << conference_state().dump();
    EXPECT_EQ(sessions[0]["session_id"], session_id);
    EXPECT_EQ(sessions[0]["type"], "recording");
    EXPECT_EQ(sessions[0]["status"], "on");
    EXPECT_EQ(sessions[0]["jibri"], occupant(recorder_brewery(), used->name())) << sessions.dump();

    // A second start while it runs is refused, and reaches no Jibri.
    const auto again = jibri_request("alice", "action='start' recording_mode='file'");
    EXPECT_TRUE(refused_with(again, "unexpected-request")) << again.dump();
    std::this_thread::sleep_for(300ms);
    expect_untouched(*jibri1_);
    expect_untouched(*jibri2_);
}

TEST_F(RecordingTest, ANonModeratorIsNotAllowedAndNoJibriHearsOfIt) {
    ASSERT_NO_FATAL_FAILURE(two_jibris_and_a_moderated_room());
    for (const auto* attributes :
         {"action='start' recording_mode='file'", "action='start' recording_mode='stream' streamid='key'",
          "action='start' sipaddress='sip:bob@sip.meet.test'"}) {
        const auto reply = jibri_request("bob", attributes);
        EXPECT_TRUE(refused_with(reply, "not-allowed")) << attributes << ": " << reply.dump();
    }
    std::this_thread::sleep_for(500ms);
    expect_untouched(*jibri1_);
    expect_untouched(*jibri2_);
    expect_no_recording_status();
    EXPECT_EQ(stats()["jibri_detector"]["available"], 2);
}

TEST_F(RecordingTest, StopSendsTheJibriAStopForTheSessionAndTheRoomSeesOff) {
    ASSERT_NO_FATAL_FAILURE(one_jibri_and_a_moderated_room());
    PeerProcess* used = nullptr;
    const auto session_id = start_recording({jibri1_.get()}, &used);
    ASSERT_FALSE(session_id.empty());

    // Only a moderator may stop it.
    EXPECT_TRUE(refused_with(jibri_request("bob", "action='stop' session_id='" + session_id + "'"), "not-allowed"));
    const auto reply = jibri_request("alice", "action='stop' session_id='" + session_id + "'");
    EXPECT_EQ(reply.value("type", ""), "result") << reply.dump();
    const auto stop = jibri1_->wait_for("stop", kSessionTimeout);
    ASSERT_TRUE(stop) << jibri1_->transcript() << diagnostics();
    EXPECT_EQ(event_json(stop).value("session_id", ""), session_id) << *stop;
    EXPECT_EQ(event_json(stop).value("reply", ""), "off") << *stop;
    // Bob saw it all: pending, on, then off.
    EXPECT_EQ(next("recording_status", "bob").value("status", ""), "pending");
    const auto bob_on = next("recording_status", "bob");
    const auto bob_off = next("recording_status", "bob");
    EXPECT_EQ(bob_on.value("status", ""), "on");
    EXPECT_EQ(bob_off.value("status", ""), "off") << bob_off.dump();
    EXPECT_EQ(bob_off.value("session_id", ""), session_id);
    EXPECT_FALSE(bob_off.contains("failure_reason")) << "a stop is no failure: " << bob_off.dump();
    EXPECT_EQ(bob_off.value("initiator", ""), room_ + "/alice1") << "who stopped it: " << bob_off.dump();
    ASSERT_TRUE(poll([&] { return stats()["jibri"].value("recording_active", -1) == 0; }, kSessionTimeout));
    EXPECT_EQ(stats()["jibri"]["total_recording_failures"], 0);
    ASSERT_TRUE(poll([&] { return stats()["jibri_detector"].value("available", -1) == 1; }, kSessionTimeout));

    // Stopped is stopped: a second stop is for an unknown session, and a new start works, with what the client
    // gave passed on to the Jibri as is.
    EXPECT_TRUE(refused_with(jibri_request("alice", "action='stop'"), "item-not-found"));
    std::this_thread::sleep_for(700ms);  // past the pool's hold on a just-selected instance
    const std::string app_data = R"({"file_recording_metadata":{"share":true}})";
    const auto restarted =
        jibri_request("alice",
                      "action='start' recording_mode='stream' streamid='rtmp-key' you_tube_broadcast_id='yt-1' "
                      "app_data='" +
                          app_data + "'");
    const auto new_id = session_id_of(restarted);
    EXPECT_FALSE(new_id.empty()) << restarted.dump();
    EXPECT_NE(new_id, session_id);
    const auto start = next_start({jibri1_.get()});
    EXPECT_EQ(start.value("mode", ""), "stream") << start.dump();
    EXPECT_EQ(start.value("streamid", ""), "rtmp-key") << start.dump();
    EXPECT_EQ(start.value("you_tube_broadcast_id", ""), "yt-1") << start.dump();
    EXPECT_EQ(start.value("app_data", ""), app_data) << start.dump();
    EXPECT_EQ(next("recording_status", "bob").value("recording_mode", ""), "stream");  // Bob took all the others
}

TEST_F(RecordingTest, TheConferenceEndingStopsTheRecording) {
    ASSERT_NO_FATAL_FAILURE(one_jibri_and_a_moderated_room());
    PeerProcess* used = nullptr;
    const auto session_id = start_recording({jibri1_.get()}, &used);
    ASSERT_FALSE(session_id.empty());
    for (const auto* name : {"alice", "bob"}) {
        const nlohmann::json leave = {{"cmd", "leave"}, {"name", name}};
        ASSERT_TRUE(participants_->request(leave.dump(), "left", kEventTimeout));
    }
    const auto stop = jibri1_->wait_for("stop", kSessionTimeout);
    ASSERT_TRUE(stop) << jibri1_->transcript() << diagnostics();
    EXPECT_EQ(event_json(stop).value("session_id", ""), session_id) << *stop;
    EXPECT_EQ(event_json(stop).value("reply", ""), "off") << *stop;
    ASSERT_TRUE(poll([&] { return stats()["jibri"].value("recording_active", -1) == 0; }, kSessionTimeout))
        << stats().dump();
    EXPECT_EQ(stats()["jibri"]["total_recording_failures"], 0);
}

TEST_F(RecordingTest, TheJibriEndingTheSessionItselfIsOffAndAFailureItReportsIsCounted) {
    ASSERT_NO_FATAL_FAILURE(one_jibri_and_a_moderated_room());
    PeerProcess* used = nullptr;
    const auto first = start_recording({jibri1_.get()}, &used);
    ASSERT_FALSE(first.empty());

    // The recording ends on the Jibri's side (e.g. the file hit its size limit): off, no failure, nobody stopped it.
    ASSERT_TRUE(jibri1_->request(R"({"cmd":"end_session"})", "session_ended", kEventTimeout));
    const auto off = next("recording_status", "alice");
    EXPECT_EQ(off.value("status", ""), "off") << off.dump();
    EXPECT_EQ(off.value("session_id", ""), first);
    EXPECT_FALSE(off.contains("failure_reason")) << off.dump();
    EXPECT_FALSE(off.contains("initiator")) << off.dump();
    const auto acknowledged = jibri1_->wait_for("status_sent", kEventTimeout);
    ASSERT_TRUE(acknowledged) << jibri1_->transcript();
    EXPECT_EQ(event_json(acknowledged).value("reply", ""), "result") << *acknowledged;
    ASSERT_TRUE(poll([&] { return stats()["jibri"].value("recording_active", -1) == 0; }, kSessionTimeout));
    EXPECT_EQ(stats()["jibri"]["total_recording_failures"], 0);

    // A new one, which then fails without asking for a retry: off with the failure, counted by reason.
    ASSERT_TRUE(poll([&] { return stats()["jibri_detector"].value("available", -1) == 1; }, kSessionTimeout));
    std::this_thread::sleep_for(300ms);  // past the pool's hold on a just-selected instance
    const auto second = start_recording({jibri1_.get()}, &used);
    ASSERT_FALSE(second.empty());
    EXPECT_NE(second, first);
    ASSERT_TRUE(jibri1_->request(R"({"cmd":"end_session","failure_reason":"error","should_retry":false})",
                                 "session_ended", kEventTimeout));
    const auto failed = next("recording_status", "alice");
    EXPECT_EQ(failed.value("status", ""), "off") << failed.dump();
    EXPECT_EQ(failed.value("failure_reason", ""), "error") << failed.dump();
    EXPECT_EQ(failed.value("session_id", ""), second);
    ASSERT_TRUE(poll([&] { return stats()["jibri"].value("recording_active", -1) == 0; }, kSessionTimeout));
    EXPECT_EQ(stats()["jibri"]["total_recording_failures"], 1);
    const auto text = metrics();
    EXPECT_NE(text.find("jitsi_jicofo_jibri_session_failures_total{reason=\"jibri_failed\",type=\"recording\"} 1"),
              std::string::npos)
        << text;
    expect_untouched(*jibri1_);
}

TEST_F(RecordingTest, TwoConferencesRecordOnTwoJibrisAndEachSeesOnlyItsOwnStatus) {
    ASSERT_NO_FATAL_FAILURE(two_jibris_and_a_moderated_room());
    const std::string other_room = "media2@" + prosody_->muc_domain();
    nlohmann::json connect = connect_command(*prosody_, prosody_->domain());
    connect["name"] = "carol";
    ASSERT_TRUE(participants_->request(connect.dump(), "connected", 10s));
    ASSERT_NO_FATAL_FAILURE(enter_room("carol", other_room, "carol1"));
    ASSERT_TRUE(poll(
        [&] {
            return get_rest_json(port_, "/debug/conference/" + other_room).value("owner", nlohmann::json()) == "carol1";
        },
        kSessionTimeout))
        << diagnostics();

    PeerProcess* alices = nullptr;
    const auto alice_session = start_recording({jibri1_.get(), jibri2_.get()}, &alices);
    ASSERT_NE(alices, nullptr);
    auto* carols = alices == jibri1_.get() ? jibri2_.get() : jibri1_.get();
    std::this_thread::sleep_for(300ms);  // past the pool's hold on a just-selected instance
    const auto reply =
        jibri_request("carol", "action='start' recording_mode='stream' streamid='carol-key'", other_room);
    const auto carol_session = session_id_of(reply);
    ASSERT_FALSE(carol_session.empty()) << reply.dump() << diagnostics();
    const auto start = next_start({carols});
    EXPECT_EQ(start.value("room", ""), other_room) << start.dump();
    EXPECT_EQ(start.value("session_id", ""), carol_session);
    EXPECT_EQ(next("recording_status", "carol").value("status", ""), "pending");
    const auto carol_on = next("recording_status", "carol");
    EXPECT_EQ(carol_on.value("status", ""), "on");
    EXPECT_EQ(carol_on.value("session_id", ""), carol_session);
    EXPECT_EQ(carol_on.value("recording_mode", ""), "stream");
    EXPECT_EQ(stats()["jibri"]["recording_active"], 1);
    EXPECT_EQ(stats()["jibri"]["live_streaming_active"], 1);
    EXPECT_EQ(stats()["jibri_detector"]["available"], 0);

    // Carol's Jibri ends her stream: only her room hears of it; Alice's recording goes on.
    ASSERT_TRUE(carols->request(R"({"cmd":"end_session"})", "session_ended", kEventTimeout));
    const auto carol_off = next("recording_status", "carol");
    EXPECT_EQ(carol_off.value("status", ""), "off");
    EXPECT_EQ(carol_off.value("session_id", ""), carol_session);
    ASSERT_TRUE(poll([&] { return stats()["jibri"].value("live_streaming_active", -1) == 0; }, kSessionTimeout));
    EXPECT_EQ(stats()["jibri"]["recording_active"], 1);
    EXPECT_EQ(dump("alice")["focus_presence"]["recording_status"]["status"], "on");
    for (const auto& line : participants_->take_all()) {
        EXPECT_FALSE(PeerProcess::is_event(line, "recording_status") && PeerProcess::has_field(line, "name", "alice"))
            << line;
    }
    // And Alice stops hers: the stop goes to her Jibri only.
    EXPECT_EQ(jibri_request("alice", "action='stop'").value("type", ""), "result");
    const auto stop = alices->wait_for("stop", kSessionTimeout);
    ASSERT_TRUE(stop);
    EXPECT_EQ(event_json(stop).value("session_id", ""), alice_session);
    expect_untouched(*carols);
}

TEST_F(RecordingTest, AStreamWithoutStreamIdOrAFileWithOneIsABadRequest) {
    ASSERT_NO_FATAL_FAILURE(one_jibri_and_a_moderated_room());
    for (const auto* attributes : {"action='start' recording_mode='stream'",
                                   "action='start' recording_mode='stream' "
                                   "streamid=' '",
                                   "action='start' recording_mode='file' streamid='rtmp-key'"}) {
        const auto reply = jibri_request("alice", attributes);
        EXPECT_TRUE(refused_with(reply, "bad-request")) << attributes << ": " << reply.dump();
    }
    std::this_thread::sleep_for(300ms);
    expect_untouched(*jibri1_);
    expect_no_recording_status();
}

TEST_F(RecordingTest, AnOccupantFromAnUntrustedDomainIsNeverSelected) {
    wait_for_focus_in("jibri_detector");
    // A client of the participants' (anonymous) domain joins the brewery claiming to be an idle Jibri.
    untrusted_ = start_peer("untrusted", "jibri_peer.py");
    ASSERT_TRUE(untrusted_);
    ASSERT_FALSE(connect_peer(*untrusted_, *prosody_, connect_command(*prosody_, prosody_->domain())).empty());
    const nlohmann::json join = {
        {"cmd", "join_brewery"}, {"room", recorder_brewery()}, {"nick", "fake"}, {"focus", prosody_->focus_jid()}};
    ASSERT_TRUE(untrusted_->request(join.dump(), "joined", kEventTimeout)) << untrusted_->transcript();
    ASSERT_TRUE(poll([&] { return jicofo_->log_text().find("fake ignored: its real JID") != std::string::npos; },
                     kSessionTimeout))
        << diagnostics();
    EXPECT_EQ(stats()["jibri_detector"]["count"], 0);

    ASSERT_NO_FATAL_FAILURE(alice_moderates_bob_attends());
    const auto reply = jibri_request("alice", "action='start' recording_mode='file'");
    EXPECT_TRUE(refused_with(reply, "service-unavailable")) << reply.dump();
    const auto text = metrics();
    EXPECT_NE(text.find("\njitsi_jicofo_jibri_no_instance_failures_total 1\n"), std::string::npos) << text;

    // A real Jibri arrives: it is the one instance, and the start goes to it alone.
    jibri1_ = start_jibri("jibri1", recorder_brewery());
    ASSERT_TRUE(jibri1_);
    EXPECT_EQ(stats()["jibri_detector"]["count"], 1);
    PeerProcess* used = nullptr;
    start_recording({jibri1_.get(), untrusted_.get()}, &used);
    EXPECT_EQ(used, jibri1_.get());
    expect_untouched(*untrusted_);
}

TEST_F(RecordingTest, ASipAddressGoesToTheSipGatewayAndTheRoomSeesItsCallState) {
    jibri1_ = start_jibri("jibri1", recorder_brewery());
    sip_jibri_ = start_jibri("sipjibri1", sip_brewery(), "sip_jibri_detector");
    ASSERT_TRUE(jibri1_ && sip_jibri_);
    EXPECT_EQ(stats()["sip_jibri_detector"]["count"], 1);
    EXPECT_EQ(stats()["sip_jibri_detector"]["available"], 1);
    EXPECT_EQ(stats()["jibri_detector"]["count"], 1);
    ASSERT_NO_FATAL_FAILURE(alice_moderates_bob_attends());

    const std::string address = "sip:room@sip.meet.test";
    const auto reply = jibri_request("alice", "action='start' sipaddress='" + address + "' displayname='Meeting'");
    const auto session_id = session_id_of(reply);
    ASSERT_FALSE(session_id.empty()) << reply.dump() << diagnostics();
    const auto start = next_start({sip_jibri_.get()});
    EXPECT_EQ(start.value("mode", ""), "sip") << start.dump();
    EXPECT_EQ(start.value("sipaddress", ""), address);
    EXPECT_EQ(start.value("displayname", ""), "Meeting");
    EXPECT_EQ(start.value("session_id", ""), session_id);
    EXPECT_EQ(start.value("room", ""), room_);
    EXPECT_TRUE(start["recording_mode"].is_null()) << start.dump();

    const auto pending = next("sip_call_state", "bob");
    EXPECT_EQ(pending.value("state", ""), "pending") << pending.dump();
    const auto on = next("sip_call_state", "bob");
    EXPECT_EQ(on.value("state", ""), "on") << on.dump();
    EXPECT_EQ(on.value("sipaddress", ""), address);
    EXPECT_EQ(on.value("session_id", ""), session_id);
    EXPECT_EQ(stats()["jibri"]["sip_call_active"], 1);
    EXPECT_NE(metrics().find("\njitsi_jicofo_jibri_sip_active 1\n"), std::string::npos);

    const auto stopped = jibri_request("alice", "action='stop' sipaddress='" + address + "'");
    EXPECT_EQ(stopped.value("type", ""), "result") << stopped.dump();
    const auto stop = sip_jibri_->wait_for("stop", kSessionTimeout);
    ASSERT_TRUE(stop) << sip_jibri_->transcript();
    EXPECT_EQ(event_json(stop).value("session_id", ""), session_id);
    const auto off = next("sip_call_state", "bob");
    EXPECT_EQ(off.value("state", ""), "off") << off.dump();
    ASSERT_TRUE(poll([&] { return stats()["jibri"].value("sip_call_active", -1) == 0; }, kSessionTimeout));
    expect_untouched(*jibri1_);
    // No recording status was ever published for a SIP call.
    for (const auto& line : participants_->take_all()) {
        EXPECT_FALSE(PeerProcess::is_event(line, "recording_status")) << line;
    }
}

// The recorders' brewery on the service connection (jicofo.jibri.xmpp-connection-name = Service), here another
// account of the same Prosody: starts and stops go out on that connection and the Jibris' statuses come in on it.
class ServiceConnectionRecordingTest : public RecordingTest {
protected:
    void configure_prosody(ProsodyOptions& options) override {
        RecordingTest::configure_prosody(options);
        options.users.emplace_back("focus-service", "auth.meet.test", kFocusPassword);
    }
    [[nodiscard]] std::string jibri_settings() const override { return "    xmpp-connection-name = Service\n"; }
    [[nodiscard]] std::string more_settings() const override {
        return "  xmpp.service {\n"
               "    enabled = true\n"
               "    hostname = \"127.0.0.1\"\n"
               "    port = " +
               std::to_string(prosody_->c2s_port()) +
               "\n"
               "    domain = \"" +
               prosody_->auth_domain() +
               "\"\n"
               "    xmpp-domain = \"" +
               prosody_->domain() +
               "\"\n"
               "    username = \"focus-service\"\n"
               "    password = \"" +
               kFocusPassword +
               "\"\n"
               "    use-tls = false\n"
               "    reply-timeout = 5 seconds\n"
               "  }\n";
    }
};

TEST_F(ServiceConnectionRecordingTest, TheRecorderBreweryIsOnTheServiceConnection) {
    wait_for_focus_in("jibri_detector");
    jibri1_ = start_peer("jibri1", "jibri_peer.py");
    ASSERT_TRUE(jibri1_);
    ASSERT_FALSE(connect_peer(*jibri1_, *prosody_,
                              connect_command(*prosody_, "jibri1@" + prosody_->auth_domain(), kJibriPassword))
                     .empty());
    // The Jibri obeys the service account only: a start from the client connection would be a violation.
    const nlohmann::json join = {{"cmd", "join_brewery"},
                                 {"room", recorder_brewery()},
                                 {"nick", "jibri1"},
                                 {"focus", "focus-service@" + prosody_->auth_domain()}};
    ASSERT_TRUE(jibri1_->request(join.dump(), "joined", kEventTimeout)) << jibri1_->transcript();
    ASSERT_TRUE(poll([&] { return stats()["jibri_detector"].value("available", 0) == 1; }, kSessionTimeout))
        << stats().dump() << diagnostics();
    ASSERT_NO_FATAL_FAILURE(alice_moderates_bob_attends());

    // The brewery hides real JIDs; the start comes from its owner, the service account that created it (the client
    // account is not in the room and could not reach the Jibri through it).
    PeerProcess* used = nullptr;
    const auto session_id = start_recording({jibri1_.get()}, &used);
    ASSERT_FALSE(session_id.empty());
    EXPECT_EQ(jibri_request("alice", "action='stop'").value("type", ""), "result");
    const auto stop = jibri1_->wait_for("stop", kSessionTimeout);
    ASSERT_TRUE(stop) << jibri1_->transcript();
    EXPECT_EQ(event_json(stop).value("session_id", ""), session_id);
    EXPECT_EQ(next("recording_status", "alice").value("status", ""), "off");
}

// The participants' domain listed in jicofo.xmpp.trusted-domains: its accounts are believed as Jibris.
class TrustedDomainRecordingTest : public RecordingTest {
protected:
    [[nodiscard]] std::string more_settings() const override {
        return "  xmpp.trusted-domains = [\"" + prosody_->domain() + "\"]\n";
    }
};

TEST_F(TrustedDomainRecordingTest, AnOccupantOfATrustedDomainIsAJibri) {
    wait_for_focus_in("jibri_detector");
    untrusted_ = start_peer("anonymous-jibri", "jibri_peer.py");
    ASSERT_TRUE(untrusted_);
    ASSERT_FALSE(connect_peer(*untrusted_, *prosody_, connect_command(*prosody_, prosody_->domain())).empty());
    const nlohmann::json join = {
        {"cmd", "join_brewery"}, {"room", recorder_brewery()}, {"nick", "anon"}, {"focus", prosody_->focus_jid()}};
    ASSERT_TRUE(untrusted_->request(join.dump(), "joined", kEventTimeout)) << untrusted_->transcript();
    ASSERT_TRUE(poll([&] { return stats()["jibri_detector"].value("count", 0) == 1; }, kSessionTimeout))
        << stats().dump() << diagnostics();
    ASSERT_NO_FATAL_FAILURE(alice_moderates_bob_attends());
    PeerProcess* used = nullptr;
    EXPECT_FALSE(start_recording({untrusted_.get()}, &used).empty());
}

// jicofo.conference.enable-moderator-checks = false: anyone in the room may record.
class UnmoderatedRecordingTest : public RecordingTest {
protected:
    [[nodiscard]] std::string more_settings() const override {
        return "  conference.enable-moderator-checks = false\n";
    }
};

TEST_F(UnmoderatedRecordingTest, AParticipantWhoIsNotAModeratorMayRecord) {
    ASSERT_NO_FATAL_FAILURE(one_jibri_and_a_moderated_room());
    const auto reply = jibri_request("bob", "action='start' recording_mode='stream' streamid='rtmp-key'");
    const auto session_id = session_id_of(reply);
    ASSERT_FALSE(session_id.empty()) << reply.dump() << diagnostics();
    const auto start = next_start({jibri1_.get()});
    EXPECT_EQ(start.value("mode", ""), "stream") << start.dump();
    EXPECT_EQ(start.value("streamid", ""), "rtmp-key");
    EXPECT_EQ(next("recording_status", "bob").value("status", ""), "pending");
    const auto on = next("recording_status", "bob");
    EXPECT_EQ(on.value("status", ""), "on") << on.dump();
    EXPECT_EQ(on.value("recording_mode", ""), "stream");
    EXPECT_EQ(on.value("initiator", ""), room_ + "/bob1");
    EXPECT_EQ(stats()["jibri"]["live_streaming_active"], 1);
    EXPECT_NE(metrics().find("\njitsi_jicofo_jibri_live_streaming_active 1\n"), std::string::npos);
}

// Without breweries every start is refused as unavailable.
class NoBreweryRecordingTest : public RecordingTest {
protected:
    [[nodiscard]] std::string extra_settings() const override { return {}; }
};

TEST_F(NoBreweryRecordingTest, StartsAreServiceUnavailable) {
    ASSERT_NO_FATAL_FAILURE(alice_moderates_bob_attends());
    for (const auto* attributes :
         {"action='start' recording_mode='file'", "action='start' sipaddress='sip:room@sip.meet.test'"}) {
        const auto reply = jibri_request("alice", attributes);
        EXPECT_TRUE(refused_with(reply, "service-unavailable")) << attributes << ": " << reply.dump();
    }
    const auto all = stats();
    EXPECT_EQ(all["jibri_detector"]["count"], 0) << all.dump();
    EXPECT_EQ(all["sip_jibri_detector"]["count"], 0) << all.dump();
    EXPECT_TRUE(get_rest_json(port_, "/debug")["jibri_detector"].is_null());
}
}  // namespace
}  // namespace jicofo::testing
