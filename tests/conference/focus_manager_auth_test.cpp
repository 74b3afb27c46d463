// The room map with authentication on (fake conferences, a real authority): only users of the authentication
// domain create rooms, replies carry the session, guests authenticate with it, members authenticated while in the
// room are pushed to their conference, logout and conference ends drop sessions. And the health check's test
// conference: created without authentication, kept out of /stats and the metrics, left as soon as it is joined.
#include "auth/jwt_builder.hpp"
#include "conference/focus_manager_fixture.hpp"
#include "jicofo/conference/authentication_iq_handler.hpp"
#include "jicofo/core/error.hpp"
#include "jicofo/metrics/exposition.hpp"
#include "jicofo/stanza/focus.hpp"
#include "jicofo/stanza/xml_codec.hpp"

#include <future>

namespace jicofo::conference {
namespace {

using namespace std::chrono_literals;
using testing::FocusManagerTest;
using testing::jid;

constexpr const char* kRoom = "room1@conference.meet.test";

std::unique_ptr<auth::AuthenticationAuthority> authority(
    bool auto_login = true, auth::AuthenticationType type = auth::AuthenticationType::xmpp) {
    auth::AuthenticationSettings settings;
    settings.type = type;
    settings.domain = "secure.meet.test";
    settings.enable_auto_login = auto_login;
    return std::make_unique<auth::AuthenticationAuthority>(settings);
}

ConferenceRequest from(const std::string& sender, const std::string& room = kRoom,
                       std::optional<std::string> session_id = std::nullopt,
                       std::optional<std::string> machine_uid = "machine-1") {
    ConferenceRequest request;
    request.room = jid(room);
    if (!sender.empty()) {
        request.from = jid(sender);
    }
    request.session_id = std::move(session_id);
    request.machine_uid = std::move(machine_uid);
    return request;
}

std::optional<std::string_view> property(const ConferenceReply& reply, std::string_view name) {
    for (const auto& p : reply.properties) {
        if (p.name == name) {
            return p.value;
        }
    }
    return std::nullopt;
}

class FocusManagerAuthTest : public FocusManagerTest {
protected:
    // Logs alice in on the authentication domain, creating kRoom; returns her session id.
    std::string alice_creates_the_room(FocusManager& manager) {
        auto reply = ask(manager, from("alice@secure.meet.test/web"));
        EXPECT_TRUE(reply && reply->ready);
        EXPECT_TRUE(reply && reply->session_id);
        return reply && reply->session_id ? *reply->session_id : std::string();
    }

    bool logout(FocusManager& manager, std::optional<std::string> session_id) {
        auto promise = std::make_shared<std::promise<bool>>();
        manager.logout(std::move(session_id), [promise](bool done) { promise->set_value(done); });
        auto future = promise->get_future();
        EXPECT_EQ(future.wait_for(5s), std::future_status::ready);
        return future.get();
    }

    struct TestOutcome {
        stanza::Jid room;
        std::error_code error;
    };
    std::future<TestOutcome> test_conference(FocusManager& manager) {
        auto promise = std::make_shared<std::promise<TestOutcome>>();
        manager.test_conference("__jicofo-health-check", "conference.meet.test",
                                [promise](const stanza::Jid& room, std::error_code error) {
                                    promise->set_value({room, error});
                                });
        return promise->get_future();
    }

    std::string metrics_text() { return metrics::to_prometheus_text(metrics_.collect()); }
};

TEST_F(FocusManagerAuthTest, OnlyAUserOfTheAuthenticationDomainCreatesARoomAndTheReplyNamesItsSession) {
    auto manager = make_manager(true, {}, authority());
    auto guest = ask(*manager, from("guest@meet.test/g1"));
    ASSERT_FALSE(guest);
    EXPECT_EQ(guest.error().code, RequestErrc::not_authorized);
    EXPECT_EQ(guest.error().text, "not authorized user domain");
    EXPECT_EQ(created_count(), 0U);

    auto user = ask(*manager, from("alice@secure.meet.test/web"));
    ASSERT_TRUE(user);
    EXPECT_TRUE(user->ready);
    ASSERT_TRUE(user->session_id);
    EXPECT_EQ(user->identity, std::optional<std::string>("alice@secure.meet.test"));
    EXPECT_EQ(property(*user, "authentication"), std::optional<std::string_view>("true"));
    EXPECT_EQ(property(*user, "externalAuth"), std::optional<std::string_view>("false"));
    ASSERT_EQ(created_count(), 1U);
    // The conference can ask who is authenticated (and so does not run auto-owner).
    ASSERT_TRUE(created(0)->asks_about_authentication());
    EXPECT_EQ(created(0)->is_authenticated(jid("alice@secure.meet.test/web")), std::optional<bool>(true));
    EXPECT_EQ(created(0)->is_authenticated(jid("guest@meet.test/g1")), std::optional<bool>(false));

    // A user of the domain without machine-uid cannot open a session.
    auto no_machine = ask(*manager, from("bob@secure.meet.test/b", "other@conference.meet.test", {}, std::nullopt));
    ASSERT_FALSE(no_machine);
    EXPECT_EQ(no_machine.error().code, RequestErrc::not_acceptable);
    EXPECT_EQ(created_count(), 1U);
}

// As Jicofo: rooms on the breakout rooms service are not authenticated (Prosody's breakout module decides who may
// enter them), so a guest moved there by a moderator gets in; a new room elsewhere still needs a user.
TEST_F(FocusManagerAuthTest, AGuestEntersABreakoutRoomOnceTheBreakoutServiceIsKnown) {
    ConferenceSettings settings;
    settings.room_services = RoomServices{};
    settings.room_services->xmpp_domain = "meet.test";
    settings.room_services->conference_service = "conference.meet.test";
    auto manager = make_manager(true, settings, authority());
    const std::string breakout = "a1b2@breakout.meet.test";

    // Unknown service: not a room a request may name.
    auto before = ask(*manager, from("guest@meet.test/g1", breakout));
    ASSERT_FALSE(before);
    EXPECT_EQ(before.error().code, RequestErrc::not_allowed);

    manager->set_breakout_service("breakout.meet.test");
    auto entered = ask(*manager, from("guest@meet.test/g1", breakout));
    ASSERT_TRUE(entered) << entered.error().text;
    EXPECT_TRUE(entered->ready);
    EXPECT_FALSE(entered->session_id) << "no authentication session for a breakout room";
    auto main = ask(*manager, from("guest@meet.test/g1", "newroom@conference.meet.test"));
    ASSERT_FALSE(main);
    EXPECT_EQ(main.error().code, RequestErrc::not_authorized);
}

TEST_F(FocusManagerAuthTest, AGuestJoinsAnExistingRoomAndAuthenticatesWithTheSession) {
    auto manager = make_manager(true, {}, authority());
    const auto session = alice_creates_the_room(*manager);
    // Without a session a guest may join a room that exists, unauthenticated.
    auto plain = ask(*manager, from("guest@meet.test/g1"));
    ASSERT_TRUE(plain);
    EXPECT_TRUE(plain->ready);
    EXPECT_FALSE(plain->session_id);
    EXPECT_TRUE(created(0)->authenticated_jids().empty());

    // With the session and its machine-uid the guest is alice; its conference is told at once (the guest may
    // already be in the room, as after a login in a popup).
    auto upgraded = ask(*manager, from("guest@meet.test/g1", kRoom, session));
    ASSERT_TRUE(upgraded);
    EXPECT_EQ(upgraded->session_id, std::optional<std::string>(session));
    EXPECT_EQ(upgraded->identity, std::optional<std::string>("alice@secure.meet.test"));
    EXPECT_EQ(created(0)->authenticated_jids(), std::vector<stanza::Jid>{jid("guest@meet.test/g1")});
    EXPECT_EQ(created(0)->is_authenticated(jid("guest@meet.test/g1")), std::optional<bool>(true));

    // The session also lets the guest create another room.
    auto other = ask(*manager, from("guest@meet.test/g1", "other@conference.meet.test", session));
    ASSERT_TRUE(other);
    EXPECT_TRUE(other->ready);
    EXPECT_EQ(created_count(), 2U);
}

TEST_F(FocusManagerAuthTest, ABadSessionIsRefusedAsTheClientExpects) {
    auto manager = make_manager(true, {}, authority());
    const auto session = alice_creates_the_room(*manager);
    auto unknown = ask(*manager, from("guest@meet.test/g1", kRoom, "not-a-session"));
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, RequestErrc::session_invalid);
    const auto wire = to_stanza_error(unknown.error());
    EXPECT_EQ(wire.condition, stanza::ErrorCondition::not_acceptable);
    ASSERT_TRUE(wire.app_specific);
    EXPECT_EQ(wire.app_specific->name(), "session-invalid");

    auto other_machine = ask(*manager, from("guest@meet.test/g1", kRoom, session, "machine-2"));
    ASSERT_FALSE(other_machine);
    EXPECT_EQ(other_machine.error().code, RequestErrc::not_acceptable);
    const auto mismatch = to_stanza_error(other_machine.error());
    EXPECT_EQ(mismatch.condition, stanza::ErrorCondition::not_acceptable);
    EXPECT_FALSE(mismatch.app_specific);
    EXPECT_TRUE(created(0)->authenticated_jids().empty());
}

TEST_F(FocusManagerAuthTest, OverRestASessionIsReportedButCannotCreateARoom) {
    auto manager = make_manager(true, {}, authority());
    const auto session = alice_creates_the_room(*manager);
    auto existing = ask(*manager, from("", kRoom, session));
    ASSERT_TRUE(existing);
    EXPECT_EQ(existing->session_id, std::optional<std::string>(session));
    EXPECT_EQ(existing->identity, std::optional<std::string>("alice@secure.meet.test"));
    auto fresh = ask(*manager, from("", "new@conference.meet.test", session));
    ASSERT_FALSE(fresh);
    EXPECT_EQ(fresh.error().code, RequestErrc::not_authorized);
    auto anonymous = ask(*manager, from("", "new@conference.meet.test"));
    ASSERT_FALSE(anonymous);
    EXPECT_EQ(anonymous.error().code, RequestErrc::not_authorized);
}

TEST_F(FocusManagerAuthTest, LogoutEndsTheSessionOnce) {
    auto manager = make_manager(true, {}, authority());
    const auto session = alice_creates_the_room(*manager);
    EXPECT_TRUE(logout(*manager, session));
    EXPECT_FALSE(logout(*manager, session));
    EXPECT_FALSE(logout(*manager, std::nullopt));
    auto after = ask(*manager, from("guest@meet.test/g1", kRoom, session));
    ASSERT_FALSE(after);
    EXPECT_EQ(after.error().code, RequestErrc::session_invalid);
    // Without authentication there is nothing to log out of.
    EXPECT_FALSE(logout(*make_manager(true), "anything"));
}

TEST_F(FocusManagerAuthTest, WithoutAutoLoginTheSessionEndsWithItsConference) {
    auto manager = make_manager(true, {}, authority(false));
    const auto session = alice_creates_the_room(*manager);
    created(0)->end();
    auto after = ask(*manager, from("guest@meet.test/g1", "other@conference.meet.test", session));
    ASSERT_FALSE(after);
    EXPECT_EQ(after.error().code, RequestErrc::session_invalid);
}

TEST_F(FocusManagerAuthTest, JwtIsReportedAsExternalAuthentication) {
    auto manager = make_manager(true, {}, authority(false, auth::AuthenticationType::jwt));
    auto user = ask(*manager, from("u123@secure.meet.test/r"));
    ASSERT_TRUE(user);
    EXPECT_EQ(property(*user, "authentication"), std::optional<std::string_view>("true"));
    EXPECT_EQ(property(*user, "externalAuth"), std::optional<std::string_view>("true"));
}

// moderator-from-token: every user of the token domain still creates rooms and gets a session, but only the one
// whose request carried a verified moderator token is made owner, in the room the token is for.
TEST_F(FocusManagerAuthTest, WithModeratorFromTokenOnlyTheTokensModeratorIsMadeOwner) {
    auth::AuthenticationSettings settings;
    settings.type = auth::AuthenticationType::jwt;
    settings.domain = "secure.meet.test";
    settings.enable_auto_login = false;
    settings.moderator_from_token = true;
    settings.token_secret = "app-secret";
    auto manager = make_manager(true, {}, std::make_unique<auth::AuthenticationAuthority>(settings));
    const auto token = [](const std::string& moderator, const std::string& secret = "app-secret") {
        return auth::signed_token(R"({"room":"room1","context":{"user":{"moderator":)" + moderator + "}}}", secret);
    };
    auto viewer = from("viewer@secure.meet.test/v");
    viewer.token = token("false");
    ASSERT_TRUE(ask(*manager, viewer));  // creates the room: any authenticated user may
    auto forger = from("forger@secure.meet.test/f");
    forger.token = token("true", "guessed");
    ASSERT_TRUE(ask(*manager, forger));
    auto host = from("host@secure.meet.test/h");
    host.token = token("true");
    ASSERT_TRUE(ask(*manager, host));

    ASSERT_EQ(created_count(), 1U);
    EXPECT_EQ(created(0)->is_authenticated(jid("host@secure.meet.test/h")), std::optional<bool>(true));
    EXPECT_EQ(created(0)->is_authenticated(jid("viewer@secure.meet.test/v")), std::optional<bool>(false));
    EXPECT_EQ(created(0)->is_authenticated(jid("forger@secure.meet.test/f")), std::optional<bool>(false));
    // Only the moderator already in the room is pushed to its conference.
    EXPECT_EQ(created(0)->authenticated_jids(), std::vector<stanza::Jid>{jid("host@secure.meet.test/h")});
}

// Every request for a room whose conference exists tells it, so that one nobody has joined yet waits again.
TEST_F(FocusManagerAuthTest, EveryRequestForAnExistingConferenceRefreshesItsStartTimer) {
    auto manager = make_manager(true);
    ASSERT_TRUE(ask(*manager, from("alice@meet.test/a")));
    ASSERT_EQ(created_count(), 1U);
    EXPECT_EQ(created(0)->requests_arrived.load(), 0) << "the creating request starts the timer itself";
    ASSERT_TRUE(ask(*manager, from("alice@meet.test/a")));
    ASSERT_TRUE(ask(*manager, from("bob@meet.test/b")));
    EXPECT_EQ(created(0)->requests_arrived.load(), 2);
    ASSERT_TRUE(ask(*manager, from("carol@meet.test/c", "other@conference.meet.test")));
    EXPECT_EQ(created(0)->requests_arrived.load(), 2) << "another room's request is not this conference's";
    // Once someone is in the room its start timer is over: requests no longer reach it for that.
    created(0)->resize(1, true);
    ASSERT_TRUE(ask(*manager, from("dave@meet.test/d")));
    EXPECT_EQ(created(0)->requests_arrived.load(), 2);
}

TEST_F(FocusManagerAuthTest, WithoutAuthenticationConferencesDoNotAskAndAnyoneCreatesRooms) {
    auto manager = make_manager(true);
    auto guest = ask(*manager, from("guest@meet.test/g1"));
    ASSERT_TRUE(guest);
    EXPECT_FALSE(guest->session_id);
    EXPECT_EQ(property(*guest, "authentication"), std::optional<std::string_view>("false"));
    EXPECT_FALSE(property(*guest, "externalAuth"));
    EXPECT_FALSE(created(0)->asks_about_authentication());
}

TEST_F(FocusManagerAuthTest, TheTestConferenceNeedsNoAuthenticationStaysOutOfStatisticsAndIsLeftOnceJoined) {
    auto manager = make_manager(false, {}, authority());
    auto outcome = test_conference(*manager);
    const auto until = std::chrono::steady_clock::now() + 5s;
    while ((created_count() == 0 || !created(0)->join_pending()) && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(1ms);
    }
    ASSERT_EQ(created_count(), 1U);
    EXPECT_EQ(created(0)->room().local().rfind("__jicofo-health-check-", 0), 0U) << created(0)->room().to_string();
    EXPECT_EQ(created(0)->room().domain(), "conference.meet.test");
    // Listed (as Jicofo's /debug lists it) but not counted.
    auto during = snapshot(*manager);
    ASSERT_EQ(during.conferences.size(), 1U);
    EXPECT_FALSE(during.conferences[0].in_statistics);
    EXPECT_EQ(during.conferences_created, 0U);
    EXPECT_EQ(during.requests_total, 0U);
    const auto text = metrics_text();
    EXPECT_NE(text.find("jitsi_jicofo_conferences 0"), std::string::npos) << text;
    EXPECT_NE(text.find("jitsi_jicofo_conferences_created_total 0"), std::string::npos) << text;

    created(0)->complete_join();
    ASSERT_EQ(outcome.wait_for(5s), std::future_status::ready);
    const auto result = outcome.get();
    EXPECT_FALSE(result.error) << result.error.message();
    EXPECT_EQ(result.room, created(0)->room());
    // Left at once instead of waiting for the initial timeout.
    const auto gone = std::chrono::steady_clock::now() + 5s;
    while (!snapshot(*manager).conferences.empty() && std::chrono::steady_clock::now() < gone) {
        std::this_thread::sleep_for(1ms);
    }
    EXPECT_TRUE(snapshot(*manager).conferences.empty());
    EXPECT_EQ(created(0)->stops, 1);
    EXPECT_EQ(snapshot(*manager).conferences_created, 0U);
}

TEST_F(FocusManagerAuthTest, AFailedTestConferenceReportsTheJoinError) {
    auto manager = make_manager(false);
    auto outcome = test_conference(*manager);
    const auto until = std::chrono::steady_clock::now() + 5s;
    while ((created_count() == 0 || !created(0)->join_pending()) && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(1ms);
    }
    ASSERT_EQ(created_count(), 1U);
    created(0)->complete_join(make_error_code(core::Errc::not_allowed));
    ASSERT_EQ(outcome.wait_for(5s), std::future_status::ready);
    EXPECT_EQ(outcome.get().error, make_error_code(core::Errc::not_allowed));
    EXPECT_TRUE(snapshot(*manager).conferences.empty());

    // Each run takes a fresh room; a stopped manager refuses.
    auto second = test_conference(*manager);
    const auto until2 = std::chrono::steady_clock::now() + 5s;
    while (created_count() < 2 && std::chrono::steady_clock::now() < until2) {
        std::this_thread::sleep_for(1ms);
    }
    ASSERT_EQ(created_count(), 2U);
    EXPECT_NE(created(1)->room(), created(0)->room());
    manager->stop();
    ASSERT_EQ(second.wait_for(5s), std::future_status::ready);
    EXPECT_TRUE(second.get().error);
    auto refused = test_conference(*manager);
    ASSERT_EQ(refused.wait_for(5s), std::future_status::ready);
    EXPECT_EQ(refused.get().error, make_error_code(core::Errc::shutting_down));
}

stanza::Iq iq(const std::string& xml) {
    auto element = stanza::parse_xml(xml);
    EXPECT_TRUE(element) << xml;
    auto parsed = stanza::Iq::parse(element.value());
    EXPECT_TRUE(parsed) << xml;
    return parsed.value();
}

TEST(LoginUrlIq, TheReplyNamesTheRoomsLoginPageForXmppAndNothingForJwt) {
    auth::AuthenticationSettings settings;
    settings.domain = "secure.meet.test";
    const auto request = iq(
        "<iq type='get' id='l1' from='guest@meet.test/g1' to='focus@auth.meet.test/focus'>"
        "<login-url xmlns='http://jitsi.org/protocol/focus' room='Room1@conference.meet.test' machine-uid='m1'/></iq>");
    const auto reply = AuthenticationIqHandler::login_url_reply(request, settings);
    EXPECT_EQ(reply.header.type, stanza::IqType::result);
    EXPECT_EQ(reply.header.id, "l1");
    EXPECT_EQ(reply.header.to, jid("guest@meet.test/g1"));
    ASSERT_TRUE(reply.payload);
    EXPECT_EQ(stanza::to_xml_string(*reply.payload),
              "<login-url xmlns=\"http://jitsi.org/protocol/focus\" url=\".%2Froom1%3Flogin%3Dtrue\"/>");

    settings.type = auth::AuthenticationType::jwt;
    const auto jwt = AuthenticationIqHandler::login_url_reply(request, settings);
    EXPECT_EQ(jwt.header.type, stanza::IqType::result);
    ASSERT_TRUE(jwt.payload);
    EXPECT_FALSE(stanza::LoginUrlIq::parse(*jwt.payload)->url);
}

TEST(LoginUrlIq, MissingRoomOrMachineUidAndMalformedRequestsAreErrors) {
    const auth::AuthenticationSettings settings;
    auto condition = [&](const std::string& payload) {
        const auto reply = AuthenticationIqHandler::login_url_reply(
            iq("<iq type='get' id='x' from='g@meet.test/r' to='focus@auth.meet.test/focus'>" + payload + "</iq>"),
            settings);
        EXPECT_EQ(reply.header.type, stanza::IqType::error) << payload;
        return reply.error ? reply.error->condition : stanza::ErrorCondition::undefined_condition;
    };
    EXPECT_EQ(condition("<login-url xmlns='http://jitsi.org/protocol/focus' machine-uid='m1'/>"),
              stanza::ErrorCondition::not_acceptable);
    EXPECT_EQ(condition("<login-url xmlns='http://jitsi.org/protocol/focus' room='r@conference.meet.test'/>"),
              stanza::ErrorCondition::bad_request);
    EXPECT_EQ(
        condition("<login-url xmlns='http://jitsi.org/protocol/focus' room='r@conference.meet.test' machine-uid=' '/>"),
        stanza::ErrorCondition::bad_request);
    EXPECT_EQ(condition("<login-url xmlns='http://jitsi.org/protocol/focus' room='not a jid@@' machine-uid='m'/>"),
              stanza::ErrorCondition::bad_request);
    EXPECT_EQ(condition("<login-url xmlns='http://jitsi.org/protocol/focus' room='r@c.meet.test' popup='maybe' "
                        "machine-uid='m'/>"),
              stanza::ErrorCondition::bad_request);
}

TEST_F(FocusManagerAuthTest, TheLogoutIqEndsTheSessionOrAnswersSessionInvalid) {
    auto manager = make_manager(true, {}, authority());
    const auto session = alice_creates_the_room(*manager);
    auto logout_iq = [&](const std::string& attributes) {
        auto promise = std::make_shared<std::promise<stanza::Iq>>();
        AuthenticationIqHandler::handle_logout(
            iq("<iq type='set' id='o1' from='alice@secure.meet.test/web' to='focus@auth.meet.test/focus'>"
               "<logout xmlns='http://jitsi.org/protocol/focus' " +
               attributes + "/></iq>"),
            *manager, [promise](stanza::Iq reply) { promise->set_value(std::move(reply)); });
        auto future = promise->get_future();
        EXPECT_EQ(future.wait_for(5s), std::future_status::ready);
        return future.get();
    };
    const auto done = logout_iq("session-id='" + session + "'");
    EXPECT_EQ(done.header.type, stanza::IqType::result);
    EXPECT_EQ(done.header.id, "o1");
    ASSERT_TRUE(done.payload);
    EXPECT_EQ(stanza::to_xml_string(*done.payload), "<logout xmlns=\"http://jitsi.org/protocol/focus\"/>");
    for (const auto& attributes : {"session-id='" + session + "'", std::string("session-id='nope'"), std::string()}) {
        const auto again = logout_iq(attributes);
        EXPECT_EQ(again.header.type, stanza::IqType::error) << attributes;
        ASSERT_TRUE(again.error);
        EXPECT_EQ(again.error->condition, stanza::ErrorCondition::not_acceptable);
        ASSERT_TRUE(again.error->app_specific);
        EXPECT_EQ(again.error->app_specific->name(), "session-invalid");
    }
}

}  // namespace
}  // namespace jicofo::conference
