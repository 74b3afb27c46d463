// Multi-user chat (XEP-0045): the join extension, occupant presence (muc#user) and admin queries (muc#admin).
#pragma once

#include "jicofo/stanza/jid.hpp"
#include "jicofo/stanza/stanza_error.hpp"
#include "jicofo/stanza/xml_element.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jicofo::stanza {

enum class MucAffiliation { owner, admin, member, outcast, none };
enum class MucRole { moderator, participant, visitor, none };

[[nodiscard]] std::string_view to_string(MucAffiliation affiliation);
[[nodiscard]] std::string_view to_string(MucRole role);
[[nodiscard]] std::optional<MucAffiliation> muc_affiliation_from_string(std::string_view text);
[[nodiscard]] std::optional<MucRole> muc_role_from_string(std::string_view text);

// Status codes of XEP-0045 §15.6 that jicofo acts on.
inline constexpr int kMucStatusSelfPresence = 110;
inline constexpr int kMucStatusRoomCreated = 201;
inline constexpr int kMucStatusKicked = 307;
inline constexpr int kMucStatusAffiliationChange = 321;
inline constexpr int kMucStatusSystemShutdown = 332;

// <x xmlns=muc><password/><history maxstanzas/></x>, sent in the presence that joins a room.
struct MucJoin {
    std::optional<std::string> password;
    std::optional<int> history_max_stanzas = 0;  // the focus never wants the room history

    static ParseResult<MucJoin> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const MucJoin&, const MucJoin&) = default;
};

// <item affiliation role jid nick><actor nick/><reason/></item>. Its namespace is the parent's: muc#user in
// presence, muc#admin in queries.
struct MucItem {
    std::optional<MucAffiliation> affiliation;
    std::optional<MucRole> role;
    std::optional<Jid> jid;  // the occupant's real JID, when the room shows it
    std::optional<std::string> nick;
    std::optional<std::string> actor_nick;
    std::optional<std::string> reason;

    // Unknown affiliation or role values are errors: acting on a misread role would grant or deny rights wrongly.
    static ParseResult<MucItem> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;
    friend bool operator==(const MucItem&, const MucItem&) = default;
};
using MucUserItem = MucItem;

// <destroy jid><reason/></destroy> inside muc#user (room destroyed, optional alternate venue).
struct MucDestroy {
    std::optional<Jid> alternate_venue;
    std::optional<std::string> reason;
    friend bool operator==(const MucDestroy&, const MucDestroy&) = default;
};

// <x xmlns=muc#user> in an occupant's presence.
struct MucUserPresence {
    std::vector<MucItem> items;
    std::vector<int> status_codes;
    std::optional<MucDestroy> destroy;

    static ParseResult<MucUserPresence> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;

    [[nodiscard]] bool has_status(int code) const;
    [[nodiscard]] const MucItem* item() const { return items.empty() ? nullptr : &items.front(); }
    friend bool operator==(const MucUserPresence&, const MucUserPresence&) = default;
};

// <query xmlns=muc#admin><item .../></query>: grants (affiliation + jid) and kicks (role none + nick).
struct MucAdminQuery {
    std::vector<MucItem> items;

    static ParseResult<MucAdminQuery> parse(const XmlElement& element);
    [[nodiscard]] XmlElement to_xml() const;

    [[nodiscard]] static MucAdminQuery grant(MucAffiliation affiliation, Jid jid);
    [[nodiscard]] static MucAdminQuery kick(std::string nick, std::optional<std::string> reason = std::nullopt);
    friend bool operator==(const MucAdminQuery&, const MucAdminQuery&) = default;
};

}  // namespace jicofo::stanza
