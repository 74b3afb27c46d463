// The fixture of the recording tests: the jicofo binary with a real Prosody, a recorder and a SIP Jibri brewery,
// emulated Jibris (tests/peers/jibri_peer.py, strict about what the focus sends them) and emulated lib-jitsi-meet
// participants that send <jibri/> requests to the focus occupant and read the focus's presence.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <thread>

#include "media_session_fixture.hpp"

namespace jicofo::testing {

inline constexpr const char* kJibriPassword = "jibri-secret";
inline constexpr const char* kJibriNs = "http://jitsi.org/protocol/jibri";
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

}  // namespace jicofo::testing
