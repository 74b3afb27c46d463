// What the focus reads from a client's JWT. Prosody validated the token when the client logged in, so for hints
// (the user id and group, which visitor placement uses) the focus reads it without validation. What grants rights
// (the moderator claim, jicofo.authentication.moderator-from-token) is read only from a token whose HS256 signature
// and times the focus checked itself: the token in a conference request is whatever the client put there.
#pragma once

#include "jicofo/core/result.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace jicofo::auth {

struct TokenClaims {
    std::optional<std::string> user_id;  // context.user.id
    std::optional<std::string> group;    // context.group
    std::optional<bool> moderator;       // context.user.moderator: true/false, or the strings "true"/"false"
    std::optional<std::string> room;     // room: the room name the token is for, "*" for any
    friend bool operator==(const TokenClaims&, const TokenClaims&) = default;
};

// Longer tokens are not decoded (a real one is a few hundred bytes; stanzas and HTTP bodies are bounded anyway).
inline constexpr std::size_t kMaxTokenBytes = 16384;

// Never fails: a token that is not header.payload.signature, whose payload is not base64url JSON, or whose claims
// have other types gives empty claims. A numeric id is read as its decimal text, as Jicofo's Jackson mapping does.
[[nodiscard]] TokenClaims parse_token_without_validation(std::string_view token);

// The claims of an HS256 token signed with `secret`, at `now`: the header must name HS256, the signature must match,
// `exp` (if present) must be later than now and `nbf` (if present) not later, both with `leeway` for clock skew.
// Otherwise the reason, for the log. Never throws.
[[nodiscard]] core::Result<TokenClaims, std::string> verify_hs256_token(std::string_view token, std::string_view secret,
                                                                        std::chrono::system_clock::time_point now,
                                                                        std::chrono::seconds leeway);

// Whether a token's `room` claim admits the room whose node (local part) is `room_name`: "*" admits every room,
// otherwise the names are compared case-insensitively. A token without the claim admits none.
[[nodiscard]] bool token_admits_room(const TokenClaims& claims, std::string_view room_name);

// base64url (RFC 4648 §5), padding optional; nullopt for any other character or an impossible length.
[[nodiscard]] std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace jicofo::auth
