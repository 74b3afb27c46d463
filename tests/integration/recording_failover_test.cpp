// Recording when Jibris fail: retries on another Jibri after a failure, a departure, the pending-timeout or an
// unanswered start; busy Jibris with and without busy-retries; num-retries.
#include "recording_fixture.hpp"

namespace jicofo::testing {
namespace {

TEST_F(RecordingTest, AFailureWithShouldRetryMovesTheSessionToTheOtherJibri) {
    // Only jibri1 is available at first, so the first start is its; it fails once started.
    ASSERT_NO_FATAL_FAILURE(scripted_jibri1_busy_jibri2({{"mode", "fail"}, {"should_retry", true}, {"delay_ms", 300}}));

    const auto reply = jibri_request("alice", "action='start' recording_mode='file'");
    const auto session_id = session_id_of(reply);
    ASSERT_FALSE(session_id.empty()) << reply.dump();
    const auto first = next_start({jibri1_.get()});
    EXPECT_EQ(first.value("session_id", ""), session_id);
    ASSERT_TRUE(jibri2_->request(R"({"cmd":"set_status","busy":"idle"})", "status", kEventTimeout));

    // jibri1 reports off with should_retry; the focus answers it and starts the same session on jibri2.
    const auto failed = jibri1_->wait_for("status_sent", kSessionTimeout);
    ASSERT_TRUE(failed) << jibri1_->transcript();
    EXPECT_EQ(event_json(failed).value("status", ""), "off");
    EXPECT_EQ(event_json(failed).value("reply", ""), "result") << *failed;
    const auto second = next_start({jibri2_.get()});
    EXPECT_EQ(second.value("session_id", ""), session_id) << second.dump();
    EXPECT_EQ(second.value("mode", ""), "file");

    // The room saw pending, then on, never off.
    EXPECT_EQ(next("recording_status", "alice").value("status", ""), "pending");
    const auto on = next("recording_status", "alice");
    EXPECT_EQ(on.value("status", ""), "on") << on.dump();
    EXPECT_EQ(on.value("session_id", ""), session_id);
    const auto sessions = conference_state()["recording"]["jibri_sessions"];
    ASSERT_TRUE(sessions.is_array() && sessions.size() == 1) << conference_state().dump();
    EXPECT_EQ(sessions[0]["jibri"], occupant(recorder_brewery(), "jibri2"));
    EXPECT_EQ(sessions[0]["retries"], 1);
    expect_untouched(*jibri1_);
    EXPECT_EQ(stats()["jibri"]["recording_active"], 1);
}

TEST_F(RecordingTest, AJibriThatIsNotOnWithinThePendingTimeoutIsStoppedAndTheOtherTakesOver) {
    // jibri1 accepts the start but would say on only after 10 s, past the 3 s pending-timeout.
    ASSERT_NO_FATAL_FAILURE(scripted_jibri1_busy_jibri2({{"delay_ms", 10000}}));

    const auto session_id = session_id_of(jibri_request("alice", "action='start' recording_mode='file'"));
    ASSERT_FALSE(session_id.empty()) << diagnostics();
    const auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(next_start({jibri1_.get()}).value("session_id", ""), session_id);
    EXPECT_EQ(next("recording_status", "alice").value("status", ""), "pending");
    ASSERT_TRUE(jibri2_->request(R"({"cmd":"set_status","busy":"idle"})", "status", kEventTimeout));

    // Told to stop, so that it does not join the room late; the session goes to jibri2.
    const auto stop = jibri1_->wait_for("stop", kSessionTimeout);
    ASSERT_TRUE(stop) << jibri1_->transcript() << diagnostics();
    const auto waited = std::chrono::steady_clock::now() - started;
    EXPECT_GE(waited, 2500ms);
    EXPECT_LT(waited, 6s);
    EXPECT_EQ(event_json(stop).value("session_id", ""), session_id);
    EXPECT_EQ(event_json(stop).value("reply", ""), "off");
    const auto second = next_start({jibri2_.get()});
    EXPECT_EQ(second.value("session_id", ""), session_id);
    const auto on = next("recording_status", "alice");
    EXPECT_EQ(on.value("status", ""), "on") << on.dump();
    EXPECT_EQ(on.value("session_id", ""), session_id);
    EXPECT_EQ(stats()["jibri"]["recording_active"], 1);
    expect_untouched(*jibri1_);
}

TEST_F(RecordingTest, AJibriThatNeverAnswersTheStartIsStoppedAndTheOtherTakesOver) {
    ASSERT_NO_FATAL_FAILURE(scripted_jibri1_busy_jibri2({{"mode", "silent"}}));

    // The client's answer waits until a Jibri takes the start: the request goes out now and its reply is read below.
    const auto id = "jibri-silent";
    const std::string xml = "<iq type='set' id='" + std::string(id) + "' to='" + room_ + "/focus'><jibri xmlns='" +
                            kJibriNs + "' action='start' recording_mode='file'/></iq>";
    participants_->send(nlohmann::json{{"cmd", "send_iq"}, {"name", "alice"}, {"xml", xml}, {"timeout", 15}}.dump());
    const auto first = next_start({jibri1_.get()});
    EXPECT_EQ(first.value("reply", ""), "ignored") << first.dump();
    const auto session_id = first.value("session_id", "");
    ASSERT_TRUE(jibri2_->request(R"({"cmd":"set_status","busy":"idle"})", "status", kEventTimeout));

    // At the pending-timeout the silent one is told to stop (it may still be starting) and jibri2 gets the session.
    const auto stop = jibri1_->wait_for("stop", kSessionTimeout);
    ASSERT_TRUE(stop) << jibri1_->transcript() << diagnostics();
    EXPECT_EQ(event_json(stop).value("session_id", ""), session_id);
    const auto second = next_start({jibri2_.get()});
    EXPECT_EQ(second.value("session_id", ""), session_id);
    const auto reply = participants_->wait_for(
        [&](const std::string& l) {
            return PeerProcess::is_event(l, "iq_reply") && PeerProcess::has_field(l, "id", id);
        },
        kSessionTimeout);
    ASSERT_TRUE(reply) << participants_->transcript();
    EXPECT_EQ(session_id_of(event_json(reply)), session_id) << *reply;
    EXPECT_EQ(next("recording_status", "alice").value("status", ""), "pending");
    EXPECT_EQ(next("recording_status", "alice").value("status", ""), "on");

    // The unanswered start's own IQ deadline (5 s) passes later: it changes nothing.
    std::this_thread::sleep_for(3s);
    expect_untouched(*jibri1_);
    expect_untouched(*jibri2_);
    EXPECT_EQ(dump("alice")["focus_presence"]["recording_status"]["status"], "on");
    EXPECT_EQ(stats()["jibri"]["recording_active"], 1);
}

TEST_F(RecordingTest, AJibriAnsweringBusyIsPassedOverAndWithNoOtherTheStartIsAResourceConstraint) {
    // jibri1 says idle in its presence but answers starts busy (it took a session from another focus meanwhile).
    ASSERT_NO_FATAL_FAILURE(scripted_jibri1_busy_jibri2({{"mode", "busy"}}));
    const auto reply = jibri_request("alice", "action='start' recording_mode='file'");
    EXPECT_TRUE(refused_with(reply, "resource-constraint")) << reply.dump() << diagnostics();
    const auto start = next_start({jibri1_.get()});
    EXPECT_EQ(start.value("reply", ""), "busy") << start.dump();
    std::this_thread::sleep_for(300ms);
    expect_untouched(*jibri1_);
    expect_untouched(*jibri2_);
    expect_no_recording_status();
}

TEST_F(RecordingTest, WhenEveryJibriIsBusyTheStartIsAResourceConstraint) {
    jibri1_ = start_jibri("jibri1", recorder_brewery(), "jibri_detector", "busy");
    jibri2_ = start_jibri("jibri2", recorder_brewery(), "jibri_detector", "busy");
    ASSERT_TRUE(jibri1_ && jibri2_);
    EXPECT_EQ(stats()["jibri_detector"]["count"], 2);
    EXPECT_EQ(stats()["jibri_detector"]["available"], 0);
    ASSERT_NO_FATAL_FAILURE(alice_moderates_bob_attends());
    const auto reply = jibri_request("alice", "action='start' recording_mode='file'");
    EXPECT_TRUE(refused_with(reply, "resource-constraint")) << reply.dump();
    std::this_thread::sleep_for(300ms);
    expect_untouched(*jibri1_);
    expect_untouched(*jibri2_);
    expect_no_recording_status();
    const auto text = metrics();
    EXPECT_NE(text.find("jitsi_jicofo_jibri_session_failures_total{reason=\"all_busy\",type=\"recording\"} 1"),
              std::string::npos)
        << text;
    EXPECT_EQ(stats()["jibri"]["total_recording_failures"], 1);
}

TEST_F(RecordingTest, AJibriLeavingMidSessionHandsItToTheOtherAndWithNoneLeftItIsOff) {
    ASSERT_NO_FATAL_FAILURE(two_jibris_and_a_moderated_room());
    PeerProcess* used = nullptr;
    const auto session_id = start_recording({jibri1_.get(), jibri2_.get()}, &used);
    ASSERT_NE(used, nullptr);
    auto* other = used == jibri1_.get() ? jibri2_.get() : jibri1_.get();

    ASSERT_TRUE(used->request(R"({"cmd":"leave_brewery"})", "left", kEventTimeout)) << used->transcript();
    const auto retried = next_start({other});
    EXPECT_EQ(retried.value("session_id", ""), session_id) << retried.dump();
    EXPECT_EQ(retried.value("mode", ""), "file");
    EXPECT_EQ(next("recording_status", "alice").value("status", ""), "pending");
    const auto on_again = next("recording_status", "alice");
    EXPECT_EQ(on_again.value("status", ""), "on") << on_again.dump();
    EXPECT_EQ(on_again.value("session_id", ""), session_id);
    EXPECT_EQ(stats()["jibri"]["recording_active"], 1);

    // The second one dies too: nobody is left, and the room sees the session end in failure.
    ASSERT_TRUE(other->request(R"({"cmd":"die"})", "died", kEventTimeout));
    const auto off = next("recording_status", "alice");
    EXPECT_EQ(off.value("status", ""), "off") << off.dump();
    EXPECT_EQ(off.value("failure_reason", ""), "error") << off.dump();
    EXPECT_EQ(off.value("session_id", ""), session_id);
    ASSERT_TRUE(poll([&] { return stats()["jibri"].value("recording_active", -1) == 0; }, kSessionTimeout))
        << stats().dump();
    EXPECT_EQ(stats()["jibri"]["total_recording_failures"], 1);
    EXPECT_EQ(stats()["jibri_detector"]["count"], 0);
}

// busy-retries: a start when every Jibri is busy is answered at once and waits for one to free up.
class BusyRetryRecordingTest : public RecordingTest {
protected:
    [[nodiscard]] std::string jibri_settings() const override {
        return "    busy-retries = 3\n"
               "    busy-retry-delay = 1 second\n";
    }
};

TEST_F(BusyRetryRecordingTest, AStartWhenAllAreBusyIsPendingUntilOneIsIdle) {
    jibri1_ = start_jibri("jibri1", recorder_brewery(), "jibri_detector", "busy");
    jibri2_ = start_jibri("jibri2", recorder_brewery(), "jibri_detector", "busy");
    ASSERT_TRUE(jibri1_ && jibri2_);
    ASSERT_NO_FATAL_FAILURE(alice_moderates_bob_attends());

    const auto asked = std::chrono::steady_clock::now();
    const auto reply = jibri_request("alice", "action='start' recording_mode='file'");
    const auto answered_in = std::chrono::steady_clock::now() - asked;
    const auto session_id = session_id_of(reply);
    ASSERT_FALSE(session_id.empty()) << reply.dump() << diagnostics();
    EXPECT_LT(answered_in, 900ms) << "answered before the first busy retry";
    const auto pending = next("recording_status", "alice");
    EXPECT_EQ(pending.value("status", ""), "pending") << pending.dump();
    EXPECT_EQ(pending.value("session_id", ""), session_id);
    expect_untouched(*jibri1_);
    expect_untouched(*jibri2_);

    ASSERT_TRUE(jibri2_->request(R"({"cmd":"set_status","busy":"idle"})", "status", kEventTimeout));
    const auto start = next_start({jibri2_.get()});
    EXPECT_EQ(start.value("session_id", ""), session_id) << start.dump();
    const auto on = next("recording_status", "alice");
    EXPECT_EQ(on.value("status", ""), "on") << on.dump();
    EXPECT_EQ(on.value("session_id", ""), session_id);
    expect_untouched(*jibri1_);
    EXPECT_EQ(stats()["jibri"]["recording_active"], 1);
}

TEST_F(BusyRetryRecordingTest, ABusyPoolThatNeverFreesUpEndsTheSessionBusy) {
    jibri1_ = start_jibri("jibri1", recorder_brewery(), "jibri_detector", "busy");
    ASSERT_TRUE(jibri1_);
    ASSERT_NO_FATAL_FAILURE(alice_moderates_bob_attends());
    const auto session_id = session_id_of(jibri_request("alice", "action='start' recording_mode='file'"));
    ASSERT_FALSE(session_id.empty());
    EXPECT_EQ(next("recording_status", "alice").value("status", ""), "pending");
    // Three retries a second apart, then the session is over.
    const auto off = next("recording_status", "alice", 8s);
    EXPECT_EQ(off.value("status", ""), "off") << off.dump();
    EXPECT_EQ(off.value("failure_reason", ""), "busy") << off.dump();
    EXPECT_EQ(off.value("session_id", ""), session_id);
    expect_untouched(*jibri1_);
}

TEST_F(BusyRetryRecordingTest, AConferenceThatEndsWhileWaitingForAJibriStartsNothingLater) {
    jibri1_ = start_jibri("jibri1", recorder_brewery(), "jibri_detector", "busy");
    ASSERT_TRUE(jibri1_);
    ASSERT_NO_FATAL_FAILURE(alice_moderates_bob_attends());
    ASSERT_FALSE(session_id_of(jibri_request("alice", "action='start' recording_mode='file'")).empty());
    EXPECT_EQ(next("recording_status", "alice").value("status", ""), "pending");
    for (const auto* name : {"alice", "bob"}) {
        const nlohmann::json leave = {{"cmd", "leave"}, {"name", name}};
        ASSERT_TRUE(participants_->request(leave.dump(), "left", kEventTimeout));
    }
    ASSERT_TRUE(poll(
        [&] {
            const auto list = get_rest_json(port_, "/debug/conferences");
            return list.is_array() && list.empty();
        },
        kSessionTimeout))
        << diagnostics();
    // The Jibri frees up within the retries the session would have had: nobody may start it for a gone room.
    ASSERT_TRUE(jibri1_->request(R"({"cmd":"set_status","busy":"idle"})", "status", kEventTimeout));
    EXPECT_FALSE(jibri1_->wait_for("start", 2500ms)) << jibri1_->transcript();
    expect_untouched(*jibri1_);
    EXPECT_EQ(stats()["jibri"]["recording_active"], 0);
}

// jicofo.jibri.num-retries = 0: a failure ends the session even when it asks for a retry and a Jibri is free.
class NoRetryRecordingTest : public RecordingTest {
protected:
    [[nodiscard]] std::string jibri_settings() const override { return "    num-retries = 0\n"; }
};

TEST_F(NoRetryRecordingTest, AFailureEndsTheSessionWithoutTryingTheOtherJibri) {
    ASSERT_NO_FATAL_FAILURE(scripted_jibri1_busy_jibri2({{"mode", "fail"}, {"should_retry", true}, {"delay_ms", 300}}));
    const auto session_id = session_id_of(jibri_request("alice", "action='start' recording_mode='file'"));
    ASSERT_FALSE(session_id.empty()) << diagnostics();
    EXPECT_EQ(next_start({jibri1_.get()}).value("session_id", ""), session_id);
    ASSERT_TRUE(jibri2_->request(R"({"cmd":"set_status","busy":"idle"})", "status", kEventTimeout));
    EXPECT_EQ(next("recording_status", "alice").value("status", ""), "pending");
    const auto off = next("recording_status", "alice");
    EXPECT_EQ(off.value("status", ""), "off") << off.dump();
    EXPECT_EQ(off.value("failure_reason", ""), "error") << off.dump();
    std::this_thread::sleep_for(500ms);
    expect_untouched(*jibri2_);
    EXPECT_EQ(stats()["jibri"]["total_recording_failures"], 1);
}
}  // namespace
}  // namespace jicofo::testing
