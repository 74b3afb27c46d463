// What the focus publishes about the conference in its own room presence (jicofo-protocol.md §4b), beyond the
// versions and conference properties every conference starts with: the shared document's name
// (<etherpad xmlns='http://jitsi.org/jitmeet/etherpad'>, the room's name or, with
// jicofo.conference.shared-document.use-random-name, a random one), the `bridge-count` conference property, and
// <bridgeNotAvailable xmlns='http://jitsi.org/protocol/focus'/> while a participant waits because no bridge could
// be selected.
#pragma once

#include "jicofo/feature/feature.hpp"

namespace jicofo::room_presence {

void install(feature::Registrar& registrar);
inline constexpr feature::Feature kFeature{"room_presence", &install};

}  // namespace jicofo::room_presence
