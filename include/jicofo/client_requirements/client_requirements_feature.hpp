// Client requirements (jicofo.conference.client-requirements; upstream Jicofo PR 1303) as a feature. When the media
// layer has discovered a participant's features, the configured requirements it does not advertise are counted and
// the client is told (the client-requirements IQ when it advertises http://jitsi.org/client-requirements-1, else one
// private chat message per missing feature); with `enforce`, a missing `hard` one withholds its media session (it
// stays in the room and can chat). Jibri, Jigasi, transcribers and clients whose discovery failed are not checked.
#pragma once

#include "jicofo/feature/feature.hpp"

namespace jicofo::client_requirements {

void install(feature::Registrar& registrar);
inline constexpr feature::Feature kFeature{"client_requirements", &install};

}  // namespace jicofo::client_requirements
