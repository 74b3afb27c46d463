// XmlElement, parse_xml/to_xml_string and the libstrophe conversions, including the limits on hostile input.
#include "jicofo/stanza/xml_codec.hpp"
#include "golden.hpp"
#include "jicofo/stanza/namespaces.hpp"

#include <gtest/gtest.h>
#include <strophe.h>

#include <memory>
#include <string>

namespace jicofo::stanza {
namespace {

using testing::same_xml;
using testing::xml;

TEST(XmlElement, ChildrenInheritTheParentNamespace) {
    XmlElement conference("conference", std::string(kNsFocus));
    XmlElement property("property");
    property.add_child(XmlElement("inner"));
    conference.add_child(std::move(property)).set_attribute("name", "a");
    conference.add_child(XmlElement("x", std::string(kNsMuc)));

    ASSERT_NE(conference.child("property", kNsFocus), nullptr);
    EXPECT_EQ(conference.child("property")->child("inner")->ns(), kNsFocus);
    EXPECT_EQ(conference.child("x")->ns(), kNsMuc);
    EXPECT_EQ(conference.child("x", kNsFocus), nullptr);
    EXPECT_EQ(to_xml_string(conference),
              "<conference xmlns=\"http://jitsi.org/protocol/focus\"><property name=\"a\"><inner/></property>"
              "<x xmlns=\"http://jabber.org/protocol/muc\"/></conference>");
}

TEST(XmlElement, EqualityIgnoresAttributeOrderButNotChildOrder) {
    XmlElement a("e");
    a.set_attribute("x", "1").set_attribute("y", "2");
    XmlElement b("e");
    b.set_attribute("y", "2").set_attribute("x", "1");
    EXPECT_EQ(a, b);
    b.set_attribute("y", "3");
    EXPECT_FALSE(a == b);

    XmlElement c("e");
    c.add_child(XmlElement("one"));
    c.add_child(XmlElement("two"));
    XmlElement d("e");
    d.add_child(XmlElement("two"));
    d.add_child(XmlElement("one"));
    EXPECT_FALSE(c == d);
}

TEST(XmlElement, LookupsAndBuilders) {
    XmlElement e("presence");
    e.set_attribute("to", "a@b/c");
    e.add_text_child("status", "hello");
    e.add_child(XmlElement("c", std::string(kNsCaps)));
    e.add_child(XmlElement("c", std::string(kNsCaps)));
    EXPECT_EQ(e.attribute("to"), "a@b/c");
    EXPECT_FALSE(e.attribute("from").has_value());
    EXPECT_EQ(e.child_text("status"), "hello");
    EXPECT_EQ(e.children("c", kNsCaps).size(), 2U);
    EXPECT_EQ(e.element_count(), 3U);
    EXPECT_EQ(e.remove_children("c", kNsCaps), 2U);
    e.remove_attribute("to");
    EXPECT_TRUE(e.attributes().empty());
    e.add_text("a");
    e.add_text("b");
    EXPECT_EQ(e.text(), "ab");
    e.set_text("z");
    EXPECT_EQ(e.text(), "z");
}

TEST(XmlCodec, ParsesNamespacesAttributesAndText) {
    const auto e = xml(R"(<?xml version='1.0'?>
        <iq type='set' id='c1' to='focus.example.com'>
          <conference xmlns='http://jitsi.org/protocol/focus' room='room1@conference.example.com'>
            <property name='rtcstatsEnabled' value='true'/>
          </conference>
          <x:y xmlns:x='urn:other'>a &amp; b &lt; c</x:y>
        </iq>)");
    EXPECT_EQ(e.name(), "iq");
    EXPECT_EQ(e.ns(), "");
    EXPECT_EQ(e.attribute("id"), "c1");
    const XmlElement* conference = e.child("conference", kNsFocus);
    ASSERT_NE(conference, nullptr);
    EXPECT_EQ(conference->children("property", kNsFocus).size(), 1U);
    EXPECT_TRUE(conference->text().empty()) << "indentation between elements is dropped";
    const XmlElement* y = e.child("y", "urn:other");
    ASSERT_NE(y, nullptr);
    EXPECT_EQ(y->text(), "a & b < c");
}

TEST(XmlCodec, SerializerEscapesAndRoundTrips) {
    XmlElement e("message");
    e.set_attribute("to", "a'b\"c<d>&\n");
    e.add_text_child("body", "1 < 2 & 3 > 2 \"quoted\" 'single'\r\n");
    const std::string text = to_xml_string(e);
    EXPECT_EQ(text.find("<d>"), std::string::npos);
    const auto back = parse_xml(text);
    ASSERT_TRUE(back) << back.error().message() << "\n" << text;
    EXPECT_TRUE(same_xml(*back, e));
}

TEST(XmlCodec, SerializerNeverWritesInvalidXml) {
    XmlElement e("body");
    e.add_text(
        std::string("bad\x01"
                    "ctl and \xC3\x28 invalid utf8 and \xF0\x9F\x98\x80 emoji"));
    const std::string text = to_xml_string(e);
    const auto back = parse_xml(text);
    ASSERT_TRUE(back) << text;
    EXPECT_NE(back->text().find("\xF0\x9F\x98\x80"), std::string::npos);
    EXPECT_EQ(back->text().find('\x01'), std::string::npos);
}

// Plain values are copied in one piece and anything else goes through escaping and sanitizing: every byte value,
// in an attribute and in text, must come back as the sanitized value either way.
TEST(XmlCodec, EveryByteValueRoundTripsToItsSanitizedForm) {
    for (int byte = 1; byte < 256; ++byte) {
        const std::string value = "id-" + std::string(1, static_cast<char>(byte)) + "-end";
        XmlElement e("iq", "jabber:client");
        e.set_attribute("id", value);
        e.add_text_child("body", value);
        const std::string text = to_xml_string(e);
        const auto back = parse_xml(text);
        ASSERT_TRUE(back) << "byte " << byte << ": " << text;
        const std::string expected = sanitize_xml_text(value);
        EXPECT_EQ(back->attribute("id").value_or(""), expected) << "byte " << byte;
        const auto body = back->child_text("body");
        ASSERT_TRUE(body.has_value());
        EXPECT_EQ(*body, expected) << "byte " << byte;
    }
    XmlElement plain("presence", "jabber:client");
    plain.set_attribute("to", "room@conference.meet.test/abcd1234");
    EXPECT_EQ(to_xml_string(plain), R"(<presence xmlns="jabber:client" to="room@conference.meet.test/abcd1234"/>)");
}

TEST(XmlCodec, RejectsMalformedDocuments) {
    for (const char* bad : {"", "   ", "text", "<a>", "<a></b>", "<a/><b/>", "<a/>trailing", "</a>", "<a x='1/>",
                            "<a><!-- open</a>", "<!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>", "<a>&undefined;</a>",
                            "<?pi x?><a/>", "<p:a/>", "<a x='1' x='2'/>", "<a>\xC3\x28</a>", "<a x='\xFF'/>"}) {
        const auto result = parse_xml(bad);
        EXPECT_FALSE(result) << "accepted: " << bad;
        if (!result) {
            EXPECT_EQ(result.error().condition, ErrorCondition::bad_request);
            EXPECT_FALSE(result.error().text.empty());
        }
    }
    EXPECT_FALSE(parse_xml(std::string_view("<a>\0</a>", 8)));
}

std::string nested(std::size_t depth) {
    std::string s;
    for (std::size_t i = 0; i < depth; ++i) {
        s += "<e>";
    }
    for (std::size_t i = 0; i < depth; ++i) {
        s += "</e>";
    }
    return s;
}

TEST(XmlCodec, EnforcesDepthLimit) {
    EXPECT_TRUE(parse_xml(nested(kMaxXmlDepth)));
    const auto too_deep = parse_xml(nested(kMaxXmlDepth + 1));
    ASSERT_FALSE(too_deep);
    EXPECT_NE(too_deep.error().text.find("deeper"), std::string::npos);
    // Far deeper than any stack could take if it were handled recursively.
    EXPECT_FALSE(parse_xml(nested(200'000)));
}

TEST(XmlCodec, EnforcesElementCountLimit) {
    std::string many = "<r>";
    for (std::size_t i = 0; i < kMaxXmlElements; ++i) {
        many += "<i/>";
    }
    many += "</r>";
    const auto result = parse_xml(many);
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().text.find("elements"), std::string::npos);
}

TEST(XmlCodec, EnforcesAttributeLimit) {
    const std::string ok = "<a v='" + std::string(kMaxAttributeBytes, 'x') + "'/>";
    EXPECT_TRUE(parse_xml(ok));
    const std::string huge = "<a v='" + std::string(kMaxAttributeBytes + 1, 'x') + "'/>";
    const auto result = parse_xml(huge);
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().text.find("64 KiB"), std::string::npos);
}

struct CtxFree {
    void operator()(xmpp_ctx_t* c) const { xmpp_ctx_free(c); }
};
struct StanzaRelease {
    void operator()(xmpp_stanza_t* s) const { xmpp_stanza_release(s); }
};

TEST(XmlCodec, StropheConversionRoundTrips) {
    std::unique_ptr<xmpp_ctx_t, CtxFree> ctx(xmpp_ctx_new(nullptr, nullptr));
    const auto original = xml(R"(<presence to='room@conference.example.com/focus'>
          <x xmlns='http://jabber.org/protocol/muc'><history maxstanzas='0'/></x>
          <stats-id>Makayla &amp; co</stats-id>
        </presence>)");
    std::unique_ptr<xmpp_stanza_t, StanzaRelease> stanza(to_strophe(ctx.get(), original));
    ASSERT_NE(stanza, nullptr);
    EXPECT_STREQ(xmpp_stanza_get_name(stanza.get()), "presence");
    xmpp_stanza_t* x = xmpp_stanza_get_child_by_name(stanza.get(), "x");
    ASSERT_NE(x, nullptr);
    EXPECT_STREQ(xmpp_stanza_get_ns(x), kNsMuc.data());

    const auto back = from_strophe(stanza.get());
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_TRUE(same_xml(*back, original));

    // And through libstrophe's own renderer and parser, as on the wire.
    char* buffer = nullptr;
    std::size_t length = 0;
    ASSERT_EQ(xmpp_stanza_to_text(stanza.get(), &buffer, &length), XMPP_EOK);
    const std::string wire(buffer, length);
    xmpp_free(ctx.get(), buffer);
    const auto reparsed = parse_xml(wire);
    ASSERT_TRUE(reparsed) << wire;
    EXPECT_TRUE(same_xml(*reparsed, original));
}

TEST(XmlCodec, FromStropheAppliesLimits) {
    std::unique_ptr<xmpp_ctx_t, CtxFree> ctx(xmpp_ctx_new(nullptr, nullptr));
    XmlElement root("r");
    XmlElement* cursor = &root;
    for (std::size_t i = 0; i < kMaxXmlDepth; ++i) {
        cursor = &cursor->add_child(XmlElement("e"));
    }
    std::unique_ptr<xmpp_stanza_t, StanzaRelease> deep(to_strophe(ctx.get(), root));
    EXPECT_FALSE(from_strophe(deep.get()));

    XmlElement big("r");
    big.set_attribute("v", std::string(kMaxAttributeBytes + 1, 'x'));
    std::unique_ptr<xmpp_stanza_t, StanzaRelease> huge(to_strophe(ctx.get(), big));
    EXPECT_FALSE(from_strophe(huge.get()));
    EXPECT_FALSE(from_strophe(nullptr));
}

TEST(XmlCodec, SanitizeKeepsValidTextUnchanged) {
    EXPECT_EQ(sanitize_xml_text("héllo \xE2\x82\xAC \t\n"), "héllo \xE2\x82\xAC \t\n");
    EXPECT_EQ(sanitize_xml_text("a\x02z"), "a\xEF\xBF\xBDz");
    EXPECT_EQ(sanitize_xml_text("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
}

}  // namespace
}  // namespace jicofo::stanza
