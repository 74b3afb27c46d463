// Recording, live streaming and SIP video end to end: the jicofo binary, a real Prosody, emulated Jibris in their
// breweries (tests/peers/jibri_peer.py, strict about what the focus sends them) and emulated lib-jitsi-meet
// participants that send <jibri/> requests to the focus occupant and read the focus's presence.
#include "media_session_fixture.hpp"

#include <initializer_list>
#include <regex>
#include <thread>

namespace jicofo::testing {
namespace {

inline constexpr const char* kJibriPassword = "jibri-secret";
inline constexpr const char* kJibriNs = "http://jitsi.org/protocol/jibri";
inline constexpr const char* kStanzasNs = "urn:ietf:params:xml:ns:xmpp-stanzas";

// The value of `attribute` on the first <element> of a stanza as the peers report it (double-quoted attributes).
std::optional<std::string> attribute_of(const std::string& xml, const std::string& element,
                                        const std::string& attribute) {
    const std::regex tag("<" + element + "[ />][^>]*");
    std::smatch found;
    if (!std::regex_search(xml, found, tag)) {
        return std::nullopt;
    }
    const std::regex value(" " + attribute + "=\"([^\"]*)\"");
    std::smatch matched;
    const std::string text = found.str();
    if (!std::regex_search(text, matched, value)) {
        return std::nullopt;
    }
    return matched[1].str();
}

class RecordingTest : public MediaSessionTest {
protected:
    void configure_prosody(ProsodyOptions& options) override {
        for (const auto* user : {"jibri1", "jibri2", "sipjibri1"}) {
            options.users.emplace_back(user, "auth.meet.test", kJibriPassword);
        }
    }

    [[nodiscard]] std::string extra_settings() const override {
        return "  jibri {\n"
               "    brewery-jid = \"" +
               recorder_brewery() +
               "\"\n"
               "    pending-timeout = 3 seconds\n" +
               jibri_settings() +
               "  }\n"
               "  jibri-sip.brewery-jid = \"" +
               sip_brewery() + "\"\n" + more_settings();
    }
    // More jicofo.* settings of a fixture.
    [[nodiscard]] virtual std::string more_settings() const { return {}; }
    // More jicofo.jibri settings of a fixture.
    [[nodiscard]] virtual std::string jibri_settings() const { return {}; }

    void TearDown() override {
        MediaSessionTest::TearDown();
        for (auto* jibri : {jibri1_.get(), jibri2_.get(), sip_jibri_.get(), untrusted_.get()}) {
            if (jibri) {
                for (const auto& line : jibri->take_all()) {
                    EXPECT_FALSE(PeerProcess::is_event(line, "protocol_violation")) << jibri->name() << ": " << line;
                }
            }
        }
    }

    [[nodiscard]] std::string recorder_brewery() const { return "jibribrewery@" + prosody_->internal_muc_domain(); }
    [[nodiscard]] std::string sip_brewery() const { return "jibrisipbrewery@" + prosody_->internal_muc_domain(); }
    [[nodiscard]] std::string occupant(const std::string& brewery, const std::string& nick) const {
        return brewery + "/" + nick;
    }

    // The focus is in the brewery (/debug says so) before a Jibri joins it: a Jibri that created the room would
    // own it, and it obeys only the room's owners and admins.
    void wait_for_focus_in(const std::string& section) {
        ASSERT_TRUE(poll([&] { return debug_section(section).value("joined", false); }, kSessionTimeout))
            << debug_section(section).dump() << diagnostics();
    }

    // A section of /debug; an empty object while the binary does not answer yet (it may be starting).
    nlohmann::json debug_section(const std::string& section) {
        const auto reply = http_request(port_, "GET", "/debug");
        auto json = nlohmann::json::parse(reply.body, nullptr, false);
        if (reply.status != 200 || !json.is_object() || !json[section].is_object()) {
            return nlohmann::json::object();
        }
        return json[section];
    }

    // A Jibri in a brewery (`section` is its detector's /debug section); returns once jicofo counts it.
    std::unique_ptr<PeerProcess> start_jibri(const std::string& nick, const std::string& brewery,
                                             const std::string& section = "jibri_detector",
                                             const std::string& busy = "idle") {
        wait_for_focus_in(section);
        auto jibri = start_peer(nick, "jibri_peer.py");
        EXPECT_TRUE(jibri);
        if (!jibri) {
            return nullptr;
        }
        const auto jid = nick + "@" + prosody_->auth_domain();
        EXPECT_FALSE(connect_peer(*jibri, *prosody_, connect_command(*prosody_, jid, kJibriPassword)).empty());
        const nlohmann::json join = {{"cmd", "join_brewery"}, {"room", brewery}, {"nick", nick}, {"busy", busy}};
        EXPECT_TRUE(jibri->request(join.dump(), "joined", kEventTimeout)) << jibri->transcript();
        const auto id = occupant(brewery, nick);
        EXPECT_TRUE(
            poll([&] { return instance(section, id).value("available", !(busy == "idle")) == (busy == "idle"); },
                 kSessionTimeout))
            << debug_section(section).dump() << diagnostics();
        return jibri;
    }

    // A detector's /debug entry for one instance (empty when it does not know it).
    nlohmann::json instance(const std::string& section, const std::string& id) {
        const auto detector = debug_section(section);
        for (const auto& entry : detector.value("instances", nlohmann::json::array())) {
            if (entry.value("jid", "") == id) {
                return entry;
            }
        }
        return nlohmann::json::object();
    }

    nlohmann::json stats() { return get_rest_json(port_, "/stats"); }
    std::string metrics() { return http_request(port_, "GET", "/metrics").body; }
    nlohmann::json conference_state() { return get_rest_json(port_, "/debug/conference/" + room_); }

    // Alice and Bob in the room, Alice its owner (auto-owner makes the first participant owner) as Prosody and the
    // focus both see it.
    void alice_moderates_bob_attends() {
        add_participant("alice", "alice1");
        add_participant("bob", "bob1");
        ASSERT_TRUE(
            poll([&] { return conference_state().value("owner", nlohmann::json()) == "alice1"; }, kSessionTimeout))
            << conference_state().dump() << diagnostics();
        ASSERT_TRUE(poll([&] { return dump("alice")["occupants"].contains("alice1"); }, kSessionTimeout));
    }

    // A client's <jibri/> IQ to the focus occupant; the iq_reply event (with the reply's xml), or an empty object.
    nlohmann::json jibri_request(const std::string& name, const std::string& attributes, std::string room = "") {
        if (room.empty()) {
            room = room_;
        }
        const auto id = "jibri-" + std::to_string(++request_count_);
        const std::string xml = "<iq type='set' id='" + id + "' to='" + room + "/focus'><jibri xmlns='" + kJibriNs +
                                "' " + attributes + "/></iq>";
        const nlohmann::json command = {{"cmd", "send_iq"}, {"name", name}, {"xml", xml}};
        participants_->send(command.dump());
        const auto line = participants_->wait_for(
            [&](const std::string& l) {
                return (PeerProcess::is_event(l, "iq_reply") || PeerProcess::is_event(l, "iq_timeout") ||
                        PeerProcess::is_event(l, "error")) &&
                       PeerProcess::has_field(l, "id", id);
            },
            kSessionTimeout);
        EXPECT_TRUE(line) << participants_->transcript() << diagnostics();
        return line ? event_json(line) : nlohmann::json::object();
    }

    static bool refused_with(const nlohmann::json& reply, const std::string& condition) {
        return reply.value("type", "") == "error" &&
               xml_has_element(reply.value("xml", ""), condition, {std::string("xmlns=\"") + kStanzasNs + "\""});
    }

    // The session_id a successful start's result carries ("" when it is not a result with one).
    static std::string session_id_of(const nlohmann::json& reply) {
        if (reply.value("type", "") != "result") {
            return "";
        }
        return attribute_of(reply.value("xml", ""), "jibri", "session_id").value_or("");
    }

    // The next start one of `jibris` received (which one in `*receiver`), or an empty object.
    nlohmann::json next_start(std::initializer_list<PeerProcess*> jibris, PeerProcess** receiver = nullptr,
                              std::chrono::milliseconds timeout = kSessionTimeout) {
        const auto until = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < until) {
            for (auto* jibri : jibris) {
                if (const auto line = jibri->wait_for("start", 50ms)) {
                    if (receiver) {
                        *receiver = jibri;
                    }
                    return event_json(line);
                }
            }
        }
        ADD_FAILURE() << "no Jibri received a start" << diagnostics();
        return nlohmann::json::object();
    }

    // Nothing but status chatter reached this Jibri: no start, no stop, no protocol violation.
    static void expect_untouched(PeerProcess& jibri) {
        for (const auto& line : jibri.take_all()) {
            EXPECT_FALSE(PeerProcess::is_event(line, "start") || PeerProcess::is_event(line, "stop") ||
                         PeerProcess::is_event(line, "protocol_violation"))
                << jibri.name() << ": " << line;
        }
    }

    // No jibri-recording-status reached a participant so far.
    void expect_no_recording_status() {
        for (const auto& line : participants_->take_all()) {
            EXPECT_FALSE(PeerProcess::is_event(line, "recording_status") ||
                         PeerProcess::is_event(line, "sip_call_state") ||
                         PeerProcess::is_event(line, "protocol_violation"))
                << line;
        }
    }

    // Alice starts a file recording; the Jibri that took it is in *receiver. The client's result carries the
    // session_id, the Jibri got a valid start for this room with it, and the room sees pending, then on.
    std::string start_recording(std::initializer_list<PeerProcess*> jibris, PeerProcess** receiver) {
        const auto reply = jibri_request("alice", "action='start' recording_mode='file'");
        const auto session_id = session_id_of(reply);
        EXPECT_FALSE(session_id.empty()) << reply.dump() << diagnostics();
        const auto start = next_start(jibris, receiver);
        EXPECT_EQ(start.value("session_id", ""), session_id) << start.dump();
        EXPECT_EQ(start.value("room", ""), room_) << start.dump();
        EXPECT_EQ(start.value("mode", ""), "file") << start.dump();
        EXPECT_EQ(start.value("reply", ""), "pending") << start.dump();
        EXPECT_TRUE(start["streamid"].is_null()) << start.dump();
        const auto pending = next("recording_status", "alice");
        EXPECT_EQ(pending.value("status", ""), "pending") << pending.dump();
        EXPECT_EQ(pending.value("session_id", ""), session_id) << pending.dump();
        const auto on = next("recording_status", "alice");
        EXPECT_EQ(on.value("status", ""), "on") << on.dump();
        EXPECT_EQ(on.value("session_id", ""), session_id) << on.dump();
        EXPECT_EQ(on.value("initiator", ""), room_ + "/alice1") << on.dump();
        EXPECT_EQ(on.value("recording_mode", ""), "file") << on.dump();
        // The focus acknowledged the Jibri's status IQ.
        if (receiver && *receiver) {
            const auto sent = (*receiver)->wait_for("status_sent", kEventTimeout);
            EXPECT_TRUE(sent) << (*receiver)->transcript();
            EXPECT_EQ(event_json(sent).value("status", ""), "on");
            EXPECT_EQ(event_json(sent).value("reply", ""), "result") << event_json(sent).dump();
        }
        return session_id;
    }

    std::unique_ptr<PeerProcess> jibri1_;
    std::unique_ptr<PeerProcess> jibri2_;
    std::unique_ptr<PeerProcess> sip_jibri_;
    std::unique_ptr<PeerProcess> untrusted_;
    int request_count_ = 0;
};

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
    jibri1_ = start_jibri("jibri1", recorder_brewery());
    jibri2_ = start_jibri("jibri2", recorder_brewery());
    ASSERT_TRUE(jibri1_ && jibri2_);
    ASSERT_NO_FATAL_FAILURE(alice_moderates_bob_attends());
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

TEST_F(RecordingTest, AFailureWithShouldRetryMovesTheSessionToTheOtherJibri) {
    // Only jibri1 is available at first, so the first start is its; it fails once started.
    jibri1_ = start_jibri("jibri1", recorder_brewery());
    jibri2_ = start_jibri("jibri2", recorder_brewery(), "jibri_detector", "busy");
    ASSERT_TRUE(jibri1_ && jibri2_);
    ASSERT_TRUE(jibri1_->request(R"({"cmd":"set_mode","mode":"fail","should_retry":true,"delay_ms":300})", "done",
                                 kEventTimeout));
    ASSERT_NO_FATAL_FAILURE(alice_moderates_bob_attends());

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
    jibri1_ = start_jibri("jibri1", recorder_brewery());
    jibri2_ = start_jibri("jibri2", recorder_brewery(), "jibri_detector", "busy");
    ASSERT_TRUE(jibri1_ && jibri2_);
    ASSERT_TRUE(jibri1_->request(R"({"cmd":"set_mode","delay_ms":10000})", "done", kEventTimeout));
    ASSERT_NO_FATAL_FAILURE(alice_moderates_bob_attends());

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
    jibri1_ = start_jibri("jibri1", recorder_brewery());
    jibri2_ = start_jibri("jibri2", recorder_brewery(), "jibri_detector", "busy");
    ASSERT_TRUE(jibri1_ && jibri2_);
    ASSERT_TRUE(jibri1_->request(R"({"cmd":"set_mode","mode":"silent"})", "done", kEventTimeout));
    ASSERT_NO_FATAL_FAILURE(alice_moderates_bob_attends());

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
    jibri1_ = start_jibri("jibri1", recorder_brewery());
    jibri2_ = start_jibri("jibri2", recorder_brewery(), "jibri_detector", "busy");
    ASSERT_TRUE(jibri1_ && jibri2_);
    ASSERT_TRUE(jibri1_->request(R"({"cmd":"set_mode","mode":"busy"})", "done", kEventTimeout));
    ASSERT_NO_FATAL_FAILURE(alice_moderates_bob_attends());
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

TEST_F(RecordingTest, StopSendsTheJibriAStopForTheSessionAndTheRoomSeesOff) {
    jibri1_ = start_jibri("jibri1", recorder_brewery());
    ASSERT_TRUE(jibri1_);
    ASSERT_NO_FATAL_FAILURE(alice_moderates_bob_attends());
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

    // Stopped is stopped: a second stop is for an unknown session, and a new start works.
    EXPECT_TRUE(refused_with(jibri_request("alice", "action='stop'"), "item-not-found"));
    std::this_thread::sleep_for(700ms);  // past the pool's hold on a just-selected instance
    const auto restarted = jibri_request("alice", "action='start' recording_mode='stream' streamid='rtmp-key'");
    const auto new_id = session_id_of(restarted);
    EXPECT_FALSE(new_id.empty()) << restarted.dump();
    EXPECT_NE(new_id, session_id);
    const auto start = next_start({jibri1_.get()});
    EXPECT_EQ(start.value("mode", ""), "stream") << start.dump();
    EXPECT_EQ(start.value("streamid", ""), "rtmp-key") << start.dump();
}

TEST_F(RecordingTest, AJibriLeavingMidSessionHandsItToTheOtherAndWithNoneLeftItIsOff) {
    jibri1_ = start_jibri("jibri1", recorder_brewery());
    jibri2_ = start_jibri("jibri2", recorder_brewery());
    ASSERT_TRUE(jibri1_ && jibri2_);
    ASSERT_NO_FATAL_FAILURE(alice_moderates_bob_attends());
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

TEST_F(RecordingTest, TheConferenceEndingStopsTheRecording) {
    jibri1_ = start_jibri("jibri1", recorder_brewery());
    ASSERT_TRUE(jibri1_);
    ASSERT_NO_FATAL_FAILURE(alice_moderates_bob_attends());
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
    jibri1_ = start_jibri("jibri1", recorder_brewery());
    ASSERT_TRUE(jibri1_);
    ASSERT_NO_FATAL_FAILURE(alice_moderates_bob_attends());
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
    jibri1_ = start_jibri("jibri1", recorder_brewery());
    jibri2_ = start_jibri("jibri2", recorder_brewery());
    ASSERT_TRUE(jibri1_ && jibri2_);
    ASSERT_NO_FATAL_FAILURE(alice_moderates_bob_attends());
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
    jibri1_ = start_jibri("jibri1", recorder_brewery());
    ASSERT_TRUE(jibri1_);
    ASSERT_NO_FATAL_FAILURE(alice_moderates_bob_attends());
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
    jibri1_ = start_jibri("jibri1", recorder_brewery());
    ASSERT_TRUE(jibri1_);
    ASSERT_NO_FATAL_FAILURE(alice_moderates_bob_attends());
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
