// Bridge selection for one new participant: Jicofo's pre-filtering (operational, not shutting down, same version,
// preferring bridges that are not draining or in graceful shutdown) and its selection strategies.
#pragma once

#include "jicofo/config/sections.hpp"
#include "jicofo/selector/bridge.hpp"
#include "jicofo/selector/clock.hpp"

#include <optional>
#include <string>
#include <vector>

namespace jicofo::selector {

// How a conference uses one of its bridges.
struct ConferenceBridge {
    std::string bridge_id;
    int participants = 0;
    bool visitor = false;    // the bridge serves the conference's visitors
    int recently_added = 0;  // participants the conference added to it within max-bridge-participants-interval

    friend bool operator==(const ConferenceBridge&, const ConferenceBridge&) = default;
};

// The bridges a conference uses, in the order it started using them: the first is its main bridge (its version
// and, for IntraRegion, its region are the conference's). Bridges the selector does not know are ignored.
using ConferenceBridges = std::vector<ConferenceBridge>;

struct ParticipantProperties {
    std::optional<std::string> region;
    bool visitor = false;

    friend bool operator==(const ParticipantProperties&, const ParticipantProperties&) = default;
};

struct SelectionResult {
    std::optional<std::string> bridge_id;
    // The rule that chose the bridge (e.g. "not overloaded in region"), or why there is none.
    std::string reason;
};

struct SelectorSettings {
    config::BridgeConfig bridge;
    config::OctoConfig octo;
    std::optional<std::string> local_region;  // jicofo.local-region
};

class BridgeSelector {
public:
    explicit BridgeSelector(SelectorSettings settings);

    // Chooses a bridge for `participant` among `bridges` (every known bridge; none may be null).
    // `pinned_version` restricts a conference without bridges to that full version; for a conference with bridges
    // it must match theirs, or nothing is selected.
    [[nodiscard]] SelectionResult select(const std::vector<const Bridge*>& bridges, const ConferenceBridges& conference,
                                         const ParticipantProperties& participant,
                                         const std::optional<std::string>& pinned_version, TimePoint now) const;

    // The conference's bridges that reached max-bridge-participants-per-interval (select() treats them as overloaded
    // for it); empty when that cap is off. For the rate-limited counter and the log, as Jicofo counts them.
    [[nodiscard]] std::vector<ConferenceBridge> rate_limited(const ConferenceBridges& conference) const;

    [[nodiscard]] const SelectorSettings& settings() const { return settings_; }
    // Jicofo's class name of the configured strategy, for /debug.
    [[nodiscard]] const char* strategy_name() const;

private:
    SelectorSettings settings_;
};

}  // namespace jicofo::selector
