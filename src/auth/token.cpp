// Reading a JWT's claims without checking its signature: base64url-decode the payload and look up two strings.
// Anything unexpected gives empty claims; nothing here throws or recurses on attacker-controlled depth.
#include "jicofo/auth/token.hpp"

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

TokenClaims parse_token_without_validation(std::string_view token) {
    TokenClaims claims;
    if (token.size() > kMaxTokenBytes) {
        return claims;
    }
    const auto first_dot = token.find('.');
    if (first_dot == std::string_view::npos) {
        return claims;
    }
    const auto second_dot = token.find('.', first_dot + 1);
    if (second_dot == std::string_view::npos || token.find('.', second_dot + 1) != std::string_view::npos) {
        return claims;
    }
    auto payload = base64url_decode(token.substr(first_dot + 1, second_dot - first_dot - 1));
    if (!payload) {
        return claims;
    }
    // nlohmann's parser is iterative and, with exceptions off here, reports malformed input as discarded; the
    // size cap above bounds the depth of what it builds.
    auto json = nlohmann::json::parse(*payload, nullptr, false);
    if (json.is_discarded() || !json.is_object()) {
        return claims;
    }
    auto context = json.find("context");
    if (context == json.end() || !context->is_object()) {
        return claims;
    }
    if (auto user = context->find("user"); user != context->end()) {
        claims.user_id = claim_text(*user, "id");
    }
    claims.group = claim_text(*context, "group");
    return claims;
}

}  // namespace jicofo::auth
