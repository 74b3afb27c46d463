// The jicofo binary against a real Prosody: POST /conference-request/v1 with authentication on (session fields,
// 403 without a session, 400 invalid-session), and /about/health running the test conference and the XMPP ping
// (healthy with Prosody up, the test rooms kept out of /stats, a clear failure when the MUC service is missing).
#include <signal.h>

#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <string>
#include <thread>

#include "support/harness_test_util.hpp"
#include "support/http_client.hpp"
#include "support/jicofo_binary.hpp"

namespace jicofo::testing {
namespace {

constexpr const char* kFocusPassword = "focus-secret";
constexpr const char* kAuthDomain = "secure.meet.test";

class AuthHealthTest : public ::testing::Test {
protected:
    void SetUp() override {
        ProsodyOptions options;
        options.users.emplace_back("focus", "auth.meet.test", kFocusPassword);
        options.users.emplace_back("alice", kAuthDomain, "alice-secret");
        options.extra_hosts_lua =
            std::string("VirtualHost \"") + kAuthDomain + "\"\n  authentication = \"internal_hashed\"\n";
        prosody_ = start_prosody(options);
        ASSERT_TRUE(prosody_);
        port_ = free_loopback_port();
    }

    // Starts the binary with `extra` inside jicofo { } and waits until it serves REST.
    void start_jicofo(const std::string& extra, const std::vector<std::string>& arguments = {}) {
        const std::string config = jicofo_config(*prosody_, kFocusPassword,
                                                 "    use-tls = false\n"
                                                 "    reply-timeout = 3 seconds\n",
                                                 "  conference { initial-timeout = 2 seconds }\n"
                                                 "  health.interval = 200 ms\n"
                                                 "  rest { host = \"127.0.0.1\", port = " +
                                                     std::to_string(port_) + " }\n" + extra + "\n");
        jicofo_ = start_jicofo_process(JICOFO_BINARY, config, prosody_->directory(), arguments);
        ASSERT_TRUE(jicofo_);
        ASSERT_TRUE(poll([&] { return http_request(port_, "GET", "/about/version").status == 200; }, 10s))
            << diagnostics();
    }

    nlohmann::json get_json(const std::string& path) { return get_rest_json(port_, path); }

    HttpReply post(const nlohmann::json& body) {
        return http_request(port_, "POST", "/conference-request/v1", body.dump(),
                            {{"Content-Type", "application/json"}});
    }

    std::string diagnostics() const { return diagnostics_text(jicofo_.get(), *prosody_); }

    std::unique_ptr<ProsodyFixture> prosody_;
    uint16_t port_ = 0;
    std::unique_ptr<JicofoProcess> jicofo_;
};

TEST_F(AuthHealthTest, ConferenceRequestsOverRestCarryTheSessionAndNeedAnAuthenticatedCreator) {
    start_jicofo(std::string("  authentication { enabled = true, type = XMPP, login-url = \"") + kAuthDomain + "\" }");
    ASSERT_TRUE(poll([&] { return http_request(port_, "GET", "/about/health").status == 200; }, 10s)) << diagnostics();
    const std::string room = "rest-secret@conference.meet.test";

    // Nobody is authenticated over REST: a new room is refused with Jicofo's 403.
    auto refused = post({{"room", room}, {"machineUid", "m1"}});
    EXPECT_EQ(refused.status, 403) << refused.body << diagnostics();
    EXPECT_EQ(refused.body, "Error");

    // Alice logs in on the authentication domain and creates the room over XMPP.
    auto alice = start_peer("alice");
    ASSERT_TRUE(alice);
    connect_peer(*alice, *prosody_, connect_command(*prosody_, std::string("alice@") + kAuthDomain, "alice-secret"));
    auto created =
        event_json(alice->request(nlohmann::json{{"cmd", "send_iq"},
                                                 {"xml",
                                                  "<iq type='set' to='focus@auth.meet.test/focus'><conference "
                                                  "xmlns='http://jitsi.org/protocol/focus' room='" +
                                                      room + "' machine-uid='alice-machine'/></iq>"},
                                                 {"timeout", 10}}
                                      .dump(),
                                  "iq_reply", 15s));
    ASSERT_EQ(created["type"], "result") << alice->transcript() << diagnostics();
    std::smatch match;
    const std::string xml = created["xml"];
    ASSERT_TRUE(std::regex_search(xml, match, std::regex("session-id=\"([^\"]+)\""))) << xml;
    const std::string session = match[1];

    // The session over REST: the room exists, so the answer is ready and names the session and its identity.
    auto joined = post({{"room", room}, {"machineUid", "alice-machine"}, {"sessionId", session}});
    ASSERT_EQ(joined.status, 200) << joined.body << diagnostics();
    auto json = nlohmann::json::parse(joined.body);
    EXPECT_EQ(json["ready"], true);
    EXPECT_EQ(json["sessionId"], session);
    EXPECT_EQ(json["identity"], "alice@secure.meet.test");
    EXPECT_EQ(json["properties"]["authentication"], "true");
    EXPECT_EQ(json["properties"]["externalAuth"], "false");
    EXPECT_FALSE(json.contains("machineUid"));

    // Without a session a guest may still ask for the existing room.
    auto guest = post({{"room", room}});
    ASSERT_EQ(guest.status, 200) << guest.body;
    EXPECT_FALSE(nlohmann::json::parse(guest.body).contains("sessionId"));

    // An unknown session, or the session from another machine: 400 invalid-session.
    for (const auto& body : {nlohmann::json{{"room", room}, {"machineUid", "alice-machine"}, {"sessionId", "bogus"}},
                             nlohmann::json{{"room", room}, {"machineUid", "other"}, {"sessionId", session}}}) {
        auto invalid = post(body);
        EXPECT_EQ(invalid.status, 400) << body.dump();
        EXPECT_EQ(invalid.body, "Bad request: invalid-session") << body.dump();
    }
    // A session does not let a REST request (which has no XMPP address to authenticate) create a room.
    EXPECT_EQ(
        post({{"room", "other@conference.meet.test"}, {"machineUid", "alice-machine"}, {"sessionId", session}}).status,
        403);
    EXPECT_EQ(get_json("/debug")["conference_iq_handler"]["auth_authority"], "XMPPDomainAuthAuthority");
    EXPECT_EQ(get_json("/stats")["total_conferences_created"], 1);
}

TEST_F(AuthHealthTest, HealthRunsTheTestConferenceAndKeepsItOutOfTheStatistics) {
    start_jicofo("", {"--log-level", "debug"});
    auto health = [&] { return http_request(port_, "GET", "/about/health"); };
    ASSERT_TRUE(poll([&] { return health().status == 200; }, 10s)) << health().body << diagnostics();
    EXPECT_EQ(health().body, "OK");
    // Several runs (every 200 ms), each through a test conference that the focus joined and left.
    ASSERT_TRUE(poll(
        [&] {
            const auto log = jicofo_->log_text();
            std::size_t runs = 0;
            for (auto at = log.find("test conference ended"); at != std::string::npos;
                 at = log.find("test conference ended", at + 1)) {
                ++runs;
            }
            return runs >= 3;
        },
        10s))
        << diagnostics();
    EXPECT_EQ(health().status, 200);
    auto stats = get_json("/stats");
    EXPECT_EQ(stats["conferences"], 0) << stats.dump();
    EXPECT_EQ(stats["total_conferences_created"], 0) << stats.dump();
    const auto metrics = http_request(port_, "GET", "/metrics").body;
    EXPECT_NE(metrics.find("jitsi_jicofo_conferences_created_total 0"), std::string::npos) << metrics;
    EXPECT_NE(metrics.find("jitsi_jicofo_conference_requests_total 0"), std::string::npos) << metrics;
    // No test room is left behind for the initial timeout to clean up.
    EXPECT_TRUE(poll(
        [&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            return get_json("/debug/conferences").empty();
        },
        5s));
}

TEST_F(AuthHealthTest, HealthFailsWithTheReasonWhenTheMucServiceIsMissing) {
    start_jicofo("  xmpp.client.conference-muc-jid = \"nomuc.meet.test\"");
    HttpReply last;
    ASSERT_TRUE(poll(
        [&] {
            last = http_request(port_, "GET", "/about/health");
            return last.status == 500;
        },
        15s))
        << last.status << " " << last.body << diagnostics();
    EXPECT_NE(last.body.find("Test conference failed to start"), std::string::npos) << last.body;
    EXPECT_NE(last.body.find("nomuc.meet.test"), std::string::npos) << last.body;
    EXPECT_EQ(get_json("/stats")["total_conferences_created"], 0);
}

}  // namespace
}  // namespace jicofo::testing
