// Conference requests over a visitor node's connection (visitor_conference_iq_handler.hpp).
#include "jicofo/conference/visitor_conference_iq_handler.hpp"

#include "jicofo/conference/focus_manager.hpp"
#include "jicofo/stanza/focus.hpp"
#include "jicofo/stanza/jid_prep.hpp"
#include "jicofo/stanza/namespaces.hpp"

namespace jicofo::conference {

VisitorConferenceIqHandler::VisitorConferenceIqHandler(std::shared_ptr<const VisitorNodes> nodes,
                                                       const std::shared_ptr<FocusManager>& manager)
    : nodes_(std::move(nodes)) {
    for (const auto& node : nodes_->nodes()) {
        if (!node.connection) {
            continue;
        }
        std::weak_ptr<xmpp::XmppConnection> weak = node.connection;
        registrations_.push_back(node.connection->register_iq_handler(
            "conference", std::string(stanza::kNsFocus), stanza::IqType::set, manager->strand(),
            [weak, manager, nodes = nodes_, node = &node](const stanza::Iq& request) {
                handle(request, *node, *nodes, *manager, [weak](const stanza::Iq& reply) {
                    if (auto connection = weak.lock()) {
                        connection->send(reply);
                    }
                });
            }));
    }
}

void VisitorConferenceIqHandler::handle(const stanza::Iq& request, const VisitorNode& node, const VisitorNodes& nodes,
                                        FocusManager& manager, std::function<void(stanza::Iq)> send) {
    auto iq = request.payload ? stanza::ConferenceIq::parse(*request.payload)
                              : stanza::ParseResult<stanza::ConferenceIq>(
                                    core::unexpected(stanza::StanzaError::bad_request("missing conference element")));
    if (!iq || !iq->room) {
        auto error = iq ? stanza::StanzaError::bad_request("missing room") : iq.error();
        error.condition = stanza::ErrorCondition::bad_request;
        error.type = stanza::ErrorType::modify;
        send(stanza::Iq::error_for(request, error));
        return;
    }
    // The node's room, or (a client that kept the main room's name) the main room itself.
    std::optional<stanza::Jid> main_room;
    if (auto mapped = nodes.main_room_of(*iq->room)) {
        if (mapped->node == &node) {
            main_room = std::move(mapped->room);
        }
    } else if (nodes.visitor_room(*iq->room, node)) {
        main_room = *iq->room;
    }
    auto room = main_room ? stanza::prep(*main_room) : stanza::ParseResult<stanza::Jid>(stanza::Jid{});
    if (!main_room || !room) {
        send(stanza::Iq::error_for(request, stanza::StanzaError::make(stanza::ErrorCondition::not_allowed,
                                                                      "not a visitor room of this node")));
        return;
    }
    manager.with_conference(std::move(room).value(), [request, reply_room = *iq->room, focus = node.focus_jid,
                                                      send = std::move(send)](ConferenceHandle* conference) {
        stanza::ConferenceIq answer;
        answer.room = reply_room;
        answer.ready = conference != nullptr;
        answer.focus_jid = focus;
        answer.properties.push_back({"visitors-supported", "true"});
        send(stanza::Iq::result_for(request, answer.to_xml()));
    });
}

}  // namespace jicofo::conference
