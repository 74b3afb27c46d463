// Mute requests (jicofo-protocol.md §4f) as a feature: <mute xmlns='http://jitsi.org/jitmeet/audio|video|desktop'>
// IQs from room occupants. A self-unmute is first put to every feature of the conference (AV moderation and the
// sender limits may refuse it); the media layer then decides who may mute whom and applies colibri2 force-mute.
#pragma once

#include "jicofo/feature/feature.hpp"

namespace jicofo::mute {

void install(feature::Registrar& registrar);
inline constexpr feature::Feature kFeature{"mute", &install};

}  // namespace jicofo::mute
