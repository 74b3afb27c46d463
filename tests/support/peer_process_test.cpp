// The scriptable peers against a real Prosody: logins, MUC presence with extensions, IQ round trips, strictness.
#include "support/harness_test_util.hpp"

namespace jicofo::testing {
namespace {

class SupportPeerTest : public ::testing::Test {
protected:
    void SetUp() override {
        ProsodyOptions options;
        options.users = {{"alice", "auth.meet.test", "alice-secret"}, {"bob", "auth.meet.test", "bob-secret"}};
        prosody_ = start_prosody(options);
        ASSERT_TRUE(prosody_);
    }

    // A connected peer for a registered user; its full JID in jid.
    std::unique_ptr<PeerProcess> login(const std::string& user, std::string& jid) {
        auto peer = start_peer(user);
        if (peer) {
            jid = connect_peer(*peer, *prosody_,
                               connect_command(*prosody_, user + "@" + prosody_->auth_domain(), user + "-secret"));
        }
        return peer;
    }

    std::unique_ptr<ProsodyFixture> prosody_;
};

TEST_F(SupportPeerTest, RegisteredUserLogsIn) {
    std::string jid;
    auto alice = login("alice", jid);
    ASSERT_TRUE(alice);
    EXPECT_EQ(jid.rfind("alice@auth.meet.test/", 0), 0u) << jid;

    auto intruder = start_peer("intruder");
    ASSERT_TRUE(intruder);
    const auto line = intruder->request(connect_command(*prosody_, "alice@auth.meet.test", "wrong-password").dump(),
                                        "connected", 10s);
    ASSERT_TRUE(line) << intruder->transcript();
    EXPECT_TRUE(PeerProcess::is_event(*line, "error")) << *line;
    EXPECT_NE(line->find("authentication failed"), std::string::npos) << *line;
}

TEST_F(SupportPeerTest, AnonymousLoginWorks) {
    auto guest = start_peer("guest");
    ASSERT_TRUE(guest);
    const auto jid = connect_peer(*guest, *prosody_, connect_command(*prosody_, prosody_->domain()));
    EXPECT_NE(jid.find("@meet.test/"), std::string::npos) << jid;
}

TEST_F(SupportPeerTest, PeersInARoomSeeEachOthersPresenceExtensions) {
    std::string alice_jid;
    std::string bob_jid;
    auto alice = login("alice", alice_jid);
    auto bob = login("bob", bob_jid);
    ASSERT_TRUE(alice && bob && !alice_jid.empty() && !bob_jid.empty());
    const std::string room = "jvbbrewery@" + prosody_->internal_muc_domain();
    const std::string stats =
        "<stats xmlns='http://jitsi.org/protocol/colibri'><stat name='stress_level' "
        "value='0.12'/></stats>";

    nlohmann::json join = {{"cmd", "join"}, {"room", room}, {"nick", "jvb1"}, {"presence_xml", stats}};
    ASSERT_TRUE(alice->request(join.dump(), "joined", kEventTimeout)) << alice->transcript();
    join = {{"cmd", "join"}, {"room", room}, {"nick", "jvb2"}};
    ASSERT_TRUE(bob->request(join.dump(), "joined", kEventTimeout)) << bob->transcript();

    auto from = [](const std::string& who, const std::string& needle) {
        return [who, needle](const std::string& line) {
            return PeerProcess::is_event(line, "presence") && PeerProcess::has_field(line, "from", who) &&
                   line.find(needle) != std::string::npos;
        };
    };
    const auto seen_by_bob = bob->wait_for(from(room + "/jvb1", "stress_level"), kEventTimeout);
    ASSERT_TRUE(seen_by_bob) << bob->transcript();
    EXPECT_NE(seen_by_bob->find("http://jitsi.org/protocol/colibri"), std::string::npos) << *seen_by_bob;
    EXPECT_TRUE(alice->wait_for(from(room + "/jvb2", "muc#user"), kEventTimeout)) << alice->transcript();

    // An updated extension reaches the other occupant.
    const nlohmann::json update = {
        {"cmd", "presence"},
        {"room", room},
        {"xml", "<stats xmlns='http://jitsi.org/protocol/colibri'><stat name='stress_level' value='0.9'/></stats>"}};
    ASSERT_TRUE(alice->request(update.dump(), "done", kEventTimeout)) << alice->transcript();
    EXPECT_TRUE(bob->wait_for(from(room + "/jvb1", "0.9"), kEventTimeout)) << bob->transcript();

    ASSERT_TRUE(alice->request(nlohmann::json{{"cmd", "leave"}, {"room", room}}.dump(), "left", kEventTimeout))
        << alice->transcript();
    EXPECT_TRUE(bob->wait_for(from(room + "/jvb1", "unavailable"), kEventTimeout)) << bob->transcript();
}

TEST_F(SupportPeerTest, IqRoundTripsBetweenPeers) {
    std::string alice_jid;
    std::string bob_jid;
    auto alice = login("alice", alice_jid);
    auto bob = login("bob", bob_jid);
    ASSERT_TRUE(alice && bob && !bob_jid.empty());
    const std::string health = "http://jitsi.org/protocol/health";
    ASSERT_TRUE(bob->request(
        nlohmann::json{{"cmd", "iq_responder"}, {"element", "healthcheck"}, {"ns", health}, {"reply", "result"}}.dump(),
        "done", kEventTimeout));
    auto ask = [&](const std::string& id) {
        return nlohmann::json{
            {"cmd", "send_iq"},
            {"timeout", 2},
            {"xml", "<iq type='get' id='" + id + "' to='" + bob_jid + "'><healthcheck xmlns='" + health + "'/></iq>"}}
            .dump();
    };

    auto reply = alice->request(ask("h1"), "iq_reply", kEventTimeout);
    ASSERT_TRUE(reply) << alice->transcript() << bob->transcript();
    EXPECT_TRUE(PeerProcess::has_field(*reply, "id", "h1")) << *reply;
    EXPECT_TRUE(PeerProcess::has_field(*reply, "type", "result")) << *reply;
    EXPECT_TRUE(PeerProcess::has_field(*reply, "from", bob_jid)) << *reply;
    const auto received = bob->wait_for("iq_received", kEventTimeout);
    ASSERT_TRUE(received) << bob->transcript();
    EXPECT_TRUE(PeerProcess::has_field(*received, "from", alice_jid)) << *received;
    EXPECT_TRUE(PeerProcess::has_field(*received, "element", "healthcheck")) << *received;

    // The newest responder wins: now an error, then silence.
    ASSERT_TRUE(bob->request(
        nlohmann::json{{"cmd", "iq_responder"}, {"ns", health}, {"reply", "error:internal-server-error"}}.dump(),
        "done", kEventTimeout));
    reply = alice->request(ask("h2"), "iq_reply", kEventTimeout);
    ASSERT_TRUE(reply) << alice->transcript();
    EXPECT_TRUE(PeerProcess::has_field(*reply, "type", "error")) << *reply;
    EXPECT_NE(reply->find("internal-server-error"), std::string::npos) << *reply;

    ASSERT_TRUE(bob->request(nlohmann::json{{"cmd", "iq_responder"}, {"ns", health}, {"reply", "ignore"}}.dump(),
                             "done", kEventTimeout));
    reply = alice->request(ask("h3"), "iq_timeout", kEventTimeout);
    ASSERT_TRUE(reply) << alice->transcript();
    EXPECT_TRUE(PeerProcess::is_event(*reply, "iq_timeout")) << *reply;

    // Nobody answers this namespace: the peer says so, as RFC 6120 asks.
    const nlohmann::json unknown = {
        {"cmd", "send_iq"}, {"xml", "<iq type='set' id='u1' to='" + bob_jid + "'><nothing xmlns='urn:x:none'/></iq>"}};
    reply = alice->request(unknown.dump(), "iq_reply", kEventTimeout);
    ASSERT_TRUE(reply) << alice->transcript();
    EXPECT_NE(reply->find("service-unavailable"), std::string::npos) << *reply;
}

TEST_F(SupportPeerTest, MalformedStanzasAreReportedAsViolations) {
    std::string alice_jid;
    std::string bob_jid;
    auto alice = login("alice", alice_jid);
    auto bob = login("bob", bob_jid);
    ASSERT_TRUE(alice && bob && !bob_jid.empty());

    // A reply to a request bob never sent.
    nlohmann::json raw = {{"cmd", "send_raw"}, {"xml", "<iq type='result' id='nobody-asked' to='" + bob_jid + "'/>"}};
    ASSERT_TRUE(alice->request(raw.dump(), "done", kEventTimeout));
    auto violation = bob->wait_for("protocol_violation", kEventTimeout);
    ASSERT_TRUE(violation) << bob->transcript();
    EXPECT_NE(violation->find("did not send"), std::string::npos) << *violation;

    // A get with two payloads never reaches bob: Prosody itself answers bad-request to such c2s input (as it does
    // for a missing id or an unknown IQ type), so these checks in the peer only matter for other routes.
    const nlohmann::json two_payloads = {
        {"cmd", "send_iq"},
        {"xml", "<iq type='get' id='t1' to='" + bob_jid + "'><a xmlns='urn:x:a'/><b xmlns='urn:x:b'/></iq>"}};
    const auto reply = alice->request(two_payloads.dump(), "iq_reply", kEventTimeout);
    ASSERT_TRUE(reply) << alice->transcript();
    EXPECT_NE(reply->find("bad-request"), std::string::npos) << *reply;

    // An error without a defined condition.
    raw = {{"cmd", "send_raw"}, {"xml", "<iq type='error' id='e1' to='" + bob_jid + "'><error type='cancel'/></iq>"}};
    ASSERT_TRUE(alice->request(raw.dump(), "done", kEventTimeout));
    violation = bob->wait_for("protocol_violation", kEventTimeout);
    ASSERT_TRUE(violation) << bob->transcript();
    EXPECT_NE(violation->find("without a defined condition"), std::string::npos) << *violation;

    // A message of a type RFC 6120 does not define.
    raw = {{"cmd", "send_raw"}, {"xml", "<message type='shout' to='" + bob_jid + "'><body>hi</body></message>"}};
    ASSERT_TRUE(alice->request(raw.dump(), "done", kEventTimeout));
    violation = bob->wait_for("protocol_violation", kEventTimeout);
    ASSERT_TRUE(violation) << bob->transcript();
    EXPECT_NE(violation->find("message type"), std::string::npos) << *violation;

    // Nothing was wrong with what alice received, and bob saw nothing else.
    EXPECT_FALSE(alice->wait_for("protocol_violation", 200ms)) << alice->transcript();
    EXPECT_FALSE(bob->wait_for("iq_received", 0ms)) << bob->transcript();
}

}  // namespace
}  // namespace jicofo::testing
