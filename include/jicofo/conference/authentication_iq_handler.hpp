// The authentication IQs on the client connection, registered only with authentication on: <login-url/> (get) names
// the page where the user logs in, <logout/> (set) ends an authentication session. Each is answered exactly once, to
// whoever sent it (the client, or the client proxy).
#pragma once

#include "jicofo/auth/authentication_authority.hpp"
#include "jicofo/stanza/envelope.hpp"
#include "jicofo/xmpp/xmpp_connection.hpp"

#include <functional>
#include <memory>

namespace jicofo::conference {

class FocusManager;

class AuthenticationIqHandler {
public:
    // Registers on `connection`; unregisters when destroyed.
    AuthenticationIqHandler(const std::shared_ptr<xmpp::XmppConnection>& connection,
                            std::shared_ptr<FocusManager> manager, auth::AuthenticationSettings settings);

    // The handlers' logic, on their own. <login-url/> needs no session, so it is answered at once: without a room
    // not-acceptable, without a machine-uid bad-request, else a result carrying the URL (none for JWT).
    [[nodiscard]] static stanza::Iq login_url_reply(const stanza::Iq& request,
                                                    const auth::AuthenticationSettings& settings);
    // <logout/> asks the room map (which owns the sessions); `send` gets a result, or not-acceptable with
    // <session-invalid/> for an unknown session.
    static void handle_logout(const stanza::Iq& request, FocusManager& manager, std::function<void(stanza::Iq)> send);

private:
    xmpp::Registration login_url_;
    xmpp::Registration logout_;
};

}  // namespace jicofo::conference
