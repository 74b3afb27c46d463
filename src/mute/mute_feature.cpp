// The mute IQ handler, one registration per media type's namespace.
#include "jicofo/mute/mute_feature.hpp"

#include "jicofo/conference/conference_media.hpp"
#include "jicofo/stanza/mute.hpp"

namespace jicofo::mute {
namespace {

void handle(feature::ConferenceView& conference, const stanza::Iq& request) {
    auto mute = feature::parse_request<stanza::MuteIq>(conference, request);
    if (!mute) {
        return;
    }
    auto* media = feature::media_or_refuse(conference, request);
    if (!media) {
        return;
    }
    // Unmuting oneself is what the conference's features may refuse; muting is never refused here.
    const auto sender = request.header.from->resource();
    const bool self_unmute = mute->mute == std::optional<bool>(false) && mute->jid &&
                             mute->jid->bare() == conference.room() && mute->jid->resource() == sender;
    if (self_unmute) {
        if (const auto* member = conference.member(sender)) {
            if (auto refusal = conference.unmute_refusal(*member, mute->media)) {
                conference.reply(stanza::Iq::error_for(request, *refusal));
                return;
            }
        }
    }
    media->handle_mute(request, *mute);
}

}  // namespace

void install(feature::Registrar& registrar) {
    for (const auto media : {stanza::MuteMedia::audio, stanza::MuteMedia::video, stanza::MuteMedia::desktop}) {
        registrar.on_occupant_iq({"mute", std::string(stanza::mute_namespace(media)), stanza::IqType::set},
                                 [](feature::ConferenceView& conference, feature::FeatureInstance*,
                                    const stanza::Iq& request) { handle(conference, request); });
    }
}

}  // namespace jicofo::mute
