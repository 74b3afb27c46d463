// The Jibri emulator (tests/peers/jibri_peer.py) against a real Prosody, driven by a plain peer acting as the focus
// with raw jibri IQs: brewery status, the start/pending/on exchange, stop, the scripted modes and its strictness.
#include <string>

#include "support/brewery_peer_fixture.hpp"

namespace jicofo::testing {
namespace {

constexpr const char* kJibriNs = "http://jitsi.org/protocol/jibri";

class JibriPeerTest : public BreweryPeerTest {
protected:
    void SetUp() override {
        start({"jibri1", "jibri-secret", "jibri_peer.py", "jibribrewery"});
        ASSERT_FALSE(HasFatalFailure());
        // The focus accepts the status IQs.
        const nlohmann::json responder = {
            {"cmd", "iq_responder"}, {"element", "jibri"}, {"ns", kJibriNs}, {"type", "set"}, {"reply", "result"}};
        ASSERT_TRUE(focus_->request(responder.dump(), "done", kEventTimeout)) << focus_->transcript();
        join_brewery();
    }

    static std::string start_iq(const std::string& attributes) {
        return std::string("<jibri xmlns='") + kJibriNs + "' action='start' " + attributes + "/>";
    }

    nlohmann::json send_to_jibri(const std::string& payload, PeerProcess* from = nullptr, int timeout_s = 5,
                                 const std::string& type = "set") {
        return send_to_component(payload, from, timeout_s, "type='" + type + "'");
    }

    nlohmann::json jibri_event(const std::string& name) { return component_event(name); }

    // The next status IQ the focus received from the Jibri.
    nlohmann::json status_iq() {
        const auto line = focus_->wait_for(
            [](const std::string& l) {
                return PeerProcess::is_event(l, "iq_received") && PeerProcess::has_field(l, "element", "jibri");
            },
            kEventTimeout);
        EXPECT_TRUE(line) << focus_->transcript() << jibri_->transcript();
        return event_json(line);
    }

    static bool has_jibri(const nlohmann::json& event, std::initializer_list<std::string> attributes) {
        return event.contains("xml") && xml_has_element(event["xml"], "jibri", attributes);
    }

    // A valid file start, answered pending, then status on (answered result by the focus).
    void start_file_session(const std::string& session_id) {
        const auto reply = send_to_jibri(
            start_iq("session_id='" + session_id + "' room='room1@conference.meet.test' recording_mode='file'"));
        ASSERT_EQ(reply.value("type", ""), "result") << reply.dump();
        EXPECT_TRUE(has_jibri(reply, {"status=\"pending\""})) << reply.dump();
        const auto status = status_iq();
        EXPECT_EQ(status["from"], jibri_jid_);
        EXPECT_TRUE(has_jibri(status, {"status=\"on\""})) << status.dump();
        const auto sent = jibri_event("status_sent");
        EXPECT_EQ(sent["status"], "on");
        EXPECT_EQ(sent["reply"], "result") << sent.dump();
    }

    // The component by what it is here.
    std::unique_ptr<PeerProcess>& jibri_ = component_;
    const std::string& jibri_jid_ = component_jid_;
};

TEST_F(JibriPeerTest, PublishesItsStatusInTheBreweryAndUpdatesIt) {
    auto status_presence = [&](const std::string& busy, const std::string& health) {
        return [&, busy, health](const std::string& l) {
            if (!PeerProcess::is_event(l, "presence") || !PeerProcess::has_field(l, "from", jibri_jid_)) {
                return false;
            }
            const std::string xml = event_json(l)["xml"];
            return xml_has_element(xml, "jibri-status", {"xmlns=\"http://jitsi.org/protocol/jibri\""}) &&
                   xml_has_element(xml, "busy-status", {"status=\"" + busy + "\""}) &&
                   xml_has_element(xml, "health-status",
                                   {"xmlns=\"http://jitsi.org/protocol/health\"", "status=\"" + health + "\""});
        };
    };
    ASSERT_TRUE(focus_->wait_for(status_presence("idle", "healthy"), kEventTimeout)) << focus_->transcript();
    ASSERT_TRUE(jibri_->request(R"({"cmd":"set_status","busy":"busy","health":"unhealthy"})", "status", kEventTimeout));
    ASSERT_TRUE(focus_->wait_for(status_presence("busy", "unhealthy"), kEventTimeout)) << focus_->transcript();

    ASSERT_TRUE(jibri_->request(R"({"cmd":"leave_brewery"})", "left", kEventTimeout)) << jibri_->transcript();
    const auto gone = focus_->wait_for(
        [&](const std::string& l) {
            return PeerProcess::is_event(l, "presence") && PeerProcess::has_field(l, "from", jibri_jid_) &&
                   PeerProcess::has_field(l, "type", "unavailable");
        },
        kEventTimeout);
    EXPECT_TRUE(gone) << focus_->transcript();
    expect_no_violation();
}

TEST_F(JibriPeerTest, FileStartIsPendingThenOnAndTheJibriTurnsBusy) {
    start_file_session("s-1");
    const auto start = jibri_event("start");
    EXPECT_EQ(start["session_id"], "s-1");
    EXPECT_EQ(start["room"], "room1@conference.meet.test");
    EXPECT_EQ(start["mode"], "file");
    // The brewery hides real JIDs (Prosody's default); the focus is known as the room's owner (a MUC admin).
    EXPECT_EQ(start["affiliation"], "owner");
    EXPECT_EQ(start["reply"], "pending");
    const auto busy = focus_->wait_for(
        [&](const std::string& l) {
            return PeerProcess::is_event(l, "presence") && PeerProcess::has_field(l, "from", jibri_jid_) &&
                   xml_has_element(event_json(l)["xml"], "busy-status", {"status=\"busy\""});
        },
        kEventTimeout);
    EXPECT_TRUE(busy) << focus_->transcript();
    expect_no_violation();
}

TEST_F(JibriPeerTest, StopAnswersOffAndAStopOfAnUnknownSessionIsItemNotFound) {
    start_file_session("s-2");
    const auto stopped = send_to_jibri(std::string("<jibri xmlns='") + kJibriNs + "' action='stop' session_id='s-2'/>");
    ASSERT_EQ(stopped.value("type", ""), "result") << stopped.dump();
    EXPECT_TRUE(has_jibri(stopped, {"status=\"off\""})) << stopped.dump();
    const auto stop = jibri_event("stop");
    EXPECT_EQ(stop["session_id"], "s-2");
    EXPECT_EQ(stop["reply"], "off");
    expect_no_violation();

    const auto again = send_to_jibri(std::string("<jibri xmlns='") + kJibriNs + "' action='stop' session_id='s-2'/>");
    EXPECT_EQ(again.value("type", ""), "error") << again.dump();
    EXPECT_TRUE(again["xml"].get<std::string>().find("item-not-found") != std::string::npos) << again.dump();
    expect_violation("not active");
}

TEST_F(JibriPeerTest, MalformedStartsAreBadRequestsAndViolations) {
    const auto no_streamid =
        send_to_jibri(start_iq("session_id='s-3' room='room1@conference.meet.test' recording_mode='stream'"));
    EXPECT_EQ(no_streamid.value("type", ""), "error") << no_streamid.dump();
    EXPECT_TRUE(no_streamid["xml"].get<std::string>().find("bad-request") != std::string::npos) << no_streamid.dump();
    expect_violation("without streamid");

    const auto file_with_streamid = send_to_jibri(
        start_iq("session_id='s-3' room='room1@conference.meet.test' recording_mode='file' streamid='key'"));
    EXPECT_EQ(file_with_streamid.value("type", ""), "error") << file_with_streamid.dump();
    expect_violation("file start with a streamid");

    const auto full_room =
        send_to_jibri(start_iq("session_id='s-3' room='room1@conference.meet.test/x' recording_mode='file'"));
    EXPECT_EQ(full_room.value("type", ""), "error") << full_room.dump();
    expect_violation("not a bare JID");

    const auto bad_mode = send_to_jibri(start_iq("session_id='s-3' room='r@c.meet.test' recording_mode='tape'"));
    EXPECT_EQ(bad_mode.value("type", ""), "error") << bad_mode.dump();
    expect_violation("recording_mode");

    const auto get =
        send_to_jibri(start_iq("session_id='s-3' room='r@c.meet.test' recording_mode='file'"), nullptr, 5, "get");
    EXPECT_EQ(get.value("type", ""), "error") << get.dump();
    expect_violation("not set");
}

TEST_F(JibriPeerTest, StreamAndSipStartsAreAccepted) {
    ASSERT_TRUE(jibri_->request(R"({"cmd":"set_mode","status_session_id":true})", "done", kEventTimeout));
    const auto reply = send_to_jibri(
        start_iq("session_id='s-4' room='room1@conference.meet.test' recording_mode='stream' streamid='rtmp-key'"));
    ASSERT_EQ(reply.value("type", ""), "result") << reply.dump();
    EXPECT_EQ(jibri_event("start")["mode"], "stream");
    EXPECT_TRUE(has_jibri(status_iq(), {"status=\"on\"", "session_id=\"s-4\""}));
    ASSERT_TRUE(jibri_->request(R"({"cmd":"end_session"})", "session_ended", kEventTimeout));
    EXPECT_TRUE(has_jibri(status_iq(), {"status=\"off\""}));

    const auto sip =
        send_to_jibri(start_iq("session_id='s-5' room='room1@conference.meet.test' "
                               "sipaddress='sip:a@sip.meet.test' displayname='A'"));
    ASSERT_EQ(sip.value("type", ""), "result") << sip.dump();
    EXPECT_TRUE(has_jibri(sip, {"status=\"pending\"", "sipaddress=\"sip:a@sip.meet.test\""})) << sip.dump();
    const auto start = jibri_event("start");
    EXPECT_EQ(start["mode"], "sip");
    EXPECT_EQ(start["displayname"], "A");
    EXPECT_TRUE(has_jibri(status_iq(), {"status=\"on\"", "sipaddress=\"sip:a@sip.meet.test\""}));
    expect_no_violation();
}

TEST_F(JibriPeerTest, BusyModeAndAStartDuringASessionAnswerOffBusy) {
    ASSERT_TRUE(jibri_->request(R"({"cmd":"set_mode","mode":"busy"})", "done", kEventTimeout));
    const auto busy = send_to_jibri(start_iq("session_id='s-6' room='r@conference.meet.test' recording_mode='file'"));
    ASSERT_EQ(busy.value("type", ""), "result") << busy.dump();
    EXPECT_TRUE(has_jibri(busy, {"status=\"off\"", "failure_reason=\"busy\"", "should_retry=\"true\""})) << busy.dump();
    EXPECT_EQ(jibri_event("start")["reply"], "busy");
    expect_no_violation();

    ASSERT_TRUE(jibri_->request(R"({"cmd":"set_mode","mode":"normal"})", "done", kEventTimeout));
    start_file_session("s-7");
    const auto second = send_to_jibri(start_iq("session_id='s-8' room='r@conference.meet.test' recording_mode='file'"));
    ASSERT_EQ(second.value("type", ""), "result") << second.dump();
    EXPECT_TRUE(has_jibri(second, {"status=\"off\"", "failure_reason=\"busy\""})) << second.dump();
    expect_violation("while session s-7 is active");
}

TEST_F(JibriPeerTest, FailModeSendsOffWithShouldRetry) {
    ASSERT_TRUE(jibri_->request(R"({"cmd":"set_mode","mode":"fail","should_retry":false,"delay_ms":50})", "done",
                                kEventTimeout));
    const auto reply = send_to_jibri(start_iq("session_id='s-9' room='r@conference.meet.test' recording_mode='file'"));
    ASSERT_EQ(reply.value("type", ""), "result") << reply.dump();
    EXPECT_TRUE(has_jibri(reply, {"status=\"pending\""})) << reply.dump();
    const auto status = status_iq();
    EXPECT_TRUE(has_jibri(status, {"status=\"off\"", "failure_reason=\"error\"", "should_retry=\"false\""}))
        << status.dump();
    const auto sent = jibri_event("status_sent");
    EXPECT_EQ(sent["status"], "off");
    EXPECT_EQ(sent["should_retry"], false);
    EXPECT_EQ(sent["reply"], "result");
    // The session is over: a stop for it is unknown.
    const auto stop = send_to_jibri(std::string("<jibri xmlns='") + kJibriNs + "' action='stop' session_id='s-9'/>");
    EXPECT_EQ(stop.value("type", ""), "error") << stop.dump();
    expect_violation("not active");
}

TEST_F(JibriPeerTest, SilentModeNeverAnswersAndErrorModeAnswersTheCondition) {
    ASSERT_TRUE(jibri_->request(R"({"cmd":"set_mode","mode":"silent"})", "done", kEventTimeout));
    const auto silent =
        send_to_jibri(start_iq("session_id='s-10' room='r@conference.meet.test' recording_mode='file'"), nullptr, 1);
    EXPECT_TRUE(PeerProcess::is_event(silent.dump(), "iq_timeout")) << silent.dump();
    EXPECT_EQ(jibri_event("start")["reply"], "ignored");
    // A stop for the unanswered start (the focus gave up waiting) is answered off, as the real Jibri does; a second
    // one names a session the Jibri no longer knows.
    const auto stopped =
        send_to_jibri(std::string("<jibri xmlns='") + kJibriNs + "' action='stop' session_id='s-10'/>");
    ASSERT_EQ(stopped.value("type", ""), "result") << stopped.dump();
    EXPECT_TRUE(has_jibri(stopped, {"status=\"off\""})) << stopped.dump();
    EXPECT_EQ(jibri_event("stop")["reply"], "off");
    expect_no_violation();
    const auto again = send_to_jibri(std::string("<jibri xmlns='") + kJibriNs + "' action='stop' session_id='s-10'/>");
    EXPECT_EQ(again.value("type", ""), "error") << again.dump();
    expect_violation("not active");

    ASSERT_TRUE(jibri_->request(R"({"cmd":"set_mode","mode":"error:service-unavailable"})", "done", kEventTimeout));
    const auto failed =
        send_to_jibri(start_iq("session_id='s-11' room='r@conference.meet.test' recording_mode='file'"));
    EXPECT_EQ(failed.value("type", ""), "error") << failed.dump();
    EXPECT_TRUE(failed["xml"].get<std::string>().find("service-unavailable") != std::string::npos) << failed.dump();
    EXPECT_EQ(jibri_event("start")["reply"], "error:service-unavailable");
    expect_no_violation();
}

TEST_F(JibriPeerTest, StartsFromAnyoneButTheFocusAreRefused) {
    const auto intruder = intruder_in_brewery();
    ASSERT_TRUE(intruder);
    const auto reply = send_to_jibri(start_iq("session_id='s-12' room='r@conference.meet.test' recording_mode='file'"),
                                     intruder.get());
    EXPECT_EQ(reply.value("type", ""), "error") << reply.dump();
    EXPECT_TRUE(reply["xml"].get<std::string>().find("forbidden") != std::string::npos) << reply.dump();
    expect_violation("not the focus");
    EXPECT_EQ(jibri_event("start")["affiliation"], "none");
}

TEST_F(JibriPeerTest, AnUnansweredStatusIsReportedAsATimeoutAndDieDropsTheOccupant) {
    // The focus stops answering status IQs: the Jibri reports the timeout.
    const nlohmann::json ignore = {
        {"cmd", "iq_responder"}, {"element", "jibri"}, {"ns", kJibriNs}, {"type", "set"}, {"reply", "ignore"}};
    ASSERT_TRUE(focus_->request(ignore.dump(), "done", kEventTimeout));
    ASSERT_TRUE(jibri_->request(R"({"cmd":"set_mode","reply_timeout":0.5})", "done", kEventTimeout));
    const auto reply = send_to_jibri(start_iq("session_id='s-13' room='r@conference.meet.test' recording_mode='file'"));
    ASSERT_EQ(reply.value("type", ""), "result") << reply.dump();
    const auto sent = jibri_event("status_sent");
    EXPECT_EQ(sent["status"], "on");
    EXPECT_EQ(sent["reply"], "timeout") << sent.dump();
    expect_no_violation();

    ASSERT_TRUE(jibri_->request(R"({"cmd":"die"})", "died", kEventTimeout)) << jibri_->transcript();
    const auto gone = focus_->wait_for(
        [&](const std::string& l) {
            return PeerProcess::is_event(l, "presence") && PeerProcess::has_field(l, "from", jibri_jid_) &&
                   PeerProcess::has_field(l, "type", "unavailable");
        },
        std::chrono::seconds(10));
    EXPECT_TRUE(gone) << focus_->transcript();
}

TEST_F(JibriPeerTest, AStopDuringTheStartUpDelayEndsTheSessionWithoutStatusOn) {
    ASSERT_TRUE(jibri_->request(R"({"cmd":"set_mode","delay_ms":500})", "done", kEventTimeout));
    const auto reply = send_to_jibri(start_iq("session_id='s-14' room='r@conference.meet.test' recording_mode='file'"));
    ASSERT_EQ(reply.value("type", ""), "result") << reply.dump();
    const auto stopped =
        send_to_jibri(std::string("<jibri xmlns='") + kJibriNs + "' action='stop' session_id='s-14'/>");
    ASSERT_EQ(stopped.value("type", ""), "result") << stopped.dump();
    EXPECT_TRUE(has_jibri(stopped, {"status=\"off\""})) << stopped.dump();
    const auto status = focus_->wait_for(
        [](const std::string& l) {
            return PeerProcess::is_event(l, "iq_received") && PeerProcess::has_field(l, "element", "jibri");
        },
        std::chrono::milliseconds(1000));
    EXPECT_FALSE(status) << *status;
    expect_no_violation();
}

}  // namespace
}  // namespace jicofo::testing
