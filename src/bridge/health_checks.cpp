// Bridge health: periodic health-check IQs (or presence in presence mode), the retry after a silent check, sticky
// failures, and the re-probe when a failure window ends, so that a bridge that failed is only trusted again once it
// answers (instead of silently becoming selectable again).
#include "jicofo/bridge/bridge_registry.hpp"

#include "registry_entry.hpp"

#include "jicofo/core/error.hpp"
#include "jicofo/core/logging.hpp"

#include <spdlog/spdlog.h>

#include <cassert>

namespace jicofo::bridge {
namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto log = core::module_logger("bridge");
    return log;
}

}  // namespace

template <typename Timer, typename Action>
void BridgeRegistry::when_fired(Entry& entry, Timer& timer, Action action) {
    std::weak_ptr<BridgeRegistry> weak = weak_from_this();
    timer.async_wait([weak, id = entry.bridge.id(), generation = entry.generation,
                      action = std::move(action)](boost::system::error_code ec) {
        auto self = weak.lock();
        if (ec || !self || self->stopped_) {
            return;
        }
        if (Entry* still = self->find(id, generation)) {
            action(*self, *still);
        }
    });
}

void BridgeRegistry::schedule_periodic_check(Entry& entry) {
    const auto& health = settings_.bridge.health_checks;
    if (!health.enabled || health.interval <= std::chrono::milliseconds::zero()) {
        return;
    }
    entry.check_timer.expires_after(health.interval);
    when_fired(entry, entry.check_timer, [](BridgeRegistry& self, Entry& e) {
        self.run_periodic_check(e);
        if (Entry* still = self.find(e.bridge.id(), e.generation)) {
            self.schedule_periodic_check(*still);
        }
    });
}

void BridgeRegistry::run_periodic_check(Entry& entry) {
    // bridge_failing_ice ends with its timeout, not with an event: refresh it at every check.
    update_bridge_metrics(entry);
    if (settings_.bridge.health_checks.use_presence) {
        check_presence(entry);
    } else {
        send_health_check(entry, 1);
    }
}

void BridgeRegistry::send_health_check(Entry& entry, int attempt) {
    assert(strand_.running_in_this_thread());
    if (attempt == 1 && entry.check_in_flight) {
        return;  // the previous check (or its retry) is still waiting for an answer
    }
    entry.check_in_flight = true;
    std::weak_ptr<BridgeRegistry> weak = weak_from_this();
    transport_->send_health_check(
        entry.jid, settings_.health_check_timeout,
        [weak, id = entry.bridge.id(), generation = entry.generation, attempt](const xmpp::IqResult& reply) {
            auto self = weak.lock();
            if (!self || self->stopped_) {
                return;
            }
            if (Entry* still = self->find(id, generation)) {
                self->on_health_reply(*still, attempt, reply);
            }
        });
}

void BridgeRegistry::on_health_reply(Entry& entry, int attempt, const xmpp::IqResult& reply) {
    assert(strand_.running_in_this_thread());
    if (reply) {
        entry.check_in_flight = false;
        confirm_healthy(entry);
        return;
    }
    entry.check_in_flight = false;
    const auto& error = reply.error();
    if (error.stanza_error) {
        const auto condition = error.stanza_error->condition;
        if (condition == stanza::ErrorCondition::internal_server_error ||
            condition == stanza::ErrorCondition::service_unavailable) {
            if (metrics_) {
                metrics_->health_check_failures.Increment();
            }
            fail(entry, "health check failed: " + error.message());
        } else {
            logger()->warn("bridge={} health check error ignored: {}", entry.bridge.nick(), error.message());
        }
        return;
    }
    if (error.code == core::Errc::timeout) {
        if (attempt == 1) {
            // One silent check may be a lost packet: ask again before judging.
            logger()->info("bridge={} health check got no reply; retrying", entry.bridge.nick());
            entry.check_in_flight = true;
            entry.retry_timer.expires_after(settings_.bridge.health_checks.retry_delay);
            when_fired(entry, entry.retry_timer, [](BridgeRegistry& self, Entry& e) { self.send_health_check(e, 2); });
            return;
        }
        if (metrics_) {
            metrics_->health_check_timeouts.Increment();
        }
        // Jicofo's lenient case: no new conferences there, but existing ones stay until they see a failure
        // themselves, since the network between us and the bridge may be all that is wrong.
        fail_quietly(entry, "health check timed out twice");
        return;
    }
    // Our connection is down or stopping: that says nothing about the bridge.
    logger()->debug("bridge={} health check not answered: {}", entry.bridge.nick(), error.message());
}

void BridgeRegistry::check_presence(Entry& entry) {
    const auto& b = entry.bridge;
    const auto last = b.last_presence();
    if (!last || now() - *last > settings_.bridge.health_checks.presence_timeout) {
        if (metrics_) {
            metrics_->health_check_timeouts.Increment();
        }
        fail(entry, "no presence within the presence timeout");
        return;
    }
    if (b.reported_healthy() == false) {
        if (metrics_) {
            metrics_->health_check_failures.Increment();
        }
        fail(entry, "its presence says it is unhealthy");
        return;
    }
    confirm_healthy(entry);
}

void BridgeRegistry::on_presence_health(Entry& entry) {
    const auto& health = settings_.bridge.health_checks;
    if (!health.enabled || !health.use_presence) {
        return;  // with IQ checks the healthy stat is informational, as in Jicofo
    }
    const auto healthy = entry.bridge.reported_healthy();
    if (healthy == false) {
        if (!entry.failure_announced || entry.bridge.is_operational(now())) {
            if (metrics_) {
                metrics_->health_check_failures.Increment();
            }
            fail(entry, "its presence says it is unhealthy");
        }
    } else if (healthy == true) {
        confirm_healthy(entry);
    }
}

void BridgeRegistry::confirm_healthy(Entry& entry) {
    if (!entry.bridge.record_healthy(now())) {
        return;  // nothing to clear, or the failure window is still open
    }
    entry.failure_announced = false;
    entry.reprobe_timer.cancel();
    logger()->info("bridge={} is healthy again: back in selection", entry.bridge.nick());
    update_metrics();
    const std::string id = entry.bridge.id();
    emit([&](const BridgeEvents& e) {
        if (e.bridge_operational) {
            e.bridge_operational(id);
        }
    });
}

void BridgeRegistry::fail(Entry& entry, const std::string& why) {
    const bool announce = !entry.failure_announced;
    entry.failure_announced = true;
    fail_quietly(entry, why);
    if (!announce) {
        return;  // conferences already moved away from this failure
    }
    const std::string id = entry.bridge.id();
    emit([&](const BridgeEvents& e) {
        if (e.bridge_failed) {
            e.bridge_failed(id);
        }
    });
}

void BridgeRegistry::fail_quietly(Entry& entry, const std::string& why) {
    const bool was_operational = entry.bridge.is_operational(now());
    entry.bridge.mark_failed(now());
    arm_reprobe(entry);
    if (was_operational) {
        logger()->warn("bridge={} is not operational for {:.1f} s: {}", entry.bridge.nick(),
                       std::chrono::duration<double>(settings_.bridge.failure_reset_threshold).count(), why);
        update_metrics();
    } else {
        logger()->debug("bridge={} failed again: {}", entry.bridge.nick(), why);
    }
}

void BridgeRegistry::arm_reprobe(Entry& entry) {
    const auto expires = entry.bridge.failure_expires_at();
    if (!expires) {
        return;
    }
    entry.reprobe_timer.expires_at(*expires);
    when_fired(entry, entry.reprobe_timer, [](BridgeRegistry& self, Entry& e) { self.reprobe(e); });
}

void BridgeRegistry::reprobe(Entry& entry) {
    if (!entry.bridge.needs_probe(now())) {
        return;
    }
    update_metrics();  // operational again by the clock
    const auto& health = settings_.bridge.health_checks;
    if (!health.enabled) {
        // Nothing can confirm it; the failure just expires (as in Jicofo).
        confirm_healthy(entry);
        return;
    }
    logger()->info("bridge={} failure window over: checking it again", entry.bridge.nick());
    if (health.use_presence) {
        check_presence(entry);
    } else {
        send_health_check(entry, 1);
    }
}

}  // namespace jicofo::bridge
