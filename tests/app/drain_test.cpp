// The drain on its own strand with fake hooks: who is told what when it starts, the exit once the conferences are
// gone or at the deadline, a cancel that undoes everything, and the state's JSON.
#include "jicofo/app/drain.hpp"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>

namespace jicofo::app {
namespace {

using namespace std::chrono_literals;

class DrainTest : public ::testing::Test {
protected:
    void SetUp() override {
        thread_ = std::thread([this] { io_.run(); });
    }
    void TearDown() override {
        if (drain_) {
            drain_->stop();  // cancels its timers: the io_context runs out of work
            drain_.reset();
        }
        guard_.reset();
        thread_.join();
    }

    void make(std::chrono::milliseconds deadline) {
        DrainHooks hooks;
        hooks.refuse_new_rooms = [this](std::optional<std::string> reason) {
            std::lock_guard lock(mutex_);
            refused_ = std::move(reason);
        };
        hooks.report_health = [this](std::optional<std::string> reason) {
            std::lock_guard lock(mutex_);
            health_ = std::move(reason);
        };
        hooks.count_conferences = [this](std::function<void(std::size_t)> answer) {
            ++counts_;
            answer(conferences_.load());
        };
        hooks.exit = [this](const std::string& why) {
            std::lock_guard lock(mutex_);
            exits_.push_back(why);
        };
        drain_ = Drain::create(io_.get_executor(), std::move(hooks), deadline, 10ms);
    }

    DrainState state() {
        std::promise<DrainState> promise;
        drain_->async_state([&promise](DrainState s) { promise.set_value(std::move(s)); });
        return promise.get_future().get();
    }
    std::vector<std::string> exits() {
        std::lock_guard lock(mutex_);
        return exits_;
    }
    template <typename Predicate>
    bool eventually(Predicate predicate, std::chrono::milliseconds within = 2s) {
        const auto until = std::chrono::steady_clock::now() + within;
        while (std::chrono::steady_clock::now() < until) {
            if (predicate()) {
                return true;
            }
            std::this_thread::sleep_for(5ms);
        }
        return predicate();
    }

    boost::asio::io_context io_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_{io_.get_executor()};
    std::thread thread_;
    std::mutex mutex_;
    std::optional<std::string> refused_;
    std::optional<std::string> health_;
    std::vector<std::string> exits_;
    std::atomic<std::size_t> conferences_{2};
    std::atomic<int> counts_{0};
    std::shared_ptr<Drain> drain_;
};

TEST_F(DrainTest, StartingRefusesNewRoomsReportsHealthAndExitsOnceTheConferencesAreGone) {
    make(1h);
    std::promise<DrainState> started;
    drain_->start("maintenance", std::nullopt, [&started](DrainState s) { started.set_value(std::move(s)); });
    const auto s = started.get_future().get();
    EXPECT_TRUE(s.draining);
    EXPECT_EQ(s.reason, "maintenance");
    EXPECT_GE(s.deadline - s.since, 59min);
    {
        std::lock_guard lock(mutex_);
        EXPECT_EQ(refused_, std::optional<std::string>("maintenance"));
        EXPECT_EQ(health_, std::optional<std::string>("maintenance"));
    }
    ASSERT_TRUE(eventually([this] { return counts_ >= 3; })) << "counted every poll";
    EXPECT_TRUE(exits().empty());
    EXPECT_EQ(state().conferences, 2U);
    conferences_ = 0;
    ASSERT_TRUE(eventually([this] { return !exits().empty(); }));
    EXPECT_EQ(exits(), std::vector<std::string>{"the last conference has ended"});
    EXPECT_TRUE(state().exiting);
    // Over: it cannot be cancelled any more, and it exits only once.
    std::promise<bool> cancelled;
    drain_->cancel([&cancelled](bool c) { cancelled.set_value(c); });
    EXPECT_FALSE(cancelled.get_future().get());
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(exits().size(), 1U);
}

TEST_F(DrainTest, TheDeadlineEndsTheWaitAndAGivenDeadlineWinsOverTheDefault) {
    make(1h);
    drain_->start("upgrade", 100ms);
    ASSERT_TRUE(eventually([this] { return !exits().empty(); }));
    EXPECT_EQ(exits()[0], "the drain deadline passed with 2 conference(s) still running");
}

TEST_F(DrainTest, CancelTakesNewRoomsAgainAndStopsTheTimers) {
    make(100ms);
    drain_->start("oops", std::nullopt);
    ASSERT_TRUE(eventually([this] { return state().draining; }));
    std::promise<bool> cancelled;
    drain_->cancel([&cancelled](bool c) { cancelled.set_value(c); });
    EXPECT_TRUE(cancelled.get_future().get());
    {
        std::lock_guard lock(mutex_);
        EXPECT_FALSE(refused_);
        EXPECT_FALSE(health_);
    }
    EXPECT_FALSE(state().draining);
    std::this_thread::sleep_for(300ms);
    EXPECT_TRUE(exits().empty()) << "the cancelled drain's deadline does not fire";
    // A second drain starts afresh.
    conferences_ = 0;
    drain_->start("again", std::nullopt);
    ASSERT_TRUE(eventually([this] { return !exits().empty(); }));
}

TEST(DrainJson, OnlyTheFlagWhenNotDraining) {
    EXPECT_EQ(drain_state_json(DrainState{}).dump(), R"({"draining":false})");
    DrainState s;
    s.draining = true;
    s.reason = "r";
    s.since = std::chrono::sys_days{std::chrono::year{2026} / 12 / 7};
    s.deadline = s.since + 1h;
    s.conferences = 3;
    EXPECT_EQ(drain_state_json(s).dump(),
              R"({"draining":true,"exiting":false,"reason":"r","since":"2026-12-07T00:00:00.000Z",)"
              R"("deadline":"2026-12-07T01:00:00.000Z","conferences":3})");
}

}  // namespace
}  // namespace jicofo::app
