// The room map's private state (FocusManager's waiters, entries and metrics), shared by its source files.
#pragma once

#include "jicofo/conference/focus_manager.hpp"
#include "jicofo/metrics/metrics_registry.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace jicofo::conference {

struct FocusManager::Waiter {
    Waiter(const Strand& strand, ReplyCallback callback) : timer(strand), done(std::move(callback)) {}
    boost::asio::steady_timer timer;
    ReplyCallback done;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    // The authentication session the request is bound to, for its reply.
    std::optional<std::string> session_id;
    std::optional<std::string> identity;
    std::optional<RequestFacts> facts;  // kept only when a request shaper is set
};

struct FocusManager::Entry {
    std::uint64_t generation = 0;
    std::shared_ptr<ConferenceHandle> handle;
    bool joined = false;
    bool in_statistics = true;     // false: the health check's test conference
    bool rtcstats_enabled = true;  // the creating request's rtcstatsEnabled property
    std::size_t participants = 0;
    // For conferences_seconds, and endpoint_seconds (participants × time, accumulated up to the last size change).
    std::chrono::steady_clock::time_point created = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point size_changed = created;
    std::vector<std::shared_ptr<Waiter>> waiters;  // requests waiting for the join
    // The health check waiting for a test conference's join.
    std::function<void(const stanza::Jid&, std::error_code)> test_done;
};

struct FocusManager::Metrics {
    explicit Metrics(metrics::MetricsRegistry& registry)
        : conferences(registry.gauge("conferences")),
          largest_conference(registry.gauge("largest_conference")),
          participants_current(registry.gauge("participants_current")),
          conferences_created(registry.counter("conferences_created")),
          participants_total(registry.counter("participants")),
          requests(registry.counter("conference_requests")),
          requests_new(registry.counter("conference_requests_new")),
          rejected_conferences(registry.counter("conference_requests_rejected", {{"cap", "max_conferences"}})),
          rejected_waiting(registry.counter("conference_requests_rejected", {{"cap", "max_waiting_requests"}})),
          rejected_properties(
              registry.counter("conference_requests_rejected", {{"cap", "max_properties_per_request"}})),
          waiting(registry.gauge("conference_requests_waiting")),
          conferences_seconds(registry.gauge("conferences_seconds")),
          endpoint_seconds(registry.gauge("endpoint_seconds")),
          participants_pairs(registry.gauge("participants_pairs")),
          request_seconds(registry.histogram("conference_request_seconds",
                                             {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15})) {}
    prometheus::Gauge& conferences;
    prometheus::Gauge& largest_conference;
    prometheus::Gauge& participants_current;
    prometheus::Counter& conferences_created;
    prometheus::Counter& participants_total;
    prometheus::Counter& requests;
    prometheus::Counter& requests_new;
    prometheus::Counter& rejected_conferences;
    prometheus::Counter& rejected_waiting;
    prometheus::Counter& rejected_properties;
    prometheus::Gauge& waiting;
    prometheus::Gauge& conferences_seconds;
    prometheus::Gauge& endpoint_seconds;
    prometheus::Gauge& participants_pairs;
    prometheus::Histogram& request_seconds;
};

}  // namespace jicofo::conference
