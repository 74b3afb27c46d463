// Jingle from participants (jicofo-protocol.md §4e) as a feature: session-accept, source-add/remove,
// transport-info, session-info and session-terminate IQs from a room occupant reach the media layer of the
// occupant's conference, on its strand, in the order they arrived.
#pragma once

#include "jicofo/feature/feature.hpp"

namespace jicofo::jingle {

void install(feature::Registrar& registrar);
inline constexpr feature::Feature kFeature{"jingle", &install};

}  // namespace jicofo::jingle
