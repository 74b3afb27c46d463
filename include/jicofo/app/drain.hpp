// Drain (not in Jicofo): stop taking new rooms, let the running conferences finish, then exit 0. Started by
// POST /drain or by jicofo.drain.enabled on a configuration reload; /about/health answers 503 "draining: <reason>"
// meanwhile, so that a load balancer sends new rooms to another shard. The process exits when the last conference
// has ended or at the deadline, whichever comes first; a drain can be cancelled until then.
#pragma once

#include "jicofo/rest/rest_settings.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace jicofo::app {

// What a drain acts on, each optional; called on the drain's strand.
struct DrainHooks {
    // Refuse (reason) or take again (nullopt) requests for rooms without a conference.
    std::function<void(std::optional<std::string> reason)> refuse_new_rooms;
    // Report (reason) or stop reporting (nullopt) draining in /about/health.
    std::function<void(std::optional<std::string> reason)> report_health;
    // The number of conferences still running, answered once from any thread.
    std::function<void(std::function<void(std::size_t)> answer)> count_conferences;
    // Drained (or the deadline passed): shut the process down, exiting 0.
    std::function<void(const std::string& why)> exit;
    // A one-line status for the service manager (systemd STATUS=).
    std::function<void(const std::string& status)> status;
};

struct DrainState {
    bool draining = false;
    bool exiting = false;  // the drain is over and the process is shutting down
    std::string reason;
    std::chrono::system_clock::time_point since;
    std::chrono::system_clock::time_point deadline;
    std::size_t conferences = 0;  // running, as last counted
};

// {"draining":false} or {"draining":true,"exiting":<bool>,"reason","since","deadline","conferences"}.
[[nodiscard]] nlohmann::ordered_json drain_state_json(const DrainState& state);

class Drain : public std::enable_shared_from_this<Drain> {
public:
    using Executor = boost::asio::any_io_executor;
    static constexpr std::chrono::seconds kMaxDeadline = std::chrono::hours(7 * 24);
    static constexpr std::size_t kMaxReasonBytes = 256;

    // `deadline` is the default time a drain may take (jicofo.drain.deadline); the running conferences are counted
    // every `poll`.
    static std::shared_ptr<Drain> create(const Executor& executor, DrainHooks hooks, std::chrono::milliseconds deadline,
                                         std::chrono::milliseconds poll = std::chrono::seconds(1));

    // Thread-safe. Starts draining (a drain already running keeps its start and takes the new deadline if one is
    // given); `done` gets the state on the drain's strand.
    void start(std::string reason, std::optional<std::chrono::milliseconds> deadline,
               std::function<void(DrainState)> done = {});
    // Thread-safe. Takes new rooms again; `done` gets false when there was nothing to cancel or the process is
    // already exiting.
    void cancel(std::function<void(bool cancelled)> done = {});
    // Thread-safe. The current state, with the conferences counted now.
    void async_state(std::function<void(DrainState)> done);
    // Thread-safe. The default deadline of the next drains (configuration reload).
    void set_default_deadline(std::chrono::milliseconds deadline);
    // Thread-safe. Cancels the timers (process shutdown); nothing happens after it.
    void stop();

private:
    Drain(const Executor& executor, DrainHooks hooks, std::chrono::milliseconds deadline,
          std::chrono::milliseconds poll);
    void poll();
    void finish(const std::string& why);

    boost::asio::strand<Executor> strand_;
    DrainHooks hooks_;
    std::chrono::milliseconds default_deadline_;
    std::chrono::milliseconds poll_interval_;
    boost::asio::steady_timer poll_timer_;
    boost::asio::steady_timer deadline_timer_;
    DrainState state_;
    std::uint64_t generation_ = 0;  // a cancelled drain's timers and counts are ignored
    bool stopped_ = false;
};

// POST /drain (body optional: {"reason": "...", "deadline-seconds": N}), DELETE /drain and GET /drain, all
// answering the state as JSON.
void add_drain_routes(rest::DomainRoutes& routes, const std::shared_ptr<Drain>& drain);

}  // namespace jicofo::app
