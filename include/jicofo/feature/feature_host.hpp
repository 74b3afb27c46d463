// The application's side of the feature registration: installs the features of the feature list, and connects
// what they registered to the client connection (occupant IQs routed to the conference strands, component
// discovery and component messages), to the conferences (their per-conference slots) and to REST.
#pragma once

#include "jicofo/feature/feature.hpp"
#include "jicofo/rest/rest_settings.hpp"
#include "jicofo/xmpp/component_discovery.hpp"

#include <boost/asio/strand.hpp>

#include <memory>
#include <span>
#include <vector>

namespace jicofo::conference {
class FocusManager;
}  // namespace jicofo::conference
namespace jicofo::xmpp {
class XmppConnection;
}  // namespace jicofo::xmpp

namespace jicofo::feature {

class FeatureHost {
public:
    // `config` and `metrics` must outlive the host.
    FeatureHost(const config::JicofoConfig& config, metrics::MetricsRegistry& metrics,
                const boost::asio::any_io_executor& executor);
    FeatureHost(const FeatureHost&) = delete;
    FeatureHost& operator=(const FeatureHost&) = delete;
    ~FeatureHost();

    // Calls each feature's install, in order (a feature's index is its position).
    void install(std::span<const Feature> features);
    // Every feature's per-conference slot, for the conference factory.
    [[nodiscard]] std::shared_ptr<const conference::FeatureSlots> slots() const;

    // Registers the occupant IQ handlers on the client connection and the peer IQ handlers on theirs (the
    // connections must outlive the host, or stop() first), runs the features' start hooks and starts component
    // discovery on the XMPP domain; `discovered` (may be empty) also gets each result, on the features strand.
    void start(const Connections& connections, const std::shared_ptr<conference::FocusManager>& manager,
               std::function<void(const xmpp::DiscoveredComponents&)> discovered = {});
    // The features' REST routes, and their sections of /stats and /debug (wrapping those handlers when set).
    void add_routes(rest::DomainRoutes& routes) const;
    // Unregisters the handlers, runs the features' stop hooks and stops discovery.
    void stop();
    // Runs the features' reload callbacks on the features strand (the value is copied: it may change again).
    void reload(const config::JicofoConfig& config);
    // Hands a bridge event to the features that asked for them, on the features strand. Thread-safe.
    void bridge_event(const conference::BridgeEvent& event);
    // bridge_event as a function that does nothing once the host is gone.
    [[nodiscard]] std::function<void(const conference::BridgeEvent&)> bridge_event_sink() const;

    [[nodiscard]] const Strand& strand() const;

    struct State;  // opaque; public so that the registrar it hands out can name it

private:
    std::shared_ptr<State> state_;
};

}  // namespace jicofo::feature
