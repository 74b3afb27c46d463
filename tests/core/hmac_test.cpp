// HMAC-SHA256 against RFC 4231's test vectors, and the constant-time comparison's answers.
#include "jicofo/core/hmac.hpp"

#include <gtest/gtest.h>

namespace jicofo::core {
namespace {

TEST(HmacSha256, Rfc4231Case1) {
    const std::string key(20, '\x0b');
    EXPECT_EQ(to_hex(hmac_sha256(key, "Hi There")), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(HmacSha256, Rfc4231Case2KeyShorterThanTheBlock) {
    EXPECT_EQ(to_hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacSha256, Rfc4231Case3BinaryKeyAndData) {
    EXPECT_EQ(to_hex(hmac_sha256(std::string(20, '\xaa'), std::string(50, '\xdd'))),
              "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
}

TEST(HmacSha256, Rfc4231Case4) {
    std::string key;
    for (int i = 1; i <= 25; ++i) {
        key.push_back(static_cast<char>(i));
    }
    EXPECT_EQ(to_hex(hmac_sha256(key, std::string(50, '\xcd'))),
              "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
}

TEST(HmacSha256, Rfc4231Case6KeyLongerThanTheBlock) {
    const std::string key(131, '\xaa');
    EXPECT_EQ(to_hex(hmac_sha256(key, "Test Using Larger Than Block-Size Key - Hash Key First")),
              "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HmacSha256, Rfc4231Case7KeyAndDataLongerThanTheBlock) {
    EXPECT_EQ(to_hex(hmac_sha256(std::string(131, '\xaa'),
                                 "This is a test using a larger than block-size key and a larger than block-size data. "
                                 "The key needs to be hashed before being used by the HMAC algorithm.")),
              "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

TEST(HmacSha256, EmptyKeyAndDataStillSign) {
    EXPECT_EQ(to_hex(hmac_sha256("", "")), "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(ConstantTimeEquality, ComparesContentAndLength) {
    EXPECT_TRUE(equal_in_constant_time("abc", "abc"));
    EXPECT_FALSE(equal_in_constant_time("abc", "abd"));
    EXPECT_FALSE(equal_in_constant_time("abc", "abcd"));
    EXPECT_TRUE(equal_in_constant_time("", ""));
}

}  // namespace
}  // namespace jicofo::core
