// Random tokens: the length asked for, only [0-9a-z], and not the same twice.
#include "jicofo/core/random.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace jicofo::core
