// The process-wide metrics registry: Jicofo's metric names on top of prometheus-cpp, plus scrape-time hooks. It
// registers only the families of the catalog (catalog.hpp), which gives each its type, JSON kind, labels and help.
// Updates are thread-safe (prometheus-cpp locks internally); registration may happen from any thread.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "jicofo/metrics/catalog.hpp"

namespace jicofo::metrics {

using Labels = std::map<std::string, std::string>;

class MetricsRegistry {
public:
    static constexpr std::string_view kPrefix = "jitsi_jicofo_";

    // Registers the built-in metrics: jitsi_jicofo_version_info{version=...}, jitsi_jicofo_healthy,
    // jitsi_jicofo_threads, jitsi_jicofo_uptime_seconds and the standard process_* metrics (the last three refreshed at
    // scrape time).
    explicit MetricsRegistry(std::string version);
    MetricsRegistry(const MetricsRegistry&) = delete;
    MetricsRegistry& operator=(const MetricsRegistry&) = delete;
    ~MetricsRegistry();

    // `name` is a catalog entry's: without the jitsi_jicofo_ prefix, and without the `_total` that counters get here
    // (prometheus-cpp 1.0.1 prints names verbatim, so the suffix is added as jicoco's registerCounter does). Help, JSON
    // kind and label names come from the catalog. Registering the same name and labels again returns the same
    // metric. A name the catalog does not have, another type than the catalog's, or other label names than its
    // throws std::invalid_argument: a programming error, found at startup.
    prometheus::Counter& counter(std::string_view name, const Labels& labels = {});
    prometheus::Gauge& gauge(std::string_view name, const Labels& labels = {});
    prometheus::Histogram& histogram(std::string_view name, const prometheus::Histogram::BucketBoundaries& buckets,
                                     const Labels& labels = {});

    // Removes one labelled series (a bridge's when it leaves, as jicoco's metric.remove(labels) does); nothing when it
    // does not exist. Checked against the catalog as registration is.
    void remove_counter(std::string_view name, const Labels& labels);
    void remove_gauge(std::string_view name, const Labels& labels);

    // jitsi_jicofo_healthy, set by whoever owns the health result.
    void set_healthy(bool healthy);

    // Runs before every collect(), from the scraping thread; hooks must be cheap and thread-safe.
    void add_scrape_hook(std::function<void()> hook);

    // Runs the scrape hooks, then returns every family (sorted by name).
    std::vector<prometheus::MetricFamily> collect();

    // The JSON kind of a family by its full name; a name the registry did not register counts as `real`.
    ValueKind kind_of(const std::string& family_name) const;

    // No access to the prometheus-cpp registry underneath: every family goes through the catalog.
    const std::string& version() const { return version_; }

    // "jitsi_jicofo_" + name, and "_total" appended for counters.
    static std::string full_name(std::string_view name);
    static std::string full_counter_name(std::string_view name);
    // The exposed family name of a catalog entry (full_counter_name for counters, else full_name).
    static std::string family_name(const MetricSpec& spec);

private:
    // The catalog's entry for `name`, after checking the type and the label names; throws std::invalid_argument.
    static const MetricSpec& checked_spec(std::string_view name, MetricType type, const Labels& labels);
    prometheus::Family<prometheus::Counter>& counter_family(const MetricSpec& spec);
    prometheus::Family<prometheus::Gauge>& gauge_family(const MetricSpec& spec);
    void remember_kind(const std::string& family_name, ValueKind kind);
    void register_process_metrics();

    std::string version_;
    std::shared_ptr<prometheus::Registry> registry_;
    mutable std::mutex mutex_;  // guards kinds_ and hooks_; prometheus-cpp guards its own state
    std::map<std::string, ValueKind> kinds_;
    std::vector<std::function<void()>> hooks_;
    prometheus::Gauge* healthy_ = nullptr;
};

}  // namespace jicofo::metrics
