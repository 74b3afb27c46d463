// The media metrics (participants moved, bridges removed, ICE failures, restart requests, Jingle IQs by action, the
// colibri2 round trip and join→session-accept histograms) and the /stats keys Jicofo builds from the same counters.
#pragma once

#include "jicofo/rest/rest_settings.hpp"
#include "jicofo/stanza/jingle.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace prometheus {
class Counter;
class Histogram;
}  // namespace prometheus
namespace jicofo::metrics {
class MetricsRegistry;
}  // namespace jicofo::metrics
namespace jicofo::conference {
struct ConferenceMediaSettings;
}  // namespace jicofo::conference

namespace jicofo::app {

// Jicofo's names for a Jingle action: the metric part is the enum name lowercased ("session_initiate",
// "sourceadd", "addsource"), the /stats key is the enum name itself ("SESSION_INITIATE", "SOURCEADD").
[[nodiscard]] std::string jingle_metric_name(stanza::JingleAction action);
[[nodiscard]] std::string jingle_stats_name(stanza::JingleAction action);

// How a colibri2 request to a bridge ended, the `result` label of jitsi_jicofo_colibri_request_seconds.
enum class ColibriOutcome { ok, error, timeout };
[[nodiscard]] std::string_view to_string(ColibriOutcome outcome);

// The counter values /stats shows.
struct MediaStatsValues {
    std::uint64_t participants_moved = 0;
    std::uint64_t bridges_removed = 0;
    std::uint64_t ice_failed = 0;
    std::uint64_t restart_requested = 0;
    // By jingle_stats_name; only actions seen at least once, as Jicofo registers them lazily.
    std::map<std::string, std::uint64_t> jingle_sent;
    std::map<std::string, std::uint64_t> jingle_received;
};

// {"bridge_failures":{"participants_moved","bridges_removed"},"participant_notifications":{"ice_failed",
// "request_restart"},"jingle":{"sent":{"SESSION_INITIATE":n,...},"received":{...}}}.
[[nodiscard]] nlohmann::ordered_json media_stats_json(const MediaStatsValues& values);

// The metrics themselves. Registration is by name, so every instance over one registry counts into the same
// metrics (the media layer counts, the /stats handler reads). Every method is thread-safe: prometheus-cpp's counters
// and histograms are.
class MediaStatistics {
public:
    explicit MediaStatistics(metrics::MetricsRegistry& metrics);
    MediaStatistics(const MediaStatistics&) = delete;
    MediaStatistics& operator=(const MediaStatistics&) = delete;

    void participants_moved(int count);
    void participant_ice_failed();
    void participant_restart_requested();
    // A participant whose client does not announce http://jitsi.org/start-muted-room-metadata.
    void participant_without_start_muted_rmd();
    void jingle_sent(stanza::JingleAction action);
    void jingle_received(stanza::JingleAction action);
    void colibri_request(std::chrono::steady_clock::duration round_trip, ColibriOutcome outcome);
    void join_to_session_accept(std::chrono::steady_clock::duration elapsed);
    // An in-place ICE restart: "requested", "relayed", "not_needed" or "failed" (ice_restarts_<what>_total).
    void ice_restart(std::string_view what);

    [[nodiscard]] MediaStatsValues values() const;

    // Bucket bounds, in seconds (the colibri round trip times out at the IQ reply timeout, 15 s by default).
    static const std::vector<double>& colibri_buckets();
    static const std::vector<double>& join_to_accept_buckets();

private:
    static constexpr std::size_t kActions = static_cast<std::size_t>(stanza::JingleAction::unknown);

    prometheus::Counter& participants_moved_;
    prometheus::Counter& bridges_removed_;
    prometheus::Counter& ice_failed_;
    prometheus::Counter& restart_requested_;
    prometheus::Counter& no_start_muted_rmd_;
    std::array<prometheus::Counter*, kActions> jingle_sent_{};
    std::array<prometheus::Counter*, kActions> jingle_received_{};
    std::array<prometheus::Histogram*, 3> colibri_{};  // by ColibriOutcome
    prometheus::Histogram& join_to_accept_;
    std::map<std::string, prometheus::Counter*, std::less<>> ice_restarts_;  // by what, fixed at construction
};

// Sets the media settings' counting callbacks (participants moved, ICE failed, restart requested,
// join→session-accept, in-place ICE restarts) to count into `stats`, which they keep alive. bridge_removed is left to
// the bridge registry, which keeps bridges_removed_total (and its own count for the bridge stats).
void count_media_events(conference::ConferenceMediaSettings& settings, const std::shared_ptr<MediaStatistics>& stats);

// Decorates routes.stats (when set) with the media_stats_json keys.
void add_media_stats(rest::DomainRoutes& routes, const std::shared_ptr<const MediaStatistics>& stats);

}  // namespace jicofo::app
