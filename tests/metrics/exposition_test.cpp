// Exposition formats and Accept negotiation.
#include "jicofo/metrics/exposition.hpp"

#include <gtest/gtest.h>

#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <limits>

#include <nlohmann/json.hpp>

namespace jicofo::metrics {
namespace {

struct NegotiationCase {
    const char* accept;
    std::optional<MetricsFormat> expected;
};

class NegotiationTest : public ::testing::TestWithParam<NegotiationCase> {};

TEST_P(NegotiationTest, PicksFormat) {
    EXPECT_EQ(negotiate_metrics_format(GetParam().accept), GetParam().expected) << GetParam().accept;
}

INSTANTIATE_TEST_SUITE_P(
    AcceptHeaders, NegotiationTest,
    ::testing::Values(NegotiationCase{"", MetricsFormat::prometheus_text},
                      NegotiationCase{"*/*", MetricsFormat::prometheus_text},
                      NegotiationCase{"text/plain", MetricsFormat::prometheus_text},
                      NegotiationCase{"text/plain; version=0.0.4", MetricsFormat::prometheus_text},
                      NegotiationCase{"text/*", MetricsFormat::prometheus_text},
                      NegotiationCase{"application/json", MetricsFormat::json},
                      NegotiationCase{"Application/JSON", MetricsFormat::json},
                      NegotiationCase{"application/openmetrics-text", MetricsFormat::openmetrics},
                      // What Prometheus 2.x sends when scraping.
                      NegotiationCase{
                          "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
                          "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
                          MetricsFormat::openmetrics},
                      NegotiationCase{"text/plain;q=0.5, application/json", MetricsFormat::json},
                      NegotiationCase{"application/json;q=0.2, text/plain;q=0.9", MetricsFormat::prometheus_text},
                      NegotiationCase{"application/json, application/openmetrics-text", MetricsFormat::json},
                      NegotiationCase{"application/openmetrics-text, application/json", MetricsFormat::openmetrics},
                      NegotiationCase{"application/json;q=0, text/plain", MetricsFormat::prometheus_text},
                      NegotiationCase{"image/png, application/xml;q=0.9, */*;q=0.1", MetricsFormat::prometheus_text},
                      NegotiationCase{"image/png", std::nullopt}, NegotiationCase{"application/json;q=0", std::nullopt},
                      NegotiationCase{"application/json;q=abc", std::nullopt}));

TEST(ContentTypeTest, PerFormat) {
    EXPECT_EQ(content_type_of(MetricsFormat::prometheus_text), "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_EQ(content_type_of(MetricsFormat::openmetrics),
              "application/openmetrics-text; version=1.0.0; charset=utf-8");
    EXPECT_EQ(content_type_of(MetricsFormat::json), "application/json");
}

class ExpositionTest : public ::testing::Test {
protected:
    ExpositionTest() : registry_("1.0-7-gdeadbee") {
        registry_.counter("conferences_created").Increment(3);
        registry_.counter("bridge_endpoints_moved", {{"jvb", "jvb1"}}).Increment();
        registry_.gauge("conferences").Set(4);
        registry_.gauge("conferences_seconds").Set(0.5);  // a real gauge in the catalog
        auto& histogram = registry_.histogram("conference_request_seconds", {0.1, 1});
        histogram.Observe(0.05);
        histogram.Observe(0.5);
        registry_.set_healthy(true);
    }
    MetricsRegistry registry_;
};

TEST_F(ExpositionTest, PrometheusTextHasJicofoNames) {
    const auto rendered = render(registry_, MetricsFormat::prometheus_text);
    EXPECT_EQ(rendered.content_type, kPrometheusTextContentType);
    const auto& text = rendered.body;
    EXPECT_NE(text.find("# TYPE jitsi_jicofo_conferences_created_total counter\n"), std::string::npos) << text;
    EXPECT_NE(text.find("\njitsi_jicofo_conferences_created_total 3\n"), std::string::npos);
    EXPECT_NE(text.find("jitsi_jicofo_bridge_endpoints_moved_total{jvb=\"jvb1\"} 1"), std::string::npos);
    EXPECT_NE(text.find("\njitsi_jicofo_threads "), std::string::npos);
    EXPECT_NE(text.find("jitsi_jicofo_version_info{version=\"1.0-7-gdeadbee\"} 1"), std::string::npos);
    EXPECT_NE(text.find("\njitsi_jicofo_healthy 1\n"), std::string::npos);
    EXPECT_NE(text.find("process_cpu_seconds_total"), std::string::npos);
}

TEST_F(ExpositionTest, OpenMetricsUsesFamilyNamesAndEndsWithEof) {
    const auto text = render(registry_, MetricsFormat::openmetrics).body;
    EXPECT_NE(text.find("# TYPE jitsi_jicofo_conferences_created counter\n"), std::string::npos) << text;
    EXPECT_NE(text.find("\njitsi_jicofo_conferences_created_total 3\n"), std::string::npos);
    EXPECT_NE(text.find("# TYPE jitsi_jicofo_version info\n"), std::string::npos);
    EXPECT_NE(text.find("\njitsi_jicofo_version_info{version=\"1.0-7-gdeadbee\"} 1\n"), std::string::npos);
    EXPECT_NE(text.find("jitsi_jicofo_conference_request_seconds_bucket{le=\"0.1\"} 1\n"), std::string::npos);
    EXPECT_NE(text.find("jitsi_jicofo_conference_request_seconds_bucket{le=\"1.0\"} 2\n"), std::string::npos);
    EXPECT_NE(text.find("jitsi_jicofo_conference_request_seconds_bucket{le=\"+Inf\"} 2\n"), std::string::npos);
    EXPECT_NE(text.find("jitsi_jicofo_conference_request_seconds_count 2\n"), std::string::npos);
    ASSERT_GE(text.size(), 6u);
    EXPECT_EQ(text.substr(text.size() - 6), "# EOF\n");
}

TEST_F(ExpositionTest, JsonIsAFlatObjectLikeJicoco) {
    const auto rendered = render(registry_, MetricsFormat::json);
    EXPECT_EQ(rendered.content_type, "application/json");
    const auto json = nlohmann::json::parse(rendered.body);
    ASSERT_TRUE(json.is_object());
    EXPECT_EQ(json.at("conferences_created_total"), 3);
    EXPECT_TRUE(json.at("conferences_created_total").is_number_integer());
    EXPECT_EQ(json.at("conferences"), 4);
    EXPECT_EQ(json.at("conferences_seconds"), 0.5);
    EXPECT_EQ(json.at("healthy"), true);
    EXPECT_EQ(json.at("version"), "1.0-7-gdeadbee");
    EXPECT_TRUE(json.at("threads").is_number_integer());
    EXPECT_TRUE(json.contains("uptime_seconds"));
    EXPECT_TRUE(json.contains("process_open_fds"));
    // Labelled metrics have no single value and are left out, as in jicoco.
    EXPECT_FALSE(json.contains("bridge_endpoints_moved_total"));
    const auto& histogram = json.at("conference_request_seconds");
    EXPECT_EQ(histogram.at("bucket_le_0.1"), 1);
    EXPECT_EQ(histogram.at("bucket_le_1.0"), 2);
    EXPECT_EQ(histogram.at("bucket_le_+Inf"), 2);
    EXPECT_EQ(histogram.at("count"), 2);
    EXPECT_DOUBLE_EQ(histogram.at("sum").get<double>(), 0.55);
}

TEST(JsonTest, ALabelledHistogramIsKeyedByItsLabelSet) {
    MetricsRegistry registry("v1");
    registry.histogram("colibri_request_seconds", {0.1, 1}, {{"result", "ok"}}).Observe(0.05);
    registry.histogram("colibri_request_seconds", {0.1, 1}, {{"result", "timeout"}}).Observe(15);
    registry.counter("bridge_endpoints_moved", {{"jvb", "jvb1"}}).Increment();
    // The catalog has no histogram with two labels: the renderer is a pure function, so it gets one from a bare
    // prometheus-cpp registry next to the registry's families.
    prometheus::Registry bare;
    prometheus::BuildHistogram()
        .Name("jitsi_jicofo_two_labels_seconds")
        .Help("Two labels")
        .Register(bare)
        .Add({{"a", "x"}, {"b", "y"}}, prometheus::Histogram::BucketBoundaries{1})
        .Observe(0.5);
    auto families = registry.collect();
    for (auto& family : bare.Collect()) {
        families.push_back(std::move(family));
    }

    const auto json = nlohmann::json::parse(
        to_json(families, [&registry](const std::string& name) { return registry.kind_of(name); }));
    const auto& histogram = json.at("colibri_request_seconds");
    ASSERT_EQ(histogram.size(), 2U) << histogram.dump();
    EXPECT_EQ(histogram.at("result=ok").at("bucket_le_0.1"), 1);
    EXPECT_EQ(histogram.at("result=ok").at("count"), 1);
    EXPECT_EQ(histogram.at("result=timeout").at("bucket_le_1.0"), 0);
    EXPECT_EQ(histogram.at("result=timeout").at("bucket_le_+Inf"), 1);
    EXPECT_DOUBLE_EQ(histogram.at("result=timeout").at("sum").get<double>(), 15);
    EXPECT_EQ(json.at("two_labels_seconds").at("a=x,b=y").at("count"), 1);
    EXPECT_FALSE(json.contains("bridge_endpoints_moved_total")) << "other labelled metrics stay out, as in jicoco";

    const auto text = render(registry, MetricsFormat::prometheus_text).body;
    EXPECT_NE(text.find("jitsi_jicofo_colibri_request_seconds_bucket{result=\"timeout\",le=\"1\"} 0"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("jitsi_jicofo_colibri_request_seconds_count{result=\"ok\"} 1"), std::string::npos);
}

TEST(OpenMetricsTest, EscapesLabelValuesAndHelp) {
    // No catalog help has a backslash or a newline, so the family comes from a bare prometheus-cpp registry.
    prometheus::Registry bare;
    prometheus::BuildGauge()
        .Name("jitsi_jicofo_odd")
        .Help("Help with \\ and\nnewline")
        .Register(bare)
        .Add({{"name", "a\"b\\c\nd"}})
        .Set(1);
    const auto text = to_openmetrics(bare.Collect(), [](const std::string&) { return ValueKind::integer; });
    EXPECT_NE(text.find("# HELP jitsi_jicofo_odd Help with \\\\ and\\nnewline\n"), std::string::npos) << text;
    EXPECT_NE(text.find("jitsi_jicofo_odd{name=\"a\\\"b\\\\c\\nd\"} 1\n"), std::string::npos) << text;
}

// Our Prometheus text writer must give the bytes prometheus-cpp's TextSerializer gives, for every kind of family
// and for the values and labels that need care.
TEST(PrometheusTextTest, IsByteForByteTheTextSerializersOutput) {
    using prometheus::ClientMetric;
    using prometheus::MetricFamily;
    using prometheus::MetricType;
    const double inf = std::numeric_limits<double>::infinity();
    std::vector<MetricFamily> families;

    MetricFamily gauge{"g", "values that need care", MetricType::Gauge, {}};
    for (double value : {0.0, -0.0, 1.0, -3.0, 0.1, 0.019307197, 1e-7, 1.5e21, 123456789.123456789,
                         std::numeric_limits<double>::quiet_NaN(), inf, -inf, 4503599627370497.0,
                         std::numeric_limits<double>::max(), std::numeric_limits<double>::denorm_min()}) {
        ClientMetric metric;
        metric.label = {{"v", std::to_string(families.size() + gauge.metric.size())}};
        metric.gauge.value = value;
        gauge.metric.push_back(metric);
    }
    families.push_back(gauge);

    MetricFamily counter{"c_total", "help with \\ and \"quotes\"", MetricType::Counter, {}};
    ClientMetric escaped;
    escaped.label = {{"a", "back\\slash \"quoted\"\nnewline"}, {"b", ""}};
    escaped.counter.value = 7;
    counter.metric.push_back(escaped);
    ClientMetric stamped;
    stamped.counter.value = 2.5;
    stamped.timestamp_ms = 1700000000123;
    counter.metric.push_back(stamped);
    families.push_back(counter);

    families.push_back(MetricFamily{"no_help", "", MetricType::Untyped, {}});
    families.back().metric.emplace_back().untyped.value = 42;

    MetricFamily summary{"s", "a summary", MetricType::Summary, {}};
    auto& quantiles = summary.metric.emplace_back();
    quantiles.label = {{"k", "v"}};
    quantiles.summary.sample_count = 10;
    quantiles.summary.sample_sum = 3.25;
    quantiles.summary.quantile = {{0.5, 0.1}, {0.99, 0.75}};
    families.push_back(summary);

    MetricFamily histogram{"h_seconds", "a histogram", MetricType::Histogram, {}};
    auto& with_inf = histogram.metric.emplace_back();
    with_inf.label = {{"result", "ok"}};
    with_inf.histogram.sample_count = 3;
    with_inf.histogram.sample_sum = 0.30000000000000004;
    with_inf.histogram.bucket = {{1, 0.001}, {2, 0.25}, {3, inf}};
    auto& without_inf = histogram.metric.emplace_back();  // no +Inf bucket: the serializer adds one
    without_inf.histogram.sample_count = 5;
    without_inf.histogram.bucket = {{4, 2.5}};
    families.push_back(histogram);

    families.push_back(MetricFamily{"empty", "no samples", MetricType::Gauge, {}});

    EXPECT_EQ(to_prometheus_text(families), prometheus::TextSerializer().Serialize(families));

    // And what a real registry holds.
    MetricsRegistry registry("v1");
    registry.counter("conferences_created").Increment(3);
    registry.histogram("conference_request_seconds", {0.1, 1}).Observe(0.05);
    const auto collected = registry.collect();
    EXPECT_EQ(to_prometheus_text(collected), prometheus::TextSerializer().Serialize(collected));
}

}  // namespace
}  // namespace jicofo::metrics
