// Automatic load redistribution: a timer on its own strand asks the registry for its bridges, picks the overloaded
// ones, and asks their conferences to move endpoints away (they re-invite them; selection puts them elsewhere).
#include "jicofo/app/load_redistributor.hpp"

#include "jicofo/core/logging.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <cassert>

namespace jicofo::app {
namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto log = core::module_logger("bridge");
    return log;
}

double seconds(LoadRedistributor::Clock::duration d) {
    return std::chrono::duration<double>(d).count();
}

}  // namespace

RedistributionTargets bridges_to_drain(const std::vector<bridge::BridgeDebugState>& bridges,
                                       const std::map<std::string, std::chrono::steady_clock::time_point>& in_timeout,
                                       double stress_threshold) {
    RedistributionTargets targets;
    // Jicofo counts any bridge here, even one that is down; only an operational one can take the endpoints.
    const bool somewhere_to_go = std::any_of(bridges.begin(), bridges.end(), [](const bridge::BridgeDebugState& b) {
        return b.operational && !b.overloaded;
    });
    if (!somewhere_to_go) {
        targets.no_target = true;
        return targets;
    }
    for (const auto& b : bridges) {
        // A bridge that is down has its participants moved by the failure handling already.
        if (b.operational && b.corrected_stress >= stress_threshold && in_timeout.count(b.jid) == 0) {
            targets.bridges.push_back(&b);
        }
    }
    return targets;
}

// The answers of one bridge's moves, summed on the strand.
struct LoadRedistributor::Tally {
    std::string bridge_id;
    std::string nick;
    std::size_t pending = 0;
    int endpoints = 0;
    int conferences = 0;
};

std::shared_ptr<LoadRedistributor> LoadRedistributor::create(const boost::asio::any_io_executor& executor,
                                                             config::LoadRedistributionConfig config, Ports ports) {
    return std::shared_ptr<LoadRedistributor>(new LoadRedistributor(executor, config, std::move(ports)));
}

LoadRedistributor::LoadRedistributor(const boost::asio::any_io_executor& executor,
                                     config::LoadRedistributionConfig config, Ports ports)
    : strand_(boost::asio::make_strand(executor)), config_(config), ports_(std::move(ports)), timer_(strand_) {}

LoadRedistributor::Clock::time_point LoadRedistributor::now() const {
    return ports_.now ? ports_.now() : Clock::now();
}

void LoadRedistributor::start() {
    boost::asio::post(strand_, [self = shared_from_this()] {
        if (!self->config_.enabled || self->started_ || self->stopped_) {
            return;
        }
        self->started_ = true;
        logger()->info(
            "load redistribution on: every {} s, bridges at stress {} or more lose up to {} endpoints, "
            "then sit out {} s",
            seconds(self->config_.interval), self->config_.stress_threshold, self->config_.endpoints,
            seconds(self->config_.timeout));
        self->arm_timer();
    });
}

void LoadRedistributor::stop() {
    boost::asio::post(strand_, [self = shared_from_this()] {
        if (self->started_ && !self->stopped_) {
            logger()->info("load redistribution stopped");
        }
        self->stopped_ = true;
        self->timer_.cancel();
        self->timeouts_.clear();
    });
}

void LoadRedistributor::arm_timer() {
    assert(strand_.running_in_this_thread());
    // A zero interval would spin; the configuration allows it, so keep a floor.
    timer_.expires_after(std::max<Clock::duration>(config_.interval, std::chrono::milliseconds(10)));
    timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& error) {
        auto self = weak.lock();
        if (error || !self || self->stopped_) {
            return;
        }
        self->run_round();
        self->arm_timer();
    });
}

void LoadRedistributor::run_round() {
    boost::asio::post(strand_, [self = shared_from_this()] {
        if (self->stopped_ || !self->ports_.bridges) {
            return;
        }
        ++self->rounds_;
        self->ports_.bridges([self](std::vector<bridge::BridgeDebugState> bridges) {
            boost::asio::post(self->strand_, [self, bridges = std::move(bridges)] { self->on_bridges(bridges); });
        });
    });
}

void LoadRedistributor::on_bridges(const std::vector<bridge::BridgeDebugState>& bridges) {
    assert(strand_.running_in_this_thread());
    if (stopped_) {
        return;
    }
    const auto t = now();
    std::erase_if(timeouts_, [t](const auto& entry) { return entry.second <= t; });
    const auto targets = bridges_to_drain(bridges, timeouts_, config_.stress_threshold);
    if (targets.no_target) {
        logger()->warn("load redistribution: no bridge is below the stress threshold, nothing moved");
        return;
    }
    if (targets.bridges.empty()) {
        logger()->info("load redistribution: no bridge to relieve ({} bridges, {} sitting out their timeout)",
                       bridges.size(), timeouts_.size());
        return;
    }
    for (const auto* b : targets.bridges) {
        // In the timeout from the start of the move, as Jicofo, so a slow move is not asked for twice.
        timeouts_[b->jid] = t + config_.timeout;
        logger()->info("load redistribution: bridge={} at corrected stress {:.3f}: moving up to {} endpoints", b->nick,
                       b->corrected_stress, config_.endpoints);
        drain(b->jid, b->nick);
    }
}

void LoadRedistributor::drain(const std::string& bridge_id, const std::string& nick) {
    assert(strand_.running_in_this_thread());
    if (!ports_.loads) {
        return;
    }
    ports_.loads(bridge_id, [self = shared_from_this(), bridge_id, nick](std::vector<ConferenceLoad> loads) {
        boost::asio::post(self->strand_, [self, bridge_id, nick, loads = std::move(loads)]() mutable {
            self->on_loads(bridge_id, nick, std::move(loads));
        });
    });
}

void LoadRedistributor::on_loads(const std::string& bridge_id, const std::string& nick,
                                 std::vector<ConferenceLoad> loads) {
    assert(strand_.running_in_this_thread());
    // Largest conferences first (ties by room, so the choice is stable), as Jicofo's moveEndpoints.
    std::sort(loads.begin(), loads.end(), [](const ConferenceLoad& a, const ConferenceLoad& b) {
        return a.endpoints != b.endpoints ? a.endpoints > b.endpoints : a.room.to_string() < b.room.to_string();
    });
    const auto plan = plan_moves(loads, config_.endpoints);
    auto tally = std::make_shared<Tally>();
    tally->bridge_id = bridge_id;
    tally->nick = nick;
    tally->pending = plan.size();
    if (plan.empty() || !ports_.move) {
        tally->pending = 0;
        on_moved(tally, 0);
        return;
    }
    for (const auto& step : plan) {
        ports_.move(step.room, bridge_id, step.endpoints, [self = shared_from_this(), tally](int moved) {
            boost::asio::post(self->strand_, [self, tally, moved] { self->on_moved(tally, moved); });
        });
    }
}

void LoadRedistributor::on_moved(const std::shared_ptr<Tally>& tally, int moved) {
    assert(strand_.running_in_this_thread());
    if (moved > 0) {
        tally->endpoints += moved;
        ++tally->conferences;
    }
    if (tally->pending > 0 && --tally->pending > 0) {
        return;
    }
    logger()->info("load redistribution: moved {} endpoints from {} conferences off bridge={}", tally->endpoints,
                   tally->conferences, tally->nick);
    endpoints_moved_ += static_cast<std::uint64_t>(tally->endpoints);
    if (tally->endpoints > 0 && ports_.count_moved) {
        ports_.count_moved(tally->bridge_id, tally->endpoints);
    }
}

void LoadRedistributor::async_debug(std::function<void(nlohmann::ordered_json)> done) {
    boost::asio::post(strand_, [self = shared_from_this(), done = std::move(done)] {
        const auto t = self->now();
        nlohmann::ordered_json timeouts = nlohmann::ordered_json::object();
        for (const auto& [id, end] : self->timeouts_) {
            if (end > t) {
                timeouts[id] = seconds(end - t);
            }
        }
        done({{"enabled", self->config_.enabled && !self->stopped_},
              {"rounds", self->rounds_},
              {"endpoints_moved", self->endpoints_moved_},
              {"seconds_left_in_timeout", std::move(timeouts)}});
    });
}

}  // namespace jicofo::app
