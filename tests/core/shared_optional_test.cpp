#include "jicofo/core/shared_optional.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace {

using jicofo::core::SharedOptional;

TEST(SharedOptionalTest, EmptyByDefaultAndFromNullopt) {
    const SharedOptional<std::string> none;
    EXPECT_FALSE(none);
    EXPECT_FALSE(none.has_value());
    EXPECT_EQ(none, std::nullopt);
    const SharedOptional<std::string> from_nullopt = std::optional<std::string>();
    EXPECT_FALSE(from_nullopt);
    EXPECT_EQ(none, from_nullopt);
}

TEST(SharedOptionalTest, HoldsTheValueAndCopiesShareIt) {
    const SharedOptional<std::string> one = std::string("https://jitsi.org/jitsi-meet");
    ASSERT_TRUE(one);
    EXPECT_EQ(*one, "https://jitsi.org/jitsi-meet");
    EXPECT_EQ(one->size(), 28U);
    const auto copy = one;     // NOLINT(performance-unnecessary-copy-initialization): the copy is the subject
    EXPECT_EQ(&*copy, &*one);  // the same object, not a copy
    EXPECT_FALSE(copy == std::nullopt);
}

TEST(SharedOptionalTest, EqualityIsOfTheValuesNotOfThePointers) {
    const SharedOptional<std::string> a = std::string("ver-1");
    const SharedOptional<std::string> b = std::optional<std::string>("ver-1");
    const SharedOptional<std::string> c = std::string("ver-2");
    const SharedOptional<std::string> none;
    EXPECT_NE(&*a, &*b);
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
    EXPECT_NE(a, none);
    EXPECT_NE(none, a);
}

TEST(SharedOptionalTest, ComparesWithAPlainValue) {
    const SharedOptional<std::string> a = std::string("ver-1");
    const SharedOptional<std::string> none;
    EXPECT_TRUE(a == std::string("ver-1"));
    EXPECT_FALSE(a == std::string("ver-2"));
    EXPECT_FALSE(none == std::string("ver-1"));
}

}  // namespace
