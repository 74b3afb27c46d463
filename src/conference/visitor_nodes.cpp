// Room JIDs between the main domain and the visitor nodes', and the connection that reaches an occupant.
#include "jicofo/conference/visitor_nodes.hpp"

#include "jicofo/xmpp/xmpp_connection.hpp"

#include <algorithm>
#include <cctype>

namespace jicofo::conference {
namespace {

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

// The part of `domain` before ".<suffix>" (empty when domain == suffix), or nullopt when it does not end so. Only
// whole labels match: "xmeet.test" does not end with the domain "meet.test".
std::optional<std::string_view> prefix_before(std::string_view domain, std::string_view suffix) {
    if (iequals(domain, suffix)) {
        return std::string_view{};
    }
    if (domain.size() <= suffix.size() + 1) {
        return std::nullopt;
    }
    const auto cut = domain.size() - suffix.size();
    if (domain[cut - 1] != '.' || !iequals(domain.substr(cut), suffix)) {
        return std::nullopt;
    }
    return domain.substr(0, cut - 1);
}

std::string join_domain(std::string_view prefix, std::string_view suffix) {
    return prefix.empty() ? std::string(suffix) : std::string(prefix) + "." + std::string(suffix);
}

std::string_view first_label(std::string_view domain) {
    return domain.substr(0, domain.find('.'));
}

}  // namespace

VisitorNodes::VisitorNodes(std::string main_xmpp_domain, std::vector<VisitorNode> nodes)
    : main_xmpp_domain_(std::move(main_xmpp_domain)), nodes_(std::move(nodes)) {}

const VisitorNode* VisitorNodes::node(std::string_view id) const {
    auto it = std::find_if(nodes_.begin(), nodes_.end(), [id](const VisitorNode& n) { return n.id == id; });
    return it == nodes_.end() ? nullptr : &*it;
}

const VisitorNode* VisitorNodes::node_of_muc(std::string_view muc_domain) const {
    auto it = std::find_if(nodes_.begin(), nodes_.end(),
                           [muc_domain](const VisitorNode& n) { return iequals(n.muc_domain, muc_domain); });
    return it == nodes_.end() ? nullptr : &*it;
}

std::optional<stanza::Jid> VisitorNodes::visitor_room(const stanza::Jid& main_room, const VisitorNode& node) const {
    auto prefix = prefix_before(main_room.domain(), main_xmpp_domain_);
    if (!prefix || prefix->empty()) {
        return std::nullopt;
    }
    auto jid = stanza::Jid::from_parts(main_room.local(), join_domain(*prefix, node.xmpp_domain));
    return jid ? std::optional<stanza::Jid>(std::move(jid).value()) : std::nullopt;
}

std::optional<VisitorNodes::MainRoom> VisitorNodes::main_room_of(const stanza::Jid& room) const {
    if (room.local().empty()) {
        return std::nullopt;
    }
    for (const auto& node : nodes_) {
        auto prefix = prefix_before(room.domain(), node.xmpp_domain);
        // The node's conference service, or a tenant's form of it (conference.<tenant>.<node domain>).
        if (!prefix || prefix->empty() || !iequals(first_label(*prefix), first_label(node.muc_domain))) {
            continue;
        }
        auto main = stanza::Jid::from_parts(room.local(), join_domain(*prefix, main_xmpp_domain_));
        if (main) {
            return MainRoom{std::move(main).value(), &node};
        }
    }
    return std::nullopt;
}

xmpp::XmppConnection& VisitorNodes::connection_for(const stanza::Jid& to, xmpp::XmppConnection& main) const {
    if (nodes_.empty()) {
        return main;
    }
    auto found = main_room_of(to.bare());
    return found && found->node->connection ? *found->node->connection : main;
}

}  // namespace jicofo::conference
