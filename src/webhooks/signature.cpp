// HMAC-SHA256 through OpenSSL's one-shot HMAC() (libssl is already there for libstrophe's TLS).
#include "jicofo/webhooks/signature.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <stdexcept>

namespace jicofo::webhooks {

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    const auto* result =
        HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest.data(), &length);
    if (result == nullptr) {
        throw std::runtime_error("HMAC-SHA256 failed");  // only without a working libcrypto: a bug of the build
    }
    static constexpr std::string_view kHex = "0123456789abcdef";
    std::string hex;
    hex.reserve(length * 2);
    for (unsigned int i = 0; i < length; ++i) {
        hex.push_back(kHex[digest[i] >> 4]);
        hex.push_back(kHex[digest[i] & 0x0f]);
    }
    return hex;
}

std::string signature_header_value(std::string_view secret, std::string_view body) {
    return "sha256=" + hmac_sha256_hex(secret, body);
}

}  // namespace jicofo::webhooks
