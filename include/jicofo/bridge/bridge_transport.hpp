// What the bridge registry needs from XMPP: the brewery's bridges and health-check IQs. The real transport is a
// Brewery<ColibriStats> on an XmppConnection; tests drive the registry through a fake.
#pragma once

#include "jicofo/selector/bridge.hpp"
#include "jicofo/stanza/brewery.hpp"
#include "jicofo/stanza/jid.hpp"
#include "jicofo/xmpp/brewery.hpp"
#include "jicofo/xmpp/iq_result.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

namespace jicofo::xmpp {
class XmppConnection;
}

namespace jicofo::bridge {

class BridgeTransport {
public:
    virtual ~BridgeTransport() = default;

    // Starts tracking the brewery; `handlers` run on the registry's strand. Called on that strand.
    virtual void start(xmpp::BreweryHandlers<stanza::ColibriStats> handlers) = 0;
    // Leaves the brewery; no handler runs afterwards. Called on the strand.
    virtual void stop() = 0;
    // Sends <healthcheck xmlns='http://jitsi.org/protocol/health'/> (iq get) to the bridge's occupant JID; `done`
    // runs once on the registry's strand. nullopt timeout: the connection's reply timeout.
    virtual void send_health_check(const stanza::Jid& bridge, std::optional<std::chrono::milliseconds> timeout,
                                   xmpp::IqCallback done) = 0;
};

// Builds the transport for the registry's strand.
using TransportFactory = std::function<std::unique_ptr<BridgeTransport>(const xmpp::Strand& strand)>;

struct XmppTransportSettings {
    // room = jicofo.bridge.brewery-jid, nick = our MUC nick, trusted_domains = jicofo.xmpp.trusted-domains; the
    // brewery re-joins with its own backoff after a failed join or a kick.
    xmpp::BrewerySettings brewery;
};

// The brewery on `connection`, which must outlive the registry.
TransportFactory xmpp_transport(xmpp::XmppConnection& connection, XmppTransportSettings settings);

// The selector's view of a <stats/> presence extension.
selector::BridgeStats bridge_stats_from(const stanza::ColibriStats& stats);

}  // namespace jicofo::bridge
