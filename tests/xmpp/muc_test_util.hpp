// Shared pieces of the MUC and brewery integration tests: an io_context thread, running code on a strand and
// waiting for it, and a recorder that lets the test thread wait (with a deadline) for events from the strand.
#pragma once

#include "jicofo/xmpp/muc_room.hpp"
#include "jicofo/xmpp/xmpp_connection.hpp"

#include "support/harness_test_util.hpp"
#include "xmpp/io_thread.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace jicofo::xmpp::testing {

using namespace std::chrono_literals;

inline constexpr const char* kFocusPassword = "focus-secret";

// Runs f on the strand and waits for it (the objects under test are strand-owned).
template <typename F>
auto run_on(const Strand& strand, F f) -> decltype(f()) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto future = task.get_future();
    boost::asio::post(strand, [&task] { task(); });
    if (future.wait_for(10s) != std::future_status::ready) {
        throw std::runtime_error("strand did not run the task within 10 s");
    }
    return future.get();
}

inline jicofo::testing::ProsodyOptions prosody_options(std::vector<std::string> extra_accounts = {}) {
    jicofo::testing::ProsodyOptions options;
    options.users = {{"focus", "auth.meet.test", kFocusPassword}};
    for (auto& account : extra_accounts) {
        options.users.emplace_back(account, "auth.meet.test", account + "-secret");
    }
    return options;
}

inline XmppConnectionSettings focus_settings(const jicofo::testing::ProsodyFixture& prosody) {
    XmppConnectionSettings s;
    s.name = "client";
    s.host = "127.0.0.1";
    s.port = prosody.c2s_port();
    s.domain = prosody.auth_domain();
    s.xmpp_domain = prosody.domain();
    s.password = kFocusPassword;
    s.use_tls = false;
    s.reply_timeout = 3s;
    s.backoff_base = 200ms;
    s.backoff_cap = 1s;
    return s;
}

template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds deadline = 10s) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < until) {
        if (pred()) {
            return true;
        }
        std::this_thread::sleep_for(10ms);
    }
    return pred();
}

// Thread-safe list of values pushed from a strand; wait() takes the first not-yet-taken one that matches.
template <typename T>
class Recorder {
public:
    void push(T value) {
        {
            std::lock_guard lock(mutex_);
            items_.push_back(std::move(value));
            taken_.push_back(false);
        }
        changed_.notify_all();
    }

    std::optional<T> wait(const std::function<bool(const T&)>& pred, std::chrono::milliseconds timeout = 10s) {
        std::unique_lock lock(mutex_);
        std::optional<T> found;
        changed_.wait_for(lock, timeout, [&] {
            for (std::size_t i = 0; i < items_.size(); ++i) {
                if (!taken_[i] && pred(items_[i])) {
                    taken_[i] = true;
                    found = items_[i];
                    return true;
                }
            }
            return false;
        });
        return found;
    }

    std::vector<T> all() {
        std::lock_guard lock(mutex_);
        return items_;
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<T> items_;
    std::vector<bool> taken_;
};

// Waits for a MucEvent alternative E whose payload matches.
template <typename E>
std::optional<E> wait_event(Recorder<MucEvent>& events, const std::function<bool(const E&)>& pred = {},
                            std::chrono::milliseconds timeout = 10s) {
    auto event = events.wait(
        [&](const MucEvent& e) {
            const auto* wanted = std::get_if<E>(&e);
            return wanted != nullptr && (!pred || pred(*wanted));
        },
        timeout);
    return event ? std::optional<E>(std::get<E>(*event)) : std::nullopt;
}

}  // namespace jicofo::xmpp::testing
