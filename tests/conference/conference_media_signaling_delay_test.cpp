// source-signaling-delays: in a conference at or above a configured size, source changes reach each active
// participant in one batch after the delay, and an add that is removed again before the batch goes out is never
// signalled at all.
#include "conference_media_fixture.hpp"

#include <gtest/gtest.h>

namespace jicofo::conference::testing {
namespace {

using stanza::JingleAction;
using Ssrcs = std::set<std::uint32_t>;

std::vector<stanza::JingleContent> alice_screen(std::uint32_t ssrc) {
    return client_contents({{"video", ssrc, "alice-v" + std::to_string(ssrc), "alice-screen" + std::to_string(ssrc)}});
}

class SourceSignalingDelayTest : public ConferenceMediaTest {
protected:
    // Alice and Bob have accepted their sessions (without sources), in a conference whose size asks for a delay.
    void alice_and_bob_active(std::map<int, std::chrono::milliseconds> delays) {
        settings.conference.source_signaling_delays = std::move(delays);
        start();
        join("alice");
        join("bob");
        answer_allocations();
        ASSERT_TRUE(is_result(send("bob", accept("bob", client_contents({})))));
        ASSERT_TRUE(is_result(send("alice", accept("alice", client_contents({})))));
    }
    std::size_t to_bob(JingleAction action) { return signaling.to("bob", action).size(); }
};

TEST_F(SourceSignalingDelayTest, ChangesWaitForTheDelayAndGoOutAsOneBatch) {
    alice_and_bob_active({{2, std::chrono::milliseconds(500)}});
    ASSERT_TRUE(is_result(send("alice", jingle("alice", JingleAction::source_add, alice_screen(5001)))));
    ASSERT_TRUE(is_result(send("alice", jingle("alice", JingleAction::source_add, alice_screen(5002)))));
    EXPECT_EQ(to_bob(JingleAction::source_add), 0U) << "nothing before the delay";
    ASSERT_EQ(timers.pending.size(), 1U) << "one batch per receiver";
    EXPECT_EQ(timers.pending[0].first, std::chrono::milliseconds(500));

    timers.fire_all();
    auto adds = signaling.to("bob", JingleAction::source_add);
    ASSERT_EQ(adds.size(), 1U);
    EXPECT_EQ(signalled_ssrcs(adds[0]->jingle), (std::map<std::string, Ssrcs>{{"alice", {5001, 5002}}}));
    EXPECT_TRUE(signaling.to("alice", JingleAction::source_add).empty());
}

TEST_F(SourceSignalingDelayTest, AnAddRemovedBeforeTheBatchIsNeverSignalled) {
    alice_and_bob_active({{2, std::chrono::milliseconds(500)}});
    ASSERT_TRUE(is_result(send("alice", jingle("alice", JingleAction::source_add, alice_screen(5001)))));
    ASSERT_TRUE(is_result(send("alice", jingle("alice", JingleAction::source_add, alice_screen(5002)))));
    ASSERT_TRUE(is_result(send("alice", jingle("alice", JingleAction::source_remove, alice_screen(5001)))));
    timers.fire_all();
    auto adds = signaling.to("bob", JingleAction::source_add);
    ASSERT_EQ(adds.size(), 1U);
    EXPECT_EQ(signalled_ssrcs(adds[0]->jingle), (std::map<std::string, Ssrcs>{{"alice", {5002}}}));
    EXPECT_EQ(to_bob(JingleAction::source_remove), 0U);

    // A removal of something Bob was told of waits for the next batch.
    ASSERT_TRUE(is_result(send("alice", jingle("alice", JingleAction::source_remove, alice_screen(5002)))));
    EXPECT_EQ(to_bob(JingleAction::source_remove), 0U);
    timers.fire_all();
    auto removes = signaling.to("bob", JingleAction::source_remove);
    ASSERT_EQ(removes.size(), 1U);
    EXPECT_EQ(signalled_ssrcs(removes[0]->jingle), (std::map<std::string, Ssrcs>{{"alice", {5002}}}));
}

TEST_F(SourceSignalingDelayTest, BelowTheConfiguredSizeChangesGoOutAtOnce) {
    alice_and_bob_active({{3, std::chrono::milliseconds(500)}});
    ASSERT_TRUE(is_result(send("alice", jingle("alice", JingleAction::source_add, alice_screen(5001)))));
    EXPECT_EQ(to_bob(JingleAction::source_add), 1U);
    EXPECT_TRUE(timers.pending.empty());
}

TEST_F(SourceSignalingDelayTest, ABatchForSomeoneWhoLeftIsDropped) {
    alice_and_bob_active({{2, std::chrono::milliseconds(500)}});
    ASSERT_TRUE(is_result(send("alice", jingle("alice", JingleAction::source_add, alice_screen(5001)))));
    media->participant_left("bob");
    const auto sent_before = signaling.sent.size();
    timers.fire_all();
    EXPECT_EQ(signaling.sent.size(), sent_before);
}

}  // namespace
}  // namespace jicofo::conference::testing
