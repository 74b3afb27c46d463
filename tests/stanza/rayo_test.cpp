// Rayo's dial and ref: the client's and Jigasi's forms round trip, the JvbRoomName helper reads and writes the
// header, and a dial without a destination, a ref without a uri, a nameless header or too many headers are refused
// with bad-request.
#include "jicofo/stanza/rayo.hpp"

#include "golden.hpp"

#include <gtest/gtest.h>

#include <string>

namespace jicofo::stanza {
namespace {

using testing::round_trips;
using testing::xml;

TEST(RayoDial, AClientsDialOutRoundTrips) {
    const auto golden = xml(R"(<dial xmlns='urn:xmpp:rayo:1' to='+15551234567' from='fromnumber'>)"
                            R"(<header name='JvbRoomName' value='room1@conference.example.com'/></dial>)");
    const auto dial = RayoDial::parse(golden);
    ASSERT_TRUE(dial) << dial.error().message();
    EXPECT_EQ(dial->to, "+15551234567");
    EXPECT_EQ(dial->from, std::optional<std::string>("fromnumber"));
    ASSERT_EQ(dial->headers.size(), 1U);
    EXPECT_EQ(dial->room_name_header(), std::optional<std::string_view>("room1@conference.example.com"));
    EXPECT_FALSE(dial->is_transcriber());
    EXPECT_TRUE(round_trips<RayoDial>(golden));
}

TEST(RayoDial, ATranscriberRequestWithoutHeadersRoundTrips) {
    const auto golden = xml(R"(<dial xmlns='urn:xmpp:rayo:1' to='jitsi_meet_transcribe'/>)");
    const auto dial = RayoDial::parse(golden);
    ASSERT_TRUE(dial) << dial.error().message();
    EXPECT_TRUE(dial->is_transcriber());
    EXPECT_FALSE(dial->from);
    EXPECT_FALSE(dial->room_name_header());
    EXPECT_TRUE(round_trips<RayoDial>(golden));
}

TEST(RayoDial, HeadersKeepTheirOrderAndTheFirstOfANameIsTheOneRead) {
    const auto golden =
        xml(R"(<dial xmlns='urn:xmpp:rayo:1' to='sip:a@b.c'>)"
            R"(<header name='X-Room' value='1'/><header name='JvbRoomName' value='r@c.example.com'/>)"
            R"(<header name='JvbRoomName' value='other@c.example.com'/><header name='NoValue'/></dial>)");
    const auto dial = RayoDial::parse(golden);
    ASSERT_TRUE(dial) << dial.error().message();
    ASSERT_EQ(dial->headers.size(), 4U);
    EXPECT_EQ(dial->headers[0].name, "X-Room");
    EXPECT_EQ(dial->room_name_header(), std::optional<std::string_view>("r@c.example.com"));
    EXPECT_FALSE(dial->header("NoValue"));
    EXPECT_FALSE(dial->header("jvbroomname")) << "names compare exactly";
    EXPECT_TRUE(round_trips<RayoDial>(golden));
}

TEST(RayoDial, SetHeaderReplacesTheFirstOrAppends) {
    RayoDial dial{.to = "+1", .from = std::nullopt, .headers = {}};
    dial.set_header(kJvbRoomNameHeader, "a@conference.example.com");
    dial.set_header("Other", "x");
    dial.set_header(kJvbRoomNameHeader, "b@conference.example.com");
    ASSERT_EQ(dial.headers.size(), 2U);
    EXPECT_EQ(dial.room_name_header(), std::optional<std::string_view>("b@conference.example.com"));
    const auto written = dial.to_xml();
    EXPECT_EQ(written.children("header", "urn:xmpp:rayo:1").size(), 2U);
    const auto again = RayoDial::parse(written);
    ASSERT_TRUE(again) << again.error().message();
    EXPECT_EQ(*again, dial);
}

TEST(RayoDial, HeadersOfAnotherNamespaceAndOtherChildrenAreIgnored) {
    const auto dial = RayoDial::parse(xml(R"(<dial xmlns='urn:xmpp:rayo:1' to='+1'>)"
                                          R"(<header xmlns='urn:example' name='JvbRoomName' value='x@y.z'/>)"
                                          R"(<something-else/></dial>)"));
    ASSERT_TRUE(dial) << dial.error().message();
    EXPECT_TRUE(dial->headers.empty());
    EXPECT_FALSE(dial->room_name_header());
}

TEST(RayoDial, MalformedDialsAreBadRequests) {
    for (const char* text : {
             R"(<dial xmlns='urn:xmpp:rayo:1' from='x'/>)",
             R"(<dial xmlns='urn:xmpp:rayo:1' to=''/>)",
             R"(<dial xmlns='urn:xmpp:rayo:1' to='+1'><header value='v'/></dial>)",
             R"(<dial xmlns='urn:xmpp:rayo:1' to='+1'><header name='' value='v'/></dial>)",
             R"(<dial xmlns='urn:xmpp:rayo:2' to='+1'/>)",
             R"(<ref xmlns='urn:xmpp:rayo:1' uri='xmpp:a@b.c'/>)",
         }) {
        const auto parsed = RayoDial::parse(xml(text));
        ASSERT_FALSE(parsed) << text;
        EXPECT_EQ(parsed.error().condition, ErrorCondition::bad_request) << text;
        EXPECT_FALSE(parsed.error().text.empty()) << text;
    }
}

TEST(RayoDial, HeadersAreCapped) {
    auto dial_with = [](std::size_t count) {
        XmlElement e("dial", "urn:xmpp:rayo:1");
        e.set_attribute("to", "+1");
        for (std::size_t i = 0; i < count; ++i) {
            XmlElement h("header");
            h.set_attribute("name", "h" + std::to_string(i));
            h.set_attribute("value", "v");
            e.add_child(std::move(h));
        }
        return e;
    };
    const auto at_cap = RayoDial::parse(dial_with(RayoDial::kMaxHeaders));
    ASSERT_TRUE(at_cap) << at_cap.error().message();
    EXPECT_EQ(at_cap->headers.size(), RayoDial::kMaxHeaders);
    const auto over = RayoDial::parse(dial_with(RayoDial::kMaxHeaders + 1));
    ASSERT_FALSE(over);
    EXPECT_EQ(over.error().condition, ErrorCondition::bad_request);
}

TEST(RayoRef, AJigasisAnswerRoundTrips) {
    const auto golden = xml(R"(<ref xmlns='urn:xmpp:rayo:1' uri='xmpp:room1@conference.example.com/jigasi'/>)");
    const auto ref = RayoRef::parse(golden);
    ASSERT_TRUE(ref) << ref.error().message();
    EXPECT_EQ(ref->uri, "xmpp:room1@conference.example.com/jigasi");
    EXPECT_TRUE(round_trips<RayoRef>(golden));
}

TEST(RayoRef, ARefWithoutAUriIsABadRequest) {
    for (const char* text : {
             R"(<ref xmlns='urn:xmpp:rayo:1'/>)",
             R"(<ref xmlns='urn:xmpp:rayo:1' uri=''/>)",
             R"(<ref xmlns='urn:example' uri='xmpp:a@b.c'/>)",
             R"(<dial xmlns='urn:xmpp:rayo:1' to='+1'/>)",
         }) {
        const auto parsed = RayoRef::parse(xml(text));
        ASSERT_FALSE(parsed) << text;
        EXPECT_EQ(parsed.error().condition, ErrorCondition::bad_request) << text;
    }
}

}  // namespace
}  // namespace jicofo::stanza
