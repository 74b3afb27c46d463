// Random identifiers that only need to be unique and unguessable by other participants (Jingle sids, colibri
// session ids); secrets such as authentication session ids take the kernel's random source instead.
#pragma once

#include <array>
#include <cstddef>
#include <string>

namespace jicofo::core {

// `length` characters of [0-9a-z] from a per-thread engine seeded by std::random_device.
[[nodiscard]] std::string random_token(std::size_t length);

// A random (version 4) UUID: meeting ids for rooms without one, Jibri session ids.
[[nodiscard]] std::string random_uuid();
// 16 random bytes (from any source) as a version 4 UUID's text.
[[nodiscard]] std::string uuid_from_bytes(std::array<unsigned char, 16> bytes);

}  // namespace jicofo::core
