// Plain values describing the bridges for /debug and /stats, taken on the registry's strand. JSON is built from
// them at the edge (app), not here.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace jicofo::bridge {

struct BridgeDebugState {
    std::string jid;  // the brewery occupant JID
    std::string nick;
    double stress = 0;  // as reported
    double corrected_stress = 0;
    bool operational = true;
    bool overloaded = false;
    bool needs_probe = false;     // failure window over, health not confirmed yet
    std::optional<bool> healthy;  // as the last presence reported it
    std::optional<std::string> region;
    std::optional<std::string> version;  // as reported, without the release
    std::optional<std::string> release;
    std::optional<std::string> relay_id;
    bool drain = true;
    bool graceful_shutdown = false;
    bool shutting_down = false;
    bool failing_ice = false;
    int endpoints = 0;  // allocated through this jicofo
    int endpoints_recently_added = 0;
    std::uint64_t restart_requests = 0;  // since the bridge joined
    std::optional<double> seconds_since_failure;
    std::optional<double> seconds_since_presence;

    friend bool operator==(const BridgeDebugState&, const BridgeDebugState&) = default;
};

// /debug "bridge_selector".
struct BridgeSelectorDebug {
    std::string strategy;                   // Jicofo's class name
    std::vector<BridgeDebugState> bridges;  // by JID
};

// /stats "bridge_selector", plus the counts the health check and bridge_failures need.
struct BridgeSelectorStats {
    int bridge_count = 0;
    int operational_bridge_count = 0;
    int in_shutdown_bridge_count = 0;  // graceful shutdown
    std::uint64_t lost_bridges = 0;
    int bridge_version_count = 0;  // distinct full versions (an unknown version counts as one)
    // Operational and not in graceful shutdown: what /about/health requires at least one of.
    int available_bridge_count = 0;
    std::uint64_t bridges_removed = 0;  // removed from conferences after failures (/stats bridge_failures)

    friend bool operator==(const BridgeSelectorStats&, const BridgeSelectorStats&) = default;
};

// A version pin (REST /pin), with its expiry as a wall-clock instant.
struct BridgePin {
    std::string conference_id;  // the room JID
    std::string version;        // the bridges' full version
    std::chrono::system_clock::time_point expires_at;
};

}  // namespace jicofo::bridge
