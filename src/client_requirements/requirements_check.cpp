// The client-requirements rule and the notices it leads to.
#include "jicofo/client_requirements/requirements_check.hpp"

#include "jicofo/stanza/namespaces.hpp"

#include <algorithm>

namespace jicofo::client_requirements {

namespace {

bool advertises(const std::vector<std::string>& features, const std::string& var) {
    return std::find(features.begin(), features.end(), var) != features.end();
}

}  // namespace

Check check(const config::ClientRequirementsConfig& config, const xmpp::Member& member,
            const conference::DiscoveredFeatures& features) {
    Check result;
    const bool any_active =
        std::any_of(config.requirements.begin(), config.requirements.end(),
                    [](const config::ClientRequirement& r) { return r.level != config::RequirementLevel::off; });
    if (!config.enabled || !any_active) {
        return result;
    }
    // Recorders, gateways and transcribers are ours, not users' clients: what a browser must support means nothing
    // to them.
    if (member.is_jibri || member.is_jigasi || member.is_transcriber) {
        result.outcome = Outcome::exempt;
        return result;
    }
    // A disco#info that failed says nothing about the client: locking it out would turn a lost IQ into an outage.
    if (!features.discovered) {
        result.outcome = Outcome::not_discovered;
        return result;
    }
    bool hard_missing = false;
    for (const auto& requirement : config.requirements) {
        if (requirement.level == config::RequirementLevel::off || advertises(features.features, requirement.feature)) {
            continue;
        }
        result.missing.push_back(&requirement);
        hard_missing = hard_missing || requirement.level == config::RequirementLevel::hard;
    }
    if (result.missing.empty()) {
        result.outcome = Outcome::satisfied;
    } else {
        result.outcome = hard_missing && config.enforce ? Outcome::reject : Outcome::warn;
    }
    return result;
}

bool understands_iq(const std::vector<std::string>& features) {
    return advertises(features, std::string(stanza::kFeatureClientRequirements));
}

stanza::ClientRequirementsIq notice(const Check& check) {
    stanza::ClientRequirementsIq iq;
    iq.action =
        check.outcome == Outcome::reject ? stanza::RequirementsAction::reject : stanza::RequirementsAction::warn;
    for (const auto* requirement : check.missing) {
        stanza::MissingFeature missing;
        missing.var = requirement->feature;
        missing.name = requirement->name;
        missing.level = requirement->level == config::RequirementLevel::hard ? stanza::MissingFeatureLevel::hard
                                                                             : stanza::MissingFeatureLevel::soft;
        missing.details = requirement->details;
        missing.url = requirement->url;
        iq.missing.push_back(std::move(missing));
    }
    return iq;
}

std::string chat_text(const config::ClientRequirement& requirement, Outcome outcome) {
    std::string text = "Your client does not support " + requirement.name;
    if (requirement.name != requirement.feature) {
        text += " (" + requirement.feature + ")";
    }
    if (outcome == Outcome::reject && requirement.level == config::RequirementLevel::hard) {
        text += ", which this meeting requires: you cannot send or receive audio and video here, but you can chat.";
    } else {
        text += ", which this meeting expects: some things may not work.";
    }
    if (requirement.details) {
        text += " " + *requirement.details;
    }
    if (requirement.url) {
        text += " " + *requirement.url;
    }
    return text;
}

}  // namespace jicofo::client_requirements
