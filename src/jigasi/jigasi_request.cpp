// The checks on a client's dial, in the reference's order: who asks, which room, then whether a transcriber fits.
#include "jicofo/jigasi/jigasi_request.hpp"

#include "jicofo/stanza/jid_prep.hpp"

#include <string>

namespace jicofo::jigasi {
namespace {

stanza::StanzaError forbidden(std::string text) {
    return stanza::StanzaError::make(stanza::ErrorCondition::forbidden, std::move(text));
}

// Both sides through Prosody's stringprep, so that a header in another case or Unicode form still names the room.
bool names_room(std::string_view header, const stanza::Jid& room) {
    auto named = stanza::Jid::parse(header);
    if (!named || !named->is_bare()) {
        return false;
    }
    auto named_prepped = stanza::prep(*named);
    auto room_prepped = stanza::prep(room.bare());
    return named_prepped && room_prepped && *named_prepped == *room_prepped;
}

}  // namespace

core::Result<DialRequest, stanza::StanzaError> read_dial_request(const stanza::RayoDial& dial,
                                                                 const DialContext& context) {
    if (context.moderator_checks && (!context.sender_role || !xmpp::has_moderator_rights(*context.sender_role))) {
        return core::unexpected(
            forbidden(context.sender_role ? "only moderators may invite Jigasi" : "the sender is not in the room"));
    }
    if (const auto header = dial.room_name_header(); header && !names_room(*header, context.room)) {
        return core::unexpected(forbidden("JvbRoomName '" + std::string(*header) + "' is not this room"));
    }
    const JigasiKind kind = dial.is_transcriber() ? JigasiKind::transcriber : JigasiKind::sip;
    if (kind == JigasiKind::transcriber && context.transcriber_present) {
        return core::unexpected(
            stanza::StanzaError::make(stanza::ErrorCondition::conflict, "a transcriber is already in the room"));
    }
    return DialRequest{kind, dial};
}

}  // namespace jicofo::jigasi
