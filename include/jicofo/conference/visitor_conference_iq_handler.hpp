// Conference requests a visitor sends to a node's focus (focus@<node's domain>) after a redirect, before it joins the
// node's room. They are answered there: ready once the main room's conference runs (the client retries otherwise),
// with the node's focus JID and never a `vnode` (that would redirect the client again).
#pragma once

#include "jicofo/conference/visitor_nodes.hpp"
#include "jicofo/stanza/envelope.hpp"
#include "jicofo/xmpp/xmpp_connection.hpp"

#include <functional>
#include <memory>
#include <vector>

namespace jicofo::conference {

class FocusManager;

class VisitorConferenceIqHandler {
public:
    // Registers on every node's connection; `nodes` and the connections must outlive this object.
    VisitorConferenceIqHandler(std::shared_ptr<const VisitorNodes> nodes, const std::shared_ptr<FocusManager>& manager);

    // One request that arrived over `node`'s connection; `send` gets the one answer, on the manager's strand or now.
    static void handle(const stanza::Iq& request, const VisitorNode& node, const VisitorNodes& nodes,
                       FocusManager& manager, std::function<void(stanza::Iq)> send);

private:
    std::shared_ptr<const VisitorNodes> nodes_;
    std::vector<xmpp::Registration> registrations_;
};

}  // namespace jicofo::conference
