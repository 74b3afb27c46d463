// Bridge: stats merged from brewery presence, sticky failures that end in a re-probe, and corrected stress.
#include "jicofo/selector/bridge.hpp"

#include <algorithm>
#include <utility>

namespace jicofo::selector {
namespace {

// Drops the entries of a time-ordered window that are older than `window` before `now`.
void prune(std::deque<TimePoint>& times, TimePoint now, Duration window) {
    while (!times.empty() && now - times.front() >= window) {
        times.pop_front();
    }
}

int count_within(const std::deque<TimePoint>& times, TimePoint now, Duration window) {
    return static_cast<int>(
        std::count_if(times.begin(), times.end(), [&](TimePoint t) { return now - t < window && t <= now; }));
}

}  // namespace

BridgeParams BridgeParams::from(const config::BridgeConfig& config) {
    BridgeParams params;
    params.failure_reset_threshold = config.failure_reset_threshold;
    params.participant_rampup_interval = config.participant_rampup_interval;
    params.average_participant_stress = config.average_participant_stress;
    params.stress_threshold = config.stress_threshold;
    params.ice_failure_detection = config.ice_failure_detection;
    return params;
}

Bridge::Bridge(std::string id, std::string nick, BridgeParams params)
    : id_(std::move(id)), nick_(std::move(nick)), params_(params) {}

void Bridge::update(const BridgeStats& stats, TimePoint now) {
    last_presence_ = now;
    if (stats.stress_level) {
        stress_level_ = *stats.stress_level;
    }
    if (stats.average_participant_stress) {
        average_participant_stress_ = stats.average_participant_stress;
    }
    if (stats.region) {
        region_ = stats.region;
    }
    if (stats.relay_id) {
        relay_id_ = stats.relay_id;
    }
    if (stats.version) {
        version_ = stats.version;
    }
    if (stats.release) {
        release_ = stats.release;
    }
    if (stats.drain) {
        draining_ = *stats.drain;
    }
    graceful_shutdown_ = graceful_shutdown_ || stats.graceful_shutdown;
    shutting_down_ = shutting_down_ || stats.shutting_down;
    if (stats.healthy) {
        reported_healthy_ = stats.healthy;
    }
}

double Bridge::average_participant_stress() const {
    return average_participant_stress_.value_or(params_.average_participant_stress);
}

std::optional<std::string> Bridge::full_version() const {
    if (!version_) {
        return std::nullopt;
    }
    return release_ ? *version_ + "-" + *release_ : *version_;
}

void Bridge::mark_failed(TimePoint now) {
    failed_at_ = now;
}

std::optional<TimePoint> Bridge::failure_expires_at() const {
    if (!failed_at_) {
        return std::nullopt;
    }
    return *failed_at_ + params_.failure_reset_threshold;
}

bool Bridge::is_operational(TimePoint now) const {
    return !failed_at_ || now >= *failure_expires_at();
}

bool Bridge::needs_probe(TimePoint now) const {
    return failed_at_ && now >= *failure_expires_at();
}

bool Bridge::record_healthy(TimePoint now) {
    if (!needs_probe(now)) {
        return false;  // no failure, or still inside its window
    }
    failed_at_.reset();
    return true;
}

void Bridge::endpoint_added(TimePoint now) {
    prune(recent_endpoints_, now, params_.participant_rampup_interval);
    recent_endpoints_.push_back(now);
    ++endpoints_;
}

void Bridge::endpoints_removed(int count) {
    endpoints_ = std::max(0, endpoints_ - count);
}

int Bridge::recently_added_endpoints(TimePoint now) const {
    return count_within(recent_endpoints_, now, params_.participant_rampup_interval);
}

bool Bridge::endpoint_restart_requested(TimePoint now) {
    const auto& ice = params_.ice_failure_detection;
    prune(restart_requests_, now, ice.interval);
    restart_requests_.push_back(now);
    ++restart_requests_total_;
    if (!ice.enabled || endpoints_ < ice.min_endpoints) {
        return false;
    }
    const auto requests = static_cast<double>(restart_requests_.size());
    if (requests <= endpoints_ * ice.threshold) {
        return false;
    }
    const bool was_failing = failing_ice(now);
    failing_ice_since_ = now;  // every detection restarts the timeout
    return !was_failing;
}

bool Bridge::failing_ice(TimePoint now) const {
    return failing_ice_since_ && now - *failing_ice_since_ < params_.ice_failure_detection.timeout;
}

double Bridge::corrected_stress(TimePoint now) const {
    const double stress = stress_level_ + recently_added_endpoints(now) * average_participant_stress();
    return failing_ice(now) ? std::max(stress, params_.stress_threshold + 0.01) : stress;
}

int selection_priority(const Bridge& bridge, TimePoint now) {
    if (!bridge.is_operational(now)) {
        return 3;
    }
    return bridge.graceful_shutdown() ? 2 : 1;
}

}  // namespace jicofo::selector
