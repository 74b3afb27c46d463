// The /stats keys of JicofoServices: threads, version, queues and the health keys, shaped as Jicofo's.
#include "jicofo/app/service_stats.hpp"

#include <gtest/gtest.h>

namespace jicofo::app {
namespace {

TEST(ServiceStatsJson, ThreadsVersionAndQueues) {
    const auto json = service_stats_json(7, "1.0-5-gabc");
    EXPECT_EQ(json["threads"], 7);
    EXPECT_EQ(json["version"], "1.0-5-gabc");
    EXPECT_TRUE(json["queues"].is_object());
    EXPECT_TRUE(json["queues"].empty());
    EXPECT_TRUE(service_stats_json(std::nullopt, "v")["threads"].is_null());
}

TEST(ServiceStatsJson, HealthyResult) {
    health::HealthSnapshot snapshot;
    snapshot.slow_checks = 2;
    const auto json = health_stats_json(snapshot);
    EXPECT_EQ(json["slow_health_check"], 2);
    EXPECT_EQ(json["healthy"], true);
    const auto& health = json["health"];
    EXPECT_EQ(health["success"], true);
    EXPECT_TRUE(health["responseCode"].is_null());
    EXPECT_EQ(health["sticky"], false);
    EXPECT_TRUE(health["message"].is_null());
    EXPECT_TRUE(health.contains("hardFailure"));
}

TEST(ServiceStatsJson, FailedResultCarriesItsMessageAndCode) {
    health::HealthSnapshot snapshot;
    snapshot.result = health::HealthResult::soft_failure("no bridge");
    snapshot.result.response_code = 503;
    const auto json = health_stats_json(snapshot);
    EXPECT_EQ(json["healthy"], false);
    EXPECT_EQ(json["health"]["success"], false);
    EXPECT_EQ(json["health"]["hardFailure"], false);
    EXPECT_EQ(json["health"]["responseCode"], 503);
    EXPECT_EQ(json["health"]["message"], "no bridge");
}

}  // namespace
}  // namespace jicofo::app
