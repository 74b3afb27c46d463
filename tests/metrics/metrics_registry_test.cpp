// MetricsRegistry: Jicofo naming (prefix, _total), registration checked against the catalog, built-in metrics and the
// scrape hooks.
#include "jicofo/metrics/metrics_registry.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>

#include "jicofo/metrics/exposition.hpp"
#include "jicofo/metrics/process_stats.hpp"

namespace jicofo::metrics {
namespace {

const prometheus::MetricFamily* find(const std::vector<prometheus::MetricFamily>& families, const std::string& name) {
    for (const auto& family : families) {
        if (family.name == name) {
            return &family;
        }
    }
    return nullptr;
}

TEST(MetricsRegistryTest, CounterNamesGetPrefixAndOneTotalSuffix) {
    MetricsRegistry registry("1.0-test");
    registry.counter("conferences_created").Increment();
    registry.counter("xmpp_disconnects").Increment(2);
    // The catalog's names have no _total: the suffix is the registry's to add.
    EXPECT_THROW(registry.counter("xmpp_disconnects_total"), std::invalid_argument);
    const auto families = registry.collect();
    ASSERT_NE(find(families, "jitsi_jicofo_conferences_created_total"), nullptr);
    ASSERT_NE(find(families, "jitsi_jicofo_xmpp_disconnects_total"), nullptr);
    EXPECT_EQ(find(families, "jitsi_jicofo_xmpp_disconnects_total_total"), nullptr);
    EXPECT_EQ(find(families, "jitsi_jicofo_xmpp_disconnects_total")->metric.at(0).counter.value, 2);
}

TEST(MetricsRegistryTest, SameNameAndLabelsReturnSameMetric) {
    MetricsRegistry registry("v");
    auto& a = registry.counter("bridge_endpoints_moved", {{"jvb", "jvb1"}});
    auto& b = registry.counter("bridge_endpoints_moved", {{"jvb", "jvb1"}});
    auto& c = registry.counter("bridge_endpoints_moved", {{"jvb", "jvb2"}});
    EXPECT_EQ(&a, &b);
    EXPECT_NE(&a, &c);
}

TEST(MetricsRegistryTest, UnknownNameThrows) {
    MetricsRegistry registry("v");
    EXPECT_THROW(registry.counter("not_in_the_catalog"), std::invalid_argument);
    EXPECT_THROW(registry.gauge("not_in_the_catalog"), std::invalid_argument);
    EXPECT_THROW(registry.histogram("not_in_the_catalog", {1.0}), std::invalid_argument);
    EXPECT_THROW(registry.remove_gauge("not_in_the_catalog", {{"jvb", "jvb1"}}), std::invalid_argument);
    EXPECT_EQ(find(registry.collect(), "jitsi_jicofo_not_in_the_catalog"), nullptr);
}

TEST(MetricsRegistryTest, AnotherTypeThanTheCatalogsThrows) {
    MetricsRegistry registry("v");
    EXPECT_THROW(registry.histogram("conferences", {1.0}), std::invalid_argument);
    EXPECT_THROW(registry.counter("conferences"), std::invalid_argument);
    EXPECT_THROW(registry.gauge("conferences_created"), std::invalid_argument);
    EXPECT_THROW(registry.gauge("conference_request_seconds"), std::invalid_argument);
    EXPECT_THROW(registry.remove_counter("bridge_endpoints", {{"jvb", "jvb1"}}), std::invalid_argument);
    EXPECT_EQ(find(registry.collect(), "jitsi_jicofo_conferences_created"), nullptr);
    EXPECT_NO_THROW(registry.gauge("conferences"));
}

TEST(MetricsRegistryTest, OtherLabelNamesThanTheCatalogsThrow) {
    MetricsRegistry registry("v");
    EXPECT_THROW(registry.gauge("bridge_endpoints"), std::invalid_argument) << "missing jvb";
    EXPECT_THROW(registry.gauge("bridge_endpoints", {{"bridge", "jvb1"}}), std::invalid_argument) << "wrong name";
    EXPECT_THROW(registry.gauge("bridge_endpoints", {{"jvb", "jvb1"}, {"region", "eu"}}), std::invalid_argument)
        << "one too many";
    EXPECT_THROW(registry.gauge("conferences", {{"jvb", "jvb1"}}), std::invalid_argument) << "unlabelled family";
    EXPECT_THROW(registry.counter("jibri_session_failures", {{"type", "recording"}}), std::invalid_argument);
    EXPECT_THROW(registry.remove_counter("bridge_restart_requests", {}), std::invalid_argument);
    // Two labels in any order of the catalog's list: Labels is a map, the comparison is by name.
    EXPECT_NO_THROW(registry.counter("jibri_session_failures", {{"type", "recording"}, {"reason", "jibri_failed"}}));
    EXPECT_NO_THROW(registry.gauge("bridge_endpoints", {{"jvb", "jvb1"}}));
}

TEST(MetricsRegistryTest, HelpAndKindComeFromTheCatalog) {
    MetricsRegistry registry("v");
    registry.gauge("bridge_failing_ice", {{"jvb", "jvb1"}});
    registry.gauge("conferences_seconds");
    registry.counter("conferences_created");
    const auto families = registry.collect();
    const auto* failing_ice = find(families, "jitsi_jicofo_bridge_failing_ice");
    ASSERT_NE(failing_ice, nullptr);
    EXPECT_EQ(failing_ice->help, "Whether a bridge is currently in the failing ICE state.");
    EXPECT_EQ(failing_ice->type, prometheus::MetricType::Gauge);
    EXPECT_EQ(registry.kind_of("jitsi_jicofo_bridge_failing_ice"), ValueKind::boolean);
    EXPECT_EQ(registry.kind_of("jitsi_jicofo_conferences_seconds"), ValueKind::real);
    EXPECT_EQ(registry.kind_of("jitsi_jicofo_conferences_created_total"), ValueKind::integer);
    EXPECT_EQ(registry.kind_of("jitsi_jicofo_version_info"), ValueKind::info);
    EXPECT_EQ(find(families, "jitsi_jicofo_conferences_created_total")->help, find_metric("conferences_created")->help);
}

TEST(MetricsRegistryTest, RemoveTakesOneSeriesAway) {
    MetricsRegistry registry("v");
    registry.gauge("bridge_endpoints", {{"jvb", "jvb1"}}).Set(3);
    registry.gauge("bridge_endpoints", {{"jvb", "jvb2"}}).Set(4);
    registry.remove_gauge("bridge_endpoints", {{"jvb", "jvb1"}});
    registry.remove_gauge("bridge_endpoints", {{"jvb", "gone"}});  // nothing to remove: no error
    const auto families = registry.collect();
    const auto* family = find(families, "jitsi_jicofo_bridge_endpoints");
    ASSERT_NE(family, nullptr);
    ASSERT_EQ(family->metric.size(), 1U);
    EXPECT_EQ(family->metric[0].label.at(0).value, "jvb2");
}

TEST(MetricsRegistryTest, BuiltInMetricsArePresentAfterScrape) {
    MetricsRegistry registry("1.0-42-gabc");
    const auto families = registry.collect();
    for (const char* name :
         {"jitsi_jicofo_threads", "jitsi_jicofo_uptime_seconds", "jitsi_jicofo_healthy", "jitsi_jicofo_version_info",
          "process_resident_memory_bytes", "process_virtual_memory_bytes", "process_cpu_seconds_total",
          "process_start_time_seconds", "process_open_fds"}) {
        EXPECT_NE(find(families, name), nullptr) << name;
    }
    const auto* threads = find(families, "jitsi_jicofo_threads");
    ASSERT_NE(threads, nullptr);
    EXPECT_GE(threads->metric.at(0).gauge.value, 1);
    const auto* version = find(families, "jitsi_jicofo_version_info");
    ASSERT_EQ(version->metric.at(0).label.size(), 1u);
    EXPECT_EQ(version->metric.at(0).label[0].name, "version");
    EXPECT_EQ(version->metric.at(0).label[0].value, "1.0-42-gabc");
    EXPECT_EQ(version->metric.at(0).gauge.value, 1);
    EXPECT_GT(find(families, "process_start_time_seconds")->metric.at(0).gauge.value, 1.5e9);
}

TEST(MetricsRegistryTest, HealthyFollowsSetHealthy) {
    MetricsRegistry registry("v");
    registry.set_healthy(true);
    EXPECT_EQ(find(registry.collect(), "jitsi_jicofo_healthy")->metric.at(0).gauge.value, 1);
    registry.set_healthy(false);
    EXPECT_EQ(find(registry.collect(), "jitsi_jicofo_healthy")->metric.at(0).gauge.value, 0);
}

TEST(MetricsRegistryTest, ScrapeHooksRunBeforeEveryCollect) {
    MetricsRegistry registry("v");
    std::atomic<int> calls{0};
    auto& gauge = registry.gauge("conferences");
    registry.add_scrape_hook([&] { gauge.Set(++calls); });
    registry.collect();
    const auto families = registry.collect();
    EXPECT_EQ(calls, 2);
    EXPECT_EQ(find(families, "jitsi_jicofo_conferences")->metric.at(0).gauge.value, 2);
}

TEST(ProcessStatsTest, ParsesThreadsFromStatus) {
    EXPECT_EQ(parse_status_threads("Name:\tjicofo\nThreads:\t17\nVmRSS:\t1 kB\n"), 17);
    EXPECT_EQ(parse_status_threads("Name:\tjicofo\n"), std::nullopt);
}

TEST(ProcessStatsTest, ParsesStartTicksPastACommandNameWithSpaces) {
    // Fields 3..22 after the command; starttime (22) is 98765.
    const std::string stat = "123 (my (odd) cmd) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 98765 19 20";
    EXPECT_EQ(parse_stat_start_ticks(stat), 98765u);
    EXPECT_EQ(parse_stat_start_ticks("garbage"), std::nullopt);
}

TEST(ProcessStatsTest, ParsesBootTime) {
    EXPECT_EQ(parse_boot_time("cpu 1 2 3\nbtime 1700000000\nprocesses 5\n"), 1700000000);
}

TEST(ProcessStatsTest, ReadsOwnProcess) {
    const auto stats = read_process_stats();
    ASSERT_TRUE(stats.threads.has_value());
    EXPECT_GE(*stats.threads, 1);
    ASSERT_TRUE(stats.open_fds.has_value());
    EXPECT_GE(*stats.open_fds, 3);
    ASSERT_TRUE(stats.resident_memory_bytes.has_value());
    EXPECT_GT(*stats.resident_memory_bytes, 0);
}

TEST(ProcessStatsTest, ReadsOwnStartTimeSinceTheEpoch) {
    const auto start = read_process_start_time_seconds();
    ASSERT_TRUE(start.has_value());
    const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    EXPECT_GT(*start, 1.5e9);
    EXPECT_LE(*start, now + 1);     // clock ticks since boot are rounded; a started process cannot start in the future
    EXPECT_GT(*start, now - 3600);  // this test process started moments ago
}

}  // namespace
}  // namespace jicofo::metrics
