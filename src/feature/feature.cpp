// The helpers of feature.hpp.
#include "jicofo/feature/feature.hpp"

#include "jicofo/conference/conference_media.hpp"

namespace jicofo::feature {

void use_component(Registrar& registrar, std::string type, std::string debug_key, ComponentMessageHandler on_message) {
    // Written and read on the features strand only.
    auto address = std::make_shared<std::optional<std::string>>();
    registrar.on_component(
        std::move(type), [address](const std::optional<std::string>& found) { *address = found; },
        std::move(on_message));
    registrar.debug_section(std::move(debug_key), [address] {
        // As Jicofo writes it: the component's JID, or "null" before Prosody announced one.
        return nlohmann::ordered_json{{"address", address->value_or("null")}};
    });
}

conference::ConferenceMedia* media_or_refuse(ConferenceView& conference, const stanza::Iq& request) {
    auto* media = conference.media();
    if (!media) {
        conference.reply(stanza::Iq::error_for(
            request, stanza::StanzaError::make(stanza::ErrorCondition::item_not_found, "no media session here")));
    }
    return media;
}

}  // namespace jicofo::feature
