// Recording, live streaming and SIP video through Jibri, as a conference feature: the breweries of
// jicofo.jibri.brewery-jid and jicofo.jibri-sip.brewery-jid, clients' <jibri/> requests, Jibri's status IQs, the
// sessions' status in the focus's presence, the reference's Jibri metrics, /stats jibri_detector,
// sip_jibri_detector and jibri, and /debug each brewery's instances and each conference's sessions.
#pragma once

#include "jicofo/feature/feature.hpp"

namespace jicofo::recording {

void install(feature::Registrar& registrar);
inline constexpr feature::Feature kFeature{"recording", &install};

}  // namespace jicofo::recording
