// The test webhook receiver (tests/peers/webhook_receiver.py) as the integration tests drive it: started before
// jicofo (whose configuration names its port), asked for what it received, taken down and brought back.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "support/harness_test_util.hpp"

namespace jicofo::testing {

inline constexpr const char* kWebhookSecret = "hook-key";

class WebhookReceiver {
public:
    // Starts it on a free port; callers check ok().
    void start() {
        peer_ = start_peer("receiver", "webhook_receiver.py");
        ASSERT_TRUE(peer_);
        const nlohmann::json listen = {{"cmd", "listen"}, {"port", 0}, {"secret", kWebhookSecret}};
        const auto line = peer_->request(listen.dump(), "listening", kEventTimeout);
        ASSERT_TRUE(line) << peer_->transcript();
        port_ = event_json(line)["port"].get<int>();
    }

    // The jicofo.webhooks section that sends every event here, retrying quickly and for ever; `more` goes inside.
    [[nodiscard]] std::string settings(const std::string& more = {}) const {
        return "  webhooks {\n    urls = [\"http://127.0.0.1:" + std::to_string(port_) + "/hook\"]\n    secret = \"" +
               kWebhookSecret +
               "\"\n    max-retries = -1\n    retry-initial-backoff = 100 ms\n    retry-max-backoff = 500 ms\n"
               "    request-timeout = 2 seconds\n" +
               more + "  }\n";
    }

    nlohmann::json state(bool events = true) {
        const nlohmann::json dump = {{"cmd", "dump"}, {"events", events}};
        const auto line = peer_->request(dump.dump(), "state", kEventTimeout);
        EXPECT_TRUE(line) << peer_->transcript();
        return event_json(line);
    }

    // down, up, reset: answered by down, listening, reset.
    void command(const std::string& cmd, const std::string& answer) {
        ASSERT_TRUE(peer_->request(nlohmann::json{{"cmd", cmd}}.dump(), answer, kEventTimeout)) << peer_->transcript();
    }

    // The event types received for `room`, in order of first receipt.
    static std::vector<std::string> events_of(const nlohmann::json& state, const std::string& room) {
        const auto conferences = state.value("by_conference", nlohmann::json::object());
        return conferences.contains(room) ? conferences[room].get<std::vector<std::string>>()
                                          : std::vector<std::string>{};
    }

    // Valid signatures and requests, and each conference's events in order.
    static void expect_clean(const nlohmann::json& state) {
        EXPECT_EQ(state["bad_signatures"], 0) << state.dump();
        EXPECT_TRUE(state["bad_requests"].empty()) << state.dump();
        EXPECT_TRUE(state["order_violations"].empty()) << state.dump();
    }

    [[nodiscard]] bool started() const { return peer_ != nullptr; }

private:
    std::unique_ptr<PeerProcess> peer_;
    int port_ = 0;
};

}  // namespace jicofo::testing
