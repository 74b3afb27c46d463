// The client-requirements feature: the rule (requirements_check.cpp) applied to each participant once its features
// are known, with the metrics and the notice to the client.
#include "jicofo/client_requirements/client_requirements_feature.hpp"

#include "jicofo/client_requirements/requirements_check.hpp"
#include "jicofo/core/logging.hpp"
#include "jicofo/metrics/metrics_registry.hpp"

#include <spdlog/spdlog.h>

#include <map>
#include <memory>
#include <string>

namespace jicofo::client_requirements {
namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto log = core::module_logger("client_requirements");
    return log;
}

std::string_view level_name(config::RequirementLevel level) {
    switch (level) {
        case config::RequirementLevel::hard: return "hard";
        case config::RequirementLevel::soft: return "soft";
        case config::RequirementLevel::off: return "off";
    }
    return "off";
}

// The configuration and the metric series, shared by every conference (series are registered once, at install;
// incrementing them is thread-safe).
struct Requirements {
    config::ClientRequirementsConfig config;
    std::map<std::string, prometheus::Counter*> missing;  // by requirement name
    prometheus::Counter* rejected = nullptr;
    prometheus::Counter* not_discovered = nullptr;
    prometheus::Counter* notified_by_iq = nullptr;
    prometheus::Counter* notified_by_message = nullptr;
};

class ConferenceRequirements : public feature::FeatureInstance {
public:
    explicit ConferenceRequirements(std::shared_ptr<const Requirements> requirements)
        : requirements_(std::move(requirements)) {}

    bool allows_session(feature::ConferenceView& conference, const xmpp::Member& member,
                        const conference::DiscoveredFeatures& features) override {
        const auto result = check(requirements_->config, member, features);
        switch (result.outcome) {
            case Outcome::unchecked:
            case Outcome::exempt:
            case Outcome::satisfied: return true;
            case Outcome::not_discovered:
                requirements_->not_discovered->Increment();
                logger()->info(
                    "room={} endpoint={} not checked against the client requirements: its features are "
                    "unknown",
                    conference.room().to_string(), member.nick);
                return true;
            case Outcome::warn:
            case Outcome::reject: break;
        }
        std::string names;
        for (const auto* requirement : result.missing) {
            requirements_->missing.at(requirement->name)->Increment();
            names += (names.empty() ? "" : ", ") + requirement->name;
        }
        const bool reject = result.withholds_session();
        logger()->warn("room={} endpoint={} lacks {}{}", conference.room().to_string(), member.nick, names,
                       reject ? ": no media session" : "");
        tell(conference, member, features.features, result);
        if (reject) {
            requirements_->rejected->Increment();
            ++rejected_;
        } else {
            ++warned_;
        }
        return !reject;
    }

    [[nodiscard]] std::optional<std::string> debug_json() const override {
        if (warned_ == 0 && rejected_ == 0) {
            return std::nullopt;
        }
        return nlohmann::ordered_json{{"warned", warned_}, {"rejected", rejected_}}.dump();
    }

private:
    void tell(feature::ConferenceView& conference, const xmpp::Member& member, const std::vector<std::string>& features,
              const Check& result) const {
        if (understands_iq(features)) {
            conference.notify_occupant(member.occupant_jid, notice(result).to_xml());
            requirements_->notified_by_iq->Increment();
            return;
        }
        for (const auto* requirement : result.missing) {
            stanza::Message message;
            message.type = "chat";
            message.to = member.occupant_jid;
            message.body = chat_text(*requirement, result.outcome);
            conference.send_message(message);
        }
        requirements_->notified_by_message->Increment();
    }

    std::shared_ptr<const Requirements> requirements_;
    int warned_ = 0;
    int rejected_ = 0;
};

}  // namespace

void install(feature::Registrar& registrar) {
    const auto& config = registrar.config().conference.client_requirements;
    if (!config.enabled) {
        return;
    }
    auto& metrics = registrar.metrics();
    auto requirements = std::make_shared<Requirements>();
    requirements->config = config;
    requirements->rejected = &metrics.counter("participants_rejected_missing_features");
    requirements->not_discovered = &metrics.counter("participants_features_not_discovered");
    requirements->notified_by_iq = &metrics.counter("client_requirements_notifications", {{"transport", "iq"}});
    requirements->notified_by_message =
        &metrics.counter("client_requirements_notifications", {{"transport", "message"}});
    bool any_active = false;
    for (const auto& requirement : config.requirements) {
        if (requirement.level == config::RequirementLevel::off) {
            continue;
        }
        any_active = true;
        requirements->missing[requirement.name] =
            &metrics.counter("participants_missing_features",
                             {{"feature", requirement.name}, {"level", std::string(level_name(requirement.level))}});
    }
    // Without an active requirement nothing is checked: conferences keep no instance.
    if (!any_active) {
        return;
    }
    logger()->info("{} client requirement(s), {}", requirements->missing.size(),
                   config.enforce ? "enforced" : "not enforced (warnings only)");
    registrar.per_conference(
        [shared = std::shared_ptr<const Requirements>(std::move(requirements))](feature::ConferenceView&) {
            return std::make_unique<ConferenceRequirements>(shared);
        });
}

}  // namespace jicofo::client_requirements
