// The webhooks strand's delivery loop (dispatcher.hpp).
#include "jicofo/webhooks/dispatcher.hpp"

#include "jicofo/core/logging.hpp"
#include "jicofo/core/random.hpp"
#include "jicofo/metrics/metrics_registry.hpp"
#include "jicofo/webhooks/signature.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>

namespace jicofo::webhooks {
namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto log = core::module_logger("webhooks");
    return log;
}

// From a local receiver (milliseconds) to one catching up after an outage (minutes).
const prometheus::Histogram::BucketBoundaries kLatencyBuckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                                              1,     2.5,  5,     10,   30,  60,   300};

// The URL without its query (which may carry a token), for /debug and the log.
std::string shown(const config::WebhookUrl& url) {
    const auto query = url.target.find('?');
    return std::string(url.tls ? "https://" : "http://") + url.host + ":" + std::to_string(url.port) +
           url.target.substr(0, query);
}

void add(Outbox::Counters& sum, const Outbox::Counters& more) {
    sum.delivered += more.delivered;
    sum.failed_attempts += more.failed_attempts;
    sum.dropped += more.dropped;
    sum.given_up += more.given_up;
}

}  // namespace

struct Dispatcher::Target {
    Target(std::string text_, config::WebhookUrl url_, const Strand& strand, const DispatcherSettings& settings)
        : text(std::move(text_)),
          url(std::move(url_)),
          outbox(settings.retry, settings.queue_size, kMaxInFlightPerUrl),
          timer(strand) {}
    std::string text;
    config::WebhookUrl url;
    Outbox outbox;
    boost::asio::steady_timer timer;
    std::optional<Clock::time_point> armed;  // when the timer fires, if set
    bool retired = false;                    // no longer configured: drains what it has, takes nothing new
    std::chrono::milliseconds request_timeout{5000};
};

struct Dispatcher::Metrics {
    explicit Metrics(metrics::MetricsRegistry& registry)
        : delivered(registry.counter("webhooks_delivered")),
          failed_attempts(registry.counter("webhooks_failed_attempts")),
          dropped(registry.counter("webhooks_dropped")),
          given_up(registry.counter("webhooks_given_up")),
          depth(registry.gauge("webhooks_queue_depth")),
          latency(registry.histogram("webhooks_delivery_seconds", kLatencyBuckets)) {}
    prometheus::Counter& delivered;
    prometheus::Counter& failed_attempts;
    prometheus::Counter& dropped;
    prometheus::Counter& given_up;
    prometheus::Gauge& depth;
    prometheus::Histogram& latency;
};

DispatcherSettings dispatcher_settings(const config::WebhooksConfig& config) {
    DispatcherSettings settings;
    settings.urls = config.urls;
    settings.secret = config.secret;
    for (const auto& name : config.events) {
        if (auto type = event_type(name)) {
            settings.events.push_back(*type);
        }
    }
    settings.request_timeout = config.request_timeout;
    settings.retry = RetryPolicy{config.max_retries, config.retry_initial_backoff, config.retry_max_backoff};
    settings.queue_size = static_cast<std::size_t>(config.queue_size);
    return settings;
}

std::shared_ptr<Dispatcher> Dispatcher::create(const Strand& strand, DispatcherSettings settings,
                                               std::shared_ptr<Transport> transport,
                                               metrics::MetricsRegistry* metrics) {
    return std::make_shared<Dispatcher>(strand, std::move(settings), std::move(transport), metrics);
}

Dispatcher::Dispatcher(const Strand& strand, DispatcherSettings settings, std::shared_ptr<Transport> transport,
                       metrics::MetricsRegistry* metrics)
    : strand_(strand), transport_(std::move(transport)), registry_(metrics) {
    reconfigure(std::move(settings));
}

Dispatcher::~Dispatcher() = default;

std::shared_ptr<Dispatcher::Target> Dispatcher::make_target(const std::string& url) {
    auto parsed = config::parse_webhook_url(url);
    if (!parsed) {
        logger()->error("webhook URL '{}' is not valid; ignored", url);  // the configuration checks it first
        return nullptr;
    }
    auto target = std::make_shared<Target>(url, std::move(*parsed), strand_, settings_);
    target->request_timeout = settings_.request_timeout;
    return target;
}

void Dispatcher::reconfigure(DispatcherSettings settings) {
    settings_ = std::move(settings);
    if (!metrics_ && registry_ != nullptr && !settings_.urls.empty()) {
        metrics_ = std::make_unique<Metrics>(*registry_);  // off (no URLs): no families either
    }
    std::vector<std::shared_ptr<Target>> next;
    for (const auto& url : settings_.urls) {
        auto existing = std::find_if(targets_.begin(), targets_.end(),
                                     [&url](const auto& target) { return target && target->text == url; });
        if (existing != targets_.end()) {
            next.push_back(std::move(*existing));
        } else if (auto made = make_target(url)) {
            next.push_back(std::move(made));
        }
    }
    for (auto& target : next) {
        target->retired = false;
        target->outbox.set_policy(settings_.retry);
        target->outbox.set_capacity(settings_.queue_size);
        target->request_timeout = settings_.request_timeout;
    }
    for (auto& left : targets_) {
        if (left && left->outbox.depth() > 0) {
            left->retired = true;  // still delivers what it has
            next.push_back(std::move(left));
        } else if (left) {
            left->timer.cancel();
            add(retired_counters_, left->outbox.counters());
        }
    }
    targets_ = std::move(next);
    logger()->info("webhooks: {} URL(s), {} event type(s){}", settings_.urls.size(),
                   settings_.events.empty() ? std::string("all") : std::to_string(settings_.events.size()),
                   settings_.secret.empty() ? ", unsigned" : "");
}

bool Dispatcher::wants(EventType type) const {
    if (stopped_ || settings_.urls.empty()) {
        return false;
    }
    return settings_.events.empty() ||
           std::find(settings_.events.begin(), settings_.events.end(), type) != settings_.events.end();
}

void Dispatcher::publish(const Event& event) {
    if (!wants(event.type)) {
        return;
    }
    auto delivery = std::make_shared<Delivery>();
    delivery->id = core::random_uuid();
    delivery->type = std::string(event_name(event.type));
    delivery->lane = event.room;
    delivery->body = event_body(event, delivery->id);
    if (!settings_.secret.empty()) {
        delivery->signature = signature_header_value(settings_.secret, delivery->body);
    }
    delivery->queued = Clock::now();
    delivery->at = event.time;
    std::shared_ptr<const Delivery> shared = std::move(delivery);
    for (const auto& target : targets_) {
        if (target->retired) {
            continue;
        }
        if (!target->outbox.push(shared)) {
            if (metrics_) {
                metrics_->dropped.Increment();
            }
            logger()->warn("webhook {} dropped for {}: {} events queued", shared->type, shown(target->url),
                           target->outbox.depth());
            continue;
        }
        pump(target);
    }
    update_depth();
}

void Dispatcher::pump(const std::shared_ptr<Target>& target) {
    if (stopped_) {
        return;
    }
    for (auto& attempt : target->outbox.take_due(Clock::now())) {
        PostRequest request;
        request.url = target->url;
        request.timeout = target->request_timeout;
        request.body = std::shared_ptr<const std::string>(attempt.delivery, &attempt.delivery->body);
        request.headers = {{"X-Jicofo-Event-Id", attempt.delivery->id},
                           {"X-Jicofo-Event-Type", attempt.delivery->type},
                           {"X-Jicofo-Delivery-Attempt", std::to_string(attempt.attempt)}};
        if (!attempt.delivery->signature.empty()) {
            request.headers.emplace_back(std::string(kSignatureHeader), attempt.delivery->signature);
        }
        transport_->post(std::move(request), [weak = weak_from_this(), target, delivery = attempt.delivery,
                                              strand = strand_](PostResult result) mutable {
            boost::asio::post(strand, [weak, target, delivery = std::move(delivery), result = std::move(result)] {
                if (auto self = weak.lock()) {
                    self->completed(target, delivery, result);
                }
            });
        });
    }
    arm_timer(target);
}

void Dispatcher::completed(const std::shared_ptr<Target>& target, const std::shared_ptr<const Delivery>& delivery,
                           const PostResult& result) {
    if (stopped_) {
        return;
    }
    const auto outcome = target->outbox.finish(delivery->lane, result.delivered(), Clock::now());
    if (metrics_) {
        if (result.delivered()) {
            metrics_->delivered.Increment();
            const std::chrono::duration<double> latency = std::chrono::system_clock::now() - delivery->at;
            metrics_->latency.Observe(std::max(0.0, latency.count()));
        } else {
            metrics_->failed_attempts.Increment();
            if (outcome == Outbox::Outcome::given_up) {
                metrics_->given_up.Increment();
            }
        }
    }
    if (!result.delivered()) {
        const auto level = outcome == Outbox::Outcome::given_up ? spdlog::level::warn : spdlog::level::debug;
        logger()->log(level, "webhook {} {} to {}: {} {}{}", delivery->type, delivery->id, shown(target->url),
                      result.status, result.error,
                      outcome == Outbox::Outcome::given_up ? " (given up)" : " (will retry)");
    }
    pump(target);
    update_depth();
    if (target->retired && target->outbox.depth() == 0) {
        target->timer.cancel();
        add(retired_counters_, target->outbox.counters());
        std::erase(targets_, target);
    }
}

void Dispatcher::arm_timer(const std::shared_ptr<Target>& target) {
    const auto next = target->outbox.next_retry();
    if (!next || (target->armed && *target->armed <= *next)) {
        return;  // nothing waits, or the timer fires early enough already
    }
    target->armed = next;
    target->timer.expires_at(*next);
    target->timer.async_wait([weak = weak_from_this(), target](boost::system::error_code error) {
        if (error) {
            return;  // re-armed earlier (the new wait is pending) or stopped
        }
        target->armed.reset();
        if (auto self = weak.lock()) {
            self->pump(target);
        }
    });
}

void Dispatcher::update_depth() {
    if (metrics_) {
        metrics_->depth.Set(static_cast<double>(depth()));
    }
}

void Dispatcher::stop() {
    stopped_ = true;
    for (const auto& target : targets_) {
        target->timer.cancel();
    }
}

std::size_t Dispatcher::depth() const {
    std::size_t total = 0;
    for (const auto& target : targets_) {
        total += target->outbox.depth();
    }
    return total;
}

Outbox::Counters Dispatcher::totals() const {
    Outbox::Counters sum = retired_counters_;
    for (const auto& target : targets_) {
        add(sum, target->outbox.counters());
    }
    return sum;
}

nlohmann::ordered_json Dispatcher::stats() const {
    std::size_t in_flight = 0;
    for (const auto& target : targets_) {
        in_flight += target->outbox.in_flight();
    }
    const auto sum = totals();
    return {{"urls", settings_.urls.size()},
            {"queued", depth()},
            {"in_flight", in_flight},
            {"delivered", sum.delivered},
            {"failed_attempts", sum.failed_attempts},
            {"given_up", sum.given_up},
            {"dropped", sum.dropped}};
}

nlohmann::ordered_json Dispatcher::debug() const {
    auto targets = nlohmann::ordered_json::array();
    for (const auto& target : targets_) {
        const auto& c = target->outbox.counters();
        targets.push_back({{"url", shown(target->url)},
                           {"retired", target->retired},
                           {"queued", target->outbox.depth()},
                           {"capacity", target->outbox.capacity()},
                           {"in_flight", target->outbox.in_flight()},
                           {"conferences_waiting", target->outbox.lanes()},
                           {"backing_off", target->outbox.backing_off()},
                           {"delivered", c.delivered},
                           {"failed_attempts", c.failed_attempts},
                           {"given_up", c.given_up},
                           {"dropped", c.dropped}});
    }
    return {{"events", settings_.events.empty() ? nlohmann::ordered_json("all") : [this] {
                 auto names = nlohmann::ordered_json::array();
                 for (const auto type : settings_.events) {
                     names.push_back(event_name(type));
                 }
                 return names;
             }()},
            {"signed", !settings_.secret.empty()},
            {"targets", std::move(targets)}};
}

}  // namespace jicofo::webhooks
