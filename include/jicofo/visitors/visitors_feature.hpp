// Feature `visitors` (jicofo-protocol.md §4i): a large room's audience on visitor nodes. Clients that can follow a
// redirect (visitors-version) are sent to a node once the main room is full, when they ask, or when the room's
// metadata does not list them; the conference joins its room on that node and gives each visitor a receive-only
// session over the node's connection. With enable-live-room, visitors wait until the room is live. A node whose
// XMPP session comes back fresh has lost its rooms: they are dropped and their visitors' sessions end.
#pragma once

#include "jicofo/feature/feature.hpp"

namespace jicofo::visitors {

void install(feature::Registrar& registrar);
inline constexpr feature::Feature kFeature{"visitors", &install};

}  // namespace jicofo::visitors
