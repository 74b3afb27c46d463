// Tokens as an issuer makes them, for the auth tests: base64url parts and an HS256 signature.
#pragma once

#include "jicofo/core/hmac.hpp"

#include <string>
#include <string_view>

namespace jicofo::auth {

// base64url without padding, as JWTs carry it.
inline std::string encode(std::string_view bytes) {
    constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const auto n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
        out += kAlphabet[(n >> 18) & 63];
        out += kAlphabet[(n >> 12) & 63];
        out += kAlphabet[(n >> 6) & 63];
        out += kAlphabet[n & 63];
    }
    if (bytes.size() - i == 1) {
        const auto n = static_cast<unsigned char>(bytes[i]) << 16;
        out += kAlphabet[(n >> 18) & 63];
        out += kAlphabet[(n >> 12) & 63];
    } else if (bytes.size() - i == 2) {
        const auto n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
        out += kAlphabet[(n >> 18) & 63];
        out += kAlphabet[(n >> 12) & 63];
        out += kAlphabet[(n >> 6) & 63];
    }
    return out;
}

// header.payload signed with `secret` (HS256).
inline std::string signed_token(std::string_view payload_json, std::string_view secret,
                                std::string_view header_json = R"({"alg":"HS256","typ":"JWT"})") {
    const std::string signed_part = encode(header_json) + "." + encode(payload_json);
    const auto digest = core::hmac_sha256(secret, signed_part);
    return signed_part + "." + encode(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

}  // namespace jicofo::auth
