// The jicofo binary against a real Prosody: it logs in as the focus user, /about/health follows the client
// connection through a Prosody crash and restart, and a wrong password is reported as such.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>

#include "support/harness_test_util.hpp"
#include "support/http_client.hpp"
#include "support/jicofo_binary.hpp"
#include "support/subprocess.hpp"

namespace jicofo::testing {
namespace {

constexpr const char* kFocusPassword = "focus-secret";

using HttpAnswer = HttpReply;

HttpAnswer http_get(uint16_t port, const std::string& path) {
    return http_request(port, "GET", path);
}

// Polls until `accept` likes the answer or the deadline passes; returns the last answer.
HttpAnswer poll_health(uint16_t port, std::chrono::milliseconds deadline,
                       const std::function<bool(const HttpAnswer&)>& accept) {
    HttpAnswer last;
    poll(
        [&] {
            last = http_get(port, "/about/health");
            return accept(last);
        },
        deadline, std::chrono::milliseconds(100));
    return last;
}

class ShardTest : public ::testing::Test {
protected:
    void SetUp() override {
        ProsodyOptions options;
        options.tls = true;
        options.users.emplace_back("focus", "auth.meet.test", kFocusPassword);
        prosody_ = start_prosody(options);
        ASSERT_TRUE(prosody_);
        rest_port_ = free_loopback_port();
    }

    void start_jicofo(const std::string& password, const std::string& extra_config = "") {
        const std::string config = jicofo_config(*prosody_, password, "    disable-certificate-verification = true\n",
                                                 "  health { enabled = true, interval = 200 ms }\n"
                                                 "  rest { host = \"127.0.0.1\", port = " +
                                                     std::to_string(rest_port_) + " }\n" + extra_config + "\n");
        jicofo_ = start_jicofo_process(JICOFO_BINARY, config, prosody_->directory());
        ASSERT_TRUE(jicofo_);
    }

    std::string diagnostics() const { return diagnostics_text(jicofo_.get(), *prosody_); }

    std::unique_ptr<ProsodyFixture> prosody_;
    uint16_t rest_port_ = 0;
    std::unique_ptr<JicofoProcess> jicofo_;
};

TEST_F(ShardTest, HealthyOnceTheFocusHasLoggedIn) {
    start_jicofo(kFocusPassword);
    auto answer =
        poll_health(rest_port_, std::chrono::seconds(10), [](const HttpAnswer& a) { return a.status == 200; });
    EXPECT_EQ(answer.status, 200) << answer.body << diagnostics();
    EXPECT_EQ(answer.body, "OK");
    // Prosody saw the focus authenticate as its registered user.
    EXPECT_NE(prosody_->log_text().find("focus@auth.meet.test"), std::string::npos) << diagnostics();

    // /debug shows each XMPP connection's state.
    auto debug = http_get(rest_port_, "/debug");
    ASSERT_EQ(debug.status, 200) << debug.body;
    auto state = nlohmann::json::parse(debug.body, nullptr, false);
    ASSERT_TRUE(state.contains("xmpp_connections")) << debug.body;
    ASSERT_EQ(state["xmpp_connections"].size(), 1u) << debug.body;
    const auto& client = state["xmpp_connections"][0];
    EXPECT_EQ(client["name"], "client");
    EXPECT_EQ(client["state"], "connected");
    EXPECT_EQ(client["session"], "fresh");
    EXPECT_EQ(client["bound_jid"], "focus@auth.meet.test/focus");
    EXPECT_GE(client["sessions"].get<int>(), 1);
}

TEST_F(ShardTest, HealthFollowsTheClientConnectionThroughAProsodyCrash) {
    start_jicofo(kFocusPassword);
    ASSERT_EQ(
        poll_health(rest_port_, std::chrono::seconds(10), [](const HttpAnswer& a) { return a.status == 200; }).status,
        200)
        << diagnostics();

    prosody_->kill();
    auto down = poll_health(rest_port_, std::chrono::seconds(20), [](const HttpAnswer& a) { return a.status == 503; });
    EXPECT_EQ(down.status, 503) << diagnostics();
    EXPECT_NE(down.body.find("client"), std::string::npos) << down.body;

    ASSERT_TRUE(prosody_->restart()) << prosody_->log_text();
    auto back = poll_health(rest_port_, std::chrono::seconds(20), [](const HttpAnswer& a) { return a.status == 200; });
    EXPECT_EQ(back.status, 200) << back.body << diagnostics();
}

TEST_F(ShardTest, WrongPasswordIsReportedAsAnAuthenticationFailure) {
    start_jicofo("not-the-password");
    auto answer = poll_health(rest_port_, std::chrono::seconds(10), [](const HttpAnswer& a) {
        return a.status == 503 && a.body.find("auth") != std::string::npos;
    });
    EXPECT_EQ(answer.status, 503) << diagnostics();
    EXPECT_NE(answer.body.find("auth"), std::string::npos) << answer.body;
}

TEST_F(ShardTest, PacketLogReceivesEveryStanzaInItsOwnFile) {
    const auto packet_log = prosody_->directory() / "jicofo-xmpp.log";
    start_jicofo(kFocusPassword, "  logging.xmpp-packets { enabled = true, file = \"" + packet_log.string() + "\" }");
    ASSERT_EQ(
        poll_health(rest_port_, std::chrono::seconds(10), [](const HttpAnswer& a) { return a.status == 200; }).status,
        200)
        << diagnostics();
    const auto packets = read_file_text(packet_log);
    EXPECT_NE(packets.find("<presence"), std::string::npos) << packets;
    // The main log does not carry the packets.
    EXPECT_EQ(jicofo_->log_text().find("<presence"), std::string::npos);
}

TEST_F(ShardTest, SigtermClosesTheXmppSessionAndExitsZero) {
    start_jicofo(kFocusPassword);
    ASSERT_EQ(
        poll_health(rest_port_, std::chrono::seconds(10), [](const HttpAnswer& a) { return a.status == 200; }).status,
        200)
        << diagnostics();
    ::kill(jicofo_->pid(), SIGTERM);
    auto status = jicofo_->wait(std::chrono::seconds(15));
    ASSERT_TRUE(status) << "jicofo did not exit after SIGTERM\n" << diagnostics();
    EXPECT_TRUE(WIFEXITED(*status));
    EXPECT_EQ(WEXITSTATUS(*status), 0) << diagnostics();
    EXPECT_EQ(http_get(rest_port_, "/about/health").status, 0);
}

}  // namespace
}  // namespace jicofo::testing
