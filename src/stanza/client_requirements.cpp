// Parsing and serialization of the client-requirements IQ.
#include "jicofo/stanza/client_requirements.hpp"

#include "jicofo/stanza/namespaces.hpp"
#include "parse_util.hpp"

namespace jicofo::stanza {

std::string_view to_string(RequirementsAction action) {
    return action == RequirementsAction::reject ? "reject" : "warn";
}

std::string_view to_string(MissingFeatureLevel level) {
    return level == MissingFeatureLevel::hard ? "hard" : "soft";
}

namespace {

ParseResult<MissingFeature> parse_missing_feature(const XmlElement& element) {
    MissingFeature missing;
    auto var = detail::required_attr(element, "var");
    if (!var) {
        return core::unexpected(var.error());
    }
    if (var->empty()) {
        return core::unexpected(detail::bad("<missing-feature/> with an empty var"));
    }
    missing.var = std::move(var).value();
    const auto level = detail::opt_attr(element, "level");
    if (level == "hard") {
        missing.level = MissingFeatureLevel::hard;
    } else if (level == "soft") {
        missing.level = MissingFeatureLevel::soft;
    } else {
        return core::unexpected(
            detail::bad("<missing-feature/> level '" + level.value_or("") + "' is neither hard nor soft"));
    }
    missing.name = detail::opt_attr(element, "name");
    missing.details = detail::opt_attr(element, "details");
    missing.url = detail::opt_attr(element, "url");
    return missing;
}

}  // namespace

ParseResult<ClientRequirementsIq> ClientRequirementsIq::parse(const XmlElement& element) {
    if (auto wrong = detail::expect_element(element, "client-requirements", kNsClientRequirements)) {
        return core::unexpected(*wrong);
    }
    ClientRequirementsIq iq;
    const auto action = detail::opt_attr(element, "action");
    if (action == "reject") {
        iq.action = RequirementsAction::reject;
    } else if (action == "warn") {
        iq.action = RequirementsAction::warn;
    } else {
        return core::unexpected(
            detail::bad("<client-requirements/> action '" + action.value_or("") + "' is neither reject nor warn"));
    }
    for (const XmlElement* child : element.children("missing-feature", kNsClientRequirements)) {
        auto missing = parse_missing_feature(*child);
        if (!missing) {
            return core::unexpected(missing.error());
        }
        iq.missing.push_back(std::move(missing).value());
    }
    return iq;
}

XmlElement ClientRequirementsIq::to_xml() const {
    XmlElement e("client-requirements", std::string(kNsClientRequirements));
    e.set_attribute("action", std::string(to_string(action)));
    for (const auto& missing : this->missing) {
        XmlElement child("missing-feature", std::string(kNsClientRequirements));
        child.set_attribute("var", missing.var);
        child.set_attribute_if("name", missing.name);
        child.set_attribute("level", std::string(to_string(missing.level)));
        child.set_attribute_if("details", missing.details);
        child.set_attribute_if("url", missing.url);
        e.add_child(std::move(child));
    }
    return e;
}

}  // namespace jicofo::stanza
