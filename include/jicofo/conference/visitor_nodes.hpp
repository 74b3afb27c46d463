// The visitor nodes (jicofo.xmpp.visitors.<id>): extra Prosody processes holding a large room's audience, each
// reached over its own XMPP connection. A conference's room on a node is the main room with the main XMPP domain
// replaced by the node's (tenants kept): room@conference.tenant.meet.example → room@conference.tenant.v1.meet.example.
// Built once at start-up and shared, immutable, by the conferences, the Jingle port and the feature host, which all
// need to know over which connection an occupant is reached and which conference a visitor room belongs to.
#pragma once

#include "jicofo/stanza/jid.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jicofo::xmpp {
class XmppConnection;
}  // namespace jicofo::xmpp

namespace jicofo::conference {

struct VisitorNode {
    std::string id;           // the configuration's key, sent to clients as `vnode`
    std::string xmpp_domain;  // replaces the main XMPP domain in room JIDs
    std::string muc_domain;   // the node's conference service: where its visitor rooms live
    stanza::Jid focus_jid;    // username@domain of the node's connection: the redirect's focusjid
    std::shared_ptr<xmpp::XmppConnection> connection;
};

class VisitorNodes {
public:
    VisitorNodes() = default;
    // `main_xmpp_domain` is the client connection's xmpp-domain. Nodes without an xmpp-domain cannot map rooms and
    // are left out by the caller.
    VisitorNodes(std::string main_xmpp_domain, std::vector<VisitorNode> nodes);

    [[nodiscard]] bool empty() const { return nodes_.empty(); }
    [[nodiscard]] const std::vector<VisitorNode>& nodes() const { return nodes_; }
    [[nodiscard]] const VisitorNode* node(std::string_view id) const;
    // The node whose conference service is `muc_domain` (compared case-insensitively).
    [[nodiscard]] const VisitorNode* node_of_muc(std::string_view muc_domain) const;

    // The main room's JID on a node: nullopt when its domain does not contain the main XMPP domain.
    [[nodiscard]] std::optional<stanza::Jid> visitor_room(const stanza::Jid& main_room, const VisitorNode& node) const;
    // The conference a visitor room belongs to: its main room and the node, or nullopt when `room` is not a room of a
    // node's conference service (then it is not ours to map).
    struct MainRoom {
        stanza::Jid room;
        const VisitorNode* node = nullptr;
    };
    [[nodiscard]] std::optional<MainRoom> main_room_of(const stanza::Jid& room) const;

    // The connection over which `to` is reached: a node's for an occupant of one of its rooms, else `main`.
    [[nodiscard]] xmpp::XmppConnection& connection_for(const stanza::Jid& to, xmpp::XmppConnection& main) const;

private:
    std::string main_xmpp_domain_;
    std::vector<VisitorNode> nodes_;
};

}  // namespace jicofo::conference
