// A handle on one scriptable XMPP peer (tests/peers/xmpp_peer.py): JSON command lines in, JSON event lines out,
// every wait bounded by a deadline. The process is killed when the handle goes away.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "jicofo/core/result.hpp"

namespace jicofo::testing {

class PeerProcess {
public:
    using Predicate = std::function<bool(const std::string& event_line)>;

    // name labels the transcript ("alice", "jvb1"); env entries ("XMPP_PEER_DEBUG=1") are added to its environment.
    // script is a peer in tests/peers: xmpp_peer.py, jvb_peer.py (a bridge), jibri_peer.py (a Jibri),
    // jigasi_peer.py (a Jigasi) or participant_peer.py (browsers).
    static core::Result<std::unique_ptr<PeerProcess>, std::string> start(std::string name = "peer",
                                                                         std::vector<std::string> env = {},
                                                                         const std::string& script = "xmpp_peer.py");
    ~PeerProcess();
    PeerProcess(const PeerProcess&) = delete;
    PeerProcess& operator=(const PeerProcess&) = delete;

    // Writes one command line (a JSON object without newlines); false when the peer is gone.
    bool send(const std::string& json_line);

    // Takes the first not-yet-taken event that matches and returns its line; events that do not match stay queued
    // for later waits. nullopt when nothing matched before the deadline or the peer exited.
    std::optional<std::string> wait_for(const Predicate& predicate, std::chrono::milliseconds timeout);
    std::optional<std::string> wait_for(std::string_view event, std::chrono::milliseconds timeout);

    // send() then wait for `event` or an "error" event, whichever comes first (so a failing command fails fast).
    std::optional<std::string> request(const std::string& json_line, std::string_view event,
                                       std::chrono::milliseconds timeout);

    // Removes and returns the queued events (e.g. to assert that nothing unexpected arrived).
    std::vector<std::string> take_all();

    // Everything sent and received plus the peer's stderr, for failure messages.
    std::string transcript() const;
    const std::string& name() const { return name_; }
    bool running() const;

    // Event lines are compact JSON with "event" first, so these need no JSON parser.
    static bool is_event(const std::string& line, std::string_view event);
    // True when the line has "key":"value" (value as JSON writes it; plain ASCII values need no escaping).
    static bool has_field(const std::string& line, std::string_view key, std::string_view value);

private:
    PeerProcess(std::string name, pid_t pid, int stdin_fd, int stdout_fd, int stderr_fd);
    void read_loop(int stdout_fd, int stderr_fd);

    std::string name_;
    pid_t pid_;
    int stdin_fd_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<std::string> queued_;
    std::string transcript_;
    std::string stderr_;
    bool exited_ = false;
    std::thread reader_;
};

}  // namespace jicofo::testing
