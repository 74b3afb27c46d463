// include statements: forms, relative paths, merging at the point of include, missing files, cycles, depth.
#include <gtest/gtest.h>

#include "hocon_test_support.hpp"

namespace jicofo::config::hocon {
namespace {

using testing::fake_environment;
using testing::resolve_ok;
using testing::TempDir;
using testing::text_at;

Value parse_file_ok(const std::filesystem::path& path) {
    auto parsed = parse_file(path);
    if (!parsed) {
        ADD_FAILURE() << parsed.error().describe();
        return Value();
    }
    return std::move(*parsed);
}

TEST(HoconInclude, QuotedNameIncludesTheFileAtTheRoot) {
    TempDir dir;
    dir.write("extra.conf", "b = 2");
    const Value root = parse_file_ok(dir.write("main.conf", "a = 1\ninclude \"extra.conf\"\n"));
    EXPECT_EQ(text_at(root, "a"), "1");
    EXPECT_EQ(text_at(root, "b"), "2");
}

TEST(HoconInclude, FileAndRequiredFileFormsInclude) {
    TempDir dir;
    dir.write("one.conf", "one = 1");
    dir.write("two.conf", "two = 2");
    dir.write("three.conf", "three = 3");
    const Value root = parse_file_ok(dir.write(
        "main.conf",
        "include file(\"one.conf\")\ninclude required(file(\"two.conf\"))\ninclude required( \"three.conf\" )\n"));
    EXPECT_EQ(text_at(root, "one"), "1");
    EXPECT_EQ(text_at(root, "two"), "2");
    EXPECT_EQ(text_at(root, "three"), "3");
}

TEST(HoconInclude, IncludeInsideAnObjectMergesIntoThatObject) {
    TempDir dir;
    dir.write("client.conf", "port = 5222\nhostname = xmpp.example.org");
    const Value root = parse_file_ok(dir.write("main.conf", "jicofo.xmpp { client { include \"client.conf\" } }"));
    EXPECT_EQ(text_at(root, "jicofo.xmpp.client.port"), "5222");
    EXPECT_EQ(text_at(root, "jicofo.xmpp.client.hostname"), "xmpp.example.org");
    EXPECT_EQ(root.find("port"), nullptr);
}

TEST(HoconInclude, IncludedKeysOverrideEarlierOnesAndLaterKeysOverrideIncludedOnes) {
    TempDir dir;
    dir.write("middle.conf", "a = from-include\nb = from-include\nobj { y = 2 }");
    const Value root =
        parse_file_ok(dir.write("main.conf", "a = before\nobj { x = 1 }\ninclude \"middle.conf\"\nb = after\n"));
    EXPECT_EQ(text_at(root, "a"), "from-include");
    EXPECT_EQ(text_at(root, "b"), "after");
    EXPECT_EQ(text_at(root, "obj.x"), "1");
    EXPECT_EQ(text_at(root, "obj.y"), "2");
}

TEST(HoconInclude, NamesAreRelativeToTheIncludingFilesDirectory) {
    TempDir dir;
    dir.write("sub/leaf.conf", "leaf = yes");
    dir.write("sub/inner.conf", "include \"leaf.conf\"\ninner = yes");
    const Value root = parse_file_ok(dir.write("main.conf", "include \"sub/inner.conf\""));
    EXPECT_EQ(text_at(root, "inner"), "yes");
    EXPECT_EQ(text_at(root, "leaf"), "yes");
    EXPECT_EQ(root.find("leaf")->origin().file, (dir.path() / "sub" / "leaf.conf").string());
}

TEST(HoconInclude, NameWithoutExtensionFindsTheConfFile) {
    TempDir dir;
    dir.write("visitors.conf", "v = 1");
    const Value root = parse_file_ok(dir.write("main.conf", "include \"visitors\""));
    EXPECT_EQ(text_at(root, "v"), "1");
}

TEST(HoconInclude, MissingOptionalIncludeIsIgnored) {
    TempDir dir;
    const Value root = parse_file_ok(dir.write("main.conf", "include \"absent.conf\"\na = 1"));
    EXPECT_EQ(text_at(root, "a"), "1");
    EXPECT_EQ(root.members().size(), 1U);
}

TEST(HoconInclude, MissingRequiredIncludeIsAnErrorAtTheIncludeStatement) {
    TempDir dir;
    const auto main = dir.write("main.conf", "a = 1\n  include required(\"absent.conf\")\n");
    auto parsed = parse_file(main);
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().origin.file, main.string());
    EXPECT_EQ(parsed.error().origin.line, 2);
    EXPECT_EQ(parsed.error().origin.column, 3);
    EXPECT_NE(parsed.error().message.find("absent.conf"), std::string::npos);
}

TEST(HoconInclude, UrlAndClasspathIncludesAreUnsupported) {
    for (const char* text : {"include url(\"https://example.org/x.conf\")", "include classpath(\"x.conf\")",
                             "include required(url(\"https://example.org/x.conf\"))"}) {
        auto parsed = parse_string(text, "<test>");
        ASSERT_FALSE(parsed) << text;
        EXPECT_NE(parsed.error().message.find("unsupported include"), std::string::npos) << text;
        EXPECT_EQ(parsed.error().origin.column, 9) << text;
    }
}

TEST(HoconInclude, IncludeCycleIsAnError) {
    TempDir dir;
    dir.write("b.conf", "b = 1\ninclude \"a.conf\"");
    const auto a = dir.write("a.conf", "include \"b.conf\"");
    auto parsed = parse_file(a);
    ASSERT_FALSE(parsed);
    EXPECT_NE(parsed.error().message.find("include cycle"), std::string::npos);
    EXPECT_EQ(parsed.error().origin.file, (dir.path() / "b.conf").string());
    EXPECT_EQ(parsed.error().origin.line, 2);
}

TEST(HoconInclude, IncludesNestedBeyondTheLimitAreAnError) {
    TempDir dir;
    dir.write("l3.conf", "deepest = 1");
    dir.write("l2.conf", "include \"l3.conf\"");
    dir.write("l1.conf", "include \"l2.conf\"");
    const auto main = dir.write("main.conf", "include \"l1.conf\"");
    ParseOptions shallow;
    shallow.max_include_depth = 2;
    auto parsed = parse_file(main, shallow);
    ASSERT_FALSE(parsed);
    EXPECT_NE(parsed.error().message.find("nested more than 2"), std::string::npos);
    EXPECT_TRUE(parse_file(main));  // the default limit allows it
}

TEST(HoconInclude, SubstitutionInANestedIncludeIsFixedUpToTheIncludePath) {
    TempDir dir;
    dir.write("foo.conf", "x = 10\ny = ${x}");
    const Value root =
        resolve_ok(parse_file_ok(dir.write("main.conf", "a { include \"foo.conf\" }\na { x = 42 }\nx = 1")));
    EXPECT_EQ(text_at(root, "a.y"), "42");
}

TEST(HoconInclude, SubstitutionInANestedIncludeFallsBackToThePathFromTheRoot) {
    TempDir dir;
    dir.write("node.conf", "domain = ${jicofo.domain}");
    const Value root = resolve_ok(parse_file_ok(
        dir.write("main.conf", "jicofo.domain = auth.example.org\nnodes { v1 { include \"node.conf\" } }")));
    EXPECT_EQ(text_at(root, "nodes.v1.domain"), "auth.example.org");
}

TEST(HoconInclude, PlusEqualsInANestedIncludeAppendsToTheIncludedPath) {
    TempDir dir;
    dir.write("more.conf", "domains += b");
    const Value root = resolve_ok(
        parse_file_ok(dir.write("main.conf", "xmpp { domains = [a]\ninclude \"more.conf\" }")), fake_environment());
    EXPECT_EQ(testing::texts_at(root, "xmpp.domains"), (std::vector<std::string>{"a", "b"}));
}

TEST(HoconInclude, ParseStringReadsIncludesRelativeToTheOriginName) {
    TempDir dir;
    dir.write("extra.conf", "b = 2");
    auto parsed = parse_string("include \"extra.conf\"", (dir.path() / "virtual.conf").string());
    ASSERT_TRUE(parsed);
    EXPECT_EQ(text_at(*parsed, "b"), "2");
}

}  // namespace
}  // namespace jicofo::config::hocon
