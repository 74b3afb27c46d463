// The focus in one MUC room (XEP-0045): join with our presence extensions, configure the room, track occupants as
// typed Members, publish our presence, administer (grants, kicks), leave, and re-join after a fresh XMPP session.
#pragma once

#include "jicofo/core/result.hpp"
#include "jicofo/stanza/data_form.hpp"
#include "jicofo/stanza/disco.hpp"
#include "jicofo/stanza/jid.hpp"
#include "jicofo/stanza/muc.hpp"
#include "jicofo/stanza/xml_element.hpp"
#include "jicofo/xmpp/iq_result.hpp"
#include "jicofo/xmpp/member.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/strand.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <variant>
#include <vector>

namespace jicofo::xmpp {

class XmppConnection;

// The strand a room (and its owner) lives on.
using Strand = boost::asio::strand<boost::asio::any_io_executor>;

// Why a join (or a re-join) failed, from the room's error presence or our own deadline.
enum class MucErrc {
    nick_in_use = 1,        // conflict
    not_authorized,         // a password is required or wrong
    registration_required,  // members-only room
    forbidden,              // banned
    room_full,              // service-unavailable: max occupants reached
    not_found,              // item-not-found: the room is locked or cannot be created
    join_failed,            // any other error presence
    timeout,                // no self-presence (status 110) within the deadline
    not_joined,             // the operation needs a joined room
    closed,                 // the room object went away, or leave() was called during the join
};

const std::error_category& muc_category();
std::error_code make_error_code(MucErrc code);
// The MucErrc for a join refused with this condition.
MucErrc muc_errc_from_condition(stanza::ErrorCondition condition);

// What the room tells the focus about itself, from the room configuration form (read while configuring it) and the
// muc#roominfo form of disco#info (Jitsi's Prosody modules add meetingId and the breakout fields there).
struct RoomInfo {
    std::optional<std::string> meeting_id;
    bool is_breakout = false;
    std::optional<stanza::Jid> main_room;  // of a breakout room
    bool lobby_enabled = false;            // muc#roomconfig_membersonly
    std::optional<bool> visitors_enabled;
    std::optional<int> participants_soft_limit;
    friend bool operator==(const RoomInfo&, const RoomInfo&) = default;
};

// Either form may be missing (not owner, no disco#info answer). disco#info wins where both say something.
[[nodiscard]] RoomInfo room_info_from(const stanza::DataForm* config_form, const stanza::DataForm* roominfo_form);
// What the focus submits: FORM_TYPE plus muc#roomconfig_whois=anyone, so participants see real JIDs and can tell
// the focus by its JID. Fields not submitted keep their values (as Smack's filled form does for Jicofo).
[[nodiscard]] stanza::DataForm room_config_submit();

struct JoinInfo {
    bool created = false;     // status 201: we created the room
    bool configured = false;  // the configuration form was submitted and accepted
    RoomInfo info;
    MemberRole own_role = MemberRole::visitor;
};
using JoinResult = core::Result<JoinInfo, std::error_code>;

struct MucRoomSettings {
    stanza::Jid room;  // bare room JID
    MemberParseOptions member_options;
    // Read the configuration form and submit whois=anyone after joining (needs owner rights); off for breweries.
    bool configure = true;
    // Deadline for the join (and each configuration IQ) and for leave(); zero → the connection's reply timeout.
    std::chrono::milliseconds timeout{0};
    // After a fresh XMPP session: join again (the default), or report every member gone and Left{session_lost}.
    bool rejoin_after_fresh_session = true;
};

// Events, delivered in order on the room's strand. The member is the room's own value (never null), which a listener
// may keep: the room replaces it on an update rather than changing it.
struct MemberJoined {
    SharedMember member;
};
struct MemberUpdated {
    SharedMember member;
};
struct MemberLeft {
    SharedMember member;
};
struct MemberKicked {  // status 307
    SharedMember member;
    std::optional<std::string> actor;
    std::optional<std::string> reason;
};
struct OwnRoleChanged {  // e.g. we lost ownership: Jicofo stops the conference then
    MemberRole previous;
    MemberRole current;
};
struct RoomDestroyed {
    std::optional<std::string> reason;
    std::optional<stanza::Jid> alternate_venue;
};
// session_lost: the XMPP session ended and a fresh one began, and the room was set not to re-join (a visitor
// node that restarted has forgotten the room; its occupants are gone).
enum class LeaveReason { requested, kicked, destroyed, removed, session_lost };
struct Left {  // we are out of the room; no re-join follows
    LeaveReason reason;
};
// After a fresh XMPP session the room was joined again (members were reconciled before this event) or could not be.
struct Rejoined {
    JoinResult result;
};
using MucEvent =
    std::variant<MemberJoined, MemberUpdated, MemberLeft, MemberKicked, OwnRoleChanged, RoomDestroyed, Left, Rejoined>;
using MucEventHandler = std::function<void(const MucEvent&)>;
// Completion of an admin request: nullopt on success.
using AdminCallback = std::function<void(std::optional<IqError>)>;

class MucRoomImpl;

// Our own presence extensions in a room, immutable and shared: every conference of a focus sends the same ones, so
// thousands of rooms hold one copy. One extension per name and namespace; null means none.
using PresenceExtensions = std::shared_ptr<const std::vector<stanza::XmlElement>>;

// Construct, use and destroy it on `strand`, the owner's strand (asserted in debug builds); callbacks and events
// arrive there. The connection must outlive the room. Destroying a joined room sends unavailable presence.
class MucRoom {
public:
    MucRoom(XmppConnection& connection, Strand strand, MucRoomSettings settings, MucEventHandler on_event);
    ~MucRoom();
    MucRoom(const MucRoom&) = delete;
    MucRoom& operator=(const MucRoom&) = delete;

    // Sends our presence (with `extensions`) to room/nick and completes once the room sent our own presence
    // (status 110) and, with settings.configure, the room was configured and its info read. Occupants already in
    // the room are reported as MemberJoined events right after `done`. After a fresh XMPP session the room re-joins
    // by itself with the same nick and the current presence extensions.
    void join(std::string nick, std::optional<std::string> password, PresenceExtensions extensions,
              std::function<void(JoinResult)> done);
    // Sends unavailable presence; `done(true)` when the room confirmed, `done(false)` after the deadline or if we
    // were not in the room. No event and no re-join follow.
    void leave(std::function<void(bool confirmed)> done = {});

    // Replaces the extension with the same name and namespace (or adds it) and re-sends our presence if joined. The
    // room then holds its own copy of the extensions; other rooms keep the shared one. The presence goes out after
    // the current strand turn, once for all the edits of the turn, and not at all when nothing changed or the turn
    // left the room: Prosody broadcasts each one to every occupant.
    void set_presence_extension(stanza::XmlElement extension);
    void remove_presence_extension(std::string_view name, std::string_view ns);

    // muc#admin requests to the room.
    void grant_affiliation(const stanza::Jid& real_jid, stanza::MucAffiliation affiliation, AdminCallback done = {});
    void grant_role(std::string nick, stanza::MucRole role, AdminCallback done = {});
    void kick(std::string nick, std::optional<std::string> reason = std::nullopt, AdminCallback done = {});

    [[nodiscard]] const stanza::Jid& room_jid() const;
    [[nodiscard]] bool joined() const;
    [[nodiscard]] std::optional<stanza::Jid> own_occupant_jid() const;
    [[nodiscard]] MemberRole own_role() const;
    [[nodiscard]] const RoomInfo& room_info() const;
    [[nodiscard]] const Member* member(std::string_view nick) const;
    [[nodiscard]] std::vector<Member> members() const;
    [[nodiscard]] std::size_t member_count() const;

private:
    std::shared_ptr<MucRoomImpl> impl_;
};

}  // namespace jicofo::xmpp

template <>
struct std::is_error_code_enum<jicofo::xmpp::MucErrc> : std::true_type {};
