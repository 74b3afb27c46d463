// The focus-namespace IQs and extensions, and the MUC extensions.
#include "golden.hpp"
#include "jicofo/stanza/focus.hpp"
#include "jicofo/stanza/muc.hpp"
#include "jicofo/stanza/namespaces.hpp"

#include <gtest/gtest.h>

namespace jicofo::stanza {
namespace {

using testing::round_trips;
using testing::same_xml;
using testing::xml;

TEST(ConferenceIq, GoldenRequestFromAClient) {
    const auto golden = xml(R"(<conference xmlns='http://jitsi.org/protocol/focus' room='room1@conference.meet.test'
            machine-uid='2eb67059abc' token='eyJ.x.y' session-id='s1'>
          <property name='rtcstatsEnabled' value='false'/>
          <property name='visitors-version' value='1'/>
          <property name='startAudioMuted' value='10'/>
        </conference>)");
    const auto iq = ConferenceIq::parse(golden);
    ASSERT_TRUE(iq) << iq.error().message();
    EXPECT_EQ(iq->room->to_string(), "room1@conference.meet.test");
    EXPECT_EQ(iq->machine_uid, "2eb67059abc");
    EXPECT_EQ(iq->token, "eyJ.x.y");
    EXPECT_EQ(iq->session_id, "s1");
    EXPECT_FALSE(iq->ready);
    ASSERT_EQ(iq->properties.size(), 3U);
    EXPECT_EQ(iq->property("visitors-version"), "1");
    EXPECT_FALSE(iq->property("visitor"));
    EXPECT_TRUE(round_trips<ConferenceIq>(golden));
}

TEST(ConferenceIq, GoldenReplyFromTheFocus) {
    ConferenceIq reply;
    reply.room = *Jid::parse("room1@conference.example.com");
    reply.ready = true;
    reply.focus_jid = *Jid::parse("focus@auth.example.com");
    reply.set_property("authentication", "false");
    reply.set_property("sipGatewayEnabled", "true");
    reply.set_property("authentication", "true");
    const auto golden = xml(R"(<conference xmlns='http://jitsi.org/protocol/focus'
            room='room1@conference.example.com' ready='true' focusjid='focus@auth.example.com'>
          <property name='authentication' value='true'/>
          <property name='sipGatewayEnabled' value='true'/>
        </conference>)");
    EXPECT_TRUE(same_xml(reply.to_xml(), golden));
    EXPECT_TRUE(round_trips<ConferenceIq>(golden));
}

TEST(ConferenceIq, LenientAndStrictParts) {
    // focusJid as in the protocol document, a nameless property, an unknown child: all fine.
    const auto lenient = ConferenceIq::parse(xml(R"(<conference xmlns='http://jitsi.org/protocol/focus'
        focusJid='focus@auth.example.com' ready='false'><property value='x'/><unknown/></conference>)"));
    ASSERT_TRUE(lenient) << lenient.error().message();
    EXPECT_FALSE(lenient->room) << "a missing room is the handler's bad-request, not a parse error";
    EXPECT_EQ(lenient->focus_jid->to_string(), "focus@auth.example.com");
    EXPECT_EQ(lenient->ready, false);
    EXPECT_TRUE(lenient->properties.empty());

    for (const char* bad : {"<conference xmlns='http://jitsi.org/protocol/focus' room='no-at-sign'/>",
                            "<conference xmlns='http://jitsi.org/protocol/focus' room='a@b@c'/>",
                            "<conference xmlns='http://jitsi.org/protocol/focus' room='r@conf/res'/>",
                            "<conference xmlns='http://jitsi.org/protocol/focus' room='r@conf' ready='maybe'/>",
                            "<conference xmlns='http://jitsi.org/protocol/focus' focusjid='@x'/>",
                            "<conference xmlns='urn:other' room='r@conf'/>", "<conferences/>"}) {
        const auto parsed = ConferenceIq::parse(xml(bad));
        EXPECT_FALSE(parsed) << bad;
    }
}

TEST(LoginUrlIq, GoldenRoundTripWithEncodedUrl) {
    const auto golden = xml(R"(<login-url xmlns='http://jitsi.org/protocol/focus'
        room='room1@conference.example.com' machine-uid='m1' popup='false' url='.%2Froom1%3Flogin%3Dtrue'/>)");
    const auto iq = LoginUrlIq::parse(golden);
    ASSERT_TRUE(iq) << iq.error().message();
    EXPECT_EQ(iq->url, "./room1?login=true");
    EXPECT_EQ(iq->popup, false);
    EXPECT_TRUE(round_trips<LoginUrlIq>(golden));
    EXPECT_EQ(form_url_decode(form_url_encode("a b/é%")), "a b/é%");
    EXPECT_FALSE(LoginUrlIq::parse(xml("<login-url xmlns='http://jitsi.org/protocol/focus' room='bad'/>")));
}

TEST(LogoutIq, GoldenRoundTrip) {
    const auto golden = xml("<logout xmlns='http://jitsi.org/protocol/focus' session-id='abc'/>");
    const auto iq = LogoutIq::parse(golden);
    ASSERT_TRUE(iq);
    EXPECT_EQ(iq->session_id, "abc");
    EXPECT_FALSE(iq->logout_url);
    EXPECT_TRUE(round_trips<LogoutIq>(golden));
    EXPECT_FALSE(LogoutIq::parse(xml("<logout/>")));
}

TEST(ConferenceProperties, GoldenRoundTrip) {
    const auto golden = xml(R"(<conference-properties xmlns='http://jitsi.org/protocol/focus'>
        <property key='support-terminate-restart' value='true'/>
        <property key='visitor-codecs' value='vp9,vp8'/>
      </conference-properties>)");
    auto props = ConferenceProperties::parse(golden);
    ASSERT_TRUE(props);
    EXPECT_EQ(props->get("visitor-codecs"), "vp9,vp8");
    EXPECT_TRUE(round_trips<ConferenceProperties>(golden));
    props->set("bridge-count", "1");
    props->erase("visitor-codecs");
    EXPECT_EQ(props->entries.size(), 2U);
    EXPECT_FALSE(ConferenceProperties::parse(xml("<conference-properties/>")));
}

TEST(FocusMarkers, BridgeNotAvailableAndSessionInvalid) {
    EXPECT_TRUE(round_trips<BridgeNotAvailable>(xml("<bridgeNotAvailable xmlns='http://jitsi.org/protocol/focus'/>")));
    EXPECT_TRUE(round_trips<SessionInvalid>(xml("<session-invalid xmlns='http://jitsi.org/protocol/focus'/>")));
    EXPECT_FALSE(BridgeNotAvailable::parse(xml("<bridgeNotAvailable/>")));
}

TEST(MucJoin, GoldenRoundTrip) {
    const auto golden = xml(R"(<x xmlns='http://jabber.org/protocol/muc'>
        <password>secret</password><history maxstanzas='0'/></x>)");
    const auto join = MucJoin::parse(golden);
    ASSERT_TRUE(join);
    EXPECT_EQ(join->password, "secret");
    EXPECT_EQ(join->history_max_stanzas, 0);
    EXPECT_TRUE(round_trips<MucJoin>(golden));
    EXPECT_TRUE(same_xml(MucJoin{}.to_xml(), xml(R"(<x xmlns='http://jabber.org/protocol/muc'>
        <history maxstanzas='0'/></x>)")));
    EXPECT_FALSE(MucJoin::parse(xml("<x xmlns='http://jabber.org/protocol/muc'><history maxstanzas='z'/></x>")));
}

TEST(MucUserPresence, GoldenOccupantPresence) {
    const auto golden = xml(R"(<x xmlns='http://jabber.org/protocol/muc#user'>
        <item affiliation='owner' role='moderator' jid='focus@auth.example.com/focus1' nick='focus'>
          <actor nick='admin'/><reason>because</reason>
        </item>
        <status code='110'/><status code='201'/>
      </x>)");
    const auto presence = MucUserPresence::parse(golden);
    ASSERT_TRUE(presence) << presence.error().message();
    ASSERT_NE(presence->item(), nullptr);
    EXPECT_EQ(presence->item()->affiliation, MucAffiliation::owner);
    EXPECT_EQ(presence->item()->role, MucRole::moderator);
    EXPECT_EQ(presence->item()->jid->to_string(), "focus@auth.example.com/focus1");
    EXPECT_EQ(presence->item()->actor_nick, "admin");
    EXPECT_TRUE(presence->has_status(kMucStatusSelfPresence));
    EXPECT_TRUE(presence->has_status(kMucStatusRoomCreated));
    EXPECT_FALSE(presence->has_status(kMucStatusKicked));
    EXPECT_TRUE(round_trips<MucUserPresence>(golden));
}

TEST(MucUserPresence, DestroyAndMalformedItems) {
    const auto golden = xml(R"(<x xmlns='http://jabber.org/protocol/muc#user'>
        <item affiliation='none' role='none'/>
        <destroy jid='other@conference.example.com'><reason>moved</reason></destroy>
      </x>)");
    const auto presence = MucUserPresence::parse(golden);
    ASSERT_TRUE(presence);
    ASSERT_TRUE(presence->destroy);
    EXPECT_EQ(presence->destroy->reason, "moved");
    EXPECT_TRUE(round_trips<MucUserPresence>(golden));

    for (const char* bad : {"<x xmlns='http://jabber.org/protocol/muc#user'><item role='king'/></x>",
                            "<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='boss'/></x>",
                            "<x xmlns='http://jabber.org/protocol/muc#user'><item jid='@bad'/></x>",
                            "<x xmlns='http://jabber.org/protocol/muc#user'><status code='abc'/></x>",
                            "<x xmlns='http://jabber.org/protocol/muc'/>"}) {
        EXPECT_FALSE(MucUserPresence::parse(xml(bad))) << bad;
    }
}

TEST(MucAdminQuery, GrantAndKick) {
    const auto grant = xml(R"(<query xmlns='http://jabber.org/protocol/muc#admin'>
        <item affiliation='owner' jid='user@example.com'/></query>)");
    EXPECT_TRUE(same_xml(MucAdminQuery::grant(MucAffiliation::owner, *Jid::parse("user@example.com")).to_xml(), grant));
    EXPECT_TRUE(round_trips<MucAdminQuery>(grant));

    const auto kick = xml(R"(<query xmlns='http://jabber.org/protocol/muc#admin'>
        <item role='none' nick='2b016c41'><reason>bye</reason></item></query>)");
    EXPECT_TRUE(same_xml(MucAdminQuery::kick("2b016c41", "bye").to_xml(), kick));
    const auto parsed = MucAdminQuery::parse(kick);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->items.at(0).role, MucRole::none);
    EXPECT_FALSE(MucAdminQuery::parse(xml("<query xmlns='http://jabber.org/protocol/muc#owner'/>")));
}

}  // namespace
}  // namespace jicofo::stanza
