// Parsing and serialization of the XEP-0045 extensions used by the focus.
#include "jicofo/stanza/muc.hpp"

#include "jicofo/stanza/namespaces.hpp"
#include "parse_util.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace jicofo::stanza {

using detail::bad;

namespace {

constexpr std::array<std::pair<MucAffiliation, std::string_view>, 5> kAffiliations{{
    {MucAffiliation::owner, "owner"},
    {MucAffiliation::admin, "admin"},
    {MucAffiliation::member, "member"},
    {MucAffiliation::outcast, "outcast"},
    {MucAffiliation::none, "none"},
}};

constexpr std::array<std::pair<MucRole, std::string_view>, 4> kRoles{{
    {MucRole::moderator, "moderator"},
    {MucRole::participant, "participant"},
    {MucRole::visitor, "visitor"},
    {MucRole::none, "none"},
}};

template <typename Enum, std::size_t N>
std::string_view name_of(const std::array<std::pair<Enum, std::string_view>, N>& table, Enum value) {
    for (const auto& [v, name] : table) {
        if (v == value) {
            return name;
        }
    }
    return "none";
}

template <typename Enum, std::size_t N>
std::optional<Enum> value_of(const std::array<std::pair<Enum, std::string_view>, N>& table, std::string_view text) {
    for (const auto& [v, name] : table) {
        if (name == text) {
            return v;
        }
    }
    return std::nullopt;
}

ParseResult<std::vector<MucItem>> parse_items(const XmlElement& element) {
    std::vector<MucItem> items;
    for (const XmlElement* child : element.children("item", element.ns())) {
        auto item = MucItem::parse(*child);
        if (!item) {
            return core::unexpected(item.error());
        }
        items.push_back(std::move(item).value());
    }
    return items;
}

}  // namespace

std::string_view to_string(MucAffiliation affiliation) {
    return name_of(kAffiliations, affiliation);
}
std::string_view to_string(MucRole role) {
    return name_of(kRoles, role);
}
std::optional<MucAffiliation> muc_affiliation_from_string(std::string_view text) {
    return value_of(kAffiliations, text);
}
std::optional<MucRole> muc_role_from_string(std::string_view text) {
    return value_of(kRoles, text);
}

ParseResult<MucJoin> MucJoin::parse(const XmlElement& element) {
    if (auto problem = detail::expect_element(element, "x", kNsMuc)) {
        return core::unexpected(*problem);
    }
    MucJoin join;
    join.password = element.child_text("password");
    join.history_max_stanzas.reset();
    if (const XmlElement* history = element.child("history")) {
        auto max = detail::opt_int_attr<int>(*history, "maxstanzas");
        if (!max) {
            return core::unexpected(max.error());
        }
        join.history_max_stanzas = *max;
    }
    return join;
}

XmlElement MucJoin::to_xml() const {
    XmlElement e("x", std::string(kNsMuc));
    if (password) {
        e.add_text_child("password", *password);
    }
    if (history_max_stanzas) {
        e.add_child(XmlElement("history")).set_attribute("maxstanzas", std::to_string(*history_max_stanzas));
    }
    return e;
}

ParseResult<MucItem> MucItem::parse(const XmlElement& element) {
    if (auto problem = detail::expect_element(element, "item", {})) {
        return core::unexpected(*problem);
    }
    MucItem item;
    if (const auto a = element.attribute("affiliation")) {
        item.affiliation = muc_affiliation_from_string(*a);
        if (!item.affiliation) {
            return core::unexpected(bad("unknown affiliation '" + std::string(*a) + "'"));
        }
    }
    if (const auto r = element.attribute("role")) {
        item.role = muc_role_from_string(*r);
        if (!item.role) {
            return core::unexpected(bad("unknown role '" + std::string(*r) + "'"));
        }
    }
    auto jid = detail::opt_jid_attr(element, "jid");
    if (!jid) {
        return core::unexpected(jid.error());
    }
    item.jid = std::move(jid).value();
    item.nick = detail::opt_attr(element, "nick");
    if (const XmlElement* actor = element.child("actor")) {
        item.actor_nick = detail::opt_attr(*actor, "nick");
    }
    item.reason = element.child_text("reason");
    return item;
}

XmlElement MucItem::to_xml() const {
    XmlElement e("item");
    if (affiliation) {
        e.set_attribute("affiliation", std::string(to_string(*affiliation)));
    }
    if (role) {
        e.set_attribute("role", std::string(to_string(*role)));
    }
    e.set_attribute_if("jid", detail::jid_text(jid));
    e.set_attribute_if("nick", nick);
    if (actor_nick) {
        e.add_child(XmlElement("actor")).set_attribute("nick", *actor_nick);
    }
    if (reason) {
        e.add_text_child("reason", *reason);
    }
    return e;
}

ParseResult<MucUserPresence> MucUserPresence::parse(const XmlElement& element) {
    if (auto problem = detail::expect_element(element, "x", kNsMucUser)) {
        return core::unexpected(*problem);
    }
    MucUserPresence presence;
    auto items = parse_items(element);
    if (!items) {
        return core::unexpected(items.error());
    }
    presence.items = std::move(items).value();
    for (const XmlElement* status : element.children("status", kNsMucUser)) {
        const auto code = status->attribute("code");
        const auto value = code ? detail::parse_int<int>(*code) : std::nullopt;
        if (!value) {
            return core::unexpected(bad("muc#user <status/> without a numeric code"));
        }
        presence.status_codes.push_back(*value);
    }
    if (const XmlElement* destroy = element.child("destroy", kNsMucUser)) {
        auto venue = detail::opt_jid_attr(*destroy, "jid");
        if (!venue) {
            return core::unexpected(venue.error());
        }
        presence.destroy = MucDestroy{std::move(venue).value(), destroy->child_text("reason")};
    }
    return presence;
}

XmlElement MucUserPresence::to_xml() const {
    XmlElement e("x", std::string(kNsMucUser));
    for (const auto& item : items) {
        e.add_child(item.to_xml());
    }
    for (const int code : status_codes) {
        e.add_child(XmlElement("status")).set_attribute("code", std::to_string(code));
    }
    if (destroy) {
        XmlElement& d = e.add_child(XmlElement("destroy"));
        d.set_attribute_if("jid", detail::jid_text(destroy->alternate_venue));
        if (destroy->reason) {
            d.add_text_child("reason", *destroy->reason);
        }
    }
    return e;
}

bool MucUserPresence::has_status(int code) const {
    return std::find(status_codes.begin(), status_codes.end(), code) != status_codes.end();
}

ParseResult<MucAdminQuery> MucAdminQuery::parse(const XmlElement& element) {
    if (auto problem = detail::expect_element(element, "query", kNsMucAdmin)) {
        return core::unexpected(*problem);
    }
    auto items = parse_items(element);
    if (!items) {
        return core::unexpected(items.error());
    }
    return MucAdminQuery{std::move(items).value()};
}

XmlElement MucAdminQuery::to_xml() const {
    XmlElement e("query", std::string(kNsMucAdmin));
    for (const auto& item : items) {
        e.add_child(item.to_xml());
    }
    return e;
}

MucAdminQuery MucAdminQuery::grant(MucAffiliation affiliation, Jid jid) {
    MucItem item;
    item.affiliation = affiliation;
    item.jid = std::move(jid);
    return MucAdminQuery{{std::move(item)}};
}

MucAdminQuery MucAdminQuery::kick(std::string nick, std::optional<std::string> reason) {
    MucItem item;
    item.role = MucRole::none;
    item.nick = std::move(nick);
    item.reason = std::move(reason);
    return MucAdminQuery{{std::move(item)}};
}

}  // namespace jicofo::stanza
