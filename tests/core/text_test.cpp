#include "jicofo/core/text.hpp"

#include <gtest/gtest.h>

namespace jicofo::core {
namespace {

TEST(HexValue, DigitsOfBothCasesAndNothingElse) {
    EXPECT_EQ(hex_value('0'), 0);
    EXPECT_EQ(hex_value('9'), 9);
    EXPECT_EQ(hex_value('a'), 10);
    EXPECT_EQ(hex_value('F'), 15);
    EXPECT_EQ(hex_value('g'), -1);
    EXPECT_EQ(hex_value(' '), -1);
}

TEST(AppendUtf8, EncodesEachLengthClass) {
    std::string out;
    append_utf8(out, U'A');
    append_utf8(out, U'\u00e9');      // 2 bytes
    append_utf8(out, U'\u20ac');      // 3 bytes
    append_utf8(out, U'\U0001F600');  // 4 bytes
    EXPECT_EQ(out, "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
}

}  // namespace
}  // namespace jicofo::core
