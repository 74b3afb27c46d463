// The media metrics and their /stats keys: Jicofo's names, counts shared by every instance over one registry, the
// two histograms in Prometheus text and JSON, and the /stats decorator.
#include "jicofo/app/media_stats.hpp"

#include "jicofo/conference/conference_media.hpp"
#include "jicofo/metrics/exposition.hpp"
#include "jicofo/metrics/metrics_registry.hpp"

#include <gtest/gtest.h>

#include <optional>

namespace jicofo::app {
namespace {

using namespace std::chrono_literals;
using stanza::JingleAction;

TEST(JingleNames, AreJicofosEnumNames) {
    EXPECT_EQ(jingle_metric_name(JingleAction::session_initiate), "session_initiate");
    EXPECT_EQ(jingle_stats_name(JingleAction::session_initiate), "SESSION_INITIATE");
    EXPECT_EQ(jingle_metric_name(JingleAction::source_add), "sourceadd");
    EXPECT_EQ(jingle_stats_name(JingleAction::source_add), "SOURCEADD");
    EXPECT_EQ(jingle_stats_name(JingleAction::source_remove), "SOURCEREMOVE");
    EXPECT_EQ(jingle_stats_name(JingleAction::addsource), "ADDSOURCE");
    EXPECT_EQ(jingle_stats_name(JingleAction::transport_replace), "TRANSPORT_REPLACE");
}

TEST(MediaStatsJson, HasJicofosKeysAndOnlyTheActionsSeen) {
    MediaStatsValues values;
    values.participants_moved = 4;
    values.bridges_removed = 1;
    values.ice_failed = 2;
    values.restart_requested = 3;
    values.jingle_sent = {{"SESSION_INITIATE", 5}};
    EXPECT_EQ(media_stats_json(values).dump(), R"({"bridge_failures":{"participants_moved":4,"bridges_removed":1},)"
                                               R"("participant_notifications":{"ice_failed":2,"request_restart":3},)"
                                               R"("jingle":{"sent":{"SESSION_INITIATE":5},"received":{}}})");
}

class MediaStatisticsTest : public ::testing::Test {
protected:
    metrics::MetricsRegistry registry{"v1"};
};

TEST_F(MediaStatisticsTest, EveryInstanceOverOneRegistryCountsIntoTheSameMetrics) {
    MediaStatistics counting(registry);
    MediaStatistics reading(registry);
    counting.participants_moved(2);
    counting.participants_moved(0);
    counting.participant_ice_failed();
    counting.participant_restart_requested();
    counting.participant_restart_requested();
    counting.jingle_sent(JingleAction::session_initiate);
    counting.jingle_sent(JingleAction::session_initiate);
    counting.jingle_received(JingleAction::source_add);
    counting.jingle_received(JingleAction::unknown);  // not counted, and no crash
    // The bridge registry counts bridges_removed_total; it is the same counter.
    registry.counter("bridges_removed").Increment(3);

    const auto values = reading.values();
    EXPECT_EQ(values.participants_moved, 2U);
    EXPECT_EQ(values.ice_failed, 1U);
    EXPECT_EQ(values.restart_requested, 2U);
    EXPECT_EQ(values.bridges_removed, 3U);
    EXPECT_EQ(values.jingle_sent, (std::map<std::string, std::uint64_t>{{"SESSION_INITIATE", 2}}));
    EXPECT_EQ(values.jingle_received, (std::map<std::string, std::uint64_t>{{"SOURCEADD", 1}}));
}

TEST_F(MediaStatisticsTest, TheMediaSettingsCountThroughIt) {
    auto stats = std::make_shared<MediaStatistics>(registry);
    conference::ConferenceMediaSettings settings;
    count_media_events(settings, stats);
    ASSERT_TRUE(settings.participants_moved && settings.participant_ice_failed &&
                settings.participant_restart_requested && settings.join_to_session_accept);
    EXPECT_FALSE(settings.bridge_removed) << "left to the bridge registry";
    settings.participants_moved(3);
    settings.participant_ice_failed();
    settings.participant_restart_requested();
    settings.join_to_session_accept(1500ms);

    const auto values = stats->values();
    EXPECT_EQ(values.participants_moved, 3U);
    EXPECT_EQ(values.ice_failed, 1U);
    EXPECT_EQ(values.restart_requested, 1U);
    const auto json = nlohmann::json::parse(metrics::render(registry, metrics::MetricsFormat::json).body);
    const auto& join = json.at("participant_join_to_session_accept_seconds");
    EXPECT_EQ(join.at("count"), 1);
    EXPECT_EQ(join.at("bucket_le_1.0"), 0);
    EXPECT_EQ(join.at("bucket_le_2.0"), 1);
    EXPECT_DOUBLE_EQ(join.at("sum").get<double>(), 1.5);
    EXPECT_EQ(json.at("participants_ice_failed_total"), 1);
    EXPECT_EQ(json.at("participants_restart_requested_total"), 1);
    EXPECT_EQ(json.at("participants_moved_total"), 3);
}

TEST_F(MediaStatisticsTest, InPlaceIceRestartsAreCountedByOutcome) {
    auto stats = std::make_shared<MediaStatistics>(registry);
    conference::ConferenceMediaSettings settings;
    count_media_events(settings, stats);
    ASSERT_TRUE(settings.ice_restart);
    settings.ice_restart("requested");
    settings.ice_restart("requested");
    settings.ice_restart("relayed");
    settings.ice_restart("failed");
    settings.ice_restart("something-else");  // not a metric: ignored
    const auto json = nlohmann::json::parse(metrics::render(registry, metrics::MetricsFormat::json).body);
    EXPECT_EQ(json.at("ice_restarts_requested_total"), 2);
    EXPECT_EQ(json.at("ice_restarts_relayed_total"), 1);
    EXPECT_EQ(json.at("ice_restarts_not_needed_total"), 0);
    EXPECT_EQ(json.at("ice_restarts_failed_total"), 1);
}

TEST_F(MediaStatisticsTest, ColibriRoundTripsRenderByResultInTextAndJson) {
    MediaStatistics stats(registry);
    stats.colibri_request(3ms, ColibriOutcome::ok);
    stats.colibri_request(40ms, ColibriOutcome::ok);
    stats.colibri_request(120ms, ColibriOutcome::error);
    stats.colibri_request(15s, ColibriOutcome::timeout);

    const auto text = metrics::render(registry, metrics::MetricsFormat::prometheus_text).body;
    EXPECT_NE(text.find("# TYPE jitsi_jicofo_colibri_request_seconds histogram"), std::string::npos) << text;
    EXPECT_NE(text.find("jitsi_jicofo_colibri_request_seconds_count{result=\"ok\"} 2"), std::string::npos);
    EXPECT_NE(text.find("jitsi_jicofo_colibri_request_seconds_count{result=\"error\"} 1"), std::string::npos);
    EXPECT_NE(text.find("jitsi_jicofo_colibri_request_seconds_count{result=\"timeout\"} 1"), std::string::npos);
    EXPECT_NE(text.find("# TYPE jitsi_jicofo_participant_join_to_session_accept_seconds histogram"), std::string::npos);

    const auto json = nlohmann::json::parse(metrics::render(registry, metrics::MetricsFormat::json).body);
    const auto& colibri = json.at("colibri_request_seconds");
    EXPECT_EQ(colibri.at("result=ok").at("count"), 2);
    EXPECT_EQ(colibri.at("result=ok").at("bucket_le_0.005"), 1);
    EXPECT_EQ(colibri.at("result=ok").at("bucket_le_0.05"), 2);
    EXPECT_EQ(colibri.at("result=error").at("bucket_le_0.1"), 0);
    EXPECT_EQ(colibri.at("result=error").at("bucket_le_0.25"), 1);
    EXPECT_EQ(colibri.at("result=timeout").at("bucket_le_10.0"), 0);
    EXPECT_EQ(colibri.at("result=timeout").at("bucket_le_15.0"), 1);
}

TEST(ColibriOutcomeNames, AreTheLabelValues) {
    EXPECT_EQ(to_string(ColibriOutcome::ok), "ok");
    EXPECT_EQ(to_string(ColibriOutcome::error), "error");
    EXPECT_EQ(to_string(ColibriOutcome::timeout), "timeout");
}

// ----- the /stats decorator ---------------------------------------------------------------------------------------

std::optional<rest::HttpResponse> call(const rest::RouteHandler& handler) {
    std::optional<rest::HttpResponse> answer;
    handler(rest::HttpRequest{}, rest::PathParams{}, [&answer](rest::HttpResponse response) { answer = response; });
    return answer;
}

rest::RouteHandler answering(rest::HttpResponse response) {
    return [response](const rest::HttpRequest&, const rest::PathParams&, const rest::Responder& respond) {
        respond(response);
    };
}

TEST_F(MediaStatisticsTest, StatsGetTheMediaKeysNextToTheConferenceOnes) {
    auto stats = std::make_shared<MediaStatistics>(registry);
    stats->participants_moved(1);
    stats->jingle_received(JingleAction::session_accept);
    rest::DomainRoutes routes;
    routes.stats = answering(rest::HttpResponse::json(200, R"({"conferences":2})"));
    add_media_stats(routes, stats);

    auto answer = call(routes.stats);
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->status, 200);
    const auto json = nlohmann::json::parse(answer->body);
    EXPECT_EQ(json.at("conferences"), 2);
    EXPECT_EQ(json.at("bridge_failures").at("participants_moved"), 1);
    EXPECT_EQ(json.at("bridge_failures").at("bridges_removed"), 0);
    EXPECT_EQ(json.at("participant_notifications").at("ice_failed"), 0);
    EXPECT_EQ(json.at("participant_notifications").at("request_restart"), 0);
    EXPECT_EQ(json.at("jingle").at("received").at("SESSION_ACCEPT"), 1);
    EXPECT_TRUE(json.at("jingle").at("sent").empty());
}

TEST_F(MediaStatisticsTest, StatsErrorsAndBodiesThatAreNotObjectsPassThrough) {
    auto stats = std::make_shared<MediaStatistics>(registry);
    for (const auto& inner : {rest::HttpResponse::text(500, "broken"), rest::HttpResponse::json(200, "[1]"),
                              rest::HttpResponse::json(200, "not json")}) {
        rest::DomainRoutes routes;
        routes.stats = answering(inner);
        add_media_stats(routes, stats);
        auto answer = call(routes.stats);
        ASSERT_TRUE(answer);
        EXPECT_EQ(answer->status, inner.status);
        EXPECT_EQ(answer->body, inner.body);
    }
    rest::DomainRoutes without;
    add_media_stats(without, stats);
    EXPECT_FALSE(without.stats) << "no /stats route is made up";
}

}  // namespace
}  // namespace jicofo::app
