// BridgeRegistry: bridges from brewery presence, selection on the registry's strand, events to subscribers,
// snapshots and Jicofo's bridge_selector metrics. Health checks are in health_checks.cpp.
#include "jicofo/bridge/bridge_registry.hpp"

#include "registry_entry.hpp"

#include "jicofo/core/logging.hpp"
#include "jicofo/metrics/metrics_registry.hpp"

#include <boost/asio/post.hpp>

#include <spdlog/spdlog.h>

#include <cassert>
#include <set>

namespace jicofo::bridge {
namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto log = core::module_logger("bridge");
    return log;
}

double seconds(std::chrono::steady_clock::duration d) {
    return std::chrono::duration<double>(d).count();
}

}  // namespace

// ----- subscriptions ----------------------------------------------------------------------------------------------

BridgeSubscription::BridgeSubscription(BridgeSubscription&& other) noexcept
    : registry_(std::move(other.registry_)), id_(std::exchange(other.id_, 0)) {}

BridgeSubscription& BridgeSubscription::operator=(BridgeSubscription&& other) noexcept {
    if (this != &other) {
        reset();
        registry_ = std::move(other.registry_);
        id_ = std::exchange(other.id_, 0);
    }
    return *this;
}

void BridgeSubscription::reset() {
    if (auto registry = registry_.lock()) {
        registry->unsubscribe(id_);
    }
    registry_.reset();
    id_ = 0;
}

// ----- life cycle -------------------------------------------------------------------------------------------------

std::shared_ptr<BridgeRegistry> BridgeRegistry::create(const Executor& executor, BridgeRegistrySettings settings,
                                                       const TransportFactory& transport,
                                                       metrics::MetricsRegistry* metrics) {
    std::shared_ptr<BridgeRegistry> registry(new BridgeRegistry(executor, std::move(settings), metrics));
    registry->transport_ = transport(registry->strand_);
    return registry;
}

BridgeRegistry::BridgeRegistry(const Executor& executor, BridgeRegistrySettings settings,
                               metrics::MetricsRegistry* metrics)
    : strand_(boost::asio::make_strand(executor)),
      settings_(std::move(settings)),
      selector_(selector::SelectorSettings{settings_.bridge, settings_.octo, settings_.local_region}),
      params_(selector::BridgeParams::from(settings_.bridge)) {
    if (metrics != nullptr) {
        metrics_ = std::make_unique<Metrics>(*metrics);
    }
}

BridgeRegistry::~BridgeRegistry() = default;

void BridgeRegistry::start() {
    boost::asio::post(strand_, [self = shared_from_this()] {
        if (self->started_ || self->stopped_ || !self->transport_) {
            return;
        }
        self->started_ = true;
        const auto& health = self->settings_.bridge.health_checks;
        logger()->info("bridge selection: strategy={} health checks {}", self->selector_.strategy_name(),
                       !health.enabled       ? "off"
                       : health.use_presence ? "from presence"
                                             : "by IQ");
        // The transport lives as long as the registry and calls back on the strand only.
        xmpp::BreweryHandlers<stanza::ColibriStats> handlers;
        BridgeRegistry* registry = self.get();
        handlers.instance_added = [registry](const stanza::Jid& jid, const stanza::ColibriStats& stats) {
            registry->on_added(jid, stats);
        };
        handlers.instance_updated = [registry](const stanza::Jid& jid, const stanza::ColibriStats& stats) {
            registry->on_updated(jid, stats);
        };
        handlers.instance_removed = [registry](const stanza::Jid& jid) { registry->on_removed(jid); };
        self->transport_->start(std::move(handlers));
    });
}

void BridgeRegistry::stop(std::function<void()> done) {
    boost::asio::post(strand_, [self = shared_from_this(), done = std::move(done)] {
        if (!self->stopped_) {
            self->stopped_ = true;
            if (self->transport_) {
                self->transport_->stop();
                self->transport_.reset();
            }
            for (auto& [id, entry] : self->bridges_) {
                entry->cancel_timers();
            }
            self->bridges_.clear();
            self->subscribers_.clear();
            self->update_metrics();
        }
        if (done) {
            done();
        }
    });
}

// ----- subscribers ------------------------------------------------------------------------------------------------

void BridgeRegistry::reconfigure(BridgeRegistrySettings settings) {
    boost::asio::post(strand_, [self = shared_from_this(), settings = std::move(settings)]() mutable {
        // The brewery is joined on a connection; those cannot change without a restart.
        settings.bridge.brewery_jid = self->settings_.bridge.brewery_jid;
        settings.bridge.xmpp_connection_name = self->settings_.bridge.xmpp_connection_name;
        settings.health_check_timeout = self->settings_.health_check_timeout;
        self->settings_ = std::move(settings);
        self->selector_ = selector::BridgeSelector(
            selector::SelectorSettings{self->settings_.bridge, self->settings_.octo, self->settings_.local_region});
        self->params_ = selector::BridgeParams::from(self->settings_.bridge);
        for (auto& [id, entry] : self->bridges_) {
            entry->bridge.set_params(self->params_);
        }
        logger()->info("bridge selection reconfigured: strategy {}, {} bridge(s) kept", self->selector_.strategy_name(),
                       self->bridges_.size());
    });
}

BridgeSubscription BridgeRegistry::subscribe(BridgeEvents events) {
    // The id is taken here, off the strand, so that the handle can be returned at once.
    const std::uint64_t id = next_subscriber_++;
    boost::asio::post(strand_, [self = shared_from_this(), id, events = std::move(events)]() mutable {
        if (!self->stopped_) {
            self->subscribers_.emplace(id, std::move(events));
        }
    });
    return BridgeSubscription(weak_from_this(), id);
}

void BridgeRegistry::unsubscribe(std::uint64_t id) {
    boost::asio::post(strand_, [self = shared_from_this(), id] { self->subscribers_.erase(id); });
}

// ----- brewery events ---------------------------------------------------------------------------------------------

void BridgeRegistry::on_added(const stanza::Jid& jid, const stanza::ColibriStats& stats) {
    assert(strand_.running_in_this_thread());
    const std::string id = jid.to_string();
    if (find(id) != nullptr) {
        on_updated(jid, stats);
        return;
    }
    auto entry = std::make_unique<Entry>(jid, next_generation_++, params_, strand_);
    entry->bridge.update(bridge_stats_from(stats), now());
    Entry& added = *entry;
    bridges_.emplace(id, std::move(entry));
    const auto& b = added.bridge;
    logger()->info("bridge={} added: stress={} region={} version={} relay_id={} drain={}", b.nick(), b.stress_level(),
                   b.region().value_or("-"), b.full_version().value_or("-"), b.relay_id().value_or("-"), b.draining());
    update_metrics();
    emit([&](const BridgeEvents& e) {
        if (e.bridge_added) {
            e.bridge_added(id);
        }
    });
    if (Entry* still = find(id, added.generation)) {
        schedule_periodic_check(*still);
        on_presence_health(*still);
    }
}

void BridgeRegistry::on_updated(const stanza::Jid& jid, const stanza::ColibriStats& stats) {
    assert(strand_.running_in_this_thread());
    Entry* entry = find(jid.to_string());
    if (entry == nullptr) {
        on_added(jid, stats);
        return;
    }
    const bool was_shutting_down = entry->bridge.shutting_down();
    const bool was_graceful = entry->bridge.graceful_shutdown();
    entry->bridge.update(bridge_stats_from(stats), now());
    if (!was_graceful && entry->bridge.graceful_shutdown()) {
        logger()->info("bridge={} entered graceful shutdown", entry->bridge.nick());
    }
    update_metrics();
    if (!was_shutting_down && entry->bridge.shutting_down()) {
        logger()->info("bridge={} is shutting down: its participants move", entry->bridge.nick());
        const std::string id = entry->bridge.id();
        const auto generation = entry->generation;
        emit([&](const BridgeEvents& e) {
            if (e.bridge_shutting_down) {
                e.bridge_shutting_down(id);
            }
        });
        entry = find(id, generation);
        if (entry == nullptr) {
            return;
        }
    }
    on_presence_health(*entry);
}

void BridgeRegistry::on_removed(const stanza::Jid& jid) {
    assert(strand_.running_in_this_thread());
    const std::string id = jid.to_string();
    auto it = bridges_.find(id);
    if (it == bridges_.end()) {
        return;
    }
    const auto& b = it->second->bridge;
    // A bridge that announced its shutdown is expected to go; any other was lost.
    const bool lost = !b.graceful_shutdown() && !b.shutting_down();
    if (lost) {
        ++lost_bridges_;
        if (metrics_) {
            metrics_->lost_bridges.Increment();
        }
        logger()->warn("bridge={} lost: it left the brewery without a shutdown", b.nick());
    } else {
        logger()->info("bridge={} removed after its shutdown", b.nick());
    }
    it->second->cancel_timers();
    if (metrics_) {
        metrics_->remove_bridge(b.nick());
    }
    bridges_.erase(it);
    update_metrics();
    emit([&](const BridgeEvents& e) {
        if (e.bridge_removed) {
            e.bridge_removed(id, lost);
        }
    });
}

// ----- selection and reports --------------------------------------------------------------------------------------

void BridgeRegistry::async_select(SelectionRequest request, const Executor& reply_on,
                                  std::function<void(BridgeSelection)> done) {
    boost::asio::post(
        strand_, [self = shared_from_this(), request = std::move(request), reply_on, done = std::move(done)]() mutable {
            auto result = self->select_now(request);
            boost::asio::post(
                reply_on, [done = std::move(done), result = std::move(result)]() mutable { done(std::move(result)); });
        });
}

BridgeSelection BridgeRegistry::select_now(const SelectionRequest& request) {
    assert(strand_.running_in_this_thread());
    if (stopped_) {
        return BridgeSelection{std::nullopt, "shutting down"};
    }
    std::vector<const selector::Bridge*> bridges;
    bridges.reserve(bridges_.size());
    for (const auto& [id, entry] : bridges_) {
        bridges.push_back(&entry->bridge);
    }
    const auto t = now();
    auto pinned = request.pinned_version;
    if (!pinned && request.conference_id) {
        pinned = pins_.get(*request.conference_id, t);
    }
    if (const auto limited = selector_.rate_limited(request.conference); !limited.empty()) {
        if (metrics_) {
            metrics_->rate_limited.Increment();
        }
        std::string listed;
        for (const auto& bridge : limited) {
            listed += (listed.empty() ? "" : ", ") + bridge.bridge_id + "=" + std::to_string(bridge.recently_added);
        }
        logger()->info(
            "the conference added max-bridge-participants-per-interval endpoints to {} recently: not used "
            "for this participant",
            listed);
    }
    auto result = selector_.select(bridges, request.conference, request.participant, pinned, t);
    Entry* entry = result.bridge_id ? find(*result.bridge_id) : nullptr;
    if (entry == nullptr) {
        logger()->warn("no bridge selected for region={} visitor={}: {}", request.participant.region.value_or("-"),
                       request.participant.visitor, result.reason);
        return BridgeSelection{std::nullopt, std::move(result.reason)};
    }
    entry->bridge.endpoint_added(t);
    update_bridge_metrics(*entry);
    const auto& b = entry->bridge;
    logger()->info("bridge={} selected for region={} visitor={} ({}); corrected stress now {:.3f}", b.nick(),
                   request.participant.region.value_or("-"), request.participant.visitor, result.reason,
                   b.corrected_stress(t));
    return BridgeSelection{SelectedBridge{b.id(), entry->jid, b.region(), b.relay_id(), b.full_version()},
                           std::move(result.reason)};
}

void BridgeRegistry::report_failure(const std::string& bridge_id) {
    boost::asio::post(strand_, [self = shared_from_this(), bridge_id] {
        if (Entry* entry = self->find(bridge_id)) {
            self->fail_quietly(*entry, "a colibri request failed");
        }
    });
}

void BridgeRegistry::report_endpoints_removed(const std::string& bridge_id, int count) {
    boost::asio::post(strand_, [self = shared_from_this(), bridge_id, count] {
        if (Entry* entry = self->find(bridge_id)) {
            entry->bridge.endpoints_removed(count);
            self->update_bridge_metrics(*entry);
        }
    });
}

void BridgeRegistry::report_restart_request(const std::string& bridge_id) {
    boost::asio::post(strand_, [self = shared_from_this(), bridge_id] {
        Entry* entry = self->find(bridge_id);
        if (entry == nullptr) {
            return;
        }
        if (self->metrics_) {
            self->metrics_->restart_requested(entry->bridge.nick());
        }
        if (entry->bridge.endpoint_restart_requested(now())) {
            logger()->warn("bridge={} is failing ICE: {} endpoints, too many restart requests; avoided for now",
                           entry->bridge.nick(), entry->bridge.endpoints());
        }
        self->update_bridge_metrics(*entry);
    });
}

void BridgeRegistry::record_bridge_removed_from_conference() {
    ++bridges_removed_;
    if (metrics_) {
        metrics_->bridges_removed.Increment();
    }
}

void BridgeRegistry::record_endpoints_moved(const std::string& bridge_id, int count) {
    if (count <= 0) {
        return;
    }
    boost::asio::post(strand_, [self = shared_from_this(), bridge_id, count] {
        if (!self->metrics_) {
            return;
        }
        const Entry* entry = self->find(bridge_id);
        if (entry == nullptr) {
            self->metrics_->load_redistributor_moved.Increment(count);  // it left since: no series to count in
            return;
        }
        self->metrics_->endpoints_moved(entry->bridge.nick(), count);
    });
}

// ----- pins -------------------------------------------------------------------------------------------------------

void BridgeRegistry::pin(std::string conference_id, std::string version, std::chrono::minutes duration,
                         std::function<void()> done) {
    boost::asio::post(strand_, [self = shared_from_this(), conference_id = std::move(conference_id),
                                version = std::move(version), duration, done = std::move(done)]() mutable {
        const auto t = now();
        self->pins_.prune(t);
        logger()->info("room={} pinned to bridge version {} for {} min", conference_id, version, duration.count());
        self->pins_.pin(conference_id, std::move(version), duration, t);
        if (done) {
            done();
        }
    });
}

void BridgeRegistry::unpin(std::string conference_id, std::function<void(bool)> done) {
    boost::asio::post(strand_,
                      [self = shared_from_this(), conference_id = std::move(conference_id), done = std::move(done)] {
                          const bool removed = self->pins_.unpin(conference_id);
                          if (removed) {
                              logger()->info("room={} unpinned", conference_id);
                          }
                          if (done) {
                              done(removed);
                          }
                      });
}

void BridgeRegistry::async_pins(std::function<void(std::vector<BridgePin>)> done) {
    boost::asio::post(strand_, [self = shared_from_this(), done = std::move(done)] {
        // Pins expire on the steady clock; the wall-clock instant is derived from the time left.
        const auto t = now();
        const auto wall = std::chrono::system_clock::now();
        std::vector<BridgePin> pins;
        for (auto& pin : self->pins_.list(t)) {
            const auto left = std::chrono::duration_cast<std::chrono::system_clock::duration>(pin.expires_at - t);
            pins.push_back(BridgePin{std::move(pin.conference_id), std::move(pin.version), wall + left});
        }
        done(std::move(pins));
    });
}

// ----- snapshots and metrics --------------------------------------------------------------------------------------

void BridgeRegistry::async_debug_snapshot(std::function<void(BridgeSelectorDebug)> done) {
    boost::asio::post(strand_, [self = shared_from_this(), done = std::move(done)] {
        BridgeSelectorDebug debug;
        debug.strategy = self->selector_.strategy_name();
        const auto t = now();
        for (const auto& [id, entry] : self->bridges_) {
            const auto& b = entry->bridge;
            BridgeDebugState s;
            s.jid = id;
            s.nick = b.nick();
            s.stress = b.stress_level();
            s.corrected_stress = b.corrected_stress(t);
            s.operational = b.is_operational(t);
            s.overloaded = b.is_overloaded(t);
            s.needs_probe = b.needs_probe(t);
            s.healthy = b.reported_healthy();
            s.region = b.region();
            s.version = b.version();
            s.release = b.release();
            s.relay_id = b.relay_id();
            s.drain = b.draining();
            s.graceful_shutdown = b.graceful_shutdown();
            s.shutting_down = b.shutting_down();
            s.failing_ice = b.failing_ice(t);
            s.endpoints = b.endpoints();
            s.endpoints_recently_added = b.recently_added_endpoints(t);
            s.restart_requests = b.restart_requests_total();
            if (b.failed_at()) {
                s.seconds_since_failure = seconds(t - *b.failed_at());
            }
            if (b.last_presence()) {
                s.seconds_since_presence = seconds(t - *b.last_presence());
            }
            debug.bridges.push_back(std::move(s));
        }
        done(std::move(debug));
    });
}

void BridgeRegistry::async_stats(std::function<void(BridgeSelectorStats)> done) {
    boost::asio::post(strand_, [self = shared_from_this(), done = std::move(done)] { done(self->stats_now()); });
}

BridgeSelectorStats BridgeRegistry::stats_now() const {
    BridgeSelectorStats stats;
    const auto t = now();
    std::set<std::optional<std::string>> versions;
    for (const auto& [id, entry] : bridges_) {
        const auto& b = entry->bridge;
        ++stats.bridge_count;
        const bool operational = b.is_operational(t);
        stats.operational_bridge_count += operational ? 1 : 0;
        stats.in_shutdown_bridge_count += b.graceful_shutdown() ? 1 : 0;
        stats.available_bridge_count += operational && !b.graceful_shutdown() ? 1 : 0;
        versions.insert(b.full_version());
    }
    stats.bridge_version_count = static_cast<int>(versions.size());
    stats.lost_bridges = lost_bridges_;
    stats.bridges_removed = bridges_removed_.load();
    return stats;
}

void BridgeRegistry::update_metrics() {
    if (!metrics_) {
        return;
    }
    const auto stats = stats_now();
    metrics_->bridge_count.Set(stats.bridge_count);
    metrics_->operational.Set(stats.operational_bridge_count);
    metrics_->in_shutdown.Set(stats.in_shutdown_bridge_count);
    metrics_->version_count.Set(stats.bridge_version_count);
    for (const auto& [id, entry] : bridges_) {
        update_bridge_metrics(*entry);
    }
}

void BridgeRegistry::update_bridge_metrics(const Entry& entry) {
    if (metrics_) {
        const auto& b = entry.bridge;
        metrics_->update_bridge(b.nick(), b.endpoints(), b.failing_ice(now()));
    }
}

BridgeRegistry::Entry* BridgeRegistry::find(const std::string& id) {
    auto it = bridges_.find(id);
    return it == bridges_.end() ? nullptr : it->second.get();
}

BridgeRegistry::Entry* BridgeRegistry::find(const std::string& id, std::uint64_t generation) {
    Entry* entry = find(id);
    return entry != nullptr && entry->generation == generation ? entry : nullptr;
}

}  // namespace jicofo::bridge
