// Conference IQs from clients (directly, or forwarded by Prosody's client_proxy) → FocusManager → one answer.
#include "jicofo/conference/conference_iq_handler.hpp"

#include "jicofo/conference/conference_request.hpp"
#include "jicofo/conference/focus_manager.hpp"
#include "jicofo/core/logging.hpp"
#include "jicofo/stanza/focus.hpp"
#include "jicofo/stanza/namespaces.hpp"

#include <spdlog/spdlog.h>

namespace jicofo::conference {

ConferenceIqHandler::ConferenceIqHandler(const std::shared_ptr<xmpp::XmppConnection>& connection,
                                         std::shared_ptr<FocusManager> manager,
                                         std::optional<stanza::Jid> client_proxy) {
    std::weak_ptr<xmpp::XmppConnection> weak = connection;
    auto executor = manager->strand();
    registration_ = connection->register_iq_handler(
        "conference", std::string(stanza::kNsFocus), stanza::IqType::set, executor,
        [weak, manager = std::move(manager), proxy = std::move(client_proxy)](const stanza::Iq& request) {
            handle(request, *manager, proxy, [weak](const stanza::Iq& reply) {
                if (auto connection = weak.lock()) {
                    connection->send(reply);
                }
            });
        });
}

void ConferenceIqHandler::handle(const stanza::Iq& request, FocusManager& manager,
                                 const std::optional<stanza::Jid>& client_proxy, std::function<void(stanza::Iq)> send) {
    static auto log = core::module_logger("conference");
    std::optional<stanza::Jid> sender;
    if (request.header.from) {
        sender = real_sender(*request.header.from, client_proxy);
        if (!sender) {
            send(stanza::Iq::error_for(request, stanza::StanzaError::bad_request("invalid client-proxy sender")));
            return;
        }
    }
    if (!request.payload) {
        send(stanza::Iq::error_for(request, stanza::StanzaError::bad_request("missing conference element")));
        return;
    }
    auto iq = stanza::ConferenceIq::parse(*request.payload);
    if (!iq) {
        log->info("conference request from {} refused: {}", sender ? sender->to_string() : "?", iq.error().message());
        auto error = iq.error();
        error.condition = stanza::ErrorCondition::bad_request;
        error.type = stanza::ErrorType::modify;
        send(stanza::Iq::error_for(request, error));
        return;
    }
    log->debug("conference request for {} from {}", iq->room ? iq->room->to_string() : "(no room)",
               sender ? sender->to_string() : "?");
    manager.conference_request(request_from_iq(*iq, sender),
                               [request, send = std::move(send)](ConferenceRequestResult result) {
                                   if (result) {
                                       send(stanza::Iq::result_for(request, to_conference_iq(*result).to_xml()));
                                   } else {
                                       send(stanza::Iq::error_for(request, to_stanza_error(result.error())));
                                   }
                               });
}

}  // namespace jicofo::conference
