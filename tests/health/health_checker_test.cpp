// HealthChecker: combined results, per-check deadlines, staleness, slow runs, readiness gate, stop.
#include "jicofo/health/health_checker.hpp"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <future>
#include <stdexcept>
#include <thread>

namespace jicofo::health {
namespace {

using namespace std::chrono_literals;
constexpr auto kBound = 5s;  // a hang fails the test instead of blocking CI

// Runs an io_context on one background thread for the test's lifetime.
class RunningIo {
public:
    RunningIo() : guard_(io.get_executor()), thread_([this] { io.run(); }) {}
    ~RunningIo() {
        guard_.reset();
        io.stop();
        thread_.join();
    }
    boost::asio::io_context io;

private:
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
    std::thread thread_;
};

// A steady clock the test can move forward.
struct ManualClock {
    std::atomic<std::chrono::steady_clock::duration> offset{std::chrono::steady_clock::duration::zero()};
    HealthChecker::Clock fn() {
        return [this] { return std::chrono::steady_clock::now() + offset.load(); };
    }
    void advance(std::chrono::steady_clock::duration d) { offset = offset.load() + d; }
};

std::optional<HealthSnapshot> snapshot_of(const HealthChecker& checker) {
    auto promise = std::make_shared<std::promise<HealthSnapshot>>();
    auto future = promise->get_future();
    checker.async_snapshot([promise](HealthSnapshot s) { promise->set_value(std::move(s)); });
    if (future.wait_for(kBound) != std::future_status::ready) {
        return std::nullopt;
    }
    return future.get();
}

// Polls until the predicate holds for a snapshot, or the bound passes.
template <typename Predicate>
std::optional<HealthSnapshot> wait_for(const HealthChecker& checker, Predicate predicate) {
    const auto deadline = std::chrono::steady_clock::now() + kBound;
    while (std::chrono::steady_clock::now() < deadline) {
        auto snapshot = snapshot_of(checker);
        if (snapshot && predicate(*snapshot)) {
            return snapshot;
        }
        std::this_thread::sleep_for(2ms);
    }
    return std::nullopt;
}

const auto kHasRun = [](const HealthSnapshot& s) { return s.has_run; };

HealthSettings slow_interval() {
    HealthSettings settings;
    settings.interval = 1h;  // one run per test unless run_now() is called
    settings.timeout = 30s;
    settings.max_check_duration = 20s;
    return settings;
}

HealthCheck completes_with(HealthResult result) {
    return [result](CheckCompletion done) { done(result); };
}

TEST(HealthResultTest, HttpStatus) {
    EXPECT_EQ(HealthResult::ok().http_status(), 200);
    EXPECT_EQ(HealthResult::soft_failure("x").http_status(), 503);
    EXPECT_EQ(HealthResult::hard_failure_of("x").http_status(), 500);
    HealthResult explicit_code = HealthResult::soft_failure("x");
    explicit_code.response_code = 502;
    EXPECT_EQ(explicit_code.http_status(), 502);
}

TEST(HealthCheckerTest, AllPassingChecksGiveOk) {
    std::atomic<int> results{0};
    RunningIo io;
    HealthObserver observer;
    observer.on_result = [&](const HealthResult& r) { results += r.success ? 1 : 100; };
    HealthChecker checker(io.io, slow_interval(), observer);
    checker.add_check("sync", completes_with(HealthResult::ok()));
    // Completes from another thread, later: the checker marshals it onto its strand.
    checker.add_check("async", [](CheckCompletion done) {
        std::thread([done = std::move(done)] {
            std::this_thread::sleep_for(5ms);
            done(HealthResult::ok());
        }).detach();
    });
    checker.set_ready();
    checker.start();
    auto snapshot = wait_for(checker, kHasRun);
    ASSERT_TRUE(snapshot);
    EXPECT_TRUE(snapshot->result.success);
    EXPECT_EQ(snapshot->result.http_status(), 200);
    EXPECT_EQ(results.load(), 1);
}

TEST(HealthCheckerTest, NoChecksMeansHealthyAfterStart) {
    RunningIo io;
    HealthChecker checker(io.io, slow_interval());
    checker.set_ready();
    checker.start();
    auto snapshot = wait_for(checker, kHasRun);
    ASSERT_TRUE(snapshot);
    EXPECT_TRUE(snapshot->result.success);
}

TEST(HealthCheckerTest, SoftFailureIs503WithMessage) {
    RunningIo io;
    HealthChecker checker(io.io, slow_interval());
    checker.add_check("ping", completes_with(HealthResult::soft_failure("XMPP ping timed out")));
    checker.set_ready();
    checker.start();
    auto snapshot = wait_for(checker, kHasRun);
    ASSERT_TRUE(snapshot);
    EXPECT_EQ(snapshot->result.http_status(), 503);
    EXPECT_EQ(snapshot->result.message, "XMPP ping timed out");
}

TEST(HealthCheckerTest, HardFailureIs500AndFirstFailingCheckDecides) {
    RunningIo io;
    HealthChecker checker(io.io, slow_interval());
    checker.add_check("ok", completes_with(HealthResult::ok()));
    checker.add_check("bridges", completes_with(HealthResult::hard_failure_of("No operational bridges available")));
    checker.add_check("ping", completes_with(HealthResult::soft_failure("ping")));
    checker.set_ready();
    checker.start();
    auto snapshot = wait_for(checker, kHasRun);
    ASSERT_TRUE(snapshot);
    EXPECT_EQ(snapshot->result.http_status(), 500);
    EXPECT_EQ(snapshot->result.message, "No operational bridges available");
}

TEST(HealthCheckerTest, ThrowingCheckIsAHardFailure) {
    RunningIo io;
    HealthChecker checker(io.io, slow_interval());
    checker.add_check("broken", [](CheckCompletion) { throw std::runtime_error("boom"); });
    checker.set_ready();
    checker.start();
    auto snapshot = wait_for(checker, kHasRun);
    ASSERT_TRUE(snapshot);
    EXPECT_EQ(snapshot->result.http_status(), 500);
    EXPECT_EQ(snapshot->result.message, "Failed to run health check: boom");
}

TEST(HealthCheckerTest, CheckMissingItsDeadlineFails) {
    RunningIo io;
    HealthChecker checker(io.io, slow_interval());
    auto kept = std::make_shared<std::optional<CheckCompletion>>();
    checker.add_check(
        "silent", [kept](CheckCompletion done) { *kept = std::move(done); }, 20ms);
    checker.set_ready();
    checker.start();
    auto snapshot = wait_for(checker, kHasRun);
    ASSERT_TRUE(snapshot);
    EXPECT_EQ(snapshot->result.http_status(), 503);
    EXPECT_EQ(snapshot->result.message, "Health check 'silent' timed out after 20 ms");
    // Completing after the deadline changes nothing.
    ASSERT_TRUE(kept->has_value());
    (**kept)(HealthResult::ok());
    auto later = snapshot_of(checker);
    ASSERT_TRUE(later);
    EXPECT_FALSE(later->result.success);
}

TEST(HealthCheckerTest, StaleResultCountsAsHardFailure) {
    ManualClock clock;
    RunningIo io;
    HealthSettings settings = slow_interval();
    settings.timeout = 10s;
    HealthChecker checker(io.io, settings, {}, clock.fn());
    checker.set_ready();
    checker.start();
    ASSERT_TRUE(wait_for(checker, kHasRun));
    clock.advance(11s);
    auto snapshot = snapshot_of(checker);
    ASSERT_TRUE(snapshot);
    EXPECT_EQ(snapshot->result.http_status(), 500);
    EXPECT_EQ(snapshot->result.message.rfind("No health checks performed recently", 0), 0u) << snapshot->result.message;
    // A fresh run makes it healthy again.
    checker.run_now();
    auto fresh = wait_for(checker, [](const HealthSnapshot& s) { return s.result.success; });
    EXPECT_TRUE(fresh);
}

TEST(HealthCheckerTest, SlowRunIsCountedAndReportedAsSoftFailure) {
    ManualClock clock;
    std::atomic<int> slow{0};
    RunningIo io;
    HealthObserver observer;
    observer.on_slow_check = [&] { ++slow; };
    HealthChecker checker(io.io, slow_interval(), observer, clock.fn());
    // Takes "25 s" on the manual clock, above max_check_duration (20 s), yet within its real deadline.
    checker.add_check("slow", [&clock](CheckCompletion done) {
        clock.advance(25s);
        done(HealthResult::ok());
    });
    checker.set_ready();
    checker.start();
    auto snapshot = wait_for(checker, kHasRun);
    ASSERT_TRUE(snapshot);
    EXPECT_EQ(snapshot->slow_checks, 1u);
    EXPECT_EQ(slow.load(), 1);
    EXPECT_EQ(snapshot->result.http_status(), 503);
    EXPECT_EQ(snapshot->result.message.rfind("Performing a health check took too long", 0), 0u);
}

TEST(HealthCheckerTest, ReadinessGateAndFirstRun) {
    RunningIo io;
    HealthChecker checker(io.io, slow_interval());
    auto before = snapshot_of(checker);
    ASSERT_TRUE(before);
    EXPECT_EQ(before->result.http_status(), 503);
    EXPECT_EQ(before->result.message, "starting");
    checker.set_ready();
    auto not_run = snapshot_of(checker);
    ASSERT_TRUE(not_run);
    EXPECT_EQ(not_run->result.http_status(), 503);
    EXPECT_EQ(not_run->result.message, "not ready: health checks have not run yet");
    checker.start();
    auto ok = wait_for(checker, kHasRun);
    ASSERT_TRUE(ok);
    EXPECT_TRUE(ok->result.success);
}

TEST(HealthCheckerTest, GateClosedHidesAHealthyResult) {
    RunningIo io;
    HealthChecker checker(io.io, slow_interval());
    checker.start();
    auto snapshot = wait_for(checker, kHasRun);
    ASSERT_TRUE(snapshot);
    EXPECT_EQ(snapshot->result.message, "starting");
    EXPECT_EQ(snapshot->result.http_status(), 503);
}

TEST(HealthCheckerTest, RunsEveryInterval) {
    std::atomic<int> runs{0};
    RunningIo io;
    HealthSettings settings = slow_interval();
    settings.interval = 5ms;
    HealthChecker checker(io.io, settings);
    checker.add_check("count", [&runs](CheckCompletion done) {
        ++runs;
        done(HealthResult::ok());
    });
    checker.start();
    const auto deadline = std::chrono::steady_clock::now() + kBound;
    while (runs < 3 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(1ms);
    }
    EXPECT_GE(runs.load(), 3);
}

TEST(HealthCheckerTest, StopLeavesNoWorkSoRunReturns) {
    boost::asio::io_context io;
    auto checker = std::make_unique<HealthChecker>(io, slow_interval());
    checker->add_check("silent", [](CheckCompletion) {});  // pending with a 20 s deadline timer
    checker->start();
    auto finished = std::async(std::launch::async, [&io] { io.run(); });
    std::this_thread::sleep_for(10ms);
    checker->stop();
    if (finished.wait_for(kBound) != std::future_status::ready) {
        io.stop();
        finished.wait();
        FAIL() << "io_context::run() did not return after stop()";
    }
}

TEST(HealthCheckerTest, DrainingIs503WithTheReasonWhateverTheChecksSayUntilItEnds) {
    RunningIo io;
    HealthChecker checker(io.io, slow_interval());
    checker.add_check("fine", completes_with(HealthResult::ok()));
    checker.set_ready();
    checker.start();
    ASSERT_TRUE(wait_for(checker, [](const HealthSnapshot& s) { return s.result.success; }));
    checker.set_draining("operator request");
    auto draining = wait_for(checker, [](const HealthSnapshot& s) { return !s.result.success; });
    ASSERT_TRUE(draining);
    EXPECT_EQ(draining->result.http_status(), 503);
    EXPECT_EQ(draining->result.message, "draining: operator request");
    checker.set_draining(std::nullopt);
    EXPECT_TRUE(wait_for(checker, [](const HealthSnapshot& s) { return s.result.success; }));
}

TEST(HealthCheckerTest, ReconfiguredIntervalAndDeadlineApplyFromTheNextRun) {
    std::atomic<int> runs{0};
    RunningIo io;
    HealthChecker checker(io.io, slow_interval());  // one run an hour
    auto kept = std::make_shared<std::vector<CheckCompletion>>();
    std::atomic<bool> answer{true};
    checker.add_check("count", [&runs, &answer, kept](CheckCompletion done) {
        ++runs;
        if (answer) {
            done(HealthResult::ok());
        } else {
            kept->push_back(std::move(done));  // never answered: the deadline decides
        }
    });
    checker.set_ready();
    checker.start();
    ASSERT_TRUE(wait_for(checker, kHasRun));
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(runs.load(), 1) << "an hour's interval";

    HealthSettings faster = slow_interval();
    faster.interval = 10ms;
    faster.max_check_duration = 30ms;
    answer = false;
    checker.reconfigure(faster);
    // The default deadline is the new max-check-duration.
    auto timed_out = wait_for(checker, [](const HealthSnapshot& s) {
        return s.result.message == "Health check 'count' timed out after 30 ms";
    });
    ASSERT_TRUE(timed_out);
    EXPECT_GE(runs.load(), 2);
}

}  // namespace
}  // namespace jicofo::health
