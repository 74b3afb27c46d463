// Every rule of Jicofo's authentication authorities (protocol §4(j)): sessions for users of the authentication
// domain, guests authenticated by session id and machine-uid, the errors a client acts on, logout, expiry on a
// manual clock, and sessions that end with their conference when auto-login is off (always for JWT).
#include "jicofo/auth/authentication_authority.hpp"
#include "jicofo/auth/authentication_config.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <set>

namespace jicofo::auth {
namespace {

using namespace std::chrono_literals;

stanza::Jid jid(const std::string& text) {
    return stanza::Jid::parse(text).value();
}

class ManualClock {
public:
    std::chrono::steady_clock::time_point now() const { return *now_; }
    void advance(std::chrono::milliseconds by) { *now_ += by; }
    AuthenticationAuthority::Clock clock() const {
        return [now = now_] { return *now; };
    }

private:
    std::shared_ptr<std::chrono::steady_clock::time_point> now_ =
        std::make_shared<std::chrono::steady_clock::time_point>(std::chrono::steady_clock::time_point{} + 1h);
};

AuthenticationSettings xmpp_settings(bool auto_login = true) {
    AuthenticationSettings settings;
    settings.type = AuthenticationType::xmpp;
    settings.domain = "secure.meet.test";
    settings.lifetime = 1h;
    settings.enable_auto_login = auto_login;
    return settings;
}

AuthenticationRequest request(const std::string& from, const std::string& room = "room1@conference.meet.test",
                              std::optional<std::string> session_id = std::nullopt,
                              std::optional<std::string> machine_uid = "machine-1") {
    AuthenticationRequest r;
    if (!from.empty()) {
        r.from = jid(from);
    }
    r.room = jid(room);
    r.session_id = std::move(session_id);
    r.machine_uid = std::move(machine_uid);
    return r;
}

class AuthorityTest : public ::testing::Test {
protected:
    ManualClock clock_;
    AuthenticationAuthority authority_{xmpp_settings(), clock_.clock()};

    // A user logs in on the authentication domain and asks for a room: the session a client would keep.
    std::string login(const std::string& user = "alice@secure.meet.test/web1", const std::string& machine = "machine-1",
                      const std::string& room = "room1@conference.meet.test") {
        auto grant = authority_.authenticate(request(user, room, std::nullopt, machine));
        EXPECT_TRUE(grant) << (grant ? "" : grant.error().text);
        return grant && grant->session_id ? *grant->session_id : std::string();
    }
};

TEST_F(AuthorityTest, AUserOfTheAuthenticationDomainGetsASessionNamedByItsBareJid) {
    auto grant = authority_.authenticate(request("Alice@Secure.Meet.Test/web1"));
    ASSERT_TRUE(grant);
    ASSERT_TRUE(grant->session_id);
    EXPECT_EQ(grant->session_id->size(), 36U);  // a UUID, as Jicofo's
    EXPECT_EQ(grant->identity, std::optional<std::string>("alice@secure.meet.test"));
    // The full JID that asked is now authenticated, others of the same user are not.
    EXPECT_EQ(authority_.identity_of(jid("alice@secure.meet.test/web1")),
              std::optional<std::string>("alice@secure.meet.test"));
    EXPECT_FALSE(authority_.is_authenticated(jid("alice@secure.meet.test/other")));
    ASSERT_EQ(authority_.sessions().size(), 1U);
    EXPECT_EQ(authority_.sessions()[0].machine_uid, "machine-1");
    EXPECT_EQ(authority_.sessions()[0].room, jid("room1@conference.meet.test"));
}

TEST_F(AuthorityTest, ANewSessionNeedsAMachineUid) {
    for (const std::optional<std::string>& machine :
         {std::optional<std::string>(), std::optional<std::string>(""), std::optional<std::string>("  ")}) {
        auto refused = authority_.authenticate(request("alice@secure.meet.test/web1", "r@c.meet.test", {}, machine));
        ASSERT_FALSE(refused);
        EXPECT_EQ(refused.error().code, AuthErrc::not_acceptable);
        EXPECT_NE(refused.error().text.find("machine-uid"), std::string::npos) << refused.error().text;
    }
    EXPECT_TRUE(authority_.sessions().empty());
}

TEST_F(AuthorityTest, AGuestIsNeitherRefusedNorAuthenticatedWithoutASession) {
    auto grant = authority_.authenticate(request("guest@meet.test/abc"));
    ASSERT_TRUE(grant);
    EXPECT_FALSE(grant->session_id);
    EXPECT_FALSE(grant->identity);
    EXPECT_FALSE(authority_.is_authenticated(jid("guest@meet.test/abc")));
    // A subdomain of the authentication domain is another domain.
    EXPECT_FALSE(authority_.authenticate(request("bob@x.secure.meet.test/r"))->session_id);
    EXPECT_TRUE(authority_.sessions().empty());
}

TEST_F(AuthorityTest, AGuestWithTheSessionAndItsMachineUidIsAuthenticatedAsTheUser) {
    const auto session = login();
    auto grant = authority_.authenticate(request("guest@meet.test/abc", "room1@conference.meet.test", session));
    ASSERT_TRUE(grant);
    EXPECT_EQ(grant->session_id, std::optional<std::string>(session));
    EXPECT_EQ(grant->identity, std::optional<std::string>("alice@secure.meet.test"));
    EXPECT_EQ(authority_.identity_of(jid("guest@meet.test/abc")), std::optional<std::string>("alice@secure.meet.test"));
    // One JID per session, as Jicofo: the guest connection took it over from the login connection.
    EXPECT_FALSE(authority_.is_authenticated(jid("alice@secure.meet.test/web1")));
    // The session works for other rooms too.
    EXPECT_TRUE(authority_.authenticate(request("guest@meet.test/abc", "other@conference.meet.test", session)));
    EXPECT_EQ(authority_.sessions().size(), 1U);
}

TEST_F(AuthorityTest, TheUserReusingItsSessionDoesNotCreateAnother) {
    const auto session = login();
    auto again = authority_.authenticate(request("alice@secure.meet.test/web1", "room1@conference.meet.test", session));
    ASSERT_TRUE(again);
    EXPECT_EQ(again->session_id, std::optional<std::string>(session));
    EXPECT_EQ(authority_.sessions().size(), 1U);
    // Without its session id every request from the domain opens a new session, as Jicofo does.
    login();
    EXPECT_EQ(authority_.sessions().size(), 2U);
}

TEST_F(AuthorityTest, AnUnknownSessionIsInvalid) {
    login();
    auto refused = authority_.authenticate(request("guest@meet.test/abc", "r@c.meet.test", "no-such-session"));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, AuthErrc::session_invalid);
    // Even for a user of the domain: the client must drop the session id and ask again.
    auto user = authority_.authenticate(request("alice@secure.meet.test/web1", "r@c.meet.test", "no-such-session"));
    ASSERT_FALSE(user);
    EXPECT_EQ(user.error().code, AuthErrc::session_invalid);
    EXPECT_FALSE(authority_.is_authenticated(jid("guest@meet.test/abc")));
}

TEST_F(AuthorityTest, ASessionUsedFromAnotherMachineIsNotAcceptable) {
    const auto session = login();
    for (const std::optional<std::string>& machine :
         {std::optional<std::string>("machine-2"), std::optional<std::string>()}) {
        auto refused = authority_.authenticate(request("guest@meet.test/abc", "r@c.meet.test", session, machine));
        ASSERT_FALSE(refused);
        EXPECT_EQ(refused.error().code, AuthErrc::not_acceptable);
    }
    EXPECT_FALSE(authority_.is_authenticated(jid("guest@meet.test/abc")));
    // The session itself stays valid for its machine.
    EXPECT_TRUE(authority_.authenticate(request("guest@meet.test/abc", "r@c.meet.test", session))->session_id);
}

TEST_F(AuthorityTest, ABlankSessionIdCountsAsNone) {
    auto grant = authority_.authenticate(request("guest@meet.test/abc", "r@c.meet.test", ""));
    ASSERT_TRUE(grant);
    EXPECT_FALSE(grant->session_id);
}

TEST_F(AuthorityTest, OverRestASessionIsReportedButNoJidIsBound) {
    const auto session = login();
    auto grant = authority_.authenticate(request("", "room1@conference.meet.test", session));
    ASSERT_TRUE(grant);
    EXPECT_EQ(grant->session_id, std::optional<std::string>(session));
    EXPECT_EQ(grant->identity, std::optional<std::string>("alice@secure.meet.test"));
    // The XMPP user stays authenticated.
    EXPECT_TRUE(authority_.is_authenticated(jid("alice@secure.meet.test/web1")));
    // Without a session nothing happens (and no session can be created without a JID).
    auto anonymous = authority_.authenticate(request(""));
    ASSERT_TRUE(anonymous);
    EXPECT_FALSE(anonymous->session_id);
    EXPECT_EQ(authority_.sessions().size(), 1U);
}

TEST_F(AuthorityTest, LogoutRemovesTheSessionOnce) {
    const auto session = login();
    EXPECT_TRUE(authority_.logout(session));
    EXPECT_FALSE(authority_.is_authenticated(jid("alice@secure.meet.test/web1")));
    EXPECT_FALSE(authority_.logout(session));
    EXPECT_FALSE(authority_.logout(std::nullopt));
    auto after = authority_.authenticate(request("guest@meet.test/abc", "r@c.meet.test", session));
    ASSERT_FALSE(after);
    EXPECT_EQ(after.error().code, AuthErrc::session_invalid);
}

TEST_F(AuthorityTest, IdleSessionsExpireAfterTheLifetimeAndUseRenewsThem) {
    const auto kept = login("alice@secure.meet.test/web1", "machine-1");
    const auto idle = login("bob@secure.meet.test/web2", "machine-2");
    clock_.advance(50min);
    ASSERT_TRUE(authority_.authenticate(request("guest@meet.test/abc", "r@c.meet.test", kept, "machine-1")));
    clock_.advance(10min);  // idle: exactly the lifetime, not more
    EXPECT_EQ(authority_.expire(), 0U);
    clock_.advance(1ms);
    EXPECT_EQ(authority_.expire(), 1U);
    ASSERT_EQ(authority_.sessions().size(), 1U);
    EXPECT_EQ(authority_.sessions()[0].id, kept);
    auto expired = authority_.authenticate(request("guest2@meet.test/x", "r@c.meet.test", idle, "machine-2"));
    ASSERT_FALSE(expired);
    EXPECT_EQ(expired.error().code, AuthErrc::session_invalid);
    clock_.advance(2h);
    EXPECT_EQ(authority_.expire(), 1U);
    EXPECT_TRUE(authority_.sessions().empty());
}

TEST_F(AuthorityTest, WithAutoLoginSessionsOutliveTheirConference) {
    login();
    authority_.conference_ended(jid("room1@conference.meet.test"));
    EXPECT_EQ(authority_.sessions().size(), 1U);
}

TEST(AuthorityWithoutAutoLogin, SessionsEndWithTheConferenceTheyWereCreatedFor) {
    AuthenticationAuthority authority(xmpp_settings(false));
    ASSERT_TRUE(authority.authenticate(request("alice@secure.meet.test/a", "one@conference.meet.test")));
    ASSERT_TRUE(authority.authenticate(request("bob@secure.meet.test/b", "two@conference.meet.test")));
    authority.conference_ended(jid("one@conference.meet.test"));
    ASSERT_EQ(authority.sessions().size(), 1U);
    EXPECT_EQ(authority.sessions()[0].identity, "bob@secure.meet.test");
    EXPECT_FALSE(authority.is_authenticated(jid("alice@secure.meet.test/a")));
    EXPECT_TRUE(authority.is_authenticated(jid("bob@secure.meet.test/b")));
}

TEST(AuthorityIds, SessionIdsAreDistinctUuids) {
    AuthenticationAuthority authority(xmpp_settings());
    std::set<std::string> ids;
    for (int i = 0; i < 200; ++i) {
        auto grant = authority.authenticate(request("u" + std::to_string(i) + "@secure.meet.test/r"));
        ASSERT_TRUE(grant && grant->session_id);
        EXPECT_EQ((*grant->session_id)[14], '4');  // version 4
        ids.insert(*grant->session_id);
    }
    EXPECT_EQ(ids.size(), 200U);
}

config::AuthenticationConfig config_of(config::AuthenticationType type, std::optional<std::string> login_url) {
    config::AuthenticationConfig config;
    config.enabled = true;
    config.type = type;
    config.login_url = std::move(login_url);
    config.authentication_lifetime = 2h;
    config.enable_auto_login = true;
    return config;
}

TEST(AuthenticationSettingsTest, FromTheConfiguration) {
    auto off = config_of(config::AuthenticationType::Xmpp, "meet.test");
    off.enabled = false;
    auto none = authentication_settings(off);
    ASSERT_TRUE(none);
    EXPECT_FALSE(*none);

    auto xmpp = authentication_settings(config_of(config::AuthenticationType::Xmpp, "Secure.Meet.Test"));
    ASSERT_TRUE(xmpp && *xmpp);
    EXPECT_EQ((*xmpp)->type, AuthenticationType::xmpp);
    EXPECT_EQ((*xmpp)->domain, "secure.meet.test");
    EXPECT_EQ((*xmpp)->lifetime, 2h);
    EXPECT_TRUE((*xmpp)->enable_auto_login);

    // JWT: Jicofo's ExternalJWTAuthority ignores the lifetime and auto-login settings.
    auto jwt = authentication_settings(config_of(config::AuthenticationType::Jwt, "meet.test"));
    ASSERT_TRUE(jwt && *jwt);
    EXPECT_EQ((*jwt)->type, AuthenticationType::jwt);
    EXPECT_EQ((*jwt)->lifetime, 1min);
    EXPECT_FALSE((*jwt)->enable_auto_login);

    for (const auto* bad : {"https://meet.test/login", "user@meet.test", "", "a@b@c"}) {
        auto refused = authentication_settings(config_of(config::AuthenticationType::Xmpp, std::string(bad)));
        ASSERT_FALSE(refused) << bad;
        EXPECT_NE(refused.error().find("login-url"), std::string::npos) << refused.error();
    }
}

TEST(LoginUrl, XmppPointsAtTheRoomsLoginPageAndJwtHasNone) {
    const auto room = jid("MyRoom@conference.meet.test");
    EXPECT_EQ(login_url(xmpp_settings(), room), std::optional<std::string>("./myroom?login=true"));
    auto jwt = xmpp_settings();
    jwt.type = AuthenticationType::jwt;
    EXPECT_FALSE(login_url(jwt, room));
    EXPECT_EQ(authority_name(AuthenticationType::xmpp), "XMPPDomainAuthAuthority");
    EXPECT_EQ(authority_name(AuthenticationType::jwt), "ExternalJWTAuthority");
}

TEST(JwtAuthority, AUserOnTheTokenDomainIsAuthenticatedAndReportedExternal) {
    auto settings = authentication_settings(config_of(config::AuthenticationType::Jwt, "meet.test")).value();
    ASSERT_TRUE(settings);
    ManualClock clock;
    AuthenticationAuthority authority(*settings, clock.clock());
    EXPECT_TRUE(authority.external());
    // Token or not, what counts is the domain the client logged in on (Prosody checked the token there).
    auto user = authority.authenticate(request("abc123@meet.test/r1", "room@conference.meet.test"));
    ASSERT_TRUE(user && user->session_id);
    EXPECT_TRUE(authority.is_authenticated(jid("abc123@meet.test/r1")));
    EXPECT_FALSE(authority.authenticate(request("guest@guest.meet.test/r2"))->session_id);
    // One minute of idleness ends the session.
    clock.advance(61s);
    EXPECT_EQ(authority.expire(), 1U);
}

}  // namespace
}  // namespace jicofo::auth
