// Layering with merge() and resolving substitutions: tree before environment, ${?x}, self-references, cycles.
#include <gtest/gtest.h>

#include <functional>

#include "hocon_test_support.hpp"

namespace jicofo::config::hocon {
namespace {

using testing::fake_environment;
using testing::parse_and_resolve;
using testing::parse_ok;
using testing::resolve_ok;
using testing::text_at;
using testing::texts_at;

Value layered(std::string_view overrides, std::string_view fallback,
              const EnvironmentLookup& environment = fake_environment()) {
    return resolve_ok(merge(parse_ok(overrides), parse_ok(fallback)), environment);
}

TEST(HoconMerge, OverridesWinAndFallbackKeysRemain) {
    const Value root = merge(parse_ok("a = 3"), parse_ok("a = 1\nb = 2"));
    EXPECT_EQ(text_at(root, "a"), "3");
    EXPECT_EQ(text_at(root, "b"), "2");
}

TEST(HoconMerge, NestedObjectsMergeRecursively) {
    const Value root = merge(parse_ok("jicofo.xmpp.client.port = 6222"),
                             parse_ok("jicofo.xmpp.client { port = 5222, hostname = localhost }"));
    EXPECT_EQ(text_at(root, "jicofo.xmpp.client.port"), "6222");
    EXPECT_EQ(text_at(root, "jicofo.xmpp.client.hostname"), "localhost");
}

TEST(HoconMerge, NonObjectOverrideReplacesAnObject) {
    const Value root = merge(parse_ok("visitors = null"), parse_ok("visitors { v1 { hostname = x } }"));
    EXPECT_EQ(root.find("visitors")->kind(), Kind::Null);
    EXPECT_EQ(root.find("visitors.v1"), nullptr);
}

TEST(HoconResolve, SubstitutionReadsAnotherKey) {
    const Value root = parse_and_resolve("a.b = x\nc = ${a.b}\nd = ${a}");
    EXPECT_EQ(text_at(root, "c"), "x");
    EXPECT_EQ(text_at(root, "d.b"), "x");
}

TEST(HoconResolve, SubstitutionSeesTheFinalValueAcrossLayers) {
    const Value root = layered("jicofo.xmpp.client.username = jicofo",
                               "jicofo.xmpp.client { username = focus, resource = ${jicofo.xmpp.client.username} }");
    EXPECT_EQ(text_at(root, "jicofo.xmpp.client.resource"), "jicofo");
}

TEST(HoconResolve, SubstitutionFallsBackToTheEnvironment) {
    const Value root = parse_and_resolve("secret = ${JICOFO_SECRET}", fake_environment({{"JICOFO_SECRET", "s3"}}));
    EXPECT_EQ(text_at(root, "secret"), "s3");
    EXPECT_EQ(root.find("secret")->kind(), Kind::String);
}

TEST(HoconResolve, TreeValueWinsOverTheEnvironment) {
    const Value root = parse_and_resolve("HOST = tree\na = ${HOST}", fake_environment({{"HOST", "env"}}));
    EXPECT_EQ(text_at(root, "a"), "tree");
}

TEST(HoconResolve, EmptyEnvironmentVariableCountsAsUnset) {
    const Value root = parse_and_resolve("a = ${?EMPTY}", fake_environment({{"EMPTY", ""}}));
    EXPECT_EQ(root.find("a"), nullptr);
}

TEST(HoconResolve, UndefinedOptionalSubstitutionRemovesTheField) {
    const Value root = parse_and_resolve("a = ${?NOT_SET}\nb = 1");
    EXPECT_EQ(root.find("a"), nullptr);
    EXPECT_EQ(text_at(root, "b"), "1");
}

TEST(HoconResolve, UndefinedOptionalSubstitutionKeepsThePreviousValue) {
    const char* text = "port = 5222\nport = ${?JICOFO_PORT}";
    EXPECT_EQ(text_at(parse_and_resolve(text), "port"), "5222");
    EXPECT_EQ(parse_and_resolve(text).find("port")->kind(), Kind::Number);
    EXPECT_EQ(text_at(parse_and_resolve(text, fake_environment({{"JICOFO_PORT", "6000"}})), "port"), "6000");
}

TEST(HoconResolve, UndefinedOptionalSubstitutionKeepsTheValueOfALowerLayer) {
    EXPECT_EQ(text_at(layered("port = ${?JICOFO_PORT}", "port = 5222"), "port"), "5222");
    EXPECT_EQ(
        text_at(layered("port = ${?JICOFO_PORT}", "port = 5222", fake_environment({{"JICOFO_PORT", "1"}})), "port"),
        "1");
}

TEST(HoconResolve, UndefinedOptionalSubstitutionInAnArrayDropsTheElement) {
    const Value root = parse_and_resolve("a = [1, ${?NOT_SET}, 2]");
    EXPECT_EQ(texts_at(root, "a"), (std::vector<std::string>{"1", "2"}));
}

TEST(HoconResolve, SelfReferenceSeesThePreviousValue) {
    const Value root = parse_and_resolve("path = [a]\npath = ${path} [x]");
    EXPECT_EQ(texts_at(root, "path"), (std::vector<std::string>{"a", "x"}));
}

TEST(HoconResolve, SelfReferenceSeesTheValueOfALowerLayer) {
    const Value root = layered("path = ${path} [b]", "path = [a]");
    EXPECT_EQ(texts_at(root, "path"), (std::vector<std::string>{"a", "b"}));
}

TEST(HoconResolve, SelfReferenceChainsThroughThreeLayers) {
    const Value top = parse_ok("list = ${list} [3]");
    const Value middle = parse_ok("list = ${list} [2]");
    const Value bottom = parse_ok("list = [1]");
    const Value root = resolve_ok(merge(top, merge(middle, bottom)));
    EXPECT_EQ(texts_at(root, "list"), (std::vector<std::string>{"1", "2", "3"}));
}

TEST(HoconResolve, SelfReferenceInAStringConcatenation) {
    const Value root = parse_and_resolve("s = foo\ns = ${s}bar\ns = \"<\"${s}\">\"");
    EXPECT_EQ(text_at(root, "s"), "<foobar>");
}

TEST(HoconResolve, SelfReferenceToAMemberOfThePreviousObject) {
    const Value root = parse_and_resolve("a { x = 1 }\na = [ ${a.x} ]");
    EXPECT_EQ(texts_at(root, "a"), (std::vector<std::string>{"1"}));
}

TEST(HoconResolve, PlusEqualsAppendsToAnArray) {
    const Value root = parse_and_resolve("list = [1]\nlist += 2\nlist += [3]");
    ASSERT_EQ(root.find("list")->items().size(), 3U);
    EXPECT_EQ(root.find("list")->items()[1].text(), "2");
    EXPECT_TRUE(root.find("list")->items()[2].is_array());
}

TEST(HoconResolve, PlusEqualsOnAMissingKeyStartsANewArray) {
    const Value root = parse_and_resolve("a.list += 1");
    EXPECT_EQ(texts_at(root, "a.list"), (std::vector<std::string>{"1"}));
}

TEST(HoconResolve, PlusEqualsAppendsToTheArrayOfALowerLayer) {
    const Value root = layered("jicofo.xmpp.trusted-domains += \"recorder.example.org\"",
                               "jicofo { xmpp { trusted-domains = [ \"jibri.example.org\" ] } }");
    EXPECT_EQ(texts_at(root, "jicofo.xmpp.trusted-domains"),
              (std::vector<std::string>{"jibri.example.org", "recorder.example.org"}));
}

TEST(HoconResolve, OtherKeysSeeTheFinalValueOfASelfReferencingKey) {
    const Value root = parse_and_resolve("a = [1]\na += 2\nb = ${a}");
    EXPECT_EQ(texts_at(root, "b"), (std::vector<std::string>{"1", "2"}));
}

TEST(HoconResolve, SubstitutionThatIsAnObjectMergesWithTheObjectItOverrode) {
    const Value root = parse_and_resolve("a { x = 1 }\na = ${b}\nb { y = 2 }");
    EXPECT_EQ(text_at(root, "a.x"), "1");
    EXPECT_EQ(text_at(root, "a.y"), "2");
}

TEST(HoconResolve, ObjectsMayReferToTheirOwnMembers) {
    const Value root = parse_and_resolve("bar { foo = 42, baz = ${bar.foo} }");
    EXPECT_EQ(text_at(root, "bar.baz"), "42");
}

TEST(HoconResolve, SubstitutionThroughAnotherSubstitution) {
    const Value root = parse_and_resolve("a = ${b}\nb = ${c}\nc { d = deep }\ne = ${a.d}");
    EXPECT_EQ(text_at(root, "e"), "deep");
}

TEST(HoconResolve, CycleIsAnErrorNamingTheKeys) {
    auto resolved = resolve(parse_ok("a = ${b}\nb = ${a}"), fake_environment());
    ASSERT_FALSE(resolved);
    EXPECT_NE(resolved.error().message.find("cycle"), std::string::npos);
    EXPECT_NE(resolved.error().message.find("a -> b -> a"), std::string::npos);
    EXPECT_EQ(resolved.error().key, "a");
    EXPECT_EQ(resolved.error().origin.line, 2);
    EXPECT_EQ(resolved.error().origin.column, 5);
}

TEST(HoconResolve, ObjectContainingASubstitutionOfItselfIsACycle) {
    auto resolved = resolve(parse_ok("a { b = ${a} }"), fake_environment());
    ASSERT_FALSE(resolved);
    EXPECT_NE(resolved.error().message.find("cycle"), std::string::npos);
}

TEST(HoconResolve, SelfReferenceWithoutPreviousValueIsUnresolved) {
    auto resolved = resolve(parse_ok("a = ${a}"), fake_environment());
    ASSERT_FALSE(resolved);
    EXPECT_NE(resolved.error().message.find("${a}"), std::string::npos);
}

TEST(HoconResolve, UnresolvedSubstitutionNamesThePathAndWhereItIs) {
    auto resolved = resolve(parse_ok("x {\n  y = ${missing.key}\n}"), fake_environment());
    ASSERT_FALSE(resolved);
    const ParseError& error = resolved.error();
    EXPECT_NE(error.message.find("${missing.key}"), std::string::npos);
    EXPECT_EQ(error.key, "x.y");
    EXPECT_EQ(error.origin.file, "<test>");
    EXPECT_EQ(error.origin.line, 2);
    EXPECT_EQ(error.origin.column, 7);
}

TEST(HoconResolve, ResolvedTreeHasNoSubstitutionsOrConcatenationsLeft) {
    const Value root = parse_and_resolve("a = ${c} x\nb = [${c}]\nc = 1\nd = { e = ${c} }", fake_environment());
    EXPECT_EQ(text_at(root, "a"), "1 x");
    std::function<void(const Value&)> check = [&](const Value& value) {
        EXPECT_NE(value.kind(), Kind::Substitution);
        EXPECT_NE(value.kind(), Kind::Concatenation);
        for (const Value& item : value.items()) {
            check(item);
        }
        for (const auto& [key, member] : value.members()) {
            check(member);
        }
    };
    check(root);
}

TEST(HoconResolve, ResolvedValuesKeepTheOriginOfWhatTheyCopied) {
    const Value root = parse_and_resolve("a = 1\nb = ${a}");
    EXPECT_EQ(root.find("b")->origin().line, 1);
    EXPECT_EQ(root.find("b")->origin().column, 5);
}

}  // namespace
}  // namespace jicofo::config::hocon
