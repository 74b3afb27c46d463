// A bridge as the selector sees it: what it last reported in the brewery, whether it may be used (a failure keeps
// it out for failure-reset-threshold, then it must be probed again), and its load corrected for recent joins.
#pragma once

#include "jicofo/config/sections.hpp"
#include "jicofo/selector/clock.hpp"

#include <cstdint>
#include <deque>
#include <optional>
#include <string>

namespace jicofo::selector {

// The stats of one brewery presence. Absent values keep what the bridge reported before (Jicofo reads each stat
// only when present); graceful_shutdown and shutting_down only ever turn on, as a bridge never leaves those states.
struct BridgeStats {
    std::optional<double> stress_level;
    std::optional<double> average_participant_stress;
    std::optional<std::string> region;
    std::optional<std::string> relay_id;
    std::optional<std::string> version;
    std::optional<std::string> release;
    std::optional<bool> drain;
    bool graceful_shutdown = false;
    bool shutting_down = false;
    std::optional<bool> healthy;

    friend bool operator==(const BridgeStats&, const BridgeStats&) = default;
};

// The parts of jicofo.bridge a Bridge needs.
struct BridgeParams {
    Duration failure_reset_threshold = std::chrono::minutes(1);
    Duration participant_rampup_interval = std::chrono::seconds(20);
    double average_participant_stress = 0.01;  // when the bridge reports none
    double stress_threshold = 0.8;
    config::IceFailureDetectionConfig ice_failure_detection;

    static BridgeParams from(const config::BridgeConfig& config);
};

class Bridge {
public:
    // `id` is the brewery occupant JID as text, `nick` its resource.
    Bridge(std::string id, std::string nick, BridgeParams params);

    [[nodiscard]] const std::string& id() const { return id_; }
    [[nodiscard]] const std::string& nick() const { return nick_; }

    // A presence with stats arrived.
    void update(const BridgeStats& stats, TimePoint now);
    // New thresholds (configuration reload); what the bridge reported and its history stay.
    void set_params(const BridgeParams& params) { params_ = params; }
    [[nodiscard]] std::optional<TimePoint> last_presence() const { return last_presence_; }

    [[nodiscard]] double stress_level() const { return stress_level_; }
    [[nodiscard]] double average_participant_stress() const;
    [[nodiscard]] const std::optional<std::string>& region() const { return region_; }
    [[nodiscard]] const std::optional<std::string>& relay_id() const { return relay_id_; }
    [[nodiscard]] const std::optional<std::string>& version() const { return version_; }
    [[nodiscard]] const std::optional<std::string>& release() const { return release_; }
    // "version-release", or the version alone; nullopt when the bridge reports no version.
    [[nodiscard]] std::optional<std::string> full_version() const;
    // True until the bridge first says otherwise, so that it is not chosen before its real state is known.
    [[nodiscard]] bool draining() const { return draining_; }
    [[nodiscard]] bool graceful_shutdown() const { return graceful_shutdown_; }
    [[nodiscard]] bool shutting_down() const { return shutting_down_; }
    // What the last presence said (nullopt when it did not say).
    [[nodiscard]] std::optional<bool> reported_healthy() const { return reported_healthy_; }

    // A failed health check, a health check timeout or a failed colibri request. The bridge is not operational
    // for failure_reset_threshold after the latest failure.
    void mark_failed(TimePoint now);
    [[nodiscard]] bool is_operational(TimePoint now) const;
    // The failure window is over but nothing has confirmed the bridge works again: the owner health-checks it now
    // rather than trusting a bridge that may be gone for good.
    [[nodiscard]] bool needs_probe(TimePoint now) const;
    [[nodiscard]] std::optional<TimePoint> failed_at() const { return failed_at_; }
    // When the current failure window ends (nullopt without a failure).
    [[nodiscard]] std::optional<TimePoint> failure_expires_at() const;
    // A successful health check (or a healthy presence in presence mode). Inside the failure window it changes
    // nothing, so that an intermittent failure still keeps the bridge out for the whole window; after it, the
    // failure is forgotten. Returns true when a failure was cleared.
    bool record_healthy(TimePoint now);

    // An endpoint was allocated on this bridge (ramp-up correction and endpoint count).
    void endpoint_added(TimePoint now);
    void endpoints_removed(int count);
    [[nodiscard]] int endpoints() const { return endpoints_; }
    // Endpoints added within participant-rampup-interval.
    [[nodiscard]] int recently_added_endpoints(TimePoint now) const;

    // An endpoint asked for an ICE restart. With ice-failure-detection enabled, too many of them within its
    // interval put the bridge in the failing-ICE state for its timeout. Returns true when that state begins.
    bool endpoint_restart_requested(TimePoint now);
    // Every restart request since the bridge joined (Jicofo's endpoint-restart-requests in /debug).
    [[nodiscard]] std::uint64_t restart_requests_total() const { return restart_requests_total_; }
    [[nodiscard]] bool failing_ice(TimePoint now) const;

    // Reported stress plus recently added endpoints times the average participant stress; at least
    // stress-threshold + 0.01 while failing ICE.
    [[nodiscard]] double corrected_stress(TimePoint now) const;
    [[nodiscard]] bool is_overloaded(TimePoint now) const { return corrected_stress(now) >= params_.stress_threshold; }

    [[nodiscard]] const BridgeParams& params() const { return params_; }

private:
    std::string id_;
    std::string nick_;
    BridgeParams params_;

    std::optional<TimePoint> last_presence_;
    double stress_level_ = 0;
    std::optional<double> average_participant_stress_;
    std::optional<std::string> region_;
    std::optional<std::string> relay_id_;
    std::optional<std::string> version_;
    std::optional<std::string> release_;
    bool draining_ = true;
    bool graceful_shutdown_ = false;
    bool shutting_down_ = false;
    std::optional<bool> reported_healthy_;

    std::optional<TimePoint> failed_at_;
    std::deque<TimePoint> recent_endpoints_;  // allocation times within the ramp-up interval
    int endpoints_ = 0;
    std::deque<TimePoint> restart_requests_;  // within the ICE failure detection interval
    std::uint64_t restart_requests_total_ = 0;
    std::optional<TimePoint> failing_ice_since_;
};

// Bridge.compare's priority: 1 operational, 2 operational in graceful shutdown, 3 not operational.
[[nodiscard]] int selection_priority(const Bridge& bridge, TimePoint now);

}  // namespace jicofo::selector
