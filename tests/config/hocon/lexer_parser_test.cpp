// HOCON syntax as jicofo.conf files use it: root braces, keys, separators, comments, strings, numbers, arrays.
#include <gtest/gtest.h>

#include "hocon_test_support.hpp"

namespace jicofo::config::hocon {
namespace {

using testing::parse_ok;
using testing::text_at;
using testing::texts_at;

TEST(HoconSyntax, RootBracesAreOptional) {
    const Value bare = parse_ok("a = 1");
    const Value braced = parse_ok("{ a = 1 }");
    EXPECT_EQ(text_at(bare, "a"), "1");
    EXPECT_EQ(text_at(braced, "a"), "1");
    EXPECT_EQ(bare.find("a")->kind(), Kind::Number);
}

TEST(HoconSyntax, DottedKeyIsTheSameAsNestedObjects) {
    const Value dotted = parse_ok("a.b.c = 1");
    const Value nested = parse_ok("a { b { c = 1 } }");
    EXPECT_EQ(text_at(dotted, "a.b.c"), "1");
    EXPECT_EQ(text_at(nested, "a.b.c"), "1");
    ASSERT_NE(dotted.find("a.b"), nullptr);
    EXPECT_TRUE(dotted.find("a.b")->is_object());
}

TEST(HoconSyntax, ColonEqualsAndOpenBraceAllSeparateKeyFromValue) {
    const Value root = parse_ok("a: 1\nb = 2\nc { d = 3 }\ne = { f = 4 }");
    EXPECT_EQ(text_at(root, "a"), "1");
    EXPECT_EQ(text_at(root, "b"), "2");
    EXPECT_EQ(text_at(root, "c.d"), "3");
    EXPECT_EQ(text_at(root, "e.f"), "4");
}

TEST(HoconSyntax, CommasOrNewlinesSeparateFieldsAndATrailingCommaIsAllowed) {
    const Value root = parse_ok("a = 1, b = 2,\nc = 3\nd { e = 4, }\n");
    EXPECT_EQ(text_at(root, "a"), "1");
    EXPECT_EQ(text_at(root, "b"), "2");
    EXPECT_EQ(text_at(root, "c"), "3");
    EXPECT_EQ(text_at(root, "d.e"), "4");
}

TEST(HoconSyntax, HashAndDoubleSlashStartComments) {
    const Value root = parse_ok("# leading comment\na = 1 // trailing\n// whole line\nb = x # another\n");
    EXPECT_EQ(text_at(root, "a"), "1");
    EXPECT_EQ(text_at(root, "b"), "x");
    EXPECT_EQ(root.members().size(), 2U);
}

TEST(HoconSyntax, DoubleSlashEndsAnUnquotedStringButNotAQuotedOne) {
    const Value root = parse_ok("a = foo//bar\nb = \"wss://x.example.org/ws\"");
    EXPECT_EQ(text_at(root, "a"), "foo");
    EXPECT_EQ(text_at(root, "b"), "wss://x.example.org/ws");
}

TEST(HoconSyntax, QuotedStringsDecodeJsonEscapes) {
    const Value root = parse_ok(R"(s = "a\n\"b\"\\c\/\t\u00e9\ud83d\ude00")");
    EXPECT_EQ(text_at(root, "s"), "a\n\"b\"\\c/\t\xC3\xA9\xF0\x9F\x98\x80");
}

TEST(HoconSyntax, TripleQuotedStringIsRawAndMayspanLines) {
    const Value root = parse_ok("s = \"\"\"first \\n line\n  \"quoted\" second\"\"\"\nt = 1");
    EXPECT_EQ(text_at(root, "s"), "first \\n line\n  \"quoted\" second");
    EXPECT_EQ(text_at(root, "t"), "1");
}

TEST(HoconSyntax, TripleQuotedStringKeepsQuotesBeforeTheClosingThree) {
    const Value root = parse_ok("s = \"\"\"say \"hi\"\"\"\"\"");
    EXPECT_EQ(text_at(root, "s"), "say \"hi\"\"");
}

TEST(HoconSyntax, NumbersKeepTheTextAsWritten) {
    const Value root = parse_ok("a = 15, b = -1, c = 0.8, d = 1e3, e = 1.50, f = 2E-2");
    for (const auto& [path, text] : std::map<std::string, std::string>{
             {"a", "15"}, {"b", "-1"}, {"c", "0.8"}, {"d", "1e3"}, {"e", "1.50"}, {"f", "2E-2"}}) {
        ASSERT_NE(root.find(path), nullptr) << path;
        EXPECT_EQ(root.find(path)->kind(), Kind::Number) << path;
        EXPECT_EQ(root.find(path)->text(), text) << path;
    }
}

TEST(HoconSyntax, OnlyTrueAndFalseAreBooleansOtherWordsStayStrings) {
    const Value root = parse_ok("a = true, b = false, c = yes, d = off, e = on, f = no");
    EXPECT_EQ(root.find("a")->kind(), Kind::Boolean);
    EXPECT_EQ(root.find("a")->text(), "true");
    EXPECT_EQ(root.find("b")->kind(), Kind::Boolean);
    for (const char* path : {"c", "d", "e", "f"}) {
        EXPECT_EQ(root.find(path)->kind(), Kind::String) << path;
    }
    EXPECT_EQ(text_at(root, "d"), "off");
}

TEST(HoconSyntax, QuotedTrueIsAStringAndNullIsNull) {
    const Value root = parse_ok("a = \"true\"\nb = null");
    EXPECT_EQ(root.find("a")->kind(), Kind::String);
    EXPECT_EQ(root.find("b")->kind(), Kind::Null);
}

TEST(HoconSyntax, ArrayElementsMayBeSeparatedByNewlines) {
    const Value root = parse_ok("a = [\n  1\n  2,\n\n  3,\n]\nb = []");
    EXPECT_EQ(texts_at(root, "a"), (std::vector<std::string>{"1", "2", "3"}));
    EXPECT_TRUE(root.find("b")->items().empty());
}

TEST(HoconSyntax, ArraysOfArraysHoldRegionGroups) {
    const Value root = parse_ok(R"(region-groups = [ ["us-east-1","us-west-2"], ["eu-central-1"] ])");
    const Value* groups = root.find("region-groups");
    ASSERT_NE(groups, nullptr);
    ASSERT_EQ(groups->items().size(), 2U);
    ASSERT_EQ(groups->items()[0].items().size(), 2U);
    EXPECT_EQ(groups->items()[0].items()[1].text(), "us-west-2");
    EXPECT_EQ(groups->items()[1].items()[0].text(), "eu-central-1");
}

TEST(HoconSyntax, ArraysMayHoldObjects) {
    const Value root = parse_ok("a = [ { x = 1 }, { x = 2, y = z } ]");
    const Value* a = root.find("a");
    ASSERT_EQ(a->items().size(), 2U);
    EXPECT_EQ(text_at(a->items()[1], "y"), "z");
}

TEST(HoconSyntax, DuplicateObjectsMerge) {
    const Value root = parse_ok("a { x = 1, y = 1 }\na { y = 2, z = 3 }\na.w = 4");
    EXPECT_EQ(text_at(root, "a.x"), "1");
    EXPECT_EQ(text_at(root, "a.y"), "2");
    EXPECT_EQ(text_at(root, "a.z"), "3");
    EXPECT_EQ(text_at(root, "a.w"), "4");
}

TEST(HoconSyntax, DuplicateNonObjectValueIsReplacedByTheLaterOne) {
    const Value root = parse_ok("a = 1\na = [2]\na = three");
    EXPECT_EQ(text_at(root, "a"), "three");
}

TEST(HoconSyntax, NonObjectAfterObjectReplacesItAndHidesItFromLaterObjects) {
    const Value root = parse_ok("a { x = 1 }\na = null\na { y = 2 }\nb { x = 1 }\nb = 5");
    EXPECT_EQ(root.find("a.x"), nullptr);
    EXPECT_EQ(text_at(root, "a.y"), "2");
    EXPECT_EQ(text_at(root, "b"), "5");
}

TEST(HoconSyntax, QuotedKeyWithADotIsOneKey) {
    const Value root = parse_ok(R"("a.b" = 1
c."d.e".f = 2)");
    EXPECT_EQ(root.members().count("a.b"), 1U);
    EXPECT_EQ(root.find("a.b"), nullptr);
    EXPECT_EQ(text_at(root, R"("a.b")"), "1");
    EXPECT_EQ(text_at(root, R"(c."d.e".f)"), "2");
}

TEST(HoconSyntax, NumericKeysSplitOnTheirDots) {
    const Value root = parse_ok("delays { 50 = 500, 100 = 1000 }\nversion.10.5 = x");
    EXPECT_EQ(text_at(root, "delays.50"), "500");
    EXPECT_EQ(text_at(root, "delays.100"), "1000");
    EXPECT_EQ(text_at(root, "version.10.5"), "x");
}

TEST(HoconSyntax, WhitespaceInsideAKeyIsKept) {
    const Value root = parse_ok("a b c = 1");
    EXPECT_EQ(root.members().count("a b c"), 1U);
}

TEST(HoconSyntax, NewlineAfterTheSeparatorIsAllowed) {
    const Value root = parse_ok("a =\n  1\nb :\n  [2]");
    EXPECT_EQ(text_at(root, "a"), "1");
    EXPECT_EQ(texts_at(root, "b"), (std::vector<std::string>{"2"}));
}

TEST(HoconSyntax, OriginsPointAtTheFirstCharacterOfEachValue) {
    const Value root = parse_ok("a {\n  b = 42\n  c = [ x ]\n}", "where.conf");
    const Value* b = root.find("a.b");
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(b->origin().file, "where.conf");
    EXPECT_EQ(b->origin().line, 2);
    EXPECT_EQ(b->origin().column, 7);
    EXPECT_EQ(root.find("a")->origin().column, 3);
    const Value* c = root.find("a.c");
    EXPECT_EQ(c->origin().column, 7);
    EXPECT_EQ(c->items()[0].origin().column, 9);
    EXPECT_EQ(b->origin().describe(), "where.conf:2:7");
}

TEST(HoconSyntax, FindReturnsNullForMissingPathsAndThroughNonObjects) {
    const Value root = parse_ok("a { b = 1 }");
    EXPECT_EQ(root.find("a.c"), nullptr);
    EXPECT_EQ(root.find("a.b.c"), nullptr);
    EXPECT_EQ(root.find("a..b"), nullptr);
    EXPECT_NE(root.find("a"), nullptr);
}

TEST(HoconSyntax, IncludeIsAnOrdinaryWordOutsideKeyPosition) {
    const Value root = parse_ok("a = include\nb = [ include ]\n\"include\" = 3");
    EXPECT_EQ(text_at(root, "a"), "include");
    EXPECT_EQ(texts_at(root, "b"), (std::vector<std::string>{"include"}));
    EXPECT_EQ(text_at(root, "include"), "3");
}

TEST(HoconSyntax, ByteOrderMarkAndCrlfLineEndingsAreAccepted) {
    const Value root = parse_ok(
        "\xEF\xBB\xBF"
        "a = 1\r\nb = two\r\n");
    EXPECT_EQ(text_at(root, "a"), "1");
    EXPECT_EQ(text_at(root, "b"), "two");
}

}  // namespace
}  // namespace jicofo::config::hocon
