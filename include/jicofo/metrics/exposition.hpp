// Rendering collected metric families as Prometheus text 0.0.4, OpenMetrics 1.0 or jicoco-style JSON, and choosing
// the format from an HTTP Accept header. Pure functions: no I/O, no registry access beyond what is passed in.
#pragma once

#include <prometheus/metric_family.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jicofo/metrics/metrics_registry.hpp"

namespace jicofo::metrics {

enum class MetricsFormat { prometheus_text, openmetrics, json };

inline constexpr std::string_view kPrometheusTextContentType = "text/plain; version=0.0.4; charset=utf-8";
inline constexpr std::string_view kOpenMetricsContentType =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";
inline constexpr std::string_view kJsonContentType = "application/json";

// Chooses a format from an Accept header value. Media ranges are ranked by q (stable for equal q, so the client's
// order breaks ties); the first of application/openmetrics-text, text/plain, application/json, text/* or */*
// wins. An empty header means Prometheus text. Returns nullopt when nothing acceptable is offered (HTTP 406).
std::optional<MetricsFormat> negotiate_metrics_format(std::string_view accept);

std::string_view content_type_of(MetricsFormat format);

std::string to_prometheus_text(const std::vector<prometheus::MetricFamily>& families);

// `kind_of` maps a family name to its ValueKind (OpenMetrics needs it for info metrics, JSON for value types).
using KindLookup = std::function<ValueKind(const std::string&)>;
std::string to_openmetrics(const std::vector<prometheus::MetricFamily>& families, const KindLookup& kind_of);
std::string to_json(const std::vector<prometheus::MetricFamily>& families, const KindLookup& kind_of);

struct RenderedMetrics {
    std::string body;
    std::string content_type;
};

// Collects (running the scrape hooks) and renders in one call.
RenderedMetrics render(MetricsRegistry& registry, MetricsFormat format);

}  // namespace jicofo::metrics
