// The conference module wired to the configuration: the room map, the conference IQ handler on the client
// connection, and the REST handlers (conference request, /debug, /stats, /rtcstats) that the router registers.
#pragma once

#include "jicofo/conference/visitor_nodes.hpp"

#include "jicofo/conference/conference_settings.hpp"
#include "jicofo/conference/focus_manager.hpp"
#include "jicofo/config/jicofo_config.hpp"
#include "jicofo/rest/rest_settings.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <functional>
#include <memory>

namespace jicofo::metrics {
class MetricsRegistry;
}  // namespace jicofo::metrics
namespace jicofo::xmpp {
class XmppConnection;
class ComponentDiscovery;
}  // namespace jicofo::xmpp
namespace jicofo::feature {
class FeatureHost;
}  // namespace jicofo::feature
namespace jicofo::conference {
class VisitorConferenceIqHandler;
class FocusManager;
struct BridgeEvent;
class ConferenceIqHandler;
struct MediaSetup;
class AuthenticationIqHandler;
}  // namespace jicofo::conference

namespace jicofo::app {

// jicofo.conference.*, jicofo.xmpp.*, jicofo.authentication and the component settings onto the module's own.
[[nodiscard]] conference::ConferenceSettings conference_settings(const config::JicofoConfig& config,
                                                                 const std::string& focus_username,
                                                                 const std::string& focus_domain,
                                                                 std::chrono::milliseconds reply_timeout);

// The rooms conference requests may name: the conference MUC service (jicofo.xmpp.client.conference-muc-jid, else
// conference.<xmpp-domain>), its tenant forms, and no brewery (bridge, Jibri, Jibri SIP, Jigasi). The breakout
// service is added once Prosody announces it.
[[nodiscard]] conference::RoomServices room_services(const config::JicofoConfig& config,
                                                     const std::string& xmpp_domain);

// What /debug shows of the conference IQ handler (Jicofo's ConferenceIqHandler.debugState, and ours).
struct ConferenceIqHandlerDebug {
    std::string client_proxy;
    std::string auth_authority;   // Jicofo's class name; empty without authentication
    std::string focus_auth_jid;   // the focus's user JID
    bool jigasi_enabled = false;  // a Jigasi brewery is configured
};

class ConferenceServices {
public:
    // `client` is the client connection and `service` the service one (the client again when there is none); both
    // must outlive this object. The IQ handlers are registered at once. Throws std::runtime_error for an unusable
    // jicofo.authentication (a start-up configuration error).
    ConferenceServices(const config::JicofoConfig& config, const boost::asio::any_io_executor& executor,
                       const std::shared_ptr<xmpp::XmppConnection>& client,
                       const std::shared_ptr<xmpp::XmppConnection>& service, metrics::MetricsRegistry& metrics,
                       const std::shared_ptr<const conference::MediaSetup>& media = nullptr,
                       std::shared_ptr<const conference::VisitorNodes> visitor_nodes = nullptr);
    ConferenceServices(const ConferenceServices&) = delete;
    ConferenceServices& operator=(const ConferenceServices&) = delete;
    ~ConferenceServices();

    // The REST handlers, for rest::ServiceContext::domain.
    [[nodiscard]] rest::DomainRoutes routes() const;
    // The XMPP connections whose state /debug shows (client, service, visitor nodes).
    void set_debug_connections(std::vector<std::shared_ptr<xmpp::XmppConnection>> connections);
    // Stops taking requests and ends every conference (the focus leaves the rooms).
    void stop();
    // Configuration reload: caps and join timeout for the next requests, timeouts, codecs and media settings
    // (`media`: the new setup, null without bridges) for the conferences created from now on, and the features'
    // reloadable sections. Running conferences keep theirs.
    void reconfigure(const config::JicofoConfig& config, std::shared_ptr<const conference::MediaSetup> media);

    // The room map, e.g. for the health check's test conference.
    [[nodiscard]] const std::shared_ptr<conference::FocusManager>& manager() const { return manager_; }
    // Where the bridge registry's events go for the features (MediaServices::start).
    [[nodiscard]] std::function<void(const conference::BridgeEvent&)> feature_bridge_events() const;

private:
    [[nodiscard]] conference::ConferenceFactory factory(const conference::ConferenceSettings& settings,
                                                        std::shared_ptr<const conference::MediaSetup> media) const;

    // What conferences are made with besides the settings.
    struct ConnectionSettings {
        std::string username;
        std::string domain;
        std::string xmpp_domain;
        std::chrono::milliseconds reply_timeout{};
    };
    std::shared_ptr<xmpp::XmppConnection> client_;
    boost::asio::any_io_executor executor_;
    std::shared_ptr<const conference::VisitorNodes> visitor_nodes_;
    ConnectionSettings connection_settings_;
    std::shared_ptr<conference::FocusManager> manager_;
    std::unique_ptr<conference::ConferenceIqHandler> iq_handler_;
    std::unique_ptr<conference::AuthenticationIqHandler> auth_iq_handler_;        // with authentication on
    std::unique_ptr<conference::VisitorConferenceIqHandler> visitor_iq_handler_;  // with visitor nodes
    // The conference features (feature_list()): their IQ handlers, component discovery, REST routes and sections.
    std::unique_ptr<feature::FeatureHost> features_;
    ConferenceIqHandlerDebug iq_handler_debug_;
    std::vector<std::shared_ptr<xmpp::XmppConnection>> debug_connections_;
};

// The REST handlers over a room map; public so that they are tested without XMPP.
[[nodiscard]] rest::DomainRoutes conference_routes(
    const std::shared_ptr<conference::FocusManager>& manager, const ConferenceIqHandlerDebug& iq_handler,
    const std::vector<std::shared_ptr<xmpp::XmppConnection>>& debug_connections = {});

}  // namespace jicofo::app
