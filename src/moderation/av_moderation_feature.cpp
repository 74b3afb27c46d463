// AV moderation per conference: the state the component announced and what it means for each participant.
#include "jicofo/moderation/av_moderation_feature.hpp"
#include "jicofo/conference/conference_media.hpp"
#include "jicofo/core/logging.hpp"
#include "jicofo/stanza/jid_prep.hpp"
#include "jicofo/stanza/jingle.hpp"
#include "jicofo/stanza/namespaces.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <memory>

namespace jicofo::moderation {
namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto log = core::module_logger("av_moderation");
    return log;
}

constexpr std::array kMedia{stanza::MuteMedia::audio, stanza::MuteMedia::video, stanza::MuteMedia::desktop};

// Never force-muted by moderation: they cannot unmute themselves (Jicofo's shouldSuppressForceMute).
bool exempt(const xmpp::Member& member) {
    return member.is_jibri || member.is_jigasi || member.is_transcriber || member.is_visitor();
}

class Moderation : public feature::FeatureInstance {
public:
    void apply(feature::ConferenceView& conference, const AvModerationMessage& message) {
        for (const auto& [media, whitelist] : message.whitelists) {
            state(media).whitelist = whitelist;
        }
        if (!message.enabled || !message.media) {
            return;
        }
        auto& moderated = state(*message.media);
        const bool was = moderated.enabled;
        moderated.enabled = *message.enabled;
        if (moderated.enabled == was) {
            return;
        }
        moderated.actor = moderated.enabled ? message.actor : std::nullopt;
        logger()->info("room={} {} moderation {} by {}", conference.room().to_string(),
                       stanza::to_string(*message.media), moderated.enabled ? "enabled" : "disabled",
                       message.actor.value_or("?"));
        auto* media = conference.media();
        if (!media) {
            return;
        }
        std::optional<stanza::Jid> actor;
        if (message.actor) {
            if (auto parsed = stanza::Jid::parse(*message.actor)) {
                actor = std::move(parsed).value();
            }
        }
        const auto told_by = actor ? *actor : conference.focus_occupant();
        for (const auto& shared : conference.members()) {
            const auto& member = *shared;
            // The bridge has audio and video; desktop moderation leaves it alone (see required_force_mute).
            const auto required = required_force_mute(conference, member);
            const bool bridge = *message.media == stanza::MuteMedia::audio ? required.audio : required.video;
            if (*message.media != stanza::MuteMedia::desktop) {
                media->force_mute(member.nick, *message.media, bridge);
            }
            if (moderated.enabled && must_mute(member, *message.media)) {
                media->tell_muted(member.nick, *message.media, told_by);
            }
        }
    }

    [[nodiscard]] std::optional<stanza::StanzaError> unmute_refusal(const feature::ConferenceView&,
                                                                    const xmpp::Member& member,
                                                                    stanza::MuteMedia media) const override {
        const auto& moderated = state(media);
        if (!moderated.enabled || xmpp::has_moderator_rights(member.role) || whitelisted(member, media)) {
            return std::nullopt;
        }
        return stanza::StanzaError::make(stanza::ErrorCondition::not_allowed,
                                         std::string(stanza::to_string(media)) + " moderation is on");
    }

    [[nodiscard]] stanza::ForceMute required_force_mute(const feature::ConferenceView&,
                                                        const xmpp::Member& member) const override {
        stanza::ForceMute mute;
        mute.audio = must_mute(member, stanza::MuteMedia::audio);
        // Camera and screen share are one video force-mute on the bridge. It follows video moderation only: desktop
        // moderation alone must not stop the camera, so it is enforced by refusing the screen-share unmute (and by
        // the client). Jicofo forces video only while both video and desktop moderation deny it, which leaves
        // video moderation unenforced for clients that know no desktop moderation.
        mute.video = must_mute(member, stanza::MuteMedia::video);
        return mute;
    }

    [[nodiscard]] std::optional<std::string> debug_json() const override {
        nlohmann::ordered_json json;
        for (const auto media : kMedia) {
            const auto& moderated = state(media);
            json[std::string(stanza::to_string(media))] = {{"enabled", moderated.enabled},
                                                           {"whitelist", moderated.whitelist}};
        }
        return json.dump();
    }

private:
    struct PerMedia {
        bool enabled = false;
        std::vector<std::string> whitelist;  // occupant JIDs
        std::optional<std::string> actor;    // who turned it on
    };

    [[nodiscard]] PerMedia& state(stanza::MuteMedia media) { return media_[static_cast<std::size_t>(media)]; }
    [[nodiscard]] const PerMedia& state(stanza::MuteMedia media) const {
        return media_[static_cast<std::size_t>(media)];
    }

    [[nodiscard]] bool whitelisted(const xmpp::Member& member, stanza::MuteMedia media) const {
        const auto& list = state(media).whitelist;
        const auto occupant = member.occupant_jid.to_string();
        return std::find(list.begin(), list.end(), occupant) != list.end();
    }

    [[nodiscard]] bool must_mute(const xmpp::Member& member, stanza::MuteMedia media) const {
        const auto& moderated = state(media);
        return moderated.enabled && !exempt(member) && !xmpp::has_moderator_rights(member.role) &&
               moderated.actor != std::optional<std::string>(member.occupant_jid.to_string()) &&
               !whitelisted(member, media);
    }

    std::array<PerMedia, kMedia.size()> media_{};
};

void on_message(const stanza::Message& message, feature::Conferences& conferences) {
    const auto* element = message.extension("json-message", stanza::kNsJitmeet);
    if (!element) {
        logger()->warn("a message from the av_moderation component without json-message; ignored");
        return;
    }
    auto json = stanza::JsonMessage::parse(*element);
    auto parsed =
        json ? parse_av_moderation(json->json)
             : core::Result<AvModerationMessage, std::string>(core::unexpected(std::string("not a json-message")));
    if (!parsed) {
        logger()->warn("malformed av_moderation message ignored: {}", parsed.error());
        return;
    }
    auto jid = stanza::Jid::parse(parsed->room);
    auto room = jid ? stanza::prep(*jid) : jid;
    if (!room || !room->is_bare() || room->local().empty()) {
        logger()->warn("an av_moderation message for '{}', which is not a room; ignored", parsed->room);
        return;
    }
    conferences.with_conference(*room, [message = std::move(parsed).value()](feature::ConferenceView& conference,
                                                                             feature::FeatureInstance* instance) {
        if (auto* moderation = dynamic_cast<Moderation*>(instance)) {
            moderation->apply(conference, message);
        }
    });
}

}  // namespace

void install(feature::Registrar& registrar) {
    registrar.per_conference([](feature::ConferenceView&) { return std::make_unique<Moderation>(); });
    // Jicofo's /debug has "av_moderation": {"address": ..}.
    feature::use_component(registrar, "av_moderation", "av_moderation", on_message);
}

}  // namespace jicofo::moderation
