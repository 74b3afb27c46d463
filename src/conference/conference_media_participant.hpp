// One participant's media state, private to ConferenceMedia (shared by its two source files).
#pragma once

#include "jicofo/colibri/colibri_session_manager.hpp"
#include "jicofo/conference/conference_media.hpp"
#include "jicofo/media/capabilities.hpp"
#include "jicofo/sources/conference_source_map.hpp"
#include "jicofo/xmpp/member.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jicofo::conference {

enum class ParticipantState {
    waiting,      // not invited (too few participants, no bridge, or its session ended)
    discovering,  // asking the client for its features
    allocating,   // waiting for the bridge
    offered,      // session-initiate sent, no session-accept yet
    active,       // session accepted
    failed,       // gave up on it (refused the offer, no bridge would take it)
    withheld,     // the features refused it a session (client requirements); it stays in the room without one
};
[[nodiscard]] std::string_view to_string(ParticipantState state);

struct ConferenceMedia::Participant {
    xmpp::SharedMember member;  // never null
    int join_order = 0;         // 1 for the first participant of the conference (start-muted counts them)
    ParticipantState state = ParticipantState::waiting;
    // Incremented for every invite and every ended session: callbacks for an older one are ignored.
    std::uint64_t invite = 0;
    int invites = 0;   // for /debug
    int attempts = 0;  // bridges tried for the current invite
    bool no_bridge = false;
    bool withheld = false;  // the features refused it a session when its features were discovered; never invited
    std::optional<media::ParticipantCapabilities> capabilities;
    std::string sid;
    // reinvite-method ReplaceTransport: the session and its sources stay; the next offer is a transport-replace.
    bool replacing_transport = false;
    // Where the current offer put the participant. Only the bridge and the session are kept: the transport and
    // sources of the allocation went into the offer, and keeping them would double what a participant costs.
    struct Placement {
        std::string bridge_id;
        std::string session_id;
    };
    std::optional<Placement> placement;
    // The bridge's feedback sources, shown to this participant as "jvb"; shared by everyone in the same session on
    // the same bridge (they are the same for all of them). Null when the bridge has none.
    std::shared_ptr<const sources::EndpointSourceSet> feedback;
    // Source changes of others while this participant's offer is not accepted yet; sent after its session-accept.
    sources::ConferenceSourceMap queued_add;
    sources::ConferenceSourceMap queued_remove;
    bool flush_scheduled = false;  // a batch of source changes waits for its source-signaling delay
    // Vectors, not deques: an empty deque already allocates about 600 bytes, for each of thousands of participants.
    std::vector<std::chrono::steady_clock::time_point> restart_requests;
    std::vector<std::chrono::steady_clock::time_point> ice_restart_requests;
    // Muted by the focus on the bridge (mute requests); sent with every allocation so a move keeps it.
    stanza::ForceMute force_mute;
    // The room metadata's startMuted when the participant joined; applied to its first offer only.
    std::optional<RoomMetadata::StartMuted> start_muted;
    // When the MUC join was seen; cleared at the first session-accept, which is measured against it.
    std::optional<std::chrono::steady_clock::time_point> joined_at;
};

}  // namespace jicofo::conference
