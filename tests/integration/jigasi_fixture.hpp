// The fixture of the Jigasi tests: the jicofo binary with a real Prosody and a Jigasi brewery, emulated Jigasis
// (tests/peers/jigasi_peer.py, strict about the dials the focus forwards them) and emulated lib-jitsi-meet
// participants that send Rayo <dial/> requests to the focus occupant and read the focus's conference replies.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <thread>

#include "brewery_fixture.hpp"

namespace jicofo::testing {

inline constexpr const char* kJigasiPassword = "jigasi-secret";
inline constexpr const char* kRayoNs = "urn:xmpp:rayo:1";
inline constexpr const char* kTranscribe = "jitsi_meet_transcribe";
inline constexpr const char* kNumber = "+15551234567";

class JigasiTest : public BreweryTest {
protected:
    void configure_prosody(ProsodyOptions& options) override {
        for (const auto* user : {"jigasi1", "jigasi2", "jigasi3"}) {
            options.users.emplace_back(user, "auth.meet.test", kJigasiPassword);
        }
    }

    // The Jigasis' accounts' domain is trusted, as in a deployment with transcription: only then does a member's
    // transcriber feature count in the room (the brewery trusts the focus's own domain anyway).
    [[nodiscard]] std::string extra_settings() const override {
        return "  jigasi.brewery-jid = \"" + brewery() + "\"\n" + "  xmpp.trusted-domains = [\"" +
               prosody_->auth_domain() + "\"]\n" + more_settings();
    }
    // More jicofo.* settings of a fixture.
    [[nodiscard]] virtual std::string more_settings() const { return {}; }

    void TearDown() override {
        BreweryTest::TearDown();
        for (auto* jigasi : {jigasi1_.get(), jigasi2_.get(), jigasi3_.get(), untrusted_.get()}) {
            if (jigasi) {
                expect_none_of(*jigasi, {"protocol_violation"});
            }
        }
    }

    [[nodiscard]] std::string brewery() const { return "jigasibrewery@" + prosody_->internal_muc_domain(); }
    [[nodiscard]] std::string occupant(const std::string& nick) const { return brewery() + "/" + nick; }

    // The detector's /debug entry for one instance (empty when it does not know it).
    using BreweryTest::instance;
    nlohmann::json instance(const std::string& nick) { return instance("jigasi_detector", occupant(nick)); }

    void wait_for_focus_in_brewery() { wait_for_focus_in("jigasi_detector"); }

    // A Jigasi of account `nick`@auth in the brewery with these stats (the emulator's defaults for the rest:
    // SIP and transcription, no shutdown, 0 participants); returns once jicofo lists it with its participants.
    std::unique_ptr<PeerProcess> start_jigasi(const std::string& nick,
                                              const nlohmann::json& stats = nlohmann::json::object()) {
        wait_for_focus_in_brewery();
        auto jigasi =
            start_component(nick, "jigasi_peer.py", kJigasiPassword,
                            {{"room", brewery()}, {"nick", nick}, {"focus", prosody_->focus_jid()}, {"stats", stats}});
        if (!jigasi) {
            return nullptr;
        }
        const int participants = stats.value("participants", 0);
        EXPECT_TRUE(poll([&] { return instance(nick).value("participants", -1) == participants; }, kSessionTimeout))
            << debug_section("jigasi_detector").dump() << diagnostics();
        return jigasi;
    }

    // `count` Jigasis (jigasi1 carrying 0 participants, jigasi2 1, jigasi3 2, so the focus asks them in that order),
    // each answering dials in `mode`; Alice moderates the room, Bob attends. Callers check for fatal failures.
    void jigasis_answering(int count, const std::string& mode) {
        std::unique_ptr<PeerProcess>* slots[] = {&jigasi1_, &jigasi2_, &jigasi3_};
        ASSERT_LE(count, 3);
        for (int i = 0; i < count; ++i) {
            *slots[i] = start_jigasi("jigasi" + std::to_string(i + 1), {{"participants", i}});
            ASSERT_TRUE(*slots[i]);
            set_mode(**slots[i], {{"mode", mode}});
        }
        ASSERT_NO_FATAL_FAILURE(alice_moderates_bob_attends());
    }

    static void set_mode(PeerProcess& jigasi, const nlohmann::json& settings) {
        nlohmann::json command = settings;
        command["cmd"] = "set_mode";
        EXPECT_TRUE(jigasi.request(command.dump(), "done", kEventTimeout)) << jigasi.transcript();
    }

    static void set_stats(PeerProcess& jigasi, const nlohmann::json& stats) {
        const nlohmann::json command = {{"cmd", "set_stats"}, {"stats", stats}};
        EXPECT_TRUE(jigasi.request(command.dump(), "stats", kEventTimeout)) << jigasi.transcript();
    }

    struct DialReply {
        std::string id;        // the IQ id the client used
        nlohmann::json reply;  // the iq_reply event (type, xml), or an empty object
    };

    // A client's Rayo dial to the focus occupant, as lib-jitsi-meet sends it: `to` the number (or the
    // transcriber), JvbRoomName naming `header_room` (the room unless told).
    DialReply dial(const std::string& name, const std::string& to, std::string header_room = "",
                   std::chrono::seconds timeout = 10s) {
        if (header_room.empty()) {
            header_room = room_;
        }
        DialReply result;
        result.id = "dial-" + std::to_string(++request_count_);
        const std::string xml = "<iq type='set' id='" + result.id + "' to='" + room_ + "/focus'><dial xmlns='" +
                                kRayoNs + "' to='" + to + "' from='fromnumber'><header name='JvbRoomName' value='" +
                                header_room + "'/></dial></iq>";
        result.reply = client_iq(name, result.id, xml, timeout);
        return result;
    }

    // The uri of the Rayo <ref/> a result carries ("" when it is not a result with one).
    static std::string ref_of(const nlohmann::json& reply) {
        const auto xml = reply.value("xml", "");
        if (reply.value("type", "") != "result" ||
            !xml_has_element(xml, "ref", {std::string("xmlns=\"") + kRayoNs + "\""})) {
            return "";
        }
        return attribute_of(xml, "ref", "uri").value_or("");
    }

    // The id the focus gave a dial it forwarded (Prosody's MUC rewrites the ids of IQs it routes; the emulator
    // recovers the sender's).
    static std::string forwarded_id(const nlohmann::json& dial) {
        return dial["sent_id"].is_string() ? dial["sent_id"].get<std::string>() : dial.value("id", "");
    }

    // The next dial one of `jigasis` received (which one in `*receiver`), or an empty object.
    nlohmann::json next_dial(std::initializer_list<PeerProcess*> jigasis, PeerProcess** receiver = nullptr,
                             std::chrono::milliseconds timeout = kSessionTimeout) {
        return next_event_of(jigasis, "dial", receiver, timeout);
    }

    // No dial and no protocol violation reached this Jigasi so far.
    static void expect_no_dial(PeerProcess& jigasi) { expect_none_of(jigasi, {"dial", "protocol_violation"}); }

    // The properties of the focus's answer to a new conference request for the room (a client of its own asks).
    nlohmann::json conference_properties() {
        if (!prober_connected_) {
            nlohmann::json connect = connect_command(*prosody_, prosody_->domain());
            connect["name"] = "prober";
            EXPECT_TRUE(participants_->request(connect.dump(), "connected", 10s)) << participants_->transcript();
            prober_connected_ = true;
        }
        const nlohmann::json request = {{"cmd", "conference"},
                                        {"name", "prober"},
                                        {"room", room_},
                                        {"to", prosody_->focus_jid() + "/focus"},
                                        {"machine_uid", "uid-prober"}};
        const auto line = participants_->request(request.dump(), "conference_reply", kSessionTimeout);
        EXPECT_TRUE(line) << participants_->transcript() << diagnostics();
        const auto reply = line ? event_json(line) : nlohmann::json::object();
        EXPECT_EQ(reply.value("type", ""), "result") << reply.dump();
        return reply.value("properties", nlohmann::json::object());
    }

    // A /stats counter of the dials.
    int dial_count(const std::string& key) { return stats()["jigasi"].value(key, -1); }

    std::unique_ptr<PeerProcess> jigasi1_;
    std::unique_ptr<PeerProcess> jigasi2_;
    std::unique_ptr<PeerProcess> jigasi3_;
    std::unique_ptr<PeerProcess> untrusted_;
    bool prober_connected_ = false;
};

}  // namespace jicofo::testing
