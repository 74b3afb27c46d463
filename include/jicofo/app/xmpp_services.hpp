// The XMPP connections the configuration asks for: client, service (or the client in that role) and one per
// visitor node, built from jicofo.xmpp.* and owned together so that start-up and shutdown handle them as one.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "jicofo/conference/visitor_nodes.hpp"
#include "jicofo/config/jicofo_config.hpp"
#include "jicofo/core/result.hpp"
#include "jicofo/xmpp/settings.hpp"

namespace jicofo::metrics {
class MetricsRegistry;
}  // namespace jicofo::metrics
namespace jicofo::xmpp {
class XmppConnection;
}  // namespace jicofo::xmpp

namespace jicofo::app {

// Maps one connection's configuration onto the xmpp module's settings. The login domain falls back to xmpp-domain
// (Jicofo needs one of them); a connection with neither is a configuration error naming the key.
core::Result<xmpp::XmppConnectionSettings, std::string> connection_settings(const config::XmppConnectionConfig& config,
                                                                            const std::string& key_prefix);

// The visitor connections whose room JIDs can be mapped (an xmpp-domain on the node and on the client connection),
// as the nodes conferences redirect visitors to.
[[nodiscard]] std::shared_ptr<const conference::VisitorNodes> visitor_nodes(
    const config::XmppConfig& xmpp_config, const std::shared_ptr<xmpp::XmppConnection>& client,
    const std::vector<std::shared_ptr<xmpp::XmppConnection>>& connections);

class XmppServices {
public:
    // Builds (but does not start) the connections. Errors name the configuration key at fault. `owners`: the
    // io_context the connections hand their stanzas to (see XmppConnectionSettings::hand_off_executor).
    static core::Result<std::unique_ptr<XmppServices>, std::string> create(
        const config::JicofoConfig& config, metrics::MetricsRegistry* metrics,
        const std::optional<boost::asio::any_io_executor>& owners = std::nullopt);
    XmppServices(const XmppServices&) = delete;
    XmppServices& operator=(const XmppServices&) = delete;
    ~XmppServices();

    void start();
    // Closes every connection (unavailable presence, end of stream) and joins their threads.
    void stop();

    // Null when jicofo.xmpp.client.enabled is false.
    [[nodiscard]] const std::shared_ptr<xmpp::XmppConnection>& client() const { return client_; }
    // The service connection, or the client connection when jicofo.xmpp.service.enabled is false.
    [[nodiscard]] const std::shared_ptr<xmpp::XmppConnection>& service() const { return service_; }
    [[nodiscard]] const std::vector<std::shared_ptr<xmpp::XmppConnection>>& visitors() const { return visitors_; }
    // The visitor connections as nodes conferences redirect to (those whose room JIDs can be mapped); never null.
    [[nodiscard]] const std::shared_ptr<const conference::VisitorNodes>& visitor_nodes() const {
        return visitor_nodes_;
    }

private:
    XmppServices() = default;
    [[nodiscard]] std::vector<std::shared_ptr<xmpp::XmppConnection>> all() const;

    std::shared_ptr<xmpp::XmppConnection> client_;
    std::shared_ptr<xmpp::XmppConnection> service_;
    bool service_is_client_ = true;
    std::vector<std::shared_ptr<xmpp::XmppConnection>> visitors_;
    std::shared_ptr<const conference::VisitorNodes> visitor_nodes_;
};

}  // namespace jicofo::app
