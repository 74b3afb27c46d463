// A brewery and bridges without XMPP for the registry's unit tests: the test adds, updates and removes bridges and
// decides how each one answers health checks; every wait is bounded.
#pragma once

#include "jicofo/bridge/bridge_registry.hpp"
#include "jicofo/core/error.hpp"
#include "xmpp/io_thread.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace jicofo::bridge::testing {

using namespace std::chrono_literals;

inline constexpr const char* kBrewery = "jvbbrewery@internal.auth.meet.test";

inline stanza::Jid occupant(const std::string& nick) {
    return stanza::Jid::parse(std::string(kBrewery) + "/" + nick).value();
}

using xmpp::testing::IoThread;

template <typename F>
auto run_on(const xmpp::Strand& strand, F f) -> decltype(f()) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto future = task.get_future();
    boost::asio::post(strand, [&task] { task(); });
    if (future.wait_for(10s) != std::future_status::ready) {
        throw std::runtime_error("strand did not run the task within 10 s");
    }
    return future.get();
}

template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds deadline = 10s) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < until) {
        if (pred()) {
            return true;
        }
        std::this_thread::sleep_for(5ms);
    }
    return pred();
}

// How a fake bridge answers <healthcheck/>.
enum class HealthReply { result, internal_server_error, service_unavailable, item_not_found, timeout, disconnected };

// The shared state between the test and the transport the registry owns.
class FakeBrewery {
public:
    // The factory the registry gets.
    TransportFactory factory() {
        return [this](const xmpp::Strand& strand) -> std::unique_ptr<BridgeTransport> {
            strand_ = strand;
            return std::make_unique<Transport>(*this);
        };
    }

    // Brewery presence, delivered on the registry's strand.
    void join(const std::string& nick, const stanza::ColibriStats& stats) {
        run_on(strand_, [&] { handlers_.instance_added(occupant(nick), stats); });
    }
    void update(const std::string& nick, const stanza::ColibriStats& stats) {
        run_on(strand_, [&] { handlers_.instance_updated(occupant(nick), stats); });
    }
    void leave(const std::string& nick) {
        run_on(strand_, [&] { handlers_.instance_removed(occupant(nick)); });
    }

    void set_reply(const std::string& nick, HealthReply reply) {
        std::lock_guard lock(mutex_);
        replies_[nick] = reply;
    }
    int checks(const std::string& nick) {
        std::lock_guard lock(mutex_);
        return checks_[nick];
    }
    bool started() {
        std::lock_guard lock(mutex_);
        return started_;
    }
    bool stopped() {
        std::lock_guard lock(mutex_);
        return stopped_;
    }

private:
    class Transport : public BridgeTransport {
    public:
        explicit Transport(FakeBrewery& brewery) : brewery_(brewery) {}
        void start(xmpp::BreweryHandlers<stanza::ColibriStats> handlers) override {
            brewery_.handlers_ = std::move(handlers);
            std::lock_guard lock(brewery_.mutex_);
            brewery_.started_ = true;
        }
        void stop() override {
            std::lock_guard lock(brewery_.mutex_);
            brewery_.stopped_ = true;
        }
        void send_health_check(const stanza::Jid& bridge, std::optional<std::chrono::milliseconds>,
                               xmpp::IqCallback done) override {
            HealthReply reply;
            {
                std::lock_guard lock(brewery_.mutex_);
                const std::string nick(bridge.resource());
                ++brewery_.checks_[nick];
                reply = brewery_.replies_.count(nick) ? brewery_.replies_[nick] : HealthReply::result;
            }
            // Answered later on the strand, as a connection would.
            boost::asio::post(brewery_.strand_,
                              [bridge, reply, done = std::move(done)] { done(answer(bridge, reply)); });
        }

    private:
        static xmpp::IqResult answer(const stanza::Jid& bridge, HealthReply reply) {
            using stanza::ErrorCondition;
            switch (reply) {
                case HealthReply::result: {
                    stanza::Iq iq;
                    iq.header.type = stanza::IqType::result;
                    iq.header.from = bridge;
                    return iq;
                }
                case HealthReply::internal_server_error:
                    return core::unexpected(
                        xmpp::IqError::from(stanza::StanzaError::make(ErrorCondition::internal_server_error)));
                case HealthReply::service_unavailable:
                    return core::unexpected(
                        xmpp::IqError::from(stanza::StanzaError::make(ErrorCondition::service_unavailable)));
                case HealthReply::item_not_found:
                    return core::unexpected(
                        xmpp::IqError::from(stanza::StanzaError::make(ErrorCondition::item_not_found)));
                case HealthReply::timeout: return core::unexpected(xmpp::IqError::from(core::Errc::timeout));
                case HealthReply::disconnected: return core::unexpected(xmpp::IqError::from(core::Errc::disconnected));
            }
            return core::unexpected(xmpp::IqError::from(core::Errc::internal));
        }
        FakeBrewery& brewery_;
    };

    xmpp::Strand strand_{boost::asio::make_strand(boost::asio::system_executor())};
    xmpp::BreweryHandlers<stanza::ColibriStats> handlers_;  // used on the strand only
    std::mutex mutex_;
    std::map<std::string, HealthReply> replies_;
    std::map<std::string, int> checks_;
    bool started_ = false;
    bool stopped_ = false;
};

// Events as text ("failed jvb1", "removed jvb2 lost"), recorded from the registry's strand.
class EventLog {
public:
    BridgeEvents events() {
        auto nick = [](const std::string& id) { return id.substr(id.find('/') + 1); };
        BridgeEvents e;
        e.bridge_added = [this, nick](const std::string& id) { push("added " + nick(id)); };
        e.bridge_removed = [this, nick](const std::string& id, bool lost) {
            push("removed " + nick(id) + (lost ? " lost" : ""));
        };
        e.bridge_failed = [this, nick](const std::string& id) { push("failed " + nick(id)); };
        e.bridge_shutting_down = [this, nick](const std::string& id) { push("shutting_down " + nick(id)); };
        e.bridge_operational = [this, nick](const std::string& id) { push("operational " + nick(id)); };
        return e;
    }
    void push(std::string event) {
        {
            std::lock_guard lock(mutex_);
            events_.push_back(std::move(event));
        }
        changed_.notify_all();
    }
    bool wait_for(const std::string& event, std::chrono::milliseconds timeout = 10s) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, timeout, [&] { return count_locked(event) > 0; });
    }
    int count(const std::string& event) {
        std::lock_guard lock(mutex_);
        return count_locked(event);
    }
    std::vector<std::string> all() {
        std::lock_guard lock(mutex_);
        return events_;
    }

private:
    int count_locked(const std::string& event) const {
        return static_cast<int>(std::count(events_.begin(), events_.end(), event));
    }
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::string> events_;
};

inline stanza::ColibriStats colibri_stats(double stress, const std::string& region = "us-east",
                                          const std::string& version = "2.3.1") {
    stanza::ColibriStats stats;
    stats.set("stress_level", std::to_string(stress));
    stats.set("region", region);
    stats.set("version", version);
    stats.set("drain", "false");
    return stats;
}

}  // namespace jicofo::bridge::testing
