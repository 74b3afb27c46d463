// Random identifiers from a per-thread engine: no locking, and each io thread has its own seed.
#include "jicofo/core/random.hpp"

#include <array>
#include <random>
#include <string_view>

namespace jicofo::core {

std::string random_token(std::size_t length) {
    thread_local std::mt19937_64 engine(std::random_device{}());
    constexpr std::string_view kAlphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
    std::string token(length, '0');
    for (auto& c : token) {
        c = kAlphabet[engine() % kAlphabet.size()];
    }
    return token;
}

std::string random_uuid() {
    thread_local std::mt19937_64 engine(std::random_device{}());
    std::array<unsigned char, 16> bytes{};
    for (std::size_t i = 0; i < bytes.size(); i += 8) {
        auto value = engine();
        for (std::size_t j = 0; j < 8; ++j) {
            bytes[i + j] = static_cast<unsigned char>(value >> (8 * j));
        }
    }
    return uuid_from_bytes(bytes);
}

std::string uuid_from_bytes(std::array<unsigned char, 16> bytes) {
    bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0F) | 0x40);  // version 4
    bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant
    std::string text;
    text.reserve(36);
    constexpr std::string_view kHex = "0123456789abcdef";
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) {
            text.push_back('-');
        }
        text.push_back(kHex[bytes[i] >> 4]);
        text.push_back(kHex[bytes[i] & 0x0F]);
    }
    return text;
}

}  // namespace jicofo::core
