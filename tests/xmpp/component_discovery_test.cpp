// Component discovery: the pure reading of disco#info identities, and the whole exchange against Prosody.
#include "jicofo/xmpp/component_discovery.hpp"

#include <gtest/gtest.h>

#include "jicofo/stanza/xml_codec.hpp"

namespace jicofo::xmpp {
namespace {

stanza::DiscoInfo disco_from(const std::string& xml) {
    auto element = stanza::parse_xml(xml);
    EXPECT_TRUE(element);
    auto info = stanza::DiscoInfo::parse(*element);
    EXPECT_TRUE(info);
    return *info;
}

TEST(ComponentsFromDisco, ComponentIdentitiesNameTheAddresses) {
    auto found = components_from_disco(disco_from(R"(
        <query xmlns='http://jabber.org/protocol/disco#info'>
          <identity category='server' type='im' name='Prosody'/>
          <identity category='component' type='breakout_rooms' name='breakout.meet.example'/>
          <identity category='component' type='av_moderation' name='avmoderation.meet.example'/>
          <identity category='component' type='room_metadata' name='metadata.meet.example'/>
          <identity category='component' type='visitors' name='visitors.meet.example'/>
          <identity category='component' type='conference_duration' name='duration.meet.example'/>
          <feature var='urn:xmpp:ping'/>
        </query>)"));
    EXPECT_EQ(found.breakout_rooms, "breakout.meet.example");
    EXPECT_EQ(found.av_moderation, "avmoderation.meet.example");
    EXPECT_EQ(found.room_metadata, "metadata.meet.example");
    EXPECT_EQ(found.visitors, "visitors.meet.example");
    EXPECT_EQ(found.all.size(), 5u);
    EXPECT_EQ(found.all.at("conference_duration"), "duration.meet.example");
}

TEST(ComponentsFromDisco, OtherCategoriesAndNamelessIdentitiesAreIgnored) {
    auto found = components_from_disco(disco_from(R"(
        <query xmlns='http://jabber.org/protocol/disco#info'>
          <identity category='server' type='breakout_rooms' name='not-a-component.example'/>
          <identity category='component' type='av_moderation'/>
        </query>)"));
    EXPECT_EQ(found, DiscoveredComponents{});
}

}  // namespace
}  // namespace jicofo::xmpp
