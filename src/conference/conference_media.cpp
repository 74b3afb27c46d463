// Participant invites: from a participant joining (once min-participants are present) through feature discovery
// and the bridge allocation to the session-initiate; re-invites when a bridge fails; source propagation.
#include "jicofo/conference/conference_media.hpp"

#include "conference_media_participant.hpp"

#include "jicofo/core/logging.hpp"
#include "jicofo/core/random.hpp"
#include "jicofo/media/colibri_sources.hpp"
#include "jicofo/media/jingle_sources.hpp"
#include "jicofo/media/offer.hpp"
#include "jicofo/stanza/namespaces.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace jicofo::conference {
namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto log = core::module_logger("jingle");
    return log;
}

// Retries of an invite that failed for a passing reason: our XMPP link dropped (it reconnects within seconds), or
// every bridge tried failed (bridges are health-checked every few seconds and marked usable again after that).
constexpr std::chrono::milliseconds kLinkRetryDelay{2000};
constexpr std::chrono::milliseconds kBridgeRetryDelay{10000};

sources::SourceLimits source_limits(const config::ConferenceConfig& conference) {
    sources::SourceLimits limits;
    limits.max_ssrcs_per_user = static_cast<std::size_t>(std::max(0, conference.max_ssrcs_per_user));
    limits.max_ssrc_groups_per_user = static_cast<std::size_t>(std::max(0, conference.max_ssrc_groups_per_user));
    return limits;
}

// The bridge offers its private host candidates to Jibri and Jigasi (when configured), never to clients.
bool uses_private_addresses(const xmpp::Member& member, const ConferenceMediaSettings& settings) {
    return (member.is_jibri && settings.jibri_private_addresses) ||
           (member.is_jigasi && settings.jigasi_private_addresses);
}

}  // namespace

std::string_view to_string(ParticipantState state) {
    switch (state) {
        case ParticipantState::waiting: return "waiting";
        case ParticipantState::discovering: return "discovering";
        case ParticipantState::allocating: return "allocating";
        case ParticipantState::offered: return "offered";
        case ParticipantState::active: return "active";
        case ParticipantState::failed: return "failed";
        case ParticipantState::withheld: return "withheld";
    }
    return "unknown";
}

ConferenceMedia::ConferenceMedia(JingleSignaling& signaling, colibri::ColibriTransport& colibri_transport,
                                 colibri::BridgeAllocator& allocator,
                                 std::shared_ptr<const ConferenceMediaSettings> settings, ConferenceOptions options,
                                 stanza::Jid room, std::string meeting_id, MediaTimers* timers)
    : signaling_(signaling),
      timers_(timers),
      settings_(std::move(settings)),
      options_(options),
      room_(std::move(room)),
      meeting_id_(std::move(meeting_id)),
      validator_(source_limits(settings_->conference)) {
    colibri::ColibriSettings colibri_settings;
    colibri_settings.meeting_id = meeting_id_;
    colibri_settings.room_name = room_.to_string();
    colibri_settings.relays = settings_->relays;
    colibri_settings.rtcstats_enabled = options_.rtcstats_enabled;
    colibri_settings.recent_interval = settings_->max_bridge_participants_interval;
    if (colibri_settings.relays.enabled && colibri_settings.relays.medias.empty()) {
        colibri_settings.relays.medias = media::colibri_medias(settings_->codecs, media::OfferOptions{});
    }
    colibri::ColibriListener listener;
    listener.session_failed = [this](const std::string& bridge_id, const std::vector<std::string>& endpoints) {
        int moved = 0;
        for (const auto& endpoint : endpoints) {
            moved += reinvite(endpoint, "the session on bridge " + bridge_id + " failed", true) ? 1 : 0;
        }
        count_moved(moved);
        if (settings_->bridge_removed) {
            settings_->bridge_removed();
        }
    };
    listener.endpoint_lost = [this](const std::string& endpoint) {
        reinvite(endpoint, "the bridge lost the endpoint", true);
    };
    colibri_ = std::make_unique<colibri::ColibriSessionManager>(colibri_transport, allocator,
                                                                std::move(colibri_settings), std::move(listener));
}

ConferenceMedia::~ConferenceMedia() {
    *alive_ = false;
}

ConferenceMedia::Participant* ConferenceMedia::find(const std::string& endpoint_id) {
    auto found = participants_.find(endpoint_id);
    return found == participants_.end() ? nullptr : found->second.get();
}

stanza::Jid ConferenceMedia::occupant_jid(const std::string& endpoint_id) const {
    // The member's own occupant JID: a visitor is in its node's room, not in the main one.
    if (auto found = participants_.find(endpoint_id); found != participants_.end()) {
        return found->second->member->occupant_jid;
    }
    // Endpoint ids are MUC nicks that the room accepted, so they are valid resources.
    auto jid = room_.with_resource(endpoint_id);
    return jid ? std::move(jid).value() : room_;
}

void ConferenceMedia::participant_joined(xmpp::SharedMember member) {
    if (stopped_ || participants_.count(member->nick) != 0) {
        return;
    }
    auto participant = std::make_unique<Participant>();
    const std::string nick = member->nick;
    participant->member = std::move(member);
    participant->joined_at = std::chrono::steady_clock::now();
    participant->join_order = ++joined_count_;
    participant->start_muted = metadata_start_muted_;
    if (policy_) {
        participant->force_mute = policy_->required_force_mute(*participant->member);
    }
    participants_.emplace(nick, std::move(participant));
    maybe_start_invites();
}

void ConferenceMedia::report_bridges(std::optional<bool> selection_failing) {
    const int bridges = static_cast<int>(colibri_->bridge_count());
    const bool failing = selection_failing.value_or(selection_failing_);
    if (bridges == reported_bridges_ && failing == selection_failing_) {
        return;
    }
    reported_bridges_ = bridges;
    selection_failing_ = failing;
    if (policy_) {
        policy_->bridges_changed(bridges, failing);
    }
}

void ConferenceMedia::set_start_muted(std::optional<RoomMetadata::StartMuted> start_muted) {
    metadata_start_muted_ = start_muted;
}

void ConferenceMedia::set_connects(std::vector<colibri::WantedConnect> wanted) {
    feature_connects_ = std::move(wanted);
    push_connects();
}

void ConferenceMedia::start_invites() {
    if (!stopped_ && !invites_started_) {
        invites_started_ = true;
        maybe_start_invites();
    }
}

void ConferenceMedia::participant_updated(xmpp::SharedMember member) {
    if (auto* participant = find(member->nick)) {
        participant->member = std::move(member);
    }
}

void ConferenceMedia::maybe_start_invites() {
    if (!invites_started_ && static_cast<int>(participants_.size()) < settings_->conference.min_participants) {
        return;
    }
    invites_started_ = true;
    for (auto& [id, participant] : participants_) {
        if (participant->state == ParticipantState::waiting && !participant->no_bridge) {
            invite(*participant);
        }
    }
}

void ConferenceMedia::invite(Participant& participant) {
    if (participant.withheld) {
        participant.state = ParticipantState::withheld;  // decided once, when its features were discovered
        return;
    }
    const auto invite_number = ++participant.invite;
    ++participant.invites;
    participant.attempts = 0;
    const std::string endpoint_id = participant.member->nick;
    if (participant.capabilities) {
        allocate(endpoint_id, invite_number);
        return;
    }
    participant.state = ParticipantState::discovering;
    std::weak_ptr<bool> alive = alive_;
    signaling_.discover_features(
        occupant_jid(endpoint_id), participant.member->caps,
        [this, alive, endpoint_id, invite_number](const std::vector<std::string>& features) {
            if (!alive.lock()) {
                return;
            }
            auto* p = find(endpoint_id);
            if (!p || p->invite != invite_number || stopped_) {
                return;
            }
            p->capabilities = media::capabilities_from_features(features);
            if (settings_->participant_without_start_muted_rmd &&
                std::find(features.begin(), features.end(), stanza::kFeatureStartMutedRoomMetadata) == features.end()) {
                settings_->participant_without_start_muted_rmd();
            }
            if (policy_ && !policy_->allows_session(*p->member, features, !features.empty())) {
                logger()->info("room={} endpoint={} gets no media session: refused by the conference's features",
                               room_.to_string(), endpoint_id);
                p->withheld = true;
                p->state = ParticipantState::withheld;
                return;
            }
            allocate(endpoint_id, invite_number);
        });
}

void ConferenceMedia::allocate(const std::string& endpoint_id, std::uint64_t invite_number) {
    auto* participant = find(endpoint_id);
    if (!participant) {
        return;
    }
    participant->state = ParticipantState::allocating;
    ++participant->attempts;
    const auto& caps = *participant->capabilities;
    const auto options = media::offer_options(caps, settings_->sctp_enabled);
    colibri::EndpointRequest request;
    request.endpoint_id = endpoint_id;
    request.stats_id = participant->member->stats_id;
    request.participant.region = participant->member->region;
    request.participant.visitor = participant->member->is_visitor();
    request.medias = media::colibri_medias(settings_->codecs, options);
    request.sctp = options.sctp;
    request.capabilities.emplace_back(stanza::kCapabilitySourceNames);
    if (media::use_ssrc_rewriting(caps, settings_->conference)) {
        request.capabilities.emplace_back(stanza::kCapabilitySsrcRewriting);
    }
    if (media::use_rtp_mid_demux(caps, settings_->conference, settings_->codecs)) {
        request.capabilities.emplace_back(stanza::kCapabilityRtpMidDemux);
    }
    const auto& member = *participant->member;
    request.diarize = member.diarize;
    if (uses_private_addresses(member, *settings_)) {
        request.capabilities.emplace_back(stanza::kCapabilityPrivateAddressConnectivity);
    }
    if (participant->force_mute.audio || participant->force_mute.video) {
        request.force_mute = participant->force_mute;
    }
    std::weak_ptr<bool> alive = alive_;
    colibri_->allocate(std::move(request), [this, alive, endpoint_id, invite_number](colibri::AllocationResult result) {
        if (alive.lock()) {
            on_allocated(endpoint_id, invite_number, std::move(result));
        }
    });
}

void ConferenceMedia::on_allocated(const std::string& endpoint_id, std::uint64_t invite_number,
                                   colibri::AllocationResult result) {
    auto* participant = find(endpoint_id);
    if (!participant || participant->invite != invite_number || stopped_) {
        return;
    }
    if (!result) {
        const auto& failure = result.error();
        switch (failure.code) {
            case colibri::AllocationErrc::cancelled: return;
            case colibri::AllocationErrc::no_bridge:
                logger()->warn("room={} endpoint={} waits for a bridge: {}", room_.to_string(), endpoint_id,
                               failure.message);
                participant->state = ParticipantState::waiting;
                participant->no_bridge = true;
                report_bridges(true);
                return;
            case colibri::AllocationErrc::disconnected:
                // Nothing against any bridge: the participant is invited again once the link is back.
                logger()->warn("room={} endpoint={} not placed, our XMPP link dropped: {}", room_.to_string(),
                               endpoint_id, failure.message);
                invite_later(*participant, kLinkRetryDelay);
                return;
            case colibri::AllocationErrc::bridge_failed:
                if (participant->attempts < settings_->max_allocation_attempts) {
                    logger()->info("room={} endpoint={} bridge failed ({}), selecting another", room_.to_string(),
                                   endpoint_id, failure.message);
                    allocate(endpoint_id, invite_number);
                    return;
                }
                // Every bridge tried failed for now; failures pass (a bridge recovers, another joins).
                logger()->error("room={} endpoint={} cannot be placed on a bridge yet: {}", room_.to_string(),
                                endpoint_id, failure.message);
                invite_later(*participant, kBridgeRetryDelay);
                return;
            case colibri::AllocationErrc::rejected: break;
        }
        logger()->error("room={} endpoint={} cannot be placed on a bridge: {}", room_.to_string(), endpoint_id,
                        failure.message);
        participant->state = ParticipantState::failed;
        return;
    }
    participant->no_bridge = false;
    report_bridges(false);
    participant->placement = Participant::Placement{result->bridge.id, result->session_id};
    participant->feedback = feedback_for(*result);
    send_offer(*participant, *result);
}

std::shared_ptr<const sources::EndpointSourceSet> ConferenceMedia::feedback_for(
    const colibri::Allocation& allocation) const {
    if (!allocation.feedback_sources) {
        return nullptr;
    }
    // A bridge's session has one set of feedback sources; whoever is already placed in it has them converted.
    for (const auto& [id, other] : participants_) {
        if (other->feedback && other->placement && other->placement->bridge_id == allocation.bridge.id &&
            other->placement->session_id == allocation.session_id) {
            return other->feedback;
        }
    }
    auto converted = media::feedback_sources(*allocation.feedback_sources);
    if (converted.empty()) {
        return nullptr;
    }
    return std::make_shared<const sources::EndpointSourceSet>(std::move(converted));
}

sources::ConferenceSourceMap ConferenceMedia::remote_sources(const Participant& receiver) const {
    auto all = sources_.all_except(receiver.member->nick);
    if (receiver.feedback) {
        all.add(std::string(sources::kBridgeOwner), *receiver.feedback);
    }
    const auto& caps = *receiver.capabilities;
    auto remote = media::remote_sources_for(all, receiver.member->nick, settings_->conference.strip_simulcast,
                                            media::use_ssrc_rewriting(caps, settings_->conference));
    return media::only_media(remote, caps.audio, caps.video);
}

void ConferenceMedia::send_offer(Participant& participant, const colibri::Allocation& allocation) {
    const auto& caps = *participant.capabilities;
    const auto options = media::offer_options(caps, settings_->sctp_enabled);
    stanza::Jingle jingle;
    const bool replace = participant.replacing_transport && !participant.sid.empty();
    jingle.action = replace ? stanza::JingleAction::transport_replace : stanza::JingleAction::session_initiate;
    jingle.initiator = signaling_.focus_jid();
    // The sid is unique per participant and unguessable by others; a transport-replace keeps the session's.
    jingle.sid = replace ? participant.sid : core::random_token(12);
    participant.replacing_transport = false;
    jingle.contents = media::build_offer(settings_->codecs, options);
    std::optional<std::uint16_t> sctp_port;
    if (allocation.sctp && allocation.sctp->port) {
        sctp_port = *allocation.sctp->port;
    }
    media::attach_transport(jingle.contents, allocation.transport, options.sctp ? sctp_port : std::nullopt);
    jingle.group = media::bundle_group(jingle.contents);
    // The request's thresholds, and the room metadata's startMuted for a participant's first offer after it joined.
    const bool first_offer = participant.invites == 1;
    // Beyond the sender limits a participant starts muted too (Jicofo's hasToStartAudioMuted).
    const auto& limits = settings_->conference;
    const bool audio_muted = (options_.start_audio_muted && participant.join_order > *options_.start_audio_muted) ||
                             participant.join_order > limits.max_audio_senders ||
                             (first_offer && participant.start_muted && participant.start_muted->audio);
    const bool video_muted = (options_.start_video_muted && participant.join_order > *options_.start_video_muted) ||
                             participant.join_order > limits.max_video_senders ||
                             (first_offer && participant.start_muted && participant.start_muted->video);
    if (!replace && (audio_muted || video_muted)) {
        jingle.start_muted = stanza::StartMuted{audio_muted, video_muted};
    }
    jingle.bridge_session = stanza::BridgeSession{allocation.session_id, allocation.bridge.region, {}, {}};
    media::attach_sources(jingle, remote_sources(participant), media::use_json_sources(caps, settings_->conference),
                          media::occupant_owner(room_.to_string()));

    participant.sid = jingle.sid;
    participant.state = ParticipantState::offered;
    participant.queued_add = {};
    participant.queued_remove = {};
    const std::string endpoint_id = participant.member->nick;
    const auto invite_number = participant.invite;
    logger()->info("room={} endpoint={} bridge={} {} sid={}", room_.to_string(), endpoint_id, allocation.bridge.id,
                   jingle.action_name(), jingle.sid);
    std::weak_ptr<bool> alive = alive_;
    signaling_.send_jingle(occupant_jid(endpoint_id), jingle,
                           [this, alive, endpoint_id, invite_number](const JingleReply& reply) {
                               if (!alive.lock()) {
                                   return;
                               }
                               auto* p = find(endpoint_id);
                               if (!p || p->invite != invite_number) {
                                   return;
                               }
                               if (reply.disconnected) {
                                   // Lost with our link (the stream was not resumed): whether the participant got
                                   // it is unknown, so its session starts over on the bridge it had.
                                   reinvite(endpoint_id, "the offer was lost with our XMPP link", true);
                                   return;
                               }
                               if (!reply.error) {
                                   return;  // a timeout counts as success: the session-accept may still come
                               }
                               logger()->warn("room={} endpoint={} refused the session: {}", room_.to_string(),
                                              endpoint_id, reply.error->message());
                               end_session(*p, stanza::JingleReasonCondition::general_error, "offer refused", false);
                               p->state = ParticipantState::failed;
                           });
}

void ConferenceMedia::send_terminate(const Participant& participant, stanza::JingleReasonCondition reason,
                                     const std::string& text) {
    if (participant.sid.empty() ||
        (participant.state != ParticipantState::offered && participant.state != ParticipantState::active)) {
        return;
    }
    stanza::Jingle terminate;
    terminate.action = stanza::JingleAction::session_terminate;
    terminate.sid = participant.sid;
    terminate.reason = stanza::JingleReason{reason, text.empty() ? std::nullopt : std::optional(text)};
    signaling_.send_jingle(occupant_jid(participant.member->nick), terminate, [](const JingleReply&) {});
}

void ConferenceMedia::end_session(Participant& participant, stanza::JingleReasonCondition reason,
                                  const std::string& text, bool send_terminate_to_participant) {
    const std::string endpoint_id = participant.member->nick;
    if (send_terminate_to_participant) {
        send_terminate(participant, reason, text);
    }
    ++participant.invite;  // whatever was in flight for the old session is stale now
    participant.sid.clear();
    participant.placement.reset();
    participant.feedback.reset();
    participant.state = ParticipantState::waiting;
    colibri_->expire_endpoint(endpoint_id);
    auto removed = sources_.remove_owner(endpoint_id);
    if (!removed.empty()) {
        propagate(endpoint_id, removed, false);
        apply_translation();  // a translated sender's synthetic sources went with the rest
    }
}

bool ConferenceMedia::reinvite(const std::string& endpoint_id, const std::string& why, bool terminate_session) {
    if (!release_for_reinvite(endpoint_id, why, terminate_session)) {
        return false;
    }
    invite(*find(endpoint_id));
    return true;
}

bool ConferenceMedia::release_for_reinvite(const std::string& endpoint_id, const std::string& why,
                                           bool terminate_session) {
    auto* participant = find(endpoint_id);
    if (!participant || stopped_) {
        return false;
    }
    logger()->info("room={} endpoint={} re-invited: {}", room_.to_string(), endpoint_id, why);
    // ReplaceTransport moves an accepted session to its new bridge in place: the participant keeps its session and
    // its sources (nobody hears of it leaving and coming back). A session it ended itself is started anew.
    const bool replace = settings_->conference.reinvite_method == config::ReinviteMethod::ReplaceTransport &&
                         terminate_session && participant->state == ParticipantState::active;
    if (replace) {
        participant->replacing_transport = true;
        participant->placement.reset();
        participant->feedback.reset();
        participant->queued_add = {};
        participant->queued_remove = {};
        colibri_->expire_endpoint(endpoint_id);
    } else {
        end_session(*participant, stanza::JingleReasonCondition::success, "moving", terminate_session);
    }
    return true;
}

void ConferenceMedia::invite_later(Participant& participant, std::chrono::milliseconds delay) {
    participant.state = ParticipantState::waiting;
    participant.no_bridge = true;  // bridge_up invites it again
    if (!timers_) {
        return;
    }
    std::weak_ptr<bool> alive = alive_;
    timers_->after(delay, [this, alive, endpoint_id = participant.member->nick, invite_number = participant.invite] {
        if (!alive.lock() || stopped_) {
            return;
        }
        auto* p = find(endpoint_id);
        if (!p || p->invite != invite_number || !p->no_bridge || p->state != ParticipantState::waiting ||
            !invites_started_) {
            return;  // invited again meanwhile, left, or alone
        }
        p->no_bridge = false;
        invite(*p);
    });
}

void ConferenceMedia::count_moved(int count) const {
    if (count > 0 && settings_->participants_moved) {
        settings_->participants_moved(count);
    }
}

void ConferenceMedia::participant_left(const std::string& endpoint_id) {
    auto* participant = find(endpoint_id);
    if (!participant) {
        return;
    }
    // No source-remove for someone who left (jicofo-protocol.md §4(e)): clients drop its sources on the MUC leave,
    // and a large conference saves a message per participant. Changes still queued about it are moot as well.
    sources_.remove_owner(endpoint_id);
    for (auto& [id, other] : participants_) {
        other->queued_add.remove_owner(endpoint_id);
        other->queued_remove.remove_owner(endpoint_id);
    }
    end_session(*participant, stanza::JingleReasonCondition::gone, "", false);
    participants_.erase(endpoint_id);
    apply_translation();  // a translated sender is gone: its allocation and translator connects too
    report_bridges();
}

void ConferenceMedia::participant_alone(const std::string& endpoint_id) {
    if (auto* participant = find(endpoint_id)) {
        end_session(*participant, stanza::JingleReasonCondition::expired, "", true);
        invites_started_ = false;  // invited again once min-participants are back
    }
}

void ConferenceMedia::bridge_down(const std::string& bridge_id, const std::string& why) {
    int moved = 0;
    const std::string reason = "bridge " + bridge_id + " " + why;
    const auto endpoints = colibri_->remove_bridge(bridge_id);
    if (!endpoints.empty() && settings_->bridge_removed) {
        settings_->bridge_removed();  // only a bridge this conference was using
    }
    for (const auto& endpoint : endpoints) {
        moved += reinvite(endpoint, reason, true) ? 1 : 0;
    }
    count_moved(moved);
    report_bridges();
}

int ConferenceMedia::move_endpoints(const std::optional<std::string>& bridge_id,
                                    const std::optional<std::string>& endpoint_id, int max_count) {
    if (stopped_ || max_count <= 0) {
        return 0;
    }
    // Chosen first, moved after: a re-invite changes the participant's state under the loop.
    std::vector<std::string> chosen;
    for (const auto& [id, participant] : participants_) {
        if (static_cast<int>(chosen.size()) >= max_count) {
            break;
        }
        const bool on_a_bridge = participant->placement && (participant->state == ParticipantState::offered ||
                                                            participant->state == ParticipantState::active);
        if (!on_a_bridge || (endpoint_id && *endpoint_id != id) ||
            (bridge_id && participant->placement->bridge_id != *bridge_id)) {
            continue;
        }
        chosen.push_back(id);
    }
    // All released before any is invited again, as Jicofo: a single-bridge conference whose participants all move
    // is then placed afresh, instead of each following the others still on the bridge it leaves.
    std::vector<std::string> released;
    for (const auto& id : chosen) {
        if (release_for_reinvite(id, "moved off bridge " + bridge_id.value_or("(any)") + " on request", true)) {
            released.push_back(id);
        }
    }
    for (const auto& id : released) {
        if (auto* participant = find(id)) {
            invite(*participant);
        }
    }
    const int moved = static_cast<int>(released.size());
    count_moved(moved);
    return moved;
}

void ConferenceMedia::bridge_up(const std::string& /*bridge_id*/) {
    std::vector<std::string> waiting;
    for (auto& [id, participant] : participants_) {
        if (participant->no_bridge) {
            participant->no_bridge = false;
            waiting.push_back(id);
        }
    }
    for (const auto& id : waiting) {
        if (auto* participant = find(id); participant && invites_started_) {
            invite(*participant);
        }
    }
}

void ConferenceMedia::stop() {
    if (stopped_) {
        return;
    }
    stopped_ = true;
    for (auto& [id, participant] : participants_) {
        send_terminate(*participant, stanza::JingleReasonCondition::success, "conference ended");
        ++participant->invite;
        participant->state = ParticipantState::waiting;
    }
    colibri_->expire_all();  // one request per bridge expires every endpoint at once
}

std::vector<std::string> ConferenceMedia::bridge_regions() const {
    return colibri_->bridge_regions();
}

MediaSnapshot ConferenceMedia::snapshot() const {
    MediaSnapshot snapshot;
    for (const auto& [id, participant] : participants_) {
        MediaSnapshot::Participant p;
        p.endpoint_id = id;
        p.state = std::string(to_string(participant->state));
        if (participant->placement) {
            p.bridge = participant->placement->bridge_id;
            p.session_id = participant->placement->session_id;
        }
        p.sources = sources_.get(id).sources.size();
        p.invites = participant->invites;
        p.jingle_sid = participant->sid;
        if (const auto& caps = participant->capabilities) {
            p.receives_audio = caps->audio;
            p.receives_video = caps->video;
            p.ssrc_rewriting = media::use_ssrc_rewriting(*caps, settings_->conference);
            p.rtp_mid_demux = media::use_rtp_mid_demux(*caps, settings_->conference, settings_->codecs);
        }
        p.private_addresses = uses_private_addresses(*participant->member, *settings_);
        p.force_mute_audio = participant->force_mute.audio;
        p.force_mute_video = participant->force_mute.video;
        p.queued_add = participant->queued_add;
        p.queued_remove = participant->queued_remove;
        p.feedback = participant->feedback;
        snapshot.participants.push_back(std::move(p));
    }
    snapshot.colibri = colibri_->snapshot();
    snapshot.conference_sources = sources_.source_count();
    snapshot.sources = sources_;
    snapshot.start_audio_muted = options_.start_audio_muted;
    snapshot.start_video_muted = options_.start_video_muted;
    return snapshot;
}

}  // namespace jicofo::conference
