// HMAC-SHA256 for what the focus signs (webhook bodies) and checks (HS256 tokens). OpenSSL does the hashing.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace jicofo::core {

using Sha256Digest = std::array<unsigned char, 32>;

[[nodiscard]] Sha256Digest hmac_sha256(std::string_view key, std::string_view data);

// Lower-case hexadecimal, two characters a byte.
[[nodiscard]] std::string to_hex(const Sha256Digest& digest);

// Equality whose time does not depend on where the inputs differ (only on their lengths), so that a signature
// cannot be guessed a byte at a time from response times.
[[nodiscard]] bool equal_in_constant_time(std::string_view a, std::string_view b);

}  // namespace jicofo::core
