// Jicofo's bridge, test-conference and XMPP-ping health checks over our registry, room map and client connection.
#include "jicofo/app/health_checks.hpp"

#include "jicofo/bridge/bridge_registry.hpp"
#include "jicofo/conference/focus_manager.hpp"
#include "jicofo/core/error.hpp"
#include "jicofo/stanza/disco.hpp"
#include "jicofo/xmpp/muc_room.hpp"
#include "jicofo/xmpp/xmpp_connection.hpp"

namespace jicofo::app {

health::HealthResult bridges_result(const bridge::BridgeSelectorStats& stats) {
    if (stats.available_bridge_count > 0) {
        return health::HealthResult::ok();
    }
    return health::HealthResult::hard_failure_of("No operational bridges available");
}

health::HealthCheck make_bridges_check(std::shared_ptr<bridge::BridgeRegistry> registry) {
    return [registry = std::move(registry)](const health::CheckCompletion& complete) {
        registry->async_stats(
            [complete](const bridge::BridgeSelectorStats& stats) { complete(bridges_result(stats)); });
    };
}

health::HealthResult test_conference_result(const stanza::Jid& room, std::error_code error) {
    if (!error) {
        return health::HealthResult::ok();
    }
    if (error == core::Errc::timeout || error == xmpp::MucErrc::timeout) {
        return health::HealthResult::soft_failure("Test conference failed to start due to timeout (room " +
                                                  room.to_string() + ")");
    }
    const std::string where = room.empty() ? std::string() : " (room " + room.to_string() + ")";
    return health::HealthResult::hard_failure_of("Test conference failed to start: " + error.message() + where);
}

health::HealthResult ping_result(const std::string& connection, const std::string& domain, const xmpp::IqResult& result,
                                 std::chrono::milliseconds timeout) {
    if (result || result.error().stanza_error) {
        return health::HealthResult::ok();
    }
    const auto& code = result.error().code;
    if (code == core::Errc::timeout) {
        return health::HealthResult::soft_failure("XMPP ping failed: no answer from " + domain + " on connection '" +
                                                  connection + "' within " + std::to_string(timeout.count()) + " ms");
    }
    return health::HealthResult::soft_failure("XMPP ping failed: " + domain + " on connection '" + connection +
                                              "': " + code.message());
}

health::HealthCheck make_test_conference_check(std::shared_ptr<conference::FocusManager> manager,
                                               const std::shared_ptr<xmpp::XmppConnection>& connection,
                                               std::string prefix, std::string muc_domain) {
    return [manager = std::move(manager), weak = std::weak_ptr<xmpp::XmppConnection>(connection),
            prefix = std::move(prefix), muc_domain = std::move(muc_domain)](const health::CheckCompletion& complete) {
        auto strong = weak.lock();
        const auto state = strong ? strong->status().state : xmpp::ConnectionState::disconnected;
        if (state != xmpp::ConnectionState::connected) {
            complete(health::HealthResult::soft_failure("Test conference not started: the XMPP connection is " +
                                                        std::string(xmpp::to_string(state))));
            return;
        }
        manager->test_conference(prefix, muc_domain, [complete](const stanza::Jid& room, std::error_code error) {
            complete(test_conference_result(room, error));
        });
    };
}

health::HealthCheck make_ping_check(const std::shared_ptr<xmpp::XmppConnection>& connection,
                                    boost::asio::any_io_executor executor, std::chrono::milliseconds timeout) {
    return [weak = std::weak_ptr<xmpp::XmppConnection>(connection), executor = std::move(executor),
            timeout](const health::CheckCompletion& complete) {
        auto strong = weak.lock();
        if (!strong) {
            complete(health::HealthResult::soft_failure("XMPP ping failed: the connection is gone"));
            return;
        }
        const auto& settings = strong->settings();
        const std::string domain = settings.xmpp_domain.empty() ? settings.domain : settings.xmpp_domain;
        // A request made while the link is down waits for it until its deadline; the health check must not.
        if (const auto status = strong->status(); status.state != xmpp::ConnectionState::connected) {
            std::string why = "the XMPP connection is " + std::string(xmpp::to_string(status.state));
            if (status.last_reason.kind != xmpp::DisconnectKind::none) {
                why += " (" + xmpp::to_string(status.last_reason) + ")";
            }
            complete(health::HealthResult::soft_failure("XMPP ping failed: " + domain + " on connection '" +
                                                        settings.name + "': " + why));
            return;
        }
        auto target = stanza::Jid::parse(domain);
        if (!target) {
            complete(health::HealthResult::hard_failure_of("XMPP ping failed: '" + domain + "' is not a JID"));
            return;
        }
        stanza::Iq ping;
        ping.header.type = stanza::IqType::get;
        ping.header.to = std::move(target).value();
        ping.payload = stanza::Ping{}.to_xml();
        strong->async_send_iq(
            std::move(ping), executor,
            [complete, name = settings.name, domain, timeout](const xmpp::IqResult& result) {
                complete(ping_result(name, domain, result, timeout));
            },
            timeout);
    };
}

}  // namespace jicofo::app
