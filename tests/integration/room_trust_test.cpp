// The jicofo binary with a real Prosody and emulated bridges: a conference request (REST or XMPP) naming the brewery,
// a room of the internal MUC service or another domain is refused with not-allowed and joins nothing, so the focus
// stays in the brewery and the bridges stay operational; an account of an untrusted domain that enters the brewery
// with colibri stats is never a bridge.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <sstream>
#include <string>

#include "support/harness_test_util.hpp"
#include "support/http_client.hpp"
#include "support/jicofo_binary.hpp"

namespace jicofo::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kFocusPassword = "focus-secret";
constexpr const char* kBridgePassword = "jvb-secret";

class RoomTrustTest : public ::testing::Test {
protected:
    void SetUp() override {
        ProsodyOptions options;
        options.users.emplace_back("focus", "auth.meet.test", kFocusPassword);
        options.users.emplace_back("jvb1", "auth.meet.test", kBridgePassword);
        prosody_ = start_prosody(options);
        ASSERT_TRUE(prosody_);
        brewery_ = "jvbbrewery@" + prosody_->internal_muc_domain();
        port_ = free_loopback_port();
        std::ostringstream settings;
        settings << "  bridge {\n"
                 << "    brewery-jid = \"" << brewery_ << "\"\n"
                 << "    health-checks.interval = 300 ms\n"
                 << "  }\n"
                 << "  health.enabled = false\n"
                 << "  rest { host = \"127.0.0.1\", port = " << port_ << " }\n";
        jicofo_ = start_jicofo_process(
            JICOFO_BINARY, jicofo_config(*prosody_, kFocusPassword, "    use-tls = false\n", settings.str()),
            prosody_->directory());
        ASSERT_TRUE(jicofo_);
    }

    void TearDown() override {
        if (jicofo_) {
            jicofo_->stop();
        }
    }

    // A bridge peer in the brewery with stats, logged in with `connect`.
    std::unique_ptr<PeerProcess> join_brewery(const std::string& nick, nlohmann::json connect) {
        auto bridge = start_peer(nick, "jvb_peer.py");
        if (!bridge || connect_peer(*bridge, *prosody_, std::move(connect)).empty()) {
            ADD_FAILURE() << "bridge " << nick << " did not connect";
            return nullptr;
        }
        const nlohmann::json join = {
            {"cmd", "join_brewery"}, {"room", brewery_}, {"nick", nick}, {"stats", {{"region", "eu-west"}}}};
        if (!bridge->request(join.dump(), "joined", kEventTimeout)) {
            ADD_FAILURE() << bridge->transcript();
            return nullptr;
        }
        return bridge;
    }

    std::unique_ptr<PeerProcess> trusted_bridge() {
        auto bridge = join_brewery("jvb1", connect_command(*prosody_, "jvb1@auth.meet.test", kBridgePassword));
        if (bridge) {
            EXPECT_TRUE(bridge->wait_for("healthcheck", 10s)) << bridge->transcript() << diagnostics();
        }
        return bridge;
    }

    // /debug's bridge_selector view: nick → operational.
    std::map<std::string, bool> bridges() {
        std::map<std::string, bool> nicks;
        const auto debug = get_rest_json(port_, "/debug");
        const auto listed =
            debug.value("bridge_selector", nlohmann::json::object()).value("bridge", nlohmann::json::object());
        for (const auto& [jid, bridge] : listed.items()) {
            nicks[bridge.value("nick", "")] = bridge.value("operational", false);
        }
        return nicks;
    }

    nlohmann::json conferences() { return get_rest_json(port_, "/debug/conferences"); }

    HttpReply post(const std::string& room) {
        const nlohmann::json body = {{"room", room}, {"machineUid", "m1"}};
        return http_request(port_, "POST", "/conference-request/v1", body.dump(),
                            {{"Content-Type", "application/json"}});
    }

    std::string diagnostics() const { return diagnostics_text(jicofo_.get(), *prosody_); }

    std::unique_ptr<ProsodyFixture> prosody_;
    std::unique_ptr<JicofoProcess> jicofo_;
    std::string brewery_;
    uint16_t port_ = 0;
};

TEST_F(RoomTrustTest, RequestsNamingTheBreweryOrOtherServicesAreNotAllowedAndTheBridgesStay) {
    auto jvb = trusted_bridge();
    ASSERT_TRUE(jvb);
    ASSERT_TRUE(poll([&] { return bridges() == std::map<std::string, bool>{{"jvb1", true}}; }, 10s)) << diagnostics();
    const std::vector<std::string> refused = {brewery_, "other@" + prosody_->internal_muc_domain(),
                                              "room1@conference.example.org", "room1@" + prosody_->auth_domain()};

    // REST.
    for (const auto& room : refused) {
        const auto reply = post(room);
        EXPECT_EQ(reply.status, 403) << room << ": " << reply.body;
        EXPECT_NE(reply.body.find("not-allowed"), std::string::npos) << reply.body;
    }

    // The conference IQ, from a guest of the main domain.
    auto participants = start_peer("participants", "participant_peer.py");
    ASSERT_TRUE(participants);
    nlohmann::json connect = connect_command(*prosody_, prosody_->domain());
    connect["name"] = "mallory";
    ASSERT_TRUE(participants->request(connect.dump(), "connected", 10s)) << participants->transcript();
    for (const auto& room : refused) {
        const nlohmann::json request = {{"cmd", "conference"},
                                        {"name", "mallory"},
                                        {"room", room},
                                        {"to", prosody_->focus_jid() + "/focus"},
                                        {"machine_uid", "uid-mallory"}};
        const auto reply = event_json(participants->request(request.dump(), "conference_reply", 10s));
        EXPECT_EQ(reply.value("type", ""), "error") << room << ": " << reply.dump();
        EXPECT_EQ(reply.value("condition", ""), "not-allowed") << room << ": " << reply.dump();
    }

    // Nothing was joined: no conference, the focus still in the brewery (health checks go on) and the bridge usable.
    EXPECT_EQ(conferences(), nlohmann::json::array());
    jvb->take_all();
    EXPECT_TRUE(jvb->wait_for("healthcheck", 5s)) << jvb->transcript();
    EXPECT_EQ(bridges(), (std::map<std::string, bool>{{"jvb1", true}})) << diagnostics();
    EXPECT_EQ(jicofo_->log_text().find("brewery=" + brewery_ + " we were"), std::string::npos) << diagnostics();

    // A room on the conference service still works, and another spelling of it (case, a fullwidth R) is the same
    // conference; a name Prosody refuses is a bad request.
    const auto good = post("room1@" + prosody_->muc_domain());
    EXPECT_EQ(good.status, 200) << good.body << diagnostics();
    const auto again = post("\xEF\xBC\xB2OOM1@Conference.Meet.Test");
    ASSERT_EQ(again.status, 200) << again.body << diagnostics();
    EXPECT_EQ(nlohmann::json::parse(again.body).value("room", ""), "room1@" + prosody_->muc_domain());
    EXPECT_EQ(conferences(), nlohmann::json::array({"room1@" + prosody_->muc_domain()}));
    const auto refused_name = post("room\xEE\x80\x80@" + prosody_->muc_domain());
    EXPECT_EQ(refused_name.status, 400) << refused_name.body;
}

TEST_F(RoomTrustTest, AnUntrustedAccountInTheBreweryIsNeverABridge) {
    // A guest of the anonymous main domain enters the brewery with colibri stats, before the real bridge.
    nlohmann::json anonymous = {{"cmd", "connect"},
                                {"anonymous", true},
                                {"domain", "meet.test"},
                                {"host", "127.0.0.1"},
                                {"port", prosody_->c2s_port()}};
    auto fake = join_brewery("evil", anonymous);
    ASSERT_TRUE(fake);
    auto jvb = trusted_bridge();
    ASSERT_TRUE(jvb);
    ASSERT_TRUE(poll([&] { return bridges().contains("jvb1"); }, 10s)) << diagnostics();
    // Several health-check rounds later, only the real bridge is known, and the guest was never probed.
    EXPECT_TRUE(jvb->wait_for("healthcheck", 5s));
    EXPECT_TRUE(jvb->wait_for("healthcheck", 5s));
    EXPECT_EQ(bridges(), (std::map<std::string, bool>{{"jvb1", true}})) << diagnostics();
    EXPECT_FALSE(fake->wait_for("healthcheck", 1s)) << fake->transcript();
    const auto stats = get_rest_json(port_, "/stats").value("bridge_selector", nlohmann::json::object());
    EXPECT_EQ(stats.value("bridge_count", -1), 1) << stats.dump();
}

}  // namespace
}  // namespace jicofo::testing
