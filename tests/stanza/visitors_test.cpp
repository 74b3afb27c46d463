// The visitors component request: the protocol's example round trips, and malformed ones are refused.
#include "jicofo/stanza/visitors.hpp"

#include "golden.hpp"

#include <gtest/gtest.h>

namespace jicofo::stanza {
namespace {

using testing::round_trips;
using testing::xml;

TEST(VisitorsIq, GoldenConnectVnode) {
    const auto golden = xml(
        R"(<visitors xmlns='jitsi:visitors' room='room1@conference.example.com'><connect-vnode vnode='v1'/></visitors>)");
    const auto iq = VisitorsIq::parse(golden);
    ASSERT_TRUE(iq) << iq.error().message();
    EXPECT_EQ(iq->room.to_string(), "room1@conference.example.com");
    ASSERT_EQ(iq->changes.size(), 1U);
    EXPECT_EQ(iq->changes[0].action, VisitorsIq::Action::connect_vnode);
    EXPECT_EQ(iq->changes[0].vnode, "v1");
    EXPECT_TRUE(round_trips<VisitorsIq>(golden));
}

TEST(VisitorsIq, SeveralDisconnectsInOneRequest) {
    VisitorsIq iq;
    iq.room = Jid::parse("room1@conference.example.com").value();
    iq.changes = {{VisitorsIq::Action::disconnect_vnode, "v1"}, {VisitorsIq::Action::disconnect_vnode, "v2"}};
    const auto parsed = VisitorsIq::parse(iq.to_xml());
    ASSERT_TRUE(parsed) << parsed.error().message();
    EXPECT_EQ(*parsed, iq);
    EXPECT_EQ(iq.to_xml().children("disconnect-vnode", "jitsi:visitors").size(), 2U);
}

TEST(VisitorsIq, MalformedRequestsAreBadRequests) {
    for (const char* text : {
             R"(<visitors xmlns='jitsi:visitors'><connect-vnode vnode='v1'/></visitors>)",
             R"(<visitors xmlns='jitsi:visitors' room='conference.example.com'><connect-vnode vnode='v1'/></visitors>)",
             R"(<visitors xmlns='jitsi:visitors' room='r@c.example.com/nick'><connect-vnode vnode='v1'/></visitors>)",
             R"(<visitors xmlns='jitsi:visitors' room='r@c.example.com'/>)",
             R"(<visitors xmlns='jitsi:visitors' room='r@c.example.com'><connect-vnode/></visitors>)",
             R"(<visitors xmlns='jitsi:visitors' room='r@c.example.com'><promote vnode='v1'/></visitors>)",
             R"(<visitors xmlns='urn:other' room='r@c.example.com'><connect-vnode vnode='v1'/></visitors>)",
         }) {
        const auto iq = VisitorsIq::parse(xml(text));
        ASSERT_FALSE(iq) << text;
        EXPECT_EQ(iq.error().condition, ErrorCondition::bad_request) << text;
    }
}

}  // namespace
}  // namespace jicofo::stanza
