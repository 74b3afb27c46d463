// The bridge emulator (tests/peers/jvb_peer.py) against a real Prosody, driven by a plain peer acting as the focus
// with raw colibri2 IQs: brewery stats, allocation, the errors a real bridge gives, strictness, health, crashes.
#include <string>
#include <vector>

#include "support/harness_test_util.hpp"

namespace jicofo::testing {
namespace {

constexpr const char* kAllocate =
    R"(<conference-modify xmlns='jitsi:colibri2' meeting-id='m-1' name='r1@conference.meet.test' create='true'>
  <endpoint id='ep1' create='true' stats-id='Alice-1'>
    <media type='audio'><payload-type xmlns='urn:xmpp:jingle:apps:rtp:1' id='111' name='opus' clockrate='48000' channels='2'/>
      <rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='1' uri='urn:ietf:params:rtp-hdrext:ssrc-audio-level'/></media>
    <media type='video'><payload-type xmlns='urn:xmpp:jingle:apps:rtp:1' id='100' name='VP8' clockrate='90000'/></media>
    <transport ice-controlling='true'><sctp/></transport>
    <sources/>
    <capability name='source-names'/>
    <force-mute audio='true' video='false'/>
  </endpoint></conference-modify>)";

constexpr const char* kUpdate = R"(<conference-modify xmlns='jitsi:colibri2' meeting-id='m-1'>
  <endpoint id='ep1' stats-id='Alice-1'>
    <transport><transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='cu' pwd='cpwd'>
      <fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' hash='sha-256' setup='active'>AB:CD</fingerprint></transport></transport>
    <sources>
      <media-source type='audio' id='ep1-a0'><source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='1001' name='ep1-a0'/></media-source>
      <media-source type='video' id='ep1-v0'>
        <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='2001' name='ep1-v0' videoType='camera'/>
        <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='2002' name='ep1-v0' videoType='camera'/>
        <ssrc-group xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' semantics='FID'><source ssrc='2001'/><source ssrc='2002'/></ssrc-group>
      </media-source>
    </sources>
  </endpoint></conference-modify>)";

class BridgePeerTest : public ::testing::Test {
protected:
    void SetUp() override {
        ProsodyOptions options;
        options.users = {{"jvb", "auth.meet.test", "jvb-secret"}, {"focus", "auth.meet.test", "focus-secret"}};
        prosody_ = start_prosody(options);
        ASSERT_TRUE(prosody_);
        brewery_ = "jvbbrewery@" + prosody_->internal_muc_domain();
        bridge_jid_ = brewery_ + "/jvb1";

        jvb_ = start_peer("jvb1", "jvb_peer.py");
        focus_ = start_peer("focus");
        ASSERT_TRUE(jvb_ && focus_);
        ASSERT_FALSE(
            connect_peer(*jvb_, *prosody_, connect_command(*prosody_, "jvb@auth.meet.test", "jvb-secret")).empty());
        ASSERT_FALSE(connect_peer(*focus_, *prosody_, connect_command(*prosody_, prosody_->focus_jid(), "focus-secret"))
                         .empty());
        // Jicofo sits in the brewery too: the MUC only routes IQs to occupants from occupants.
        const nlohmann::json focus_join = {{"cmd", "join"}, {"room", brewery_}, {"nick", "focus"}};
        ASSERT_TRUE(focus_->request(focus_join.dump(), "joined", kEventTimeout)) << focus_->transcript();
        const nlohmann::json join = {
            {"cmd", "join_brewery"},
            {"room", brewery_},
            {"nick", "jvb1"},
            {"stats",
             {{"stress_level", 0.25}, {"region", "eu-west"}, {"relay_id", "jvb1-relay"}, {"version", "2.3.9"}}}};
        const auto joined = jvb_->request(join.dump(), "joined", kEventTimeout);
        ASSERT_TRUE(joined && PeerProcess::is_event(*joined, "joined")) << jvb_->transcript();
    }

    // Sends one raw IQ from the focus to the bridge and returns the focus's iq_reply (or iq_timeout) event.
    nlohmann::json focus_iq(const std::string& payload, const std::string& type = "get", int timeout_s = 5) {
        const nlohmann::json command = {
            {"cmd", "send_iq"},
            {"xml", "<iq type='" + type + "' to='" + bridge_jid_ + "'>" + payload + "</iq>"},
            {"timeout", timeout_s}};
        EXPECT_TRUE(focus_->send(command.dump()));
        const auto line = focus_->wait_for(
            [](const std::string& l) {
                return PeerProcess::is_event(l, "iq_reply") || PeerProcess::is_event(l, "iq_timeout") ||
                       PeerProcess::is_event(l, "error");
            },
            std::chrono::seconds(timeout_s + 5));
        EXPECT_TRUE(line) << focus_->transcript() << jvb_->transcript();
        return event_json(line);
    }

    nlohmann::json bridge_event(const std::string& name) {
        const auto line = jvb_->wait_for(name, kEventTimeout);
        EXPECT_TRUE(line) << jvb_->transcript();
        return event_json(line);
    }

    nlohmann::json dump() {
        const auto line = jvb_->request(R"({"cmd":"dump"})", "state", kEventTimeout);
        EXPECT_TRUE(line) << jvb_->transcript();
        return event_json(line);
    }

    static bool contains(const nlohmann::json& event, const std::string& needle) {
        return event.contains("xml") && event["xml"].get<std::string>().find(needle) != std::string::npos;
    }

    // The colibri2 reason inside the stanza error, as <error xmlns='jitsi:colibri2' reason='...'/>.
    static bool has_reason(const nlohmann::json& event, const std::string& reason) {
        return event.contains("xml") &&
               xml_has_element(event["xml"], "error", {"xmlns=\"jitsi:colibri2\"", "reason=\"" + reason + "\""});
    }

    void expect_no_violation() {
        for (const auto& line : jvb_->take_all()) {
            EXPECT_FALSE(PeerProcess::is_event(line, "protocol_violation")) << line;
        }
    }

    std::unique_ptr<ProsodyFixture> prosody_;
    std::unique_ptr<PeerProcess> jvb_;
    std::unique_ptr<PeerProcess> focus_;
    std::string brewery_;
    std::string bridge_jid_;
};

TEST_F(BridgePeerTest, PublishesColibriStatsInTheBreweryAndUpdatesThem) {
    auto stats_presence = [&](std::initializer_list<std::string> stat) {
        return [&, stat](const std::string& l) {
            return PeerProcess::is_event(l, "presence") && PeerProcess::has_field(l, "from", bridge_jid_) &&
                   xml_has_element(event_json(l)["xml"], "stat", stat);
        };
    };
    const auto first = focus_->wait_for(stats_presence({"name=\"stress_level\"", "value=\"0.25\""}), kEventTimeout);
    ASSERT_TRUE(first) << focus_->transcript();
    const std::string xml = event_json(first)["xml"];
    EXPECT_TRUE(xml_has_element(xml, "stats", {"xmlns=\"http://jitsi.org/protocol/colibri\""})) << xml;
    EXPECT_TRUE(xml_has_element(xml, "stat", {"name=\"region\"", "value=\"eu-west\""})) << xml;
    EXPECT_TRUE(xml_has_element(xml, "stat", {"name=\"relay_id\"", "value=\"jvb1-relay\""})) << xml;
    EXPECT_TRUE(xml_has_element(xml, "stat", {"name=\"version\"", "value=\"2.3.9\""})) << xml;
    EXPECT_TRUE(xml_has_element(xml, "stat", {"name=\"drain\"", "value=\"false\""})) << xml;
    EXPECT_TRUE(xml_has_element(xml, "stat", {"name=\"healthy\"", "value=\"true\""})) << xml;

    ASSERT_TRUE(
        jvb_->request(R"({"cmd":"set_stats","stats":{"drain":true,"stress_level":0.9}})", "stats", kEventTimeout));
    const auto drained = focus_->wait_for(stats_presence({"name=\"drain\"", "value=\"true\""}), kEventTimeout);
    ASSERT_TRUE(drained) << focus_->transcript();
    EXPECT_TRUE(xml_has_element(event_json(drained)["xml"], "stat", {"name=\"stress_level\"", "value=\"0.9\""}))
        << *drained;
}

TEST_F(BridgePeerTest, AllocateCreatesTheConferenceWithTransportAndFeedbackSources) {
    ASSERT_TRUE(jvb_->request(R"({"cmd":"set_colibri","websocket_url":"wss://jvb1.meet.test/colibri-ws/jvb1"})", "done",
                              kEventTimeout));
    const auto reply = focus_iq(kAllocate);
    ASSERT_EQ(reply.value("type", ""), "result") << reply.dump();
    const std::string xml = reply["xml"];
    EXPECT_TRUE(xml_has_element(xml, "conference-modified", {"xmlns=\"jitsi:colibri2\""})) << xml;
    EXPECT_TRUE(xml_has_element(xml, "transport", {"xmlns=\"urn:xmpp:jingle:transports:ice-udp:1\""})) << xml;
    EXPECT_TRUE(xml_has_element(xml, "fingerprint", {"hash=\"sha-256\"", "setup=\"actpass\""})) << xml;
    EXPECT_TRUE(xml_has_element(xml, "candidate", {"ip=\"127.0.0.1\"", "type=\"host\"", "protocol=\"udp\""})) << xml;
    EXPECT_TRUE(xml_has_element(xml, "sctp", {"port=\"5000\"", "role=\"server\""})) << xml;
    EXPECT_TRUE(xml_has_element(xml, "media-source", {"type=\"audio\"", "id=\"jvb-a0\""})) << xml;
    EXPECT_TRUE(xml_has_element(xml, "media-source", {"type=\"video\"", "id=\"jvb-v0\""})) << xml;
    EXPECT_TRUE(xml_has_element(xml, "web-socket", {"url=\"wss://jvb1.meet.test/colibri-ws/jvb1/m-1/ep1\""})) << xml;

    const auto event = bridge_event("colibri");
    EXPECT_EQ(event["actions"], nlohmann::json::array({"create_conference", "allocate"})) << event.dump();
    EXPECT_EQ(event["meeting_id"], "m-1");
    EXPECT_EQ(event["from"], brewery_ + "/focus");
    ASSERT_EQ(event["endpoints"].size(), 1u);
    const auto& endpoint = event["endpoints"][0];
    EXPECT_EQ(endpoint["id"], "ep1");
    EXPECT_EQ(endpoint["stats_id"], "Alice-1");
    EXPECT_EQ(endpoint["ice_controlling"], true);
    EXPECT_EQ(endpoint["sctp"], true);
    EXPECT_EQ(endpoint["force_mute"], (nlohmann::json{{"audio", true}, {"video", false}}));
    EXPECT_EQ(endpoint["media"]["audio"], nlohmann::json::array({"opus"}));
    EXPECT_EQ(event["reply"], "result");

    // The update carries the participant's transport and sources; the bridge keeps them.
    const auto updated = focus_iq(kUpdate);
    ASSERT_EQ(updated.value("type", ""), "result") << updated.dump();
    EXPECT_FALSE(contains(updated, "jvb-a0")) << "feedback sources only come with a create: " << updated.dump();
    const auto update_event = bridge_event("colibri");
    EXPECT_EQ(update_event["actions"], nlohmann::json::array({"update"}));
    EXPECT_EQ(update_event["endpoints"][0]["sources"]["video"], nlohmann::json::array({2001, 2002}));
    EXPECT_EQ(update_event["endpoints"][0]["sources"]["groups"], nlohmann::json::parse(R"([["FID",2001,2002]])"));
    EXPECT_EQ(update_event["endpoints"][0]["ice_udp"]["ufrag"], "cu");

    const auto state = dump();
    const auto& ep = state["conferences"]["m-1"]["endpoints"]["ep1"];
    EXPECT_EQ(ep["sources"]["ep1-a0"]["ssrcs"], nlohmann::json::array({1001})) << state.dump();
    EXPECT_EQ(ep["sources"]["ep1-v0"]["groups"], nlohmann::json::parse(R"([["FID",2001,2002]])"));

    // Expiring the last endpoint expires the conference, as the bridge does.
    const auto expired = focus_iq(
        "<conference-modify xmlns='jitsi:colibri2' meeting-id='m-1'>"
        "<endpoint id='ep1' expire='true'/></conference-modify>");
    ASSERT_EQ(expired.value("type", ""), "result") << expired.dump();
    const auto expire_event = bridge_event("colibri");
    EXPECT_EQ(expire_event["actions"], nlohmann::json::array({"expire_endpoint"}));
    EXPECT_EQ(expire_event["conference_expired"], true);
    EXPECT_TRUE(dump()["conferences"].empty());
    expect_no_violation();
}

TEST_F(BridgePeerTest, RepeatedCreatesAreConflicts) {
    ASSERT_EQ(focus_iq(kAllocate).value("type", ""), "result");
    bridge_event("colibri");

    // The same request again: the conference exists.
    const auto again = focus_iq(kAllocate);
    EXPECT_EQ(again.value("type", ""), "error");
    EXPECT_TRUE(contains(again, "<conflict")) << again.dump();
    EXPECT_TRUE(has_reason(again, "CONFERENCE_ALREADY_EXISTS")) << again.dump();

    // A second create of the same endpoint in the existing conference.
    const auto duplicate = focus_iq(
        "<conference-modify xmlns='jitsi:colibri2' meeting-id='m-1'><endpoint id='ep1' create='true'>"
        "<transport ice-controlling='true'/><capability name='source-names'/></endpoint></conference-modify>");
    EXPECT_EQ(duplicate.value("type", ""), "error");
    EXPECT_TRUE(contains(duplicate, "<conflict")) << duplicate.dump();
    bridge_event("colibri");
    const auto event = bridge_event("colibri");
    EXPECT_EQ(event["reply"], "error:conflict") << event.dump();
    expect_no_violation();
}

TEST_F(BridgePeerTest, UnknownConferencesAndEndpointsAreItemNotFoundWithTheirReasons) {
    const auto unknown = focus_iq(
        "<conference-modify xmlns='jitsi:colibri2' meeting-id='nope'>"
        "<endpoint id='ep1' expire='true'/></conference-modify>");
    EXPECT_EQ(unknown.value("type", ""), "error");
    EXPECT_TRUE(contains(unknown, "<item-not-found")) << unknown.dump();
    EXPECT_TRUE(has_reason(unknown, "CONFERENCE_NOT_FOUND")) << unknown.dump();
    EXPECT_EQ(bridge_event("colibri")["reason"], "CONFERENCE_NOT_FOUND");

    ASSERT_EQ(focus_iq(kAllocate).value("type", ""), "result");
    bridge_event("colibri");
    const auto update = focus_iq(
        "<conference-modify xmlns='jitsi:colibri2' meeting-id='m-1'><endpoint id='ghost'>"
        "<sources><media-source type='audio' id='g-a0'><source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='7'/>"
        "</media-source></sources></endpoint></conference-modify>");
    EXPECT_EQ(update.value("type", ""), "error");
    EXPECT_TRUE(contains(update, "<item-not-found")) << update.dump();
    EXPECT_TRUE(has_reason(update, "UNKNOWN_ENDPOINT")) << update.dump();
    EXPECT_TRUE(xml_has_element(update["xml"], "endpoint", {"xmlns=\"jitsi:colibri2\"", "id=\"ghost\""}))
        << update.dump();
    EXPECT_EQ(bridge_event("colibri")["unknown_endpoints"], nlohmann::json::array({"ghost"}));

    // Expiring an unknown endpoint is ignored by a real bridge (reported), or refused when asked.
    const std::string expire_ghost =
        "<conference-modify xmlns='jitsi:colibri2' meeting-id='m-1'><endpoint id='ghost' expire='true'/>"
        "<endpoint id='ghost2' expire='true'/></conference-modify>";
    ASSERT_EQ(focus_iq(expire_ghost).value("type", ""), "result");
    EXPECT_EQ(bridge_event("colibri")["unknown_endpoints"], nlohmann::json::array({"ghost", "ghost2"}));
    ASSERT_TRUE(jvb_->request(R"({"cmd":"set_colibri","expire_unknown":"error"})", "done", kEventTimeout));
    const auto refused = focus_iq(expire_ghost);
    EXPECT_TRUE(has_reason(refused, "UNKNOWN_ENDPOINT")) << refused.dump();
    expect_no_violation();
}

TEST_F(BridgePeerTest, MalformedRequestsAreBadRequestsAndViolations) {
    ASSERT_EQ(focus_iq(kAllocate).value("type", ""), "result");
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"no meeting-id", "<conference-modify xmlns='jitsi:colibri2' create='true'/>"},
        {"endpoint without id",
         "<conference-modify xmlns='jitsi:colibri2' meeting-id='m-1'><endpoint expire='true'/></conference-modify>"},
        {"media without type",
         "<conference-modify xmlns='jitsi:colibri2' meeting-id='m-1'><endpoint id='ep1'><media>"
         "<payload-type xmlns='urn:xmpp:jingle:apps:rtp:1' id='111' name='opus'/></media></endpoint>"
         "</conference-modify>"},
        {"payload-type without id",
         "<conference-modify xmlns='jitsi:colibri2' meeting-id='m-1'><endpoint id='ep1'><media type='audio'>"
         "<payload-type xmlns='urn:xmpp:jingle:apps:rtp:1' name='opus'/></media></endpoint></conference-modify>"},
        {"payload-type without name",
         "<conference-modify xmlns='jitsi:colibri2' meeting-id='m-1'><endpoint id='ep1'><media type='audio'>"
         "<payload-type xmlns='urn:xmpp:jingle:apps:rtp:1' id='111'/></media></endpoint></conference-modify>"},
        {"source with a non-numeric ssrc",
         "<conference-modify xmlns='jitsi:colibri2' meeting-id='m-1'><endpoint id='ep1'><sources>"
         "<media-source type='audio' id='a'><source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='x1'/>"
         "</media-source></sources></endpoint></conference-modify>"},
        {"source without ssrc",
         "<conference-modify xmlns='jitsi:colibri2' meeting-id='m-1'><endpoint id='ep1'><sources>"
         "<media-source type='audio' id='a'><source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' name='a'/>"
         "</media-source></sources></endpoint></conference-modify>"},
        {"transport update without ice-udp",
         "<conference-modify xmlns='jitsi:colibri2' meeting-id='m-1'><endpoint id='ep1'><transport/></endpoint>"
         "</conference-modify>"},
        {"create without the source-names capability",
         "<conference-modify xmlns='jitsi:colibri2' meeting-id='m-1'><endpoint id='ep2' create='true'>"
         "<transport/></endpoint></conference-modify>"},
    };
    for (const auto& [what, payload] : cases) {
        const auto reply = focus_iq(payload);
        EXPECT_EQ(reply.value("type", ""), "error") << what << ": " << reply.dump();
        EXPECT_TRUE(contains(reply, "<bad-request")) << what << ": " << reply.dump();
        EXPECT_TRUE(jvb_->wait_for("protocol_violation", kEventTimeout)) << what << "\n" << jvb_->transcript();
    }
    // colibri2 requests are IQ get; a set is refused the same way.
    std::string as_set = kAllocate;
    const auto set_reply = focus_iq(as_set, "set");
    EXPECT_TRUE(contains(set_reply, "<bad-request")) << set_reply.dump();
    EXPECT_TRUE(jvb_->wait_for("protocol_violation", kEventTimeout)) << jvb_->transcript();
    // The malformed requests changed nothing.
    EXPECT_EQ(dump()["conferences"]["m-1"]["endpoints"].size(), 1u);
}

TEST_F(BridgePeerTest, HealthCheckModes) {
    const std::string health = "<healthcheck xmlns='http://jitsi.org/protocol/health'/>";
    EXPECT_EQ(focus_iq(health).value("type", ""), "result");
    EXPECT_EQ(bridge_event("healthcheck")["reply"], "result");

    ASSERT_TRUE(jvb_->request(R"({"cmd":"set_health","mode":"error:internal-server-error"})", "done", kEventTimeout));
    const auto failed = focus_iq(health);
    EXPECT_EQ(failed.value("type", ""), "error");
    EXPECT_TRUE(contains(failed, "<internal-server-error")) << failed.dump();

    ASSERT_TRUE(jvb_->request(R"({"cmd":"set_health","mode":"ignore"})", "done", kEventTimeout));
    const auto silent = focus_iq(health, "get", 1);
    EXPECT_EQ(silent.value("event", ""), "iq_timeout") << silent.dump();
    bridge_event("healthcheck");
    EXPECT_EQ(bridge_event("healthcheck")["reply"], "ignored");
}

TEST_F(BridgePeerTest, ScriptedColibriFailuresAndGracefulShutdown) {
    ASSERT_TRUE(jvb_->request(R"({"cmd":"set_colibri","mode":"error:service-unavailable:GRACEFUL_SHUTDOWN","count":1})",
                              "done", kEventTimeout));
    const auto scripted = focus_iq(kAllocate);
    EXPECT_TRUE(contains(scripted, "<service-unavailable")) << scripted.dump();
    EXPECT_TRUE(has_reason(scripted, "GRACEFUL_SHUTDOWN")) << scripted.dump();
    // The scripted mode was for one request; the next one is served.
    EXPECT_EQ(focus_iq(kAllocate).value("type", ""), "result");

    ASSERT_TRUE(jvb_->request(R"({"cmd":"set_stats","stats":{"graceful_shutdown":true}})", "stats", kEventTimeout));
    std::string other = kAllocate;
    other.replace(other.find("m-1"), 3, "m-2");
    const auto refused = focus_iq(other);
    EXPECT_TRUE(has_reason(refused, "GRACEFUL_SHUTDOWN")) << refused.dump();

    ASSERT_TRUE(jvb_->request(R"({"cmd":"set_colibri","mode":"ignore"})", "done", kEventTimeout));
    EXPECT_EQ(focus_iq(kUpdate, "get", 1).value("event", ""), "iq_timeout");
}

TEST_F(BridgePeerTest, RelaysAreCreatedUpdatedAndExpired) {
    ASSERT_EQ(focus_iq(kAllocate).value("type", ""), "result");
    bridge_event("colibri");
    const auto created = focus_iq(
        "<conference-modify xmlns='jitsi:colibri2' meeting-id='m-1'><relay id='jvb2-relay' create='true' "
        "mesh-id='0'><media type='audio'><payload-type xmlns='urn:xmpp:jingle:apps:rtp:1' id='111' name='opus'/>"
        "</media><endpoints><endpoint id='remote1' create='true' stats-id='Bob'><sources><media-source "
        "type='audio' id='remote1-a0'><source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='555'/></media-source>"
        "</sources></endpoint></endpoints><transport use-unique-port='true' ice-controlling='true'>"
        "<sctp role='client'/></transport></relay></conference-modify>");
    ASSERT_EQ(created.value("type", ""), "result") << created.dump();
    EXPECT_TRUE(xml_has_element(created["xml"], "relay", {"id=\"jvb2-relay\""})) << created.dump();
    EXPECT_TRUE(xml_has_element(created["xml"], "sctp", {"role=\"server\""}))
        << "the opposite role: " << created.dump();
    const auto event = bridge_event("colibri");
    EXPECT_EQ(event["actions"], nlohmann::json::array({"create_relay", "relay_endpoints"})) << event.dump();
    EXPECT_EQ(event["relays"][0]["endpoints"][0]["sources"]["audio"], nlohmann::json::array({555}));

    const auto state = dump();
    EXPECT_TRUE(state["conferences"]["m-1"]["relays"]["jvb2-relay"]["endpoints"].contains("remote1")) << state.dump();

    const auto unknown = focus_iq(
        "<conference-modify xmlns='jitsi:colibri2' meeting-id='m-1'><relay id='other'>"
        "<endpoints><endpoint id='x' create='true'/></endpoints></relay>"
        "</conference-modify>");
    EXPECT_TRUE(contains(unknown, "<bad-request")) << "an unknown relay is bad-request: " << unknown.dump();

    const auto expired = focus_iq(
        "<conference-modify xmlns='jitsi:colibri2' meeting-id='m-1'>"
        "<relay id='jvb2-relay' expire='true'/></conference-modify>");
    ASSERT_EQ(expired.value("type", ""), "result");
    EXPECT_TRUE(dump()["conferences"]["m-1"]["relays"].empty());
}

TEST_F(BridgePeerTest, ADyingBridgeLeavesWithoutSayingSo) {
    ASSERT_TRUE(jvb_->request(R"({"cmd":"die"})", "died", kEventTimeout)) << jvb_->transcript();
    // Prosody notices the closed socket and removes the occupant itself.
    const auto gone = focus_->wait_for(
        [&](const std::string& l) {
            return PeerProcess::is_event(l, "presence") && PeerProcess::has_field(l, "from", bridge_jid_) &&
                   PeerProcess::has_field(l, "type", "unavailable");
        },
        kEventTimeout);
    ASSERT_TRUE(gone) << focus_->transcript();
}

TEST_F(BridgePeerTest, LeavingTheBreweryIsAnUnavailablePresence) {
    ASSERT_TRUE(jvb_->request(R"({"cmd":"leave_brewery"})", "left", kEventTimeout)) << jvb_->transcript();
    EXPECT_TRUE(focus_->wait_for(
        [&](const std::string& l) {
            return PeerProcess::is_event(l, "presence") && PeerProcess::has_field(l, "from", bridge_jid_) &&
                   PeerProcess::has_field(l, "type", "unavailable");
        },
        kEventTimeout))
        << focus_->transcript();
}

}  // namespace
}  // namespace jicofo::testing
