// Delivers webhook events to every configured URL, on the webhooks strand: an event is signed and queued once per
// URL (each URL has its own Outbox, so a dead receiver never holds up another), attempts go out through the
// Transport, failures are retried after the outbox's backoff. Conference strands only post events here.
#pragma once

#include "jicofo/config/sections.hpp"
#include "jicofo/webhooks/event.hpp"
#include "jicofo/webhooks/outbox.hpp"
#include "jicofo/webhooks/transport.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/strand.hpp>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace jicofo::metrics {
class MetricsRegistry;
}  // namespace jicofo::metrics

namespace jicofo::webhooks {

// Attempts one URL has under way at once (across its conferences). Bounds the sockets a backlog opens when a
// receiver comes back.
inline constexpr std::size_t kMaxInFlightPerUrl = 8;

struct DispatcherSettings {
    std::vector<std::string> urls;
    std::string secret;
    std::vector<EventType> events;  // empty: every type
    std::chrono::milliseconds request_timeout{5000};
    RetryPolicy retry;
    std::size_t queue_size = 10000;
};

// The settings of jicofo.webhooks (whose URLs and event names the configuration has checked).
[[nodiscard]] DispatcherSettings dispatcher_settings(const config::WebhooksConfig& config);

class Dispatcher : public std::enable_shared_from_this<Dispatcher> {
public:
    using Strand = boost::asio::strand<boost::asio::any_io_executor>;

    // `metrics` may be null (tests); otherwise the webhooks families are registered once there are URLs.
    static std::shared_ptr<Dispatcher> create(const Strand& strand, DispatcherSettings settings,
                                              std::shared_ptr<Transport> transport, metrics::MetricsRegistry* metrics);

    // Everything below runs on the strand.

    // Whether events of `type` are sent now (cheap; callers may skip building an event nobody wants).
    [[nodiscard]] bool wants(EventType type) const;
    // Queues `event` for every URL (a new id, signed with the current secret).
    void publish(const Event& event);
    // New settings for events published from now on. Queued events keep their body and signature and are still
    // delivered, also to a URL that is no longer configured (it takes nothing new and is forgotten once empty).
    void reconfigure(DispatcherSettings settings);
    // Stops the timers and ignores what is still under way; queued events are lost (at shutdown).
    void stop();

    // The queue state for /stats (totals) and /debug (per URL).
    [[nodiscard]] nlohmann::ordered_json stats() const;
    [[nodiscard]] nlohmann::ordered_json debug() const;
    [[nodiscard]] Outbox::Counters totals() const;
    [[nodiscard]] std::size_t depth() const;

    Dispatcher(const Strand& strand, DispatcherSettings settings, std::shared_ptr<Transport> transport,
               metrics::MetricsRegistry* metrics);  // use create()
    ~Dispatcher();
    Dispatcher(const Dispatcher&) = delete;
    Dispatcher& operator=(const Dispatcher&) = delete;

private:
    struct Target;
    struct Metrics;
    void pump(const std::shared_ptr<Target>& target);
    void completed(const std::shared_ptr<Target>& target, const std::shared_ptr<const Delivery>& delivery,
                   const PostResult& result);
    void arm_timer(const std::shared_ptr<Target>& target);
    void update_depth();
    std::shared_ptr<Target> make_target(const std::string& url);

    Strand strand_;
    DispatcherSettings settings_;
    std::shared_ptr<Transport> transport_;
    metrics::MetricsRegistry* registry_;
    std::unique_ptr<Metrics> metrics_;
    Outbox::Counters retired_counters_;             // of URLs no longer configured, for the totals
    std::vector<std::shared_ptr<Target>> targets_;  // configured URLs first, then retired ones still draining
    bool stopped_ = false;
};

}  // namespace jicofo::webhooks
