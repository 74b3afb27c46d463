// The registry's record of one bridge and the metrics it keeps; internal to the bridge module.
#pragma once

#include "jicofo/bridge/bridge_registry.hpp"
#include "jicofo/metrics/metrics_registry.hpp"

#include <boost/asio/steady_timer.hpp>

#include <cassert>

namespace jicofo::bridge {

struct BridgeRegistry::Entry {
    Entry(stanza::Jid occupant, std::uint64_t gen, const selector::BridgeParams& params, const Strand& strand)
        : jid(std::move(occupant)),
          generation(gen),
          bridge(jid.to_string(), std::string(jid.resource()), params),
          check_timer(strand),
          retry_timer(strand),
          reprobe_timer(strand) {}

    void cancel_timers() {
        check_timer.cancel();
        retry_timer.cancel();
        reprobe_timer.cancel();
    }

    stanza::Jid jid;
    std::uint64_t generation;  // tells this bridge from an earlier one with the same JID
    selector::Bridge bridge;
    bool check_in_flight = false;             // a health check (or its retry) is under way
    bool failure_announced = false;           // bridge_failed went out for the current failure
    boost::asio::steady_timer check_timer;    // the periodic check
    boost::asio::steady_timer retry_timer;    // the retry after a check timed out
    boost::asio::steady_timer reprobe_timer;  // the end of the failure window
};

struct BridgeRegistry::Metrics {
    explicit Metrics(metrics::MetricsRegistry& registry)
        : registry(registry),
          bridge_count(registry.gauge("bridge_selector_bridge_count")),
          operational(registry.gauge("bridge_selector_bridge_count_operational")),
          in_shutdown(registry.gauge("bridge_selector_bridge_count_in_shutdown")),
          version_count(registry.gauge("bridge_selector_bridge_version_count")),
          lost_bridges(registry.counter("bridge_selector_lost_bridges")),
          bridges_removed(registry.counter("bridges_removed")),
          health_check_failures(registry.counter("bridge_health_check_failures")),
          health_check_timeouts(registry.counter("bridge_health_check_timeouts")),
          rate_limited(registry.counter("bridge_selection_rate_limited")),
          load_redistributor_moved(registry.counter("load_redistributor_endpoints_moved")) {}

    // The bridge's series, created at zero when it is first seen.
    void update_bridge(const std::string& nick, int endpoints, bool failing_ice) {
        const metrics::Labels jvb{{"jvb", nick}};
        registry.gauge("bridge_endpoints", jvb).Set(endpoints);
        registry.gauge("bridge_failing_ice", jvb).Set(failing_ice ? 1 : 0);
        registry.counter("bridge_restart_requests", jvb);
        registry.counter("bridge_endpoints_moved", jvb);
    }
    void restart_requested(const std::string& nick) {
        registry.counter("bridge_restart_requests", {{"jvb", nick}}).Increment();
    }
    // Load redistribution moved endpoints off the bridge (REST moves are not counted, as in Jicofo).
    void endpoints_moved(const std::string& nick, int count) {
        registry.counter("bridge_endpoints_moved", {{"jvb", nick}}).Increment(count);
        load_redistributor_moved.Increment(count);
    }
    // Jicofo's Bridge.markRemoved: a bridge that left has no series any more.
    void remove_bridge(const std::string& nick) {
        const metrics::Labels jvb{{"jvb", nick}};
        registry.remove_gauge("bridge_endpoints", jvb);
        registry.remove_gauge("bridge_failing_ice", jvb);
        registry.remove_counter("bridge_restart_requests", jvb);
        registry.remove_counter("bridge_endpoints_moved", jvb);
    }

    metrics::MetricsRegistry& registry;

    prometheus::Gauge& bridge_count;
    prometheus::Gauge& operational;
    prometheus::Gauge& in_shutdown;
    prometheus::Gauge& version_count;
    prometheus::Counter& lost_bridges;
    prometheus::Counter& bridges_removed;
    prometheus::Counter& health_check_failures;
    prometheus::Counter& health_check_timeouts;
    prometheus::Counter& rate_limited;
    prometheus::Counter& load_redistributor_moved;
};

template <typename Fn>
void BridgeRegistry::emit(Fn fn) {
    assert(strand_.running_in_this_thread());
    // Handlers may subscribe or unsubscribe (both are posted), but copy anyway so nothing changes under the loop.
    const auto subscribers = subscribers_;
    for (const auto& [id, events] : subscribers) {
        fn(events);
    }
}

}  // namespace jicofo::bridge
