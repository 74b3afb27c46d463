// BridgeSelector: Jicofo's selectBridge pre-filtering, then its strategies' select(): the first bridge of a
// conference comes from the strategy, later ones only when relays (Octo) can connect them.
#include "jicofo/selector/bridge_selector.hpp"

#include "strategies.hpp"

#include <algorithm>
#include <iterator>
#include <tuple>

namespace jicofo::selector {
namespace {

using detail::Candidate;
using detail::StrategyInput;

SelectionResult nothing(std::string reason) {
    return SelectionResult{std::nullopt, std::move(reason)};
}

// Keeps the candidates that satisfy `keep`, if any does; otherwise leaves them as they are.
template <typename Pred>
void prefer(std::vector<Candidate>& candidates, Pred keep) {
    std::vector<Candidate> preferred;
    std::copy_if(candidates.begin(), candidates.end(), std::back_inserter(preferred), keep);
    if (!preferred.empty()) {
        candidates = std::move(preferred);
    }
}

}  // namespace

BridgeSelector::BridgeSelector(SelectorSettings settings) : settings_(std::move(settings)) {}

std::vector<ConferenceBridge> BridgeSelector::rate_limited(const ConferenceBridges& conference) const {
    std::vector<ConferenceBridge> limited;
    const int cap = settings_.bridge.max_bridge_participants_per_interval;
    if (cap > 0) {
        std::copy_if(conference.begin(), conference.end(), std::back_inserter(limited),
                     [cap](const ConferenceBridge& bridge) { return bridge.recently_added >= cap; });
    }
    return limited;
}

const char* BridgeSelector::strategy_name() const {
    return config::strategy_name(settings_.bridge.selection_strategy);
}

SelectionResult BridgeSelector::select(const std::vector<const Bridge*>& bridges, const ConferenceBridges& conference,
                                       const ParticipantProperties& participant,
                                       const std::optional<std::string>& pinned_version, TimePoint now) const {
    StrategyInput in;
    for (const auto& usage : conference) {
        auto known =
            std::find_if(bridges.begin(), bridges.end(), [&](const Bridge* b) { return b->id() == usage.bridge_id; });
        if (known != bridges.end()) {
            in.conference.push_back({*known, &usage});
        }
    }

    // The conference's version is its main bridge's; a pin only chooses the version of a new conference.
    std::optional<std::string> version = pinned_version;
    if (!in.conference.empty()) {
        auto conference_version = in.conference.front().bridge->full_version();
        if (conference_version) {
            if (pinned_version && pinned_version != conference_version) {
                return nothing("pinned version " + *pinned_version + " differs from the conference's version " +
                               *conference_version);
            }
            version = std::move(conference_version);
        }
    }

    // Operational first (in graceful shutdown after the others), then by corrected stress. The id breaks ties so
    // that the order does not depend on the order of the input.
    struct Ranked {
        int priority;
        Candidate candidate;
    };
    std::vector<Ranked> ranked;
    ranked.reserve(bridges.size());
    for (const Bridge* bridge : bridges) {
        const double stress = bridge->corrected_stress(now);
        ranked.push_back(
            {selection_priority(*bridge, now), Candidate{bridge, stress, stress >= settings_.bridge.stress_threshold}});
    }
    std::sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
        return std::tie(a.priority, a.candidate.stress, a.candidate.bridge->id()) <
               std::tie(b.priority, b.candidate.stress, b.candidate.bridge->id());
    });

    for (const auto& r : ranked) {
        if (r.candidate.bridge->is_operational(now)) {
            in.candidates.push_back(r.candidate);
        }
    }
    if (in.candidates.empty()) {
        return nothing("no operational bridges");
    }
    std::erase_if(in.candidates, [](const Candidate& c) { return c.bridge->shutting_down(); });
    if (in.candidates.empty()) {
        return nothing("all operational bridges are shutting down");
    }
    if (version && !settings_.octo.allow_mixed_versions) {
        std::erase_if(in.candidates, [&](const Candidate& c) { return c.bridge->full_version() != version; });
        if (in.candidates.empty()) {
            return nothing("no operational bridge has version " + *version);
        }
    }
    prefer(in.candidates, [](const Candidate& c) { return !c.bridge->draining(); });
    prefer(in.candidates, [](const Candidate& c) { return !c.bridge->graceful_shutdown(); });

    const auto strategy = settings_.bridge.selection_strategy;
    const detail::Strategies strategies(settings_, participant, now);
    if (!in.conference.empty()) {
        // A second bridge needs relays: Octo on (SplitBridge turns it on for itself) and a relay id on the main
        // bridge. Otherwise the conference stays where it is.
        const bool multi_bridge = settings_.octo.enabled || strategy == config::SelectionStrategy::SplitBridge;
        const Bridge* main = in.conference.front().bridge;
        if (!multi_bridge || !main->relay_id()) {
            if (!main->is_operational(now)) {
                return nothing("the conference's bridge is not operational and it cannot use another");
            }
            return SelectionResult{main->id(), "the conference's bridge (no relays)"};
        }
    }
    auto choice = strategies.do_select(strategy, in);
    if (!choice.bridge) {
        return nothing(std::move(choice.rule));
    }
    return SelectionResult{choice.bridge->id(), std::move(choice.rule)};
}

}  // namespace jicofo::selector
