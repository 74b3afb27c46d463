// The feature list: adding a conference feature is its folder and one line here (and its library in CMake).
#include "jicofo/app/features.hpp"

#include "jicofo/breakout/breakout_feature.hpp"
#include "jicofo/client_requirements/client_requirements_feature.hpp"
#include "jicofo/jigasi/jigasi_feature.hpp"
#include "jicofo/jingle/jingle_feature.hpp"
#include "jicofo/moderation/av_moderation_feature.hpp"
#include "jicofo/mute/mute_feature.hpp"
#include "jicofo/recording/recording_feature.hpp"
#include "jicofo/room_metadata/room_metadata_feature.hpp"
#include "jicofo/room_presence/room_presence_feature.hpp"
#include "jicofo/sender_limits/sender_limits_feature.hpp"
#include "jicofo/status_page/status_page_feature.hpp"
#include "jicofo/transcription/transcription_feature.hpp"
#include "jicofo/visitors/visitors_feature.hpp"
#include "jicofo/webhooks/webhooks_feature.hpp"

#include <array>

namespace jicofo::app {

std::span<const feature::Feature> feature_list() {
    static constexpr std::array kFeatures{
        jingle::kFeature,
        mute::kFeature,
        room_metadata::kFeature,
        moderation::kFeature,
        sender_limits::kFeature,
        room_presence::kFeature,
        breakout::kFeature,
        recording::kFeature,
        jigasi::kFeature,
        transcription::kFeature,
        visitors::kFeature,
        status_page::kFeature,
        client_requirements::kFeature,
        webhooks::kFeature,
    };
    return kFeatures;
}

}  // namespace jicofo::app
