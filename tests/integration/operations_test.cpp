// Drain and configuration reload through the binary, against a real Prosody with a participant in a room:
// POST /drain refuses new rooms, keeps the running conference and exits 0 once it ends or at the deadline;
// DELETE cancels; SIGHUP applies live keys, names the ones needing a restart, and refuses an invalid file.
#include <signal.h>

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <string>

#include "support/harness_test_util.hpp"
#include "support/http_client.hpp"
#include "support/jicofo_binary.hpp"

namespace jicofo::testing {
namespace {

constexpr const char* kFocusPassword = "focus-secret";
constexpr const char* kRoom = "running@conference.meet.test";

class OperationsTest : public ::testing::Test {
protected:
    void SetUp() override {
        ProsodyOptions options;
        options.users.emplace_back("focus", "auth.meet.test", kFocusPassword);
        prosody_ = start_prosody(options);
        ASSERT_TRUE(prosody_);
        port_ = free_loopback_port();
    }

    std::string config_text(const std::string& extra) const {
        return jicofo_config(*prosody_, kFocusPassword, "    use-tls = false\n",
                             "  conference { initial-timeout = 1 second }\n"
                             "  health.interval = 200 ms\n"
                             "  rest { host = \"127.0.0.1\", port = " +
                                 std::to_string(port_) + " }\n" + extra + "\n");
    }

    void start_jicofo(const std::string& extra = "") {
        jicofo_ = start_jicofo_process(JICOFO_BINARY, config_text(extra), prosody_->directory());
        ASSERT_TRUE(jicofo_);
        ASSERT_TRUE(poll([&] { return http_request(port_, "GET", "/about/health").status == 200; }, 10s))
            << diagnostics();
    }

    // Rewrites jicofo.conf and sends SIGHUP; waits for the log line that says how the reload went.
    void reload(const std::string& text, const std::string& expected_log) {
        const auto before = jicofo_->log_text().size();
        {
            std::ofstream file(prosody_->directory() / "jicofo.conf", std::ios::trunc);
            file << text;
        }
        ASSERT_EQ(::kill(jicofo_->pid(), SIGHUP), 0);
        ASSERT_TRUE(poll([&] { return jicofo_->log_text().find(expected_log, before) != std::string::npos; }, 5s))
            << "no '" << expected_log << "' after the reload" << diagnostics();
    }

    // A participant in kRoom keeps its conference running.
    void alice_in_the_room() {
        ASSERT_EQ(request_room(kRoom).status, 200) << diagnostics();
        alice_ = start_peer("alice");
        ASSERT_TRUE(alice_);
        connect_peer(*alice_, *prosody_, connect_command(*prosody_, prosody_->domain()));
        ASSERT_TRUE(alice_->request(nlohmann::json{{"cmd", "join"}, {"room", kRoom}, {"nick", "a1b2c3d4"}}.dump(),
                                    "joined", 10s))
            << alice_->transcript();
        ASSERT_TRUE(poll([&] { return get_rest_json(port_, "/stats")["participants"] == 1; }, 5s)) << diagnostics();
    }

    void alice_leaves() {
        ASSERT_TRUE(alice_->request(nlohmann::json{{"cmd", "leave"}, {"room", kRoom}}.dump(), "left", 10s));
    }

    HttpReply request_room(const std::string& room) {
        return http_request(port_, "POST", "/conference-request/v1", R"({"room":")" + room + R"("})",
                            {{"Content-Type", "application/json"}});
    }

    HttpReply drain(const std::string& method, const std::string& body = "") {
        return http_request(port_, method, "/drain", body, {{"Content-Type", "application/json"}});
    }

    std::string diagnostics() const { return diagnostics_text(jicofo_.get(), *prosody_); }

    std::unique_ptr<ProsodyFixture> prosody_;
    uint16_t port_ = 0;
    std::unique_ptr<JicofoProcess> jicofo_;
    std::unique_ptr<PeerProcess> alice_;
};

TEST_F(OperationsTest, ADrainRefusesNewRoomsKeepsTheRunningConferenceAndExitsZeroWhenItEnds) {
    start_jicofo();
    alice_in_the_room();
    EXPECT_EQ(nlohmann::json::parse(drain("GET").body), nlohmann::json({{"draining", false}}));

    auto started = drain("POST", R"({"reason":"kernel upgrade"})");
    ASSERT_EQ(started.status, 200) << started.body << diagnostics();
    auto state = nlohmann::json::parse(started.body);
    EXPECT_EQ(state["draining"], true);
    EXPECT_EQ(state["reason"], "kernel upgrade");
    EXPECT_EQ(state["exiting"], false);

    auto health = http_request(port_, "GET", "/about/health");
    EXPECT_EQ(health.status, 503);
    EXPECT_EQ(health.body, "draining: kernel upgrade");
    auto refused = request_room("another@conference.meet.test");
    EXPECT_EQ(refused.status, 503) << refused.body;
    EXPECT_EQ(refused.body, "Service unavailable: draining: kernel upgrade");
    auto existing = request_room(kRoom);
    EXPECT_EQ(existing.status, 200) << existing.body;
    EXPECT_EQ(nlohmann::json::parse(drain("GET").body)["conferences"], 1);
    EXPECT_NE(http_request(port_, "GET", "/metrics").body.find("\njitsi_jicofo_draining 1\n"), std::string::npos);
    EXPECT_FALSE(jicofo_->wait(1500ms)) << "exited with a conference still running" << diagnostics();

    alice_leaves();
    auto status = jicofo_->wait(10s);
    ASSERT_TRUE(status) << "still running after its last conference ended" << diagnostics();
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << *status << diagnostics();
}

TEST_F(OperationsTest, ADrainEndsAtItsDeadlineWithAConferenceStillRunning) {
    start_jicofo();
    alice_in_the_room();
    const auto asked = std::chrono::steady_clock::now();
    ASSERT_EQ(drain("POST", R"({"deadline-seconds":2})").status, 200);
    auto status = jicofo_->wait(15s);
    ASSERT_TRUE(status) << diagnostics();
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << *status;
    EXPECT_GE(std::chrono::steady_clock::now() - asked, 2s);
    EXPECT_NE(jicofo_->log_text().find("deadline passed with 1 conference(s) still running"), std::string::npos)
        << diagnostics();
}

TEST_F(OperationsTest, ACancelledDrainTakesNewRoomsAgainAndBadBodiesAreRefused) {
    start_jicofo();
    alice_in_the_room();
    for (const auto* bad : {R"({"deadline-seconds":0})", R"({"deadline-seconds":"soon"})", R"({"reason":""})",
                            R"({"colour":"red"})", "[1,2]", "{"}) {
        auto refused = drain("POST", bad);
        EXPECT_EQ(refused.status, 400) << bad;
        EXPECT_FALSE(refused.body.empty()) << bad;
    }
    EXPECT_EQ(http_request(port_, "GET", "/about/health").status, 200) << "a refused request drains nothing";
    ASSERT_EQ(drain("POST").status, 200);
    ASSERT_EQ(http_request(port_, "GET", "/about/health").status, 503);
    auto cancelled = drain("DELETE");
    ASSERT_EQ(cancelled.status, 200) << cancelled.body;
    EXPECT_EQ(nlohmann::json::parse(cancelled.body)["draining"], false);
    EXPECT_TRUE(poll([&] { return http_request(port_, "GET", "/about/health").status == 200; }, 5s));
    EXPECT_EQ(request_room("another@conference.meet.test").status, 200);
    alice_leaves();
    EXPECT_FALSE(jicofo_->wait(2s)) << "a cancelled drain does not exit" << diagnostics();
}

TEST_F(OperationsTest, AReloadAppliesLiveKeysNamesRestartKeysAndLeavesTheRunningConferenceAlone) {
    start_jicofo("  conference.max-conferences = 10\n");
    alice_in_the_room();
    std::string changed = config_text("  conference.max-conferences = 1\n  health.max-check-duration = 3 seconds\n");
    // A port change is not applied: it needs a restart.
    const std::string port_line = "port = " + std::to_string(prosody_->c2s_port());
    changed.replace(changed.find(port_line), port_line.size(), "port = 1");
    reload(changed, "configuration reloaded from");
    const auto log = jicofo_->log_text();
    EXPECT_NE(log.find("jicofo.xmpp.client.port changed but needs a restart"), std::string::npos) << diagnostics();
    EXPECT_NE(log.find("applied jicofo.conference.max-conferences, jicofo.health.max-check-duration"),
              std::string::npos)
        << diagnostics();

    // The new cap holds the next request; the running conference and its participant are untouched, and the client
    // connection still runs on the port it started with.
    auto over = request_room("second@conference.meet.test");
    EXPECT_EQ(over.status, 503) << over.body;
    EXPECT_NE(over.body.find("too many conferences (max 1)"), std::string::npos) << over.body;
    EXPECT_EQ(request_room(kRoom).status, 200);
    EXPECT_EQ(get_rest_json(port_, "/stats")["participants"], 1);
    EXPECT_EQ(http_request(port_, "GET", "/about/health").status, 200);
    const auto metrics = http_request(port_, "GET", "/metrics").body;
    EXPECT_NE(metrics.find("jitsi_jicofo_config_reloads_total{result=\"applied\"} 1\n"), std::string::npos);
    EXPECT_NE(metrics.find("\njitsi_jicofo_draining 0\n"), std::string::npos);
}

TEST_F(OperationsTest, AnInvalidFileChangesNothingAndSaysWhereItIsWrong) {
    start_jicofo("  conference.max-conferences = 1\n");
    reload("jicofo {\n  conference.max-conferences = \"many\"\n}\n", "configuration reload refused, nothing changed:");
    const auto log = jicofo_->log_text();
    EXPECT_NE(log.find("jicofo.conf:2"), std::string::npos) << diagnostics();
    EXPECT_NE(log.find("jicofo.conference.max-conferences"), std::string::npos) << diagnostics();
    // Still serving with the old values: one room is allowed, a second is not.
    EXPECT_EQ(request_room("first@conference.meet.test").status, 200);
    EXPECT_EQ(request_room("second@conference.meet.test").status, 503);
    EXPECT_EQ(http_request(port_, "GET", "/about/health").status, 200);
    EXPECT_NE(
        http_request(port_, "GET", "/metrics").body.find("jitsi_jicofo_config_reloads_total{result=\"refused\"} 1\n"),
        std::string::npos);
}

TEST_F(OperationsTest, TheDrainKeyStartsAndCancelsADrainOnReload) {
    start_jicofo();
    alice_in_the_room();
    reload(config_text("  drain.enabled = true\n"), "configuration reloaded from");
    ASSERT_TRUE(poll([&] { return http_request(port_, "GET", "/about/health").status == 503; }, 5s)) << diagnostics();
    EXPECT_EQ(http_request(port_, "GET", "/about/health").body, "draining: jicofo.drain.enabled in the configuration");
    reload(config_text("  drain.enabled = false\n"), "configuration reloaded from");
    EXPECT_TRUE(poll([&] { return http_request(port_, "GET", "/about/health").status == 200; }, 5s)) << diagnostics();
    EXPECT_EQ(request_room("another@conference.meet.test").status, 200);
}

}  // namespace
}  // namespace jicofo::testing
