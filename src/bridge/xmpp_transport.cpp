// The registry's XMPP side: the bridge brewery on a connection (joined again after a failed join) and health-check
// IQs to the bridges' occupant JIDs; plus the conversion of <stats/> into the selector's BridgeStats.
#include "jicofo/bridge/bridge_transport.hpp"

#include "jicofo/core/logging.hpp"
#include "jicofo/xmpp/xmpp_connection.hpp"

#include <boost/asio/steady_timer.hpp>

#include <spdlog/spdlog.h>

namespace jicofo::bridge {
namespace {

std::optional<std::string> text(std::optional<std::string_view> value) {
    return value ? std::optional<std::string>(*value) : std::nullopt;
}

class XmppBridgeTransport final : public BridgeTransport {
public:
    XmppBridgeTransport(xmpp::XmppConnection& connection, xmpp::Strand strand, XmppTransportSettings settings)
        : connection_(connection), strand_(std::move(strand)), settings_(std::move(settings)), rejoin_timer_(strand_) {}

    void start(xmpp::BreweryHandlers<stanza::ColibriStats> handlers) override {
        brewery_ = std::make_unique<xmpp::BridgeBrewery>(connection_, strand_, settings_.brewery, std::move(handlers));
        join();
    }

    void stop() override {
        *alive_ = false;
        rejoin_timer_.cancel();
        brewery_.reset();  // a joined room sends unavailable presence as it goes
    }

    void send_health_check(const stanza::Jid& bridge, std::optional<std::chrono::milliseconds> timeout,
                           xmpp::IqCallback done) override {
        stanza::Iq iq;
        iq.header.type = stanza::IqType::get;
        iq.header.to = bridge;
        iq.payload = stanza::HealthCheckIq{}.to_xml();
        connection_.async_send_iq(std::move(iq), strand_, std::move(done), timeout);
    }

private:
    void join() {
        const std::string room = settings_.brewery.room.to_string();
        brewery_->join([this, alive = alive_, room](const xmpp::JoinResult& result) {
            if (!*alive) {
                return;
            }
            if (result) {
                core::module_logger("bridge")->info("brewery={} joined", room);
                return;
            }
            core::module_logger("bridge")->warn("brewery={} join failed ({}); trying again in {} ms", room,
                                                result.error().message(), settings_.rejoin_delay.count());
            rejoin_timer_.expires_after(settings_.rejoin_delay);
            rejoin_timer_.async_wait([this, alive](boost::system::error_code ec) {
                if (!ec && *alive && brewery_) {
                    join();
                }
            });
        });
    }

    xmpp::XmppConnection& connection_;
    xmpp::Strand strand_;
    XmppTransportSettings settings_;
    boost::asio::steady_timer rejoin_timer_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
    std::unique_ptr<xmpp::BridgeBrewery> brewery_;
};

}  // namespace

TransportFactory xmpp_transport(xmpp::XmppConnection& connection, XmppTransportSettings settings) {
    return [&connection, settings = std::move(settings)](const xmpp::Strand& strand) {
        return std::make_unique<XmppBridgeTransport>(connection, strand, settings);
    };
}

selector::BridgeStats bridge_stats_from(const stanza::ColibriStats& stats) {
    selector::BridgeStats s;
    s.stress_level = stats.stress_level();
    s.average_participant_stress = stats.average_participant_stress();
    s.region = text(stats.region());
    s.relay_id = text(stats.relay_id());
    s.version = text(stats.version());
    s.release = text(stats.release());
    s.drain = stats.drain();
    s.graceful_shutdown = stats.graceful_shutdown().value_or(false);
    s.shutting_down = stats.shutting_down().value_or(false);
    s.healthy = stats.healthy();
    return s;
}

}  // namespace jicofo::bridge
