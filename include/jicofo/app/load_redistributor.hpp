// Jicofo's automatic load redistribution (jicofo.bridge.load-redistribution): every `interval`, up to `endpoints`
// endpoints are moved off each bridge whose corrected stress reached the threshold, largest conferences first, and
// the bridge then sits out `timeout`. It reaches the bridges and the conferences only through its ports.
#pragma once

#include "jicofo/app/media_routes.hpp"
#include "jicofo/bridge/snapshots.hpp"
#include "jicofo/config/sections.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace jicofo::app {

// The bridges one round drains: operational, corrected stress at least `stress_threshold`, not in `in_timeout`
// (bridge id -> when its timeout ends; expired entries are pruned before).
// None when no operational bridge is below the selection's overload threshold (Jicofo's hasNonOverloadedBridge):
// the endpoints would have nowhere better to go. Pure.
struct RedistributionTargets {
    bool no_target = false;
    std::vector<const bridge::BridgeDebugState*> bridges;  // into the argument
};
[[nodiscard]] RedistributionTargets bridges_to_drain(
    const std::vector<bridge::BridgeDebugState>& bridges,
    const std::map<std::string, std::chrono::steady_clock::time_point>& in_timeout, double stress_threshold);

class LoadRedistributor : public std::enable_shared_from_this<LoadRedistributor> {
public:
    using Clock = std::chrono::steady_clock;

    // Each port answers through its callback once, from any thread.
    struct Ports {
        // Every bridge the registry knows (BridgeRegistry::async_debug_snapshot).
        std::function<void(std::function<void(std::vector<bridge::BridgeDebugState>)>)> bridges;
        // The conferences with endpoints on a bridge and how many, in any order.
        std::function<void(const std::string& bridge_id, std::function<void(std::vector<ConferenceLoad>)>)> loads;
        // Moves up to `count` of a conference's endpoints off the bridge; answers how many moved (0 when it ended).
        std::function<void(const stanza::Jid& room, const std::string& bridge_id, int count,
                           std::function<void(int moved)>)>
            move;
        // Counts the endpoints a round moved off a bridge (the metrics).
        std::function<void(const std::string& bridge_id, int moved)> count_moved;
        // Empty: the steady clock.
        std::function<Clock::time_point()> now;
    };

    static std::shared_ptr<LoadRedistributor> create(const boost::asio::any_io_executor& executor,
                                                     config::LoadRedistributionConfig config, Ports ports);
    LoadRedistributor(const LoadRedistributor&) = delete;
    LoadRedistributor& operator=(const LoadRedistributor&) = delete;

    // Thread-safe. Arms the periodic round (the first after one interval, as Jicofo); nothing when disabled.
    void start();
    // Thread-safe. Cancels the timer and forgets the timeouts; moves already asked for still complete.
    void stop();
    // Thread-safe. One round now, whatever `enabled` says: what the timer runs.
    void run_round();

    // Thread-safe; `done` runs on the strand with /debug "load_redistributor".
    void async_debug(std::function<void(nlohmann::ordered_json)> done);

private:
    LoadRedistributor(const boost::asio::any_io_executor& executor, config::LoadRedistributionConfig config,
                      Ports ports);

    struct Tally;
    void arm_timer();
    void on_bridges(const std::vector<bridge::BridgeDebugState>& bridges);
    void drain(const std::string& bridge_id, const std::string& nick);
    void on_loads(const std::string& bridge_id, const std::string& nick, std::vector<ConferenceLoad> loads);
    void on_moved(const std::shared_ptr<Tally>& tally, int moved);
    [[nodiscard]] Clock::time_point now() const;

    boost::asio::strand<boost::asio::any_io_executor> strand_;
    config::LoadRedistributionConfig config_;
    Ports ports_;
    boost::asio::steady_timer timer_;
    // Bridge id -> when its timeout ends; only bridges drained within the last `timeout`.
    std::map<std::string, Clock::time_point> timeouts_;
    std::uint64_t rounds_ = 0;
    std::uint64_t endpoints_moved_ = 0;
    bool started_ = false;
    bool stopped_ = false;
};

}  // namespace jicofo::app
