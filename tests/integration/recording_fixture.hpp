// The fixture of the recording tests: the jicofo binary with a real Prosody, a recorder and a SIP Jibri brewery,
// emulated Jibris (tests/peers/jibri_peer.py, strict about what the focus sends them) and emulated lib-jitsi-meet
// participants that send <jibri/> requests to the focus occupant and read the focus's presence.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <thread>

#include "brewery_fixture.hpp"

namespace jicofo::testing {

inline constexpr const char* kJibriPassword = "jibri-secret";
inline constexpr const char* kJibriNs = "http://jitsi.org/protocol/jibri";
class RecordingTest : public BreweryTest {
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
        BreweryTest::TearDown();
        for (auto* jibri : {jibri1_.get(), jibri2_.get(), sip_jibri_.get(), untrusted_.get()}) {
            if (jibri) {
                expect_none_of(*jibri, {"protocol_violation"});
            }
        }
    }

    [[nodiscard]] std::string recorder_brewery() const { return "jibribrewery@" + prosody_->internal_muc_domain(); }
    [[nodiscard]] std::string sip_brewery() const { return "jibrisipbrewery@" + prosody_->internal_muc_domain(); }
    [[nodiscard]] std::string occupant(const std::string& brewery, const std::string& nick) const {
        return brewery + "/" + nick;
    }

    // A Jibri in a brewery (`section` is its detector's /debug section); returns once jicofo counts it.
    std::unique_ptr<PeerProcess> start_jibri(const std::string& nick, const std::string& brewery,
                                             const std::string& section = "jibri_detector",
                                             const std::string& busy = "idle") {
        wait_for_focus_in(section);
        auto jibri =
            start_component(nick, "jibri_peer.py", kJibriPassword, {{"room", brewery}, {"nick", nick}, {"busy", busy}});
        if (!jibri) {
            return nullptr;
        }
        const auto id = occupant(brewery, nick);
        const bool idle = busy == "idle";
        EXPECT_TRUE(poll(
            [&] {
                const auto entry = instance(section, id);
                return entry.contains("available") && entry["available"] == idle;
            },
            kSessionTimeout))
            << debug_section(section).dump() << diagnostics();
        return jibri;
    }

    // jibri1 in the recorder brewery; Alice moderates the room, Bob attends. Callers check for fatal failures.
    void one_jibri_and_a_moderated_room() {
        jibri1_ = start_jibri("jibri1", recorder_brewery());
        ASSERT_TRUE(jibri1_);
        ASSERT_NO_FATAL_FAILURE(alice_moderates_bob_attends());
    }

    // jibri1 and jibri2 idle in the recorder brewery; Alice moderates the room, Bob attends.
    void two_jibris_and_a_moderated_room() {
        jibri1_ = start_jibri("jibri1", recorder_brewery());
        jibri2_ = start_jibri("jibri2", recorder_brewery());
        ASSERT_TRUE(jibri1_ && jibri2_);
        ASSERT_NO_FATAL_FAILURE(alice_moderates_bob_attends());
    }

    // jibri1 idle and answering starts as `mode` (set_mode's fields) says, jibri2 busy, so that the first start
    // goes to jibri1; Alice moderates the room, Bob attends.
    void scripted_jibri1_busy_jibri2(nlohmann::json mode) {
        jibri1_ = start_jibri("jibri1", recorder_brewery());
        jibri2_ = start_jibri("jibri2", recorder_brewery(), "jibri_detector", "busy");
        ASSERT_TRUE(jibri1_ && jibri2_);
        mode["cmd"] = "set_mode";
        ASSERT_TRUE(jibri1_->request(mode.dump(), "done", kEventTimeout)) << jibri1_->transcript();
        ASSERT_NO_FATAL_FAILURE(alice_moderates_bob_attends());
    }

    // A client's <jibri/> IQ to the focus occupant; the iq_reply event (with the reply's xml), or an empty object.
    nlohmann::json jibri_request(const std::string& name, const std::string& attributes, std::string room = "") {
        if (room.empty()) {
            room = room_;
        }
        const auto id = "jibri-" + std::to_string(++request_count_);
        const std::string xml = "<iq type='set' id='" + id + "' to='" + room + "/focus'><jibri xmlns='" + kJibriNs +
                                "' " + attributes + "/></iq>";
        return client_iq(name, id, xml);
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
        return next_event_of(jibris, "start", receiver, timeout);
    }

    // Nothing but status chatter reached this Jibri: no start, no stop, no protocol violation.
    static void expect_untouched(PeerProcess& jibri) { expect_none_of(jibri, {"start", "stop", "protocol_violation"}); }

    // No jibri-recording-status reached a participant so far.
    void expect_no_recording_status() {
        expect_none_of(*participants_, {"recording_status", "sip_call_state", "protocol_violation"});
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
};

}  // namespace jicofo::testing
