// The selection strategies (Jicofo's doSelect) over pre-filtered candidates; internal to the selector module.
#pragma once

#include "jicofo/selector/bridge_selector.hpp"

#include <optional>
#include <string>
#include <vector>

namespace jicofo::selector::detail {

struct Candidate {
    const Bridge* bridge = nullptr;
    double stress = 0;        // corrected stress
    bool overloaded = false;  // by the bridge's own stress, regardless of the conference
};

// A bridge of the conference that the selector knows.
struct ConferenceEntry {
    const Bridge* bridge = nullptr;
    const ConferenceBridge* usage = nullptr;
};

struct StrategyInput {
    std::vector<Candidate> candidates;        // best first
    std::vector<ConferenceEntry> conference;  // the conference's order
};

// The chosen bridge and the rule that chose it; no bridge and the reason when nothing fits.
struct Choice {
    const Bridge* bridge = nullptr;
    std::string rule;
};

class Strategies {
public:
    Strategies(const SelectorSettings& settings, const ParticipantProperties& participant, TimePoint now)
        : settings_(settings), participant_(participant), now_(now) {}

    // Jicofo's doSelect for `strategy`.
    [[nodiscard]] Choice do_select(config::SelectionStrategy strategy, const StrategyInput& in) const;

private:
    using Region = std::optional<std::string>;

    [[nodiscard]] Choice single_bridge(const StrategyInput& in) const;
    [[nodiscard]] Choice split_bridge(const StrategyInput& in) const;
    [[nodiscard]] Choice region_based(const StrategyInput& in) const;
    [[nodiscard]] Choice intra_region(const StrategyInput& in) const;
    [[nodiscard]] Choice visitor(const StrategyInput& in) const;

    // The rules the strategies chain; each returns the best candidate that satisfies it.
    [[nodiscard]] std::optional<Choice> not_loaded_in_conference_in_region(const StrategyInput& in,
                                                                           const Region& region) const;
    [[nodiscard]] std::optional<Choice> not_loaded_in_conference_in_group(const StrategyInput& in,
                                                                          const Region& region) const;
    [[nodiscard]] std::optional<Choice> not_loaded_in_region(const StrategyInput& in, const Region& region) const;
    [[nodiscard]] std::optional<Choice> not_loaded_in_group(const StrategyInput& in, const Region& region) const;
    [[nodiscard]] std::optional<Choice> not_loaded_in_conference(const StrategyInput& in) const;
    [[nodiscard]] std::optional<Choice> not_loaded(const StrategyInput& in) const;
    [[nodiscard]] std::optional<Choice> least_loaded_not_maxed_in_conference(const StrategyInput& in) const;
    [[nodiscard]] std::optional<Choice> least_loaded_in_conference_in_region(const StrategyInput& in,
                                                                             const Region& region) const;
    [[nodiscard]] std::optional<Choice> least_loaded_in_region(const StrategyInput& in, const Region& region) const;
    [[nodiscard]] std::optional<Choice> least_loaded(const StrategyInput& in) const;

    // The conference's usage of a bridge, or null when the conference does not use it.
    [[nodiscard]] static const ConferenceBridge* usage(const StrategyInput& in, const Bridge* bridge);
    // The conference already has as many participants on it as it may (max-bridge-participants, or the per-interval
    // limit).
    [[nodiscard]] bool maxed(const StrategyInput& in, const Candidate& candidate) const;
    // Overloaded by its own stress, or maxed for this conference.
    [[nodiscard]] bool overloaded(const StrategyInput& in, const Candidate& candidate) const;
    [[nodiscard]] std::vector<std::string> group_of(const Region& region) const;

    const SelectorSettings& settings_;
    const ParticipantProperties& participant_;
    TimePoint now_;
};

}  // namespace jicofo::selector::detail
