// ColibriSessionManager against a fake bridge transport and a fake selector: what goes to the bridge, in which
// order, and how each kind of bridge failure reaches the participants.
#include "jicofo/colibri/colibri_session_manager.hpp"

#include "colibri/colibri_fakes.hpp"

#include <gtest/gtest.h>

namespace jicofo::colibri {
namespace {

using namespace fakes;

class ColibriSessionManagerTest : public ::testing::Test {
protected:
    ColibriSessionManagerTest() {
        allocator.bridges.push_back(bridge("jvb1"));
        listener.session_failed = [this](const std::string& id, const std::vector<std::string>& endpoints) {
            failed_sessions.emplace_back(id, endpoints);
        };
        listener.endpoint_lost = [this](const std::string& id) { lost.push_back(id); };
        manager = std::make_unique<ColibriSessionManager>(transport, allocator, settings(), listener);
    }
    static ColibriSettings settings() {
        ColibriSettings s;
        s.meeting_id = "meeting-1";
        s.room_name = "room1@conference.meet.test";
        s.rtcstats_enabled = true;
        return s;
    }
    std::vector<AllocationResult>& allocate(const std::string& endpoint, bool visitor = false) {
        EndpointRequest request;
        request.endpoint_id = endpoint;
        request.participant.visitor = visitor;
        request.stats_id = "stats-" + endpoint;
        request.sctp = true;
        auto& results = this->results[endpoint];
        manager->allocate(request, [&results](AllocationResult r) { results.push_back(std::move(r)); });
        return results;
    }

    FakeTransport transport;
    FakeAllocator allocator;
    ColibriListener listener;
    std::vector<std::pair<std::string, std::vector<std::string>>> failed_sessions;
    std::vector<std::string> lost;
    std::map<std::string, std::vector<AllocationResult>> results;
    std::unique_ptr<ColibriSessionManager> manager;
};

TEST_F(ColibriSessionManagerTest, FirstEndpointCreatesTheConferenceAndGetsTheBridgeTransport) {
    auto& results = allocate("alice");
    ASSERT_EQ(transport.sent.size(), 1U);
    auto sent = transport.take();
    EXPECT_EQ(sent.bridge.to_string(), "jvbbrewery@internal.auth.meet.test/jvb1");
    EXPECT_TRUE(sent.request.create);
    EXPECT_EQ(sent.request.meeting_id, "meeting-1");
    EXPECT_EQ(sent.request.name, std::optional<std::string>("room1@conference.meet.test"));
    ASSERT_EQ(sent.request.endpoints.size(), 1U);
    const auto& endpoint = sent.request.endpoints[0];
    EXPECT_EQ(endpoint.id, "alice");
    EXPECT_TRUE(endpoint.create);
    EXPECT_EQ(endpoint.stats_id, std::optional<std::string>("stats-alice"));
    ASSERT_TRUE(endpoint.transport);
    EXPECT_EQ(endpoint.transport->ice_controlling, std::optional<bool>(true));
    EXPECT_TRUE(endpoint.transport->sctp.has_value());

    sent.done(allocated("alice", true));
    ASSERT_EQ(results.size(), 1U);
    ASSERT_TRUE(results[0]) << results[0].error().message;
    EXPECT_EQ(results[0]->transport.ufrag, std::optional<std::string>("uf-alice"));
    ASSERT_TRUE(results[0]->feedback_sources);
    EXPECT_EQ(results[0]->feedback_sources->media_sources.size(), 1U);
    EXPECT_EQ(manager->bridge_of("alice"), std::optional<std::string>(allocator.bridges[0].id));
    EXPECT_EQ(manager->session_id_of("alice"), std::optional<std::string>(results[0]->session_id));
}

TEST_F(ColibriSessionManagerTest, EndpointsWaitUntilTheBridgeConferenceExists) {
    allocate("alice");
    auto& bob = allocate("bob");
    ASSERT_EQ(transport.sent.size(), 1U) << "bob must not race alice's create";
    auto create = transport.take();
    create.done(allocated("alice", true));
    ASSERT_EQ(transport.sent.size(), 1U);
    auto second = transport.take();
    EXPECT_FALSE(second.request.create);
    EXPECT_FALSE(second.request.name.has_value());
    ASSERT_EQ(second.request.endpoints.size(), 1U);
    EXPECT_EQ(second.request.endpoints[0].id, "bob");
    second.done(allocated("bob", false));
    ASSERT_EQ(bob.size(), 1U);
    ASSERT_TRUE(bob[0]);
    // The feedback sources learnt from the create are handed to later endpoints too.
    EXPECT_TRUE(bob[0]->feedback_sources.has_value());
    auto bridges = manager->conference_bridges();
    ASSERT_EQ(bridges.size(), 1U);
    EXPECT_EQ(bridges[0].participants, 2);
    EXPECT_EQ(bridges[0].recently_added, 2);
}

TEST_F(ColibriSessionManagerTest, SelectionsRunOneAtATimeSoTheSecondSeesTheFirstBridge) {
    allocator.defer = true;
    allocate("alice");
    allocate("bob");
    ASSERT_EQ(allocator.selections, 1) << "bob's selection must wait for alice's";
    EXPECT_TRUE(allocator.last_conference.empty());
    auto first = std::move(allocator.deferred.front());
    allocator.deferred.clear();
    first();
    ASSERT_EQ(allocator.selections, 2);
    ASSERT_EQ(allocator.last_conference.size(), 1U);
    EXPECT_EQ(allocator.last_conference[0].bridge_id, allocator.bridges[0].id);
    EXPECT_EQ(allocator.last_conference[0].participants, 1);
}

// The Visitor selection strategy keeps visitors and participants on different bridges: it must be told which of
// the conference's bridges were opened for visitors.
TEST_F(ColibriSessionManagerTest, ABridgeOpenedForAVisitorIsSelectedAsAVisitorBridge) {
    allocator.bridges = {bridge("jvb2"), bridge("jvb1")};
    allocate("viewer", true);
    allocator.bridges = {bridge("jvb1")};
    allocate("alice");
    ASSERT_EQ(allocator.last_conference.size(), 1U);
    EXPECT_EQ(allocator.last_conference[0].bridge_id, bridge("jvb2").id);
    EXPECT_TRUE(allocator.last_conference[0].visitor);
    allocate("bob");
    ASSERT_EQ(allocator.last_conference.size(), 2U);
    EXPECT_FALSE(allocator.last_conference[1].visitor) << "jvb1 was opened for a participant";
}

TEST_F(ColibriSessionManagerTest, NoBridgeIsReported) {
    allocator.bridges.clear();
    auto& results = allocate("alice");
    ASSERT_EQ(results.size(), 1U);
    ASSERT_FALSE(results[0]);
    EXPECT_EQ(results[0].error().code, AllocationErrc::no_bridge);
    EXPECT_TRUE(transport.sent.empty());
}

TEST_F(ColibriSessionManagerTest, TimeoutMarksTheBridgeAndMovesEveryoneOnIt) {
    allocate("alice");
    transport.take().done(allocated("alice", true));
    auto& bob = allocate("bob");
    transport.take().done(timeout_reply());
    ASSERT_EQ(bob.size(), 1U);
    ASSERT_FALSE(bob[0]);
    EXPECT_EQ(bob[0].error().code, AllocationErrc::bridge_failed);
    ASSERT_EQ(allocator.failures.size(), 1U);
    EXPECT_EQ(allocator.failures[0].first, allocator.bridges[0].id);
    EXPECT_FALSE(allocator.failures[0].second);
    ASSERT_EQ(failed_sessions.size(), 1U);
    EXPECT_EQ(failed_sessions[0].second, std::vector<std::string>{"alice"});
    EXPECT_FALSE(manager->bridge_of("alice").has_value());
    EXPECT_EQ(allocator.removed[allocator.bridges[0].id], 1);
}

// Our XMPP link dropped while the bridge was allocating: the bridge is not blamed and nobody on it moves.
TEST_F(ColibriSessionManagerTest, AnAllocationLostWithOurLinkBlamesNoBridgeAndMovesNobody) {
    allocate("alice");
    transport.take().done(allocated("alice", true));
    auto& bob = allocate("bob");
    transport.take().done(disconnected_reply());
    ASSERT_EQ(bob.size(), 1U);
    ASSERT_FALSE(bob[0]);
    EXPECT_EQ(bob[0].error().code, AllocationErrc::disconnected);
    EXPECT_TRUE(allocator.failures.empty());
    EXPECT_TRUE(failed_sessions.empty());
    EXPECT_EQ(manager->bridge_of("alice"), std::optional(allocator.bridges[0].id));
    // Bob's endpoint is expired in case the bridge created it, so that his next try does not conflict.
    auto expire = transport.take();
    ASSERT_EQ(expire.request.endpoints.size(), 1U);
    EXPECT_EQ(expire.request.endpoints[0].id, "bob");
    EXPECT_TRUE(expire.request.endpoints[0].expire);
    // Bob's next try goes to the same session, without creating the conference again.
    auto& again = allocate("bob");
    auto sent = transport.take();
    EXPECT_EQ(sent.bridge, allocator.bridges[0].jid);
    EXPECT_FALSE(sent.request.create);
    sent.done(allocated("bob", false));
    ASSERT_EQ(again.size(), 2U);  // bob's results: the lost one, then this one
    EXPECT_TRUE(again[1]);
}

// The link dropped while the bridge was creating the conference: the conference is expired (in case the bridge
// did create it) and forgotten; endpoints waiting for it fail as disconnected too; the next try creates it afresh.
TEST_F(ColibriSessionManagerTest, AConferenceCreateLostWithOurLinkIsExpiredAndCreatedAgain) {
    auto& alice = allocate("alice");
    auto& bob = allocate("bob");  // waits for the conference
    auto create = transport.take();
    create.done(disconnected_reply());
    ASSERT_EQ(alice.size(), 1U);
    EXPECT_EQ(alice[0].error().code, AllocationErrc::disconnected);
    ASSERT_EQ(bob.size(), 1U);
    EXPECT_EQ(bob[0].error().code, AllocationErrc::disconnected);
    EXPECT_TRUE(allocator.failures.empty());
    EXPECT_TRUE(failed_sessions.empty());
    auto expire = transport.take();
    EXPECT_TRUE(expire.request.expire);
    EXPECT_EQ(expire.bridge, allocator.bridges[0].jid);
    allocate("alice");
    auto again = transport.take();
    EXPECT_TRUE(again.request.create);
}

TEST_F(ColibriSessionManagerTest, GracefulShutdownIsReportedAsSuch) {
    auto& alice = allocate("alice");
    transport.take().done(
        error_reply(stanza::ErrorCondition::service_unavailable, stanza::Colibri2ErrorReason::graceful_shutdown));
    ASSERT_FALSE(alice.at(0));
    EXPECT_EQ(alice[0].error().code, AllocationErrc::bridge_failed);
    ASSERT_EQ(allocator.failures.size(), 1U);
    EXPECT_TRUE(allocator.failures[0].second);
}

TEST_F(ColibriSessionManagerTest, BadRequestIsNotRetriedElsewhere) {
    auto& alice = allocate("alice");
    transport.take().done(error_reply(stanza::ErrorCondition::bad_request));
    ASSERT_FALSE(alice.at(0));
    EXPECT_EQ(alice[0].error().code, AllocationErrc::rejected);
    EXPECT_TRUE(allocator.failures.empty());
}

TEST_F(ColibriSessionManagerTest, ConferenceNotFoundDropsTheSessionWithoutBlamingTheBridge) {
    allocate("alice");
    transport.take().done(allocated("alice", true));
    auto& bob = allocate("bob");
    transport.take().done(
        error_reply(stanza::ErrorCondition::item_not_found, stanza::Colibri2ErrorReason::conference_not_found));
    EXPECT_EQ(bob.at(0).error().code, AllocationErrc::bridge_failed);
    EXPECT_TRUE(allocator.failures.empty());
    ASSERT_EQ(failed_sessions.size(), 1U);
    EXPECT_EQ(failed_sessions[0].second, std::vector<std::string>{"alice"});
}

TEST_F(ColibriSessionManagerTest, ExpiringTheLastEndpointExpiresTheBridgeConference) {
    allocate("alice");
    transport.take().done(allocated("alice", true));
    allocate("bob");
    transport.take().done(allocated("bob", false));

    manager->expire_endpoint("alice");
    auto first = transport.take();
    EXPECT_FALSE(first.request.expire);
    ASSERT_EQ(first.request.endpoints.size(), 1U);
    EXPECT_EQ(first.request.endpoints[0].id, "alice");
    EXPECT_TRUE(first.request.endpoints[0].expire);

    manager->expire_endpoint("bob");
    auto last = transport.take();
    EXPECT_TRUE(last.request.expire);
    EXPECT_TRUE(last.request.endpoints.empty());
    EXPECT_TRUE(manager->conference_bridges().empty());
}

TEST_F(ColibriSessionManagerTest, AnEndpointExpiredDuringAllocationIsTakenBack) {
    auto& alice = allocate("alice");
    manager->expire_endpoint("alice");
    ASSERT_EQ(alice.size(), 1U);
    EXPECT_EQ(alice[0].error().code, AllocationErrc::cancelled);
    transport.take().done(allocated("alice", true));
    auto expire = transport.take();
    ASSERT_EQ(expire.request.endpoints.size(), 1U);
    EXPECT_TRUE(expire.request.endpoints[0].expire);
    EXPECT_FALSE(manager->bridge_of("alice").has_value());
}

TEST_F(ColibriSessionManagerTest, UpdatesCarryTransportAndSources) {
    allocate("alice");
    transport.take().done(allocated("alice", true));
    stanza::IceUdpTransport ice;
    ice.ufrag = "client";
    stanza::Colibri2Sources sources;
    sources.media_sources.push_back({stanza::MediaType::audio, "alice-a0", false, {{1111, {}, {}, {}, {}}}, {}});
    manager->update_endpoint("alice", ice, sources);
    auto update = transport.take();
    ASSERT_EQ(update.request.endpoints.size(), 1U);
    const auto& endpoint = update.request.endpoints[0];
    EXPECT_FALSE(endpoint.create);
    ASSERT_TRUE(endpoint.transport && endpoint.transport->ice_udp);
    EXPECT_EQ(endpoint.transport->ice_udp->ufrag, std::optional<std::string>("client"));
    ASSERT_TRUE(endpoint.sources);
    EXPECT_EQ(endpoint.sources->media_sources.at(0).sources.at(0).ssrc, 1111U);

    manager->update_endpoint("nobody", ice, std::nullopt);
    EXPECT_TRUE(transport.sent.empty()) << "nothing is sent for an unknown endpoint";
}

TEST_F(ColibriSessionManagerTest, UnknownEndpointOnUpdateReinvitesOnlyThatEndpoint) {
    allocate("alice");
    transport.take().done(allocated("alice", true));
    allocate("bob");
    transport.take().done(allocated("bob", false));
    manager->update_endpoint("bob", std::nullopt, stanza::Colibri2Sources{});
    transport.take().done(
        error_reply(stanza::ErrorCondition::item_not_found, stanza::Colibri2ErrorReason::unknown_endpoint));
    EXPECT_EQ(lost, std::vector<std::string>{"bob"});
    EXPECT_TRUE(failed_sessions.empty());
    EXPECT_TRUE(manager->bridge_of("alice").has_value());
    EXPECT_FALSE(manager->bridge_of("bob").has_value());
}

TEST_F(ColibriSessionManagerTest, OtherUpdateErrorsFailTheSessionButTimeoutsAreOnlyLogged) {
    allocate("alice");
    transport.take().done(allocated("alice", true));
    manager->update_endpoint("alice", std::nullopt, stanza::Colibri2Sources{});
    transport.take().done(timeout_reply());
    EXPECT_TRUE(failed_sessions.empty());
    manager->update_endpoint("alice", std::nullopt, stanza::Colibri2Sources{});
    transport.take().done(error_reply(stanza::ErrorCondition::internal_server_error));
    ASSERT_EQ(failed_sessions.size(), 1U);
    EXPECT_EQ(failed_sessions[0].second, std::vector<std::string>{"alice"});
}

TEST_F(ColibriSessionManagerTest, RemovingABridgeReturnsItsEndpointsWithoutTalkingToIt) {
    allocate("alice");
    transport.take().done(allocated("alice", true));
    auto endpoints = manager->remove_bridge(allocator.bridges[0].id);
    EXPECT_EQ(endpoints, std::vector<std::string>{"alice"});
    EXPECT_TRUE(transport.sent.empty());
    EXPECT_TRUE(failed_sessions.empty()) << "the caller handles the endpoints it was given";
}

TEST_F(ColibriSessionManagerTest, ExpireAllExpiresEveryBridgeConferenceAndCancelsPending) {
    allocate("alice");
    transport.take().done(allocated("alice", true));
    auto& bob = allocate("bob");
    transport.take();  // bob's allocation stays unanswered
    manager->expire_all();
    EXPECT_EQ(bob.at(0).error().code, AllocationErrc::cancelled);
    auto expire = transport.take();
    EXPECT_TRUE(expire.request.expire);
}

}  // namespace
}  // namespace jicofo::colibri
