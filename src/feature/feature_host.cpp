// Installs the features and connects their registrations: occupant IQs are routed sender's room -> room map ->
// conference strand (each hop a strand, so a participant's requests keep their order); component discovery feeds
// the features' component callbacks and subscriptions; REST routes and /stats, /debug sections are added.
#include "jicofo/feature/feature_host.hpp"

#include "jicofo/conference/focus_manager.hpp"
#include "jicofo/core/logging.hpp"
#include "jicofo/xmpp/xmpp_connection.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include <map>
#include <utility>

namespace jicofo::feature {
namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto log = core::module_logger("feature");
    return log;
}

struct IqRegistration {
    IqRoute route;
    OccupantIqHandler handler;
    std::size_t index = 0;
};

struct ComponentNeed {
    std::string type;
    std::function<void(const std::optional<std::string>&)> changed;
    ComponentMessageHandler on_message;
    std::size_t index = 0;
    std::optional<std::string> address;
    xmpp::Registration subscription;  // the connection keeps it across reconnects
};

struct Section {
    std::string key;
    JsonSection fill;
};

struct PeerIqRegistration {
    IqRoute route;
    config::XmppConnectionName connection = config::XmppConnectionName::Client;
    PeerClaim claims;
    PeerIqHandler handler;
};

// One IQ route on one connection: the handler the connection calls, which tries the peers' claims, then the
// occupant route (client connection only).
struct RouteOnConnection {
    std::shared_ptr<xmpp::XmppConnection> connection;
    IqRoute route;
    std::vector<const PeerIqRegistration*> peers;
    const IqRegistration* occupant = nullptr;
    // On a visitor node's connection: occupants are in that node's rooms, which map onto the main rooms.
    const conference::VisitorNode* node = nullptr;
};

bool same_route(const IqRoute& a, const IqRoute& b) {
    return a.element == b.element && a.ns == b.ns && a.type == b.type;
}

}  // namespace

struct FeatureHost::State : std::enable_shared_from_this<State> {
    State(const config::JicofoConfig& config_, metrics::MetricsRegistry& metrics_,
          const boost::asio::any_io_executor& executor)
        : config(config_), metrics(metrics_), strand(boost::asio::make_strand(executor)), executor(strand) {}

    // One per feature: reaches conferences with that feature's instance there.
    struct FeatureConferences : Conferences {
        FeatureConferences(std::weak_ptr<State> state_, std::size_t index_) : state(std::move(state_)), index(index_) {}
        void with_conference(const stanza::Jid& room, ConferenceTask task, std::function<void()> missing) override {
            if (auto alive = state.lock()) {
                alive->with_feature_conference(room, index, std::move(task), std::move(missing));
            }
        }
        std::weak_ptr<State> state;
        std::size_t index;
    };

    const config::JicofoConfig& config;
    metrics::MetricsRegistry& metrics;
    boost::asio::strand<boost::asio::any_io_executor> strand;
    boost::asio::any_io_executor executor;  // the same strand, type-erased for the features
    std::vector<std::shared_ptr<FeatureConferences>> feature_conferences;  // by feature index
    conference::FeatureSlots slots;
    std::vector<IqRegistration> iqs;
    std::vector<PeerIqRegistration> peer_iqs;
    std::map<std::string, std::string> advertised;  // on the strand
    std::vector<std::function<void(const Connections&)>> start_hooks;
    std::vector<std::function<void()>> stop_hooks;
    std::vector<std::function<void(const config::JicofoConfig&)>> reload_hooks;
    std::vector<std::function<void(const conference::BridgeEvent&)>> bridge_hooks;
    std::vector<RouteOnConnection> routes_on_connections;           // fixed once started
    std::shared_ptr<const conference::VisitorNodes> visitor_nodes;  // the routes point into it
    std::shared_ptr<conference::RequestShaper> shaper;              // shape_requests
    bool started = false;                                           // on the strand
    std::vector<std::shared_ptr<ComponentNeed>> components;         // touched on the strand once started
    std::vector<rest::FeatureRoute> routes;
    std::vector<Section> stats;
    std::vector<Section> debug;
    std::vector<xmpp::Registration> iq_registrations;
    std::weak_ptr<xmpp::XmppConnection> client;
    std::weak_ptr<conference::FocusManager> manager;
    std::unique_ptr<xmpp::ComponentDiscovery> discovery;  // on the strand
    std::function<void(const xmpp::DiscoveredComponents&)> discovered;
    // Each feature's registrar, kept for the host's life: a feature may keep a reference to advertise later.
    std::vector<std::unique_ptr<Registrar>> registrars;

    // The room map's strand finds the conference, whose strand runs the task with the feature's instance there.
    void with_feature_conference(const stanza::Jid& room, std::size_t index, ConferenceTask task,
                                 std::function<void()> missing) {
        auto found = manager.lock();
        auto report_missing = [self = shared_from_this(), missing = std::move(missing)]() mutable {
            if (missing) {
                boost::asio::post(self->strand, std::move(missing));
            }
        };
        if (!found) {
            report_missing();
            return;
        }
        found->with_conference(room, [index, task = std::move(task), report_missing = std::move(report_missing)](
                                         conference::ConferenceHandle* handle) mutable {
            if (!handle) {
                report_missing();
                return;
            }
            handle->run([index, task = std::move(task),
                         report_missing = std::move(report_missing)](ConferenceView* view) mutable {
                if (!view) {
                    report_missing();
                    return;
                }
                task(*view, view->feature(index));
            });
        });
    }

    void route_occupant_iq(const RouteOnConnection& target, stanza::Iq request) {
        const auto& registration = *target.occupant;
        const auto& connection = target.connection;
        if (!request.header.from || request.header.from->resource().empty()) {
            connection->send(stanza::Iq::error_for(
                request, stanza::StanzaError::make(stanza::ErrorCondition::bad_request, "not from a room occupant")));
            return;
        }
        auto room = request.header.from->bare();
        if (target.node != nullptr) {
            // A visitor: its room on this node belongs to the main room's conference. A room of another node (or
            // none) cannot have sent this over our link to this one.
            auto main = visitor_nodes->main_room_of(room);
            if (!main || main->node != target.node) {
                connection->send(
                    stanza::Iq::error_for(request, stanza::StanzaError::make(stanza::ErrorCondition::item_not_found,
                                                                             "not a visitor room of this node")));
                return;
            }
            room = std::move(main->room);
        }
        // Shared by the handler and the not-found answer: a Jingle request is a tree of kilobytes, not copied twice.
        auto shared = std::make_shared<const stanza::Iq>(std::move(request));
        auto not_found = [weak = std::weak_ptr<xmpp::XmppConnection>(connection), shared] {
            if (auto c = weak.lock()) {
                c->send(stanza::Iq::error_for(*shared, stanza::StanzaError::make(stanza::ErrorCondition::item_not_found,
                                                                                 "no conference in this room")));
            }
        };
        with_feature_conference(
            room, registration.index,
            [handler = registration.handler, shared](ConferenceView& view, FeatureInstance* instance) {
                handler(view, instance, *shared);
            },
            std::move(not_found));
    }

    // Kept here as well, so that what was advertised before the manager exists reaches it at start.
    void advertise(std::string key, std::optional<std::string> value) {
        if (value) {
            advertised[key] = *value;
        } else {
            advertised.erase(key);
        }
        if (auto found = manager.lock()) {
            found->set_advertised_property(std::move(key), std::move(value));
        }
    }

    void dispatch(const RouteOnConnection& target, stanza::Iq request) {
        if (request.header.from) {
            for (const auto* peer : target.peers) {
                if (peer->claims(*request.header.from)) {
                    peer->handler(request, *target.connection);
                    return;
                }
            }
        }
        if (target.occupant) {
            route_occupant_iq(target, std::move(request));
            return;
        }
        target.connection->send(stanza::Iq::error_for(
            request, stanza::StanzaError::make(stanza::ErrorCondition::service_unavailable, "not from a known peer")));
    }

    // Groups the occupant and peer routes by connection, one registration each.
    void plan_routes(const Connections& connections) {
        auto entry = [this](const std::shared_ptr<xmpp::XmppConnection>& connection,
                            const IqRoute& route) -> RouteOnConnection& {
            for (auto& existing : routes_on_connections) {
                if (existing.connection == connection && same_route(existing.route, route)) {
                    return existing;
                }
            }
            return routes_on_connections.emplace_back(RouteOnConnection{connection, route, {}, nullptr, nullptr});
        };
        visitor_nodes = connections.visitor_nodes;
        for (const auto& registration : iqs) {
            entry(connections.client, registration.route).occupant = &registration;
            for (const auto& node : visitor_nodes->nodes()) {
                auto& on_node = entry(node.connection, registration.route);
                on_node.occupant = &registration;
                on_node.node = &node;
            }
        }
        for (const auto& peer : peer_iqs) {
            if (const auto& connection = connections.named(peer.connection)) {
                entry(connection, peer.route).peers.push_back(&peer);
            }
        }
    }

    void components_found(const xmpp::DiscoveredComponents& found) {
        for (auto& need : components) {
            auto it = found.all.find(need->type);
            std::optional<std::string> address;
            if (it != found.all.end()) {
                address = it->second;
            }
            if (address != need->address) {
                subscribe(*need, address);
            }
            if (need->changed) {
                need->changed(address);
            }
        }
        if (discovered) {
            discovered(found);
        }
    }

    void subscribe(ComponentNeed& need, const std::optional<std::string>& address) {
        need.address = address;
        need.subscription.reset();
        auto connection = client.lock();
        if (!address || !need.on_message || !connection) {
            return;
        }
        auto jid = stanza::Jid::parse(*address);
        if (!jid || !jid->is_domain()) {
            logger()->warn("component {} announced at '{}', which is not a domain; its messages are ignored", need.type,
                           *address);
            return;
        }
        logger()->info("component {} at {}", need.type, *address);
        // Only the component's own address: subscribe() matches the sender's bare JID, which for a component is
        // its domain. Anyone else's message about the same room never reaches the feature.
        need.subscription = connection->subscribe(
            *jid, executor, {},
            [weak = weak_from_this(), handler = need.on_message, index = need.index](const stanza::Message& message) {
                if (auto self = weak.lock()) {
                    handler(message, *self->feature_conferences[index]);
                }
            });
    }
};

namespace {

class HostRegistrar : public Registrar {
public:
    HostRegistrar(FeatureHost::State& state, std::size_t index, std::string name)
        : state_(state), index_(index), name_(std::move(name)) {}

    void per_conference(conference::FeatureInstanceFactory make) override {
        state_.slots[index_].make = std::move(make);
    }
    void on_occupant_iq(IqRoute route, OccupantIqHandler handler) override {
        state_.iqs.push_back(IqRegistration{std::move(route), std::move(handler), index_});
    }
    void on_component(std::string type, std::function<void(const std::optional<std::string>&)> changed,
                      ComponentMessageHandler on_message) override {
        auto need = std::make_shared<ComponentNeed>();
        need->type = std::move(type);
        need->changed = std::move(changed);
        need->on_message = std::move(on_message);
        need->index = index_;
        state_.components.push_back(std::move(need));
    }
    void route(std::string method, std::string path, rest::RouteHandler handler, std::size_t max_body) override {
        state_.routes.push_back(rest::FeatureRoute{std::move(method), std::move(path), std::move(handler), max_body});
    }
    void stats_section(std::string key, JsonSection fill) override {
        state_.stats.push_back(Section{std::move(key), std::move(fill)});
    }
    void debug_section(std::string key, JsonSection fill) override {
        state_.debug.push_back(Section{std::move(key), std::move(fill)});
    }
    void advertise(std::string key, std::optional<std::string> value) override {
        state_.advertise(std::move(key), std::move(value));
    }
    void shape_requests(std::shared_ptr<conference::RequestShaper> shaper) override {
        state_.shaper = std::move(shaper);
    }
    void on_start(std::function<void(const Connections&)> started) override {
        state_.start_hooks.push_back(std::move(started));
    }
    void on_stop(std::function<void()> stopping) override { state_.stop_hooks.push_back(std::move(stopping)); }
    void on_reload(std::function<void(const config::JicofoConfig&)> reloaded) override {
        state_.reload_hooks.push_back(std::move(reloaded));
    }
    void on_bridge_event(std::function<void(const conference::BridgeEvent&)> handler) override {
        state_.bridge_hooks.push_back(std::move(handler));
    }
    void on_peer_iq(IqRoute route, config::XmppConnectionName connection, PeerClaim claims,
                    PeerIqHandler handler) override {
        state_.peer_iqs.push_back(
            PeerIqRegistration{std::move(route), connection, std::move(claims), std::move(handler)});
    }
    [[nodiscard]] const config::JicofoConfig& config() const override { return state_.config; }
    [[nodiscard]] metrics::MetricsRegistry& metrics() override { return state_.metrics; }
    [[nodiscard]] const Strand& strand() const override { return state_.strand; }
    [[nodiscard]] std::shared_ptr<Conferences> conferences() override { return state_.feature_conferences[index_]; }
    [[nodiscard]] std::size_t index() const override { return index_; }

private:
    FeatureHost::State& state_;
    std::size_t index_;
    std::string name_;
};

// Wraps a handler whose 200 answer is a JSON object: the sections are filled on the features strand and added.
rest::RouteHandler with_sections(rest::RouteHandler inner, const std::weak_ptr<FeatureHost::State>& weak,
                                 std::vector<Section> FeatureHost::State::*sections) {
    return [inner = std::move(inner), weak, sections](const rest::HttpRequest& request, const rest::PathParams& params,
                                                      const rest::Responder& respond) {
        inner(request, params, [weak, sections, respond](rest::HttpResponse response) {
            auto state = weak.lock();
            auto body = nlohmann::ordered_json::parse(response.body, nullptr, false);
            if (!state || response.status != 200 || body.is_discarded() || !body.is_object()) {
                respond(std::move(response));
                return;
            }
            boost::asio::post(state->strand, [state, sections, respond, body = std::move(body)]() mutable {
                for (const auto& section : (*state).*sections) {
                    body[section.key] = section.fill();
                }
                respond(rest::HttpResponse::json(200, body.dump()));
            });
        });
    };
}

}  // namespace

FeatureHost::FeatureHost(const config::JicofoConfig& config, metrics::MetricsRegistry& metrics,
                         const boost::asio::any_io_executor& executor)
    : state_(std::make_shared<State>(config, metrics, executor)) {}

FeatureHost::~FeatureHost() {
    stop();
}

void FeatureHost::install(std::span<const Feature> features) {
    for (const auto& feature : features) {
        const std::size_t index = state_->slots.size();
        state_->slots.push_back(conference::FeatureSlot{std::string(feature.name), nullptr});
        state_->feature_conferences.push_back(std::make_shared<State::FeatureConferences>(state_, index));
        auto& registrar = *state_->registrars.emplace_back(
            std::make_unique<HostRegistrar>(*state_, index, std::string(feature.name)));
        feature.install(registrar);
        logger()->debug("feature {} installed", feature.name);
    }
}

std::shared_ptr<const conference::FeatureSlots> FeatureHost::slots() const {
    // The slots are fixed once installed; conferences share one copy.
    return std::make_shared<const conference::FeatureSlots>(state_->slots);
}

void FeatureHost::start(const Connections& connections, const std::shared_ptr<conference::FocusManager>& manager,
                        std::function<void(const xmpp::DiscoveredComponents&)> discovered) {
    const auto& client = connections.client;
    state_->client = client;
    state_->manager = manager;
    state_->discovered = std::move(discovered);
    state_->plan_routes(connections);
    for (std::size_t i = 0; i < state_->routes_on_connections.size(); ++i) {
        const auto& target = state_->routes_on_connections[i];
        state_->iq_registrations.push_back(target.connection->register_iq_handler(
            target.route.element, target.route.ns, target.route.type, state_->executor,
            [weak = std::weak_ptr<State>(state_), i](stanza::Iq request) {
                if (auto state = weak.lock()) {
                    state->dispatch(state->routes_on_connections[i], std::move(request));
                }
            }));
    }
    if (state_->shaper && manager) {
        manager->set_request_shaper(state_->shaper);
    }
    boost::asio::post(state_->strand, [state = state_, connections, manager] {
        state->started = true;
        for (const auto& [key, value] : state->advertised) {
            manager->set_advertised_property(key, value);
        }
        for (const auto& hook : state->start_hooks) {
            hook(connections);
        }
    });
    boost::asio::post(state_->strand, [state = state_, client] {
        state->discovery = std::make_unique<xmpp::ComponentDiscovery>(
            *client, state->strand, client->settings().xmpp_domain,
            [weak = std::weak_ptr<State>(state)](const xmpp::DiscoveredComponents& c) {
                if (auto s = weak.lock()) {
                    s->components_found(c);
                }
            });
    });
}

void FeatureHost::add_routes(rest::DomainRoutes& routes) const {
    for (const auto& route : state_->routes) {
        routes.feature_routes.push_back(route);
    }
    if (routes.stats && !state_->stats.empty()) {
        routes.stats = with_sections(std::move(routes.stats), state_, &State::stats);
    }
    if (routes.debug && !state_->debug.empty()) {
        routes.debug = with_sections(std::move(routes.debug), state_, &State::debug);
    }
}

void FeatureHost::stop() {
    state_->iq_registrations.clear();
    // The discovery and the subscriptions live on the strand.
    boost::asio::post(state_->strand, [state = state_] {
        if (std::exchange(state->started, false)) {
            for (const auto& hook : state->stop_hooks) {
                hook();
            }
        }
        state->discovery.reset();
        for (auto& need : state->components) {
            need->subscription.reset();
        }
    });
}

void FeatureHost::reload(const config::JicofoConfig& config) {
    boost::asio::post(state_->strand, [state = state_, config] {
        for (const auto& hook : state->reload_hooks) {
            hook(config);
        }
    });
}

void FeatureHost::bridge_event(const conference::BridgeEvent& event) {
    bridge_event_sink()(event);
}

std::function<void(const conference::BridgeEvent&)> FeatureHost::bridge_event_sink() const {
    return [weak = std::weak_ptr<State>(state_)](const conference::BridgeEvent& event) {
        auto state = weak.lock();
        if (!state || state->bridge_hooks.empty()) {
            return;
        }
        boost::asio::post(state->strand, [state, event] {
            for (const auto& hook : state->bridge_hooks) {
                hook(event);
            }
        });
    };
}

const Strand& FeatureHost::strand() const {
    return state_->strand;
}

}  // namespace jicofo::feature
