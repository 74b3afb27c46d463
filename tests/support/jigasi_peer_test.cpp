// The Jigasi emulator (tests/peers/jigasi_peer.py) against a real Prosody, driven by a plain peer acting as the focus
// with raw Rayo dial IQs: brewery stats, the dial/ref exchange, the scripted modes, its strictness and the
// transcriber joining the conference room.
#include <string>

#include "support/brewery_peer_fixture.hpp"

namespace jicofo::testing {
namespace {

constexpr const char* kRayoNs = "urn:xmpp:rayo:1";

class JigasiPeerTest : public BreweryPeerTest {
protected:
    void SetUp() override {
        start({"jigasi1", "jigasi-secret", "jigasi_peer.py", "jigasibrewery"});
        ASSERT_FALSE(HasFatalFailure());
        room_ = "room1@" + prosody_->muc_domain();
        join_brewery({{"stats", {{"participants", 3}, {"region", "eu-west"}}}});
    }

    std::string dial(const std::string& to, const std::string& headers = "") const {
        return std::string("<dial xmlns='") + kRayoNs + "' to='" + to + "' from='fromnumber'>" +
               (headers.empty() ? room_header(room_) : headers) + "</dial>";
    }
    static std::string room_header(const std::string& room) {
        return "<header name='JvbRoomName' value='" + room + "'/>";
    }

    nlohmann::json send_to_jigasi(const std::string& payload, PeerProcess* from = nullptr, int timeout_s = 5,
                                  const std::string& attributes = "type='set'") {
        return send_to_component(payload, from, timeout_s, attributes);
    }

    nlohmann::json jigasi_event(const std::string& name) { return component_event(name); }

    static bool has_error(const nlohmann::json& reply, const std::string& condition) {
        return reply.value("type", "") == "error" &&
               reply.value("xml", "").find("<" + condition + " ") != std::string::npos;
    }

    // A plain occupant of the conference room, to see who joins it.
    std::unique_ptr<PeerProcess> room_observer() {
        auto observer = start_peer("observer");
        EXPECT_TRUE(observer);
        if (!observer) {
            return nullptr;
        }
        nlohmann::json connect = connect_command(*prosody_, prosody_->domain());
        EXPECT_FALSE(connect_peer(*observer, *prosody_, connect).empty());
        const nlohmann::json join = {{"cmd", "join"}, {"room", room_}, {"nick", "observer"}};
        EXPECT_TRUE(observer->request(join.dump(), "joined", kEventTimeout)) << observer->transcript();
        return observer;
    }

    // The presence of `occupant` in the conference room, as the observer saw it.
    static std::string occupant_presence(PeerProcess& observer, const std::string& occupant) {
        const auto line = observer.wait_for(
            [&](const std::string& l) {
                return PeerProcess::is_event(l, "presence") && PeerProcess::has_field(l, "from", occupant) &&
                       PeerProcess::has_field(l, "type", "available");
            },
            kEventTimeout);
        EXPECT_TRUE(line) << observer.transcript();
        return line ? event_json(line)["xml"].get<std::string>() : "";
    }

    // The component by what it is here.
    std::unique_ptr<PeerProcess>& jigasi_ = component_;
    const std::string& jigasi_jid_ = component_jid_;
    std::string room_;
};

TEST_F(JigasiPeerTest, BreweryPresenceCarriesTheStatsAndSetStatsRepublishesThem) {
    auto stats_presence = [&](std::initializer_list<std::pair<std::string, std::string>> stats) {
        return [&, stats](const std::string& l) {
            if (!PeerProcess::is_event(l, "presence") || !PeerProcess::has_field(l, "from", jigasi_jid_)) {
                return false;
            }
            const std::string xml = event_json(l)["xml"];
            bool all = xml_has_element(xml, "stats", {"xmlns=\"http://jitsi.org/protocol/colibri\""});
            for (const auto& [name, value] : stats) {
                all = all && xml_has_element(xml, "stat", {"name=\"" + name + "\"", "value=\"" + value + "\""});
            }
            return all;
        };
    };
    ASSERT_TRUE(focus_->wait_for(stats_presence({{"supports_sip", "true"},
                                                 {"supports_transcription", "true"},
                                                 {"graceful_shutdown", "false"},
                                                 {"participants", "3"},
                                                 {"region", "eu-west"}}),
                                 kEventTimeout))
        << focus_->transcript();
    ASSERT_TRUE(jigasi_->request(R"({"cmd":"set_stats","stats":{"graceful_shutdown":true,"supports_sip":false}})",
                                 "stats", kEventTimeout));
    ASSERT_TRUE(focus_->wait_for(
        stats_presence({{"graceful_shutdown", "true"}, {"supports_sip", "false"}, {"participants", "3"}}),
        kEventTimeout))
        << focus_->transcript();

    ASSERT_TRUE(jigasi_->request(R"({"cmd":"leave_brewery"})", "left", kEventTimeout)) << jigasi_->transcript();
    EXPECT_TRUE(focus_->wait_for(
        [&](const std::string& l) {
            return PeerProcess::is_event(l, "presence") && PeerProcess::has_field(l, "from", jigasi_jid_) &&
                   PeerProcess::has_field(l, "type", "unavailable");
        },
        kEventTimeout))
        << focus_->transcript();
    expect_no_violation();
}

TEST_F(JigasiPeerTest, ADialFromTheFocusGetsARefAndIsReported) {
    const auto reply = send_to_jigasi(dial("+15551234567", room_header(room_) + "<header name='X-Extra' value='1'/>"),
                                      nullptr, 5, "type='set' id='dial-1'");
    ASSERT_EQ(reply.value("type", ""), "result") << reply.dump();
    EXPECT_TRUE(xml_has_element(reply["xml"], "ref", {"xmlns=\"urn:xmpp:rayo:1\"", "uri=\"xmpp:"})) << reply.dump();
    const auto event = jigasi_event("dial");
    EXPECT_EQ(event["sent_id"], "dial-1");  // the MUC rewrote the id it routed
    EXPECT_EQ(event["to"], "+15551234567");
    EXPECT_EQ(event["from"], "fromnumber");
    EXPECT_EQ(event["room"], room_);
    EXPECT_EQ(event["kind"], "sip");
    EXPECT_EQ(event["affiliation"], "owner");  // the brewery hides real JIDs; the focus is its owner
    EXPECT_EQ(event["headers"].size(), 2u);
    EXPECT_EQ(event["reply"].get<std::string>().rfind("ref:xmpp:", 0), 0u) << event.dump();
    expect_no_violation();

    const auto dump = event_json(jigasi_->request(R"({"cmd":"dump"})", "state", kEventTimeout));
    ASSERT_EQ(dump["dials"].size(), 1u) << dump.dump();
    EXPECT_EQ(dump["dials"][0]["headers"][1][0], "X-Extra");
    EXPECT_EQ(dump["stats"]["participants"], 3);
}

TEST_F(JigasiPeerTest, MalformedOrRepeatedDialsAreRefusedAsViolations) {
    ASSERT_EQ(send_to_jigasi(dial("+1555"), nullptr, 5, "type='set' id='same-id'").value("type", ""), "result");
    EXPECT_EQ(jigasi_event("dial")["reply"].get<std::string>().rfind("ref:", 0), 0u);
    const auto reused = send_to_jigasi(dial("+1555"), nullptr, 5, "type='set' id='same-id'");
    EXPECT_TRUE(has_error(reused, "bad-request")) << reused.dump();
    expect_violation("already used");

    const auto no_header = send_to_jigasi(dial("+1555", "<header name='Other' value='x'/>"));
    EXPECT_TRUE(has_error(no_header, "bad-request")) << no_header.dump();
    expect_violation("0 JvbRoomName headers");
    const auto two_headers = send_to_jigasi(dial("+1555", room_header(room_) + room_header(room_)));
    EXPECT_TRUE(has_error(two_headers, "bad-request")) << two_headers.dump();
    expect_violation("2 JvbRoomName headers");
    const auto full_jid = send_to_jigasi(dial("+1555", room_header(room_ + "/focus")));
    EXPECT_TRUE(has_error(full_jid, "bad-request")) << full_jid.dump();
    expect_violation("not a bare room JID");
    const auto no_to = send_to_jigasi(std::string("<dial xmlns='") + kRayoNs + "'>" + room_header(room_) + "</dial>");
    EXPECT_TRUE(has_error(no_to, "bad-request")) << no_to.dump();
    expect_violation("without 'to'");
    const auto get = send_to_jigasi(dial("+1555"), nullptr, 5, "type='get'");
    EXPECT_TRUE(has_error(get, "bad-request")) << get.dump();
    expect_violation("not set");
}

TEST_F(JigasiPeerTest, DialsFromAnyoneButTheFocusAreForbidden) {
    const auto intruder = intruder_in_brewery();
    ASSERT_TRUE(intruder);
    const auto reply = send_to_jigasi(dial("+1555"), intruder.get());
    EXPECT_TRUE(has_error(reply, "forbidden")) << reply.dump();
    expect_violation("not the focus");
    const auto event = jigasi_event("dial");
    EXPECT_EQ(event["affiliation"], "none");
    EXPECT_EQ(event["reply"], "error:forbidden");
}

TEST_F(JigasiPeerTest, ErrorAndSilentModes) {
    ASSERT_TRUE(jigasi_->request(R"({"cmd":"set_mode","mode":"error:internal-server-error"})", "done", kEventTimeout));
    const auto failed = send_to_jigasi(dial("+1555"));
    EXPECT_TRUE(has_error(failed, "internal-server-error")) << failed.dump();
    EXPECT_EQ(jigasi_event("dial")["reply"], "error:internal-server-error");

    ASSERT_TRUE(jigasi_->request(R"({"cmd":"set_mode","mode":"silent"})", "done", kEventTimeout));
    const auto silent = send_to_jigasi(dial("+1555"), nullptr, 1);
    EXPECT_TRUE(PeerProcess::is_event(silent.dump(), "iq_timeout")) << silent.dump();
    EXPECT_EQ(jigasi_event("dial")["reply"], "ignored");
    expect_no_violation();
}

TEST_F(JigasiPeerTest, DialsTheJigasiSaidItCannotServeAreViolations) {
    ASSERT_TRUE(
        jigasi_->request(R"({"cmd":"set_stats","stats":{"supports_transcription":false}})", "stats", kEventTimeout));
    const auto transcriber = send_to_jigasi(dial("jitsi_meet_transcribe"));
    EXPECT_TRUE(has_error(transcriber, "not-acceptable")) << transcriber.dump();
    expect_violation("supports_transcription is False");

    ASSERT_TRUE(jigasi_->request(R"({"cmd":"set_stats","stats":{"graceful_shutdown":true}})", "stats", kEventTimeout));
    const auto shutting_down = send_to_jigasi(dial("+1555"));
    EXPECT_TRUE(has_error(shutting_down, "service-unavailable")) << shutting_down.dump();
    expect_violation("graceful shutdown");
}

TEST_F(JigasiPeerTest, ATranscriberDialJoinsTheRoomWithTheTranscriberFeatures) {
    auto observer = room_observer();
    ASSERT_TRUE(observer);
    const auto reply = send_to_jigasi(dial("jitsi_meet_transcribe"), nullptr, 10);
    ASSERT_EQ(reply.value("type", ""), "result") << reply.dump() << jigasi_->transcript();
    EXPECT_TRUE(xml_has_element(reply["xml"], "ref", {"uri=\"xmpp:" + room_ + "/transcriber\""})) << reply.dump();
    const auto joined = jigasi_event("call_joined");
    EXPECT_EQ(joined["room"], room_);
    EXPECT_EQ(joined["kind"], "transcriber");
    EXPECT_FALSE(joined["dial_id"].is_null());
    EXPECT_EQ(jigasi_event("dial")["kind"], "transcriber");

    const auto presence = occupant_presence(*observer, room_ + "/transcriber");
    EXPECT_TRUE(xml_has_element(presence, "feature", {"var=\"http://jitsi.org/protocol/jigasi\""})) << presence;
    EXPECT_TRUE(xml_has_element(presence, "feature", {"var=\"http://jitsi.org/protocol/transcriber\""})) << presence;

    ASSERT_TRUE(jigasi_->request(R"({"cmd":"leave_room","room":")" + room_ + R"("})", "call_left", kEventTimeout));
    EXPECT_TRUE(observer->wait_for(
        [&](const std::string& l) {
            return PeerProcess::is_event(l, "presence") && PeerProcess::has_field(l, "from", room_ + "/transcriber") &&
                   PeerProcess::has_field(l, "type", "unavailable");
        },
        kEventTimeout))
        << observer->transcript();
    expect_no_violation();
}

TEST_F(JigasiPeerTest, SipCallsJoinAsJigasiWhenAskedAndJoinRoomWorksWithoutADial) {
    auto observer = room_observer();
    ASSERT_TRUE(observer);
    // Anonymous call connections that ask the focus for the conference first, as the real Jigasi does.
    const nlohmann::json responder = {{"cmd", "iq_responder"}, {"element", "conference"}, {"reply", "result"}};
    ASSERT_TRUE(focus_->request(responder.dump(), "done", kEventTimeout));
    const nlohmann::json mode = {{"cmd", "set_mode"},
                                 {"join_on_dial", "all"},
                                 {"call_account", {{"domain", prosody_->domain()}}},
                                 {"conference_iq_to", focus_full_jid_}};
    ASSERT_TRUE(jigasi_->request(mode.dump(), "done", kEventTimeout));
    const auto reply = send_to_jigasi(dial("+15551234567"), nullptr, 10);
    ASSERT_EQ(reply.value("type", ""), "result") << reply.dump() << jigasi_->transcript();
    const auto joined = jigasi_event("call_joined");
    EXPECT_EQ(joined["kind"], "sip");
    EXPECT_NE(joined["jid"].get<std::string>().find("@" + prosody_->domain() + "/"), std::string::npos)
        << joined.dump();
    const auto conference = focus_->wait_for(
        [](const std::string& l) {
            return PeerProcess::is_event(l, "iq_received") && PeerProcess::has_field(l, "element", "conference");
        },
        kEventTimeout);
    ASSERT_TRUE(conference) << focus_->transcript();
    EXPECT_TRUE(xml_has_element(event_json(conference)["xml"], "conference", {"room=\"" + room_ + "\""}))
        << *conference;
    const std::string occupant = room_ + "/" + joined["nick"].get<std::string>();
    EXPECT_TRUE(xml_has_element(reply["xml"], "ref", {"uri=\"xmpp:" + occupant + "\""})) << reply.dump();
    const auto presence = occupant_presence(*observer, occupant);
    EXPECT_TRUE(xml_has_element(presence, "feature", {"var=\"http://jitsi.org/protocol/jigasi\""})) << presence;
    EXPECT_FALSE(xml_has_element(presence, "feature", {"var=\"http://jitsi.org/protocol/transcriber\""})) << presence;

    const std::string room2 = "room2@" + prosody_->muc_domain();
    const nlohmann::json join = {{"cmd", "join_room"}, {"room", room2}, {"nick", "transcriber"}};
    const auto direct = event_json(jigasi_->request(join.dump(), "call_joined", kEventTimeout));
    EXPECT_EQ(direct["room"], room2) << jigasi_->transcript();
    EXPECT_TRUE(direct["dial_id"].is_null());
    const auto dump = event_json(jigasi_->request(R"({"cmd":"dump"})", "state", kEventTimeout));
    EXPECT_EQ(dump["calls"].size(), 2u) << dump.dump();
    expect_no_violation();

    // A crashed Jigasi: its call occupants and its brewery occupant go with their connections.
    ASSERT_TRUE(jigasi_->request(R"({"cmd":"die"})", "died", kEventTimeout)) << jigasi_->transcript();
    auto gone = [](const std::string& who) {
        return [who](const std::string& l) {
            return PeerProcess::is_event(l, "presence") && PeerProcess::has_field(l, "from", who) &&
                   PeerProcess::has_field(l, "type", "unavailable");
        };
    };
    EXPECT_TRUE(observer->wait_for(gone(occupant), std::chrono::seconds(10))) << observer->transcript();
    EXPECT_TRUE(focus_->wait_for(gone(jigasi_jid_), std::chrono::seconds(10))) << focus_->transcript();
}

}  // namespace
}  // namespace jicofo::testing
