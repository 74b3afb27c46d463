// ConferenceMedia moving participants off a bridge on request (REST move-endpoints), and the participants_moved
// observer that counts both those moves and the ones a failed bridge causes.
#include "conference_media_fixture.hpp"

#include <gtest/gtest.h>

namespace jicofo::conference::testing {
namespace {

using stanza::JingleAction;

class ConferenceMediaMoveTest : public ConferenceMediaTest {
protected:
    ConferenceMediaMoveTest() {
        settings.participants_moved = [this](int count) { moved.push_back(count); };
    }

    // Alice, Bob and Carol are offered sessions on jvb1.
    void three_on_jvb1() {
        start();
        join("alice");
        join("bob");
        join("carol");
        answer_allocations();
        for (const auto& p : media->snapshot().participants) {
            ASSERT_EQ(p.state, "offered") << p.endpoint_id;
            ASSERT_EQ(p.bridge, std::optional(jvb1())) << p.endpoint_id;
        }
    }

    std::string jvb1() const { return allocator.bridges[0].id; }
    std::string jvb2() const { return allocator.bridges[1].id; }

    std::size_t terminates_to(const std::string& nick) {
        return signaling.to(nick, JingleAction::session_terminate).size();
    }

    std::vector<int> moved;
};

TEST_F(ConferenceMediaMoveTest, MovesAtMostTheRequestedNumberOffTheBridgeAndCountsThem) {
    three_on_jvb1();
    allocator.down.insert(jvb1());  // the registry would now prefer jvb2

    EXPECT_EQ(media->move_endpoints(jvb1(), std::nullopt, 2), 2);
    EXPECT_EQ(terminates_to("alice") + terminates_to("bob") + terminates_to("carol"), 2U);
    EXPECT_EQ(moved, std::vector<int>{2});

    answer_allocations();
    int on_jvb2 = 0;
    for (const auto& p : media->snapshot().participants) {
        on_jvb2 += p.bridge == std::optional(jvb2()) ? 1 : 0;
    }
    EXPECT_EQ(on_jvb2, 2) << "the moved participants were invited again, onto the other bridge";
}

TEST_F(ConferenceMediaMoveTest, EveryoneMovedIsReleasedBeforeAnyIsPlacedAgain) {
    three_on_jvb1();
    allocator.conference_sizes.clear();
    // jvb1 still works (only overloaded, say): had each been re-invited in turn, the first selection would have seen
    // the conference still on jvb1, and a single-bridge conference would have stayed there.
    EXPECT_EQ(media->move_endpoints(jvb1(), std::nullopt, 3), 3);
    ASSERT_FALSE(allocator.conference_sizes.empty());
    EXPECT_EQ(allocator.conference_sizes.front(), 0U) << "the conference is placed afresh";
}

TEST_F(ConferenceMediaMoveTest, OnlyParticipantsOnThatBridgeMove) {
    three_on_jvb1();
    EXPECT_EQ(media->move_endpoints(jvb2(), std::nullopt, 10), 0);
    EXPECT_EQ(terminates_to("alice") + terminates_to("bob") + terminates_to("carol"), 0U);
    EXPECT_TRUE(moved.empty()) << "nothing moved, nothing counted";
}

TEST_F(ConferenceMediaMoveTest, ANamedEndpointMovesFromItsBridgeOrFromAny) {
    three_on_jvb1();
    EXPECT_EQ(media->move_endpoints(jvb2(), std::string("bob"), 1), 0) << "bob is not on jvb2";
    EXPECT_EQ(media->move_endpoints(jvb1(), std::string("mallory"), 1), 0) << "no such participant";
    EXPECT_EQ(media->move_endpoints(jvb1(), std::string("bob"), 1), 1);
    EXPECT_EQ(terminates_to("bob"), 1U);
    EXPECT_EQ(terminates_to("alice"), 0U);

    EXPECT_EQ(media->move_endpoints(std::nullopt, std::string("alice"), 1), 1) << "no bridge given: any bridge";
    EXPECT_EQ(terminates_to("alice"), 1U);
    EXPECT_EQ(moved, (std::vector<int>{1, 1}));
}

TEST_F(ConferenceMediaMoveTest, AParticipantWithoutABridgeIsNotMoved) {
    start();
    join("alice");
    join("bob");  // allocations not answered: nobody is on a bridge yet
    EXPECT_EQ(media->move_endpoints(std::nullopt, std::nullopt, 5), 0);
    EXPECT_EQ(media->move_endpoints(jvb1(), std::nullopt, 0), 0);
    EXPECT_TRUE(moved.empty());
}

TEST_F(ConferenceMediaMoveTest, ABridgeFailureCountsEveryParticipantMoved) {
    three_on_jvb1();
    allocator.down.insert(jvb1());
    media->bridge_down(jvb1(), "failed its health check");
    EXPECT_EQ(moved, std::vector<int>{3});
}

TEST_F(ConferenceMediaMoveTest, NothingMovesOnceStopped) {
    three_on_jvb1();
    media->stop();
    EXPECT_EQ(media->move_endpoints(jvb1(), std::nullopt, 3), 0);
    EXPECT_TRUE(moved.empty());
}

}  // namespace
}  // namespace jicofo::conference::testing
