// Signed webhooks (jicofo.webhooks) as a feature: conference, participant and bridge events POSTed as JSON to the
// configured URLs with an HMAC-SHA256 signature, at least once, in order per conference (docs/webhooks.md). Each
// conference's instance turns its events into webhook events and posts them to the webhooks strand; delivery never
// runs on a conference strand. No URLs: nothing is made per conference and nothing is sent.
#pragma once

#include "jicofo/feature/feature.hpp"

namespace jicofo::webhooks {

void install(feature::Registrar& registrar);
inline constexpr feature::Feature kFeature{"webhooks", &install};

}  // namespace jicofo::webhooks
