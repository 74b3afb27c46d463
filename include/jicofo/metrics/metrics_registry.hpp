// The process-wide metrics registry: Jicofo's metric names on top of prometheus-cpp, plus scrape-time hooks.
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

namespace jicofo::metrics {

using Labels = std::map<std::string, std::string>;

// How a family's value appears in the JSON rendering (jicoco's MetricsContainer keeps the Java type of each metric).
enum class ValueKind {
    integer,    // counters and "long" gauges: a JSON integer
    real,       // "double" gauges: a JSON number
    boolean,    // 0/1 gauges: JSON true/false
    info,       // a gauge fixed at 1 whose single label carries the value: a JSON string
    histogram,  // an object of bucket_le_<bound>, count and sum
};

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

    // `name` is given without the jitsi_jicofo_ prefix. Counters get a `_total` suffix unless they already end with
    // it (prometheus-cpp 1.0.1 prints names verbatim, so the suffix is added here, as jicoco's registerCounter does).
    // Registering the same name and labels again returns the same metric; a name reused with another type throws
    // std::invalid_argument (a programming error, found at startup).
    prometheus::Counter& counter(std::string_view name, const std::string& help, const Labels& labels = {});
    prometheus::Gauge& gauge(std::string_view name, const std::string& help, const Labels& labels = {},
                             ValueKind kind = ValueKind::integer);
    prometheus::Histogram& histogram(std::string_view name, const std::string& help,
                                     const prometheus::Histogram::BucketBoundaries& buckets, const Labels& labels = {});

    // Removes one labelled series (a bridge's when it leaves, as jicoco's metric.remove(labels) does); nothing when it
    // does not exist. `name` and `help` are those it was registered with.
    void remove_counter(std::string_view name, const std::string& help, const Labels& labels);
    void remove_gauge(std::string_view name, const std::string& help, const Labels& labels);

    // jitsi_jicofo_healthy, set by whoever owns the health result.
    void set_healthy(bool healthy);

    // Runs before every collect(), from the scraping thread; hooks must be cheap and thread-safe.
    void add_scrape_hook(std::function<void()> hook);

    // Runs the scrape hooks, then returns every family (sorted by name).
    std::vector<prometheus::MetricFamily> collect();

    // The JSON kind of a family by its full name; families registered directly on registry() count as `real`.
    ValueKind kind_of(const std::string& family_name) const;

    const std::string& version() const { return version_; }
    prometheus::Registry& registry() { return *registry_; }

    // "jitsi_jicofo_" + name, and "_total" appended for counters.
    static std::string full_name(std::string_view name);
    static std::string full_counter_name(std::string_view name);

private:
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
