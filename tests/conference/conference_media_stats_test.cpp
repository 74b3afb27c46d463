// What ConferenceMedia reports for metrics and /stats: ICE failures and restart requests as participants send them,
// the join→session-accept time once per join, and a failed bridge only by the conferences that used it.
#include "conference_media_fixture.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace jicofo::conference::testing {
namespace {

using stanza::ErrorCondition;
using stanza::JingleAction;

class ConferenceMediaStats : public ConferenceMediaTest {
protected:
    ConferenceMediaStats() {
        settings.participant_ice_failed = [this] { ++ice_failed; };
        settings.participant_restart_requested = [this] { ++restarts; };
        settings.bridge_removed = [this] { ++bridges_removed; };
        settings.bridge_restart_requested = [this](const std::string& bridge_id) {
            bridge_restarts.push_back(bridge_id);
        };
        settings.join_to_session_accept = [this](std::chrono::steady_clock::duration d) {
            accepted_after.push_back(d);
        };
    }

    stanza::Jingle ice_failed_info(const std::string& nick, const std::string& bridge_session_id) {
        auto info = jingle(nick, JingleAction::session_info);
        info.ice_state = stanza::IceState{"failed"};
        info.bridge_session = stanza::BridgeSession{bridge_session_id, std::nullopt, std::nullopt, std::nullopt};
        return info;
    }
    stanza::Jingle restart_request(const std::string& nick, const std::string& bridge_session_id) {
        auto terminate = jingle(nick, JingleAction::session_terminate);
        terminate.bridge_session = stanza::BridgeSession{bridge_session_id, std::nullopt, true, std::nullopt};
        return terminate;
    }

    int ice_failed = 0;
    int restarts = 0;
    int bridges_removed = 0;
    std::vector<std::string> bridge_restarts;  // bridge ids, in order
    std::vector<std::chrono::steady_clock::duration> accepted_after;
};

TEST_F(ConferenceMediaStats, EveryIceFailureIsCountedAsJicofoDoesEvenForAnOlderSession) {
    alice_and_bob_accepted_without_sources();
    const auto session = offer_to("alice").bridge_session->id;

    EXPECT_TRUE(is_result(send("alice", ice_failed_info("alice", "an-older-session"))));
    EXPECT_EQ(ice_failed, 1);
    EXPECT_EQ(signaling.to("alice", JingleAction::session_terminate).size(), 0U) << "nothing to restart";
    EXPECT_TRUE(bridge_restarts.empty()) << "an older session says nothing of the bridge";

    EXPECT_TRUE(is_result(send("alice", ice_failed_info("alice", session))));
    EXPECT_EQ(ice_failed, 2);
    EXPECT_EQ(signaling.to("alice", JingleAction::session_terminate).size(), 1U) << "re-invited";
    EXPECT_EQ(bridge_restarts, std::vector<std::string>{bridge_info("jvb1").id}) << "counted against its bridge";

    auto plain_info = jingle("bob", JingleAction::session_info);
    EXPECT_TRUE(is_result(send("bob", plain_info)));
    EXPECT_EQ(ice_failed, 2) << "a session-info without ice-state failed is not a failure";
    EXPECT_EQ(restarts, 0);
}

TEST_F(ConferenceMediaStats, RestartRequestsAreCountedBeforeTheSessionAndRateChecks) {
    settings.conference.restart_request_rate_limits.min_interval = std::chrono::hours(1);
    alice_and_bob_accepted_without_sources();
    const auto session = offer_to("alice").bridge_session->id;

    EXPECT_EQ(condition(send("alice", restart_request("alice", "an-older-session"))), ErrorCondition::item_not_found);
    EXPECT_EQ(restarts, 1);
    EXPECT_TRUE(bridge_restarts.empty());
    EXPECT_TRUE(is_result(send("alice", restart_request("alice", session))));
    EXPECT_EQ(restarts, 2);
    EXPECT_EQ(bridge_restarts, std::vector<std::string>{bridge_info("jvb1").id});
    answer_allocations();
    EXPECT_EQ(condition(send("alice", restart_request("alice", session))), ErrorCondition::resource_constraint);
    EXPECT_EQ(restarts, 3);
    EXPECT_EQ(bridge_restarts.size(), 1U) << "a rate-limited request restarts nothing on the bridge";

    EXPECT_TRUE(is_result(send("bob", jingle("bob", JingleAction::session_terminate))));
    EXPECT_EQ(restarts, 3) << "a plain session-terminate is no restart request";
    EXPECT_EQ(ice_failed, 0);
}

TEST_F(ConferenceMediaStats, JoinToSessionAcceptIsMeasuredOncePerJoinNotPerReinvite) {
    alice_and_bob_accepted_without_sources();
    ASSERT_EQ(accepted_after.size(), 2U);
    for (const auto& elapsed : accepted_after) {
        EXPECT_GE(elapsed.count(), 0);
    }

    // Alice is moved: her second session-accept follows a re-invite, not a join.
    ASSERT_EQ(media->move_endpoints(std::nullopt, std::string("alice"), 1), 1);
    answer_allocations();
    ASSERT_EQ(signaling.to("alice", JingleAction::session_initiate).size(), 2U);
    EXPECT_TRUE(is_result(send("alice", accept("alice", client_contents({})))));
    EXPECT_EQ(accepted_after.size(), 2U);

    // A participant who leaves and comes back has joined again.
    media->participant_left("bob");
    join("bob");
    answer_allocations();
    EXPECT_TRUE(is_result(send("bob", accept("bob", client_contents({})))));
    EXPECT_EQ(accepted_after.size(), 3U);
}

TEST_F(ConferenceMediaStats, AFailedBridgeCountsAsRemovedOnlyInAConferenceThatUsedIt) {
    alice_and_bob_accepted_without_sources();
    media->bridge_down(allocator.bridges[1].id, "failed its health check");
    EXPECT_EQ(bridges_removed, 0) << "nobody was on jvb2";

    allocator.down.insert(allocator.bridges[0].id);
    media->bridge_down(allocator.bridges[0].id, "failed its health check");
    EXPECT_EQ(bridges_removed, 1);
    answer_allocations();

    media->bridge_down(allocator.bridges[0].id, "left");
    EXPECT_EQ(bridges_removed, 1) << "already gone from this conference";
}

TEST_F(ConferenceMediaStats, WithoutCallbacksNothingBreaks) {
    settings = ConferenceMediaSettings{};
    settings.conference.min_participants = 2;
    alice_and_bob_accepted_without_sources();
    const auto session = offer_to("alice").bridge_session->id;
    EXPECT_TRUE(is_result(send("alice", ice_failed_info("alice", session))));
    answer_allocations();
    EXPECT_TRUE(is_result(send("bob", restart_request("bob", *bridge_session_of("jvb1")))));
    media->bridge_down(allocator.bridges[0].id, "left");
    EXPECT_EQ(ice_failed + restarts + bridges_removed, 0);
    EXPECT_TRUE(accepted_after.empty());
}

}  // namespace
}  // namespace jicofo::conference::testing
