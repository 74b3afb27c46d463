// Building the XMPP connections from the configuration.
#include "jicofo/app/xmpp_services.hpp"

#include <algorithm>

#include "jicofo/core/logging.hpp"
#include "jicofo/xmpp/xmpp_connection.hpp"

namespace jicofo::app {

core::Result<xmpp::XmppConnectionSettings, std::string> connection_settings(const config::XmppConnectionConfig& config,
                                                                            const std::string& key_prefix) {
    xmpp::XmppConnectionSettings settings;
    settings.name = config.name;
    settings.host = config.hostname;
    settings.port = config.port;
    if (config.domain) {
        settings.domain = *config.domain;
    } else if (config.xmpp_domain) {
        settings.domain = *config.xmpp_domain;
    } else {
        return core::unexpected(key_prefix + ".domain is not set (nor " + key_prefix +
                                ".xmpp-domain): the connection needs a login domain");
    }
    settings.xmpp_domain = config.xmpp_domain.value_or(settings.domain);
    settings.username = config.username;
    settings.resource = config.resource;
    settings.password = config.password;
    settings.use_tls = config.use_tls;
    settings.disable_certificate_verification = config.disable_certificate_verification;
    settings.reply_timeout = config.reply_timeout;
    return settings;
}

core::Result<std::unique_ptr<XmppServices>, std::string> XmppServices::create(
    const config::JicofoConfig& config, metrics::MetricsRegistry* metrics,
    const std::optional<boost::asio::any_io_executor>& owners) {
    std::unique_ptr<XmppServices> services(new XmppServices());
    const auto& xmpp_config = config.xmpp;
    if (xmpp_config.client.enabled) {
        auto settings = connection_settings(xmpp_config.client, "jicofo.xmpp.client");
        if (!settings) {
            return core::unexpected(settings.error());
        }
        settings->log_packets = config.logging.xmpp_packets.enabled;
        settings->max_pending_iqs = static_cast<std::size_t>(xmpp_config.max_pending_iqs);
        settings->max_queued_stanzas = static_cast<std::size_t>(xmpp_config.max_queued_stanzas);
        settings->hand_off_executor = owners;
        services->client_ = std::make_shared<xmpp::XmppConnection>(std::move(settings.value()), metrics);
    }
    if (xmpp_config.service.enabled) {
        auto settings = connection_settings(xmpp_config.service, "jicofo.xmpp.service");
        if (!settings) {
            return core::unexpected(settings.error());
        }
        settings->log_packets = config.logging.xmpp_packets.enabled;
        settings->max_pending_iqs = static_cast<std::size_t>(xmpp_config.max_pending_iqs);
        settings->max_queued_stanzas = static_cast<std::size_t>(xmpp_config.max_queued_stanzas);
        settings->hand_off_executor = owners;
        services->service_ = std::make_shared<xmpp::XmppConnection>(std::move(settings.value()), metrics);
        services->service_is_client_ = false;
    } else {
        services->service_ = services->client_;
    }
    for (const auto& visitor : xmpp_config.visitors) {
        if (!visitor.enabled) {
            continue;
        }
        auto settings = connection_settings(visitor, "jicofo.xmpp.visitors." + visitor.id);
        if (!settings) {
            return core::unexpected(settings.error());
        }
        settings->name = visitor.id;
        settings->log_packets = config.logging.xmpp_packets.enabled;
        settings->max_pending_iqs = static_cast<std::size_t>(xmpp_config.max_pending_iqs);
        settings->max_queued_stanzas = static_cast<std::size_t>(xmpp_config.max_queued_stanzas);
        settings->hand_off_executor = owners;
        services->visitors_.push_back(std::make_shared<xmpp::XmppConnection>(std::move(settings.value()), metrics));
    }
    services->visitor_nodes_ = app::visitor_nodes(xmpp_config, services->client_, services->visitors_);
    return services;
}

std::shared_ptr<const conference::VisitorNodes> visitor_nodes(
    const config::XmppConfig& xmpp_config, const std::shared_ptr<xmpp::XmppConnection>& client,
    const std::vector<std::shared_ptr<xmpp::XmppConnection>>& connections) {
    std::vector<conference::VisitorNode> nodes;
    const std::string main_domain = client ? client->settings().xmpp_domain : std::string();
    for (const auto& connection : connections) {
        const auto& settings = connection->settings();
        auto config = std::find_if(xmpp_config.visitors.begin(), xmpp_config.visitors.end(),
                                   [&](const config::VisitorXmppConfig& v) { return v.id == settings.name; });
        if (config == xmpp_config.visitors.end()) {
            continue;
        }
        if (!config->xmpp_domain || main_domain.empty()) {
            // Jicofo cannot map a room onto such a node either; it fails at the first redirect, we say so now.
            core::module_logger("xmpp")->error(
                "jicofo.xmpp.visitors.{}: no xmpp-domain (or no main xmpp-domain), so room JIDs cannot be mapped "
                "onto it; the node is not used",
                config->id);
            continue;
        }
        auto focus = stanza::Jid::from_parts(settings.username, settings.domain);
        if (!focus) {
            continue;
        }
        nodes.push_back(conference::VisitorNode{config->id, *config->xmpp_domain, config->conference_service,
                                                std::move(focus).value(), connection});
    }
    return std::make_shared<const conference::VisitorNodes>(main_domain, std::move(nodes));
}

XmppServices::~XmppServices() {
    stop();
}

std::vector<std::shared_ptr<xmpp::XmppConnection>> XmppServices::all() const {
    std::vector<std::shared_ptr<xmpp::XmppConnection>> connections;
    if (client_) {
        connections.push_back(client_);
    }
    if (service_ && !service_is_client_) {
        connections.push_back(service_);
    }
    connections.insert(connections.end(), visitors_.begin(), visitors_.end());
    return connections;
}

void XmppServices::start() {
    auto log = core::module_logger("xmpp");
    for (const auto& connection : all()) {
        const auto& settings = connection->settings();
        log->info("connecting '{}' to {}:{} as {}@{}", settings.name, settings.host, settings.port,
                  settings.password ? settings.username : std::string("(anonymous)"), settings.domain);
        connection->start();
    }
}

void XmppServices::stop() {
    for (const auto& connection : all()) {
        connection->stop();
    }
}

}  // namespace jicofo::app
