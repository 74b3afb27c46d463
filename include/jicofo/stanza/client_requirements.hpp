// The client-requirements IQ (jitsi:client-requirements, upstream Jicofo PR 1303): the focus tells a client which of
// the features the deployment requires it does not advertise, and whether it is refused a media session for it.
#pragma once

#include "jicofo/stanza/stanza_error.hpp"
#include "jicofo/stanza/xml_element.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jicofo::stanza {

// reject: a hard requirement is missing and the client gets no media session; warn: it is invited all the same.
enum class RequirementsAction { reject, warn };
// hard: without it the client is not invited (when enforced); soft: it is expected, and only warned about.
enum class MissingFeatureLevel { hard, soft };

[[nodiscard]] std::string_view to_string(RequirementsAction action);
[[nodiscard]] std::string_view to_string(MissingFeatureLevel level);

// <missing-feature var='http://jitsi.org/ssrc-rewriting-1' name='SSRC_REWRITING_V1' level='hard'
//                  details='Update to version 10.2 or later.' url='https://example.com/docs'/>
// var and level are required; name (a stable symbolic name), details and url are optional.
struct MissingFeature {
    std::string var;
    std::optional<std::string> name;
    MissingFeatureLevel level = MissingFeatureLevel::hard;
    std::optional<std::string> details;
    std::optional<std::string> url;

    friend bool operator==(const MissingFeature&, const MissingFeature&) = default;
};

// <client-requirements xmlns='jitsi:client-requirements' action='reject'><missing-feature .../>...
// </client-requirements>, an IQ set from the focus's occupant JID to the client's. A missing or unknown action, a
// missing-feature without var or with an unknown level fail (bad-request); other children are ignored.
struct ClientRequirementsIq {
    RequirementsAction action = RequirementsAction::warn;
    std::vector<MissingFeature> missing;

    static ParseResult<ClientRequirementsIq> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const ClientRequirementsIq&, const ClientRequirementsIq&) = default;
};

}  // namespace jicofo::stanza
