// Where a joiner goes (jicofo-protocol.md §4i), as pure functions of the configuration, the request and the room:
// the main room, a queue while a live room has not started, or a visitor node; and which node.
#pragma once

#include "jicofo/conference/request_shaper.hpp"
#include "jicofo/config/sections.hpp"

#include <optional>
#include <string>
#include <vector>

namespace jicofo::visitors {

// What the room says, read on the conference's strand.
struct RoomFacts {
    bool lobby_enabled = false;
    std::optional<bool> visitors_enabled;  // the room's visitorsEnabled (metadata, else its configuration)
    bool is_breakout = false;
    std::optional<int> participants_soft_limit;  // the room's participantsSoftLimit
    int main_room_users = 0;                     // members of the main room, Jibri and transcribers not counted
    bool visitor_rooms_in_use = false;           // the conference already has a room on a visitor node
    bool live = false;                           // room metadata visitors.live
    std::vector<std::string> moderators;         // room metadata: user ids or groups preferred in the main room
    std::optional<std::vector<std::string>> participants;  // unset: anyone may be in the main room
};

// Whether visitors are offered in this room at all (visitors-supported): enabled, with a node and the component,
// and the room's flag when require-muc-config-flag says it must be set.
[[nodiscard]] bool visitors_supported(const config::VisitorsConfig& config, bool nodes_and_component,
                                      const RoomFacts& room);

// The token's user id or group is listed as a moderator or participant of the main room.
[[nodiscard]] bool preferred_in_main_room(const conference::RequestFacts& request, const RoomFacts& room);
// Without a participants list the main room is open to anyone; with one, only to those preferred.
[[nodiscard]] bool allowed_in_main_room(const conference::RequestFacts& request, const RoomFacts& room);

enum class Placement {
    main_room,  // answer as usual
    queue,      // ready=false with live=false: the live room has not started
    visitor,    // redirect to a visitor node
};

// The decision for a client in a conference that exists (the focus is in its room).
[[nodiscard]] Placement place(const config::VisitorsConfig& config, bool nodes_and_component,
                              const conference::RequestFacts& request, const RoomFacts& room);
// For a room that has no conference yet: only a visitor asking for a live room that cannot be live is queued.
[[nodiscard]] bool queue_without_conference(const config::VisitorsConfig& config,
                                            const conference::RequestFacts& request);

// One node as the choice sees it.
struct NodeLoad {
    std::string id;
    bool up = false;         // its XMPP connection is connected
    bool joined = false;     // this conference has a room there
    int visitors_here = 0;   // this conference's visitors there, with redirects still on their way
    int visitors_total = 0;  // every conference's visitors there
};

// The joined node with the fewest visitors under `max_per_node`; else the node not joined yet with the fewest
// visitors overall; else (every node full) the joined node with the fewest. Only nodes that are up; nullopt when
// none is. Ties go to the first in the list (the configuration's order).
[[nodiscard]] std::optional<std::string> choose_node(const std::vector<NodeLoad>& nodes, int max_per_node);

// The visitors' preferred video codecs as one list: the codecs every visitor supports, best first by summed rank
// (what the main participants can send that every visitor can receive).
[[nodiscard]] std::vector<std::string> aggregate_codecs(const std::vector<std::vector<std::string>>& preferences);

}  // namespace jicofo::visitors
