// The participant emulator (tests/peers/participant_peer.py) against a real Prosody, with a plain peer in the room
// as nick "focus" sending raw Jingle: offers are acked and answered, malformed ones and impostors refused.
#include <string>

#include "support/harness_test_util.hpp"

namespace jicofo::testing {
namespace {

// A session-initiate as the focus builds it: audio, video and data contents sharing the bridge's transport, a
// BUNDLE group, the bridge's feedback sources and one of bob's, a bridge-session and start-muted.
std::string session_initiate(const std::string& to, const std::string& sid, const std::string& room) {
    const std::string transport =
        "<transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='bu' pwd='bridgepwd'>"
        "<fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' hash='sha-256' setup='actpass'>AA:BB</fingerprint>"
        "<candidate component='1' foundation='1' generation='0' id='c1' ip='127.0.0.1' port='10000' "
        "priority='1' protocol='udp' type='host'/>";
    return "<iq type='set' to='" + to +
           "'><jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' initiator='focus@auth.meet.test/focus' "
           "sid='" +
           sid +
           "'><content creator='initiator' name='audio' senders='both'>"
           "<description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'>"
           "<payload-type id='111' name='opus' clockrate='48000' channels='2'><parameter name='minptime' "
           "value='10'/><rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='transport-cc'/></payload-type>"
           "<payload-type id='126' name='telephone-event' clockrate='8000'/>"
           "<rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='1' "
           "uri='urn:ietf:params:rtp-hdrext:ssrc-audio-level'/>"
           "<source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='123' name='jvb-a0'>"
           "<ssrc-info xmlns='http://jitsi.org/jitmeet' owner='jvb'/>"
           "<parameter name='msid' value='mixedmslabel mixedlabelaudio0'/></source>"
           "<source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='3001' name='bob-a0'>"
           "<ssrc-info xmlns='http://jitsi.org/jitmeet' owner='" +
           room +
           "/bob'/></source>"
           "<rtcp-mux/></description>" +
           transport +
           "</transport></content>"
           "<content creator='initiator' name='video' senders='both'>"
           "<description xmlns='urn:xmpp:jingle:apps:rtp:1' media='video'>"
           "<payload-type id='100' name='VP8' clockrate='90000'/>"
           "<payload-type id='96' name='rtx' clockrate='90000'><parameter name='apt' value='100'/></payload-type>"
           "<payload-type id='101' name='VP9' clockrate='90000'/>"
           "<source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='456' name='jvb-v0'>"
           "<ssrc-info xmlns='http://jitsi.org/jitmeet' owner='jvb'/></source>"
           "<rtcp-mux/></description>" +
           transport +
           "</transport></content>"
           "<content creator='initiator' name='data' senders='both'>"
           "<description xmlns='urn:xmpp:jingle:apps:rtp:1' media='application'/>" +
           transport +
           "<sctpmap xmlns='urn:xmpp:jingle:transports:dtls-sctp:1' number='5000' protocol='webrtc-datachannel' "
           "streams='1024'/></transport></content>"
           "<group xmlns='urn:xmpp:jingle:apps:grouping:0' semantics='BUNDLE'><content name='audio'/>"
           "<content name='video'/><content name='data'/></group>"
           "<bridge-session xmlns='http://jitsi.org/protocol/focus' id='bs-1' region='eu-west'/>"
           "<startmuted xmlns='http://jitsi.org/jitmeet/start-muted' audio='true' video='false'/>"
           "</jingle></iq>";
}

class ParticipantPeerTest : public ::testing::Test {
protected:
    void SetUp() override {
        ProsodyOptions options;
        options.users = {{"focus", "auth.meet.test", "focus-secret"}};
        prosody_ = start_prosody(options);
        ASSERT_TRUE(prosody_);
        room_ = "r1@" + prosody_->muc_domain();
        focus_ = start_peer("focus");
        ASSERT_TRUE(focus_);
        focus_jid_ =
            connect_peer(*focus_, *prosody_, connect_command(*prosody_, prosody_->focus_jid(), "focus-secret"));
        ASSERT_FALSE(focus_jid_.empty());
        const nlohmann::json join = {{"cmd", "join"}, {"room", room_}, {"nick", "focus"}};
        ASSERT_TRUE(focus_->request(join.dump(), "joined", kEventTimeout)) << focus_->transcript();
        // The focus acks whatever Jingle the participants send, unless a test says otherwise.
        ASSERT_TRUE(focus_->request(
            R"({"cmd":"iq_responder","element":"jingle","ns":"urn:xmpp:jingle:1","type":"set","reply":"result"})",
            "done", kEventTimeout));

        participants_ = start_peer("participants", "participant_peer.py");
        ASSERT_TRUE(participants_);
        ASSERT_TRUE(add_participant("alice", "alice1"));
    }

    bool add_participant(const std::string& name, const std::string& nick) {
        nlohmann::json connect = connect_command(*prosody_, prosody_->domain());
        connect["name"] = name;
        const auto connected = participants_->request(connect.dump(), "connected", 10s);
        const nlohmann::json join = {{"cmd", "join"},
                                     {"name", name},
                                     {"room", room_},
                                     {"nick", nick},
                                     {"stats_id", "Stats-" + name},
                                     {"region", "eu-west"},
                                     {"accept_delay_ms", 0}};
        const auto joined = connected && PeerProcess::is_event(*connected, "connected")
                                ? participants_->request(join.dump(), "joined", kEventTimeout)
                                : std::nullopt;
        EXPECT_TRUE(joined && PeerProcess::is_event(*joined, "joined")) << participants_->transcript();
        return joined && PeerProcess::is_event(*joined, "joined");
    }

    // The focus sends a raw IQ and returns its reply event.
    nlohmann::json focus_send(const std::string& iq) {
        const nlohmann::json command = {{"cmd", "send_iq"}, {"xml", iq}};
        EXPECT_TRUE(focus_->send(command.dump()));
        const auto line = focus_->wait_for(
            [](const std::string& l) {
                return PeerProcess::is_event(l, "iq_reply") || PeerProcess::is_event(l, "iq_timeout") ||
                       PeerProcess::is_event(l, "error");
            },
            kEventTimeout);
        EXPECT_TRUE(line) << focus_->transcript() << participants_->transcript();
        return event_json(line);
    }

    nlohmann::json participant_event(const std::string& name) {
        const auto line = participants_->wait_for(name, kEventTimeout);
        EXPECT_TRUE(line) << participants_->transcript() << focus_->transcript();
        return event_json(line);
    }

    // The next Jingle IQ the focus receives with this action.
    nlohmann::json focus_receives(const std::string& action) {
        const auto line = focus_->wait_for(
            [&](const std::string& l) {
                return PeerProcess::is_event(l, "iq_received") && PeerProcess::has_field(l, "element", "jingle") &&
                       l.find("action=\\\"" + action + "\\\"") != std::string::npos;
            },
            kEventTimeout);
        EXPECT_TRUE(line) << action << "\n" << focus_->transcript() << participants_->transcript();
        return event_json(line);
    }

    // Offer, ack, answer: the session every other test starts from.
    void establish_session() {
        const auto ack = focus_send(session_initiate(room_ + "/alice1", "sid-1", room_));
        ASSERT_EQ(ack.value("type", ""), "result") << ack.dump();
        ASSERT_EQ(participant_event("jingle_reply").value("type", ""), "result");
    }

    std::unique_ptr<ProsodyFixture> prosody_;
    std::unique_ptr<PeerProcess> focus_;
    std::unique_ptr<PeerProcess> participants_;
    std::string room_;
    std::string focus_jid_;
};

TEST_F(ParticipantPeerTest, AcksTheOfferAndAnswersWithSessionAccept) {
    const auto ack = focus_send(session_initiate(room_ + "/alice1", "sid-1", room_));
    ASSERT_EQ(ack.value("type", ""), "result") << ack.dump();
    EXPECT_EQ(ack["from"], room_ + "/alice1");

    const auto offer = participant_event("session_initiate");
    EXPECT_EQ(offer["name"], "alice");
    EXPECT_EQ(offer["sid"], "sid-1");
    EXPECT_EQ(offer["contents"], nlohmann::json::array({"audio", "video", "data"}));
    EXPECT_EQ(offer["codecs"]["video"], nlohmann::json::array({"VP8", "rtx", "VP9"}));
    EXPECT_EQ(offer["sources"]["jvb"]["audio"], nlohmann::json::array({123}));
    EXPECT_EQ(offer["sources"]["jvb"]["video"], nlohmann::json::array({456}));
    EXPECT_EQ(offer["sources"]["bob"]["audio"], nlohmann::json::array({3001}));
    EXPECT_EQ(offer["bridge_session"]["id"], "bs-1");
    EXPECT_EQ(offer["bridge_session"]["region"], "eu-west");
    EXPECT_EQ(offer["start_muted"]["audio"], true);
    EXPECT_EQ(offer["sctp"], true);

    const auto accept = focus_receives("session-accept");
    EXPECT_EQ(accept["from"], room_ + "/alice1");
    const std::string xml = accept["xml"];
    EXPECT_TRUE(xml_has_element(xml, "jingle", {"action=\"session-accept\"", "sid=\"sid-1\""})) << xml;
    EXPECT_TRUE(xml_has_element(xml, "source", {"name=\"alice1-a0\""})) << xml;
    EXPECT_TRUE(xml_has_element(xml, "source", {"name=\"alice1-v0\"", "videoType=\"camera\""})) << xml;
    EXPECT_TRUE(xml_has_element(xml, "ssrc-group", {"semantics=\"FID\""})) << xml;
    EXPECT_TRUE(xml_has_element(xml, "fingerprint", {"hash=\"sha-256\"", "setup=\"active\""})) << xml;
    EXPECT_TRUE(xml_has_element(xml, "group", {"semantics=\"BUNDLE\""})) << xml;
    EXPECT_TRUE(xml_has_element(xml, "payload-type", {"id=\"111\"", "name=\"opus\""})) << xml;
    EXPECT_TRUE(xml_has_element(xml, "payload-type", {"id=\"100\"", "name=\"VP8\""})) << xml;
    EXPECT_TRUE(xml_has_element(xml, "payload-type", {"id=\"96\"", "name=\"rtx\""})) << xml;
    EXPECT_TRUE(xml_has_element(xml, "sctpmap", {"number=\"5000\""})) << xml;
    EXPECT_FALSE(xml_has_element(xml, "payload-type", {"name=\"VP9\""})) << "VP8 and its RTX only: " << xml;
    EXPECT_EQ(participant_event("jingle_reply")["type"], "result");

    // After the accept, lib-jitsi-meet publishes its sources' mute state in presence.
    EXPECT_TRUE(focus_->wait_for(
        [&](const std::string& l) {
            return PeerProcess::is_event(l, "presence") && PeerProcess::has_field(l, "from", room_ + "/alice1") &&
                   l.find("alice1-v0") != std::string::npos;
        },
        kEventTimeout))
        << focus_->transcript();

    const auto state = event_json(participants_->request(R"({"cmd":"dump","name":"alice"})", "dump", kEventTimeout));
    EXPECT_EQ(state["session"]["state"], "active") << state.dump();
    EXPECT_EQ(state["remote_sources"]["bob"]["audio"], nlohmann::json::array({3001}));
    for (const auto& line : participants_->take_all()) {
        EXPECT_FALSE(PeerProcess::is_event(line, "protocol_violation")) << line;
    }
}

TEST_F(ParticipantPeerTest, RefusesMalformedOffers) {
    const std::string good = session_initiate(room_ + "/alice1", "sid-x", room_);
    auto without = [&](const std::string& part) {
        std::string text = good;
        for (auto at = text.find(part); at != std::string::npos; at = text.find(part)) {
            text.erase(at, part.size());
        }
        return text;
    };
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"no BUNDLE group", without("<group xmlns='urn:xmpp:jingle:apps:grouping:0' semantics='BUNDLE'>"
                                    "<content name='audio'/><content name='video'/><content name='data'/></group>")},
        {"no fingerprint",
         without(
             "<fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' hash='sha-256' setup='actpass'>AA:BB</fingerprint>")},
        {"no sid", without("sid='sid-x'")},
        {"payload-type without id", without("id='111' ")},
        {"source without owner", without("<ssrc-info xmlns='http://jitsi.org/jitmeet' owner='jvb'/>")},
    };
    for (const auto& [what, iq] : cases) {
        const auto reply = focus_send(iq);
        EXPECT_EQ(reply.value("type", ""), "error") << what << ": " << reply.dump();
        EXPECT_NE(reply.value("xml", "").find("<bad-request"), std::string::npos) << what << ": " << reply.dump();
        const auto violation = participant_event("protocol_violation");
        EXPECT_EQ(violation["name"], "alice") << what;
    }
    // Nothing was accepted: a correct offer still starts the first session.
    EXPECT_EQ(focus_send(good).value("type", ""), "result");
    EXPECT_EQ(participant_event("session_initiate")["sid"], "sid-x");
}

TEST_F(ParticipantPeerTest, RefusesJingleFromAnyoneButTheFocus) {
    auto mallory = start_peer("mallory");
    ASSERT_TRUE(mallory);
    ASSERT_FALSE(connect_peer(*mallory, *prosody_, connect_command(*prosody_, prosody_->domain())).empty());
    const nlohmann::json join = {{"cmd", "join"}, {"room", room_}, {"nick", "mallory"}};
    ASSERT_TRUE(mallory->request(join.dump(), "joined", kEventTimeout));
    const nlohmann::json command = {{"cmd", "send_iq"}, {"xml", session_initiate(room_ + "/alice1", "evil", room_)}};
    const auto reply = event_json(mallory->request(command.dump(), "iq_reply", kEventTimeout));
    EXPECT_EQ(reply.value("type", ""), "error") << mallory->transcript();
    EXPECT_NE(reply.value("xml", "").find("<bad-request"), std::string::npos) << reply.dump();
    EXPECT_NE(participant_event("protocol_violation")["reason"].get<std::string>().find("not from the focus"),
              std::string::npos);
}

TEST_F(ParticipantPeerTest, TracksSourceAddAndRemoveInBothForms) {
    establish_session();
    const std::string inline_add =
        "<iq type='set' to='" + room_ +
        "/alice1'><jingle xmlns='urn:xmpp:jingle:1' action='source-add' sid='sid-1'><content name='video'>"
        "<description xmlns='urn:xmpp:jingle:apps:rtp:1' media='video'>"
        "<source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='4001' name='carol-v0'><ssrc-info "
        "xmlns='http://jitsi.org/jitmeet' owner='" +
        room_ +
        "/carol'/></source><source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='4002' name='carol-v0'><ssrc-info "
        "xmlns='http://jitsi.org/jitmeet' owner='" +
        room_ +
        "/carol'/></source><ssrc-group xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' semantics='FID'>"
        "<source ssrc='4001'/><source ssrc='4002'/></ssrc-group></description></content></jingle></iq>";
    EXPECT_EQ(focus_send(inline_add).value("type", ""), "result");
    const auto added = participant_event("source_add");
    EXPECT_EQ(added["sources"]["carol"]["video"], nlohmann::json::array({4001, 4002})) << added.dump();
    EXPECT_EQ(added["sources"]["carol"]["groups"], nlohmann::json::parse(R"([["FID",4001,4002]])"));

    const std::string json_add = "<iq type='set' to='" + room_ +
                                 "/alice1'><jingle xmlns='urn:xmpp:jingle:1' action='source-add' sid='sid-1'>"
                                 "<json-message xmlns='http://jitsi.org/jitmeet'>"
                                 R"({"sources":{"dave":[[{"s":5001,"n":"dave-v0","v":"d"}],[],[{"s":5002}]]}})"
                                 "</json-message></jingle></iq>";
    EXPECT_EQ(focus_send(json_add).value("type", ""), "result");
    const auto json_added = participant_event("source_add");
    EXPECT_EQ(json_added["source_form"], "json");
    EXPECT_EQ(json_added["sources"]["dave"]["audio"], nlohmann::json::array({5002})) << json_added.dump();

    std::string inline_remove = inline_add;
    inline_remove.replace(inline_remove.find("source-add"), 10, "source-remove");
    EXPECT_EQ(focus_send(inline_remove).value("type", ""), "result");
    participant_event("source_remove");
    const auto state = event_json(participants_->request(R"({"cmd":"dump"})", "dump", kEventTimeout));
    EXPECT_FALSE(state["remote_sources"].contains("carol")) << state.dump();
    EXPECT_EQ(state["remote_sources"]["dave"]["video"], nlohmann::json::array({5001}));

    // Removing it again is a protocol error of the focus (acked, as lib-jitsi-meet does, but reported).
    EXPECT_EQ(focus_send(inline_remove).value("type", ""), "result");
    EXPECT_TRUE(participants_->wait_for("protocol_violation", kEventTimeout));

    // An unknown sid is refused.
    std::string wrong_sid = json_add;
    wrong_sid.replace(wrong_sid.find("sid-1"), 5, "sid-9");
    const auto refused = focus_send(wrong_sid);
    EXPECT_NE(refused.value("xml", "").find("<item-not-found"), std::string::npos) << refused.dump();
}

TEST_F(ParticipantPeerTest, SendsSourceChangesTerminateAndSessionInfoOnCommand) {
    establish_session();
    // Hostile sources are sent as given; the focus's answer is reported.
    ASSERT_TRUE(focus_->request(
        R"({"cmd":"iq_responder","element":"jingle","ns":"urn:xmpp:jingle:1","type":"set","reply":"error:bad-request"})",
        "done", kEventTimeout));
    const auto refused = event_json(
        participants_->request(R"({"cmd":"source_add","sources":[{"ssrc":0,"media":"audio","name":"alice1-a1"}]})",
                               "jingle_reply", kEventTimeout));
    EXPECT_EQ(refused["type"], "error") << refused.dump();
    EXPECT_EQ(refused["condition"], "bad-request");
    const auto sent = focus_receives("source-add");
    EXPECT_NE(sent["xml"].get<std::string>().find("ssrc=\"0\""), std::string::npos) << sent.dump();

    ASSERT_TRUE(focus_->request(
        R"({"cmd":"iq_responder","element":"jingle","ns":"urn:xmpp:jingle:1","type":"set","reply":"result"})", "done",
        kEventTimeout));
    const auto info = event_json(participants_->request(R"({"cmd":"session_info"})", "jingle_reply", kEventTimeout));
    EXPECT_EQ(info["type"], "result") << info.dump();
    const auto ice_failed = focus_receives("session-info");
    EXPECT_NE(ice_failed["xml"].get<std::string>().find(">failed</ice-state>"), std::string::npos) << ice_failed.dump();

    const auto terminated =
        event_json(participants_->request(R"({"cmd":"session_terminate"})", "jingle_reply", kEventTimeout));
    EXPECT_EQ(terminated["type"], "result");
    const auto terminate = focus_receives("session-terminate");
    const std::string xml = terminate["xml"];
    EXPECT_TRUE(xml_has_element(xml, "bridge-session",
                                {"xmlns=\"http://jitsi.org/protocol/focus\"", "id=\"bs-1\"", "restart=\"true\""}))
        << xml;
    EXPECT_NE(xml.find("<connectivity-error"), std::string::npos) << xml;
}

TEST_F(ParticipantPeerTest, AnswersTransportReplaceWithTransportAccept) {
    establish_session();
    std::string replace = session_initiate(room_ + "/alice1", "sid-1", room_);
    replace.replace(replace.find("session-initiate"), 16, "transport-replace");
    replace.replace(replace.find("id='bs-1'"), 9, "id='bs-2'");
    EXPECT_EQ(focus_send(replace).value("type", ""), "result");
    const auto replaced = participant_event("transport_replace");
    EXPECT_EQ(replaced["bridge_session"]["id"], "bs-2") << replaced.dump();
    EXPECT_EQ(replaced["sources"]["jvb"]["audio"], nlohmann::json::array({123}));
    const auto accept = focus_receives("transport-accept");
    EXPECT_TRUE(xml_has_element(accept["xml"], "jingle", {"action=\"transport-accept\"", "sid=\"sid-1\""}))
        << accept.dump();
    EXPECT_EQ(participant_event("jingle_reply")["action"], "transport-accept");
    for (const auto& line : participants_->take_all()) {
        EXPECT_FALSE(PeerProcess::is_event(line, "protocol_violation")) << line;
    }
}

TEST_F(ParticipantPeerTest, OneProcessHostsSeveralParticipants) {
    ASSERT_TRUE(add_participant("bob", "bob1"));
    EXPECT_EQ(focus_send(session_initiate(room_ + "/bob1", "sid-b", room_)).value("type", ""), "result");
    const auto offer = participant_event("session_initiate");
    EXPECT_EQ(offer["name"], "bob");
    const auto state = event_json(participants_->request(R"({"cmd":"dump","name":"alice"})", "dump", kEventTimeout));
    EXPECT_TRUE(state["session"].is_null()) << state.dump();
    EXPECT_EQ(state["occupants"].size(), 3u) << state.dump();

    // bob leaves: alice forgets his sources, as lib-jitsi-meet does on the MUC leave.
    ASSERT_TRUE(participants_->request(R"({"cmd":"leave","name":"bob"})", "left", kEventTimeout));
    const auto left = participant_event("participant_left");
    EXPECT_EQ(left["name"], "alice");
    EXPECT_EQ(left["nick"], "bob1");
}

TEST_F(ParticipantPeerTest, ReportsTheFocussJibriStatusesWhenTheyChangeAndRefusesMalformedOnes) {
    auto focus_presence = [&](const std::string& extensions) {
        const nlohmann::json command = {{"cmd", "send_raw"},
                                        {"xml", "<presence to='" + room_ + "/focus'>" + extensions + "</presence>"}};
        ASSERT_TRUE(focus_->request(command.dump(), "done", kEventTimeout));
    };
    const std::string recording = "<jibri-recording-status xmlns='http://jitsi.org/protocol/jibri' ";
    focus_presence(recording + "status='pending' session_id='s1' recording_mode='file'/>");
    const auto pending = participant_event("recording_status");
    EXPECT_EQ(pending["name"], "alice");
    EXPECT_EQ(pending["status"], "pending");
    EXPECT_EQ(pending["session_id"], "s1");
    EXPECT_EQ(pending["recording_mode"], "file");
    // The same status again (the focus re-sends its presence for other reasons) is no news.
    focus_presence(recording + "status='pending' session_id='s1' recording_mode='file'/>");
    focus_presence(recording + "status='on' session_id='s1' recording_mode='file' initiator='" + room_ + "/alice1'/>");
    const auto on = participant_event("recording_status");
    EXPECT_EQ(on["status"], "on") << on.dump();
    EXPECT_EQ(on["initiator"], room_ + "/alice1");
    const auto state = event_json(participants_->request(R"({"cmd":"dump"})", "dump", kEventTimeout));
    EXPECT_EQ(state["focus_presence"]["recording_status"]["status"], "on") << state.dump();

    focus_presence(
        "<jibri-sip-call-state xmlns='http://jitsi.org/protocol/jibri/call_state' state='off' "
        "failure_reason='error' session_id='s2' sipaddress='sip:a@sip.meet.test'/>");
    const auto sip = participant_event("sip_call_state");
    EXPECT_EQ(sip["state"], "off");
    EXPECT_EQ(sip["failure_reason"], "error");
    EXPECT_EQ(sip["sipaddress"], "sip:a@sip.meet.test");

    for (const auto* malformed :
         {"status='recording' session_id='s3'", "status='on'", "status='off' session_id='s3' failure_reason='oops'",
          "status='on' session_id='s3' mode='file'"}) {
        focus_presence(recording + malformed + "/>");
        const auto violation = participant_event("protocol_violation");
        EXPECT_NE(violation.value("reason", "").find("jibri-recording-status"), std::string::npos)
            << malformed << ": " << violation.dump();
    }
    for (const auto& line : participants_->take_all()) {
        EXPECT_FALSE(PeerProcess::is_event(line, "recording_status")) << line;
    }
}

TEST_F(ParticipantPeerTest, SendsTheConferenceRequest) {
    ASSERT_TRUE(focus_->request(
        R"({"cmd":"iq_responder","element":"conference","ns":"http://jitsi.org/protocol/focus","type":"set",)"
        R"("reply":"result","payload":"<conference xmlns='http://jitsi.org/protocol/focus' room='r1@conference.meet.test' ready='true' focusjid='focus@auth.meet.test'><property name='authentication' value='false'/></conference>"})",
        "done", kEventTimeout));
    const nlohmann::json request = {{"cmd", "conference"},
                                    {"name", "alice"},
                                    {"room", room_},
                                    {"to", focus_jid_},
                                    {"properties", {{"rtcstatsEnabled", "false"}}}};
    const auto reply = event_json(participants_->request(request.dump(), "conference_reply", kEventTimeout));
    EXPECT_EQ(reply["type"], "result") << reply.dump();
    EXPECT_EQ(reply["ready"], "true");
    EXPECT_EQ(reply["focusjid"], "focus@auth.meet.test");
    EXPECT_EQ(reply["properties"]["authentication"], "false");
    const auto received = focus_->wait_for("iq_received", kEventTimeout);
    ASSERT_TRUE(received);
    EXPECT_NE(received->find("rtcstatsEnabled"), std::string::npos) << *received;
}

TEST_F(ParticipantPeerTest, ReportsAVisitorRedirect) {
    ASSERT_TRUE(focus_->request(
        R"({"cmd":"iq_responder","element":"conference","ns":"http://jitsi.org/protocol/focus","type":"set",)"
        R"("reply":"result","payload":"<conference xmlns='http://jitsi.org/protocol/focus' room='r1@conference.meet.test' ready='true' focusjid='focus@auth.v1.meet.test' vnode='v1'/>"})",
        "done", kEventTimeout));
    const nlohmann::json request = {{"cmd", "conference"},
                                    {"name", "alice"},
                                    {"room", room_},
                                    {"to", focus_jid_},
                                    {"properties", {{"visitors-version", "1"}, {"visitor", "true"}}}};
    const auto reply = event_json(participants_->request(request.dump(), "conference_reply", kEventTimeout));
    EXPECT_EQ(reply["type"], "result") << reply.dump();
    EXPECT_EQ(reply["vnode"], "v1");
    EXPECT_EQ(reply["focusjid"], "focus@auth.v1.meet.test");
    const auto received = focus_->wait_for("iq_received", kEventTimeout);
    ASSERT_TRUE(received);
    EXPECT_TRUE(xml_has_element(event_json(received)["xml"].get<std::string>(), "property",
                                {"name=\"visitors-version\"", "value=\"1\""}))
        << *received;
    EXPECT_TRUE(xml_has_element(event_json(received)["xml"].get<std::string>(), "property",
                                {"name=\"visitor\"", "value=\"true\""}))
        << *received;
}

TEST_F(ParticipantPeerTest, AReceiveOnlyParticipantAnswersWithoutSources) {
    ASSERT_TRUE(
        participants_->request(R"({"cmd":"configure","name":"alice","receive_only":true})", "done", kEventTimeout));
    establish_session();
    const auto offer = participant_event("session_initiate");
    EXPECT_EQ(offer["sources"]["bob"]["audio"], nlohmann::json::array({3001})) << offer.dump();
    const auto accept = focus_receives("session-accept");
    const std::string xml = accept["xml"];
    EXPECT_TRUE(xml_has_element(xml, "jingle", {"action=\"session-accept\"", "sid=\"sid-1\""})) << xml;
    EXPECT_FALSE(xml_has_element(xml, "source", {})) << xml;
    EXPECT_FALSE(xml_has_element(xml, "ssrc-group", {})) << xml;
    const auto state = event_json(participants_->request(R"({"cmd":"dump","name":"alice"})", "dump", kEventTimeout));
    EXPECT_EQ(state["session"]["state"], "active") << state.dump();
    EXPECT_TRUE(state["local_sources"].empty()) << state.dump();
    EXPECT_EQ(state["remote_sources"]["bob"]["audio"], nlohmann::json::array({3001}));

    // A source-add is still sent when the test asks (a visitor trying to publish), and the refusal is reported.
    ASSERT_TRUE(focus_->request(
        R"({"cmd":"iq_responder","element":"jingle","ns":"urn:xmpp:jingle:1","type":"set","reply":"error:forbidden"})",
        "done", kEventTimeout));
    const auto refused = event_json(
        participants_->request(R"({"cmd":"source_add","sources":[{"ssrc":7001,"media":"audio","name":"alice1-a0"}]})",
                               "jingle_reply", kEventTimeout));
    EXPECT_EQ(refused["type"], "error") << refused.dump();
    EXPECT_EQ(refused["condition"], "forbidden");
    const auto after = event_json(participants_->request(R"({"cmd":"dump","name":"alice"})", "dump", kEventTimeout));
    EXPECT_TRUE(after["local_sources"].empty()) << after.dump();
}

}  // namespace
TEST_F(ParticipantPeerTest, RecordsTheClientRequirementsIqAndRefusesMalformedOnes) {
    const std::string to = room_ + "/alice1";
    const auto iq = [&](const std::string& payload) {
        return "<iq type='set' to='" + to + "' id='cr'>" + payload + "</iq>";
    };
    const auto good = focus_send(
        iq("<client-requirements xmlns='jitsi:client-requirements' action='reject'>"
           "<missing-feature var='urn:x:f' name='F' level='hard' details='Update' url='https://example.com'/>"
           "<missing-feature var='urn:x:g' level='soft'/></client-requirements>"));
    EXPECT_EQ(good.value("type", ""), "result") << good.dump();
    const auto told = participant_event("client_requirements");
    EXPECT_EQ(told["action"], "reject");
    ASSERT_EQ(told["missing"].size(), 2U) << told.dump();
    EXPECT_EQ(told["missing"][0]["var"], "urn:x:f");
    EXPECT_EQ(told["missing"][0]["name"], "F");
    EXPECT_EQ(told["missing"][0]["level"], "hard");
    EXPECT_EQ(told["missing"][0]["details"], "Update");
    EXPECT_EQ(told["missing"][0]["url"], "https://example.com");
    EXPECT_TRUE(told["missing"][1]["name"].is_null());

    for (const auto* payload : {
             "<client-requirements xmlns='jitsi:client-requirements' action='maybe'/>",
             "<client-requirements xmlns='jitsi:client-requirements' action='warn'>"
             "<missing-feature level='soft'/></client-requirements>",
             "<client-requirements xmlns='jitsi:client-requirements' action='warn'>"
             "<missing-feature var='f' level='medium'/></client-requirements>",
         }) {
        const auto reply = focus_send(iq(payload));
        EXPECT_EQ(reply.value("type", ""), "error") << payload << ": " << reply.dump();
        EXPECT_NE(reply.value("xml", "").find("<bad-request"), std::string::npos) << reply.dump();
        EXPECT_EQ(participant_event("protocol_violation")["name"], "alice") << payload;
    }
}

}  // namespace jicofo::testing
