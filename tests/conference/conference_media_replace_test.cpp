// reinvite-method ReplaceTransport: a participant whose bridge fails keeps its Jingle session and its sources and
// gets a transport-replace for the new bridge; its transport-accept repeating its sources is not a conflict, and the
// new bridge learns them. A session the participant asked to restart is still started anew.
#include "conference_media_fixture.hpp"

#include <gtest/gtest.h>

namespace jicofo::conference::testing {
namespace {

using stanza::JingleAction;
using Ssrcs = std::set<std::uint32_t>;

std::vector<stanza::JingleContent> media_of(const std::string& nick, std::uint32_t audio_ssrc) {
    return client_contents({{"audio", audio_ssrc, nick + "-a0", nick + "-mic " + nick + "-audio"}});
}

class ReplaceTransportTest : public ConferenceMediaTest {
protected:
    ReplaceTransportTest() { settings.conference.reinvite_method = config::ReinviteMethod::ReplaceTransport; }

    void alice_and_bob_active() {
        start();
        join("alice");
        join("bob");
        answer_allocations();
        ASSERT_TRUE(is_result(send("alice", accept("alice", media_of("alice", 1111)))));
        ASSERT_TRUE(is_result(send("bob", accept("bob", media_of("bob", 2222)))));
    }
};

TEST_F(ReplaceTransportTest, ABridgeFailureMovesTheSessionInPlace) {
    alice_and_bob_active();
    const std::map<std::string, std::string> sids{{"alice", offer_to("alice").sid}, {"bob", offer_to("bob").sid}};
    allocator.down.insert(allocator.bridges[0].id);
    media->bridge_down(allocator.bridges[0].id, "failed its health check");
    answer_allocations();
    const auto new_session = bridge_session_of("jvb2");
    ASSERT_TRUE(new_session);

    for (const auto& [nick, sid] : sids) {
        EXPECT_TRUE(signaling.to(nick, JingleAction::session_terminate).empty()) << nick;
        EXPECT_EQ(signaling.to(nick, JingleAction::session_initiate).size(), 1U) << nick;
        EXPECT_TRUE(signaling.to(nick, JingleAction::source_remove).empty()) << nick << " heard of nobody leaving";
        auto replaces = signaling.to(nick, JingleAction::transport_replace);
        ASSERT_EQ(replaces.size(), 1U) << nick;
        const auto& replace = replaces[0]->jingle;
        EXPECT_EQ(replace.sid, sid) << "the same session";
        ASSERT_TRUE(replace.bridge_session);
        EXPECT_EQ(replace.bridge_session->id, *new_session);
        EXPECT_EQ(replace.content("audio")->transport->ufrag, std::optional<std::string>("jvb2-" + nick));
        const auto other = nick == "alice" ? std::string("bob") : std::string("alice");
        EXPECT_EQ(signalled_ssrcs(replace).at(other).size(), 1U) << "the replace carries everyone else's sources";
    }

    // Alice answers with the transport-accept, repeating her own sources: accepted, and the new bridge has them.
    auto accept_alice = accept("alice", media_of("alice", 1111));
    accept_alice.action = JingleAction::transport_accept;
    const auto requests_before = colibri.sent.size();
    const auto adds_to_bob = signaling.to("bob", JingleAction::source_add).size();
    EXPECT_TRUE(is_result(send("alice", accept_alice)));
    ASSERT_EQ(colibri.sent.size(), requests_before + 1);
    const auto& update = colibri.sent.back();
    EXPECT_EQ(update.bridge, allocator.bridges[1].jid);
    ASSERT_EQ(update.request.endpoints.size(), 1U);
    ASSERT_TRUE(update.request.endpoints[0].sources);
    EXPECT_EQ(update.request.endpoints[0].sources->media_sources.size(), 1U);
    EXPECT_EQ(signaling.to("bob", JingleAction::source_add).size(), adds_to_bob) << "nothing new to tell bob";
}

TEST_F(ReplaceTransportTest, ARestartTheParticipantAskedForIsANewSession) {
    alice_and_bob_active();
    const auto old_sid = offer_to("alice").sid;
    auto restart = jingle("alice", JingleAction::session_terminate);
    restart.bridge_session = stanza::BridgeSession{*bridge_session_of("jvb1"), std::nullopt, true, std::nullopt};
    ASSERT_TRUE(is_result(send("alice", restart)));
    answer_allocations();
    EXPECT_TRUE(signaling.to("alice", JingleAction::transport_replace).empty());
    auto offers = signaling.to("alice", JingleAction::session_initiate);
    ASSERT_EQ(offers.size(), 2U);
    EXPECT_NE(offers[1]->jingle.sid, old_sid);
}

}  // namespace
}  // namespace jicofo::conference::testing
