// The colibri2 side of one conference: which bridge each participant's endpoint lives on, the conference's session
// on each bridge (created by its first endpoint), and what a bridge's errors mean for the participants on it.
// Owned by the conference and called only on the conference's strand; bridges and requests are reached through
// the two ports below, so that it is tested with fakes and knows nothing about XMPP connections or the registry.
#pragma once

#include "jicofo/core/result.hpp"
#include "jicofo/selector/bridge_selector.hpp"
#include "jicofo/selector/topology.hpp"
#include "jicofo/stanza/colibri2.hpp"
#include "jicofo/stanza/jid.hpp"

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace jicofo::colibri {

// Why a colibri2 request got no usable answer.
struct ColibriFailure {
    enum class Kind { timeout, error, disconnected, malformed };
    Kind kind = Kind::error;
    std::optional<stanza::StanzaError> error;  // set for Kind::error

    [[nodiscard]] std::optional<stanza::Colibri2Error> reason() const;
    [[nodiscard]] std::string message() const;
};
using ColibriReply = core::Result<stanza::ConferenceModified, ColibriFailure>;

// Sends a conference-modify (an IQ get) to a bridge; `done` runs once, on the conference's strand.
class ColibriTransport {
public:
    virtual ~ColibriTransport() = default;
    virtual void send(const stanza::Jid& bridge, const stanza::ConferenceModify& request,
                      std::function<void(ColibriReply)> done) = 0;
};

// The bridge a participant was placed on.
struct BridgeInfo {
    std::string id;  // the brewery occupant JID as a string
    stanza::Jid jid;
    std::optional<std::string> region;
    std::optional<std::string> relay_id;
};

// Bridge selection and failure reports; implemented by the application over the bridge registry.
class BridgeAllocator {
public:
    virtual ~BridgeAllocator() = default;
    // `done` runs once, on the conference's strand: a bridge, or nullopt with the selector's reason.
    virtual void select(const selector::ConferenceBridges& conference,
                        const selector::ParticipantProperties& participant,
                        std::function<void(std::optional<BridgeInfo>, std::string reason)> done) = 0;
    // The bridge misbehaved (timeout, error): no new endpoints there until its failure resets.
    virtual void report_failure(const std::string& bridge_id, bool graceful_shutdown) = 0;
    // Endpoints left the bridge, for its load accounting.
    virtual void endpoints_removed(const std::string& bridge_id, int count) = 0;
};

struct EndpointRequest {
    std::string endpoint_id;
    std::optional<std::string> stats_id;
    selector::ParticipantProperties participant;
    std::vector<stanza::Colibri2Media> medias;
    bool sctp = false;
    std::vector<std::string> capabilities;
    std::optional<stanza::ForceMute> force_mute;
    bool diarize = false;  // the participant's jitsi_participant_diarize, for the transcriber
};

// A participant's endpoint on a bridge, as the offer needs it.
struct Allocation {
    std::string session_id;  // this conference's session on the bridge (the Jingle bridge-session id)
    BridgeInfo bridge;
    stanza::IceUdpTransport transport;
    std::optional<stanza::Colibri2Sctp> sctp;
    // The bridge's own sources, known once its conference is created.
    std::optional<stanza::Colibri2Sources> feedback_sources;
};

enum class AllocationErrc {
    no_bridge,      // no bridge is available
    bridge_failed,  // the chosen bridge failed; selecting again may succeed
    rejected,       // the bridge refused the request itself (bad-request): retrying would fail again
    cancelled,      // the endpoint was expired, or the manager stopped, before the bridge answered
    disconnected,   // our own XMPP link dropped before the bridge answered: nothing is known against the bridge
};
struct AllocationFailure {
    AllocationErrc code = AllocationErrc::no_bridge;
    std::string message;
};
using AllocationResult = core::Result<Allocation, AllocationFailure>;

// Relays between the conference's bridges (Octo, jicofo.octo.*). Without them a conference stays on one bridge, so
// the selector never offers a second one; with them every bridge that has a relay id joins the cascade.
struct RelaySettings {
    bool enabled = false;
    bool sctp = false;  // jicofo.octo.sctp-datachannels: the relays' bridge channel over SCTP instead of a web socket
    config::TopologyStrategy topology = config::TopologyStrategy::SingleMesh;
    std::vector<stanza::Colibri2Media> medias;  // every configured payload type and header extension
};

struct ColibriSettings {
    std::string meeting_id;
    std::string room_name;  // the room JID, sent when a bridge's conference is created
    std::optional<bool> rtcstats_enabled;
    std::chrono::milliseconds recent_interval{std::chrono::minutes(1)};  // max-bridge-participants-interval
    RelaySettings relays;
};

// What an in-place ICE restart of an endpoint came to (jicofo-protocol.md §4d).
struct IceRestartOutcome {
    enum class Kind {
        restarted,   // the bridge has new ICE credentials for the endpoint: `transport`
        not_needed,  // the bridge answered without a new ICE generation
        declined,    // the bridge answered without a transport
        failed,      // no usable answer, or the endpoint is not on a bridge
    };
    Kind kind = Kind::failed;
    std::optional<stanza::IceUdpTransport> transport;
    std::string message;
};

// A conference-level <connect/> wanted on the bridges (a transcriber, a translator). "{{REGION}}" in its url is
// replaced by the region of the bridge it goes to (empty when the bridge has none); create/expire are the manager's.
struct WantedConnect {
    stanza::Colibri2Connect connect;
    // Unset: on the conference's connect host, the first of its bridges, kept until that bridge leaves the conference.
    // Set: on the bridge of that endpoint (a sender's own bridge), nowhere while it has none.
    std::optional<std::string> on_bridge_of_endpoint;
    friend bool operator==(const WantedConnect&, const WantedConnect&) = default;
};

struct ColibriListener {
    // A bridge's session failed (not a timeout of an update): it was removed from the conference and these
    // endpoints need a new session elsewhere.
    std::function<void(const std::string& bridge_id, const std::vector<std::string>& endpoints)> session_failed;
    // The bridge no longer knows this endpoint: only it needs a new session.
    std::function<void(const std::string& endpoint_id)> endpoint_lost;
};

// One end of a relay between two bridges of a conference: the initiator is DTLS-active, ICE-controlling and
// uses a unique port.
struct RelayLink {
    std::string mesh_id;
    bool initiator = false;
    bool sctp = false;  // the bridge channel over SCTP (RelaySettings::sctp)
};

struct ColibriSnapshot {
    struct Relay {
        std::string id;  // the remote bridge's relay id
        RelayLink link;
    };
    struct Session {
        std::string bridge_id;
        std::string session_id;
        bool created = false;
        std::vector<std::string> endpoints;
        std::vector<Relay> relays;          // the relays this bridge has to others
        int recently_added = 0;             // endpoints added within recent_interval
        std::vector<std::string> connects;  // the ids of the connects signalled to this bridge
    };
    std::vector<Session> sessions;
};

class ColibriSessionManager {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;

    ColibriSessionManager(ColibriTransport& transport, BridgeAllocator& allocator, ColibriSettings settings,
                          ColibriListener listener, Clock clock = {});
    ~ColibriSessionManager();
    ColibriSessionManager(const ColibriSessionManager&) = delete;
    ColibriSessionManager& operator=(const ColibriSessionManager&) = delete;

    // Selects a bridge and creates the endpoint there (creating the bridge's conference first when needed). An
    // endpoint that already has an allocation is expired on its old bridge first. `done` runs once.
    void allocate(EndpointRequest request, std::function<void(AllocationResult)> done);

    // After session-accept, transport-info or source changes. Nothing is sent for an unknown endpoint.
    void update_endpoint(const std::string& endpoint_id, std::optional<stanza::IceUdpTransport> transport,
                         std::optional<stanza::Colibri2Sources> sources,
                         std::optional<stanza::InitialLastN> initial_last_n = std::nullopt);
    void force_mute(const std::string& endpoint_id, stanza::ForceMute mute);
    // Asks the endpoint's bridge for an in-place ICE restart; `done` runs once.
    void restart_ice(const std::string& endpoint_id, std::function<void(IceRestartOutcome)> done);
    // Expires the endpoint (a participant left or is being moved); a pending allocation is cancelled.
    void expire_endpoint(const std::string& endpoint_id);
    // Forgets a bridge without talking to it (it left or failed); returns the endpoints that were on it.
    std::vector<std::string> remove_bridge(const std::string& bridge_id);
    // Expires the conference on every bridge (the conference ends); pending allocations are cancelled.
    void expire_all();
    // The conference's connects from now on (colibri_connects.cpp): each bridge is sent only what changed for it
    // (new ones with create, changed ones again, gone ones with expire); a bridge that joins the conference gets its
    // share in the request that creates the conference there, and they follow the host and endpoints as they move.
    void set_connects(std::vector<WantedConnect> wanted);

    [[nodiscard]] std::optional<std::string> bridge_of(const std::string& endpoint_id) const;
    [[nodiscard]] std::vector<std::string> endpoints_on(const std::string& bridge_id) const;
    [[nodiscard]] std::optional<std::string> session_id_of(const std::string& endpoint_id) const;
    [[nodiscard]] selector::ConferenceBridges conference_bridges() const;
    // How many bridges the conference has a session on (created or being created).
    [[nodiscard]] std::size_t bridge_count() const;
    // The regions of the bridges with a session (each once, in session order), e.g. for choosing a Jigasi near them.
    [[nodiscard]] std::vector<std::string> bridge_regions() const;
    [[nodiscard]] ColibriSnapshot snapshot() const;

private:
    struct BridgeSession;
    // The sessions in the order they were created.
    [[nodiscard]] std::vector<const BridgeSession*> sessions_in_order() const;
    // Endpoints added to the session within recent_interval.
    [[nodiscard]] int recently_added(const BridgeSession& session) const;
    struct PendingEndpoint;
    // What the other bridges need to know of an endpoint to create it behind their relay.
    struct RelayedEndpoint {
        std::optional<std::string> stats_id;
        bool visitor = false;  // visitors are never relayed
        std::optional<stanza::Colibri2Sources> sources;
    };
    enum class RelayChange { create, update, expire };

    void select_next();
    void on_selected(const std::shared_ptr<PendingEndpoint>& pending, std::optional<BridgeInfo> bridge,
                     const std::string& reason);
    void send_allocation(BridgeSession& session, const std::shared_ptr<PendingEndpoint>& pending);
    void on_allocated(const std::string& bridge_id, const std::string& session_id,
                      const std::shared_ptr<PendingEndpoint>& pending, bool created_conference, ColibriReply reply);
    // Drops the bridge's session; endpoints still waiting for its conference fail with `waiters`.
    void fail_session(const std::string& bridge_id, const std::string& why, bool notify,
                      AllocationErrc waiters = AllocationErrc::bridge_failed);
    void send_update(const std::string& bridge_id, const stanza::ConferenceModify& request,
                     const std::string& endpoint_id);
    [[nodiscard]] stanza::Colibri2Endpoint endpoint_element(const EndpointRequest& request) const;
    BridgeSession* session_for(const std::string& bridge_id);
    void forget_endpoint(BridgeSession& session, const std::string& endpoint_id);

    // Relays (colibri_relays.cpp). A bridge joins the cascade once its conference exists and leaves it with its
    // session; endpoints are mirrored on every other bridge behind the relay that leads to theirs.
    void join_cascade(const BridgeSession& session);
    void leave_cascade(const BridgeSession& gone);
    void create_relay(const selector::RelayLink& link);
    void send_relay_create(BridgeSession& local, const BridgeSession& remote, const std::string& mesh_id,
                           bool initiator);
    void on_relay_created(const std::string& bridge_id, const std::string& session_id,
                          const std::string& remote_bridge_id, bool initiator, ColibriReply reply);
    void relay_endpoint(const std::string& bridge_id, const std::string& endpoint_id, RelayChange change);
    void send_relay_update(const BridgeSession& session, stanza::Colibri2Relay relay);
    [[nodiscard]] stanza::Colibri2Endpoint relayed_endpoint_element(const std::string& endpoint_id,
                                                                    RelayChange change) const;
    [[nodiscard]] bool in_cascade(const std::string& bridge_id) const;
    // The neighbour of `from` on the way to `to` through the cascade's links; nullopt when `to` is unreachable.
    [[nodiscard]] std::optional<std::string> next_hop(const std::string& from, const std::string& to) const;
    [[nodiscard]] const BridgeSession* session_of_endpoint(const std::string& endpoint_id) const;

    // Connects (colibri_connects.cpp).
    void choose_connect_host();
    // What `session` should have now, by connect id, with urls resolved for its bridge.
    [[nodiscard]] std::map<std::string, stanza::Colibri2Connect> connects_for(const BridgeSession& session) const;
    // Puts the wanted connects of a bridge whose conference is being created into the creating request.
    void add_initial_connects(BridgeSession& session, stanza::ConferenceModify& request);
    // Sends every created bridge what changed for it (host or endpoints moved, wanted connects changed).
    void reconcile_connects();

    ColibriTransport& transport_;
    BridgeAllocator& allocator_;
    ColibriSettings settings_;
    ColibriListener listener_;
    Clock clock_;
    std::map<std::string, std::unique_ptr<BridgeSession>> sessions_;   // by bridge id
    std::map<std::string, std::shared_ptr<PendingEndpoint>> pending_;  // by endpoint id, until answered
    std::deque<std::shared_ptr<PendingEndpoint>> to_select_;           // waiting for their turn to select a bridge
    std::map<std::string, RelayedEndpoint> relayed_;                   // by endpoint id, while allocated; relays only
    std::optional<selector::Cascade> cascade_;                         // only with relays enabled
    std::vector<WantedConnect> wanted_connects_;
    std::optional<std::string> connect_host_;  // the bridge id hosting the connects without an endpoint
    bool selecting_ = false;
    std::uint64_t next_order_ = 0;                                // bridges in the order they were used
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // guards callbacks after destruction
};

}  // namespace jicofo::colibri
