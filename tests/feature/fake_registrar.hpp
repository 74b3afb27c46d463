// A Registrar that records what a feature's install() declares (its per-conference factory, occupant IQ routes,
// components with their callbacks, REST routes, /stats and /debug sections), so a feature is tested without XMPP:
// the test calls the recorded callbacks itself, as the feature host would.
#pragma once

#include "feature/fake_conference_view.hpp"
#include "jicofo/conference/focus_manager.hpp"
#include "jicofo/feature/feature.hpp"
#include "jicofo/metrics/metrics_registry.hpp"

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace jicofo::feature::testing {

class FakeRegistrar : public Registrar {
    // First, so that they go last: what the feature recorded (handlers, sections) may keep a copy of the strand
    // or the metrics, and a strand must not outlive its io_context.
    boost::asio::io_context io_;
    Strand strand_{boost::asio::make_strand(io_.get_executor())};
    metrics::MetricsRegistry metrics_{"test"};

public:
    struct OccupantIq {
        IqRoute route;
        OccupantIqHandler handler;
    };
    struct Component {
        std::string type;
        std::function<void(const std::optional<std::string>&)> changed;
        ComponentMessageHandler on_message;
    };
    struct PeerIq {
        IqRoute route;
        config::XmppConnectionName connection;
        PeerClaim claims;
        PeerIqHandler handler;
    };
    struct Route {
        std::string method;
        std::string path;
        rest::RouteHandler handler;
        std::size_t max_body = 0;
    };

    explicit FakeRegistrar(std::size_t index = 0) : index_(index) { conferences_->index = index; }

    void per_conference(conference::FeatureInstanceFactory make) override {
        EXPECT_FALSE(factory) << "a feature declares its per-conference instance once";
        factory = std::move(make);
    }
    void on_occupant_iq(IqRoute route, OccupantIqHandler handler) override {
        iqs.push_back({std::move(route), std::move(handler)});
    }
    void on_component(std::string type, std::function<void(const std::optional<std::string>&)> changed,
                      ComponentMessageHandler on_message) override {
        components.push_back({std::move(type), std::move(changed), std::move(on_message)});
    }
    void route(std::string method, std::string path, rest::RouteHandler handler, std::size_t max_body) override {
        routes.push_back({std::move(method), std::move(path), std::move(handler), max_body});
    }
    void stats_section(std::string key, JsonSection fill) override {
        stats.emplace_back(std::move(key), std::move(fill));
    }
    void debug_section(std::string key, JsonSection fill) override {
        debug.emplace_back(std::move(key), std::move(fill));
    }
    void shape_requests(std::shared_ptr<conference::RequestShaper> set) override { shaper = std::move(set); }
    void advertise(std::string key, std::optional<std::string> value) override {
        if (value) {
            advertised[key] = *value;
        } else {
            advertised.erase(key);
        }
    }
    void on_start(std::function<void(const Connections&)> started) override {
        start_hooks.push_back(std::move(started));
    }
    void on_stop(std::function<void()> stopping) override { stop_hooks.push_back(std::move(stopping)); }
    void on_reload(std::function<void(const config::JicofoConfig&)> reloaded) override {
        reload_hooks.push_back(std::move(reloaded));
    }
    void on_bridge_event(std::function<void(const conference::BridgeEvent&)> handler) override {
        bridge_hooks.push_back(std::move(handler));
    }
    void on_peer_iq(IqRoute route, config::XmppConnectionName connection, PeerClaim claims,
                    PeerIqHandler handler) override {
        peer_iqs.push_back({std::move(route), connection, std::move(claims), std::move(handler)});
    }

    [[nodiscard]] const config::JicofoConfig& config() const override { return config_; }
    [[nodiscard]] metrics::MetricsRegistry& metrics() override { return metrics_; }
    [[nodiscard]] const Strand& strand() const override { return strand_; }
    [[nodiscard]] std::shared_ptr<Conferences> conferences() override { return conferences_; }
    [[nodiscard]] std::size_t index() const override { return index_; }

    // The feature's instance for `view`, made by the recorded factory and attached to the view at this feature's
    // index (nullptr when the feature declared no instance or keeps none there).
    // The view also becomes reachable through conferences().
    FeatureInstance* instance_for(FakeConferenceView& view) {
        conferences_->add(view);
        if (!factory) {
            return nullptr;
        }
        while (view.instances.size() < index_) {
            view.instances.push_back(nullptr);
        }
        view.attach(factory(view));
        return view.feature(index_);
    }

    // Runs what was posted to the strand (and what that posts in turn) until nothing is ready.
    std::size_t run_ready() {
        io_.restart();
        return io_.poll();
    }

    // The room map behind conferences(): rooms get there through instance_for().
    FakeConferences& fake_conferences() { return *conferences_; }

    // The recorded component of this type (nullptr: not declared).
    [[nodiscard]] const Component* component(std::string_view type) const {
        for (const auto& c : components) {
            if (c.type == type) {
                return &c;
            }
        }
        return nullptr;
    }
    // The recorded occupant IQ handler for this element and namespace.
    [[nodiscard]] const OccupantIq* iq_route(std::string_view element, std::string_view ns) const {
        for (const auto& iq : iqs) {
            if (iq.route.element == element && iq.route.ns == ns) {
                return &iq;
            }
        }
        return nullptr;
    }
    // Hands an occupant IQ to the route recorded for its payload, as the host would; the one reply the feature must
    // give at once (an empty IQ, and a test failure, when there is no route or no reply).
    const stanza::Iq& answer(FakeConferenceView& view, FeatureInstance* instance, const stanza::Iq& iq) {
        const auto* route = iq.payload ? iq_route(iq.payload->name(), iq.payload->ns()) : nullptr;
        EXPECT_NE(route, nullptr) << "no route for the IQ " << iq.header.id;
        const auto before = view.replies.size();
        if (route) {
            route->handler(view, instance, iq);
        }
        EXPECT_EQ(view.replies.size(), before + 1) << "every request is answered at once here";
        return view.replies.size() > before ? view.replies.back() : no_reply_;
    }
    // The value of a recorded /stats section.
    [[nodiscard]] std::optional<nlohmann::ordered_json> stats_value(std::string_view key) const {
        for (const auto& [k, fill] : stats) {
            if (k == key) {
                return fill();
            }
        }
        return std::nullopt;
    }
    // The value of a recorded /debug section.
    [[nodiscard]] std::optional<nlohmann::ordered_json> debug_value(std::string_view key) const {
        for (const auto& [k, fill] : debug) {
            if (k == key) {
                return fill();
            }
        }
        return std::nullopt;
    }

    config::JicofoConfig config_;
    conference::FeatureInstanceFactory factory;
    std::vector<OccupantIq> iqs;
    std::vector<Component> components;
    std::vector<Route> routes;
    std::vector<PeerIq> peer_iqs;
    std::map<std::string, std::string> advertised;
    std::shared_ptr<conference::RequestShaper> shaper;
    std::vector<std::function<void(const Connections&)>> start_hooks;
    std::vector<std::function<void()>> stop_hooks;
    std::vector<std::function<void(const config::JicofoConfig&)>> reload_hooks;
    std::vector<std::function<void(const conference::BridgeEvent&)>> bridge_hooks;
    std::vector<std::pair<std::string, JsonSection>> stats;
    std::vector<std::pair<std::string, JsonSection>> debug;

private:
    stanza::Iq no_reply_;
    std::size_t index_;
    std::shared_ptr<FakeConferences> conferences_ = std::make_shared<FakeConferences>();
};

// The fixture of a feature's tests without XMPP: the feature installed in a FakeRegistrar, its instance in a room
// with an owner and a guest, and occupant IQs numbered for it.
class FeatureInRoomTest : public ::testing::Test {
protected:
    void install_in_room(void (*install)(Registrar&)) {
        install(registrar);
        instance = registrar.instance_for(view);
        ASSERT_NE(instance, nullptr);
        view.join(view.make_member("owner", xmpp::MemberRole::owner));
        view.join(view.make_member("guest"));
    }

    // A new IQ id with this prefix.
    std::string next_id(const std::string& prefix) { return prefix + std::to_string(++sent_); }

    FakeRegistrar registrar;
    FakeConferenceView view;
    FeatureInstance* instance = nullptr;

private:
    int sent_ = 0;
};

}  // namespace jicofo::feature::testing
