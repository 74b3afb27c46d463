// Metric exposition formats (Prometheus text 0.0.4, OpenMetrics 1.0, jicoco-style JSON) and Accept negotiation.
#include "jicofo/metrics/exposition.hpp"

#include "jicofo/core/text.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <sstream>

namespace jicofo::metrics {
namespace {

std::string lowercase(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

bool ends_with(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::string_view strip_suffix(std::string_view text, std::string_view suffix) {
    return ends_with(text, suffix) ? text.substr(0, text.size() - suffix.size()) : text;
}

// Shortest round-trip form: "1", "0.25", "+Inf".
std::string format_number(double value) {
    if (std::isnan(value)) {
        return "NaN";
    }
    if (std::isinf(value)) {
        return value > 0 ? "+Inf" : "-Inf";
    }
    std::array<char, 64> buffer{};
    auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    return ec == std::errc() ? std::string(buffer.data(), end) : std::to_string(value);
}

// Java's Double.toString for ordinary magnitudes ("1.0", "0.005"), which is how jicoco's JSON keys and
// simpleclient's le labels spell bucket bounds.
std::string format_bound(double value) {
    if (std::isinf(value)) {
        return value > 0 ? "+Inf" : "-Inf";
    }
    std::string text = format_number(value);
    if (std::isfinite(value) && text.find_first_of(".eE") == std::string::npos) {
        text += ".0";
    }
    return text;
}

std::string escape_label_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        switch (c) {
            case '\\': out += "\\\\"; break;
            case '"': out += "\\\""; break;
            case '\n': out += "\\n"; break;
            default: out += c;
        }
    }
    return out;
}

void write_labels(std::ostream& out, const std::vector<prometheus::ClientMetric::Label>& labels,
                  std::string_view extra_name = {}, std::string_view extra_value = {}) {
    if (labels.empty() && extra_name.empty()) {
        return;
    }
    out << '{';
    bool first = true;
    for (const auto& label : labels) {
        out << (first ? "" : ",") << label.name << "=\"" << escape_label_value(label.value) << '"';
        first = false;
    }
    if (!extra_name.empty()) {
        out << (first ? "" : ",") << extra_name << "=\"" << escape_label_value(extra_value) << '"';
    }
    out << '}';
}

void write_sample(std::ostream& out, std::string_view name, const prometheus::ClientMetric& metric, double value,
                  std::string_view extra_name = {}, std::string_view extra_value = {}) {
    out << name;
    write_labels(out, metric.label, extra_name, extra_value);
    out << ' ' << format_number(value) << '\n';
}

std::string_view json_key(std::string_view family_name) {
    if (family_name.substr(0, MetricsRegistry::kPrefix.size()) == MetricsRegistry::kPrefix) {
        family_name.remove_prefix(MetricsRegistry::kPrefix.size());
    }
    return family_name;
}

}  // namespace

std::optional<MetricsFormat> negotiate_metrics_format(std::string_view accept) {
    accept = core::trim_blanks(accept);
    if (accept.empty()) {
        return MetricsFormat::prometheus_text;
    }
    struct Range {
        std::string type;
        double q;
    };
    std::vector<Range> ranges;
    std::size_t pos = 0;
    while (pos <= accept.size()) {
        std::size_t end = accept.find(',', pos);
        if (end == std::string_view::npos) {
            end = accept.size();
        }
        std::string_view item = accept.substr(pos, end - pos);
        pos = end + 1;
        std::size_t semi = item.find(';');
        Range range{lowercase(core::trim_blanks(item.substr(0, semi))), 1.0};
        bool valid = !range.type.empty();
        while (semi != std::string_view::npos && valid) {
            std::size_t next = item.find(';', semi + 1);
            std::string_view param =
                core::trim_blanks(item.substr(semi + 1, next == std::string_view::npos ? next : next - semi - 1));
            if (param.size() > 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
                std::string_view number = param.substr(2);
                auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), range.q);
                valid = ec == std::errc() && ptr == number.data() + number.size();
            }
            semi = next;
        }
        if (valid && range.q > 0) {
            ranges.push_back(std::move(range));
        }
    }
    std::stable_sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& b) { return a.q > b.q; });
    for (const auto& range : ranges) {
        if (range.type == "application/openmetrics-text") {
            return MetricsFormat::openmetrics;
        }
        if (range.type == "text/plain" || range.type == "text/*" || range.type == "*/*") {
            return MetricsFormat::prometheus_text;
        }
        if (range.type == "application/json") {
            return MetricsFormat::json;
        }
    }
    return std::nullopt;
}

std::string_view content_type_of(MetricsFormat format) {
    switch (format) {
        case MetricsFormat::openmetrics: return kOpenMetricsContentType;
        case MetricsFormat::json: return kJsonContentType;
        case MetricsFormat::prometheus_text: break;
    }
    return kPrometheusTextContentType;
}

std::string to_openmetrics(const std::vector<prometheus::MetricFamily>& families, const KindLookup& kind_of) {
    std::ostringstream out;
    for (const auto& family : families) {
        const ValueKind kind = kind_of(family.name);
        std::string_view base = family.name;
        std::string_view type = "unknown";
        switch (family.type) {
            case prometheus::MetricType::Counter:
                base = strip_suffix(base, "_total");
                type = "counter";
                break;
            case prometheus::MetricType::Gauge:
                if (kind == ValueKind::info && ends_with(base, "_info")) {
                    base = strip_suffix(base, "_info");
                    type = "info";
                } else {
                    type = "gauge";
                }
                break;
            case prometheus::MetricType::Histogram: type = "histogram"; break;
            case prometheus::MetricType::Summary: type = "summary"; break;
            case prometheus::MetricType::Untyped: break;
        }
        std::string help;
        for (char c : family.help) {
            help += c == '\\' ? "\\\\" : c == '\n' ? "\\n" : c == '"' ? "\\\"" : std::string(1, c);
        }
        out << "# TYPE " << base << ' ' << type << '\n';
        out << "# HELP " << base << ' ' << help << '\n';
        const std::string name(base);
        for (const auto& metric : family.metric) {
            switch (family.type) {
                case prometheus::MetricType::Counter:
                    write_sample(out, name + "_total", metric, metric.counter.value);
                    break;
                case prometheus::MetricType::Gauge: write_sample(out, family.name, metric, metric.gauge.value); break;
                case prometheus::MetricType::Untyped: write_sample(out, name, metric, metric.untyped.value); break;
                case prometheus::MetricType::Histogram:
                    for (const auto& bucket : metric.histogram.bucket) {
                        write_sample(out, name + "_bucket", metric, static_cast<double>(bucket.cumulative_count), "le",
                                     format_bound(bucket.upper_bound));
                    }
                    write_sample(out, name + "_count", metric, static_cast<double>(metric.histogram.sample_count));
                    write_sample(out, name + "_sum", metric, metric.histogram.sample_sum);
                    break;
                case prometheus::MetricType::Summary:
                    for (const auto& quantile : metric.summary.quantile) {
                        write_sample(out, name, metric, quantile.value, "quantile", format_number(quantile.quantile));
                    }
                    write_sample(out, name + "_count", metric, static_cast<double>(metric.summary.sample_count));
                    write_sample(out, name + "_sum", metric, metric.summary.sample_sum);
                    break;
            }
        }
    }
    out << "# EOF\n";
    return out.str();
}

namespace {

// jicoco's histogram shape: cumulative bucket_le_<bound> counts, count and sum.
nlohmann::json histogram_json(const prometheus::ClientMetric& metric) {
    nlohmann::json histogram = nlohmann::json::object();
    for (const auto& bucket : metric.histogram.bucket) {
        histogram["bucket_le_" + format_bound(bucket.upper_bound)] = bucket.cumulative_count;
    }
    histogram["count"] = metric.histogram.sample_count;
    histogram["sum"] = metric.histogram.sample_sum;
    return histogram;
}

}  // namespace

std::string to_json(const std::vector<prometheus::MetricFamily>& families, const KindLookup& kind_of) {
    nlohmann::json root = nlohmann::json::object();
    for (const auto& family : families) {
        const ValueKind kind = kind_of(family.name);
        if (kind == ValueKind::info) {
            // {"version": "<value>"}: the value is carried by the single label, as in jicoco's InfoMetric.
            if (family.metric.size() == 1 && family.metric[0].label.size() == 1) {
                root[std::string(strip_suffix(json_key(family.name), "_info"))] = family.metric[0].label[0].value;
            }
            continue;
        }
        // A labelled histogram (ours; Jicofo has none) is an object keyed by its label set, "result=ok".
        if (family.type == prometheus::MetricType::Histogram && !family.metric.empty() &&
            !family.metric[0].label.empty()) {
            nlohmann::json by_labels = nlohmann::json::object();
            for (const auto& metric : family.metric) {
                std::string labels;
                for (const auto& label : metric.label) {
                    labels += (labels.empty() ? "" : ",") + label.name + "=" + label.value;
                }
                by_labels[labels] = histogram_json(metric);
            }
            root[std::string(json_key(family.name))] = std::move(by_labels);
            continue;
        }
        // jicoco leaves labelled metrics out of the JSON (they have no single value).
        if (family.metric.size() != 1 || !family.metric[0].label.empty()) {
            continue;
        }
        const auto& metric = family.metric[0];
        const std::string key(json_key(family.name));
        double value = 0;
        switch (family.type) {
            case prometheus::MetricType::Counter: value = metric.counter.value; break;
            case prometheus::MetricType::Gauge: value = metric.gauge.value; break;
            case prometheus::MetricType::Untyped: value = metric.untyped.value; break;
            case prometheus::MetricType::Histogram: root[key] = histogram_json(metric); continue;
            case prometheus::MetricType::Summary: continue;
        }
        switch (kind) {
            case ValueKind::boolean: root[key] = value != 0; break;
            case ValueKind::integer: root[key] = static_cast<std::int64_t>(value); break;
            default: root[key] = std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr); break;
        }
    }
    return root.dump();
}

RenderedMetrics render(MetricsRegistry& registry, MetricsFormat format) {
    const auto families = registry.collect();
    const KindLookup kind_of = [&registry](const std::string& name) { return registry.kind_of(name); };
    RenderedMetrics rendered;
    rendered.content_type = std::string(content_type_of(format));
    switch (format) {
        case MetricsFormat::prometheus_text: rendered.body = to_prometheus_text(families); break;
        case MetricsFormat::openmetrics: rendered.body = to_openmetrics(families, kind_of); break;
        case MetricsFormat::json: rendered.body = to_json(families, kind_of); break;
    }
    return rendered;
}

}  // namespace jicofo::metrics
