// <login-url/> and <logout/> from clients (directly, or forwarded by Prosody's client_proxy), as Jicofo's
// AuthenticationIqHandler answers them.
#include "jicofo/conference/authentication_iq_handler.hpp"

#include "jicofo/conference/conference_request.hpp"
#include "jicofo/conference/focus_manager.hpp"
#include "jicofo/core/logging.hpp"
#include "jicofo/stanza/focus.hpp"
#include "jicofo/stanza/namespaces.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace jicofo::conference {
namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto log = core::module_logger("auth");
    return log;
}

bool blank(const std::optional<std::string>& text) {
    return !text || std::all_of(text->begin(), text->end(), [](char c) { return c == ' ' || c == '\t'; });
}

// A payload that does not parse is a bad request, whatever the parser called it (as for the conference IQ).
stanza::StanzaError bad_request(stanza::StanzaError error) {
    error.condition = stanza::ErrorCondition::bad_request;
    error.type = stanza::ErrorType::modify;
    return error;
}

std::function<void(const stanza::Iq&)> sender(const std::shared_ptr<xmpp::XmppConnection>& connection) {
    return [weak = std::weak_ptr<xmpp::XmppConnection>(connection)](const stanza::Iq& reply) {
        if (auto strong = weak.lock()) {
            strong->send(reply);
        }
    };
}

}  // namespace

AuthenticationIqHandler::AuthenticationIqHandler(const std::shared_ptr<xmpp::XmppConnection>& connection,
                                                 std::shared_ptr<FocusManager> manager,
                                                 auth::AuthenticationSettings settings) {
    auto executor = manager->strand();
    login_url_ =
        connection->register_iq_handler("login-url", std::string(stanza::kNsFocus), stanza::IqType::get, executor,
                                        [send = sender(connection), settings = std::move(settings)](
                                            const stanza::Iq& request) { send(login_url_reply(request, settings)); });
    logout_ =
        connection->register_iq_handler("logout", std::string(stanza::kNsFocus), stanza::IqType::set, executor,
                                        [send = sender(connection), manager = std::move(manager)](
                                            const stanza::Iq& request) { handle_logout(request, *manager, send); });
}

stanza::Iq AuthenticationIqHandler::login_url_reply(const stanza::Iq& request,
                                                    const auth::AuthenticationSettings& settings) {
    if (!request.payload) {
        return stanza::Iq::error_for(request, stanza::StanzaError::bad_request("missing login-url element"));
    }
    auto iq = stanza::LoginUrlIq::parse(*request.payload);
    if (!iq) {
        return stanza::Iq::error_for(request, bad_request(iq.error()));
    }
    if (!iq->room) {
        return stanza::Iq::error_for(request, stanza::StanzaError::make(stanza::ErrorCondition::not_acceptable));
    }
    if (blank(iq->machine_uid)) {
        return stanza::Iq::error_for(request,
                                     stanza::StanzaError::bad_request("missing mandatory attribute 'machineUID'"));
    }
    stanza::LoginUrlIq reply;
    reply.url = auth::login_url(settings, *iq->room);
    logger()->info("room={} login url for {}: {}", iq->room->to_string(),
                   request.header.from ? request.header.from->to_string() : "?", reply.url.value_or("(none)"));
    return stanza::Iq::result_for(request, reply.to_xml());
}

void AuthenticationIqHandler::handle_logout(const stanza::Iq& request, FocusManager& manager,
                                            std::function<void(stanza::Iq)> send) {
    if (!request.payload) {
        send(stanza::Iq::error_for(request, stanza::StanzaError::bad_request("missing logout element")));
        return;
    }
    auto iq = stanza::LogoutIq::parse(*request.payload);
    if (!iq) {
        send(stanza::Iq::error_for(request, bad_request(iq.error())));
        return;
    }
    manager.logout(iq->session_id, [request, send = std::move(send)](bool logged_out) {
        if (logged_out) {
            // No logout URL: neither the XMPP nor the JWT authority has an external page to visit.
            send(stanza::Iq::result_for(request, stanza::LogoutIq{}.to_xml()));
        } else {
            send(stanza::Iq::error_for(request,
                                       to_stanza_error(RequestError{RequestErrc::session_invalid, "invalid session"})));
        }
    });
}

}  // namespace jicofo::conference
