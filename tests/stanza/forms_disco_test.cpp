// Data forms, disco#info/#items, entity caps (with the XEP-0115 examples) and ping.
#include "golden.hpp"
#include "jicofo/stanza/data_form.hpp"
#include "jicofo/stanza/disco.hpp"
#include "jicofo/stanza/namespaces.hpp"

#include <gtest/gtest.h>

namespace jicofo::stanza {
namespace {

using testing::round_trips;
using testing::same_xml;
using testing::xml;

TEST(DataForm, GoldenRoomConfigSubmit) {
    DataForm form;
    form.set_field("FORM_TYPE", std::string(kFormTypeRoomConfig), "hidden");
    form.set_field(kFieldRoomConfigWhois, "anyone");
    const auto golden = xml(R"(<x xmlns='jabber:x:data' type='submit'>
        <field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/muc#roomconfig</value></field>
        <field var='muc#roomconfig_whois'><value>anyone</value></field>
      </x>)");
    EXPECT_TRUE(same_xml(form.to_xml(), golden));
    EXPECT_TRUE(round_trips<DataForm>(golden));
}

TEST(DataForm, GoldenRoomInfoResult) {
    const auto golden = xml(R"(<x xmlns='jabber:x:data' type='result'>
        <title>Room info</title>
        <field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/muc#roominfo</value></field>
        <field var='muc#roominfo_meetingId' type='text-single' label='Meeting id'><value>5f3c-11</value></field>
        <field var='muc#roominfo_isbreakout' type='boolean'><value>true</value></field>
        <field var='muc#roominfo_breakout_main_room'><value>main@conference.example.com</value></field>
        <field var='muc#roominfo_occupants' type='list-multi'><value>a</value><value>b</value></field>
        <field type='fixed'><value>note</value></field>
      </x>)");
    const auto form = DataForm::parse(golden);
    ASSERT_TRUE(form) << form.error().message();
    EXPECT_EQ(form->type, "result");
    EXPECT_EQ(form->title, "Room info");
    EXPECT_EQ(form->form_type(), kFormTypeRoomInfo);
    EXPECT_EQ(form->value(kFieldRoomInfoMeetingId), "5f3c-11");
    EXPECT_EQ(form->value(kFieldRoomInfoIsBreakout), "true");
    EXPECT_EQ(form->value(kFieldRoomInfoBreakoutMainRoom), "main@conference.example.com");
    EXPECT_EQ(form->field("muc#roominfo_occupants")->values.size(), 2U);
    EXPECT_FALSE(form->value("missing"));
    EXPECT_TRUE(round_trips<DataForm>(golden));
}

TEST(DataForm, RejectsMalformedForms) {
    EXPECT_FALSE(DataForm::parse(xml("<x xmlns='jabber:x:data'/>")));
    EXPECT_FALSE(DataForm::parse(xml("<x xmlns='jabber:x:data' type='draft'/>")));
    EXPECT_FALSE(DataForm::parse(xml("<x xmlns='jabber:x:oob' type='form'/>")));
}

TEST(DiscoInfo, GoldenRoomInfo) {
    const auto golden = xml(R"(<query xmlns='http://jabber.org/protocol/disco#info'>
        <identity category='conference' type='text' name='room1'/>
        <feature var='http://jabber.org/protocol/muc'/>
        <feature var='muc_membersonly'/>
        <x xmlns='jabber:x:data' type='result'>
          <field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/muc#roominfo</value></field>
          <field var='muc#roominfo_meetingId'><value>m-1</value></field>
        </x>
      </query>)");
    const auto info = DiscoInfo::parse(golden);
    ASSERT_TRUE(info) << info.error().message();
    EXPECT_TRUE(info->has_identity("conference", "text"));
    EXPECT_TRUE(info->has_feature("muc_membersonly"));
    EXPECT_FALSE(info->has_feature("muc_passwordprotected"));
    ASSERT_NE(info->extension(kFormTypeRoomInfo), nullptr);
    EXPECT_EQ(info->extension(kFormTypeRoomInfo)->value(kFieldRoomInfoMeetingId), "m-1");
    EXPECT_TRUE(round_trips<DiscoInfo>(golden));
    EXPECT_FALSE(DiscoInfo::parse(xml("<query xmlns='http://jabber.org/protocol/disco#info'><identity/></query>")));
}

TEST(DiscoItems, GoldenRoundTrip) {
    const auto golden = xml(R"(<query xmlns='http://jabber.org/protocol/disco#items'>
        <item jid='visitors.example.com' name='visitors'/>
        <item jid='conference.example.com' node='rooms'/>
      </query>)");
    const auto items = DiscoItems::parse(golden);
    ASSERT_TRUE(items);
    ASSERT_EQ(items->items.size(), 2U);
    EXPECT_EQ(items->items[0].jid.to_string(), "visitors.example.com");
    EXPECT_TRUE(round_trips<DiscoItems>(golden));
    EXPECT_FALSE(DiscoItems::parse(xml("<query xmlns='http://jabber.org/protocol/disco#items'><item/></query>")));
    EXPECT_FALSE(
        DiscoItems::parse(xml("<query xmlns='http://jabber.org/protocol/disco#items'><item jid='@x'/></query>")));
}

TEST(EntityCaps, GoldenRoundTrip) {
    const auto golden = xml(R"(<c xmlns='http://jabber.org/protocol/caps' hash='sha-1'
        node='https://jitsi.org/jitsi-meet' ver='QgayPKawpkPSDYmwT/WM94uAlu0='/>)");
    const auto caps = EntityCaps::parse(golden);
    ASSERT_TRUE(caps);
    EXPECT_EQ(caps->node, "https://jitsi.org/jitsi-meet");
    EXPECT_TRUE(round_trips<EntityCaps>(golden));
    EXPECT_FALSE(EntityCaps::parse(xml("<c xmlns='http://jabber.org/protocol/caps' hash='sha-1'/>")));
}

TEST(EntityCaps, VerificationStringOfTheXep0115SimpleExample) {
    DiscoInfo info;
    info.identities.push_back({"client", "pc", "Exodus 0.9.1", std::nullopt});
    info.features = {"http://jabber.org/protocol/muc", "http://jabber.org/protocol/disco#info",
                     "http://jabber.org/protocol/disco#items", "http://jabber.org/protocol/caps"};
    EXPECT_EQ(EntityCaps::compute_ver(info), "QgayPKawpkPSDYmwT/WM94uAlu0=");
}

TEST(EntityCaps, VerificationStringOfTheXep0115ComplexExample) {
    const auto parsed = DiscoInfo::parse(xml(R"(<query xmlns='http://jabber.org/protocol/disco#info'>
        <identity xml:lang='en' category='client' name='Psi 0.11' type='pc'/>
        <identity xml:lang='el' category='client' name='Ψ 0.11' type='pc'/>
        <feature var='http://jabber.org/protocol/caps'/>
        <feature var='http://jabber.org/protocol/disco#info'/>
        <feature var='http://jabber.org/protocol/disco#items'/>
        <feature var='http://jabber.org/protocol/muc'/>
        <x xmlns='jabber:x:data' type='result'>
          <field var='FORM_TYPE' type='hidden'><value>urn:xmpp:dataforms:softwareinfo</value></field>
          <field var='ip_version'><value>ipv4</value><value>ipv6</value></field>
          <field var='os'><value>Mac</value></field>
          <field var='os_version'><value>10.5.1</value></field>
          <field var='software'><value>Psi</value></field>
          <field var='software_version'><value>0.11</value></field>
        </x>
      </query>)"));
    ASSERT_TRUE(parsed) << parsed.error().message();
    EXPECT_EQ(parsed->identities.at(0).lang, "en");
    EXPECT_EQ(EntityCaps::compute_ver(*parsed), "q07IKJEyjvHSyhy//CH0CxmKi8w=");
}

TEST(Ping, GoldenRoundTrip) {
    EXPECT_TRUE(round_trips<Ping>(xml("<ping xmlns='urn:xmpp:ping'/>")));
    EXPECT_FALSE(Ping::parse(xml("<ping/>")));
}

}  // namespace
}  // namespace jicofo::stanza
