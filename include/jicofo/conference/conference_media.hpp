// The media side of one conference (Jicofo's participant invites and Jingle handling): every participant gets an
// endpoint on a bridge and a Jingle session whose offer carries the bridge's transport and everybody else's
// sources; what participants signal back is validated, sent to the bridge and propagated to the others; a bridge
// that fails takes its participants to another one. Lives on the conference's strand; reaches the network only
// through the ports below, so it is tested with fakes.
#pragma once

#include "jicofo/colibri/colibri_session_manager.hpp"
#include "jicofo/conference/conference_request.hpp"
#include "jicofo/conference/media_snapshot.hpp"
#include "jicofo/conference/room_metadata.hpp"
#include "jicofo/config/sections.hpp"
#include "jicofo/media/translation_sources.hpp"
#include "jicofo/sources/conference_source_map.hpp"
#include "jicofo/sources/validation.hpp"
#include "jicofo/stanza/envelope.hpp"
#include "jicofo/stanza/jingle.hpp"
#include "jicofo/stanza/mute.hpp"
#include "jicofo/xmpp/member.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace jicofo::conference {

// What a Jingle request we sent came back with.
struct JingleReply {
    bool timeout = false;
    std::optional<stanza::StanzaError> error;  // the participant refused it
    bool disconnected = false;                 // our own XMPP link dropped and the request was lost with it
};

// Talking to participants; every callback runs on the conference's strand.
class JingleSignaling {
public:
    virtual ~JingleSignaling() = default;
    // An IQ set carrying `jingle` to the occupant JID.
    virtual void send_jingle(const stanza::Jid& to, const stanza::Jingle& jingle,
                             std::function<void(JingleReply)> done) = 0;
    // The answer to a request a participant sent us.
    virtual void reply(const stanza::Iq& reply) = 0;
    // disco#info features of a participant (empty when it did not answer). `caps` are the entity capabilities of
    // its presence, if any: a version verified before may be answered without asking the participant.
    virtual void discover_features(const stanza::Jid& occupant, const core::SharedOptional<stanza::EntityCaps>& caps,
                                   std::function<void(std::vector<std::string>)> done) = 0;
    // Our full JID, the sessions' initiator.
    [[nodiscard]] virtual stanza::Jid focus_jid() const = 0;
    // Tells an occupant who muted it (an IQ set; its answer does not matter).
    virtual void send_mute_notice(const stanza::Jid& to, const stanza::MuteIq& notice) = 0;
};

struct ConferenceMediaSettings {
    config::CodecConfigs codecs;
    config::ConferenceConfig conference;
    bool sctp_enabled = true;
    // jicofo.jibri / jicofo.jigasi use-private-address-connectivity: the bridge offers its private host candidates
    // to these components, which often sit in the bridge's network; never to clients.
    bool jibri_private_addresses = true;
    bool jigasi_private_addresses = true;
    int max_allocation_attempts = 3;  // bridges tried for one invite before giving up
    // jicofo.bridge.max-bridge-participants-interval: the window in which a conference's joins to one bridge are
    // counted against max-bridge-participants-per-interval.
    std::chrono::milliseconds max_bridge_participants_interval{std::chrono::minutes(1)};
    // Relays between bridges (jicofo.octo.*); their media is filled from `codecs` when empty.
    colibri::RelaySettings relays;
    // Called (on the conference's strand) with the number of participants moved to another bridge because theirs
    // failed, or on request (REST move-endpoints); for participants_moved_total. Shared by every conference, so it
    // must be thread-safe. May be empty.
    std::function<void(int count)> participants_moved;
    // Also for metrics and /stats, with the same rules (conference's strand, thread-safe, may be empty):
    // a bridge taken out of this conference after a failure (bridges_removed_total);
    std::function<void()> bridge_removed;
    // a session-info reporting ICE failed (participants_ice_failed_total);
    std::function<void()> participant_ice_failed;
    // a session-terminate asking for a restart, rate-limited or not (participants_restart_requested_total);
    std::function<void()> participant_restart_requested;
    // a full restart of a participant's current session on this bridge (ICE-failure detection, per-bridge
    // restart-requests series); thread-safe, as it is shared by every conference;
    std::function<void(const std::string& bridge_id)> bridge_restart_requested;
    // the time from a participant's MUC join to its first session-accept (a latency histogram).
    std::function<void(std::chrono::steady_clock::duration)> join_to_session_accept;
    // an in-place ICE restart: "requested", then "relayed", "not_needed" or "failed" (ice_restarts_<what>_total).
    std::function<void(std::string_view what)> ice_restart;
    // a participant whose client does not announce start-muted-room-metadata (participants_no_start_muted_rmd).
    std::function<void()> participant_without_start_muted_rmd;
    // a Jingle IQ from a participant, by action (jingle_<action>_received).
    std::function<void(stanza::JingleAction action)> jingle_received;
};

// What the conference's features decide for its media layer (Conference asks each of its features); called on the
// conference's strand.
class MediaPolicy {
public:
    virtual ~MediaPolicy() = default;
    // The force-mute the features require for a participant (AV moderation): applied when it joins, and kept when it
    // unmutes itself.
    [[nodiscard]] virtual stanza::ForceMute required_force_mute(const xmpp::Member& member) const = 0;
    // Why a source-add with audio and/or video sources is refused (sender limits); nullopt: accepted.
    [[nodiscard]] virtual std::optional<stanza::StanzaError> source_add_refusal(const xmpp::Member& member, bool audio,
                                                                                bool video) const = 0;
    // The number of bridges or the bridge-selection state changed.
    virtual void bridges_changed(int bridges, bool selection_failing) = 0;
    // Whether a participant may have a media session, once its disco#info `features` are known (`discovered` false:
    // it did not answer); asked once per participant, before its first invite. False: it stays without a session.
    [[nodiscard]] virtual bool allows_session(const xmpp::Member& member, const std::vector<std::string>& features,
                                              bool discovered) {
        (void)member;
        (void)features;
        (void)discovered;
        return true;
    }
};

// Delayed work on the conference's strand (source-signaling-delays); tests fire it by hand.
class MediaTimers {
public:
    virtual ~MediaTimers() = default;
    // Runs `fn` once, on the conference's strand, after `delay`.
    virtual void after(std::chrono::milliseconds delay, std::function<void()> fn) = 0;
};

// The network side of one conference's media, built per conference so that every callback completes on that
// conference's strand.
struct MediaPorts {
    std::unique_ptr<JingleSignaling> signaling;
    std::unique_ptr<colibri::ColibriTransport> colibri;
    std::unique_ptr<colibri::BridgeAllocator> allocator;
    std::unique_ptr<MediaTimers> timers;  // without it, source changes are signalled at once
};
// `room` is the conference's room JID (bridge selection looks up its version pin).
using MediaPortsFactory =
    std::function<MediaPorts(const boost::asio::any_io_executor& strand, const stanza::Jid& room)>;

// What a conference needs to run media; without it (no bridges configured) conferences only track the room.
struct MediaSetup {
    ConferenceMediaSettings settings;
    MediaPortsFactory ports;
};

// Live translation as the conference's features want it (the room's audioTranslationRequests).
struct TranslationWanted {
    media::TranslationRequestMap requests;  // sender endpoint id -> languages
    // The translator connects for the requests that can be served now (jicofo.translation's rules: url, mode,
    // headers); none for none. Empty: no connects (synthetic sources are kept all the same, as Jicofo does).
    std::function<std::vector<colibri::WantedConnect>(const std::vector<media::TranslationRequest>&)> connects;
};

class ConferenceMedia {
public:
    // `settings` are the focus's, shared by every conference (they are most of a conference's fixed size when
    // copied); `options` come from the request that created this one: rtcstats for the bridges, and start-muted
    // thresholds (participants who join after the Nth get <startmuted/> in their offer).
    ConferenceMedia(JingleSignaling& signaling, colibri::ColibriTransport& colibri_transport,
                    colibri::BridgeAllocator& allocator, std::shared_ptr<const ConferenceMediaSettings> settings,
                    ConferenceOptions options, stanza::Jid room, std::string meeting_id, MediaTimers* timers = nullptr);
    ~ConferenceMedia();
    ConferenceMedia(const ConferenceMedia&) = delete;
    ConferenceMedia& operator=(const ConferenceMedia&) = delete;

    // What the request that created the conference asked for (rtcstats, start-muted thresholds).
    [[nodiscard]] const ConferenceOptions& options() const { return options_; }

    // Occupants of the room.
    // The member is shared with the conference (a copy of every member for each would double their memory).
    void participant_joined(xmpp::SharedMember member);
    void participant_updated(xmpp::SharedMember member);
    void participant_left(const std::string& endpoint_id);
    // single-participant-timeout: the lone participant's session ends (it is invited again when someone comes).
    void participant_alone(const std::string& endpoint_id);

    // A Jingle IQ (set) from an occupant of the room; always answered.
    void handle_jingle(const stanza::Iq& request, const stanza::Jingle& jingle);
    // A mute request (jicofo-protocol.md §4f) from an occupant; always answered. Applied as colibri2 force-mute.
    void handle_mute(const stanza::Iq& request, const stanza::MuteIq& mute);

    // The features' say (it must outlive this object); unset: no force-mute, every source-add accepted.
    void set_policy(MediaPolicy* policy) { policy_ = policy; }
    // The room metadata's startMuted: participants who join from now on get <startmuted/> in their first offer.
    void set_start_muted(std::optional<RoomMetadata::StartMuted> start_muted);
    // Force-mutes (or releases) a participant's `media` on the bridge, now and in every later allocation; with an
    // `actor`, a muted participant is told who muted it (<mute actor=..>true</mute>). False: no such participant.
    bool force_mute(const std::string& endpoint_id, stanza::MuteMedia media, bool mute,
                    const std::optional<stanza::Jid>& actor = std::nullopt);
    // Tells a participant it was muted by `actor` (<mute actor=..>true</mute>), without touching the bridge.
    void tell_muted(const std::string& endpoint_id, stanza::MuteMedia media, const stanza::Jid& actor);

    // The conference-level connects (transcriber, translator) wanted on its bridges from now on; kept across bridge
    // changes (a bridge that joins gets its share, one that leaves takes nothing with it). Endpoint ids are nicks.
    void set_connects(std::vector<colibri::WantedConnect> wanted);
    // Live translation (Jicofo's ConferenceTranslationManager): every requested <sender, language> whose sender has
    // an audio source gets a synthetic audio source "<base>.<lang>" owned by the sender in the conference's source
    // map; the sender's sources go to the bridges again when they change, and the translator connects follow. Applied
    // again when a sender's sources change or it leaves. As in Jicofo, participants get no source-add or
    // source-remove for synthetic sources (those who are invited later find them in their offer).
    void set_translation(TranslationWanted wanted);
    // Invites participants from now on whatever jicofo.conference.min-participants says (a transcribed room: one
    // participant's audio is worth a bridge), as Jicofo does while transcribing.
    void start_invites();

    // Bridge events: participants on a bridge that failed, shuts down or left are moved; a new bridge lets
    // participants who could not be placed try again.
    void bridge_down(const std::string& bridge_id, const std::string& why);
    void bridge_up(const std::string& bridge_id);

    // Moves participants off a bridge by re-inviting them (REST move-endpoints); returns how many were moved.
    // `bridge_id` unset: any bridge. `endpoint_id` set: only that participant. At most `max_count` are moved;
    // only participants with an endpoint on a bridge (offered or active) count.
    int move_endpoints(const std::optional<std::string>& bridge_id, const std::optional<std::string>& endpoint_id,
                       int max_count);

    // Expires everything on the bridges and ends the sessions (the conference ends).
    void stop();

    [[nodiscard]] MediaSnapshot snapshot() const;
    // The regions of the conference's bridges (see ColibriSessionManager::bridge_regions).
    [[nodiscard]] std::vector<std::string> bridge_regions() const;

private:
    struct Participant;

    Participant* find(const std::string& endpoint_id);
    void maybe_start_invites();
    void invite(Participant& participant);
    void allocate(const std::string& endpoint_id, std::uint64_t invite);
    void on_allocated(const std::string& endpoint_id, std::uint64_t invite, colibri::AllocationResult result);
    void send_offer(Participant& participant, const colibri::Allocation& allocation);
    [[nodiscard]] std::shared_ptr<const sources::EndpointSourceSet> feedback_for(
        const colibri::Allocation& allocation) const;
    // Returns true when the participant was re-invited.
    bool reinvite(const std::string& endpoint_id, const std::string& why, bool terminate_session);
    // The first half of a re-invite: the participant's session and allocation end (or, with ReplaceTransport, only
    // its allocation); invite() is the second. False when there is no such participant.
    bool release_for_reinvite(const std::string& endpoint_id, const std::string& why, bool terminate_session);
    // An invite that could not complete for a reason that passes (our XMPP link dropped, every bridge tried failed):
    // the participant waits, and is invited again when a bridge comes up or after `delay`, whichever is first.
    void invite_later(Participant& participant, std::chrono::milliseconds delay);
    void count_moved(int count) const;
    void send_terminate(const Participant& participant, stanza::JingleReasonCondition reason, const std::string& text);
    void end_session(Participant& participant, stanza::JingleReasonCondition reason, const std::string& text,
                     bool send_terminate_to_participant);

    // Jingle actions (conference_media_jingle.cpp).
    void on_session_accept(Participant& participant, const stanza::Iq& request, const stanza::Jingle& jingle);
    void on_transport_info(Participant& participant, const stanza::Iq& request, const stanza::Jingle& jingle);
    void on_source_add(Participant& participant, const stanza::Iq& request, const stanza::Jingle& jingle);
    void on_source_remove(Participant& participant, const stanza::Iq& request, const stanza::Jingle& jingle);
    void on_session_info(Participant& participant, const stanza::Iq& request, const stanza::Jingle& jingle);
    void on_session_terminate(Participant& participant, const stanza::Iq& request, const stanza::Jingle& jingle);
    void on_ice_restart(Participant& participant, const stanza::Iq& request, const stanza::Jingle& jingle);
    void on_ice_restarted(const std::string& endpoint_id, std::uint64_t invite, colibri::IceRestartOutcome outcome);
    void count_ice_restart(std::string_view what) const;
    // restart-request-rate-limits over one participant's history of requests; records the request when allowed.
    [[nodiscard]] bool allow_restart(std::vector<std::chrono::steady_clock::time_point>& history) const;
    void count_restart_against_bridge(const Participant& participant) const;
    void reply_error(const stanza::Iq& request, stanza::ErrorCondition condition, const std::string& text);
    // Answers (resource-constraint) and returns true when the Jingle carries more sources or groups than one
    // participant may have: checked on the element counts, before any per-source work.
    bool refuse_oversized(const stanza::Iq& request, const stanza::Jingle& jingle);
    void reply_result(const stanza::Iq& request);
    void notify_muted(const xmpp::Member& member, stanza::MuteMedia media, const stanza::Jid& actor);
    // Tells the bridges observer when the bridge count or (when given) the selection state changed.
    void report_bridges(std::optional<bool> selection_failing = std::nullopt);

    // Source propagation: to active participants at once (or batched per source-signaling-delays), queued for those
    // whose session is not accepted yet.
    void propagate(const std::string& owner, const sources::EndpointSourceSet& set, bool add);
    static void queue_sources(Participant& receiver, const std::string& owner, const sources::EndpointSourceSet& set,
                              bool add);
    void schedule_flush(Participant& receiver, std::chrono::milliseconds delay);
    void send_sources(Participant& receiver, const sources::ConferenceSourceMap& sources, bool add);
    void flush_queued_sources(Participant& participant);
    void update_bridge_sources(const Participant& participant);
    // Live translation (conference_media_translation.cpp): the synthetic sources and translator connects for the
    // current requests and sources.
    void apply_translation();
    // The features' connects and the translator's, together, to the colibri layer.
    void push_connects();
    [[nodiscard]] stanza::Jid occupant_jid(const std::string& endpoint_id) const;
    [[nodiscard]] sources::ConferenceSourceMap remote_sources(const Participant& receiver) const;

    JingleSignaling& signaling_;
    MediaTimers* timers_;
    std::shared_ptr<const ConferenceMediaSettings> settings_;  // never null
    ConferenceOptions options_;
    std::optional<RoomMetadata::StartMuted> metadata_start_muted_;
    MediaPolicy* policy_ = nullptr;
    int reported_bridges_ = 0;
    bool selection_failing_ = false;
    stanza::Jid room_;
    std::string meeting_id_;
    sources::SourceValidator validator_;
    std::unique_ptr<colibri::ColibriSessionManager> colibri_;
    std::map<std::string, std::unique_ptr<Participant>> participants_;  // by endpoint id
    sources::ConferenceSourceMap sources_;                              // participants' sources (accepted ones)
    std::vector<colibri::WantedConnect> feature_connects_;              // set_connects
    std::vector<colibri::WantedConnect> translator_connects_;           // from apply_translation
    TranslationWanted translation_;
    media::TranslationSourceAllocator translation_sources_;
    bool invites_started_ = false;
    int joined_count_ = 0;  // participants who ever joined, for start-muted
    bool stopped_ = false;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace jicofo::conference
