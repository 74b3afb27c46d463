// The media metrics with Jicofo's names, our two latency histograms, and the /stats keys read from the same counters.
#include "jicofo/app/media_stats.hpp"

#include "jicofo/conference/conference_media.hpp"
#include "jicofo/metrics/metrics_registry.hpp"

#include <algorithm>
#include <cctype>

namespace jicofo::app {
namespace {

std::uint64_t value_of(const prometheus::Counter& counter) {
    return static_cast<std::uint64_t>(counter.Value());
}

double seconds(std::chrono::steady_clock::duration elapsed) {
    return std::chrono::duration<double>(elapsed).count();
}

}  // namespace

std::string jingle_metric_name(stanza::JingleAction action) {
    std::string name(stanza::to_string(action));
    if (action == stanza::JingleAction::source_add || action == stanza::JingleAction::source_remove) {
        // Jicofo's SOURCEADD/SOURCEREMOVE are the "source-add"/"source-remove" wire names.
        name.erase(std::remove(name.begin(), name.end(), '-'), name.end());
    } else {
        std::replace(name.begin(), name.end(), '-', '_');
    }
    return name;
}

std::string jingle_stats_name(stanza::JingleAction action) {
    auto name = jingle_metric_name(action);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return name;
}

std::string_view to_string(ColibriOutcome outcome) {
    switch (outcome) {
        case ColibriOutcome::ok: return "ok";
        case ColibriOutcome::error: return "error";
        case ColibriOutcome::timeout: return "timeout";
    }
    return "error";
}

nlohmann::ordered_json media_stats_json(const MediaStatsValues& values) {
    auto by_action = [](const std::map<std::string, std::uint64_t>& counts) {
        nlohmann::ordered_json json = nlohmann::ordered_json::object();
        for (const auto& [name, count] : counts) {
            json[name] = count;
        }
        return json;
    };
    return {{"bridge_failures",
             {{"participants_moved", values.participants_moved}, {"bridges_removed", values.bridges_removed}}},
            {"participant_notifications",
             {{"ice_failed", values.ice_failed}, {"request_restart", values.restart_requested}}},
            {"jingle", {{"sent", by_action(values.jingle_sent)}, {"received", by_action(values.jingle_received)}}}};
}

const std::vector<double>& MediaStatistics::colibri_buckets() {
    // A bridge on the same network answers in milliseconds; the top buckets catch timeouts (reply-timeout, 15 s).
    static const std::vector<double> buckets{0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30};
    return buckets;
}

const std::vector<double>& MediaStatistics::join_to_accept_buckets() {
    // Discovery, bridge allocation and the client's answer take well under a second to a few; a participant alone
    // in the room (below min-participants) waits for the next one, hence the long tail.
    static const std::vector<double> buckets{0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120, 300};
    return buckets;
}

MediaStatistics::MediaStatistics(metrics::MetricsRegistry& metrics)
    : participants_moved_(metrics.counter("participants_moved")),
      bridges_removed_(metrics.counter("bridges_removed")),
      ice_failed_(metrics.counter("participants_ice_failed")),
      restart_requested_(metrics.counter("participants_restart_requested")),
      no_start_muted_rmd_(metrics.counter("participants_no_start_muted_rmd")),
      join_to_accept_(metrics.histogram("participant_join_to_session_accept_seconds", join_to_accept_buckets())) {
    for (std::size_t i = 0; i < kActions; ++i) {
        const auto name = jingle_metric_name(static_cast<stanza::JingleAction>(i));
        jingle_sent_[i] = &metrics.counter("jingle_" + name + "_sent");
        jingle_received_[i] = &metrics.counter("jingle_" + name + "_received");
    }
    for (const char* what : {"requested", "relayed", "not_needed", "failed"}) {
        ice_restarts_[what] = &metrics.counter(std::string("ice_restarts_") + what);
    }
    for (const auto outcome : {ColibriOutcome::ok, ColibriOutcome::error, ColibriOutcome::timeout}) {
        colibri_[static_cast<std::size_t>(outcome)] = &metrics.histogram("colibri_request_seconds", colibri_buckets(),
                                                                         {{"result", std::string(to_string(outcome))}});
    }
}

void MediaStatistics::ice_restart(std::string_view what) {
    if (auto found = ice_restarts_.find(what); found != ice_restarts_.end()) {
        found->second->Increment();
    }
}

void MediaStatistics::participants_moved(int count) {
    if (count > 0) {
        participants_moved_.Increment(count);
    }
}

void MediaStatistics::participant_ice_failed() {
    ice_failed_.Increment();
}

void MediaStatistics::participant_restart_requested() {
    restart_requested_.Increment();
}

void MediaStatistics::participant_without_start_muted_rmd() {
    no_start_muted_rmd_.Increment();
}

void MediaStatistics::jingle_sent(stanza::JingleAction action) {
    if (const auto i = static_cast<std::size_t>(action); i < kActions) {
        jingle_sent_[i]->Increment();
    }
}

void MediaStatistics::jingle_received(stanza::JingleAction action) {
    if (const auto i = static_cast<std::size_t>(action); i < kActions) {
        jingle_received_[i]->Increment();
    }
}

void MediaStatistics::colibri_request(std::chrono::steady_clock::duration round_trip, ColibriOutcome outcome) {
    colibri_[static_cast<std::size_t>(outcome)]->Observe(seconds(round_trip));
}

void MediaStatistics::join_to_session_accept(std::chrono::steady_clock::duration elapsed) {
    join_to_accept_.Observe(seconds(elapsed));
}

MediaStatsValues MediaStatistics::values() const {
    MediaStatsValues values;
    values.participants_moved = value_of(participants_moved_);
    values.bridges_removed = value_of(bridges_removed_);
    values.ice_failed = value_of(ice_failed_);
    values.restart_requested = value_of(restart_requested_);
    for (std::size_t i = 0; i < kActions; ++i) {
        const auto name = jingle_stats_name(static_cast<stanza::JingleAction>(i));
        if (const auto sent = value_of(*jingle_sent_[i]); sent > 0) {
            values.jingle_sent[name] = sent;
        }
        if (const auto received = value_of(*jingle_received_[i]); received > 0) {
            values.jingle_received[name] = received;
        }
    }
    return values;
}

void count_media_events(conference::ConferenceMediaSettings& settings, const std::shared_ptr<MediaStatistics>& stats) {
    settings.participants_moved = [stats](int count) { stats->participants_moved(count); };
    settings.participant_ice_failed = [stats] { stats->participant_ice_failed(); };
    settings.participant_restart_requested = [stats] { stats->participant_restart_requested(); };
    settings.join_to_session_accept = [stats](std::chrono::steady_clock::duration elapsed) {
        stats->join_to_session_accept(elapsed);
    };
    settings.ice_restart = [stats](std::string_view what) { stats->ice_restart(what); };
    settings.jingle_received = [stats](stanza::JingleAction action) { stats->jingle_received(action); };
    settings.participant_without_start_muted_rmd = [stats] { stats->participant_without_start_muted_rmd(); };
}

void add_media_stats(rest::DomainRoutes& routes, const std::shared_ptr<const MediaStatistics>& stats) {
    if (!routes.stats) {
        return;
    }
    routes.stats = [inner = std::move(routes.stats), stats](const rest::HttpRequest& request,
                                                            const rest::PathParams& params,
                                                            const rest::Responder& respond) {
        inner(request, params, [stats, respond](rest::HttpResponse response) {
            auto body = nlohmann::ordered_json::parse(response.body, nullptr, false);
            if (response.status != 200 || body.is_discarded() || !body.is_object()) {
                respond(std::move(response));
                return;
            }
            // A named local: a range-for over a temporary's items() would iterate a destroyed object.
            const auto keys = media_stats_json(stats->values());
            for (const auto& [key, value] : keys.items()) {
                body[key] = value;
            }
            respond(rest::HttpResponse::json(200, body.dump()));
        });
    };
}

}  // namespace jicofo::app
