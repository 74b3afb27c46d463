// Dial-in/out and transcription through Jigasi, as a conference feature: the brewery of jicofo.jigasi.brewery-jid,
// clients' Rayo <dial/> requests forwarded to a Jigasi, sipGatewayEnabled in conference replies while one can dial,
// the reference's Jigasi metrics, /stats jigasi_detector (with a brewery) and jigasi, /debug jigasi_detector and
// each conference's dials in flight.
#pragma once

#include "jicofo/feature/feature.hpp"

namespace jicofo::jigasi {

void install(feature::Registrar& registrar);
inline constexpr feature::Feature kFeature{"jigasi", &install};

}  // namespace jicofo::jigasi
