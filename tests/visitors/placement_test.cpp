// Where a joiner goes and which node: the rules of jicofo-protocol.md §4i, and the node choice the configuration
// promises (fewest visitors), not the reference's random pick.
#include "jicofo/visitors/placement.hpp"

#include <gtest/gtest.h>

namespace jicofo::visitors {
namespace {

config::VisitorsConfig enabled(int max_participants = 2) {
    config::VisitorsConfig config;
    config.enabled = true;
    config.max_participants = max_participants;
    return config;
}

conference::RequestFacts client(bool visitor = false) {
    conference::RequestFacts facts;
    facts.visitors_version = true;
    facts.visitor_requested = visitor;
    return facts;
}

RoomFacts room_with(int users) {
    RoomFacts room;
    room.main_room_users = users;
    return room;
}

TEST(VisitorPlacement, TheJoinerPastMaxParticipantsIsRedirected) {
    EXPECT_EQ(place(enabled(2), true, client(), room_with(1)), Placement::main_room);
    EXPECT_EQ(place(enabled(2), true, client(), room_with(2)), Placement::visitor);
}

TEST(VisitorPlacement, AClientWithoutVisitorsVersionIsNeverRedirected) {
    auto old_client = client(true);
    old_client.visitors_version = false;
    EXPECT_EQ(place(enabled(2), true, old_client, room_with(50)), Placement::main_room);
}

TEST(VisitorPlacement, NothingIsRedirectedWhenDisabledOrWithoutNodesOrComponent) {
    auto config = enabled(2);
    config.enabled = false;
    EXPECT_EQ(place(config, true, client(true), room_with(5)), Placement::main_room);
    EXPECT_EQ(place(enabled(2), false, client(true), room_with(5)), Placement::main_room);
}

TEST(VisitorPlacement, AskingIsEnoughAndVisitorRoomsInUseTakeEveryoneWhoMayGo) {
    EXPECT_EQ(place(enabled(10), true, client(true), room_with(0)), Placement::visitor);
    auto room = room_with(1);
    room.visitor_rooms_in_use = true;
    EXPECT_EQ(place(enabled(10), true, client(), room), Placement::visitor);
}

TEST(VisitorPlacement, LobbyFlagsAndBreakoutRoomsKeepEveryoneInTheMainRoom) {
    auto lobby = room_with(5);
    lobby.lobby_enabled = true;
    EXPECT_EQ(place(enabled(2), true, client(true), lobby), Placement::main_room);
    auto off = room_with(5);
    off.visitors_enabled = false;
    EXPECT_EQ(place(enabled(2), true, client(true), off), Placement::main_room);
    auto breakout = room_with(5);
    breakout.is_breakout = true;
    EXPECT_EQ(place(enabled(2), true, client(true), breakout), Placement::main_room);

    auto config = enabled(2);
    config.require_muc_config_flag = true;
    EXPECT_EQ(place(config, true, client(true), room_with(5)), Placement::main_room);
    auto flagged = room_with(5);
    flagged.visitors_enabled = true;
    EXPECT_EQ(place(config, true, client(true), flagged), Placement::visitor);
    EXPECT_FALSE(visitors_supported(config, true, room_with(5)));
    EXPECT_TRUE(visitors_supported(config, true, flagged));
}

TEST(VisitorPlacement, TheRoomsSoftLimitReplacesMaxParticipants) {
    auto room = room_with(3);
    room.participants_soft_limit = 5;
    EXPECT_EQ(place(enabled(2), true, client(), room), Placement::main_room);
    room.main_room_users = 5;
    EXPECT_EQ(place(enabled(2), true, client(), room), Placement::visitor);
}

TEST(VisitorPlacement, MetadataListsDecideWhoIsPreferredInTheMainRoom) {
    auto room = room_with(0);
    room.moderators = {"alice"};
    room.participants = std::vector<std::string>{"team-a"};
    auto alice = client();
    alice.user_id = "alice";
    auto member = client();
    member.group = "team-a";
    auto stranger = client();
    stranger.user_id = "mallory";
    EXPECT_EQ(place(enabled(10), true, alice, room), Placement::main_room);
    EXPECT_EQ(place(enabled(10), true, member, room), Placement::main_room);
    EXPECT_EQ(place(enabled(10), true, stranger, room), Placement::visitor);
    // Even a preferred user who asks to be a visitor is one.
    alice.visitor_requested = true;
    EXPECT_EQ(place(enabled(10), true, alice, room), Placement::visitor);
}

TEST(VisitorPlacement, ALiveRoomQueuesVisitorsUntilItIsLive) {
    auto config = enabled(10);
    config.enable_live_room = true;
    auto room = room_with(1);
    EXPECT_EQ(place(config, true, client(true), room), Placement::queue);
    room.live = true;
    EXPECT_EQ(place(config, true, client(true), room), Placement::visitor);
    // Someone the room allows in is not queued.
    EXPECT_EQ(place(config, true, client(), room_with(1)), Placement::main_room);
    EXPECT_TRUE(queue_without_conference(config, client(true)));
    EXPECT_FALSE(queue_without_conference(config, client(false)));
    EXPECT_FALSE(queue_without_conference(enabled(10), client(true)));
}

TEST(VisitorNodeChoice, TheJoinedNodeWithTheFewestVisitorsUnderTheCap) {
    std::vector<NodeLoad> nodes{{"v1", true, true, 3, 3}, {"v2", true, true, 1, 9}, {"v3", true, false, 0, 0}};
    EXPECT_EQ(choose_node(nodes, 5), "v2");
}

TEST(VisitorNodeChoice, WhenTheJoinedAreFullTheUnjoinedNodeWithTheFewestVisitorsOverall) {
    std::vector<NodeLoad> nodes{{"v1", true, true, 5, 5}, {"v2", true, false, 0, 40}, {"v3", true, false, 0, 7}};
    EXPECT_EQ(choose_node(nodes, 5), "v3");
}

TEST(VisitorNodeChoice, NodesThatAreDownAreNeverChosen) {
    std::vector<NodeLoad> nodes{{"v1", false, true, 0, 0}, {"v2", true, false, 0, 100}};
    EXPECT_EQ(choose_node(nodes, 5), "v2");
    nodes[1].up = false;
    EXPECT_EQ(choose_node(nodes, 5), std::nullopt);
}

TEST(VisitorNodeChoice, EveryNodeFullFallsBackToTheLeastLoaded) {
    std::vector<NodeLoad> nodes{{"v1", true, true, 7, 7}, {"v2", true, true, 6, 6}};
    EXPECT_EQ(choose_node(nodes, 5), "v2");
}

TEST(VisitorCodecs, OnlyWhatEveryVisitorReceivesBestFirst) {
    EXPECT_EQ(aggregate_codecs({{"av1", "vp9", "vp8"}, {"vp9", "vp8"}, {"vp8", "vp9", "h264"}}),
              (std::vector<std::string>{"vp9", "vp8"}));
    EXPECT_TRUE(aggregate_codecs({}).empty());
}

}  // namespace
}  // namespace jicofo::visitors
