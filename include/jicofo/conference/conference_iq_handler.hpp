// The conference IQ (<conference xmlns='http://jitsi.org/protocol/focus'/>, type set) on the client connection:
// parsed once, handed to the room map, answered exactly once to whoever sent it (the client, or the client proxy).
#pragma once

#include "jicofo/stanza/envelope.hpp"
#include "jicofo/stanza/jid.hpp"
#include "jicofo/xmpp/xmpp_connection.hpp"

#include <memory>
#include <optional>

namespace jicofo::conference {

class FocusManager;

class ConferenceIqHandler {
public:
    // Registers on `connection`; unregisters when destroyed. `client_proxy` is jicofo.xmpp.client.client-proxy.
    ConferenceIqHandler(const std::shared_ptr<xmpp::XmppConnection>& connection, std::shared_ptr<FocusManager> manager,
                        std::optional<stanza::Jid> client_proxy);

    // The handler's logic, on its own: `send` gets the one answer (now, or later from the manager's strand).
    static void handle(const stanza::Iq& request, FocusManager& manager, const std::optional<stanza::Jid>& client_proxy,
                       std::function<void(stanza::Iq)> send);

private:
    xmpp::Registration registration_;
};

}  // namespace jicofo::conference
