// A client's dial: who may ask (moderators, when moderator checks are on), the JvbRoomName header against the room,
// a transcriber request and the conflict when one is already present; refusals carry the reference's conditions.
#include "jicofo/jigasi/jigasi_request.hpp"

#include <gtest/gtest.h>

namespace jicofo::jigasi {
namespace {

using stanza::ErrorCondition;
using xmpp::MemberRole;

stanza::RayoDial dial_to(std::string to, std::optional<std::string> room_header = std::nullopt) {
    stanza::RayoDial dial;
    dial.to = std::move(to);
    dial.from = "fromnumber";
    if (room_header) {
        dial.set_header(stanza::kJvbRoomNameHeader, *room_header);
    }
    return dial;
}

DialContext in_room(std::optional<MemberRole> role, bool moderator_checks = true, bool transcriber_present = false) {
    return DialContext{stanza::Jid::parse("room1@conference.example.com").value(), role, moderator_checks,
                       transcriber_present};
}

ErrorCondition refusal(const core::Result<DialRequest, stanza::StanzaError>& result) {
    EXPECT_FALSE(result);
    return result ? ErrorCondition::undefined_condition : result.error().condition;
}

TEST(JigasiRequest, AModeratorsDialOutIsASipRequestCarryingTheDial) {
    const auto dial = dial_to("+15551234567", "room1@conference.example.com");
    for (const auto role : {MemberRole::moderator, MemberRole::owner}) {
        const auto request = read_dial_request(dial, in_room(role));
        ASSERT_TRUE(request) << request.error().message();
        EXPECT_EQ(request->kind, JigasiKind::sip);
        EXPECT_EQ(request->dial, dial);
    }
}

TEST(JigasiRequest, WithModeratorChecksOnlyModeratorsMayDial) {
    const auto dial = dial_to("+15551234567");
    EXPECT_EQ(refusal(read_dial_request(dial, in_room(MemberRole::participant))), ErrorCondition::forbidden);
    EXPECT_EQ(refusal(read_dial_request(dial, in_room(MemberRole::visitor))), ErrorCondition::forbidden);
    // Not an occupant at all (e.g. a sender in a visitor room the focus does not track).
    const auto stranger = read_dial_request(dial, in_room(std::nullopt));
    EXPECT_EQ(refusal(stranger), ErrorCondition::forbidden);
    EXPECT_FALSE(stranger.error().text.empty());
}

TEST(JigasiRequest, WithoutModeratorChecksAnyoneMayDial) {
    const auto dial = dial_to("+15551234567");
    EXPECT_TRUE(read_dial_request(dial, in_room(MemberRole::participant, false)));
    EXPECT_TRUE(read_dial_request(dial, in_room(std::nullopt, false)));
}

TEST(JigasiRequest, AJvbRoomNameForAnotherRoomIsForbidden) {
    for (const char* header : {"room2@conference.example.com", "room1@conference.other.com",
                               "room1@conference.example.com/nick", "not a jid@@", ""}) {
        const auto request = read_dial_request(dial_to("+1", std::string(header)), in_room(MemberRole::moderator));
        EXPECT_EQ(refusal(request), ErrorCondition::forbidden) << header;
    }
}

TEST(JigasiRequest, AJvbRoomNameInAnotherCaseStillNamesTheRoom) {
    const auto request =
        read_dial_request(dial_to("+1", "Room1@Conference.Example.com"), in_room(MemberRole::moderator));
    ASSERT_TRUE(request) << request.error().message();
}

TEST(JigasiRequest, TheRoomIsCheckedEvenWithoutModeratorChecks) {
    EXPECT_EQ(refusal(read_dial_request(dial_to("+1", "room2@conference.example.com"),
                                        in_room(MemberRole::participant, false))),
              ErrorCondition::forbidden);
}

TEST(JigasiRequest, ATranscribeDestinationAsksForATranscriber) {
    const auto request =
        read_dial_request(dial_to(std::string(stanza::kTranscriberDestination)), in_room(MemberRole::moderator));
    ASSERT_TRUE(request) << request.error().message();
    EXPECT_EQ(request->kind, JigasiKind::transcriber);
}

TEST(JigasiRequest, ASecondTranscriberIsAConflict) {
    const auto transcribe = dial_to(std::string(stanza::kTranscriberDestination));
    EXPECT_EQ(refusal(read_dial_request(transcribe, in_room(MemberRole::moderator, true, true))),
              ErrorCondition::conflict);
    // A SIP call is not affected by a transcriber in the room.
    EXPECT_TRUE(read_dial_request(dial_to("+1"), in_room(MemberRole::moderator, true, true)));
}

TEST(JigasiRequest, WhoAsksIsCheckedBeforeTheRoomAndTheConflict) {
    // A participant's transcriber request for another room, with a transcriber present: forbidden, not conflict.
    auto dial = dial_to(std::string(stanza::kTranscriberDestination), "room2@conference.example.com");
    EXPECT_EQ(refusal(read_dial_request(dial, in_room(MemberRole::participant, true, true))),
              ErrorCondition::forbidden);
    // A moderator's: still forbidden for the room, before the conflict.
    EXPECT_EQ(refusal(read_dial_request(dial, in_room(MemberRole::moderator, true, true))), ErrorCondition::forbidden);
}

}  // namespace
}  // namespace jicofo::jigasi
