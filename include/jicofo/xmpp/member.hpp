// A MUC occupant as a typed value, built from its presence: what the conference needs to know about a participant
// (roles, identity, mute state, codecs, Jibri/Jigasi markers) without looking at XML again.
#pragma once

#include "jicofo/core/shared_optional.hpp"
#include "jicofo/stanza/disco.hpp"
#include "jicofo/stanza/envelope.hpp"
#include "jicofo/stanza/jid.hpp"
#include "jicofo/stanza/jitsi_presence.hpp"
#include "jicofo/stanza/muc.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jicofo::xmpp {

// Jicofo's MemberRole: what a member may do in the conference, from its MUC affiliation and role.
enum class MemberRole { owner, moderator, participant, visitor };

[[nodiscard]] std::string_view to_string(MemberRole role);
// owner affiliation → owner; admin affiliation or moderator role → moderator; participant role → participant;
// anything else (visitor role, none) → visitor.
[[nodiscard]] MemberRole member_role_from(stanza::MucAffiliation affiliation, stanza::MucRole role);
// Owners can do what moderators can, and so on down.
[[nodiscard]] bool has_moderator_rights(MemberRole role);

struct Member {
    stanza::Jid occupant_jid;             // room@conference/nick
    std::string nick;                     // the occupant JID's resource; the endpoint id for clients
    std::optional<stanza::Jid> real_jid;  // only when the room shows real JIDs to us
    stanza::MucAffiliation affiliation = stanza::MucAffiliation::none;
    stanza::MucRole muc_role = stanza::MucRole::none;
    MemberRole role = MemberRole::visitor;

    std::optional<std::string> stats_id;
    std::optional<std::string> region;
    bool diarize = false;                     // <jitsi_participant_diarize>, read when the bridge endpoint is made
    std::optional<std::string> display_name;  // <nick xmlns=nick/>
    // Shared rather than inline: large, often absent, and the same value through a member's updates.
    core::SharedOptional<stanza::UserIdentity> identity;
    core::SharedOptional<stanza::EntityCaps> caps;
    std::optional<std::string> status;  // <status/> text, e.g. "switch_room"
    std::vector<std::string> features;  // <features/> vars as advertised (trusted or not)
    // Set only when the real JID's domain is trusted: anyone can claim these features.
    bool is_jibri = false;
    bool is_jigasi = false;
    bool is_transcriber = false;

    // From SourceInfo when present (a kind is muted unless one of its sources is unmuted), else the legacy
    // <audiomuted/>/<videomuted/>; muted when nothing says otherwise, as Jicofo. The per-source states themselves are
    // not kept: nothing else reads them.
    bool audio_muted = true;
    bool video_muted = true;
    // jitsi_participant_codecList (or the legacy codecType), in preference order; vp8 is always included because
    // every client can receive it. Absent when the member advertised nothing. Shared like caps: most members of a
    // room advertise the same list (see share_equal_values).
    core::SharedOptional<std::vector<std::string>> video_codecs;

    core::SharedOptional<stanza::Presence> presence;  // the last one, for extensions not modelled here (if kept)

    [[nodiscard]] bool is_visitor() const { return role == MemberRole::visitor; }
    friend bool operator==(const Member&, const Member&) = default;
};

// One member value shared by the owners that keep it (a room, its conference and the conference's media layer, all
// on the conference's strand): updates replace the pointer, never the value behind it.
using SharedMember = std::shared_ptr<const Member>;

// Members of one room mostly run the same client, so their caps and codec lists are equal: where `member`'s equal
// `other`'s, `member` now shares `other`'s value and the room keeps one copy of it. Values are unchanged.
void share_equal_values(Member& member, const Member& other);

// Whether `real_jid`'s domain is one of `domains`, compared case-insensitively (a configured "Auth.Example.com" is
// the domain the server calls "auth.example.com"). No real JID (the room hides it) is never trusted.
[[nodiscard]] bool domain_trusted(const std::optional<stanza::Jid>& real_jid, const std::vector<std::string>& domains);

struct MemberParseOptions {
    // Domains whose occupants are believed when they advertise Jibri, Jigasi or transcriber features.
    std::vector<std::string> trusted_domains;
    // Keep the raw presence in Member::presence. A brewery reads its instances' status from it; a conference reads
    // only the modelled fields, and the raw XML would be the largest part of every participant's memory.
    bool keep_presence = true;
};

struct MemberParse {
    Member member;
    // Extensions that did not parse and were skipped (the previous value was kept); for the log.
    std::vector<std::string> warnings;
};

// Builds a member from an available presence of an occupant (from = room/nick). A presence without a usable
// muc#user item (missing, unknown role or affiliation) is an error: acting on a misread role would be wrong.
// A broken Jitsi extension only produces a warning; `previous` (the member's last value) supplies that field.
[[nodiscard]] stanza::ParseResult<MemberParse> member_from_presence(const stanza::Presence& presence,
                                                                    const MemberParseOptions& options,
                                                                    const Member* previous = nullptr);

}  // namespace jicofo::xmpp
