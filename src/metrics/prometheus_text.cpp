// The Prometheus text format (0.0.4) without iostreams: the same bytes as prometheus-cpp's TextSerializer, written
// with std::to_chars into one string. A /metrics flood spent about a third of its CPU in the serializer's stream
// inserts, locale sentries and printf-style double formatting.
#include "jicofo/metrics/exposition.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string_view>

namespace jicofo::metrics {
namespace {

class TextWriter {
public:
    explicit TextWriter(std::string& out) : out_(out) {}

    void text(std::string_view part) { out_.append(part); }

    // prometheus-cpp: "Nan", "+Inf"/"-Inf", else printf's %.16g (max_digits10 - 1 significant digits).
    void number(double value) {
        if (std::isnan(value)) {
            out_.append("Nan");
        } else if (std::isinf(value)) {
            out_.append(value < 0 ? "-Inf" : "+Inf");
        } else {
            std::array<char, 64> buffer{};
            const auto [end, ec] =
                std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, std::chars_format::general,
                              std::numeric_limits<double>::max_digits10 - 1);
            out_.append(buffer.data(), ec == std::errc() ? end : buffer.data());
        }
    }

    template <typename Integer>
    void integer(Integer value) {
        std::array<char, 24> buffer{};
        const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
        out_.append(buffer.data(), ec == std::errc() ? end : buffer.data());
    }

    void escaped(std::string_view value) {
        for (char c : value) {
            if (c == '\n') {
                out_.append("\\n");
                continue;
            }
            if (c == '\\' || c == '"') {
                out_.push_back('\\');
            }
            out_.push_back(c);
        }
    }

    // name + suffix, the metric's labels and an optional extra label (le, quantile), then a space.
    void head(const prometheus::MetricFamily& family, const prometheus::ClientMetric& metric,
              std::string_view suffix = {}, std::string_view extra_name = {}, const double* extra_value = nullptr) {
        text(family.name);
        text(suffix);
        if (!metric.label.empty() || !extra_name.empty()) {
            out_.push_back('{');
            const char* separator = "";
            for (const auto& label : metric.label) {
                text(separator);
                text(label.name);
                text("=\"");
                escaped(label.value);
                out_.push_back('"');
                separator = ",";
            }
            if (!extra_name.empty()) {
                text(separator);
                text(extra_name);
                text("=\"");
                if (extra_value != nullptr) {
                    number(*extra_value);
                } else {
                    text("+Inf");
                }
                out_.push_back('"');
            }
            out_.push_back('}');
        }
        out_.push_back(' ');
    }

    void tail(const prometheus::ClientMetric& metric) {
        if (metric.timestamp_ms != 0) {
            out_.push_back(' ');
            integer(metric.timestamp_ms);
        }
        out_.push_back('\n');
    }

    // The _count and _sum lines of a histogram or a summary.
    void count_and_sum(const prometheus::MetricFamily& family, const prometheus::ClientMetric& metric,
                       std::uint64_t count, double sum) {
        head(family, metric, "_count");
        integer(count);
        tail(metric);
        head(family, metric, "_sum");
        number(sum);
        tail(metric);
    }

    void histogram(const prometheus::MetricFamily& family, const prometheus::ClientMetric& metric) {
        const auto& histogram = metric.histogram;
        count_and_sum(family, metric, histogram.sample_count, histogram.sample_sum);
        double last = -std::numeric_limits<double>::infinity();
        for (const auto& bucket : histogram.bucket) {
            head(family, metric, "_bucket", "le", &bucket.upper_bound);
            last = bucket.upper_bound;
            integer(bucket.cumulative_count);
            tail(metric);
        }
        if (last != std::numeric_limits<double>::infinity()) {
            head(family, metric, "_bucket", "le");
            integer(histogram.sample_count);
            tail(metric);
        }
    }

    void summary(const prometheus::MetricFamily& family, const prometheus::ClientMetric& metric) {
        const auto& summary = metric.summary;
        count_and_sum(family, metric, summary.sample_count, summary.sample_sum);
        for (const auto& quantile : summary.quantile) {
            head(family, metric, "", "quantile", &quantile.quantile);
            number(quantile.value);
            tail(metric);
        }
    }

    void family(const prometheus::MetricFamily& family) {
        if (!family.help.empty()) {
            text("# HELP ");
            text(family.name);
            out_.push_back(' ');
            text(family.help);
            out_.push_back('\n');
        }
        text("# TYPE ");
        text(family.name);
        switch (family.type) {
            case prometheus::MetricType::Counter: text(" counter\n"); break;
            case prometheus::MetricType::Gauge: text(" gauge\n"); break;
            case prometheus::MetricType::Summary: text(" summary\n"); break;
            case prometheus::MetricType::Untyped: text(" untyped\n"); break;
            case prometheus::MetricType::Histogram: text(" histogram\n"); break;
        }
        for (const auto& metric : family.metric) {
            switch (family.type) {
                case prometheus::MetricType::Counter: simple(family, metric, metric.counter.value); break;
                case prometheus::MetricType::Gauge: simple(family, metric, metric.gauge.value); break;
                case prometheus::MetricType::Untyped: simple(family, metric, metric.untyped.value); break;
                case prometheus::MetricType::Summary: summary(family, metric); break;
                case prometheus::MetricType::Histogram: histogram(family, metric); break;
            }
        }
    }

private:
    void simple(const prometheus::MetricFamily& family, const prometheus::ClientMetric& metric, double value) {
        head(family, metric);
        number(value);
        tail(metric);
    }

    std::string& out_;
};

}  // namespace

std::string to_prometheus_text(const std::vector<prometheus::MetricFamily>& families) {
    std::string out;
    std::size_t estimate = 0;
    for (const auto& family : families) {
        estimate += family.help.size() + 2 * family.name.size() + 32 + family.metric.size() * 64;
    }
    out.reserve(estimate);
    TextWriter writer(out);
    for (const auto& family : families) {
        writer.family(family);
    }
    return out;
}

}  // namespace jicofo::metrics
