// Periodic health checks on a strand of the shared io_context, with the cached result served to /about/health.
// Semantics follow Jicofo's (jicoco HealthChecker + JicofoHealthChecker): see docs/rest-api.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace jicofo::health {

// One check's (or the combined) outcome, with Jicofo's fields.
struct HealthResult {
    bool success = true;
    bool hard_failure = true;          // only meaningful when !success: hard → 500, soft → 503
    std::optional<int> response_code;  // overrides the status derived from hard_failure
    std::string message;

    static HealthResult ok() { return {}; }
    static HealthResult soft_failure(std::string message) { return {false, false, std::nullopt, std::move(message)}; }
    static HealthResult hard_failure_of(std::string message) { return {false, true, std::nullopt, std::move(message)}; }

    // 200 on success, else the explicit response code, else 500 (hard) or 503 (soft).
    int http_status() const;
};

struct HealthSettings {
    std::chrono::milliseconds interval{std::chrono::seconds(10)};
    // A cached result older than this counts as a hard failure (the checker has stopped producing results).
    std::chrono::milliseconds timeout{std::chrono::seconds(30)};
    // A run slower than this is counted as slow and reported as a soft failure; it is also the default deadline of
    // each check.
    std::chrono::milliseconds max_check_duration{std::chrono::seconds(20)};
};

// Completes a check. May be called from any thread; calls after the first, or after the deadline, are ignored.
using CheckCompletion = std::function<void(HealthResult)>;
// Starts a check; runs on the checker's strand and must not block: hand the work to its owner, complete later.
using HealthCheck = std::function<void(CheckCompletion)>;

// What /about/health needs: `result` already accounts for readiness, the first run and staleness.
struct HealthSnapshot {
    HealthResult result;
    bool ready = false;
    bool has_run = false;
    std::optional<std::chrono::steady_clock::time_point> last_run;
    std::uint64_t slow_checks = 0;
};

// Hooks for the owner of the metrics (health does not depend on the metrics module). Called on the strand.
struct HealthObserver {
    std::function<void(const HealthResult&)> on_result;  // after every run, e.g. to set jitsi_jicofo_healthy
    std::function<void()> on_slow_check;                 // after a run slower than max_check_duration
};

class HealthChecker {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;

    // `clock` (default: steady_clock::now) measures run durations and result age; tests pass a manual one.
    // Timers (interval, check deadlines) always use real time.
    HealthChecker(boost::asio::io_context& io, HealthSettings settings, HealthObserver observer = {}, Clock clock = {});
    HealthChecker(const HealthChecker&) = delete;
    HealthChecker& operator=(const HealthChecker&) = delete;
    ~HealthChecker();  // stops; pending work holds the internals alive until it drains

    // Registers a check; it joins the next run. `deadline` defaults to max_check_duration (as it is at each run).
    // Thread-safe.
    void add_check(std::string name, HealthCheck check, std::optional<std::chrono::milliseconds> deadline = {});

    // Runs the checks now and then every interval, until stop(). Thread-safe, idempotent.
    void start();
    // Cancels the timers and ignores checks still running; the io_context has no work of ours left afterwards.
    void stop();
    // Opens the readiness gate: until then /about/health answers 503 "starting".
    void set_ready();
    // Starts a run now unless one is in progress (e.g. right after set_ready()).
    void run_now();
    // New intervals and deadlines (configuration reload): from the next run on, with the next tick one new
    // interval from now. Thread-safe.
    void reconfigure(HealthSettings settings);
    // While a reason is set, the result is 503 "draining: <reason>" whatever the checks say, so that a load
    // balancer sends new rooms elsewhere; nullopt ends that. The checks keep running. Thread-safe.
    void set_draining(std::optional<std::string> reason);

    // Completes `callback` on the checker's strand with the current snapshot. Never called after the io_context
    // stopped running.
    void async_snapshot(std::function<void(HealthSnapshot)> callback) const;

    class Impl;

private:
    std::shared_ptr<Impl> impl_;
};

}  // namespace jicofo::health
