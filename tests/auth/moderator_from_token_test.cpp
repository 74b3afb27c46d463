// moderator-from-token: HS256 tokens checked by the focus (signature, algorithm, times, room), and the authority
// granting owner only to users whose request carried a verified moderator token for that room.
#include "jicofo/auth/authentication_authority.hpp"
#include "jicofo/auth/authentication_config.hpp"
#include "jicofo/auth/token.hpp"

#include "jwt_builder.hpp"

#include <gtest/gtest.h>

namespace jicofo::auth {
namespace {

using namespace std::chrono_literals;
using std::chrono::system_clock;

constexpr std::string_view kSecret = "app-secret";
const system_clock::time_point kNow = system_clock::time_point(std::chrono::seconds(1'800'000'000));

std::string moderator_payload(const std::string& room = "*", const std::string& moderator = "true",
                              const std::string& extra = R"("exp":1800003600)") {
    return R"({"room":")" + room + R"(",)" + extra + R"(,"context":{"user":{"id":"u1","moderator":)" + moderator +
           "}}}";
}

TEST(VerifiedToken, TheWellKnownHs256ExampleVerifies) {
    // The example token of RFC 7519's usual HS256 illustration, signed with "your-256-bit-secret".
    const std::string token =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIy"
        "fQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
    EXPECT_TRUE(verify_hs256_token(token, "your-256-bit-secret", kNow, 60s));
    EXPECT_FALSE(verify_hs256_token(token, "another secret", kNow, 60s));
}

TEST(VerifiedToken, ClaimsOfAGoodTokenIncludeTheModeratorFlagAndRoom) {
    auto claims = verify_hs256_token(signed_token(moderator_payload("Room1"), kSecret), kSecret, kNow, 60s);
    ASSERT_TRUE(claims) << claims.error();
    EXPECT_EQ(claims->moderator, std::optional<bool>(true));
    EXPECT_EQ(claims->room, std::optional<std::string>("Room1"));
    EXPECT_EQ(claims->user_id, std::optional<std::string>("u1"));
    // The string form issuers often use, either case, and an explicit false.
    EXPECT_EQ(
        verify_hs256_token(signed_token(moderator_payload("*", R"("TRUE")"), kSecret), kSecret, kNow, 60s)->moderator,
        std::optional<bool>(true));
    EXPECT_EQ(verify_hs256_token(signed_token(moderator_payload("*", "false"), kSecret), kSecret, kNow, 60s)->moderator,
              std::optional<bool>(false));
    EXPECT_FALSE(
        verify_hs256_token(signed_token(moderator_payload("*", R"("yes")"), kSecret), kSecret, kNow, 60s)->moderator);
}

TEST(VerifiedToken, RefusedForeignSignaturesAlgorithmsAndTimes) {
    const auto refused = [](const std::string& token, const char* why) {
        auto result = verify_hs256_token(token, kSecret, kNow, 60s);
        ASSERT_FALSE(result) << why;
        EXPECT_FALSE(result.error().empty());
    };
    refused(signed_token(moderator_payload(), "other-secret"), "another secret");
    refused(signed_token(moderator_payload(), kSecret, R"({"alg":"none"})"), "alg none");
    refused(signed_token(moderator_payload(), kSecret, R"({"alg":"HS512"})"), "another algorithm");
    refused(signed_token(moderator_payload(), kSecret, R"({"typ":"JWT"})"), "no algorithm");
    refused(signed_token(moderator_payload("*", "true", R"("exp":1799999000)"), kSecret), "expired");
    refused(signed_token(moderator_payload("*", "true", R"("exp":"soon")"), kSecret), "exp not a number");
    refused(signed_token(moderator_payload("*", "true", R"("exp":1e300)"), kSecret), "exp out of range");
    refused(signed_token(moderator_payload("*", "true", R"("nbf":1800000600)"), kSecret), "not valid yet");
    // An unsigned copy of a good token, and one whose payload was swapped after signing.
    const auto good = signed_token(moderator_payload(), kSecret);
    refused(good.substr(0, good.rfind('.') + 1), "signature removed");
    const auto other = signed_token(moderator_payload("*", "false"), kSecret);
    refused(good.substr(0, good.find('.')) + other.substr(other.find('.'), other.rfind('.') - other.find('.')) +
                good.substr(good.rfind('.')),
            "payload swapped");
    refused("not a token", "garbage");
    refused(std::string(kMaxTokenBytes + 1, 'a'), "oversized");
    // Within the leeway a just-expired token still counts (clocks drift).
    EXPECT_TRUE(verify_hs256_token(signed_token(moderator_payload("*", "true", R"("exp":1799999990)"), kSecret),
                                   kSecret, kNow, 60s));
}

TEST(VerifiedToken, UnvalidatedParsingNeverReportsAModerator) {
    EXPECT_FALSE(parse_token_without_validation(signed_token(moderator_payload(), kSecret)).moderator);
}

TEST(TokenRoom, StarAdmitsEveryRoomAndANameOnlyItself) {
    TokenClaims claims;
    EXPECT_FALSE(token_admits_room(claims, "room1"));
    claims.room = "*";
    EXPECT_TRUE(token_admits_room(claims, "room1"));
    claims.room = "Room1";
    EXPECT_TRUE(token_admits_room(claims, "room1"));
    EXPECT_FALSE(token_admits_room(claims, "room2"));
}

class ModeratorFromTokenTest : public ::testing::Test {
protected:
    static AuthenticationSettings settings() {
        AuthenticationSettings s;
        s.type = AuthenticationType::jwt;
        s.domain = "meet.test";
        s.lifetime = 1min;
        s.enable_auto_login = false;
        s.moderator_from_token = true;
        s.token_secret = std::string(kSecret);
        return s;
    }
    static AuthenticationRequest request(const std::string& from, const std::string& room,
                                         std::optional<std::string> token) {
        AuthenticationRequest r;
        r.from = stanza::Jid::parse(from).value();
        r.room = stanza::Jid::parse(room).value();
        r.machine_uid = "machine-" + from;
        r.token = std::move(token);
        return r;
    }
    static stanza::Jid jid(const std::string& text) { return stanza::Jid::parse(text).value(); }

    AuthenticationAuthority authority_{settings(), {}, [] { return kNow; }};
};

TEST_F(ModeratorFromTokenTest, OnlyAVerifiedModeratorTokenForTheRoomMakesAnOwner) {
    const auto room = jid("room1@conference.meet.test");
    ASSERT_TRUE(authority_.authenticate(
        request("mod@meet.test/a", room.to_string(), signed_token(moderator_payload("room1"), kSecret))));
    ASSERT_TRUE(authority_.authenticate(
        request("plain@meet.test/b", room.to_string(), signed_token(moderator_payload("*", "false"), kSecret))));
    ASSERT_TRUE(authority_.authenticate(request("none@meet.test/c", room.to_string(), std::nullopt)));
    ASSERT_TRUE(authority_.authenticate(
        request("forged@meet.test/d", room.to_string(), signed_token(moderator_payload(), "guessed-secret"))));
    ASSERT_TRUE(authority_.authenticate(
        request("elsewhere@meet.test/e", room.to_string(), signed_token(moderator_payload("room2"), kSecret))));

    EXPECT_TRUE(authority_.grants_owner(jid("mod@meet.test/a"), room));
    // Everyone is still authenticated (and may create rooms); only the moderator is made owner.
    for (const auto* user : {"plain@meet.test/b", "none@meet.test/c", "forged@meet.test/d", "elsewhere@meet.test/e"}) {
        EXPECT_TRUE(authority_.is_authenticated(jid(user))) << user;
        EXPECT_FALSE(authority_.grants_owner(jid(user), room)) << user;
    }
    // A moderator of room1 is not one of another room.
    EXPECT_FALSE(authority_.grants_owner(jid("mod@meet.test/a"), jid("room2@conference.meet.test")));
    EXPECT_FALSE(authority_.grants_owner(jid("stranger@meet.test/z"), room));
}

TEST_F(ModeratorFromTokenTest, TenantRoomsAreMatchedByTheirNameAlone) {
    const auto room = jid("[acme]room1@conference.meet.test");
    ASSERT_TRUE(authority_.authenticate(
        request("mod@meet.test/a", room.to_string(), signed_token(moderator_payload("room1"), kSecret))));
    EXPECT_TRUE(authority_.grants_owner(jid("mod@meet.test/a"), room));
}

TEST(WithoutModeratorFromToken, EveryAuthenticatedUserIsAnOwnerAsInJicofo) {
    AuthenticationSettings s;
    s.type = AuthenticationType::jwt;
    s.domain = "meet.test";
    AuthenticationAuthority authority(s);
    AuthenticationRequest r;
    r.from = stanza::Jid::parse("plain@meet.test/b").value();
    r.room = stanza::Jid::parse("room1@conference.meet.test").value();
    r.machine_uid = "m";
    ASSERT_TRUE(authority.authenticate(r));
    EXPECT_TRUE(authority.grants_owner(*r.from, r.room));
}

TEST(ModeratorFromTokenSettings, ComeFromTheJwtConfiguration) {
    config::AuthenticationConfig config;
    config.enabled = true;
    config.type = config::AuthenticationType::Jwt;
    config.login_url = "meet.test";
    config.moderator_from_token = true;
    config.token_secret = "s3cret";
    auto settings = authentication_settings(config).value();
    ASSERT_TRUE(settings);
    EXPECT_TRUE(settings->moderator_from_token);
    EXPECT_EQ(settings->token_secret, "s3cret");
    // XMPP authentication has no tokens: the flag does not apply.
    config.type = config::AuthenticationType::Xmpp;
    EXPECT_FALSE(authentication_settings(config).value()->moderator_from_token);
}

}  // namespace
}  // namespace jicofo::auth
