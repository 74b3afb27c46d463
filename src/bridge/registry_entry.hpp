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
    // The per-bridge families, labelled jvb=<nick> as Jicofo's BridgeMetrics.
    static constexpr const char* kEndpointsHelp = "The number of endpoints on a bridge.";
    static constexpr const char* kFailingIceHelp = "Whether a bridge is currently in the failing ICE state.";
    static constexpr const char* kRestartsHelp = "Total number of requests to restart a bridge";
    static constexpr const char* kMovedHelp =
        "Total number of endpoints moved away from a bridge for automatic load redistribution.";

    explicit Metrics(metrics::MetricsRegistry& registry)
        : registry(registry),
          bridge_count(registry.gauge("bridge_selector_bridge_count", "The current number of bridges")),
          operational(
              registry.gauge("bridge_selector_bridge_count_operational", "The current number of operational bridges")),
          in_shutdown(registry.gauge("bridge_selector_bridge_count_in_shutdown",
                                     "The current number of bridges in graceful shutdown")),
          version_count(registry.gauge("bridge_selector_bridge_version_count",
                                       "The current number of different bridge versions")),
          lost_bridges(
              registry.counter("bridge_selector_lost_bridges", "Number of bridges which disconnected unexpectedly.")),
          bridges_removed(registry.counter("bridges_removed",
                                           "Number of times a bridge was removed from a conference due to a failure")),
          health_check_failures(registry.counter("bridge_health_check_failures",
                                                 "Bridge health checks answered with an error that fails the bridge")),
          health_check_timeouts(registry.counter("bridge_health_check_timeouts",
                                                 "Bridge health checks that got no reply, retry included")),
          rate_limited(registry.counter("bridge_selection_rate_limited",
                                        "Total number of times a bridge was considered overloaded for a conference "
                                        "because the conference had reached max-bridge-participants-per-interval on "
                                        "it.")),
          load_redistributor_moved(registry.counter("load_redistributor_endpoints_moved",
                                                    "Total number of endpoints moved by the load redistributor")) {}

    // The bridge's series, created at zero when it is first seen.
    void update_bridge(const std::string& nick, int endpoints, bool failing_ice) {
        const metrics::Labels jvb{{"jvb", nick}};
        registry.gauge("bridge_endpoints", kEndpointsHelp, jvb).Set(endpoints);
        registry.gauge("bridge_failing_ice", kFailingIceHelp, jvb, metrics::ValueKind::boolean)
            .Set(failing_ice ? 1 : 0);
        registry.counter("bridge_restart_requests", kRestartsHelp, jvb);
        registry.counter("bridge_endpoints_moved", kMovedHelp, jvb);
    }
    void restart_requested(const std::string& nick) {
        registry.counter("bridge_restart_requests", kRestartsHelp, {{"jvb", nick}}).Increment();
    }
    // Load redistribution moved endpoints off the bridge (REST moves are not counted, as in Jicofo).
    void endpoints_moved(const std::string& nick, int count) {
        registry.counter("bridge_endpoints_moved", kMovedHelp, {{"jvb", nick}}).Increment(count);
        load_redistributor_moved.Increment(count);
    }
    // Jicofo's Bridge.markRemoved: a bridge that left has no series any more.
    void remove_bridge(const std::string& nick) {
        const metrics::Labels jvb{{"jvb", nick}};
        registry.remove_gauge("bridge_endpoints", kEndpointsHelp, jvb);
        registry.remove_gauge("bridge_failing_ice", kFailingIceHelp, jvb);
        registry.remove_counter("bridge_restart_requests", kRestartsHelp, jvb);
        registry.remove_counter("bridge_endpoints_moved", kMovedHelp, jvb);
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
