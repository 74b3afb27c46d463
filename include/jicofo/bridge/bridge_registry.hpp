// The bridges of this jicofo (Jicofo's BridgeSelector and JvbDoHealthCheckTask): discovered in the brewery,
// health-checked, selected for participants, and announced to conferences when they fail, shut down or leave.
// Lives on its own strand.
#pragma once

#include "jicofo/bridge/bridge_transport.hpp"
#include "jicofo/bridge/snapshots.hpp"
#include "jicofo/config/sections.hpp"
#include "jicofo/selector/bridge_selector.hpp"
#include "jicofo/selector/pin_registry.hpp"
#include "jicofo/stanza/jid.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace jicofo::metrics {
class MetricsRegistry;
}

namespace jicofo::bridge {

struct BridgeRegistrySettings {
    config::BridgeConfig bridge;
    config::OctoConfig octo;
    std::optional<std::string> local_region;  // jicofo.local-region
    // Deadline of one health-check IQ; nullopt: the connection's reply timeout.
    std::optional<std::chrono::milliseconds> health_check_timeout;
};

// What subscribers hear, on the registry's strand (a subscriber posts to its own strand). Ids are the bridges'
// occupant JIDs as text. Any handler may be empty.
struct BridgeEvents {
    std::function<void(const std::string& id)> bridge_added;
    // lost: the bridge left without announcing a shutdown.
    std::function<void(const std::string& id, bool lost)> bridge_removed;
    // A health check failed (error reply, or unhealthy in presence mode): conferences move their participants away.
    // A timeout does not raise it: the bridge is only kept out of new selections.
    std::function<void(const std::string& id)> bridge_failed;
    std::function<void(const std::string& id)> bridge_shutting_down;  // move participants away now
    // Back after a failure, confirmed by a health check (or presence) after failure-reset-threshold.
    std::function<void(const std::string& id)> bridge_operational;
};

struct SelectionRequest {
    selector::ConferenceBridges conference;
    selector::ParticipantProperties participant;
    // Restricts a new conference to bridges of this full version; when not given, the pin of `conference_id`
    // (REST /pin), if any, is used.
    std::optional<std::string> pinned_version;
    std::optional<std::string> conference_id;  // the room JID
};

struct SelectedBridge {
    std::string id;
    stanza::Jid jid;  // where colibri2 requests go
    std::optional<std::string> region;
    std::optional<std::string> relay_id;
    std::optional<std::string> full_version;
};

struct BridgeSelection {
    std::optional<SelectedBridge> bridge;
    std::string reason;  // the rule that chose it, or why there is none
};

class BridgeRegistry;

// Keeps a subscription alive; resetting or destroying it unsubscribes (events already queued may still arrive).
// Holds the registry weakly.
class BridgeSubscription {
public:
    BridgeSubscription() = default;
    BridgeSubscription(std::weak_ptr<BridgeRegistry> registry, std::uint64_t id)
        : registry_(std::move(registry)), id_(id) {}
    BridgeSubscription(BridgeSubscription&& other) noexcept;
    BridgeSubscription& operator=(BridgeSubscription&& other) noexcept;
    BridgeSubscription(const BridgeSubscription&) = delete;
    BridgeSubscription& operator=(const BridgeSubscription&) = delete;
    ~BridgeSubscription() { reset(); }

    void reset();

private:
    std::weak_ptr<BridgeRegistry> registry_;
    std::uint64_t id_ = 0;
};

class BridgeRegistry : public std::enable_shared_from_this<BridgeRegistry> {
public:
    using Strand = xmpp::Strand;
    using Executor = boost::asio::any_io_executor;

    // `metrics` is optional and must outlive the registry.
    static std::shared_ptr<BridgeRegistry> create(const Executor& executor, BridgeRegistrySettings settings,
                                                  const TransportFactory& transport, metrics::MetricsRegistry* metrics);
    BridgeRegistry(const BridgeRegistry&) = delete;
    BridgeRegistry& operator=(const BridgeRegistry&) = delete;
    // Call stop() first: the transport (a MUC room) must go away on the strand.
    ~BridgeRegistry();

    // Thread-safe. Joins the brewery.
    void start();
    // Thread-safe. Leaves the brewery, cancels every timer and forgets the bridges (without events); selections
    // fail from then on. `done` runs on the strand once that is over.
    void stop(std::function<void()> done = {});

    // Thread-safe. Configuration reload: the selection strategy, thresholds, health-check intervals and regions of
    // `settings` apply from the next selection and the next scheduled check; the brewery and its connection stay.
    void reconfigure(BridgeRegistrySettings settings);

    // Thread-safe.
    [[nodiscard]] BridgeSubscription subscribe(BridgeEvents events);

    // Thread-safe. Selects a bridge on the registry's strand, counts the new endpoint on it (ramp-up), then posts
    // the result to `done` on `reply_on`.
    void async_select(SelectionRequest request, const Executor& reply_on, std::function<void(BridgeSelection)> done);

    // Thread-safe reports from conferences.
    void report_failure(const std::string& bridge_id);  // a colibri request failed or timed out: keep it out
    void report_endpoints_removed(const std::string& bridge_id, int count);
    void report_restart_request(const std::string& bridge_id);  // ICE failure detection
    void record_bridge_removed_from_conference();               // bridges_removed_total
    // Load redistribution moved `count` endpoints off the bridge: load_redistributor_endpoints_moved_total and the
    // bridge's bridge_endpoints_moved_total (the latter only while the bridge is known).
    void record_endpoints_moved(const std::string& bridge_id, int count);

    // Version pins (REST /pin); thread-safe, `done` runs on the registry's strand. A duration of zero or less
    // removes the pin. unpin tells whether there was a pin.
    void pin(std::string conference_id, std::string version, std::chrono::minutes duration,
             std::function<void()> done = {});
    void unpin(std::string conference_id, std::function<void(bool)> done = {});
    void async_pins(std::function<void(std::vector<BridgePin>)> done);

    // Thread-safe; `done` runs on the registry's strand.
    void async_debug_snapshot(std::function<void(BridgeSelectorDebug)> done);
    void async_stats(std::function<void(BridgeSelectorStats)> done);

    [[nodiscard]] const Strand& strand() const { return strand_; }

private:
    struct Entry;
    struct Metrics;
    friend class BridgeSubscription;

    BridgeRegistry(const Executor& executor, BridgeRegistrySettings settings, metrics::MetricsRegistry* metrics);

    // Brewery events.
    void on_added(const stanza::Jid& jid, const stanza::ColibriStats& stats);
    void on_updated(const stanza::Jid& jid, const stanza::ColibriStats& stats);
    void on_removed(const stanza::Jid& jid);

    // Health (health_checks.cpp).
    void schedule_periodic_check(Entry& entry);
    void run_periodic_check(Entry& entry);
    void send_health_check(Entry& entry, int attempt);
    void on_health_reply(Entry& entry, int attempt, const xmpp::IqResult& reply);
    void check_presence(Entry& entry);
    void on_presence_health(Entry& entry);
    void confirm_healthy(Entry& entry);
    void fail(Entry& entry, const std::string& why);
    void fail_quietly(Entry& entry, const std::string& why);
    void arm_reprobe(Entry& entry);
    void reprobe(Entry& entry);
    // Runs `action` on the entry after `timer` fires, unless the entry is gone by then.
    template <typename Timer, typename Action>
    void when_fired(Entry& entry, Timer& timer, Action action);

    [[nodiscard]] Entry* find(const std::string& id);
    [[nodiscard]] Entry* find(const std::string& id, std::uint64_t generation);
    [[nodiscard]] BridgeSelection select_now(const SelectionRequest& request);
    [[nodiscard]] BridgeSelectorStats stats_now() const;
    void unsubscribe(std::uint64_t id);
    template <typename Fn>
    void emit(Fn fn);
    void update_metrics();
    void update_bridge_metrics(const Entry& entry);  // its jvb=<nick> series
    [[nodiscard]] static std::chrono::steady_clock::time_point now() { return std::chrono::steady_clock::now(); }

    Strand strand_;
    BridgeRegistrySettings settings_;
    selector::BridgeSelector selector_;
    selector::BridgeParams params_;
    std::unique_ptr<BridgeTransport> transport_;
    std::map<std::string, std::unique_ptr<Entry>> bridges_;
    std::map<std::uint64_t, BridgeEvents> subscribers_;
    selector::PinRegistry pins_;
    std::atomic<std::uint64_t> next_subscriber_{1};
    std::uint64_t next_generation_ = 1;
    std::uint64_t lost_bridges_ = 0;
    std::atomic<std::uint64_t> bridges_removed_{0};
    bool started_ = false;
    bool stopped_ = false;
    std::unique_ptr<Metrics> metrics_;
};

}  // namespace jicofo::bridge
