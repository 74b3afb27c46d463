// Token claims read without validation: the user id and group of a well-formed JWT, and nothing (never a crash)
// from garbage of every shape a client or an attacker could send.
#include "jicofo/auth/token.hpp"

#include "jwt_builder.hpp"

#include <gtest/gtest.h>

#include <random>

namespace jicofo::auth {
namespace {

std::string token_with_payload(std::string_view payload_json) {
    return encode(R"({"alg":"HS256","typ":"JWT"})") + "." + encode(payload_json) + ".c2lnbmF0dXJl";
}

TEST(Base64Url, DecodesWithAndWithoutPaddingAndRefusesOtherAlphabets) {
    EXPECT_EQ(base64url_decode("aGVsbG8"), std::optional<std::string>("hello"));
    EXPECT_EQ(base64url_decode("aGVsbG8="), std::optional<std::string>("hello"));
    EXPECT_EQ(base64url_decode(""), std::optional<std::string>(""));
    EXPECT_EQ(base64url_decode("-_8"), std::optional<std::string>("\xfb\xff"));
    EXPECT_FALSE(base64url_decode("+/8"));  // standard base64, not url-safe
    EXPECT_FALSE(base64url_decode("aGVs bG8"));
    EXPECT_FALSE(base64url_decode("a"));  // one character cannot make a byte
    EXPECT_FALSE(base64url_decode("aGVsbG8\x01"));
}

TEST(TokenClaims, UserIdAndGroupFromTheContext) {
    const auto token =
        token_with_payload(R"({"aud":"jitsi","iss":"app","sub":"meet.test","room":"*",)"
                           R"("context":{"user":{"id":"user-123","name":"Alice","moderator":true},"group":"team-7"}})");
    const auto claims = parse_token_without_validation(token);
    EXPECT_EQ(claims.user_id, std::optional<std::string>("user-123"));
    EXPECT_EQ(claims.group, std::optional<std::string>("team-7"));
    // A numeric id reads as its text; a group alone is fine.
    EXPECT_EQ(parse_token_without_validation(token_with_payload(R"({"context":{"user":{"id":42}}})")).user_id,
              std::optional<std::string>("42"));
    const auto group_only = parse_token_without_validation(token_with_payload(R"({"context":{"group":"g"}})"));
    EXPECT_FALSE(group_only.user_id);
    EXPECT_EQ(group_only.group, std::optional<std::string>("g"));
    // The signature is not looked at (Prosody checked it at login).
    EXPECT_EQ(
        parse_token_without_validation(encode("{}") + "." + encode(R"({"context":{"user":{"id":"u"}}})") + ".").user_id,
        std::optional<std::string>("u"));
}

TEST(TokenClaims, GarbageGivesNoClaims) {
    const TokenClaims none;
    for (const std::string& garbage : {
             std::string(),
             std::string("not a token"),
             std::string("only.two"),
             std::string("a.b.c.d"),
             std::string(".."),
             std::string("x.!!!!.y"),
             std::string("x.") + encode("not json") + ".y",
             std::string("x.") + encode("[1,2,3]") + ".y",
             std::string("x.") + encode("\"string\"") + ".y",
             std::string("x.") + encode(R"({"context":"flat"})") + ".y",
             std::string("x.") + encode(R"({"context":{"user":"flat","group":7.5}})") + ".y",
             std::string("x.") + encode(R"({"context":{"user":{"id":null}}})") + ".y",
             std::string("x.") + encode(R"({"context":{"user":{"id":["a"]},"group":{"x":1}}})") + ".y",
             std::string("x.") + encode(R"({"context":{"user":{"id":"unterminated)") + ".y",
             std::string("x.") + encode(std::string("\0\xff\xfe", 3)) + ".y",
             std::string("x.") + encode(std::string(5000, '[')) + ".y",
         }) {
        EXPECT_EQ(parse_token_without_validation(garbage), none) << garbage;
    }
}

TEST(TokenClaims, OversizedTokensAreNotDecoded) {
    const auto padding = std::string(kMaxTokenBytes, 'a');
    const auto token = token_with_payload(R"({"context":{"user":{"id":"u"}},"pad":")" + padding + "\"}");
    ASSERT_GT(token.size(), kMaxTokenBytes);
    EXPECT_EQ(parse_token_without_validation(token), TokenClaims{});
}

TEST(TokenClaims, RandomBytesNeverCrash) {
    std::mt19937 engine(12345);
    std::uniform_int_distribution<int> byte(0, 255);
    std::uniform_int_distribution<std::size_t> length(0, 300);
    for (int round = 0; round < 2000; ++round) {
        std::string payload(length(engine), '\0');
        for (auto& c : payload) {
            c = static_cast<char>(byte(engine));
        }
        // Random payload bytes, sometimes wrapped as a JSON-looking context.
        const auto token = round % 2 == 0 ? "h." + encode(payload) + ".s"
                                          : "h." + encode(R"({"context":{"user":{"id":)" + payload + "}}}") + ".s";
        const auto claims = parse_token_without_validation(token);
        // Whatever came out is a value of the right claim, never something invented.
        if (claims.user_id) {
            EXPECT_EQ(round % 2, 1) << token;
        }
        EXPECT_FALSE(claims.group) << token;
    }
}

}  // namespace
}  // namespace jicofo::auth
