// Sender limits (jicofo.conference.max-audio-senders / max-video-senders) as a feature. The room's senders are its
// members whose presence says unmuted. At the limit the focus publishes the `audio-limit-reached` /
// `video-limit-reached` conference properties (clients then stop offering to unmute), a source-add carrying audio
// (video) sources is refused with resource-constraint as Jicofo refuses it, and so is a participant's own unmute
// while it is muted.
#pragma once

#include "jicofo/feature/feature.hpp"

namespace jicofo::sender_limits {

void install(feature::Registrar& registrar);
inline constexpr feature::Feature kFeature{"sender_limits", &install};

}  // namespace jicofo::sender_limits
