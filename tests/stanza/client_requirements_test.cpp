// The client-requirements IQ: the golden forms round trip, and every malformed one is refused with bad-request.
#include "jicofo/stanza/client_requirements.hpp"

#include "golden.hpp"

#include <gtest/gtest.h>

namespace jicofo::stanza {
namespace {

using testing::round_trips;
using testing::xml;

TEST(ClientRequirementsIq, GoldenRejectWithAHardAndASoftFeature) {
    const auto golden =
        xml("<client-requirements xmlns='jitsi:client-requirements' action='reject'>"
            "<missing-feature var='http://jitsi.org/ssrc-rewriting-1' name='SSRC_REWRITING_V1' level='hard' "
            "details='Update to version 10.2 or later.' url='https://example.com/docs'/>"
            "<missing-feature var='http://jitsi.org/start-muted-room-metadata' name='START_MUTED_RMD' level='soft'/>"
            "</client-requirements>");
    const auto iq = ClientRequirementsIq::parse(golden);
    ASSERT_TRUE(iq) << iq.error().message();
    EXPECT_EQ(iq->action, RequirementsAction::reject);
    ASSERT_EQ(iq->missing.size(), 2U);
    EXPECT_EQ(iq->missing[0].var, "http://jitsi.org/ssrc-rewriting-1");
    EXPECT_EQ(iq->missing[0].name, "SSRC_REWRITING_V1");
    EXPECT_EQ(iq->missing[0].level, MissingFeatureLevel::hard);
    EXPECT_EQ(iq->missing[0].details, "Update to version 10.2 or later.");
    EXPECT_EQ(iq->missing[0].url, "https://example.com/docs");
    EXPECT_EQ(iq->missing[1].level, MissingFeatureLevel::soft);
    EXPECT_FALSE(iq->missing[1].details);
    EXPECT_FALSE(iq->missing[1].url);
    EXPECT_TRUE(round_trips<ClientRequirementsIq>(golden));
}

TEST(ClientRequirementsIq, GoldenWarnWithoutFeatures) {
    const auto golden = xml("<client-requirements xmlns='jitsi:client-requirements' action='warn'/>");
    const auto iq = ClientRequirementsIq::parse(golden);
    ASSERT_TRUE(iq);
    EXPECT_EQ(iq->action, RequirementsAction::warn);
    EXPECT_TRUE(iq->missing.empty());
    EXPECT_TRUE(round_trips<ClientRequirementsIq>(golden));
}

TEST(ClientRequirementsIq, BuiltValueSerializesAsTheProtocolSays) {
    ClientRequirementsIq iq;
    iq.action = RequirementsAction::warn;
    iq.missing.push_back({"urn:x:f", std::nullopt, MissingFeatureLevel::soft, "Update", std::nullopt});
    const auto element = iq.to_xml();
    EXPECT_EQ(element.name(), "client-requirements");
    EXPECT_EQ(element.ns(), "jitsi:client-requirements");
    EXPECT_EQ(element.attribute("action"), "warn");
    const auto* child = element.child("missing-feature", "jitsi:client-requirements");
    ASSERT_NE(child, nullptr);
    EXPECT_EQ(child->attribute("var"), "urn:x:f");
    EXPECT_EQ(child->attribute("level"), "soft");
    EXPECT_EQ(child->attribute("details"), "Update");
    EXPECT_FALSE(child->attribute("name"));
    EXPECT_FALSE(child->attribute("url"));
    const auto back = ClientRequirementsIq::parse(element);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, iq);
}

TEST(ClientRequirementsIq, MalformedFormsAreBadRequests) {
    for (const auto* text : {
             "<client-requirements xmlns='jitsi:client-requirements'/>",
             "<client-requirements xmlns='jitsi:client-requirements' action='invalid'/>",
             "<client-requirements xmlns='jitsi:client-requirements' action='REJECT'/>",
             "<client-requirements xmlns='urn:other' action='warn'/>",
             "<requirements xmlns='jitsi:client-requirements' action='warn'/>",
             "<client-requirements xmlns='jitsi:client-requirements' action='reject'>"
             "<missing-feature level='hard'/></client-requirements>",
             "<client-requirements xmlns='jitsi:client-requirements' action='reject'>"
             "<missing-feature var='' level='hard'/></client-requirements>",
             "<client-requirements xmlns='jitsi:client-requirements' action='reject'>"
             "<missing-feature var='f' level='invalid'/></client-requirements>",
             "<client-requirements xmlns='jitsi:client-requirements' action='reject'>"
             "<missing-feature var='f'/></client-requirements>",
         }) {
        const auto iq = ClientRequirementsIq::parse(xml(text));
        ASSERT_FALSE(iq) << text;
        EXPECT_EQ(iq.error().condition, ErrorCondition::bad_request) << text;
    }
}

TEST(ClientRequirementsIq, UnknownChildrenAreIgnored) {
    const auto iq = ClientRequirementsIq::parse(
        xml("<client-requirements xmlns='jitsi:client-requirements' action='warn'>"
            "<other xmlns='urn:x'/><missing-feature var='f' level='soft'/></client-requirements>"));
    ASSERT_TRUE(iq);
    ASSERT_EQ(iq->missing.size(), 1U);
    EXPECT_EQ(iq->missing[0].var, "f");
}

}  // namespace
}  // namespace jicofo::stanza
