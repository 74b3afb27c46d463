// The conference module wired to the configuration: the room map, the conference IQ handler on the client
// connection, and the REST handlers (conference request, /debug, /stats) that the router registers.
#pragma once

#include "jicofo/conference/conference_settings.hpp"
#include "jicofo/config/jicofo_config.hpp"
#include "jicofo/rest/rest_settings.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <memory>

namespace jicofo::metrics {
class MetricsRegistry;
}  // namespace jicofo::metrics
namespace jicofo::xmpp {
class XmppConnection;
}  // namespace jicofo::xmpp
namespace jicofo::conference {
class FocusManager;
class ConferenceIqHandler;
}  // namespace jicofo::conference

namespace jicofo::app {

// jicofo.conference.*, jicofo.xmpp.*, jicofo.authentication and the component settings onto the module's own.
[[nodiscard]] conference::ConferenceSettings conference_settings(const config::JicofoConfig& config,
                                                                 const std::string& focus_username,
                                                                 const std::string& focus_domain,
                                                                 std::chrono::milliseconds reply_timeout);

class ConferenceServices {
public:
    // `client` is the client connection (it must outlive this object); the IQ handler is registered at once.
    ConferenceServices(const config::JicofoConfig& config, const boost::asio::any_io_executor& executor,
                       const std::shared_ptr<xmpp::XmppConnection>& client, metrics::MetricsRegistry& metrics);
    ConferenceServices(const ConferenceServices&) = delete;
    ConferenceServices& operator=(const ConferenceServices&) = delete;
    ~ConferenceServices();

    // The REST handlers, for rest::ServiceContext::domain.
    [[nodiscard]] rest::DomainRoutes routes() const;
    // The XMPP connections whose state /debug shows (client, service, visitor nodes).
    void set_debug_connections(std::vector<std::shared_ptr<xmpp::XmppConnection>> connections);
    // Stops taking requests and ends every conference (the focus leaves the rooms).
    void stop();

private:
    std::shared_ptr<conference::FocusManager> manager_;
    std::unique_ptr<conference::ConferenceIqHandler> iq_handler_;
    std::string client_proxy_;
    std::vector<std::shared_ptr<xmpp::XmppConnection>> debug_connections_;
};

// The REST handlers over a room map; public so that they are tested without XMPP.
[[nodiscard]] rest::DomainRoutes conference_routes(
    const std::shared_ptr<conference::FocusManager>& manager, const std::string& client_proxy,
    const std::vector<std::shared_ptr<xmpp::XmppConnection>>& debug_connections = {});

}  // namespace jicofo::app
