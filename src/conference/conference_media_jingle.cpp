// What participants send us over Jingle: session-accept, transport-info, source-add/remove, session-info and
// session-terminate, each validated before anything is applied, answered exactly once, and propagated.
#include "jicofo/conference/conference_media.hpp"

#include "conference_media_participant.hpp"

#include "jicofo/core/logging.hpp"
#include "jicofo/media/colibri_sources.hpp"
#include "jicofo/media/jingle_sources.hpp"
#include "jicofo/media/offer.hpp"
#include "jicofo/sources/source_error.hpp"

#include <spdlog/spdlog.h>

namespace jicofo::conference {
namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto log = core::module_logger("jingle");
    return log;
}

// The condition is the source model's decision (sources::stanza_condition); here it only becomes a value.
stanza::ErrorCondition condition_for(const sources::SourceError& error) {
    return stanza::error_condition_from_string(sources::stanza_condition(error.kind))
        .value_or(stanza::ErrorCondition::bad_request);
}

std::optional<stanza::InitialLastN> initial_last_n(const stanza::Jingle& jingle) {
    for (const auto& content : jingle.contents) {
        if (content.initial_last_n) {
            return content.initial_last_n;
        }
    }
    return std::nullopt;
}

}  // namespace

void ConferenceMedia::reply_error(const stanza::Iq& request, stanza::ErrorCondition condition,
                                  const std::string& text) {
    signaling_.reply(stanza::Iq::error_for(request, stanza::StanzaError::make(condition, text)));
}

void ConferenceMedia::reply_result(const stanza::Iq& request) {
    signaling_.reply(stanza::Iq::result_for(request));
}

void ConferenceMedia::handle_jingle(const stanza::Iq& request, const stanza::Jingle& jingle) {
    if (settings_->jingle_received) {
        settings_->jingle_received(jingle.action);
    }
    const std::string endpoint_id = request.header.from ? std::string(request.header.from->resource()) : std::string();
    auto* participant = find(endpoint_id);
    // The nick alone is not enough: a visitor's room is its node's, and a nick is unique only within one room.
    if (!participant || stopped_ || participant->member->occupant_jid.bare() != request.header.from->bare()) {
        reply_error(request, stanza::ErrorCondition::item_not_found, "not a participant of this conference");
        return;
    }
    if (jingle.action == stanza::JingleAction::unknown) {
        reply_error(request, stanza::ErrorCondition::feature_not_implemented,
                    "unsupported action " + std::string(jingle.action_name()));
        return;
    }
    if (participant->sid.empty()) {
        reply_error(request, stanza::ErrorCondition::gone, "the session has ended");
        return;
    }
    if (jingle.sid != participant->sid) {
        reply_error(request, stanza::ErrorCondition::bad_request, "unknown session id " + jingle.sid);
        return;
    }
    logger()->debug("room={} endpoint={} received {}", room_.to_string(), endpoint_id, jingle.action_name());
    switch (jingle.action) {
        case stanza::JingleAction::session_accept:
        case stanza::JingleAction::transport_accept: on_session_accept(*participant, request, jingle); return;
        case stanza::JingleAction::transport_info: on_transport_info(*participant, request, jingle); return;
        case stanza::JingleAction::source_add:
        case stanza::JingleAction::addsource: on_source_add(*participant, request, jingle); return;
        case stanza::JingleAction::source_remove:
        case stanza::JingleAction::removesource: on_source_remove(*participant, request, jingle); return;
        case stanza::JingleAction::session_info: on_session_info(*participant, request, jingle); return;
        case stanza::JingleAction::session_terminate: on_session_terminate(*participant, request, jingle); return;
        default:
            reply_error(request, stanza::ErrorCondition::feature_not_implemented,
                        "unsupported action " + std::string(jingle.action_name()));
            return;
    }
}

void ConferenceMedia::on_session_accept(Participant& participant, const stanza::Iq& request,
                                        const stanza::Jingle& jingle) {
    if (participant.state != ParticipantState::offered) {
        reply_error(request, stanza::ErrorCondition::unexpected_request, "the session was already accepted");
        return;
    }
    if (refuse_oversized(request, jingle)) {
        return;
    }
    auto signalled = media::sources_from_contents(jingle.contents);
    if (!signalled) {
        reply_error(request, condition_for(signalled.error()), signalled.error().reason);
        return;
    }
    if (participant.member->is_visitor() && !signalled->empty()) {
        reply_error(request, stanza::ErrorCondition::forbidden, "visitors cannot send sources");
        return;
    }
    const std::string endpoint_id = participant.member->nick;
    if (jingle.action == stanza::JingleAction::transport_accept) {
        // After a transport-replace the session kept its sources: only what is new in the answer is added.
        signalled->remove(sources_.get(endpoint_id));
    }
    auto accepted = validator_.try_add(sources_, endpoint_id, *signalled);
    if (!accepted) {
        logger()->warn("room={} endpoint={} session-accept refused: {}", room_.to_string(), endpoint_id,
                       accepted.error().reason);
        reply_error(request, condition_for(accepted.error()), accepted.error().reason);
        return;
    }
    reply_result(request);
    participant.state = ParticipantState::active;
    if (participant.joined_at && settings_->join_to_session_accept) {
        settings_->join_to_session_accept(std::chrono::steady_clock::now() - *participant.joined_at);
    }
    participant.joined_at.reset();  // later accepts follow re-invites, not the join
    logger()->info("room={} endpoint={} session accepted with {} sources", room_.to_string(), endpoint_id,
                   accepted->sources.size());
    colibri_->update_endpoint(endpoint_id, media::transport_from_contents(jingle.contents),
                              media::colibri_sources(sources_.get(endpoint_id), endpoint_id), initial_last_n(jingle));
    if (!accepted->empty()) {
        propagate(endpoint_id, *accepted, true);
        apply_translation();  // the base audio source of a pending translation request may be here now
    }
    flush_queued_sources(participant);
}

bool ConferenceMedia::refuse_oversized(const stanza::Iq& request, const stanza::Jingle& jingle) {
    const auto counts = media::count_signalled(jingle.contents);
    auto refused = validator_.refuse_oversized(counts.sources, counts.groups);
    if (!refused) {
        return false;
    }
    logger()->warn("room={} from={} jingle {} refused: {} ({} sources, {} groups)", room_.to_string(),
                   request.header.from ? request.header.from->to_string() : std::string("?"),
                   stanza::to_string(jingle.action), refused->reason, counts.sources, counts.groups);
    reply_error(request, condition_for(*refused), refused->reason);
    return true;
}

void ConferenceMedia::on_transport_info(Participant& participant, const stanza::Iq& request,
                                        const stanza::Jingle& jingle) {
    auto transport = media::transport_from_contents(jingle.contents);
    if (!transport) {
        reply_error(request, stanza::ErrorCondition::bad_request, "transport-info without a transport");
        return;
    }
    reply_result(request);
    colibri_->update_endpoint(participant.member->nick, std::move(transport), std::nullopt);
}

void ConferenceMedia::on_source_add(Participant& participant, const stanza::Iq& request, const stanza::Jingle& jingle) {
    if (participant.member->is_visitor()) {
        reply_error(request, stanza::ErrorCondition::forbidden, "visitors cannot send sources");
        return;
    }
    if (refuse_oversized(request, jingle)) {
        return;
    }
    auto signalled = media::sources_from_contents(jingle.contents);
    if (!signalled) {
        reply_error(request, condition_for(signalled.error()), signalled.error().reason);
        return;
    }
    // The conference's features may refuse new senders (jicofo.conference.max-audio-senders / max-video-senders).
    if (policy_) {
        if (auto refusal =
                policy_->source_add_refusal(*participant.member, signalled->has_audio(), signalled->has_video())) {
            logger()->warn("room={} endpoint={} source-add refused: {}", room_.to_string(), participant.member->nick,
                           refusal->text);
            signaling_.reply(stanza::Iq::error_for(request, *refusal));
            return;
        }
    }
    const std::string endpoint_id = participant.member->nick;
    auto accepted = validator_.try_add(sources_, endpoint_id, *signalled);
    if (!accepted) {
        logger()->warn("room={} endpoint={} source-add refused: {}", room_.to_string(), endpoint_id,
                       accepted.error().reason);
        reply_error(request, condition_for(accepted.error()), accepted.error().reason);
        return;
    }
    reply_result(request);
    if (accepted->empty()) {
        return;
    }
    update_bridge_sources(participant);
    propagate(endpoint_id, *accepted, true);
    apply_translation();
}

void ConferenceMedia::on_source_remove(Participant& participant, const stanza::Iq& request,
                                       const stanza::Jingle& jingle) {
    if (refuse_oversized(request, jingle)) {
        return;
    }
    auto signalled = media::sources_from_contents(jingle.contents);
    if (!signalled) {
        reply_error(request, condition_for(signalled.error()), signalled.error().reason);
        return;
    }
    const std::string endpoint_id = participant.member->nick;
    auto removed = validator_.try_remove(sources_, endpoint_id, *signalled);
    if (!removed) {
        logger()->warn("room={} endpoint={} source-remove refused: {}", room_.to_string(), endpoint_id,
                       removed.error().reason);
        reply_error(request, condition_for(removed.error()), removed.error().reason);
        return;
    }
    reply_result(request);
    if (removed->empty()) {
        return;
    }
    update_bridge_sources(participant);
    propagate(endpoint_id, *removed, false);
    apply_translation();  // the translated audio source may be gone
}

void ConferenceMedia::on_session_info(Participant& participant, const stanza::Iq& request,
                                      const stanza::Jingle& jingle) {
    const auto current = participant.placement ? participant.placement->session_id : std::string();
    if (jingle.bridge_session && jingle.bridge_session->ice_restart.value_or(false)) {
        on_ice_restart(participant, request, jingle);
        return;
    }
    if (jingle.ice_state && jingle.ice_state->state == "failed") {
        if (settings_->participant_ice_failed) {
            settings_->participant_ice_failed();  // counted for any session, as Jicofo does
        }
        if (!jingle.bridge_session || jingle.bridge_session->id != current) {
            reply_result(request);  // about an older session: nothing to do
            return;
        }
        reply_result(request);
        count_restart_against_bridge(participant);
        reinvite(participant.member->nick, "ICE failed", true);
        return;
    }
    reply_result(request);
}

void ConferenceMedia::on_session_terminate(Participant& participant, const stanza::Iq& request,
                                           const stanza::Jingle& jingle) {
    const std::string endpoint_id = participant.member->nick;
    const bool restart = jingle.bridge_session && jingle.bridge_session->restart.value_or(false);
    if (!restart) {
        reply_result(request);
        logger()->info("room={} endpoint={} ended its session", room_.to_string(), endpoint_id);
        end_session(participant, stanza::JingleReasonCondition::success, "", false);
        return;
    }
    if (settings_->participant_restart_requested) {
        settings_->participant_restart_requested();  // counted before the session and rate checks, as Jicofo does
    }
    const auto current = participant.placement ? participant.placement->session_id : std::string();
    if (jingle.bridge_session->id != current) {
        reply_error(request, stanza::ErrorCondition::item_not_found, "unknown bridge session");
        return;
    }
    if (!allow_restart(participant.restart_requests)) {
        logger()->warn("room={} endpoint={} restart request rate-limited", room_.to_string(), endpoint_id);
        reply_error(request, stanza::ErrorCondition::resource_constraint, "too many restart requests");
        end_session(participant, stanza::JingleReasonCondition::success, "", false);
        return;
    }
    reply_result(request);
    count_restart_against_bridge(participant);
    reinvite(endpoint_id, "the participant asked for a restart", false);
}

// A full restart (ICE failed, or a restart request that passed the rate limit) for the current session counts
// against its bridge for ICE-failure detection, as Jicofo's Bridge.endpointRequestedRestart; an in-place ICE
// restart does not (a client's network change is no sign of a failing bridge).
void ConferenceMedia::count_restart_against_bridge(const Participant& participant) const {
    if (participant.placement && settings_->bridge_restart_requested) {
        settings_->bridge_restart_requested(participant.placement->bridge_id);
    }
}

// restart-request-rate-limits: at least min-interval apart and at most max-requests per interval.
bool ConferenceMedia::allow_restart(std::vector<std::chrono::steady_clock::time_point>& history) const {
    const auto& limits = settings_->conference.restart_request_rate_limits;
    const auto now = std::chrono::steady_clock::now();
    std::erase_if(history, [&](auto at) { return now - at > limits.interval; });
    const bool too_soon = !history.empty() && now - history.back() < limits.min_interval;
    const bool too_many = static_cast<int>(history.size()) >= limits.max_requests;
    if (too_soon || too_many) {
        return false;
    }
    history.push_back(now);
    return true;
}

void ConferenceMedia::update_bridge_sources(const Participant& participant) {
    const auto& endpoint_id = participant.member->nick;
    colibri_->update_endpoint(endpoint_id, std::nullopt,
                              media::colibri_sources(sources_.get(endpoint_id), endpoint_id));
}

void ConferenceMedia::propagate(const std::string& owner, const sources::EndpointSourceSet& set, bool add) {
    const sources::ConferenceSourceMap change(owner, set);
    // source-signaling-delays: in a large conference, changes to an active receiver are batched for a while.
    const auto delay = timers_ ? settings_->conference.source_signaling_delay(static_cast<int>(participants_.size()))
                               : std::chrono::milliseconds::zero();
    for (auto& [id, receiver] : participants_) {
        if (id == owner || !receiver->capabilities ||
            media::use_ssrc_rewriting(*receiver->capabilities, settings_->conference)) {
            continue;  // with SSRC rewriting the bridge tells the receiver about sources itself
        }
        if (receiver->state == ParticipantState::active && delay <= std::chrono::milliseconds::zero()) {
            send_sources(*receiver, change, add);
        } else if (receiver->state == ParticipantState::active) {
            queue_sources(*receiver, owner, set, add);
            schedule_flush(*receiver, delay);
        } else if (receiver->state == ParticipantState::offered) {
            // Its offer went out before this change: tell it once it has accepted.
            queue_sources(*receiver, owner, set, add);
        }
    }
}

// An add and a later remove of the same sources cancel out before they are ever signalled.
void ConferenceMedia::queue_sources(Participant& receiver, const std::string& owner,
                                    const sources::EndpointSourceSet& set, bool add) {
    if (add) {
        receiver.queued_add.add(sources::ConferenceSourceMap(owner, set));
        return;
    }
    auto not_yet_sent = receiver.queued_add.remove(owner, set);
    sources::EndpointSourceSet rest = set;
    rest.remove(not_yet_sent);
    if (!rest.empty()) {
        receiver.queued_remove.add(owner, rest);
    }
}

void ConferenceMedia::schedule_flush(Participant& receiver, std::chrono::milliseconds delay) {
    if (receiver.flush_scheduled) {
        return;  // the batch already waiting takes this change too
    }
    receiver.flush_scheduled = true;
    std::weak_ptr<bool> alive = alive_;
    timers_->after(delay, [this, alive, endpoint_id = receiver.member->nick] {
        if (!alive.lock()) {
            return;
        }
        auto* participant = find(endpoint_id);
        if (!participant) {
            return;
        }
        participant->flush_scheduled = false;
        // A participant whose session is being renegotiated gets the batch after its session-accept instead.
        if (participant->state == ParticipantState::active && !stopped_) {
            flush_queued_sources(*participant);
        }
    });
}

void ConferenceMedia::send_sources(Participant& receiver, const sources::ConferenceSourceMap& change, bool add) {
    const auto& caps = *receiver.capabilities;
    auto visible = settings_->conference.strip_simulcast ? change.strip_simulcast() : change;
    visible = media::only_media(visible, caps.audio, caps.video);
    if (visible.empty()) {
        return;
    }
    stanza::Jingle jingle;
    jingle.action = add ? stanza::JingleAction::source_add : stanza::JingleAction::source_remove;
    jingle.sid = receiver.sid;
    media::attach_sources(jingle, visible, media::use_json_sources(caps, settings_->conference),
                          media::occupant_owner(room_.to_string()));
    const std::string endpoint_id = receiver.member->nick;
    signaling_.send_jingle(occupant_jid(endpoint_id), jingle,
                           [room = room_.to_string(), endpoint_id, add](const JingleReply& reply) {
                               if (reply.error) {
                                   logger()->warn("room={} endpoint={} refused {}: {}", room, endpoint_id,
                                                  add ? "source-add" : "source-remove", reply.error->message());
                               }
                           });
}

void ConferenceMedia::flush_queued_sources(Participant& participant) {
    auto add = std::exchange(participant.queued_add, {});
    auto remove = std::exchange(participant.queued_remove, {});
    if (!add.empty()) {
        send_sources(participant, add, true);
    }
    if (!remove.empty()) {
        send_sources(participant, remove, false);
    }
}

}  // namespace jicofo::conference
