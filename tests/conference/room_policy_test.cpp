// Which rooms a conference request may name: the conference MUC service, its tenant forms and the breakout service;
// never a brewery, the internal MUC service or anybody else's domain. Pure rules first, then the room map refusing
// such a request without creating (joining) anything.
#include "jicofo/conference/room_policy.hpp"

#include "conference/focus_manager_fixture.hpp"

#include <gtest/gtest.h>

namespace jicofo::conference {
namespace {

using testing::FocusManagerTest;
using testing::jid;

RoomServices meet_test_services() {
    RoomServices services;
    services.conference_service = "conference.meet.test";
    services.xmpp_domain = "meet.test";
    services.reserved_rooms = {jid("jvbbrewery@internal.auth.meet.test"), jid("jigasibrewery@conference.meet.test")};
    return services;
}

std::optional<RequestErrc> refusal(const std::string& room, const RoomServices& services) {
    auto admitted = admit_room(jid(room), services);
    if (admitted) {
        EXPECT_EQ(admitted->to_string(), room);  // admitted as named
        return std::nullopt;
    }
    return admitted.error().code;
}

TEST(RoomPolicyTest, ConferenceServiceAndItsTenantFormsAreAllowed) {
    const auto services = meet_test_services();
    EXPECT_EQ(refusal("room1@conference.meet.test", services), std::nullopt);
    EXPECT_EQ(refusal("room1@conference.tenant1.meet.test", services), std::nullopt);
    EXPECT_EQ(refusal("room1@conference.a.b.meet.test", services), std::nullopt);  // the mapper's (.+) tenant
    EXPECT_TRUE(conference_service_allowed("Conference.Meet.Test", services));     // any case
}

TEST(RoomPolicyTest, BreweriesInternalServiceAndOtherDomainsAreNotAllowed) {
    const auto services = meet_test_services();
    EXPECT_EQ(refusal("jvbbrewery@internal.auth.meet.test", services), RequestErrc::not_allowed);
    EXPECT_EQ(refusal("other@internal.auth.meet.test", services), RequestErrc::not_allowed);
    // A brewery configured on the conference service itself is still no conference room.
    EXPECT_EQ(refusal("jigasibrewery@conference.meet.test", services), RequestErrc::not_allowed);
    EXPECT_EQ(refusal("room1@conference.example.org", services), RequestErrc::not_allowed);
    EXPECT_EQ(refusal("room1@meet.test", services), RequestErrc::not_allowed);
    EXPECT_EQ(refusal("room1@auth.meet.test", services), RequestErrc::not_allowed);
    EXPECT_EQ(refusal("room1@xconference.meet.test", services), RequestErrc::not_allowed);
    EXPECT_EQ(refusal("room1@conferencex.meet.test", services), RequestErrc::not_allowed);
    EXPECT_EQ(refusal("room1@breakout.meet.test", services), RequestErrc::not_allowed);  // not announced
}

TEST(RoomPolicyTest, TheAnnouncedBreakoutServiceIsAllowed) {
    auto services = meet_test_services();
    services.breakout_service = "breakout.meet.test";
    EXPECT_EQ(refusal("abc-123@breakout.meet.test", services), std::nullopt);
    EXPECT_EQ(refusal("abc-123@breakout.example.org", services), RequestErrc::not_allowed);
}

TEST(RoomPolicyTest, AServiceNotNamedAfterTheDomainStillHasConferenceTenants) {
    RoomServices services;
    services.conference_service = "muc.example.org";
    services.xmpp_domain = "meet.test";
    EXPECT_EQ(refusal("room1@muc.example.org", services), std::nullopt);
    EXPECT_EQ(refusal("room1@conference.t.meet.test", services), std::nullopt);
    EXPECT_EQ(refusal("room1@conference.meet.test", services), RequestErrc::not_allowed);
}

TEST(RoomPolicyTest, MissingOrMalformedRoomsAreBadRequests) {
    const auto services = meet_test_services();
    EXPECT_EQ(admit_room(std::nullopt, services).error().code, RequestErrc::bad_request);
    EXPECT_EQ(admit_room(jid("conference.meet.test"), services).error().code, RequestErrc::bad_request);
    EXPECT_EQ(admit_room(jid("r@conference.meet.test/nick"), services).error().code, RequestErrc::bad_request);
}

TEST_F(FocusManagerTest, ARequestForARoomOutsideTheConferenceServiceIsNotAllowedAndJoinsNothing) {
    ConferenceSettings settings;
    settings.room_services = meet_test_services();
    auto manager = make_manager(true, settings);
    for (const std::string room : {"jvbbrewery@internal.auth.meet.test", "x@internal.auth.meet.test",
                                   "room1@conference.example.org", "jigasibrewery@conference.meet.test"}) {
        auto result = ask(*manager, request_for(room));
        ASSERT_FALSE(result) << room;
        EXPECT_EQ(result.error().code, RequestErrc::not_allowed) << room;
        EXPECT_EQ(to_stanza_error(result.error()).condition, stanza::ErrorCondition::not_allowed);
    }
    EXPECT_EQ(created_count(), 0U);
    EXPECT_TRUE(snapshot(*manager).conferences.empty());

    // The breakout service is allowed once announced; the conference service all along.
    EXPECT_TRUE(ask(*manager, request_for("room1@conference.meet.test")));
    auto breakout = ask(*manager, request_for("b1@breakout.meet.test"));
    ASSERT_FALSE(breakout);
    EXPECT_EQ(breakout.error().code, RequestErrc::not_allowed);
    manager->set_breakout_service("breakout.meet.test");
    EXPECT_TRUE(ask(*manager, request_for("b1@breakout.meet.test")));
    EXPECT_EQ(created_count(), 2U);
}

// Two spellings of one Prosody room (case, a fullwidth letter that NFKC folds) are one conference, answered under
// Prosody's name for it; a name Prosody refuses is a bad request.
TEST_F(FocusManagerTest, SpellingsOfOneProsodyRoomAreOneConferenceAndRefusedNamesAreBadRequests) {
    ConferenceSettings settings;
    settings.room_services = meet_test_services();
    auto manager = make_manager(true, settings);
    for (const std::string room :
         {"room1@conference.meet.test", "ROOM1@Conference.Meet.Test", "\xEF\xBC\xB2oom1@conference.meet.test",
          "r\xEF\xBD\x8Fom1@\xEF\xBD\x83onference.meet.test"}) {
        auto result = ask(*manager, request_for(room));
        ASSERT_TRUE(result) << room;
        EXPECT_EQ(result->room, jid("room1@conference.meet.test")) << room;
    }
    EXPECT_EQ(created_count(), 1U);
    EXPECT_EQ(created(0)->room(), jid("room1@conference.meet.test"));

    for (const std::string room : {"room\xEE\x80\x80@conference.meet.test",
                                   "a\xC2\xA0"
                                   "b@conference.meet.test"}) {
        auto result = ask(*manager, request_for(room));
        ASSERT_FALSE(result) << room;
        EXPECT_EQ(result.error().code, RequestErrc::bad_request) << room;
    }
    EXPECT_EQ(created_count(), 1U);
}

// A brewery spelled differently is still the brewery.
TEST(RoomPolicyTest, AReservedRoomIsRecognisedInAnySpelling) {
    const auto services = meet_test_services();
    auto admitted = admit_room(jid("\xEF\xBC\xAA\xEF\xBC\xB6\xEF\xBC\xA2"
                                   "brewery@internal.auth.meet.test"),
                               services);
    ASSERT_FALSE(admitted);
    EXPECT_EQ(admitted.error().code, RequestErrc::not_allowed);
    auto same = admit_room(jid("jigasi\xEF\xBC\xA2rewery@conference.meet.test"), services);
    ASSERT_FALSE(same);
    EXPECT_EQ(same.error().code, RequestErrc::not_allowed);
}

}  // namespace
}  // namespace jicofo::conference
