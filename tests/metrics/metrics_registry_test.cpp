// MetricsRegistry: Jicofo naming (prefix, _total), built-in metrics and the scrape hooks.
#include "jicofo/metrics/metrics_registry.hpp"

#include <gtest/gtest.h>

#include <atomic>
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
    registry.counter("conferences_created", "Conferences created").Increment();
    registry.counter("xmpp_disconnects_total", "Disconnects").Increment(2);
    const auto families = registry.collect();
    ASSERT_NE(find(families, "jitsi_jicofo_conferences_created_total"), nullptr);
    ASSERT_NE(find(families, "jitsi_jicofo_xmpp_disconnects_total"), nullptr);
    EXPECT_EQ(find(families, "jitsi_jicofo_xmpp_disconnects_total_total"), nullptr);
    EXPECT_EQ(find(families, "jitsi_jicofo_xmpp_disconnects_total")->metric.at(0).counter.value, 2);
}

TEST(MetricsRegistryTest, SameNameAndLabelsReturnSameMetric) {
    MetricsRegistry registry("v");
    auto& a = registry.counter("bridge_endpoints_moved", "Moved", {{"jvb", "jvb1"}});
    auto& b = registry.counter("bridge_endpoints_moved", "Moved", {{"jvb", "jvb1"}});
    auto& c = registry.counter("bridge_endpoints_moved", "Moved", {{"jvb", "jvb2"}});
    EXPECT_EQ(&a, &b);
    EXPECT_NE(&a, &c);
}

TEST(MetricsRegistryTest, NameReusedWithAnotherTypeThrows) {
    MetricsRegistry registry("v");
    registry.gauge("conferences", "Conferences");
    EXPECT_THROW(registry.histogram("conferences", "Conferences", {1.0}), std::invalid_argument);
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
    auto& gauge = registry.gauge("conferences", "Conferences");
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

}  // namespace
}  // namespace jicofo::metrics
