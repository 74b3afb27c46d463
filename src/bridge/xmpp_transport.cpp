// The registry's XMPP side: the bridge brewery on a connection (which re-joins by itself) and health-check
// IQs to the bridges' occupant JIDs; plus the conversion of <stats/> into the selector's BridgeStats.
#include "jicofo/bridge/bridge_transport.hpp"

#include "jicofo/core/logging.hpp"
#include "jicofo/xmpp/xmpp_connection.hpp"

#include <spdlog/spdlog.h>

namespace jicofo::bridge {
namespace {

std::optional<std::string> text(std::optional<std::string_view> value) {
    return value ? std::optional<std::string>(*value) : std::nullopt;
}

class XmppBridgeTransport final : public BridgeTransport {
public:
    XmppBridgeTransport(xmpp::XmppConnection& connection, xmpp::Strand strand, XmppTransportSettings settings)
        : connection_(connection), strand_(std::move(strand)), settings_(std::move(settings)) {}

    void start(xmpp::BreweryHandlers<stanza::ColibriStats> handlers) override {
        brewery_ = std::make_unique<xmpp::BridgeBrewery>(connection_, strand_, settings_.brewery, std::move(handlers));
        join();
    }

    void stop() override {
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
        // Only the first attempt is reported here; the brewery logs its own re-joins (with backoff) after that.
        brewery_->join([room](const xmpp::JoinResult& result) {
            if (result) {
                core::module_logger("bridge")->info("brewery={} joined", room);
            }
        });
    }

    xmpp::XmppConnection& connection_;
    xmpp::Strand strand_;
    XmppTransportSettings settings_;
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
