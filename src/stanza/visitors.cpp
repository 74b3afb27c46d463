// Parsing and serialization of the visitors component's connect-vnode / disconnect-vnode request.
#include "jicofo/stanza/visitors.hpp"

#include "jicofo/stanza/namespaces.hpp"
#include "parse_util.hpp"

namespace jicofo::stanza {
namespace {

constexpr std::string_view kConnect = "connect-vnode";
constexpr std::string_view kDisconnect = "disconnect-vnode";

}  // namespace

ParseResult<VisitorsIq> VisitorsIq::parse(const XmlElement& element) {
    if (auto wrong = detail::expect_element(element, "visitors", kNsVisitors)) {
        return core::unexpected(*wrong);
    }
    auto room = detail::opt_jid_attr(element, "room");
    if (!room) {
        return core::unexpected(room.error());
    }
    if (!*room || !(*room)->is_bare() || (*room)->local().empty()) {
        return core::unexpected(detail::bad("<visitors/> needs a bare room JID"));
    }
    VisitorsIq iq;
    iq.room = std::move(**room);
    for (const auto* child : element.elements()) {
        if (child->ns() != kNsVisitors || (child->name() != kConnect && child->name() != kDisconnect)) {
            return core::unexpected(detail::bad("unexpected <" + child->name() + "/> in <visitors/>"));
        }
        auto vnode = detail::required_attr(*child, "vnode");
        if (!vnode || vnode->empty()) {
            return core::unexpected(detail::bad("<" + child->name() + "/> needs a vnode"));
        }
        iq.changes.push_back(
            Change{child->name() == kConnect ? Action::connect_vnode : Action::disconnect_vnode, std::move(*vnode)});
    }
    if (iq.changes.empty()) {
        return core::unexpected(detail::bad("<visitors/> without connect-vnode or disconnect-vnode"));
    }
    return iq;
}

XmlElement VisitorsIq::to_xml() const {
    XmlElement e("visitors", std::string(kNsVisitors));
    e.set_attribute("room", room.to_string());
    for (const auto& change : changes) {
        XmlElement child(std::string(change.action == Action::connect_vnode ? kConnect : kDisconnect),
                         std::string(kNsVisitors));
        child.set_attribute("vnode", change.vnode);
        e.add_child(std::move(child));
    }
    return e;
}

}  // namespace jicofo::stanza
