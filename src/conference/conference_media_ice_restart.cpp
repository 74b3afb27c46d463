// In-place ICE restarts (jicofo-protocol.md §4e, session-info with <bridge-session ice-restart='true'>): the bridge
// gives the participant's endpoint new ICE credentials, which reach the participant as a transport-info, without a
// new session. A bridge that cannot do it gets the participant a new session instead.
#include "jicofo/conference/conference_media.hpp"

#include "conference_media_participant.hpp"
#include "jicofo/core/logging.hpp"

#include <spdlog/spdlog.h>

namespace jicofo::conference {
namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto log = core::module_logger("jingle");
    return log;
}

}  // namespace

void ConferenceMedia::count_ice_restart(std::string_view what) const {
    if (settings_->ice_restart) {
        settings_->ice_restart(what);
    }
}

void ConferenceMedia::on_ice_restart(Participant& participant, const stanza::Iq& request,
                                     const stanza::Jingle& jingle) {
    const std::string endpoint_id = participant.member->nick;
    if (!settings_->conference.enable_ice_restart) {
        reply_error(request, stanza::ErrorCondition::feature_not_implemented, "in-place ICE restart is disabled");
        return;
    }
    const auto current = participant.placement ? participant.placement->session_id : std::string();
    if (current.empty() || jingle.bridge_session->id != current) {
        reply_error(request, stanza::ErrorCondition::item_not_found, "unknown bridge session");
        return;
    }
    if (!allow_restart(participant.ice_restart_requests)) {
        logger()->warn("room={} endpoint={} ICE restart request rate-limited", room_.to_string(), endpoint_id);
        reply_error(request, stanza::ErrorCondition::resource_constraint, "too many ICE restart requests");
        return;
    }
    reply_result(request);
    count_ice_restart("requested");
    std::weak_ptr<bool> alive = alive_;
    colibri_->restart_ice(endpoint_id,
                          [this, alive, endpoint_id, invite = participant.invite](colibri::IceRestartOutcome outcome) {
                              if (alive.lock()) {
                                  on_ice_restarted(endpoint_id, invite, std::move(outcome));
                              }
                          });
}

void ConferenceMedia::on_ice_restarted(const std::string& endpoint_id, std::uint64_t invite,
                                       colibri::IceRestartOutcome outcome) {
    auto* participant = find(endpoint_id);
    if (!participant || participant->invite != invite || stopped_) {
        return;  // the session changed meanwhile: its new transport is in the new offer
    }
    using Kind = colibri::IceRestartOutcome::Kind;
    switch (outcome.kind) {
        case Kind::restarted: {
            logger()->info("room={} endpoint={} ICE restarted in place", room_.to_string(), endpoint_id);
            count_ice_restart("relayed");
            stanza::Jingle info;
            info.action = stanza::JingleAction::transport_info;
            info.sid = participant->sid;
            stanza::JingleContent audio;
            audio.creator = "initiator";
            audio.name = "audio";
            audio.transport = std::move(outcome.transport);
            info.contents.push_back(std::move(audio));
            signaling_.send_jingle(occupant_jid(endpoint_id), info, [](const JingleReply&) {});
            return;
        }
        case Kind::not_needed: count_ice_restart("not_needed"); return;
        case Kind::declined:
        case Kind::failed:
            count_ice_restart("failed");
            reinvite(endpoint_id, "in-place ICE restart failed: " + outcome.message, true);
            return;
    }
}

}  // namespace jicofo::conference
