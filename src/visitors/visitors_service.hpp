// What the visitors feature shares across conferences: its configuration, the visitors component's address and the
// client connection to reach it (both on the features strand), and each node's visitor count (atomics: every
// conference strand counts its own visitors, and a choice made on one reads the others' approximately).
#pragma once

#include "jicofo/config/sections.hpp"
#include "jicofo/feature/feature.hpp"
#include "jicofo/stanza/visitors.hpp"

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace prometheus {
class Gauge;
class Counter;
}  // namespace prometheus

namespace jicofo::visitors {

class VisitorsService : public std::enable_shared_from_this<VisitorsService> {
public:
    // `node_ids`: the configured visitor nodes (their tallies are fixed from the start).
    VisitorsService(const config::VisitorsConfig& config, const std::vector<std::string>& node_ids,
                    std::vector<std::string> trusted_domains, metrics::MetricsRegistry& metrics,
                    feature::Strand strand);

    [[nodiscard]] const config::VisitorsConfig& config() const { return config_; }
    // jicofo.xmpp.trusted-domains, for the members of visitor rooms.
    [[nodiscard]] const std::vector<std::string>& trusted_domains() const { return trusted_domains_; }
    [[nodiscard]] const feature::Strand& strand() const { return strand_; }

    // On the features strand.
    void set_client(std::shared_ptr<xmpp::XmppConnection> client) { client_ = std::move(client); }
    void set_component(const std::optional<std::string>& address);
    [[nodiscard]] const std::optional<std::string>& component() const { return component_; }
    // Any thread: whether the component is known now (a redirect needs it, as Jicofo's VisitorsManager does).
    [[nodiscard]] bool component_known() const { return component_known_.load(std::memory_order_relaxed); }

    // Any thread: tells the component (on the features strand; logged when it refuses or is absent).
    void send(stanza::VisitorsIq request);

    // Any thread: a node's visitors over every conference.
    void visitor_added(const std::string& node);
    void visitor_removed(const std::string& node);
    [[nodiscard]] int visitors_on(const std::string& node) const;
    // A conference's first visitor came, or its last one left.
    void conference_with_visitors(bool now_has);
    [[nodiscard]] std::int64_t visitors_total() const { return total_.load(std::memory_order_relaxed); }
    [[nodiscard]] std::int64_t conferences_with_visitors() const {
        return conferences_.load(std::memory_order_relaxed);
    }
    [[nodiscard]] std::uint64_t redirects() const { return redirects_.load(std::memory_order_relaxed); }
    void count_redirect() { redirects_.fetch_add(1, std::memory_order_relaxed); }

private:
    config::VisitorsConfig config_;
    std::vector<std::string> trusted_domains_;
    feature::Strand strand_;
    std::shared_ptr<xmpp::XmppConnection> client_;  // features strand
    std::optional<std::string> component_;          // features strand
    std::atomic<bool> component_known_{false};
    std::map<std::string, std::unique_ptr<std::atomic<int>>> per_node_;  // fixed at construction
    std::atomic<std::int64_t> total_{0};
    std::atomic<std::int64_t> conferences_{0};
    std::atomic<std::uint64_t> redirects_{0};
    prometheus::Gauge& visitors_current_;
    prometheus::Gauge& conferences_with_visitors_;
};

}  // namespace jicofo::visitors
