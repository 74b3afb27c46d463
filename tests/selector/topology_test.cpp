// Cascade topologies: one full mesh, and the Visitor topology's core mesh with visitor bridges hanging off the
// closest core node, including the repair when a node that held the cascade together goes away.
#include "jicofo/selector/topology.hpp"

#include <gtest/gtest.h>

#include <ostream>

namespace jicofo::selector {
namespace {

using config::TopologyStrategy;

TopologyNode node(const std::string& id, bool visitor = false, std::optional<std::string> region = std::nullopt,
                  double stress = 0.1, bool overloaded = false) {
    return TopologyNode{id, visitor, std::move(region), overloaded, stress};
}

using Links = std::vector<RelayLink>;

}  // namespace

// Readable failure messages.
void PrintTo(const RelayLink& link, std::ostream* out) {
    *out << link.initiator << "->" << link.responder << "@" << link.mesh_id;
}

namespace {

TEST(SingleMesh, EveryBridgeLinksToEveryOtherInMeshZero) {
    Cascade cascade(TopologyStrategy::SingleMesh);
    EXPECT_TRUE(cascade.add_node(node("a")).empty()) << "the first bridge needs no relay";
    EXPECT_EQ(cascade.add_node(node("b")), (Links{{"a", "b", "0"}}));
    EXPECT_EQ(cascade.add_node(node("c")), (Links{{"a", "c", "0"}, {"b", "c", "0"}}));
    EXPECT_EQ(cascade.add_node(node("d")), (Links{{"a", "d", "0"}, {"b", "d", "0"}, {"c", "d", "0"}}));
    EXPECT_EQ(cascade.links().size(), 6U);
    EXPECT_TRUE(cascade.connected());
}

TEST(SingleMesh, VisitorFlagsDoNotMatter) {
    EXPECT_EQ(plan_links(TopologyStrategy::SingleMesh, {node("a"), node("v", true), node("b")}),
              (Links{{"a", "v", "0"}, {"a", "b", "0"}, {"v", "b", "0"}}));
}

TEST(SingleMesh, RemovingABridgeNeedsNoRepair) {
    Cascade cascade(TopologyStrategy::SingleMesh);
    for (const char* id : {"a", "b", "c"}) {
        cascade.add_node(node(id));
    }
    EXPECT_TRUE(cascade.remove_node("a").empty());
    EXPECT_EQ(cascade.links(), (Links{{"b", "c", "0"}}));
    EXPECT_TRUE(cascade.connected());
    EXPECT_TRUE(cascade.remove_node("unknown").empty());
}

TEST(SingleMesh, AddingAKnownBridgeChangesNothing) {
    Cascade cascade(TopologyStrategy::SingleMesh);
    cascade.add_node(node("a"));
    cascade.add_node(node("b"));
    EXPECT_TRUE(cascade.add_node(node("a")).empty());
    EXPECT_EQ(cascade.nodes().size(), 2U);
}

TEST(VisitorTopology, ParticipantBridgesFormTheCoreMesh) {
    EXPECT_EQ(plan_links(TopologyStrategy::Visitor, {node("p1"), node("p2"), node("p3")}),
              (Links{{"p1", "p2", "0"}, {"p1", "p3", "0"}, {"p2", "p3", "0"}}));
}

TEST(VisitorTopology, EachVisitorBridgeGetsItsOwnMeshToTheBestCoreNode) {
    Cascade cascade(TopologyStrategy::Visitor);
    cascade.add_node(node("p1", false, "us-east", 0.1));
    cascade.add_node(node("p2", false, "eu-west", 0.3));
    // Same region as p2 and not overloaded: p2, although p1 is less loaded.
    EXPECT_EQ(cascade.add_node(node("v1", true, "eu-west")), (Links{{"p2", "v1", "1"}}));
    // No core node in its region: the least loaded core node.
    EXPECT_EQ(cascade.add_node(node("v2", true, "ap-south")), (Links{{"p1", "v2", "2"}}));
    EXPECT_TRUE(cascade.connected());
}

TEST(VisitorTopology, TheRegionBeatsTheDistanceToTheCore) {
    Cascade cascade(TopologyStrategy::Visitor);
    cascade.add_node(node("p1", false, "us-east", 0.5));
    cascade.add_node(node("v1", true, "eu-west", 0.0));
    // v1 is one hop from the core but in the visitor's region and not overloaded, as Jicofo prefers.
    EXPECT_EQ(cascade.add_node(node("v2", true, "eu-west")), (Links{{"v1", "v2", "2"}}));
}

TEST(VisitorTopology, CloserToTheCoreFirstWithinTheRegion) {
    Cascade cascade(TopologyStrategy::Visitor);
    cascade.add_node(node("p1", false, "eu-west", 0.5));
    cascade.add_node(node("v1", true, "eu-west", 0.0));
    // Both in the region and not overloaded: p1 is the core itself, v1 is one hop away.
    EXPECT_EQ(cascade.add_node(node("v2", true, "eu-west")), (Links{{"p1", "v2", "2"}}));
}

TEST(VisitorTopology, OverloadedNodesAreAvoided) {
    Cascade cascade(TopologyStrategy::Visitor);
    cascade.add_node(node("p1", false, "eu-west", 0.9, true));
    cascade.add_node(node("p2", false, "us-east", 0.2));
    EXPECT_EQ(cascade.add_node(node("v1", true, "eu-west")), (Links{{"p2", "v1", "1"}}));
    // Everything overloaded: the closest one in the region.
    cascade.update_node(node("p2", false, "us-east", 0.95, true));
    cascade.update_node(node("v1", true, "eu-west", 0.9, true));
    EXPECT_EQ(cascade.add_node(node("v2", true, "eu-west")), (Links{{"p1", "v2", "2"}}));
}

TEST(VisitorTopology, AVisitorBridgeFirst) {
    Cascade cascade(TopologyStrategy::Visitor);
    EXPECT_TRUE(cascade.add_node(node("v1", true)).empty());
    // A participant bridge joins the only node, in the core mesh (as Jicofo does).
    EXPECT_EQ(cascade.add_node(node("p1")), (Links{{"v1", "p1", "0"}}));
}

TEST(VisitorTopology, RemovingTheNodeAVisitorHungOffReconnectsIt) {
    Cascade cascade(TopologyStrategy::Visitor);
    cascade.add_node(node("p1", false, "us-east", 0.1));
    cascade.add_node(node("p2", false, "eu-west", 0.3));
    cascade.add_node(node("v1", true, "eu-west"));  // hangs off p2 in mesh 1
    cascade.add_node(node("v2", true, "eu-west"));  // hangs off p2 in mesh 2
    ASSERT_EQ(cascade.links_of("p2").size(), 3U);

    const auto repairs = cascade.remove_node("p2");
    EXPECT_EQ(repairs, (Links{{"v1", "p1", "3"}, {"v2", "p1", "4"}}));
    EXPECT_TRUE(cascade.connected());
    EXPECT_FALSE(cascade.contains("p2"));
}

TEST(VisitorTopology, RemovingALeafNeedsNoRepair) {
    Cascade cascade(TopologyStrategy::Visitor);
    cascade.add_node(node("p1"));
    cascade.add_node(node("v1", true));
    EXPECT_TRUE(cascade.remove_node("v1").empty());
    EXPECT_TRUE(cascade.links().empty());
}

TEST(Topology, PlanMatchesAddingOneByOne) {
    const std::vector<TopologyNode> nodes{node("p1", false, "a"), node("v1", true, "a"), node("p2", false, "b"),
                                          node("v2", true, "b")};
    Cascade cascade(TopologyStrategy::Visitor);
    for (const auto& n : nodes) {
        cascade.add_node(n);
    }
    EXPECT_EQ(plan_links(TopologyStrategy::Visitor, nodes), cascade.links());
    EXPECT_TRUE(cascade.connected());
}

}  // namespace
}  // namespace jicofo::selector
