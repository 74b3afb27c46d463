// Relay links between the bridges of one conference (Octo cascades): which bridges connect, in which mesh, and which
// side initiates, following the topology strategy (SingleMesh: one full mesh "0"; Visitor: participant bridges in
// mesh "0", each visitor bridge linked to the closest node of the core in a mesh of its own).
#pragma once

#include "jicofo/config/sections.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace jicofo::selector {

// A bridge of the conference as the topology sees it; load and region only matter to the Visitor topology.
struct TopologyNode {
    std::string bridge_id;
    bool visitor = false;  // serves the conference's visitors
    std::optional<std::string> region;
    bool overloaded = false;
    double stress = 0;  // corrected stress

    friend bool operator==(const TopologyNode&, const TopologyNode&) = default;
};

// One relay between two bridges. The initiator (DTLS active) is the bridge that was in the cascade first.
struct RelayLink {
    std::string initiator;
    std::string responder;
    std::string mesh_id;

    friend bool operator==(const RelayLink&, const RelayLink&) = default;
};

// The cascade of one conference. Owned by the conference; not thread-safe.
class Cascade {
public:
    explicit Cascade(config::TopologyStrategy strategy) : strategy_(strategy) {}

    // Adds a bridge and returns the links to create for it (none for the first bridge, or a bridge already there).
    std::vector<RelayLink> add_node(const TopologyNode& node);
    // Removes a bridge and its links. Returns the links that reconnect the bridges it held together (only a node
    // joining several meshes does that), so that every bridge still reaches every other.
    std::vector<RelayLink> remove_node(const std::string& bridge_id);
    // New load or region for a bridge already in the cascade, for later decisions.
    void update_node(const TopologyNode& node);

    [[nodiscard]] bool contains(const std::string& bridge_id) const;
    [[nodiscard]] const std::vector<TopologyNode>& nodes() const { return nodes_; }  // in the order they joined
    [[nodiscard]] const std::vector<RelayLink>& links() const { return links_; }
    // The links of one bridge, as (other bridge, mesh id).
    [[nodiscard]] std::vector<std::pair<std::string, std::string>> links_of(const std::string& bridge_id) const;
    // True when every bridge reaches every other through relays (always true for zero or one bridge).
    [[nodiscard]] bool connected() const;

private:
    [[nodiscard]] std::vector<std::string> mesh_members(const std::string& mesh_id) const;
    // Hops from `from` to the nearest participant (non-visitor) bridge; -1 when none is reachable.
    [[nodiscard]] int distance_to_core(const std::string& from) const;
    // The best node among `among` to link `node` to: closest to the core, then least stressed; preferring nodes
    // that are not overloaded and in the same region.
    [[nodiscard]] const TopologyNode& pick_connection_node(const TopologyNode& node,
                                                           const std::vector<const TopologyNode*>& among) const;
    [[nodiscard]] std::vector<std::vector<const TopologyNode*>> components() const;
    [[nodiscard]] const TopologyNode* find(const std::string& bridge_id) const;
    std::string next_mesh() { return std::to_string(next_mesh_++); }

    config::TopologyStrategy strategy_;
    std::vector<TopologyNode> nodes_;
    std::vector<RelayLink> links_;
    int next_mesh_ = 1;  // "0" is the core mesh
};

// The links of a conference whose bridges were added in this order.
[[nodiscard]] std::vector<RelayLink> plan_links(config::TopologyStrategy strategy,
                                                const std::vector<TopologyNode>& nodes);

inline constexpr const char* kCoreMesh = "0";

}  // namespace jicofo::selector
