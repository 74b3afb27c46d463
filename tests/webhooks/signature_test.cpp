// The signature header: the algorithm's name and the hex HMAC-SHA256 of the exact body (the digest itself is checked
// against RFC 4231 in tests/core/hmac_test.cpp).
#include "jicofo/webhooks/signature.hpp"

#include <gtest/gtest.h>

namespace jicofo::webhooks {
namespace {

TEST(SignatureTest, HeaderValueIsTheHexDigestWithItsAlgorithm) {
    EXPECT_EQ(signature_header_value("Jefe", "what do ya want for nothing?"),
              "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    EXPECT_NE(signature_header_value("Jefe", "what do ya want for nothing!"),
              signature_header_value("Jefe", "what do ya want for nothing?"));
    // Any byte of the body changes it, also past the first block.
    const std::string body(200, 'x');
    std::string altered = body;
    altered.back() = 'y';
    EXPECT_NE(signature_header_value("k", body), signature_header_value("k", altered));
}

}  // namespace
}  // namespace jicofo::webhooks
