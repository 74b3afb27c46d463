// The Jingle IQ handler: parsed on the conference's strand and handed to its media layer, which answers it.
#include "jicofo/jingle/jingle_feature.hpp"

#include "jicofo/conference/conference_media.hpp"
#include "jicofo/stanza/jingle.hpp"
#include "jicofo/stanza/namespaces.hpp"

namespace jicofo::jingle {

void install(feature::Registrar& registrar) {
    registrar.on_occupant_iq(
        {"jingle", std::string(stanza::kNsJingle), stanza::IqType::set},
        [](feature::ConferenceView& conference, feature::FeatureInstance*, const stanza::Iq& request) {
            auto jingle = feature::parse_request<stanza::Jingle>(conference, request);
            if (!jingle) {
                return;
            }
            if (auto* media = feature::media_or_refuse(conference, request)) {
                media->handle_jingle(request, *jingle);
            }
        });
}

}  // namespace jicofo::jingle
