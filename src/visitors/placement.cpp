// The visitor placement rules (jicofo-protocol.md §4i), pure.
#include "jicofo/visitors/placement.hpp"

#include <algorithm>
#include <map>

namespace jicofo::visitors {
namespace {

bool listed(const std::optional<std::string>& id, const RoomFacts& room) {
    if (!id) {
        return false;
    }
    const auto in = [&id](const std::vector<std::string>& list) {
        return std::find(list.begin(), list.end(), *id) != list.end();
    };
    return in(room.moderators) || (room.participants && in(*room.participants));
}

}  // namespace

bool visitors_supported(const config::VisitorsConfig& config, bool nodes_and_component, const RoomFacts& room) {
    return config.enabled && nodes_and_component &&
           (room.visitors_enabled == std::optional<bool>(true) || !config.require_muc_config_flag);
}

bool preferred_in_main_room(const conference::RequestFacts& request, const RoomFacts& room) {
    return listed(request.user_id, room) || listed(request.group, room);
}

bool allowed_in_main_room(const conference::RequestFacts& request, const RoomFacts& room) {
    return !room.participants || preferred_in_main_room(request, room);
}

bool queue_without_conference(const config::VisitorsConfig& config, const conference::RequestFacts& request) {
    // A room without a conference is not live.
    return config.enabled && config.enable_live_room && request.visitors_version && request.visitor_requested;
}

Placement place(const config::VisitorsConfig& config, bool nodes_and_component, const conference::RequestFacts& request,
                const RoomFacts& room) {
    if (!config.enabled || !request.visitors_version) {
        return Placement::main_room;  // a client that cannot follow a redirect is never sent one
    }
    const bool allowed = allowed_in_main_room(request, room);
    if (config.enable_live_room && !room.live && (request.visitor_requested || !allowed)) {
        return Placement::queue;
    }
    if (!nodes_and_component || !(request.visitor_requested || !preferred_in_main_room(request, room))) {
        return Placement::main_room;
    }
    // Jicofo's redirectVisitor: no visitors with a lobby, where the room turned them off (or did not turn them on,
    // with require-muc-config-flag), or in breakout rooms.
    if (room.lobby_enabled || room.visitors_enabled == std::optional<bool>(false) || room.is_breakout) {
        return Placement::main_room;
    }
    if (config.require_muc_config_flag && room.visitors_enabled != std::optional<bool>(true)) {
        return Placement::main_room;
    }
    const int limit = room.participants_soft_limit && *room.participants_soft_limit > 0 ? *room.participants_soft_limit
                                                                                        : config.max_participants;
    const bool asked = request.visitor_requested || !allowed;
    if (room.visitor_rooms_in_use || asked || room.main_room_users >= limit) {
        return Placement::visitor;
    }
    return Placement::main_room;
}

std::optional<std::string> choose_node(const std::vector<NodeLoad>& nodes, int max_per_node) {
    const NodeLoad* best = nullptr;
    const auto consider = [&best](const NodeLoad& node, int load, int best_load) {
        if (best == nullptr || load < best_load) {
            best = &node;
        }
    };
    for (const auto& node : nodes) {
        if (node.up && node.joined && node.visitors_here < max_per_node) {
            consider(node, node.visitors_here, best ? best->visitors_here : 0);
        }
    }
    if (best == nullptr) {
        for (const auto& node : nodes) {
            if (node.up && !node.joined) {
                consider(node, node.visitors_total, best ? best->visitors_total : 0);
            }
        }
    }
    if (best == nullptr) {
        for (const auto& node : nodes) {
            if (node.up) {
                consider(node, node.visitors_here, best ? best->visitors_here : 0);
            }
        }
    }
    return best ? std::optional<std::string>(best->id) : std::nullopt;
}

std::vector<std::string> aggregate_codecs(const std::vector<std::vector<std::string>>& preferences) {
    if (preferences.empty()) {
        return {};
    }
    std::map<std::string, std::pair<std::size_t, std::size_t>> seen;  // codec -> (lists naming it, summed rank)
    for (const auto& list : preferences) {
        for (std::size_t rank = 0; rank < list.size(); ++rank) {
            auto& [count, sum] = seen[list[rank]];
            ++count;
            sum += rank;
        }
    }
    std::vector<std::pair<std::size_t, std::string>> common;
    for (const auto& [codec, stats] : seen) {
        if (stats.first == preferences.size()) {
            common.emplace_back(stats.second, codec);
        }
    }
    std::sort(common.begin(), common.end());
    std::vector<std::string> result;
    result.reserve(common.size());
    for (auto& [rank, codec] : common) {
        result.push_back(std::move(codec));
    }
    return result;
}

}  // namespace jicofo::visitors
