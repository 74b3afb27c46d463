// The one table of Jicofo's metric families: name, type, JSON kind, label names, owner and help. MetricsRegistry
// registers only what is listed here, so a name, its type and its help live in one place instead of at every call
// site, and docs/metrics.md is checked against it (tests/metrics/catalog_test.cpp).
#pragma once

#include <span>
#include <string_view>
#include <vector>

namespace jicofo::metrics {

// How a family's value appears in the JSON rendering (jicoco's MetricsContainer keeps the Java type of each metric).
enum class ValueKind {
    integer,    // counters and "long" gauges: a JSON integer
    real,       // "double" gauges: a JSON number
    boolean,    // 0/1 gauges: JSON true/false
    info,       // a gauge fixed at 1 whose single label carries the value: a JSON string
    histogram,  // an object of bucket_le_<bound>, count and sum
};

enum class MetricType { counter, gauge, histogram };

// When a family first has a series, so a check of a freshly started process knows what to expect.
enum class Appears {
    at_start,      // registered when its module starts (health, REST, XMPP, features: when enabled)
    per_bridge,    // one series per bridge (jvb=<nick>), from the bridge's arrival in the brewery
    on_first_use,  // no series until its first event (a labelled series per event kind)
    configured,    // registered at start only when its feature is configured (webhooks: jicofo.webhooks.urls)
};

[[nodiscard]] std::string_view to_string(MetricType type);

struct MetricSpec {
    // Without the jitsi_jicofo_ prefix, and without _total for counters (the registry adds both).
    std::string_view name;
    MetricType type;
    ValueKind kind;
    // Label names, comma-separated ("type,reason"); empty for an unlabelled family.
    std::string_view labels;
    // The module that registers and updates it: app, bridge, conference, jigasi, metrics, recording, rest, xmpp.
    std::string_view owner;
    std::string_view help;
    Appears appears = Appears::at_start;
};

// Every family, in the order of docs/metrics.md. Histogram bucket boundaries stay with the code that observes (the
// reason for each choice is written next to it).
[[nodiscard]] std::span<const MetricSpec> metric_catalog();

// The entry named `name` (as registered: no prefix, no _total), or nullptr.
[[nodiscard]] const MetricSpec* find_metric(std::string_view name);

// The label names of an entry, split at the commas.
[[nodiscard]] std::vector<std::string_view> label_names(const MetricSpec& spec);

}  // namespace jicofo::metrics
