// Relays (Octo) of ColibriSessionManager against fake bridges: which relays each bridge gets, with which roles, how
// each side's transport reaches the other, how endpoints are mirrored behind relays, and what a bridge that leaves
// or fails does to the others.
#include "jicofo/colibri/colibri_session_manager.hpp"

#include "colibri/colibri_fakes.hpp"

#include <gtest/gtest.h>

namespace jicofo::colibri {
namespace {

using namespace fakes;

BridgeInfo relay_bridge(const std::string& nick) {
    auto info = bridge(nick);
    info.relay_id = nick + "-relay";
    return info;
}

stanza::Colibri2Sources audio_source(std::uint32_t ssrc, const std::string& name) {
    stanza::MediaSource audio;
    audio.type = stanza::MediaType::audio;
    audio.id = name;
    audio.sources.push_back(stanza::Source{ssrc, name, std::nullopt, std::nullopt, {}});
    stanza::Colibri2Sources sources;
    sources.media_sources.push_back(audio);
    return sources;
}

// A bridge's answer to a relay create: its side of the link.
stanza::ConferenceModified relay_created(const std::string& relay_id, const std::string& ufrag) {
    stanza::IceUdpTransport ice;
    ice.ufrag = ufrag;
    ice.pwd = "pwd";
    ice.fingerprints.push_back({"sha-256", "actpass", std::nullopt, "CC:DD"});
    ice.web_sockets.push_back("wss://bridge.example/colibri-relay-ws/" + ufrag);
    stanza::Colibri2Relay relay;
    relay.id = relay_id;
    relay.transport = stanza::Colibri2Transport{};
    relay.transport->ice_udp = ice;
    stanza::ConferenceModified response;
    response.relays.push_back(relay);
    return response;
}

const stanza::Colibri2Relay& only_relay(const SentRequest& sent) {
    EXPECT_EQ(sent.request.relays.size(), 1U);
    EXPECT_TRUE(sent.request.endpoints.empty()) << "a bridge refuses endpoints and relays in one request";
    return sent.request.relays.front();
}

class ColibriRelaysTest : public ::testing::Test {
protected:
    ColibriRelaysTest() {
        listener.session_failed = [this](const std::string& id, const std::vector<std::string>& endpoints) {
            failed_sessions.emplace_back(id, endpoints);
        };
        make_manager(true, true);
    }
    void make_manager(bool relays_enabled, bool sctp) {
        ColibriSettings s;
        s.meeting_id = "meeting-1";
        s.room_name = "room1@conference.meet.test";
        s.relays.enabled = relays_enabled;
        s.relays.sctp = sctp;
        stanza::Colibri2Media audio;
        audio.type = stanza::MediaType::audio;
        stanza::PayloadType opus;
        opus.id = 111;
        opus.name = "opus";
        audio.payload_types.push_back(opus);
        s.relays.medias.push_back(audio);
        manager = std::make_unique<ColibriSessionManager>(transport, allocator, s, listener);
    }
    // Puts `endpoint` on `on` and lets that bridge answer the allocation.
    void allocate_on(const BridgeInfo& on, const std::string& endpoint) {
        allocator.bridges = {on};
        EndpointRequest request;
        request.endpoint_id = endpoint;
        request.stats_id = "stats-" + endpoint;
        manager->allocate(request, [this, endpoint](AllocationResult r) { results[endpoint].push_back(r); });
        auto sent = transport.take();
        ASSERT_EQ(sent.bridge, on.jid);
        ASSERT_EQ(sent.request.endpoints.size(), 1U);
        sent.done(allocated(endpoint, sent.request.create));
        ASSERT_EQ(results[endpoint].size(), 1U);
        ASSERT_TRUE(results[endpoint].back().has_value());
    }
    // Two bridges linked, both relay creates answered, both transports handed over.
    void link_two_bridges() {
        allocate_on(jvb1, "a");
        allocate_on(jvb2, "b");
        auto to_jvb1 = transport.take();
        auto to_jvb2 = transport.take();
        to_jvb1.done(relay_created("jvb2-relay", "jvb1-side"));
        to_jvb2.done(relay_created("jvb1-relay", "jvb2-side"));
        transport.take();
        transport.take();
        ASSERT_TRUE(transport.sent.empty());
    }

    BridgeInfo jvb1 = relay_bridge("jvb1");
    BridgeInfo jvb2 = relay_bridge("jvb2");
    BridgeInfo jvb3 = relay_bridge("jvb3");
    FakeTransport transport;
    FakeAllocator allocator;
    ColibriListener listener;
    std::vector<std::pair<std::string, std::vector<std::string>>> failed_sessions;
    std::map<std::string, std::vector<AllocationResult>> results;
    std::unique_ptr<ColibriSessionManager> manager;
};

TEST_F(ColibriRelaysTest, OneBridgeHasNoRelay) {
    allocate_on(jvb1, "a");
    allocate_on(jvb1, "b");
    EXPECT_TRUE(transport.sent.empty());
}

TEST_F(ColibriRelaysTest, SecondBridgeGetsARelayEachWayWithOppositeRoles) {
    allocate_on(jvb1, "a");
    manager->update_endpoint("a", std::nullopt, audio_source(1111, "a-a0"));
    transport.take();  // the endpoint's own update
    allocate_on(jvb2, "b");

    auto to_jvb1 = transport.take();
    EXPECT_EQ(to_jvb1.bridge, jvb1.jid);
    EXPECT_EQ(to_jvb1.request.meeting_id, "meeting-1");
    EXPECT_FALSE(to_jvb1.request.create);
    const auto& initiator = only_relay(to_jvb1);
    EXPECT_EQ(initiator.id, "jvb2-relay");
    EXPECT_TRUE(initiator.create);
    EXPECT_EQ(initiator.mesh_id, "0");
    ASSERT_EQ(initiator.medias.size(), 1U);
    ASSERT_TRUE(initiator.transport.has_value());
    EXPECT_EQ(initiator.transport->use_unique_port, true);
    EXPECT_EQ(initiator.transport->ice_controlling, true);
    ASSERT_TRUE(initiator.transport->sctp.has_value());
    EXPECT_EQ(initiator.transport->sctp->role, stanza::SctpRole::client);
    ASSERT_EQ(initiator.endpoints.size(), 1U);
    EXPECT_EQ(initiator.endpoints[0].id, "b");
    EXPECT_TRUE(initiator.endpoints[0].create);
    EXPECT_EQ(initiator.endpoints[0].stats_id, "stats-b");

    auto to_jvb2 = transport.take();
    EXPECT_EQ(to_jvb2.bridge, jvb2.jid);
    const auto& responder = only_relay(to_jvb2);
    EXPECT_EQ(responder.id, "jvb1-relay");
    EXPECT_TRUE(responder.create);
    ASSERT_TRUE(responder.transport.has_value());
    EXPECT_EQ(responder.transport->use_unique_port, false);
    EXPECT_EQ(responder.transport->ice_controlling, false);
    EXPECT_EQ(responder.transport->sctp->role, stanza::SctpRole::server);
    ASSERT_EQ(responder.endpoints.size(), 1U);
    EXPECT_EQ(responder.endpoints[0].id, "a");
    EXPECT_EQ(responder.endpoints[0].sources, audio_source(1111, "a-a0")) << "the sources it already signalled";
    EXPECT_TRUE(transport.sent.empty());

    auto snapshot = manager->snapshot();
    ASSERT_EQ(snapshot.sessions.size(), 2U);
    for (const auto& session : snapshot.sessions) {
        EXPECT_EQ(session.relays.size(), 1U) << session.bridge_id;
    }
}

TEST_F(ColibriRelaysTest, EachSidesTransportIsHandedToTheOtherWithItsDtlsRole) {
    allocate_on(jvb1, "a");
    allocate_on(jvb2, "b");
    auto to_jvb1 = transport.take();
    auto to_jvb2 = transport.take();

    to_jvb1.done(relay_created("jvb2-relay", "jvb1-side"));
    auto handed_to_jvb2 = transport.take();
    EXPECT_EQ(handed_to_jvb2.bridge, jvb2.jid);
    const auto& relay2 = only_relay(handed_to_jvb2);
    EXPECT_EQ(relay2.id, "jvb1-relay");
    EXPECT_FALSE(relay2.create);
    ASSERT_TRUE(relay2.transport && relay2.transport->ice_udp);
    EXPECT_EQ(relay2.transport->ice_udp->ufrag, "jvb1-side");
    ASSERT_EQ(relay2.transport->ice_udp->fingerprints.size(), 1U);
    EXPECT_EQ(relay2.transport->ice_udp->fingerprints[0].setup, "active") << "jvb1 initiated: it is DTLS active";
    EXPECT_TRUE(relay2.transport->ice_udp->web_sockets.empty());

    to_jvb2.done(relay_created("jvb1-relay", "jvb2-side"));
    auto handed_to_jvb1 = transport.take();
    EXPECT_EQ(handed_to_jvb1.bridge, jvb1.jid);
    const auto& relay1 = only_relay(handed_to_jvb1);
    EXPECT_EQ(relay1.id, "jvb2-relay");
    ASSERT_TRUE(relay1.transport && relay1.transport->ice_udp);
    EXPECT_EQ(relay1.transport->ice_udp->ufrag, "jvb2-side");
    EXPECT_EQ(relay1.transport->ice_udp->fingerprints[0].setup, "passive");
    EXPECT_TRUE(relay1.transport->ice_udp->web_sockets.empty()) << "the bridge channel runs over SCTP";
}

TEST_F(ColibriRelaysTest, WithoutSctpTheActiveSideKeepsTheWebSocketToOpen) {
    make_manager(true, false);
    allocate_on(jvb1, "a");
    allocate_on(jvb2, "b");
    auto to_jvb1 = transport.take();
    auto to_jvb2 = transport.take();
    EXPECT_FALSE(only_relay(to_jvb1).transport->sctp.has_value());
    to_jvb2.done(relay_created("jvb1-relay", "jvb2-side"));
    auto handed_to_jvb1 = transport.take();
    EXPECT_EQ(only_relay(handed_to_jvb1).transport->ice_udp->web_sockets.size(), 1U);
    to_jvb1.done(relay_created("jvb2-relay", "jvb1-side"));
    auto handed_to_jvb2 = transport.take();
    EXPECT_TRUE(only_relay(handed_to_jvb2).transport->ice_udp->web_sockets.empty());
}

TEST_F(ColibriRelaysTest, EndpointsAreMirroredBehindTheRelay) {
    link_two_bridges();
    allocate_on(jvb2, "c");
    auto created = transport.take();
    EXPECT_EQ(created.bridge, jvb1.jid);
    const auto& relay = only_relay(created);
    EXPECT_EQ(relay.id, "jvb2-relay");
    ASSERT_EQ(relay.endpoints.size(), 1U);
    EXPECT_EQ(relay.endpoints[0].id, "c");
    EXPECT_TRUE(relay.endpoints[0].create);

    manager->update_endpoint("c", std::nullopt, audio_source(3333, "c-a0"));
    auto own = transport.take();
    EXPECT_EQ(own.bridge, jvb2.jid);
    auto mirrored = transport.take();
    EXPECT_EQ(mirrored.bridge, jvb1.jid);
    ASSERT_EQ(only_relay(mirrored).endpoints.size(), 1U);
    EXPECT_FALSE(only_relay(mirrored).endpoints[0].create);
    EXPECT_EQ(only_relay(mirrored).endpoints[0].sources, audio_source(3333, "c-a0"));

    // A transport-only update has nothing for the other bridges.
    manager->update_endpoint("c", stanza::IceUdpTransport{}, std::nullopt);
    transport.take();
    EXPECT_TRUE(transport.sent.empty());

    manager->expire_endpoint("c");
    std::vector<SentRequest> sent;
    while (!transport.sent.empty()) {
        sent.push_back(transport.take());
    }
    ASSERT_EQ(sent.size(), 2U);
    const auto& on_jvb1 = sent[0].bridge == jvb1.jid ? sent[0] : sent[1];
    ASSERT_EQ(only_relay(on_jvb1).endpoints.size(), 1U);
    EXPECT_EQ(only_relay(on_jvb1).endpoints[0].id, "c");
    EXPECT_TRUE(only_relay(on_jvb1).endpoints[0].expire);
}

TEST_F(ColibriRelaysTest, VisitorsAreNeverRelayed) {
    link_two_bridges();
    allocator.bridges = {jvb2};
    EndpointRequest request;
    request.endpoint_id = "v";
    request.participant.visitor = true;
    manager->allocate(request, [](const AllocationResult&) {});
    auto sent = transport.take();
    sent.done(allocated("v", false));
    EXPECT_TRUE(transport.sent.empty());
}

TEST_F(ColibriRelaysTest, ABridgeThatGoesAwayIsDroppedFromTheOthersRelays) {
    link_two_bridges();
    auto endpoints = manager->remove_bridge(jvb2.id);
    EXPECT_EQ(endpoints, std::vector<std::string>{"b"});
    auto sent = transport.take();
    EXPECT_EQ(sent.bridge, jvb1.jid);
    EXPECT_EQ(only_relay(sent).id, "jvb2-relay");
    EXPECT_TRUE(only_relay(sent).expire);
    EXPECT_TRUE(transport.sent.empty());
    // Back on one bridge: a new second bridge is linked afresh.
    allocate_on(jvb3, "c");
    EXPECT_EQ(only_relay(transport.take()).id, "jvb3-relay");
    EXPECT_EQ(only_relay(transport.take()).id, "jvb1-relay");
}

TEST_F(ColibriRelaysTest, TheLastEndpointLeavingABridgeRemovesItsRelays) {
    link_two_bridges();
    manager->expire_endpoint("b");
    std::vector<SentRequest> sent;
    while (!transport.sent.empty()) {
        sent.push_back(transport.take());
    }
    bool conference_expired = false;
    bool relay_expired = false;
    for (const auto& request : sent) {
        if (request.bridge == jvb2.jid) {
            conference_expired = conference_expired || request.request.expire;
        } else if (!request.request.relays.empty() && request.request.relays[0].expire) {
            relay_expired = true;
        }
    }
    EXPECT_TRUE(conference_expired);
    EXPECT_TRUE(relay_expired);
    EXPECT_EQ(manager->snapshot().sessions.size(), 1U);
    EXPECT_TRUE(manager->snapshot().sessions[0].relays.empty());
}

TEST_F(ColibriRelaysTest, ARelayThatCannotBeCreatedMovesThatBridgesParticipants) {
    allocate_on(jvb1, "a");
    allocate_on(jvb2, "b");
    auto to_jvb1 = transport.take();
    auto to_jvb2 = transport.take();
    to_jvb2.done(timeout_reply());
    ASSERT_EQ(failed_sessions.size(), 1U);
    EXPECT_EQ(failed_sessions[0].first, jvb2.id);
    EXPECT_EQ(failed_sessions[0].second, std::vector<std::string>{"b"});
    ASSERT_EQ(allocator.failures.size(), 1U);
    EXPECT_EQ(allocator.failures[0].first, jvb2.id);
    // jvb1 drops its half of the link, and its late answer hands nothing to the bridge that is gone.
    auto expire = transport.take();
    EXPECT_EQ(expire.bridge, jvb1.jid);
    EXPECT_TRUE(only_relay(expire).expire);
    to_jvb1.done(relay_created("jvb2-relay", "jvb1-side"));
    EXPECT_TRUE(transport.sent.empty());
}

TEST_F(ColibriRelaysTest, AThirdBridgeJoinsTheFullMesh) {
    link_two_bridges();
    allocate_on(jvb3, "c");
    std::map<std::string, std::vector<std::string>> relays_by_bridge;
    while (!transport.sent.empty()) {
        auto sent = transport.take();
        const auto& relay = only_relay(sent);
        EXPECT_TRUE(relay.create);
        EXPECT_EQ(relay.mesh_id, "0");
        relays_by_bridge[sent.bridge.to_string()].push_back(relay.id);
    }
    EXPECT_EQ(relays_by_bridge[jvb1.id], std::vector<std::string>{"jvb3-relay"});
    EXPECT_EQ(relays_by_bridge[jvb2.id], std::vector<std::string>{"jvb3-relay"});
    ASSERT_EQ(relays_by_bridge[jvb3.id].size(), 2U);
}

TEST_F(ColibriRelaysTest, NothingIsRelayedWhenRelaysAreOff) {
    make_manager(false, true);
    allocate_on(jvb1, "a");
    allocate_on(jvb2, "b");
    EXPECT_TRUE(transport.sent.empty());
}

TEST_F(ColibriRelaysTest, ABridgeWithoutARelayIdIsNotLinked) {
    auto plain = bridge("jvb9");
    allocate_on(jvb1, "a");
    allocate_on(plain, "b");
    EXPECT_TRUE(transport.sent.empty());
}

}  // namespace
}  // namespace jicofo::colibri
