// The state ColibriSessionManager keeps per bridge and per endpoint waiting for its allocation; private to the
// colibri module, shared by its two source files (sessions and relays).
#pragma once

#include "jicofo/colibri/colibri_session_manager.hpp"
#include "jicofo/core/random.hpp"

#include <spdlog/spdlog.h>

namespace jicofo::colibri {

struct ColibriSessionManager::PendingEndpoint {
    EndpointRequest request;
    std::function<void(AllocationResult)> done;
    std::string bridge_id;  // set once selected
    bool cancelled = false;

    void finish(AllocationResult result) {
        if (auto callback = std::exchange(done, nullptr)) {
            callback(std::move(result));
        }
    }
};

struct ColibriSessionManager::BridgeSession {
    enum class State { idle, creating, created };
    BridgeInfo bridge;
    // Opened for a visitor: the bridge serves the conference's visitors (selection keeps the classes apart, and the
    // Visitor topology hangs such a bridge off the core mesh).
    bool visitor = false;
    // The Jingle bridge-session id clients see; random so that a stale one never matches.
    std::string session_id = core::random_token(16);
    State state = State::idle;
    std::vector<std::string> endpoints;
    std::vector<std::chrono::steady_clock::time_point> added_at;
    std::vector<std::shared_ptr<PendingEndpoint>> waiting;  // until the bridge's conference exists
    int in_flight = 0;                                      // allocations sent, not answered
    std::uint64_t order = 0;
    std::optional<stanza::Colibri2Sources> feedback_sources;
    std::map<std::string, RelayLink> relays;                  // by the remote relay id this bridge has a relay to
    std::map<std::string, stanza::Colibri2Connect> connects;  // by id, as last signalled to the bridge
};

std::shared_ptr<spdlog::logger> colibri_logger();

}  // namespace jicofo::colibri
