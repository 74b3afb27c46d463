// The checks of Jicofo's JicofoHealthChecker (§5.5) that run on the health checker: operational bridges (when a
// brewery is configured), a test conference joined through the room map, and an XMPP ping of the client
// connection's domain. The result
// mappings are separate functions so that they are tested without XMPP.
#pragma once

#include "jicofo/bridge/snapshots.hpp"
#include "jicofo/health/health_checker.hpp"
#include "jicofo/stanza/jid.hpp"
#include "jicofo/xmpp/iq_result.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <system_error>

namespace jicofo::bridge {
class BridgeRegistry;
}  // namespace jicofo::bridge
namespace jicofo::conference {
class FocusManager;
}  // namespace jicofo::conference
namespace jicofo::xmpp {
class XmppConnection;
}  // namespace jicofo::xmpp

namespace jicofo::app {

// Jicofo waits 5 s for the ping's answer.
inline constexpr std::chrono::milliseconds kHealthPingTimeout{5000};

// At least one bridge must be operational and not in graceful shutdown; otherwise a hard failure (500) "No
// operational bridges available".
[[nodiscard]] health::HealthResult bridges_result(const bridge::BridgeSelectorStats& stats);
// Reads the registry's counts on its strand per run.
[[nodiscard]] health::HealthCheck make_bridges_check(std::shared_ptr<bridge::BridgeRegistry> registry);

// The test conference's outcome: healthy once the focus is in the room; a join that timed out is a soft failure
// (it may only be load), any other failure a hard one.
[[nodiscard]] health::HealthResult test_conference_result(const stanza::Jid& room, std::error_code error);

// The ping's outcome: any answer, even an error, shows that the server serves the connection (Jicofo only waits for
// a stanza with the ping's id); no answer in time, or no connection, is a soft failure.
[[nodiscard]] health::HealthResult ping_result(const std::string& connection, const std::string& domain,
                                               const xmpp::IqResult& result, std::chrono::milliseconds timeout);

// A test conference in `<prefix>-<random>@<muc_domain>` per run (see FocusManager::test_conference). While the
// client connection is not connected the check fails softly at once, as Jicofo's does (its join throws at once
// then), instead of holding the whole run until the join's deadline.
[[nodiscard]] health::HealthCheck make_test_conference_check(std::shared_ptr<conference::FocusManager> manager,
                                                             const std::shared_ptr<xmpp::XmppConnection>& connection,
                                                             std::string prefix, std::string muc_domain);

// <iq type='get' to='<xmpp-domain>'><ping xmlns='urn:xmpp:ping'/></iq> over `connection` per run; the answer is
// handled on `executor`. Holds the connection weakly.
[[nodiscard]] health::HealthCheck make_ping_check(const std::shared_ptr<xmpp::XmppConnection>& connection,
                                                  boost::asio::any_io_executor executor,
                                                  std::chrono::milliseconds timeout = kHealthPingTimeout);

}  // namespace jicofo::app
