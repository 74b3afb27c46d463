// Value concatenation: simple values join into strings with their whitespace, arrays append, objects merge.
#include <gtest/gtest.h>

#include "hocon_test_support.hpp"

namespace jicofo::config::hocon {
namespace {

using testing::error_of;
using testing::parse_and_resolve;
using testing::parse_ok;
using testing::text_at;
using testing::texts_at;

TEST(HoconConcatenation, SimpleValuesJoinKeepingTheWhitespaceBetweenThem) {
    const Value root = parse_ok("a = 30 seconds\nb = foo   bar\nc =   x y   # comment\n");
    EXPECT_EQ(root.find("a")->kind(), Kind::String);
    EXPECT_EQ(text_at(root, "a"), "30 seconds");
    EXPECT_EQ(text_at(root, "b"), "foo   bar");
    EXPECT_EQ(text_at(root, "c"), "x y");
}

// Found by the config fuzz target: non-ASCII words were taken for whitespace, the concatenation had no value left
// and the parser read an empty optional.
TEST(HoconConcatenation, NonAsciiWordsAreTextNotWhitespace) {
    const Value root = parse_ok("a = \xC3\xA9t\xC3\xA9 \xC3\xA9t\xC3\xA9\nb = \xE2\x82\xAC \xE2\x82\xAC\n");
    EXPECT_EQ(text_at(root, "a"), "\xC3\xA9t\xC3\xA9 \xC3\xA9t\xC3\xA9");
    EXPECT_EQ(text_at(root, "b"), "\xE2\x82\xAC \xE2\x82\xAC");
}

TEST(HoconConcatenation, QuotedWhitespaceOnlyIsAString) {
    const Value root = parse_ok("a = \" \" \"\\t\"\nb = [1] \xE2\x80\xA9 [2]\n");
    EXPECT_EQ(text_at(root, "a"), "  \t");  // quoted space, the space between, quoted tab
    EXPECT_EQ(texts_at(root, "b"), (std::vector<std::string>{"1", "2"}));
}

TEST(HoconConcatenation, NumberFollowedByMoreTextIsAString) {
    const Value root = parse_ok("a = 10.0.0.11\nb = 30s\nc = true story");
    EXPECT_EQ(root.find("a")->kind(), Kind::String);
    EXPECT_EQ(text_at(root, "a"), "10.0.0.11");
    EXPECT_EQ(text_at(root, "b"), "30s");
    EXPECT_EQ(root.find("c")->kind(), Kind::String);
    EXPECT_EQ(text_at(root, "c"), "true story");
}

TEST(HoconConcatenation, QuotedAndUnquotedPartsJoin) {
    const Value root = parse_ok(R"(a = "JvbBrewery@"internal.auth.example.org)");
    EXPECT_EQ(text_at(root, "a"), "JvbBrewery@internal.auth.example.org");
}

TEST(HoconConcatenation, SubstitutionJoinsWithText) {
    const Value root = parse_and_resolve("base = /opt/jitsi\npath = ${base}/jicofo\nlabel = ${base} \"is home\"");
    EXPECT_EQ(text_at(root, "path"), "/opt/jitsi/jicofo");
    EXPECT_EQ(text_at(root, "label"), "/opt/jitsi is home");
}

TEST(HoconConcatenation, UnresolvedTreeKeepsSubstitutionConcatenations) {
    const Value root = parse_ok("a = ${b} x");
    ASSERT_EQ(root.find("a")->kind(), Kind::Concatenation);
    EXPECT_EQ(root.find("a")->items().front().kind(), Kind::Substitution);
    EXPECT_EQ(root.find("a")->items().front().text(), "b");
}

TEST(HoconConcatenation, ArraysAppend) {
    const Value root = parse_ok("a = [1] [2, 3]");
    EXPECT_EQ(texts_at(root, "a"), (std::vector<std::string>{"1", "2", "3"}));
}

TEST(HoconConcatenation, ObjectsMergeWithTheLaterOneWinning) {
    const Value root = parse_ok("a = { x = 1, y = 1 } { y = 2 }");
    EXPECT_EQ(text_at(root, "a.x"), "1");
    EXPECT_EQ(text_at(root, "a.y"), "2");
}

TEST(HoconConcatenation, SubstitutedArrayAppendsToALiteralArray) {
    const Value root = parse_and_resolve("base = [1]\na = ${base} [2]\nb = [0] ${base}");
    EXPECT_EQ(texts_at(root, "a"), (std::vector<std::string>{"1", "2"}));
    EXPECT_EQ(texts_at(root, "b"), (std::vector<std::string>{"0", "1"}));
}

TEST(HoconConcatenation, SubstitutedObjectMergesWithALiteralObject) {
    const Value root = parse_and_resolve("defaults { port = 5222, tls = true }\nv1 = ${defaults} { port = 7701 }");
    EXPECT_EQ(text_at(root, "v1.port"), "7701");
    EXPECT_EQ(text_at(root, "v1.tls"), "true");
}

TEST(HoconConcatenation, ArrayWithStringIsAnErrorAtTheString) {
    const ParseError error = error_of("a = [1] foo");
    EXPECT_EQ(error.origin.line, 1);
    EXPECT_EQ(error.origin.column, 9);
    EXPECT_NE(error.message.find("cannot concatenate"), std::string::npos);
    EXPECT_EQ(error.key, "a");
}

TEST(HoconConcatenation, SubstitutionOfNullJoinsAsEmptyText) {
    const Value root = parse_and_resolve("n = null\ns = x${n}y");
    EXPECT_EQ(text_at(root, "s"), "xy");
}

TEST(HoconConcatenation, LoneSubstitutionKeepsTheType) {
    const Value root = parse_and_resolve("a = 5\nb = ${a}\nc = [${a}]");
    EXPECT_EQ(root.find("b")->kind(), Kind::Number);
    EXPECT_EQ(root.find("c")->items()[0].kind(), Kind::Number);
}

TEST(HoconConcatenation, NewlineEndsAConcatenationInsideAnArray) {
    const Value root = parse_ok("a = [ [1] [2]\n [3] ]");
    const Value* a = root.find("a");
    ASSERT_EQ(a->items().size(), 2U);
    EXPECT_EQ(a->items()[0].items().size(), 2U);
    EXPECT_EQ(a->items()[1].items().size(), 1U);
}

}  // namespace
}  // namespace jicofo::config::hocon
