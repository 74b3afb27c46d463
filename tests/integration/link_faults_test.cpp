// The jicofo binary against forged replies and a faulty link to Prosody: no participant, and no network blip, can
// take down another person's conference or mark a healthy bridge failed.
#include "integration/media_session_fixture.hpp"
#include "xmpp/tcp_proxy.hpp"

namespace jicofo::testing {
namespace {

class LinkFaultTest : public MediaSessionTest {
protected:
    // A bridge state of jicofo's selector that says it was never failed.
    void expect_bridge_never_failed(const std::string& nick) {
        const auto view = selector_view(nick);
        EXPECT_TRUE(view.value("operational", false)) << view.dump() << diagnostics();
        EXPECT_TRUE(view.value("seconds_since_failure", nlohmann::json()).is_null()) << view.dump();
        const auto failures = rest_json("/stats")["bridge_failures"];
        EXPECT_EQ(failures.value("participants_moved", -1), 0) << failures.dump();
        EXPECT_EQ(failures.value("bridges_removed", -1), 0) << failures.dump();
    }
};

// A participant learns the id of the focus's pending colibri2 request (here: out of band from the bridge, which
// holds its answer) and forges errors with it to the focus, well formed and not. The conference still gets the
// bridge's real answer and the bridge stays operational.
TEST_F(LinkFaultTest, AForgedColibriErrorFromAnotherAccountChangesNothing) {
    jvb1_ = start_bridge("jvb1", "eu-west");
    ASSERT_TRUE(jvb1_);
    const nlohmann::json hold = {{"cmd", "set_colibri"}, {"hold_ms", 2500}, {"count", 1}};
    ASSERT_TRUE(jvb1_->request(hold.dump(), "done", kEventTimeout));
    auto mallory = start_peer("mallory");
    ASSERT_TRUE(mallory);
    ASSERT_TRUE(mallory->request(connect_command(*prosody_, prosody_->domain()).dump(), "connected", 10s))
        << mallory->transcript();

    add_participant("alice", "alice1");
    add_participant("bob", "bob1");  // jicofo invites from the second participant on
    const auto held = jvb1_->wait_for("colibri_held", kSessionTimeout);
    ASSERT_TRUE(held) << jvb1_->transcript() << diagnostics();
    const auto request = event_json(held);
    // The bridge sees the request through the brewery MUC, which rewrote its id around the focus's own.
    const auto id = request.value("origin_id", nlohmann::json()).is_string() ? request["origin_id"].get<std::string>()
                                                                             : std::string();
    ASSERT_FALSE(id.empty()) << request.dump();
    const auto focus = prosody_->focus_jid() + "/focus";
    const std::string condition = "<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>";
    const std::vector<std::string> errors{"<error type='cancel'>" + condition + "</error>",
                                          "<error>" + condition + "</error>",  // no type: does not parse
                                          "<error type='wait'>" + condition + "</error>"};
    for (const auto& error : errors) {
        const std::string forged = "<iq type='error' id='" + id + "' to='" + focus + "'>" + error + "</iq>";
        ASSERT_TRUE(
            mallory->request(nlohmann::json{{"cmd", "send_raw"}, {"xml", forged}}.dump(), "done", kEventTimeout))
            << mallory->transcript();
    }

    // The held answer arrives; the offers carry the session on jvb1.
    const auto offer = next("session_initiate", "alice");
    ASSERT_TRUE(offer.is_object()) << "no offer for alice";
    EXPECT_FALSE(offer.value("bridge_session", nlohmann::json::object()).value("id", "").empty()) << offer.dump();
    next("session_initiate", "bob");
    const std::set<std::string> both{"alice1", "bob1"};
    ASSERT_TRUE(poll([&] { return endpoints_of(bridge_state(*jvb1_)) == both; }, kSessionTimeout))
        << bridge_state(*jvb1_).dump() << diagnostics();
    expect_bridge_never_failed("jvb1");
    // One allocation each, nothing re-sent: the forged errors never failed the first.
    int colibri_requests = 0;
    for (const auto& line : jvb1_->take_all()) {
        EXPECT_FALSE(PeerProcess::is_event(line, "protocol_violation")) << line;
        if (PeerProcess::is_event(line, "colibri") && line.find("allocate") != std::string::npos) {
            ++colibri_requests;
        }
    }
    EXPECT_EQ(colibri_requests, 2);
    // And the participant was not told to restart or leave.
    EXPECT_EQ(rest_json("/stats")["participant_notifications"].value("request_restart", -1), 0);
}

// jicofo reaches Prosody through a proxy that the test can cut.
class LinkCutTest : public LinkFaultTest {
protected:
    void before_jicofo() override { proxy_ = std::make_unique<TcpProxy>(prosody_->c2s_port()); }
    [[nodiscard]] std::string extra_client_settings() const override {
        return "    port = " + std::to_string(proxy_->port()) + "\n";
    }
    void run_scenario();
    // The link goes down while Carol's allocation is with the bridge (the bridge answers meanwhile).
    virtual void cut_link() { proxy_->cut(); }
    std::unique_ptr<TcpProxy> proxy_;
};

// The same with the path down for 2 s (connections refused).
class LongLinkCutTest : public LinkCutTest {
protected:
    void cut_link() override {
        proxy_->refuse(true);
        proxy_->cut();
        std::this_thread::sleep_for(2s);
        proxy_->refuse(false);
    }
};

// The link between jicofo and Prosody goes down while Carol joins and her allocation is with the bridge: the
// bridge's answer comes through the resumed stream, Carol gets her one session, Alice and Bob keep theirs, and no
// bridge is failed.
void LinkCutTest::run_scenario() {
    alice_and_bob_with_sessions_on_jvb1();
    ASSERT_FALSE(HasFatalFailure());

    const nlohmann::json hold = {{"cmd", "set_colibri"}, {"hold_ms", 1000}, {"count", 1}};
    ASSERT_TRUE(jvb1_->request(hold.dump(), "done", kEventTimeout));
    add_participant("carol", "carol1");
    ASSERT_TRUE(jvb1_->wait_for("colibri_held", kSessionTimeout)) << jvb1_->transcript() << diagnostics();
    cut_link();

    const auto offer = next("session_initiate", "carol", 30s);
    ASSERT_TRUE(offer.is_object()) << diagnostics();
    const std::set<std::string> everyone{"alice1", "bob1", "carol1"};
    ASSERT_TRUE(poll([&] { return endpoints_of(bridge_state(*jvb1_)) == everyone; }, kSessionTimeout))
        << bridge_state(*jvb1_).dump() << diagnostics();
    ASSERT_TRUE(poll(
        [&] {
            return dump("carol")["remote_sources"].contains("alice1") &&
                   dump("alice")["remote_sources"].contains("carol1");
        },
        kSessionTimeout))
        << participants_->transcript() << diagnostics();
    for (const std::string name : {"alice", "bob", "carol"}) {
        const auto session = dump(name)["session"];
        ASSERT_TRUE(session.is_object()) << name;
        EXPECT_EQ(session.value("state", ""), "active") << name << " " << session.dump();
    }
    // Nobody was offered a second session: the drop moved no one.
    std::this_thread::sleep_for(1s);
    int extra = 0;
    for (const auto& line : participants_->take_all()) {
        EXPECT_FALSE(PeerProcess::is_event(line, "protocol_violation")) << line;
        extra += PeerProcess::is_event(line, "session_initiate") || PeerProcess::is_event(line, "session_terminate");
    }
    EXPECT_EQ(extra, 0) << diagnostics();
    expect_bridge_never_failed("jvb1");
    EXPECT_NE(diagnostics().find("resumed session"), std::string::npos) << diagnostics();
}

TEST_F(LinkCutTest, ALinkCutWhileAParticipantJoinsCostsNobodyTheirSession) {
    run_scenario();
}

TEST_F(LongLinkCutTest, ALinkDownForTwoSecondsWhileAParticipantJoinsCostsNobodyTheirSession) {
    run_scenario();
}

}  // namespace
}  // namespace jicofo::testing
