// Shared pieces of the selector tests: a manual clock and a set of bridges built from stats.
#pragma once

#include "jicofo/selector/bridge.hpp"
#include "jicofo/selector/bridge_selector.hpp"

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace jicofo::selector::testing {

using namespace std::chrono_literals;

// Time only moves when the test says so.
struct ManualClock {
    TimePoint now = TimePoint{} + 24h;
    void advance(Duration d) { now += d; }
};

// Stats of an active bridge (drain=false) with the given load, region and version.
inline BridgeStats active_stats(double stress, std::optional<std::string> region = std::nullopt,
                                std::optional<std::string> version = std::string("2.3.1")) {
    BridgeStats stats;
    stats.stress_level = stress;
    stats.region = std::move(region);
    stats.version = std::move(version);
    stats.drain = false;
    stats.relay_id = std::nullopt;
    return stats;
}

class Fleet {
public:
    explicit Fleet(BridgeParams params = {}) : params_(params) {}

    Bridge& add(const std::string& nick, const BridgeStats& stats, TimePoint now) {
        bridges_.push_back(std::make_unique<Bridge>("jvbbrewery@internal.auth.meet.test/" + nick, nick, params_));
        bridges_.back()->update(stats, now);
        return *bridges_.back();
    }
    Bridge& add(const std::string& nick, double stress, std::optional<std::string> region, TimePoint now) {
        return add(nick, active_stats(stress, std::move(region)), now);
    }
    Bridge& get(const std::string& nick) {
        for (auto& b : bridges_) {
            if (b->nick() == nick) {
                return *b;
            }
        }
        throw std::out_of_range(nick);
    }
    [[nodiscard]] std::vector<const Bridge*> all() const {
        std::vector<const Bridge*> result;
        for (const auto& b : bridges_) {
            result.push_back(b.get());
        }
        return result;
    }

private:
    BridgeParams params_;
    std::vector<std::unique_ptr<Bridge>> bridges_;
};

inline std::string id_of(const std::string& nick) {
    return "jvbbrewery@internal.auth.meet.test/" + nick;
}

// The nick of the selected bridge, or "" when none was selected.
inline std::string nick_of(const SelectionResult& result) {
    if (!result.bridge_id) {
        return "";
    }
    return result.bridge_id->substr(result.bridge_id->find('/') + 1);
}

inline ConferenceBridge on(const std::string& nick, int participants, bool visitor = false, int recently_added = 0) {
    return ConferenceBridge{id_of(nick), participants, visitor, recently_added};
}

}  // namespace jicofo::selector::testing
