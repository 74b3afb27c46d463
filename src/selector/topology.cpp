// Cascade: Jicofo's addNodeToMesh (a new bridge links to every member of its mesh, or to the chosen node when the
// mesh is new) and the Visitor topology's choice of node and its repair after a removal.
#include "jicofo/selector/topology.hpp"

#include <algorithm>
#include <deque>
#include <limits>
#include <map>
#include <set>

namespace jicofo::selector {

std::vector<RelayLink> Cascade::add_node(const TopologyNode& node) {
    if (contains(node.bridge_id)) {
        return {};
    }
    // Which mesh the node joins, and the node it links to when that mesh has no members yet.
    std::string mesh = kCoreMesh;
    const TopologyNode* connect_to = nodes_.empty() ? nullptr : &nodes_.front();
    if (strategy_ == config::TopologyStrategy::Visitor && node.visitor) {
        mesh = next_mesh();
        if (!nodes_.empty()) {
            std::vector<const TopologyNode*> all;
            for (const auto& n : nodes_) {
                all.push_back(&n);
            }
            connect_to = &pick_connection_node(node, all);
        }
    }

    std::vector<RelayLink> added;
    if (nodes_.size() == 1) {
        added.push_back({nodes_.front().bridge_id, node.bridge_id, mesh});
    } else if (nodes_.size() > 1) {
        auto members = mesh_members(mesh);
        if (members.empty()) {
            added.push_back({connect_to->bridge_id, node.bridge_id, mesh});
        } else {
            for (auto& member : members) {
                added.push_back({std::move(member), node.bridge_id, mesh});
            }
        }
    }
    nodes_.push_back(node);
    links_.insert(links_.end(), added.begin(), added.end());
    return added;
}

std::vector<RelayLink> Cascade::remove_node(const std::string& bridge_id) {
    auto it =
        std::find_if(nodes_.begin(), nodes_.end(), [&](const TopologyNode& n) { return n.bridge_id == bridge_id; });
    if (it == nodes_.end()) {
        return {};
    }
    nodes_.erase(it);
    std::erase_if(links_, [&](const RelayLink& l) { return l.initiator == bridge_id || l.responder == bridge_id; });

    auto parts = components();
    if (parts.size() <= 1) {
        return {};
    }
    // Reconnect every part to the one holding the participants' bridges (or the first, without any).
    auto core = std::find_if(parts.begin(), parts.end(), [](const std::vector<const TopologyNode*>& part) {
        return std::any_of(part.begin(), part.end(), [](const TopologyNode* n) { return !n->visitor; });
    });
    if (core == parts.end()) {
        core = parts.begin();
    }
    std::vector<RelayLink> repairs;
    for (auto part = parts.begin(); part != parts.end(); ++part) {
        if (part == core) {
            continue;
        }
        const TopologyNode& from = *part->front();
        const TopologyNode& best = pick_connection_node(from, *core);
        repairs.push_back({from.bridge_id, best.bridge_id, next_mesh()});
    }
    links_.insert(links_.end(), repairs.begin(), repairs.end());
    return repairs;
}

void Cascade::update_node(const TopologyNode& node) {
    for (auto& n : nodes_) {
        if (n.bridge_id == node.bridge_id) {
            n = node;
        }
    }
}

bool Cascade::contains(const std::string& bridge_id) const {
    return find(bridge_id) != nullptr;
}

std::vector<std::pair<std::string, std::string>> Cascade::links_of(const std::string& bridge_id) const {
    std::vector<std::pair<std::string, std::string>> result;
    for (const auto& link : links_) {
        if (link.initiator == bridge_id) {
            result.emplace_back(link.responder, link.mesh_id);
        } else if (link.responder == bridge_id) {
            result.emplace_back(link.initiator, link.mesh_id);
        }
    }
    return result;
}

bool Cascade::connected() const {
    return components().size() <= 1;
}

std::vector<std::string> Cascade::mesh_members(const std::string& mesh_id) const {
    std::vector<std::string> members;
    for (const auto& node : nodes_) {
        const bool member = std::any_of(links_.begin(), links_.end(), [&](const RelayLink& l) {
            return l.mesh_id == mesh_id && (l.initiator == node.bridge_id || l.responder == node.bridge_id);
        });
        if (member) {
            members.push_back(node.bridge_id);
        }
    }
    return members;
}

int Cascade::distance_to_core(const std::string& from) const {
    std::map<std::string, int> distance{{from, 0}};
    std::deque<std::string> queue{from};
    while (!queue.empty()) {
        const std::string id = queue.front();
        queue.pop_front();
        const TopologyNode* node = find(id);
        if (node && !node->visitor) {
            return distance[id];
        }
        for (const auto& [other, mesh] : links_of(id)) {
            if (distance.emplace(other, distance[id] + 1).second) {
                queue.push_back(other);
            }
        }
    }
    return -1;
}

const TopologyNode& Cascade::pick_connection_node(const TopologyNode& node,
                                                  const std::vector<const TopologyNode*>& among) const {
    struct Ranked {
        const TopologyNode* node;
        int distance;
    };
    std::vector<Ranked> ranked;
    for (const TopologyNode* n : among) {
        const int d = distance_to_core(n->bridge_id);
        ranked.push_back({n, d < 0 ? std::numeric_limits<int>::max() : d});
    }
    std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
        return a.distance != b.distance ? a.distance < b.distance : a.node->stress < b.node->stress;
    });
    const auto pick = [&](auto accept) -> const TopologyNode* {
        auto it = std::find_if(ranked.begin(), ranked.end(), [&](const Ranked& r) { return accept(*r.node); });
        return it == ranked.end() ? nullptr : it->node;
    };
    if (auto n = pick([&](const TopologyNode& n) { return !n.overloaded && n.region == node.region; })) {
        return *n;
    }
    if (auto n = pick([](const TopologyNode& n) { return !n.overloaded; })) {
        return *n;
    }
    if (auto n = pick([&](const TopologyNode& n) { return n.region == node.region; })) {
        return *n;
    }
    return *among.front();
}

std::vector<std::vector<const TopologyNode*>> Cascade::components() const {
    std::vector<std::vector<const TopologyNode*>> parts;
    std::set<std::string> seen;
    for (const auto& start : nodes_) {
        if (!seen.insert(start.bridge_id).second) {
            continue;
        }
        std::set<std::string> members{start.bridge_id};
        std::deque<std::string> queue{start.bridge_id};
        while (!queue.empty()) {
            const std::string id = queue.front();
            queue.pop_front();
            for (const auto& [other, mesh] : links_of(id)) {
                if (members.insert(other).second) {
                    seen.insert(other);
                    queue.push_back(other);
                }
            }
        }
        std::vector<const TopologyNode*> part;
        for (const auto& node : nodes_) {  // in the order the nodes joined
            if (members.count(node.bridge_id) != 0) {
                part.push_back(&node);
            }
        }
        parts.push_back(std::move(part));
    }
    return parts;
}

const TopologyNode* Cascade::find(const std::string& bridge_id) const {
    auto it =
        std::find_if(nodes_.begin(), nodes_.end(), [&](const TopologyNode& n) { return n.bridge_id == bridge_id; });
    return it == nodes_.end() ? nullptr : &*it;
}

std::vector<RelayLink> plan_links(config::TopologyStrategy strategy, const std::vector<TopologyNode>& nodes) {
    Cascade cascade(strategy);
    for (const auto& node : nodes) {
        cascade.add_node(node);
    }
    return cascade.links();
}

}  // namespace jicofo::selector
