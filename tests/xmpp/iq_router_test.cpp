// IQ routing by (element, namespace, type), replacement and removal, and the service-unavailable default.
#include "jicofo/xmpp/iq_router.hpp"
#include "jicofo/xmpp/connection_state.hpp"

#include "jicofo/stanza/namespaces.hpp"

#include <gtest/gtest.h>

using jicofo::stanza::ErrorCondition;
using jicofo::stanza::Iq;
using jicofo::stanza::IqType;
using jicofo::stanza::Jid;
using jicofo::stanza::XmlElement;
using jicofo::xmpp::IqRoute;
using jicofo::xmpp::IqRouter;

namespace {

Iq make(IqType type, const char* element, std::string_view ns) {
    Iq iq;
    iq.header = {type, "id1", Jid::parse("alice@meet.test/web").value(),
                 Jid::parse("focus@auth.meet.test/focus").value()};
    iq.payload = XmlElement(element, std::string(ns));
    return iq;
}

}  // namespace

TEST(IqRouter, RoutesByElementNamespaceAndType) {
    IqRouter<int> router;
    router.add({"conference", std::string(jicofo::stanza::kNsFocus), IqType::set}, 1);
    router.add({"jingle", std::string(jicofo::stanza::kNsJingle), IqType::set}, 2);
    const auto* h = router.find(make(IqType::set, "conference", jicofo::stanza::kNsFocus));
    ASSERT_NE(h, nullptr);
    EXPECT_EQ(*h, 1);
    EXPECT_EQ(router.find(make(IqType::get, "conference", jicofo::stanza::kNsFocus)), nullptr);
    EXPECT_EQ(router.find(make(IqType::set, "conference", "urn:other")), nullptr);
    EXPECT_EQ(router.find(make(IqType::set, "jingle2", jicofo::stanza::kNsJingle)), nullptr);
    EXPECT_EQ(router.find(make(IqType::result, "jingle", jicofo::stanza::kNsJingle)), nullptr);
}

TEST(IqRouter, LaterRegistrationReplacesAndStaleRemovalIsIgnored) {
    IqRouter<int> router;
    const IqRoute route{"conference", std::string(jicofo::stanza::kNsFocus), IqType::set};
    const auto first = router.add(route, 1);
    const auto second = router.add(route, 2);
    router.remove(route, first);  // stale: the route belongs to the second registration
    const auto iq = make(IqType::set, "conference", jicofo::stanza::kNsFocus);
    ASSERT_NE(router.find(iq), nullptr);
    EXPECT_EQ(*router.find(iq), 2);
    router.remove(route, second);
    EXPECT_EQ(router.find(iq), nullptr);
    EXPECT_EQ(router.size(), 0U);
}

TEST(IqRouter, UnhandledRequestGetsServiceUnavailable) {
    const auto request = make(IqType::get, "query", "urn:unknown:0");
    const auto reply = jicofo::xmpp::unhandled_reply(request);
    EXPECT_EQ(reply.header.type, IqType::error);
    EXPECT_EQ(reply.header.id, "id1");
    EXPECT_EQ(reply.header.to, request.header.from);
    ASSERT_TRUE(reply.error.has_value());
    EXPECT_EQ(reply.error->condition, ErrorCondition::service_unavailable);
    // It serializes as a well-formed error reply.
    const auto xml = reply.to_xml();
    EXPECT_EQ(xml.attribute("type"), "error");
}

TEST(ConnectionState, ReasonsPrintWithDetail) {
    using namespace jicofo::xmpp;
    EXPECT_EQ(to_string(DisconnectReason{DisconnectKind::stream_error, "conflict"}), "stream_error(conflict)");
    EXPECT_EQ(to_string(DisconnectReason{DisconnectKind::auth_failed, {}}), "auth_failed");
}
