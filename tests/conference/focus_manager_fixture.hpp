// The room map over fake conferences on a multi-threaded io_context: conferences whose join the test completes by
// hand, and helpers that ask the manager and wait (with a deadline) for its answer.
#pragma once

#include "jicofo/conference/focus_manager.hpp"
#include "jicofo/metrics/metrics_registry.hpp"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace jicofo::conference::testing {

using namespace std::chrono_literals;

inline stanza::Jid jid(const std::string& text) {
    return stanza::Jid::parse(text).value();
}

// A conference whose join the test completes by hand (or at once with auto_join).
class FakeConference : public ConferenceHandle {
public:
    FakeConference(stanza::Jid room, ConferenceCallbacks callbacks, bool auto_join)
        : room_(std::move(room)), callbacks_(std::move(callbacks)), auto_join_(auto_join) {}
    void start(std::function<void(std::error_code)> joined) override {
        ++starts;
        if (auto_join_) {
            joined({});
        } else {
            std::lock_guard lock(mutex_);
            joined_ = std::move(joined);
        }
    }
    void async_snapshot(std::function<void(ConferenceSnapshot)> done) override {
        ConferenceSnapshot s;
        s.room = room_;
        s.joined = true;
        done(s);
    }
    void stop() override {
        ++stops;
        end();
    }
    void authenticated(const stanza::Jid& real_jid) override {
        std::lock_guard lock(mutex_);
        authenticated_.push_back(real_jid);
    }
    void request_arrived() override { ++requests_arrived; }
    bool join_pending() {
        std::lock_guard lock(mutex_);
        return static_cast<bool>(joined_);
    }
    void complete_join(std::error_code error = {}) {
        std::function<void(std::error_code)> joined;
        {
            std::lock_guard lock(mutex_);
            joined = std::move(joined_);
        }
        if (joined) {
            joined(error);
        }
    }
    void end() {
        std::function<void()> ended;
        {
            std::lock_guard lock(mutex_);
            ended = std::exchange(callbacks_.ended, nullptr);
        }
        if (ended) {
            ended();
        }
    }
    void resize(std::size_t size, bool joined) { callbacks_.size_changed(size, joined); }
    // What the manager told us through authenticated().
    std::vector<stanza::Jid> authenticated_jids() {
        std::lock_guard lock(mutex_);
        return authenticated_;
    }
    [[nodiscard]] bool asks_about_authentication() const { return static_cast<bool>(callbacks_.grants_owner); }
    // Asks the manager as a Conference does when a member joins; nullopt when no answer came within 5 s.
    std::optional<bool> is_authenticated(const stanza::Jid& real_jid) {
        auto promise = std::make_shared<std::promise<bool>>();
        callbacks_.grants_owner(real_jid, [promise](bool yes) { promise->set_value(yes); });
        auto future = promise->get_future();
        if (future.wait_for(5s) != std::future_status::ready) {
            return std::nullopt;
        }
        return future.get();
    }
    const stanza::Jid& room() const { return room_; }
    std::atomic<int> starts{0};
    std::atomic<int> stops{0};
    std::atomic<int> requests_arrived{0};

private:
    stanza::Jid room_;
    ConferenceCallbacks callbacks_;
    bool auto_join_;
    std::mutex mutex_;
    std::function<void(std::error_code)> joined_;
    std::vector<stanza::Jid> authenticated_;
};

class FocusManagerTest : public ::testing::Test {
protected:
    void SetUp() override {
        for (int i = 0; i < 4; ++i) {
            threads_.emplace_back([this] { io_.run(); });
        }
    }
    void TearDown() override {
        guard_.reset();
        io_.stop();
        for (auto& t : threads_) {
            t.join();
        }
    }

    std::shared_ptr<FocusManager> make_manager(bool auto_join, ConferenceSettings settings = {},
                                               std::unique_ptr<auth::AuthenticationAuthority> authority = nullptr) {
        settings.focus_jid = jid("focus@auth.meet.test");
        return FocusManager::create(
            io_.get_executor(), settings,
            [this, auto_join](const stanza::Jid& room, ConferenceCallbacks callbacks) {
                auto conference = std::make_shared<FakeConference>(room, std::move(callbacks), auto_join);
                std::lock_guard lock(mutex_);
                created_.push_back(conference);
                return conference;
            },
            &metrics_, std::move(authority));
    }

    static ConferenceRequest request_for(const std::string& room) {
        ConferenceRequest request;
        request.room = jid(room);
        return request;
    }

    ConferenceRequestResult ask(FocusManager& manager, ConferenceRequest request) {
        auto promise = std::make_shared<std::promise<ConferenceRequestResult>>();
        auto future = promise->get_future();
        manager.conference_request(std::move(request),
                                   [promise](ConferenceRequestResult result) { promise->set_value(result); });
        if (future.wait_for(5s) != std::future_status::ready) {
            ADD_FAILURE() << "no answer within 5 s";
            return core::unexpected(RequestError{RequestErrc::unavailable, "no answer"});
        }
        return future.get();
    }

    FocusManagerSnapshot snapshot(FocusManager& manager) {
        std::promise<FocusManagerSnapshot> promise;
        manager.async_snapshot([&promise](FocusManagerSnapshot s) { promise.set_value(std::move(s)); });
        auto future = promise.get_future();
        EXPECT_EQ(future.wait_for(5s), std::future_status::ready);
        return future.get();
    }

    std::size_t created_count() {
        std::lock_guard lock(mutex_);
        return created_.size();
    }
    std::shared_ptr<FakeConference> created(std::size_t i) {
        std::lock_guard lock(mutex_);
        return created_.at(i);
    }

    boost::asio::io_context io_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_{io_.get_executor()};
    std::vector<std::thread> threads_;
    metrics::MetricsRegistry metrics_{"1.0-test"};
    std::mutex mutex_;
    std::vector<std::shared_ptr<FakeConference>> created_;
};

}  // namespace jicofo::conference::testing
