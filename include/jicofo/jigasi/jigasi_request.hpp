// What a client's Rayo <dial/> to the focus means, and every refusal (jicofo-protocol.md §4h, Jicofo's
// JigasiIqHandler and JitsiMeetConference.acceptJigasiRequest): with moderator checks on, only a moderator (or
// owner) may dial (`forbidden` otherwise, also for a sender who is not an occupant); a JvbRoomName header must name
// the conference's room (`forbidden` otherwise, also when it is not a bare JID); to='jitsi_meet_transcribe' asks for
// a transcriber, which a room that already has one refuses with `conflict` (the reference built that error and
// never sent it). Finding the conference (the bare `from`, or the visitor room it belongs to) is the caller's. Pure.
#pragma once

#include "jicofo/core/result.hpp"
#include "jicofo/jigasi/jigasi_selector.hpp"
#include "jicofo/stanza/jid.hpp"
#include "jicofo/stanza/rayo.hpp"
#include "jicofo/stanza/stanza_error.hpp"
#include "jicofo/xmpp/member.hpp"

#include <optional>

namespace jicofo::jigasi {

// A dial the focus accepted: what to ask for and the IQ to forward.
struct DialRequest {
    JigasiKind kind = JigasiKind::sip;
    stanza::RayoDial dial;
    friend bool operator==(const DialRequest&, const DialRequest&) = default;
};

struct DialContext {
    // The conference's main room: a dial from a visitor room must still name this one in JvbRoomName.
    stanza::Jid room;
    // The sender's role in the room it sent from; nullopt when the sender is not an occupant.
    std::optional<xmpp::MemberRole> sender_role;
    bool moderator_checks = true;      // jicofo.conference.enable-moderator-checks
    bool transcriber_present = false;  // an occupant of the room is a transcriber
};

// The request, or the error to answer it with (the text says why).
[[nodiscard]] core::Result<DialRequest, stanza::StanzaError> read_dial_request(const stanza::RayoDial& dial,
                                                                               const DialContext& context);

}  // namespace jicofo::jigasi
