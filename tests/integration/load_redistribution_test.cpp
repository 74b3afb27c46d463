// Load redistribution through the binary, with a real Prosody, two emulated bridges (tests/peers/jvb_peer.py) and
// emulated participants (tests/peers/participant_peer.py): a bridge that reports a stress above the threshold has
// its participants moved to the other bridge, counted in the metrics, and is then left alone for its timeout.
#include "integration/media_session_fixture.hpp"

#include <thread>

namespace jicofo::testing {
namespace {

class LoadRedistributionTest : public MediaSessionTest {
protected:
    [[nodiscard]] std::string extra_settings() const override {
        return "  bridge.load-redistribution {\n"
               "    enabled = true\n"
               "    interval = 1 second\n"
               "    stress-threshold = 0.9\n"
               "    timeout = 20 seconds\n"
               "    endpoints = 10\n"
               "  }\n";
    }

    void set_stress(PeerProcess& bridge, const std::string& nick, double stress) {
        const nlohmann::json command = {{"cmd", "set_stats"}, {"stats", {{"stress_level", stress}}}};
        ASSERT_TRUE(bridge.request(command.dump(), "stats", kEventTimeout)) << bridge.transcript();
        ASSERT_TRUE(poll([&] { return selector_view(nick).value("stress", -1.0) == stress; }, kSessionTimeout))
            << get_rest_json(port_, "/debug").dump();
    }

    // Alice and Bob have both been moved: a session-terminate, then an offer from a new colibri session.
    void both_moved() {
        for (const std::string name : {"alice", "bob"}) {
            const auto terminate = next("session_terminate", name, 20s);
            EXPECT_EQ(terminate["reason"], "success") << terminate.dump();
            const auto offer = next("session_initiate", name, 20s);
            EXPECT_EQ(offer["reply"], "result") << offer.dump();
        }
    }

    // The value of a counter in /metrics (Prometheus text), -1 when the line is missing.
    double metric(const std::string& series) {
        const auto text = http_request(port_, "GET", "/metrics").body;
        const auto at = text.find("\n" + series + " ");
        if (at == std::string::npos) {
            return -1;
        }
        return std::stod(text.substr(at + series.size() + 2));
    }

    void wait_until_on(PeerProcess& bridge, PeerProcess& other) {
        ASSERT_TRUE(poll(
            [&] {
                return endpoints_of(bridge_state(bridge)) == std::set<std::string>{"alice1", "bob1"} &&
                       endpoints_of(bridge_state(other)).empty();
            },
            kSessionTimeout))
            << bridge_state(bridge).dump() << bridge_state(other).dump() << diagnostics();
    }

    nlohmann::json redistributor_debug() {
        return get_rest_json(port_, "/debug").value("load_redistributor", nlohmann::json::object());
    }
};

TEST_F(LoadRedistributionTest, AnOverloadedBridgeIsRelievedThenLeftAloneForItsTimeout) {
    jvb1_ = start_bridge("jvb1", "eu-west");
    ASSERT_TRUE(jvb1_);
    jvb2_ = start_bridge("jvb2", "eu-west");
    ASSERT_TRUE(jvb2_);
    prefer_jvb1();
    ASSERT_FALSE(HasFatalFailure());
    add_participant("alice", "alice1");
    add_participant("bob", "bob1");
    next("session_initiate", "alice");
    next("session_initiate", "bob");
    wait_until_on(*jvb1_, *jvb2_);
    ASSERT_FALSE(HasFatalFailure());
    EXPECT_EQ(redistributor_debug().value("enabled", false), true) << redistributor_debug().dump();
    EXPECT_EQ(metric("jitsi_jicofo_load_redistributor_endpoints_moved_total"), 0);

    // jvb1 reports 0.95; jvb2 (0.5) is not overloaded: within a round, both are moved there.
    jvb1_->take_all();  // what jvb1 saw so far is not the move
    set_stress(*jvb1_, "jvb1", 0.95);
    ASSERT_FALSE(HasFatalFailure());
    both_moved();
    wait_until_on(*jvb2_, *jvb1_);
    ASSERT_FALSE(HasFatalFailure());
    // jvb1 was told: its endpoints (or the whole conference) expired.
    EXPECT_TRUE(jvb1_->wait_for(
        [](const std::string& l) {
            return PeerProcess::is_event(l, "colibri") && (l.find("\"expire_endpoint\"") != std::string::npos ||
                                                           l.find("\"expire_conference\"") != std::string::npos);
        },
        kEventTimeout))
        << jvb1_->transcript();
    ASSERT_TRUE(
        poll([&] { return metric("jitsi_jicofo_load_redistributor_endpoints_moved_total") == 2; }, kSessionTimeout))
        << http_request(port_, "GET", "/metrics").body;
    EXPECT_EQ(metric("jitsi_jicofo_bridge_endpoints_moved_total{jvb=\"jvb1\"}"), 2);
    EXPECT_EQ(metric("jitsi_jicofo_bridge_endpoints_moved_total{jvb=\"jvb2\"}"), 0);
    EXPECT_TRUE(redistributor_debug()["seconds_left_in_timeout"].contains(brewery_ + "/jvb1"))
        << redistributor_debug().dump();

    // Now jvb2 is the overloaded one: they go back to jvb1.
    set_stress(*jvb1_, "jvb1", 0.1);
    set_stress(*jvb2_, "jvb2", 0.95);
    ASSERT_FALSE(HasFatalFailure());
    both_moved();
    wait_until_on(*jvb1_, *jvb2_);
    ASSERT_FALSE(HasFatalFailure());

    // jvb1 overloaded again, but still in its timeout: nobody is moved for a few rounds.
    set_stress(*jvb2_, "jvb2", 0.5);
    set_stress(*jvb1_, "jvb1", 0.95);
    ASSERT_FALSE(HasFatalFailure());
    const auto left = redistributor_debug()["seconds_left_in_timeout"].value(brewery_ + "/jvb1", 0.0);
    ASSERT_GT(left, 4.0) << redistributor_debug().dump() << "\n(the steps above took too long for this check)";
    participants_->take_all();
    std::this_thread::sleep_for(3s);
    expect_none_of(*participants_, {"session_terminate"});
    EXPECT_EQ(metric("jitsi_jicofo_bridge_endpoints_moved_total{jvb=\"jvb1\"}"), 2);

    // Its timeout over, it is relieved again.
    both_moved();
    wait_until_on(*jvb2_, *jvb1_);
    ASSERT_TRUE(
        poll([&] { return metric("jitsi_jicofo_bridge_endpoints_moved_total{jvb=\"jvb1\"}") == 4; }, kSessionTimeout))
        << http_request(port_, "GET", "/metrics").body;
    EXPECT_EQ(metric("jitsi_jicofo_bridge_endpoints_moved_total{jvb=\"jvb2\"}"), 2);
    EXPECT_EQ(metric("jitsi_jicofo_load_redistributor_endpoints_moved_total"), 6);
    EXPECT_EQ(redistributor_debug().value("endpoints_moved", 0), 6) << redistributor_debug().dump();
}

}  // namespace
}  // namespace jicofo::testing
