// HMAC-SHA256 against the test vectors of RFC 4231 (section 4; case 5 is a truncated output and not ours).
#include "jicofo/webhooks/signature.hpp"

#include <gtest/gtest.h>

#include <string>

namespace jicofo::webhooks {
namespace {

std::string repeat(char byte, std::size_t count) {
    return std::string(count, byte);
}

TEST(SignatureTest, Rfc4231Case1) {
    EXPECT_EQ(hmac_sha256_hex(repeat('\x0b', 20), "Hi There"),
              "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(SignatureTest, Rfc4231Case2KeyShorterThanTheOutput) {
    EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(SignatureTest, Rfc4231Case3BinaryKeyAndData) {
    EXPECT_EQ(hmac_sha256_hex(repeat('\xaa', 20), repeat('\xdd', 50)),
              "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
}

TEST(SignatureTest, Rfc4231Case4) {
    std::string key;
    for (int i = 1; i <= 25; ++i) {
        key.push_back(static_cast<char>(i));
    }
    EXPECT_EQ(hmac_sha256_hex(key, repeat('\xcd', 50)),
              "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
}

TEST(SignatureTest, Rfc4231Case6KeyLongerThanABlock) {
    EXPECT_EQ(hmac_sha256_hex(repeat('\xaa', 131), "Test Using Larger Than Block-Size Key - Hash Key First"),
              "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(SignatureTest, Rfc4231Case7KeyAndDataLongerThanABlock) {
    EXPECT_EQ(hmac_sha256_hex(repeat('\xaa', 131),
                              "This is a test using a larger than block-size key and a larger than block-size data. "
                              "The key needs to be hashed before being used by the HMAC algorithm."),
              "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

TEST(SignatureTest, HeaderValueIsTheHexDigestWithItsAlgorithm) {
    EXPECT_EQ(signature_header_value("Jefe", "what do ya want for nothing?"),
              "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    EXPECT_NE(signature_header_value("Jefe", "what do ya want for nothing!"),
              signature_header_value("Jefe", "what do ya want for nothing?"));
}

}  // namespace
}  // namespace jicofo::webhooks
