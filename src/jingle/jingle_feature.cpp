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
            if (!request.payload) {
                conference.reply(
                    stanza::Iq::error_for(request, stanza::StanzaError::make(stanza::ErrorCondition::bad_request)));
                return;
            }
            auto jingle = stanza::Jingle::parse(*request.payload);
            if (!jingle) {
                conference.reply(stanza::Iq::error_for(request, jingle.error()));
                return;
            }
            auto* media = conference.media();
            if (!media) {
                conference.reply(stanza::Iq::error_for(
                    request,
                    stanza::StanzaError::make(stanza::ErrorCondition::item_not_found, "no media session here")));
                return;
            }
            media->handle_jingle(request, *jingle);
        });
}

}  // namespace jicofo::jingle
