// The health check the application registers for the client connection: a soft failure (503) with the reason while
// the connection is not connected, as Jicofo's XMPP check fails while its client connection is down.
#pragma once

#include "jicofo/health/health_checker.hpp"
#include "jicofo/xmpp/xmpp_connection.hpp"

#include <memory>

namespace jicofo::xmpp {

// The result for a status, e.g. "XMPP connection 'client' is disconnected: auth_failed".
health::HealthResult health_of(const std::string& name, const ConnectionStatus& status);

// A check that reads the connection's status when it runs. Holds the connection weakly.
health::HealthCheck make_health_check(const std::shared_ptr<XmppConnection>& connection);

}  // namespace jicofo::xmpp
