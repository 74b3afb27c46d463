// Syntax errors are values that point at the line and column of the offending token.
#include <gtest/gtest.h>

#include "hocon_test_support.hpp"

namespace jicofo::config::hocon {
namespace {

using testing::error_of;

void expect_at(const ParseError& error, int line, int column, std::string_view words) {
    EXPECT_EQ(error.origin.line, line) << error.describe();
    EXPECT_EQ(error.origin.column, column) << error.describe();
    EXPECT_NE(error.message.find(words), std::string::npos) << error.describe();
}

TEST(HoconErrors, UnterminatedStringPointsWhereItStarts) {
    expect_at(error_of("a = 1\nb = \"abc\nc = 2\n"), 2, 5, "unterminated quoted string");
}

TEST(HoconErrors, UnterminatedTripleQuotedStringPointsWhereItStarts) {
    expect_at(error_of("a = \"\"\"abc\n\n"), 1, 5, "unterminated triple-quoted string");
}

TEST(HoconErrors, UnclosedBracePointsAtTheBrace) {
    expect_at(error_of("a {\n  b = 1\n"), 1, 3, "'{' is never closed");
}

TEST(HoconErrors, UnclosedBracketPointsAtTheBracket) {
    expect_at(error_of("a = [1,\n 2\n"), 1, 5, "'[' is never closed");
}

TEST(HoconErrors, UnexpectedClosingBrace) {
    expect_at(error_of("a = 1\n}\n"), 2, 1, "unexpected '}'");
}

TEST(HoconErrors, MissingValueBeforeAClosingBrace) {
    const ParseError error = error_of("a { b = }");
    expect_at(error, 1, 9, "expected a value");
    EXPECT_EQ(error.key, "a.b");
}

TEST(HoconErrors, MissingValueAtTheEndOfALinePointsAtTheSeparator) {
    expect_at(error_of("a = 1\nb =\n"), 2, 3, "expected a value after '='");
}

TEST(HoconErrors, BadEscapePointsAtTheBackslash) {
    expect_at(error_of(R"(a = "x\q")"), 1, 7, "invalid escape");
}

TEST(HoconErrors, BadUnicodeEscapePointsAtTheBackslash) {
    expect_at(error_of(R"(a = "\u12G4")"), 1, 6, "\\u escape");
}

TEST(HoconErrors, EqualsWithoutAKey) {
    expect_at(error_of("a = 1\n  = 2"), 2, 3, "expected a key before '='");
}

TEST(HoconErrors, KeyWithoutSeparatorOrValue) {
    const ParseError error = error_of("jicofo {\n  enabled\n}");
    expect_at(error, 2, 10, "expected '=', ':' or '{' after key 'jicofo.enabled'");
}

TEST(HoconErrors, TwoCommasInARow) {
    expect_at(error_of("a = [1,,2]"), 1, 8, "two commas");
    expect_at(error_of("a = 1,,b = 2"), 1, 7, "two commas");
}

TEST(HoconErrors, LeadingCommaInAnArray) {
    expect_at(error_of("a = [,1]"), 1, 6, "expected an array element");
}

TEST(HoconErrors, SecondSeparatorAfterAValue) {
    expect_at(error_of("a = 1 = 2"), 1, 7, "unexpected '='");
}

TEST(HoconErrors, SubstitutionInAKey) {
    expect_at(error_of("${a} = 1"), 1, 1, "not allowed in keys");
}

TEST(HoconErrors, EmptyPathElementInAKey) {
    expect_at(error_of("x = 1\na..b = 1"), 2, 1, "invalid key");
    expect_at(error_of("a. = 1"), 1, 1, "invalid key");
}

TEST(HoconErrors, ForbiddenCharacterInAnUnquotedString) {
    expect_at(error_of("a = focus@auth"), 1, 10, "unexpected character '@'");
}

TEST(HoconErrors, UnterminatedSubstitution) {
    expect_at(error_of("a = ${b\n"), 1, 5, "unterminated substitution");
}

TEST(HoconErrors, InvalidSubstitutionPath) {
    expect_at(error_of("a = ${b..c}"), 1, 5, "invalid path");
}

TEST(HoconErrors, RootArrayIsRejected) {
    expect_at(error_of("\n [1, 2]"), 2, 2, "must be an object");
}

TEST(HoconErrors, ColumnsCountCharactersNotBytes) {
    expect_at(error_of("k = \"\xC3\xA9\", j = \"oops\n"), 1, 14, "unterminated");
}

TEST(HoconErrors, DeepNestingIsAnErrorNotACrash) {
    const std::string deep = "a = " + std::string(5000, '[') + std::string(5000, ']');
    // The root object is the first level, so the 200th bracket (column 204) is one too many.
    expect_at(error_of(deep), 1, 204, "nested too deeply");
}

TEST(HoconErrors, DescribeGivesFileLineColumnMessageAndKey) {
    const ParseError error = error_of("jicofo {\n  port = }\n", false, "jicofo.conf");
    EXPECT_EQ(error.describe(), "jicofo.conf:2:10: expected a value, found '}' (key 'jicofo.port')");
}

TEST(HoconErrors, UnreadableFileIsAnErrorNamingIt) {
    auto parsed = parse_file("no/such/dir/jicofo.conf");
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().origin.file, "no/such/dir/jicofo.conf");
    EXPECT_NE(parsed.error().message.find("cannot open"), std::string::npos);
}

}  // namespace
}  // namespace jicofo::config::hocon
