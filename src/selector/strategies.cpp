// Jicofo's selection strategies as chains of rules over the candidates (best first): each rule takes the first
// candidate it accepts, and a strategy falls through its rules until one matches.
#include "strategies.hpp"

#include <algorithm>

namespace jicofo::selector::detail {
namespace {

bool in_region(const Bridge& bridge, const std::optional<std::string>& region) {
    return region && bridge.region() == region;
}

bool in_group(const Bridge& bridge, const std::vector<std::string>& group) {
    return bridge.region() && std::find(group.begin(), group.end(), *bridge.region()) != group.end();
}

template <typename Pred>
std::optional<Choice> first(const StrategyInput& in, const char* rule, Pred accept) {
    for (const auto& candidate : in.candidates) {
        if (accept(candidate)) {
            return Choice{candidate.bridge, rule};
        }
    }
    return std::nullopt;
}

Choice none(std::string reason) {
    return Choice{nullptr, std::move(reason)};
}

}  // namespace

Choice Strategies::do_select(config::SelectionStrategy strategy, const StrategyInput& in) const {
    switch (strategy) {
        case config::SelectionStrategy::SingleBridge: return single_bridge(in);
        case config::SelectionStrategy::SplitBridge: return split_bridge(in);
        case config::SelectionStrategy::RegionBased: return region_based(in);
        case config::SelectionStrategy::IntraRegion: return intra_region(in);
        case config::SelectionStrategy::Visitor: return visitor(in);
    }
    return none("unknown strategy");
}

Choice Strategies::single_bridge(const StrategyInput& in) const {
    if (in.conference.empty()) {
        if (auto c = least_loaded_in_region(in, participant_.region)) {
            return *c;
        }
        if (auto c = least_loaded(in)) {
            return *c;
        }
        return none("no bridge");
    }
    if (in.conference.size() != 1) {
        return none("the conference uses " + std::to_string(in.conference.size()) +
                    " bridges, but the strategy keeps it on one");
    }
    const Bridge* bridge = in.conference.front().bridge;
    if (!bridge->is_operational(now_)) {
        return none("the conference's bridge is not operational");
    }
    return Choice{bridge, "the conference's bridge"};
}

Choice Strategies::split_bridge(const StrategyInput& in) const {
    if (auto c = first(in, "not yet in the conference", [&](const Candidate& x) { return !usage(in, x.bridge); })) {
        return *c;
    }
    const ConferenceEntry* fewest = nullptr;
    for (const auto& entry : in.conference) {
        const bool candidate = std::any_of(in.candidates.begin(), in.candidates.end(),
                                           [&](const Candidate& x) { return x.bridge == entry.bridge; });
        if (candidate && (!fewest || entry.usage->participants < fewest->usage->participants)) {
            fewest = &entry;
        }
    }
    if (fewest) {
        return Choice{fewest->bridge, "the conference's bridge with the fewest participants"};
    }
    return none("no bridge");
}

Choice Strategies::region_based(const StrategyInput& in) const {
    if (in.candidates.empty()) {
        return none("no bridge");
    }
    const auto& local = settings_.local_region;
    Region region = participant_.region ? participant_.region : local;
    if (local) {
        const auto group = group_of(region);
        // Most likely one of the first two participants is outside the local region and is invited first; when
        // its region group includes the local region both will share the bridge, so start in the local region.
        if (in.conference.empty() && region != local && std::find(group.begin(), group.end(), *local) != group.end()) {
            region = local;
        }
        // No bridge in the participant's region group at all: fall back to the local region.
        if (std::none_of(in.candidates.begin(), in.candidates.end(),
                         [&](const Candidate& x) { return in_group(*x.bridge, group); })) {
            region = local;
        }
    }
    for (auto rule : {&Strategies::not_loaded_in_conference_in_region, &Strategies::not_loaded_in_conference_in_group,
                      &Strategies::not_loaded_in_region, &Strategies::not_loaded_in_group}) {
        if (auto c = (this->*rule)(in, region)) {
            return *c;
        }
    }
    for (auto rule : {&Strategies::not_loaded_in_conference, &Strategies::not_loaded,
                      &Strategies::least_loaded_not_maxed_in_conference, &Strategies::least_loaded}) {
        if (auto c = (this->*rule)(in)) {
            return *c;
        }
    }
    return none("no bridge");
}

Choice Strategies::intra_region(const StrategyInput& in) const {
    if (in.candidates.empty()) {
        return none("no bridge");
    }
    if (in.conference.empty()) {
        if (auto c = not_loaded_in_region(in, participant_.region)) {
            return *c;
        }
        return *least_loaded(in);
    }
    const Region& region = in.conference.front().bridge->region();
    if (auto c = not_loaded_in_conference_in_region(in, region)) {
        return *c;
    }
    if (auto c = not_loaded_in_region(in, region)) {
        return *c;
    }
    if (auto c = least_loaded_in_conference_in_region(in, region)) {
        return *c;
    }
    return none("no bridge in the conference's region");
}

Choice Strategies::visitor(const StrategyInput& in) const {
    const auto configured = participant_.visitor ? settings_.bridge.visitor_selection_strategy
                                                 : settings_.bridge.participant_selection_strategy;
    // The configuration refuses a missing or nested strategy; guard anyway rather than recurse.
    auto strategy = configured.value_or(config::SelectionStrategy::SingleBridge);
    if (strategy == config::SelectionStrategy::Visitor) {
        strategy = config::SelectionStrategy::SingleBridge;
    }
    // Keep visitors and participants on separate bridges: bridges unused by the conference or used by the same
    // kind of endpoint, and the conference's bridges of that kind.
    StrategyInput separate;
    for (const auto& candidate : in.candidates) {
        const ConferenceBridge* use = usage(in, candidate.bridge);
        if (!use || use->visitor == participant_.visitor) {
            separate.candidates.push_back(candidate);
        }
    }
    for (const auto& entry : in.conference) {
        if (entry.usage->visitor == participant_.visitor) {
            separate.conference.push_back(entry);
        }
    }
    Choice choice = do_select(strategy, separate);
    if (choice.bridge) {
        return choice;
    }
    // Nothing separate is available: mix them.
    choice = do_select(strategy, in);
    if (choice.bridge) {
        choice.rule += " (mixing visitors and participants)";
    }
    return choice;
}

std::optional<Choice> Strategies::not_loaded_in_conference_in_region(const StrategyInput& in,
                                                                     const Region& region) const {
    return first(in, "not overloaded, in the conference, in the region", [&](const Candidate& x) {
        return usage(in, x.bridge) && !overloaded(in, x) && in_region(*x.bridge, region);
    });
}

std::optional<Choice> Strategies::not_loaded_in_conference_in_group(const StrategyInput& in,
                                                                    const Region& region) const {
    const auto group = group_of(region);
    return first(in, "not overloaded, in the conference, in the region group", [&](const Candidate& x) {
        return usage(in, x.bridge) && !overloaded(in, x) && in_group(*x.bridge, group);
    });
}

std::optional<Choice> Strategies::not_loaded_in_region(const StrategyInput& in, const Region& region) const {
    return first(in, "not overloaded, in the region",
                 [&](const Candidate& x) { return !overloaded(in, x) && in_region(*x.bridge, region); });
}

std::optional<Choice> Strategies::not_loaded_in_group(const StrategyInput& in, const Region& region) const {
    const auto group = group_of(region);
    return first(in, "not overloaded, in the region group",
                 [&](const Candidate& x) { return !overloaded(in, x) && in_group(*x.bridge, group); });
}

std::optional<Choice> Strategies::not_loaded_in_conference(const StrategyInput& in) const {
    return first(in, "not overloaded, in the conference",
                 [&](const Candidate& x) { return usage(in, x.bridge) && !overloaded(in, x); });
}

std::optional<Choice> Strategies::not_loaded(const StrategyInput& in) const {
    // Jicofo looks at the bridge's own load only here; a bridge this conference has maxed out is skipped too, or
    // max-bridge-participants would never split a conference whose bridge is not loaded.
    return first(in, "not overloaded", [&](const Candidate& x) { return !overloaded(in, x); });
}

std::optional<Choice> Strategies::least_loaded_not_maxed_in_conference(const StrategyInput& in) const {
    return first(in, "least loaded, in the conference, not maxed",
                 [&](const Candidate& x) { return usage(in, x.bridge) && !maxed(in, x); });
}

std::optional<Choice> Strategies::least_loaded_in_conference_in_region(const StrategyInput& in,
                                                                       const Region& region) const {
    return first(in, "least loaded, in the conference, in the region",
                 [&](const Candidate& x) { return usage(in, x.bridge) && in_region(*x.bridge, region); });
}

std::optional<Choice> Strategies::least_loaded_in_region(const StrategyInput& in, const Region& region) const {
    return first(in, "least loaded in the region", [&](const Candidate& x) { return in_region(*x.bridge, region); });
}

std::optional<Choice> Strategies::least_loaded(const StrategyInput& in) const {
    return first(in, "least loaded", [](const Candidate&) { return true; });
}

const ConferenceBridge* Strategies::usage(const StrategyInput& in, const Bridge* bridge) {
    for (const auto& entry : in.conference) {
        if (entry.bridge == bridge) {
            return entry.usage;
        }
    }
    return nullptr;
}

bool Strategies::maxed(const StrategyInput& in, const Candidate& candidate) const {
    const ConferenceBridge* use = usage(in, candidate.bridge);
    if (!use) {
        return false;
    }
    const auto& b = settings_.bridge;
    return (b.max_bridge_participants > 0 && use->participants >= b.max_bridge_participants) ||
           (b.max_bridge_participants_per_interval > 0 &&
            use->recently_added >= b.max_bridge_participants_per_interval);
}

bool Strategies::overloaded(const StrategyInput& in, const Candidate& candidate) const {
    return candidate.overloaded || maxed(in, candidate);
}

std::vector<std::string> Strategies::group_of(const Region& region) const {
    return region ? settings_.bridge.region_group(*region) : std::vector<std::string>{};
}

}  // namespace jicofo::selector::detail
