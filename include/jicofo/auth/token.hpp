// What the focus reads from a client's JWT without validating it: Prosody validated the token when the client
// logged in, so the focus only takes hints from it (the user id and group, which visitor placement uses).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace jicofo::auth {

struct TokenClaims {
    std::optional<std::string> user_id;  // context.user.id
    std::optional<std::string> group;    // context.group
    friend bool operator==(const TokenClaims&, const TokenClaims&) = default;
};

// Longer tokens are not decoded (a real one is a few hundred bytes; stanzas and HTTP bodies are bounded anyway).
inline constexpr std::size_t kMaxTokenBytes = 16384;

// Never fails: a token that is not header.payload.signature, whose payload is not base64url JSON, or whose claims
// have other types gives empty claims. A numeric id is read as its decimal text, as Jicofo's Jackson mapping does.
[[nodiscard]] TokenClaims parse_token_without_validation(std::string_view token);

// base64url (RFC 4648 §5), padding optional; nullopt for any other character or an impossible length.
[[nodiscard]] std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace jicofo::auth
