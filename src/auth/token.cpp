// Reading a JWT's claims without checking its signature: base64url-decode the payload and look up two strings.
// Anything unexpected gives empty claims; nothing here throws or recurses on attacker-controlled depth.
#include "jicofo/auth/token.hpp"

#include "jicofo/core/hmac.hpp"
#include "jicofo/core/text.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>

namespace jicofo::auth {
namespace {

int base64url_value(char c) {
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '-') {
        return 62;
    }
    if (c == '_') {
        return 63;
    }
    return -1;
}

std::optional<std::string> claim_text(const nlohmann::json& object, const char* key) {
    if (!object.is_object()) {
        return std::nullopt;
    }
    auto it = object.find(key);
    if (it == object.end()) {
        return std::nullopt;
    }
    if (it->is_string()) {
        return it->get<std::string>();
    }
    if (it->is_number_integer()) {
        return it->dump();  // Jackson coerces a number into a String field
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string> base64url_decode(std::string_view text) {
    while (!text.empty() && text.back() == '=') {
        text.remove_suffix(1);
    }
    if (text.size() % 4 == 1) {
        return std::nullopt;  // 6 bits cannot end a byte
    }
    std::string out;
    out.reserve(text.size() * 3 / 4);
    std::uint32_t buffer = 0;
    int bits = 0;
    for (const char c : text) {
        const int value = base64url_value(c);
        if (value < 0) {
            return std::nullopt;
        }
        buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
        }
    }
    return out;
}

namespace {

// The three base64url parts of a compact JWS; nullopt for anything else.
struct TokenParts {
    std::string_view header;
    std::string_view payload;
    std::string_view signature;
};

std::optional<TokenParts> split_token(std::string_view token) {
    if (token.size() > kMaxTokenBytes) {
        return std::nullopt;
    }
    const auto first_dot = token.find('.');
    if (first_dot == std::string_view::npos) {
        return std::nullopt;
    }
    const auto second_dot = token.find('.', first_dot + 1);
    if (second_dot == std::string_view::npos || token.find('.', second_dot + 1) != std::string_view::npos) {
        return std::nullopt;
    }
    return TokenParts{token.substr(0, first_dot), token.substr(first_dot + 1, second_dot - first_dot - 1),
                      token.substr(second_dot + 1)};
}

// A base64url part decoded and parsed as a JSON object; a discarded value otherwise.
nlohmann::json decode_object(std::string_view part) {
    auto bytes = base64url_decode(part);
    if (!bytes) {
        return nlohmann::json(nlohmann::json::value_t::discarded);
    }
    // nlohmann's parser is iterative and, with exceptions off here, reports malformed input as discarded; the
    // token size cap bounds the depth of what it builds.
    auto json = nlohmann::json::parse(*bytes, nullptr, false);
    if (!json.is_object()) {
        return nlohmann::json(nlohmann::json::value_t::discarded);
    }
    return json;
}

std::optional<bool> claim_flag(const nlohmann::json& object, const char* key) {
    if (!object.is_object()) {
        return std::nullopt;
    }
    auto it = object.find(key);
    if (it == object.end()) {
        return std::nullopt;
    }
    if (it->is_boolean()) {
        return it->get<bool>();
    }
    if (it->is_string()) {
        const auto& text = it->get_ref<const std::string&>();
        if (core::iequals_ascii(text, "true")) {
            return true;
        }
        if (core::iequals_ascii(text, "false")) {
            return false;
        }
    }
    return std::nullopt;
}

TokenClaims claims_of(const nlohmann::json& payload) {
    TokenClaims claims;
    claims.room = claim_text(payload, "room");
    auto context = payload.find("context");
    if (context == payload.end() || !context->is_object()) {
        return claims;
    }
    if (auto user = context->find("user"); user != context->end()) {
        claims.user_id = claim_text(*user, "id");
        claims.moderator = claim_flag(*user, "moderator");
    }
    claims.group = claim_text(*context, "group");
    return claims;
}

// A NumericDate claim (seconds since the epoch) as a time point; nullopt when absent, an error when malformed.
core::Result<std::optional<std::chrono::system_clock::time_point>, std::string> time_claim(
    const nlohmann::json& payload, const char* key) {
    using Time = std::optional<std::chrono::system_clock::time_point>;
    auto it = payload.find(key);
    if (it == payload.end()) {
        return Time();
    }
    if (!it->is_number()) {
        return core::unexpected(std::string("the '") + key + "' claim is not a number");
    }
    const double seconds = it->get<double>();
    // Beyond a few thousand years the conversion would overflow; such a value is as good as malformed.
    if (!(seconds > -1e11 && seconds < 1e11)) {
        return core::unexpected(std::string("the '") + key + "' claim is out of range");
    }
    return Time(std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::duration<double>(seconds))));
}

}  // namespace

TokenClaims parse_token_without_validation(std::string_view token) {
    auto parts = split_token(token);
    if (!parts) {
        return {};
    }
    auto payload = decode_object(parts->payload);
    if (payload.is_discarded()) {
        return {};
    }
    TokenClaims claims = claims_of(payload);
    // Unvalidated claims are hints only: nothing that grants a right is taken from them.
    claims.moderator.reset();
    return claims;
}

core::Result<TokenClaims, std::string> verify_hs256_token(std::string_view token, std::string_view secret,
                                                          std::chrono::system_clock::time_point now,
                                                          std::chrono::seconds leeway) {
    auto parts = split_token(token);
    if (!parts) {
        return core::unexpected(std::string("not a JWT (header.payload.signature, at most ") +
                                std::to_string(kMaxTokenBytes) + " bytes)");
    }
    auto header = decode_object(parts->header);
    if (header.is_discarded()) {
        return core::unexpected(std::string("the header is not base64url JSON"));
    }
    // The algorithm is ours to choose, never the token's: "none" or RS256 with the secret as a key are refused.
    if (claim_text(header, "alg") != std::optional<std::string>("HS256")) {
        return core::unexpected(std::string("the algorithm is not HS256"));
    }
    auto signature = base64url_decode(parts->signature);
    const std::string_view signed_part = token.substr(0, parts->header.size() + 1 + parts->payload.size());
    const auto expected = core::hmac_sha256(secret, signed_part);
    if (!signature ||
        !core::equal_in_constant_time(
            *signature, std::string_view(reinterpret_cast<const char*>(expected.data()), expected.size()))) {
        return core::unexpected(std::string("the signature does not match the configured secret"));
    }
    auto payload = decode_object(parts->payload);
    if (payload.is_discarded()) {
        return core::unexpected(std::string("the payload is not base64url JSON"));
    }
    auto expires = time_claim(payload, "exp");
    if (!expires) {
        return core::unexpected(expires.error());
    }
    if (*expires && now >= **expires + leeway) {
        return core::unexpected(std::string("the token has expired"));
    }
    auto not_before = time_claim(payload, "nbf");
    if (!not_before) {
        return core::unexpected(not_before.error());
    }
    if (*not_before && now + leeway < **not_before) {
        return core::unexpected(std::string("the token is not valid yet"));
    }
    return claims_of(payload);
}

bool token_admits_room(const TokenClaims& claims, std::string_view room_name) {
    return claims.room && (*claims.room == "*" || core::iequals_ascii(*claims.room, room_name));
}

}  // namespace jicofo::auth
