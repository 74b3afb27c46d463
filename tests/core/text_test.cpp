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

TEST(Iso8601Utc, MillisecondsAndZulu) {
    using namespace std::chrono_literals;
    const auto instant = std::chrono::sys_days{std::chrono::year{2024} / 5 / 1} + 12h + 34min + 56s + 789ms;
    EXPECT_EQ(iso8601_utc(instant), "2024-05-01T12:34:56.789Z");
    EXPECT_EQ(iso8601_utc(std::chrono::sys_days{std::chrono::year{1999} / 12 / 31}), "1999-12-31T00:00:00.000Z");
}

}  // namespace
}  // namespace jicofo::core
