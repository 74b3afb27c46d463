// The jicofo binary against a real Prosody, through its REST API: POST /conference-request/v1 creates the
// conference and the focus joins the room, participants show in /debug, empty rooms end and are forgotten
// (/debug, /stats, /metrics), and malformed requests get Jicofo's status codes without creating anything.
#include <signal.h>

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "support/harness_test_util.hpp"
#include "support/http_client.hpp"
#include "support/jicofo_binary.hpp"

namespace jicofo::testing {
namespace {

constexpr const char* kFocusPassword = "focus-secret";

class ConferenceRestTest : public ::testing::Test {
protected:
    void SetUp() override {
        ProsodyOptions options;
        options.users.emplace_back("focus", "auth.meet.test", kFocusPassword);
        prosody_ = start_prosody(options);
        ASSERT_TRUE(prosody_);
        port_ = free_loopback_port();
        const std::string config =
            jicofo_config(*prosody_, kFocusPassword, "    use-tls = false\n",
                          "  conference { initial-timeout = 1 second, single-participant-timeout = 1 second }\n"
                          "  health.interval = 200 ms\n"
                          "  rest { host = \"127.0.0.1\", port = " +
                              std::to_string(port_) +
                              ", max-body-bytes = 4096,\n"
                              "         allowed-origins = [\"https://meet.test\"] }\n");
        jicofo_ = start_jicofo_process(JICOFO_BINARY, config, prosody_->directory());
        ASSERT_TRUE(jicofo_);
        // Healthy (on by default) once the focus is logged in.
        ASSERT_TRUE(poll([&] { return http_request(port_, "GET", "/about/health").status == 200; }, 10s))
            << diagnostics();
    }

    nlohmann::json get_json(const std::string& path) { return get_rest_json(port_, path); }

    // /debug/conferences without the health check's test conferences, which come and go every `health.interval`.
    nlohmann::json rooms() {
        nlohmann::json listed = nlohmann::json::array();
        for (const auto& room : get_json("/debug/conferences")) {
            if (room.get<std::string>().rfind("__jicofo-health-check-", 0) != 0) {
                listed.push_back(room);
            }
        }
        return listed;
    }

    HttpReply post(const std::string& body, std::vector<std::pair<std::string, std::string>> headers = {}) {
        headers.emplace_back("Content-Type", "application/json");
        return http_request(port_, "POST", "/conference-request/v1", body, headers);
    }

    std::string diagnostics() const { return diagnostics_text(jicofo_.get(), *prosody_); }

    std::unique_ptr<ProsodyFixture> prosody_;
    uint16_t port_ = 0;
    std::unique_ptr<JicofoProcess> jicofo_;
};

TEST_F(ConferenceRestTest, PostCreatesTheConferenceAndParticipantsShowInDebug) {
    const std::string room = "rest1@conference.meet.test";
    auto reply =
        post(R"({"room":"rest1@conference.meet.test","machineUid":"m1","properties":{"rtcstatsEnabled":"false"}})",
             {{"Authorization", "Bearer some.jwt.token"}, {"Origin", "https://meet.test"}});
    ASSERT_EQ(reply.status, 200) << reply.body << diagnostics();
    EXPECT_NE(reply.head.find("Access-Control-Allow-Origin: https://meet.test"), std::string::npos) << reply.head;
    auto json = nlohmann::json::parse(reply.body);
    EXPECT_EQ(json["room"], room);
    EXPECT_EQ(json["ready"], true);
    EXPECT_EQ(json["focusJid"], "focus@auth.meet.test");
    EXPECT_EQ(json["properties"]["authentication"], "false");
    EXPECT_EQ(rooms(), nlohmann::json::array({room}));

    auto alice = start_peer("alice");
    ASSERT_TRUE(alice);
    connect_peer(*alice, *prosody_, connect_command(*prosody_, prosody_->domain()));
    ASSERT_TRUE(
        alice->request(nlohmann::json{{"cmd", "join"},
                                      {"room", room},
                                      {"nick", "a1b2c3d4"},
                                      {"presence_xml",
                                       "<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' "
                                       "node='https://jitsi.org/jitsi-meet' ver='cvjWXufsg4xT62Ec2mlATkFZ9lk='/>"
                                       "<features><feature var='http://jitsi.org/json-encoded-sources'/></features>"}}
                           .dump(),
                       "joined", 10s))
        << alice->transcript();
    ASSERT_TRUE(poll([&] { return get_json("/debug/conference/" + room)["participants"].contains("a1b2c3d4"); }, 5s))
        << get_json("/debug/conference/" + room).dump() << diagnostics();
    EXPECT_EQ(get_json("/debug")["focus_manager"][room], 1);
    EXPECT_TRUE(get_json("/debug?full=true")["focus_manager"][room]["participants"].contains("a1b2c3d4"));
    EXPECT_TRUE(get_json("/debug/conferences-full")[room]["participants"].contains("a1b2c3d4"));
    auto caps = get_json("/debug/xmpp-caps");
    ASSERT_EQ(caps.size(), 1U) << caps.dump();
    const auto& entry = caps["https://jitsi.org/jitsi-meet#cvjWXufsg4xT62Ec2mlATkFZ9lk="];
    EXPECT_EQ(entry["count"], 1) << caps.dump();
    EXPECT_EQ(entry["features"], nlohmann::json::array({"http://jitsi.org/json-encoded-sources"})) << caps.dump();
    auto stats = get_json("/stats");
    EXPECT_EQ(stats["conferences"], 1);
    EXPECT_EQ(stats["participants"], 1);
    EXPECT_EQ(stats["largest_conference"], 1);

    ASSERT_TRUE(alice->request(nlohmann::json{{"cmd", "leave"}, {"room", room}}.dump(), "left", 10s));
    ASSERT_TRUE(poll([&] { return rooms().empty(); }, 5s)) << diagnostics();
    EXPECT_EQ(get_json("/debug/conference/" + room), nlohmann::json::object());
    stats = get_json("/stats");
    EXPECT_EQ(stats["conferences"], 0);
    EXPECT_EQ(stats["total_conferences_created"], 1);
    EXPECT_EQ(stats["total_participants"], 1);
    auto metrics = http_request(port_, "GET", "/metrics").body;
    EXPECT_NE(metrics.find("jitsi_jicofo_conferences_created_total 1"), std::string::npos) << metrics;
    EXPECT_NE(metrics.find("jitsi_jicofo_conference_requests_total 1"), std::string::npos) << metrics;
    EXPECT_NE(metrics.find("jitsi_jicofo_conferences 0"), std::string::npos) << metrics;
    EXPECT_NE(metrics.find("jitsi_jicofo_conference_request_seconds_count 1"), std::string::npos) << metrics;
}

TEST_F(ConferenceRestTest, AnEmptyRoomEndsWithinTheInitialTimeout) {
    auto reply = post(R"({"room":"lonely@conference.meet.test"})");
    ASSERT_EQ(reply.status, 200) << reply.body << diagnostics();
    EXPECT_EQ(get_json("/stats")["conferences"], 1);
    ASSERT_TRUE(poll([&] { return rooms().empty(); }, 5s)) << diagnostics();
    EXPECT_EQ(get_json("/stats")["conferences"], 0);
}

TEST_F(ConferenceRestTest, MalformedRequestsGetJicofosStatusCodesAndCreateNothing) {
    EXPECT_EQ(post("not json").status, 400);
    EXPECT_EQ(post("[1,2]").status, 400);
    auto invalid = post(R"({"room":"a@b@c"})");
    EXPECT_EQ(invalid.status, 400);
    EXPECT_EQ(invalid.body, "Invalid room name");
    EXPECT_EQ(post(R"({"room":"r@conference.meet.test/nick"})").status, 400);
    EXPECT_EQ(post(R"({"machineUid":"m"})").status, 400);  // no room
    EXPECT_EQ(post(R"({"room":"r@conference.meet.test","properties":{"x":1}})").status, 400);
    EXPECT_EQ(post(R"({"room":"r@conference.meet.test","properties":"garbage"})").status, 400);
    EXPECT_EQ(post(std::string(R"({"room":"r@conference.meet.test","x":")") + std::string(8000, 'x') + "\"}").status,
              413);
    // A page elsewhere cannot make a visitor's browser create conferences; a form post is not JSON.
    EXPECT_EQ(post(R"({"room":"forged@conference.meet.test"})", {{"Origin", "https://evil.test"}}).status, 403);
    EXPECT_EQ(http_request(port_, "POST", "/conference-request/v1", R"({"room":"form@conference.meet.test"})",
                           {{"Content-Type", "text/plain"}})
                  .status,
              415);
    auto options = http_request(port_, "OPTIONS", "/conference-request/v1", "", {{"Origin", "https://meet.test"}});
    EXPECT_EQ(options.status, 200);
    EXPECT_NE(options.head.find("Access-Control-Allow-Methods: POST, OPTIONS"), std::string::npos) << options.head;
    EXPECT_EQ(get_json("/debug/conference/nobody@conference.meet.test"), nlohmann::json::object());
    EXPECT_EQ(http_request(port_, "GET", "/debug/conference/a@b@c").status, 400);
    EXPECT_EQ(rooms(), nlohmann::json::array());
    EXPECT_EQ(get_json("/stats")["total_conferences_created"], 0);
}

}  // namespace
}  // namespace jicofo::testing
