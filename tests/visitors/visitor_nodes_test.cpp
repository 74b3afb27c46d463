// Room JIDs between the main domain and the nodes', tenants kept, and nothing mapped that is not a node's room.
#include "jicofo/conference/visitor_nodes.hpp"

#include <gtest/gtest.h>

namespace jicofo::conference {
namespace {

stanza::Jid jid(const char* text) {
    return stanza::Jid::parse(text).value();
}

VisitorNodes two_nodes() {
    return VisitorNodes("meet.test",
                        {{"v1", "v1.meet.test", "conference.v1.meet.test", jid("focus@auth.v1.meet.test"), nullptr},
                         {"v2", "v2.meet.test", "conference.v2.meet.test", jid("focus@auth.v2.meet.test"), nullptr}});
}

TEST(VisitorNodes, TheMainRoomMapsOntoEachNodeAndBack) {
    const auto nodes = two_nodes();
    const auto room = nodes.visitor_room(jid("room1@conference.meet.test"), *nodes.node("v2"));
    ASSERT_TRUE(room);
    EXPECT_EQ(room->to_string(), "room1@conference.v2.meet.test");
    const auto main = nodes.main_room_of(*room);
    ASSERT_TRUE(main);
    EXPECT_EQ(main->room.to_string(), "room1@conference.meet.test");
    EXPECT_EQ(main->node->id, "v2");
}

TEST(VisitorNodes, TenantsAreKept) {
    const auto nodes = two_nodes();
    const auto room = nodes.visitor_room(jid("room1@conference.acme.meet.test"), *nodes.node("v1"));
    ASSERT_TRUE(room);
    EXPECT_EQ(room->to_string(), "room1@conference.acme.v1.meet.test");
    EXPECT_EQ(nodes.main_room_of(*room)->room.to_string(), "room1@conference.acme.meet.test");
}

TEST(VisitorNodes, RoomsThatAreNotANodesAreNotMapped) {
    const auto nodes = two_nodes();
    EXPECT_FALSE(nodes.main_room_of(jid("room1@conference.meet.test")));
    EXPECT_FALSE(nodes.main_room_of(jid("room1@conference.v3.meet.test")));
    EXPECT_FALSE(nodes.main_room_of(jid("room1@internal.v1.meet.test")));
    EXPECT_FALSE(nodes.main_room_of(jid("v1.meet.test")));
    EXPECT_FALSE(nodes.main_room_of(jid("room1@conference.xv1.meet.test")));
    // A room outside the main domain has no visitor room.
    EXPECT_FALSE(nodes.visitor_room(jid("room1@conference.other.example"), *nodes.node("v1")));
    EXPECT_EQ(nodes.node_of_muc("Conference.V1.meet.test")->id, "v1");
    EXPECT_EQ(nodes.node("v9"), nullptr);
}

}  // namespace
}  // namespace jicofo::conference
