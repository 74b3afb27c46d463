// Random tokens and UUIDs: the length or form asked for, only the allowed characters, and not the same twice.
#include "jicofo/core/random.hpp"

#include <gtest/gtest.h>

#include <array>
#include <set>

namespace jicofo::core {
namespace {

TEST(RandomToken, HasTheLengthAndAlphabetAskedFor) {
    for (std::size_t length : {0U, 1U, 12U, 16U, 64U}) {
        const auto token = random_token(length);
        EXPECT_EQ(token.size(), length);
        for (char c : token) {
            EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')) << token;
        }
    }
}

TEST(RandomToken, TokensDoNotRepeat) {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        EXPECT_TRUE(seen.insert(random_token(12)).second);
    }
}

TEST(RandomUuid, IsAVersion4UuidInCanonicalForm) {
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) {
        const auto uuid = random_uuid();
        ASSERT_EQ(uuid.size(), 36U) << uuid;
        for (std::size_t at : {8U, 13U, 18U, 23U}) {
            EXPECT_EQ(uuid[at], '-') << uuid;
        }
        EXPECT_EQ(uuid[14], '4') << "version 4: " << uuid;
        EXPECT_NE(std::string("89ab").find(uuid[19]), std::string::npos) << "RFC 4122 variant: " << uuid;
        EXPECT_TRUE(seen.insert(uuid).second) << "repeated " << uuid;
    }
}

TEST(RandomUuid, BytesAreFormattedInOrderWithTheVersionAndVariantBitsSet) {
    std::array<unsigned char, 16> bytes{};
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        bytes[i] = static_cast<unsigned char>(0xf0 + i);
    }
    EXPECT_EQ(uuid_from_bytes(bytes), "f0f1f2f3-f4f5-46f7-b8f9-fafbfcfdfeff");
}

}  // namespace
}  // namespace jicofo::core
