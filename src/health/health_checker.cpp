// HealthChecker: all state lives on one strand; check completions and snapshot requests are posted onto it.
#include "jicofo/health/health_checker.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <cassert>
#include <exception>
#include <vector>

#include "jicofo/core/logging.hpp"

namespace jicofo::health {

namespace net = boost::asio;
using std::chrono::milliseconds;
using TimePoint = std::chrono::steady_clock::time_point;

int HealthResult::http_status() const {
    if (success) {
        return 200;
    }
    if (response_code) {
        return *response_code;
    }
    return hard_failure ? 500 : 503;
}

namespace {

long long to_ms(std::chrono::steady_clock::duration d) {
    return std::chrono::duration_cast<milliseconds>(d).count();
}

}  // namespace

class HealthChecker::Impl : public std::enable_shared_from_this<Impl> {
public:
    Impl(net::io_context& io, HealthSettings settings, HealthObserver observer, Clock clock)
        : strand_(net::make_strand(io)),
          interval_timer_(strand_),
          settings_(settings),
          observer_(std::move(observer)),
          clock_(clock ? std::move(clock) : Clock([] { return std::chrono::steady_clock::now(); })),
          logger_(core::module_logger("health")) {}

    template <typename F>
    void on_strand(F&& f) {
        net::post(strand_, [self = shared_from_this(), f = std::forward<F>(f)]() mutable { f(*self); });
    }

    void add_check(std::string name, HealthCheck check, std::optional<milliseconds> deadline) {
        assert(strand_.running_in_this_thread());
        checks_.push_back({std::move(name), std::move(check), deadline});
    }

    void reconfigure(const HealthSettings& settings) {
        assert(strand_.running_in_this_thread());
        const bool interval_changed = settings.interval != settings_.interval;
        settings_ = settings;
        logger_->info("health checks reconfigured interval={}ms timeout={}ms max_check_duration={}ms",
                      settings_.interval.count(), settings_.timeout.count(), settings_.max_check_duration.count());
        if (interval_changed && started_ && !stopped_) {
            // The next tick follows the new interval from now, not from the old schedule.
            next_tick_ = std::chrono::steady_clock::now();
            interval_timer_.cancel();
            next_tick_ += settings_.interval;
            arm_tick();
        }
    }

    void set_draining(std::optional<std::string> reason) {
        assert(strand_.running_in_this_thread());
        draining_ = std::move(reason);
    }

    void start() {
        assert(strand_.running_in_this_thread());
        if (started_ || stopped_) {
            return;
        }
        started_ = true;
        logger_->info("health checks started interval={}ms timeout={}ms max_check_duration={}ms",
                      settings_.interval.count(), settings_.timeout.count(), settings_.max_check_duration.count());
        next_tick_ = std::chrono::steady_clock::now();
        tick();
    }

    void stop() {
        assert(strand_.running_in_this_thread());
        stopped_ = true;
        interval_timer_.cancel();
        if (run_) {
            for (auto& timer : run_->deadlines) {
                timer->cancel();
            }
            run_.reset();
        }
    }

    void set_ready() {
        assert(strand_.running_in_this_thread());
        ready_ = true;
    }

    void run_now() {
        assert(strand_.running_in_this_thread());
        if (!stopped_ && !run_) {
            begin_run();
        }
    }

    HealthSnapshot snapshot() const {
        assert(strand_.running_in_this_thread());
        HealthSnapshot snap;
        snap.ready = ready_;
        snap.has_run = last_result_.has_value();
        snap.slow_checks = slow_checks_;
        if (last_result_) {
            snap.last_run = last_time_;
        }
        if (draining_) {
            // Whatever the checks say: a load balancer must send new rooms elsewhere.
            snap.result = HealthResult::soft_failure("draining: " + *draining_);
            snap.result.response_code = 503;
        } else if (!ready_) {
            snap.result = HealthResult::soft_failure("starting");
        } else if (!last_result_) {
            snap.result = HealthResult::soft_failure("not ready: health checks have not run yet");
        } else if (auto age = clock_() - last_time_; age > settings_.timeout) {
            snap.result = HealthResult::hard_failure_of("No health checks performed recently, the last result was " +
                                                        std::to_string(to_ms(age)) + " ms ago.");
        } else {
            snap.result = *last_result_;
        }
        return snap;
    }

private:
    struct Check {
        std::string name;
        HealthCheck check;
        std::optional<milliseconds> deadline;  // nullopt: max_check_duration, as configured at the run
    };

    [[nodiscard]] milliseconds deadline_of(std::size_t index) const {
        return checks_[index].deadline.value_or(settings_.max_check_duration);
    }
    // No default member initializers: clang rejects optional<Run>::emplace() for a nested class that has them
    // (it needs them before the enclosing class is complete); emplace() value-initialises the scalars anyway.
    struct Run {
        std::uint64_t id;
        TimePoint started;
        std::size_t pending;
        std::vector<std::optional<HealthResult>> results;
        std::vector<std::unique_ptr<net::steady_timer>> deadlines;
    };

    // Fixed-rate schedule on real time; a tick that finds a run still in progress is skipped, never overlapped.
    void tick() {
        if (stopped_) {
            return;
        }
        if (!run_) {
            begin_run();
        }
        next_tick_ += settings_.interval;
        arm_tick();
    }

    void arm_tick() {
        interval_timer_.expires_at(next_tick_);
        interval_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (!ec) {
                self->tick();
            }
        });
    }

    void begin_run() {
        const std::uint64_t id = ++run_counter_;
        run_.emplace();
        run_->id = id;
        run_->started = clock_();
        run_->pending = checks_.size();
        run_->results.resize(checks_.size());
        for (std::size_t i = 0; i < checks_.size(); ++i) {
            auto timer = std::make_unique<net::steady_timer>(strand_, deadline_of(i));
            timer->async_wait([self = shared_from_this(), id, i](boost::system::error_code ec) {
                if (!ec) {
                    self->complete_check(id, i, self->timed_out(i));
                }
            });
            run_->deadlines.push_back(std::move(timer));
        }
        // Copied so that a check registering another check cannot invalidate the loop. Completions are always
        // posted, so the run cannot finish while we are still starting checks (except through an exception).
        const auto checks = checks_;
        for (std::size_t i = 0; i < checks.size() && run_ && run_->id == id; ++i) {
            CheckCompletion done = [weak = weak_from_this(), strand = strand_, id, i](HealthResult r) {
                if (auto self = weak.lock()) {
                    net::post(strand,
                              [self, id, i, r = std::move(r)]() mutable { self->complete_check(id, i, std::move(r)); });
                }
            };
            try {
                checks[i].check(std::move(done));
            } catch (const std::exception& e) {
                complete_check(id, i,
                               HealthResult::hard_failure_of(std::string("Failed to run health check: ") + e.what()));
            }
        }
        if (run_ && run_->id == id && run_->pending == 0) {
            finish_run();
        }
    }

    HealthResult timed_out(std::size_t index) const {
        return HealthResult::soft_failure("Health check '" + checks_[index].name + "' timed out after " +
                                          std::to_string(deadline_of(index).count()) + " ms");
    }

    void complete_check(std::uint64_t id, std::size_t index, HealthResult result) {
        assert(strand_.running_in_this_thread());
        if (!run_ || run_->id != id || index >= run_->results.size() || run_->results[index]) {
            return;  // late, duplicate, or the run was abandoned by stop()
        }
        run_->deadlines[index]->cancel();
        run_->results[index] = std::move(result);
        if (--run_->pending == 0) {
            finish_run();
        }
    }

    void finish_run() {
        Run run = std::move(*run_);
        run_.reset();
        // The first failing check in registration order decides, as Jicofo's checks run in sequence.
        HealthResult combined = HealthResult::ok();
        for (std::size_t i = 0; i < run.results.size(); ++i) {
            if (run.results[i] && !run.results[i]->success) {
                combined = *run.results[i];
                break;
            }
        }
        const TimePoint now = clock_();
        const auto duration = now - run.started;
        if (duration > settings_.max_check_duration) {
            ++slow_checks_;
            logger_->error("health check took too long: {} ms", to_ms(duration));
            if (observer_.on_slow_check) {
                observer_.on_slow_check();
            }
            if (combined.success) {
                combined = HealthResult::soft_failure(
                    "Performing a health check took too long: " + std::to_string(to_ms(duration)) + " ms");
            }
        }
        const bool was_success = !last_result_ || last_result_->success;
        if (!combined.success) {
            logger_->error("health check failed in {} ms: {}", to_ms(duration), combined.message);
        } else if (!was_success) {
            logger_->info("health check succeeded in {} ms", to_ms(duration));
        }
        last_result_ = combined;
        last_time_ = now;
        if (observer_.on_result) {
            observer_.on_result(combined);
        }
    }

    net::strand<net::io_context::executor_type> strand_;
    net::steady_timer interval_timer_;
    HealthSettings settings_;
    HealthObserver observer_;
    Clock clock_;
    std::shared_ptr<spdlog::logger> logger_;

    std::vector<Check> checks_;
    bool started_ = false;
    bool stopped_ = false;
    bool ready_ = false;
    std::optional<std::string> draining_;
    std::chrono::steady_clock::time_point next_tick_;
    std::optional<Run> run_;
    std::uint64_t run_counter_ = 0;
    std::optional<HealthResult> last_result_;
    TimePoint last_time_;
    std::uint64_t slow_checks_ = 0;
};

HealthChecker::HealthChecker(net::io_context& io, HealthSettings settings, HealthObserver observer, Clock clock)
    : impl_(std::make_shared<Impl>(io, settings, std::move(observer), std::move(clock))) {}

HealthChecker::~HealthChecker() {
    stop();
}

void HealthChecker::add_check(std::string name, HealthCheck check, std::optional<milliseconds> deadline) {
    impl_->on_strand([name = std::move(name), check = std::move(check), deadline](Impl& impl) mutable {
        impl.add_check(std::move(name), std::move(check), deadline);
    });
}

void HealthChecker::reconfigure(HealthSettings settings) {
    impl_->on_strand([settings](Impl& impl) { impl.reconfigure(settings); });
}

void HealthChecker::set_draining(std::optional<std::string> reason) {
    impl_->on_strand([reason = std::move(reason)](Impl& impl) mutable { impl.set_draining(std::move(reason)); });
}

void HealthChecker::start() {
    impl_->on_strand([](Impl& impl) { impl.start(); });
}

void HealthChecker::stop() {
    impl_->on_strand([](Impl& impl) { impl.stop(); });
}

void HealthChecker::set_ready() {
    impl_->on_strand([](Impl& impl) { impl.set_ready(); });
}

void HealthChecker::run_now() {
    impl_->on_strand([](Impl& impl) { impl.run_now(); });
}

void HealthChecker::async_snapshot(std::function<void(HealthSnapshot)> callback) const {
    impl_->on_strand([callback = std::move(callback)](Impl& impl) { callback(impl.snapshot()); });
}

}  // namespace jicofo::health
