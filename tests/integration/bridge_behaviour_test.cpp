// What Jicofo does with bridges beyond placing participants, checked end to end against emulated bridges
// (tests/peers/jvb_peer.py) and participants: the per-endpoint options the bridge gets (rtp-mid-demux, diarize),
// failing-ICE detection, a bridge's graceful shutdown and shutting-down, and the per-interval join cap.
#include "integration/media_session_fixture.hpp"

#include <algorithm>
#include <regex>
#include <string>
#include <thread>

namespace jicofo::testing {
namespace {

class BridgeBehaviourTest : public MediaSessionTest {
protected:
    // jvb1 joins beside a running jvb2, which reports more stress: without a reason to avoid jvb1, everyone goes
    // there.
    void prefer_jvb1_once_up() {
        jvb1_ = start_bridge("jvb1", "eu-west");
        ASSERT_TRUE(jvb1_);
        prefer_jvb1();
    }

    // jvb2, then jvb1 preferred, then Alice and Bob on jvb1. Callers check HasFatalFailure().
    void alice_and_bob_on_jvb1_beside_jvb2() {
        jvb2_ = start_bridge("jvb2", "eu-west");
        ASSERT_TRUE(jvb2_);
        prefer_jvb1_once_up();
        ASSERT_FALSE(HasFatalFailure());
        alice_and_bob_on_jvb1();
    }

    // Alice and Bob in room_ (region eu-west) with sessions on jvb1, each holding the other's sources.
    void alice_and_bob_on_jvb1() {
        add_participant("alice", "alice1", "eu-west");
        add_participant("bob", "bob1", "eu-west");
        next("session_initiate", "alice");
        next("session_initiate", "bob");
        ASSERT_TRUE(poll(
            [&] {
                return endpoints_of(bridge_state(*jvb1_)) == std::set<std::string>{"alice1", "bob1"} &&
                       dump("bob")["remote_sources"].contains("alice1") &&
                       dump("alice")["remote_sources"].contains("bob1");
            },
            kSessionTimeout))
            << bridge_state(*jvb1_).dump() << participants_->transcript() << diagnostics();
    }

    void add_to_room(const std::string& name, const std::string& nick, const std::string& room) {
        connect_participant(name);
        enter_room(name, room, nick);
    }

    // Carol and Dave open a second conference; both end up with an endpoint on `bridge`.
    void carol_and_dave_in_a_second_room_on(PeerProcess& bridge) {
        add_to_room("carol", "carol1", second_room());
        add_to_room("dave", "dave1", second_room());
        next("session_initiate", "carol");
        next("session_initiate", "dave");
        ASSERT_TRUE(
            poll([&] { return !endpoint_on(bridge, "carol1").is_null() && !endpoint_on(bridge, "dave1").is_null(); },
                 kSessionTimeout))
            << bridge_state(bridge).dump() << diagnostics();
    }

    // A per-bridge series in /metrics' Prometheus text, e.g. jitsi_jicofo_bridge_failing_ice{jvb="jvb1"} (-1 when
    // absent; the JSON rendering leaves labelled series out, as jicoco's does).
    double bridge_series(const std::string& family, const std::string& nick) {
        const auto reply = http_request(port_, "GET", "/metrics");
        const std::regex sample(R"((^|\n)jitsi_jicofo_)" + family + R"(\{jvb=")" + nick + R"("\} ([0-9.e+-]+))");
        std::smatch found;
        return std::regex_search(reply.body, found, sample) ? std::stod(found[2].str()) : -1;
    }

    std::string second_room() const { return "other1@" + prosody_->muc_domain(); }
};

// The peers' lib-jitsi-meet features plus SSRC rewriting and mid demux, as a current Chrome client has.
nlohmann::json demuxing_client_features() {
    auto features = lib_jitsi_meet_peer_features();
    features.emplace_back("http://jitsi.org/ssrc-rewriting-1");
    features.emplace_back("http://jitsi.org/rtp-mid-demux");
    return features;
}

TEST_F(BridgeBehaviourTest, TheBridgeGetsRtpMidDemuxAndDiarizeForWhoAskedForThem) {
    jvb1_ = start_bridge("jvb1", "eu-west");
    ASSERT_TRUE(jvb1_);
    connect_participant("alice");
    enter_room("alice", room_, "alice1", {{"features", demuxing_client_features()}, {"diarize", true}});
    add_participant("bob", "bob1");
    next("session_initiate", "alice");
    next("session_initiate", "bob");

    ASSERT_TRUE(poll([&] { return !endpoint_on(*jvb1_, "alice1").is_null() && !endpoint_on(*jvb1_, "bob1").is_null(); },
                     kSessionTimeout))
        << bridge_state(*jvb1_).dump() << diagnostics();
    const auto alice = endpoint_on(*jvb1_, "alice1");
    const auto bob = endpoint_on(*jvb1_, "bob1");
    const auto has = [](const nlohmann::json& endpoint, const std::string& capability) {
        const auto capabilities = endpoint.value("capabilities", nlohmann::json::array());
        return std::find(capabilities.begin(), capabilities.end(), capability) != capabilities.end();
    };
    EXPECT_TRUE(has(alice, "ssrc-rewriting")) << alice.dump();
    EXPECT_TRUE(has(alice, "rtp-mid-demux")) << alice.dump();
    EXPECT_TRUE(alice.value("diarize", false)) << alice.dump();
    EXPECT_FALSE(has(bob, "rtp-mid-demux")) << bob.dump();
    EXPECT_FALSE(bob.value("diarize", true)) << bob.dump();
}

class IceFailureDetectionTest : public BridgeBehaviourTest {
protected:
    [[nodiscard]] std::string extra_settings() const override {
        // Two endpoints and one restart request in the window: 1 > 2 x 0.1, so the bridge is failing ICE.
        return "  bridge.ice-failure-detection { enabled = true, min-endpoints = 2, threshold = 0.1, "
               "interval = 2 minutes, timeout = 10 minutes }\n";
    }
};

TEST_F(IceFailureDetectionTest, RestartRequestsMarkTheBridgeAndNewConferencesGoElsewhere) {
    alice_and_bob_on_jvb1_beside_jvb2();
    ASSERT_FALSE(HasFatalFailure());
    EXPECT_FALSE(selector_view("jvb1").value("failing-ice", true));

    // Alice's client gave up on ICE and asks for a restart (session-terminate with a restart bridge-session).
    const nlohmann::json restart = {{"cmd", "session_terminate"}, {"name", "alice"}};
    ASSERT_TRUE(participants_->request(restart.dump(), "jingle_reply", kSessionTimeout)) << participants_->transcript();
    ASSERT_TRUE(poll([&] { return selector_view("jvb1").value("failing-ice", false); }, kSessionTimeout))
        << get_rest_json(port_, "/debug").dump() << diagnostics();
    EXPECT_EQ(bridge_series("bridge_failing_ice", "jvb1"), 1) << http_request(port_, "GET", "/metrics").body;
    EXPECT_EQ(bridge_series("bridge_restart_requests_total", "jvb1"), 1);
    EXPECT_EQ(bridge_series("bridge_failing_ice", "jvb2"), 0);
    EXPECT_FALSE(selector_view("jvb2").value("failing-ice", true));

    // jvb1 is less loaded by what it reports, but its corrected stress is over the threshold: a new conference
    // goes to jvb2. The running one is not moved (Jicofo only avoids the bridge).
    carol_and_dave_in_a_second_room_on(*jvb2_);
    ASSERT_FALSE(HasFatalFailure());
    EXPECT_TRUE(endpoint_on(*jvb1_, "carol1").is_null());
    EXPECT_FALSE(endpoint_on(*jvb1_, "bob1").is_null()) << "bob stays where he is";
}

TEST_F(BridgeBehaviourTest, ABridgeInGracefulShutdownKeepsItsConferencesButGetsNoNewOneAndIsNotLost) {
    alice_and_bob_on_jvb1_beside_jvb2();
    ASSERT_FALSE(HasFatalFailure());
    participants_->take_all();

    ASSERT_TRUE(jvb1_->request(R"({"cmd":"set_stats","stats":{"graceful_shutdown":true}})", "stats", kEventTimeout));
    ASSERT_TRUE(poll([&] { return selector_view("jvb1").value("graceful-shutdown", false); }, kSessionTimeout))
        << get_rest_json(port_, "/debug").dump();
    EXPECT_TRUE(selector_view("jvb1").value("operational", false)) << "shutting down gracefully is not a failure";
    EXPECT_EQ(rest_json("/stats")["bridge_selector"].value("in_shutdown_bridge_count", -1), 1);

    carol_and_dave_in_a_second_room_on(*jvb2_);
    ASSERT_FALSE(HasFatalFailure());
    EXPECT_EQ(endpoints_of(bridge_state(*jvb1_)), (std::set<std::string>{"alice1", "bob1"})) << "nobody moved";
    for (const auto& line : participants_->take_all()) {
        EXPECT_FALSE(PeerProcess::is_event(line, "session_terminate") &&
                     (PeerProcess::has_field(line, "name", "alice") || PeerProcess::has_field(line, "name", "bob")))
            << line;
    }

    // When it finally leaves, its participants move to jvb2, and a bridge that said it was going is not lost.
    ASSERT_TRUE(jvb1_->request(R"({"cmd":"leave_brewery"})", "left", kEventTimeout));
    ASSERT_TRUE(poll(
        [&] {
            return endpoints_of(bridge_state(*jvb2_)) == std::set<std::string>{"alice1", "bob1", "carol1", "dave1"};
        },
        30s))
        << bridge_state(*jvb2_).dump() << diagnostics();
    const auto stats = rest_json("/stats");
    EXPECT_EQ(stats["bridge_selector"].value("lost_bridges", -1), 0) << stats.dump();
    EXPECT_EQ(stats["bridge_selector"].value("bridge_count", -1), 1) << stats.dump();
}

TEST_F(BridgeBehaviourTest, ABridgeShuttingDownHasItsParticipantsMovedAtOnce) {
    alice_and_bob_on_jvb1_beside_jvb2();
    ASSERT_FALSE(HasFatalFailure());

    ASSERT_TRUE(jvb1_->request(R"({"cmd":"set_stats","stats":{"shutting_down":true}})", "stats", kEventTimeout));
    ASSERT_TRUE(poll(
        [&] {
            return endpoints_of(bridge_state(*jvb2_)) == std::set<std::string>{"alice1", "bob1"};
        },
        30s))
        << bridge_state(*jvb2_).dump() << diagnostics();
    EXPECT_TRUE(selector_view("jvb1").value("shutting-down", false));
    EXPECT_EQ(rest_json("/stats")["bridge_failures"].value("participants_moved", -1), 2);
}

// RegionBased with relays and a cap of two joins per bridge per interval: the third joiner of the interval goes to
// another bridge, which the rate-limited counter counts, and once the interval is over the first bridge is used
// again.
class JoinRateCapTest : public BridgeBehaviourTest {
protected:
    [[nodiscard]] std::string extra_settings() const override {
        return "  bridge.selection-strategy = RegionBasedBridgeSelectionStrategy\n"
               "  bridge.max-bridge-participants-per-interval = 2\n"
               "  bridge.max-bridge-participants-interval = 4 seconds\n"
               "  octo.enabled = true\n";
    }
};

TEST_F(JoinRateCapTest, TheThirdJoinWithinTheIntervalGoesToAnotherBridge) {
    alice_and_bob_on_jvb1_beside_jvb2();
    ASSERT_FALSE(HasFatalFailure());
    EXPECT_EQ(rest_json("/metrics", "application/json").value("bridge_selection_rate_limited_total", -1), 0)
        << "two joins are at the cap, not over it";

    add_participant("carol", "carol1", "eu-west");
    next("session_initiate", "carol");
    ASSERT_TRUE(poll([&] { return !endpoint_on(*jvb2_, "carol1").is_null(); }, kSessionTimeout))
        << bridge_state(*jvb1_).dump() << bridge_state(*jvb2_).dump() << diagnostics();
    EXPECT_GE(rest_json("/metrics", "application/json").value("bridge_selection_rate_limited_total", -1), 1);

    // After the interval jvb1 (still the less loaded by its report) takes joins again.
    std::this_thread::sleep_for(4500ms);
    add_participant("dave", "dave1", "eu-west");
    next("session_initiate", "dave");
    ASSERT_TRUE(poll([&] { return !endpoint_on(*jvb1_, "dave1").is_null(); }, kSessionTimeout))
        << bridge_state(*jvb1_).dump() << bridge_state(*jvb2_).dump() << diagnostics();
}

}  // namespace
}  // namespace jicofo::testing
