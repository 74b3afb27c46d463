// JIDs, the <error/> value and the iq/presence/message envelopes.
#include "golden.hpp"
#include "jicofo/stanza/envelope.hpp"
#include "jicofo/stanza/jid.hpp"
#include "jicofo/stanza/namespaces.hpp"

#include <gtest/gtest.h>

#include <string>
#include <unordered_set>

namespace jicofo::stanza {
namespace {

using testing::round_trips;
using testing::same_xml;
using testing::xml;

TEST(Jid, ParsesBareFullAndDomainJids) {
    const auto full = Jid::parse("Room1@Conference.Example.COM/Nick Name");
    ASSERT_TRUE(full) << full.error().message();
    EXPECT_EQ(full->local(), "room1");
    EXPECT_EQ(full->domain(), "conference.example.com");
    EXPECT_EQ(full->resource(), "Nick Name");
    EXPECT_FALSE(full->is_bare());
    EXPECT_EQ(full->bare().to_string(), "room1@conference.example.com");
    EXPECT_EQ(full->to_string(), "room1@conference.example.com/Nick Name");

    const auto domain = Jid::parse("focus.example.com");
    ASSERT_TRUE(domain);
    EXPECT_TRUE(domain->is_domain());

    // The resource may hold '@' and '/', as client_proxy's focus.example.com/user@example.com/res does.
    const auto proxied = Jid::parse("focus.example.com/user@example.com/res");
    ASSERT_TRUE(proxied);
    EXPECT_EQ(proxied->domain(), "focus.example.com");
    EXPECT_EQ(proxied->resource(), "user@example.com/res");

    EXPECT_EQ(Jid::parse("a@example.com.")->domain(), "example.com");
    EXPECT_TRUE(Jid::parse("a@[::1]"));
    EXPECT_EQ(*Jid::parse("A@B"), *Jid::parse("a@b"));
    EXPECT_EQ(Jid::parse("room@conf")->with_resource("focus")->to_string(), "room@conf/focus");

    std::unordered_set<Jid> set{*Jid::parse("a@b/c"), *Jid::parse("A@B/c")};
    EXPECT_EQ(set.size(), 1U);
}

TEST(Jid, PartsOfEveryShapeAndOrderByParts) {
    // One string holds the parts: check each shape's boundaries, including a bare domain and a trailing-dot domain.
    const auto domain_only = *Jid::parse("example.com");
    EXPECT_EQ(domain_only.local(), "");
    EXPECT_EQ(domain_only.domain(), "example.com");
    EXPECT_EQ(domain_only.resource(), "");
    const auto domain_resource = *Jid::parse("Example.com./r");
    EXPECT_EQ(domain_resource.str(), "example.com/r");
    EXPECT_EQ(domain_resource.domain(), "example.com");
    EXPECT_EQ(domain_resource.resource(), "r");
    EXPECT_FALSE(domain_resource.is_domain());
    EXPECT_EQ(domain_resource.bare(), domain_only);
    const auto from_parts = *Jid::from_parts("Room", "Conf.Example.com", "Nick");
    EXPECT_EQ(from_parts, *Jid::parse("room@conf.example.com/Nick"));
    EXPECT_EQ(from_parts.bare().resource(), "");
    EXPECT_TRUE(Jid().empty());
    EXPECT_FALSE(from_parts.empty());

    // By localpart first, as the parts compare; the text alone would put "a.b@x" first ('.' sorts before '@').
    EXPECT_LT(*Jid::parse("a@x"), *Jid::parse("a.b@x"));
    EXPECT_LT(*Jid::parse("x"), *Jid::parse("a@x"));  // no localpart sorts first
    EXPECT_LT(*Jid::parse("a@x"), *Jid::parse("a@x/r"));
    EXPECT_LT(*Jid::parse("a@x/r"), *Jid::parse("a@y"));
}
TEST(Jid, RejectsMalformedJids) {
    for (const std::string& bad :
         {std::string(), std::string("@example.com"), std::string("a@"), std::string("a@example.com/"),
          std::string("a b@example.com"), std::string("a@exa mple.com"), std::string("a\"b@example.com"),
          std::string("a@b@c"), std::string("a@.example.com"), std::string("a@exa..mple"), std::string("a@[::1"),
          std::string("a@example.com/res\x01"), std::string("\xC3\x28@example.com"),
          std::string(1024, 'x') + "@example.com", "a@" + std::string(1024, 'd'), "a@b/" + std::string(1024, 'r')}) {
        const auto jid = Jid::parse(bad);
        EXPECT_FALSE(jid) << "accepted '" << bad << "'";
        if (!jid) {
            EXPECT_EQ(jid.error().condition, ErrorCondition::jid_malformed);
        }
    }
    EXPECT_TRUE(Jid::parse(std::string(1023, 'x') + "@example.com"));
}

TEST(StanzaError, GoldenRoundTrip) {
    const auto golden = xml(R"(<error type='modify'>
        <not-acceptable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>
        <text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>session expired</text>
        <session-invalid xmlns='http://jitsi.org/protocol/focus'/>
      </error>)");
    const auto error = StanzaError::parse(golden);
    ASSERT_TRUE(error) << error.error().message();
    EXPECT_EQ(error->type, ErrorType::modify);
    EXPECT_EQ(error->condition, ErrorCondition::not_acceptable);
    EXPECT_EQ(error->text, "session expired");
    ASSERT_TRUE(error->app_specific);
    EXPECT_EQ(error->app_specific->name(), "session-invalid");
    EXPECT_EQ(error->message(), "not-acceptable: session expired");
    EXPECT_TRUE(round_trips<StanzaError>(golden));
}

TEST(StanzaError, DefaultsAndMalformedInput) {
    EXPECT_EQ(StanzaError::bad_request("x").type, ErrorType::modify);
    EXPECT_EQ(StanzaError::make(ErrorCondition::not_authorized).type, ErrorType::auth);
    EXPECT_EQ(StanzaError::make(ErrorCondition::service_unavailable).type, ErrorType::cancel);
    EXPECT_EQ(StanzaError::make(ErrorCondition::remote_server_timeout).type, ErrorType::wait);
    for (auto condition : {ErrorCondition::bad_request, ErrorCondition::item_not_found, ErrorCondition::conflict,
                           ErrorCondition::feature_not_implemented, ErrorCondition::internal_server_error}) {
        EXPECT_EQ(error_condition_from_string(to_string(condition)), condition);
    }
    EXPECT_FALSE(StanzaError::parse(xml("<error/>")));
    EXPECT_FALSE(StanzaError::parse(xml("<error type='sideways'/>")));
    EXPECT_FALSE(StanzaError::parse(xml("<fault type='cancel'/>")));
    const auto unknown =
        StanzaError::parse(xml("<error type='cancel'><weird xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>"));
    ASSERT_TRUE(unknown);
    EXPECT_EQ(unknown->condition, ErrorCondition::undefined_condition);
}

TEST(Iq, GoldenRoundTrip) {
    const auto golden = xml(R"(<iq type='set' id='c1' from='user@example.com/res' to='focus.example.com'>
        <conference xmlns='http://jitsi.org/protocol/focus' room='room1@conference.example.com'/>
      </iq>)");
    const auto iq = Iq::parse(golden);
    ASSERT_TRUE(iq) << iq.error().message();
    EXPECT_EQ(iq->header.type, IqType::set);
    EXPECT_EQ(iq->header.id, "c1");
    EXPECT_EQ(iq->header.from->to_string(), "user@example.com/res");
    ASSERT_TRUE(iq->payload);
    EXPECT_EQ(iq->payload->ns(), kNsFocus);
    EXPECT_TRUE(round_trips<Iq>(golden));

    const auto reply = Iq::error_for(*iq, StanzaError::bad_request("missing room"));
    EXPECT_TRUE(same_xml(reply.to_xml(), xml(R"(<iq type='error' id='c1' from='focus.example.com'
        to='user@example.com/res'><error type='modify'><bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>
        <text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>missing room</text></error></iq>)")));
}

TEST(Iq, ErrorReplyKeepsPayloadAndError) {
    const auto golden = xml(R"(<iq type='error' id='h1' from='jvbbrewery@internal.example.com/jvb1'>
        <healthcheck xmlns='http://jitsi.org/protocol/health'/>
        <error type='cancel'><internal-server-error xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>
      </iq>)");
    const auto iq = Iq::parse(golden);
    ASSERT_TRUE(iq);
    ASSERT_TRUE(iq->error);
    EXPECT_EQ(iq->error->condition, ErrorCondition::internal_server_error);
    EXPECT_EQ(iq->payload->name(), "healthcheck");
    EXPECT_TRUE(round_trips<Iq>(golden));
    EXPECT_TRUE(Iq::parse(xml("<iq type='result' id='r'/>")));
}

TEST(Iq, RejectsMalformedEnvelopes) {
    for (const char* bad :
         {"<iq id='1'><ping xmlns='urn:xmpp:ping'/></iq>", "<iq type='fetch' id='1'><ping xmlns='urn:xmpp:ping'/></iq>",
          "<iq type='get'><ping xmlns='urn:xmpp:ping'/></iq>", "<iq type='get' id='1'/>",
          "<iq type='get' id='1'><a/><b/></iq>", "<iq type='get' id='1' to='bad@'><ping xmlns='urn:xmpp:ping'/></iq>",
          "<message type='get' id='1'/>", "<iq type='error' id='1'><error/></iq>"}) {
        EXPECT_FALSE(Iq::parse(xml(bad))) << bad;
    }
}

TEST(Presence, GoldenRoundTripAndExtensions) {
    const auto golden = xml(R"(<presence from='room1@conference.example.com/2b016c41' to='focus@auth.example.com/f'>
        <show>away</show><status>switch_room</status><priority>5</priority>
        <x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='none' role='participant'/></x>
        <stats-id>Makayla-XEx</stats-id>
      </presence>)");
    auto presence = Presence::parse(golden);
    ASSERT_TRUE(presence) << presence.error().message();
    EXPECT_FALSE(presence->is_unavailable());
    EXPECT_EQ(presence->status, "switch_room");
    EXPECT_EQ(presence->show, "away");
    EXPECT_EQ(presence->priority, 5);
    EXPECT_EQ(presence->extensions.size(), 2U);
    EXPECT_NE(presence->extension("x", kNsMucUser), nullptr);
    EXPECT_NE(presence->extension("stats-id"), nullptr);
    EXPECT_TRUE(round_trips<Presence>(golden));

    XmlElement replacement("stats-id");
    replacement.add_text("Other");
    presence->set_extension(replacement);
    EXPECT_EQ(presence->extensions.size(), 2U);
    EXPECT_EQ(presence->extension("stats-id")->text(), "Other");
    presence->remove_extension("x", kNsMucUser);
    EXPECT_EQ(presence->extensions.size(), 1U);

    EXPECT_TRUE(Presence::parse(xml("<presence type='unavailable'/>"))->is_unavailable());
    EXPECT_FALSE(Presence::parse(xml("<presence type='gone'/>")));
    EXPECT_FALSE(Presence::parse(xml("<presence from='a@b/'/>")));
}

TEST(Message, GoldenRoundTrip) {
    const auto golden = xml(R"(<message from='avmoderation.example.com' to='focus@auth.example.com' type='normal'>
        <body>hi</body>
        <json-message xmlns='http://jitsi.org/jitmeet'>{"type":"av_moderation"}</json-message>
      </message>)");
    const auto message = Message::parse(golden);
    ASSERT_TRUE(message) << message.error().message();
    EXPECT_EQ(message->body, "hi");
    ASSERT_NE(message->extension("json-message", kNsJitmeet), nullptr);
    EXPECT_EQ(message->extension("json-message", kNsJitmeet)->text(), R"({"type":"av_moderation"})");
    EXPECT_TRUE(round_trips<Message>(golden));
    EXPECT_FALSE(Message::parse(xml("<message type='shout'/>")));
}

}  // namespace
}  // namespace jicofo::stanza
