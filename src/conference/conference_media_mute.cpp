// Mute requests (jicofo-protocol.md §4f): who may mute whom, the bridge's force-mute that enforces it, and the
// notice to a participant muted by someone else.
#include "jicofo/conference/conference_media.hpp"

#include "conference_media_participant.hpp"
#include "jicofo/core/logging.hpp"

#include <spdlog/spdlog.h>

namespace jicofo::conference {
namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto log = core::module_logger("conference");
    return log;
}

}  // namespace

void ConferenceMedia::handle_mute(const stanza::Iq& request, const stanza::MuteIq& mute) {
    if (!mute.jid || !mute.mute) {
        reply_error(request, stanza::ErrorCondition::bad_request, "a mute request needs a jid and true or false");
        return;
    }
    const std::string actor_id = request.header.from ? std::string(request.header.from->resource()) : std::string();
    auto* actor = find(actor_id);
    if (!actor || stopped_) {
        reply_error(request, stanza::ErrorCondition::not_allowed, "not a participant of this conference");
        return;
    }
    auto* target = mute.jid->bare() == room_ ? find(std::string(mute.jid->resource())) : nullptr;
    if (!target) {
        reply_error(request, stanza::ErrorCondition::item_not_found,
                    mute.jid->to_string() + " is not a participant of this conference");
        return;
    }
    const bool remote = target != actor;
    if (remote && !*mute.mute) {
        reply_error(request, stanza::ErrorCondition::not_allowed, "nobody may unmute someone else");
        return;
    }
    if (remote && !xmpp::has_moderator_rights(actor->member->role)) {
        reply_error(request, stanza::ErrorCondition::not_allowed, "only moderators may mute others");
        return;
    }
    const auto& member = *target->member;
    const bool jigasi_cannot = member.is_jigasi && !(target->capabilities && target->capabilities->audio_mute);
    if (member.is_jibri || member.is_visitor() || jigasi_cannot) {
        reply_error(request, stanza::ErrorCondition::not_allowed, member.nick + " cannot be muted");
        return;
    }

    // An unmute keeps what the features still require on the bridge: a screen-share unmute must not lift the video
    // force-mute that video moderation set, since both are video there.
    bool forced = *mute.mute;
    if (!forced && policy_) {
        const auto required = policy_->required_force_mute(member);
        forced = mute.media == stanza::MuteMedia::audio ? required.audio : required.video;
    }
    force_mute(member.nick, mute.media, forced);
    logger()->info("room={} endpoint={} {} {} by {}", room_.to_string(), member.nick, stanza::to_string(mute.media),
                   *mute.mute ? "muted" : "unmuted", actor_id);
    reply_result(request);
    if (remote) {
        notify_muted(member, mute.media, actor->member->occupant_jid);
    }
}

bool ConferenceMedia::force_mute(const std::string& endpoint_id, stanza::MuteMedia media, bool mute,
                                 const std::optional<stanza::Jid>& actor) {
    auto* target = find(endpoint_id);
    if (!target || stopped_) {
        return false;
    }
    // Desktop sharing is video on the bridge.
    auto& forced = media == stanza::MuteMedia::audio ? target->force_mute.audio : target->force_mute.video;
    const bool changed = forced != mute;
    forced = mute;
    if (changed && colibri_->bridge_of(endpoint_id)) {
        colibri_->force_mute(endpoint_id, target->force_mute);
    }
    if (mute && actor) {
        notify_muted(*target->member, media, *actor);
    }
    return true;
}

void ConferenceMedia::tell_muted(const std::string& endpoint_id, stanza::MuteMedia media, const stanza::Jid& actor) {
    if (auto* target = find(endpoint_id); target && !stopped_) {
        notify_muted(*target->member, media, actor);
    }
}

void ConferenceMedia::notify_muted(const xmpp::Member& member, stanza::MuteMedia media, const stanza::Jid& actor) {
    stanza::MuteIq notice;
    notice.media = media;
    notice.actor = actor;
    notice.mute = true;
    signaling_.send_mute_notice(member.occupant_jid, notice);
}

}  // namespace jicofo::conference
