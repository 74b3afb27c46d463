// Setting keys of an operator's jicofo.conf the way the package's postinst does: only absent keys (or, for
// --config-set, keys with another value), the original text kept byte for byte.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "jicofo/config/config_edit.hpp"
#include "jicofo/config/hocon.hpp"

namespace jicofo::config {
namespace {

std::vector<Assignment> assignments(std::initializer_list<std::string_view> arguments) {
    std::vector<Assignment> out;
    for (auto argument : arguments) {
        auto parsed = parse_assignment(argument);
        EXPECT_TRUE(parsed.has_value()) << argument << ": " << (parsed ? "" : parsed.error());
        if (parsed) {
            out.push_back(*parsed);
        }
    }
    return out;
}

EditResult edit(std::string_view text, std::initializer_list<std::string_view> arguments,
                SetMode mode = SetMode::OnlyAbsent) {
    auto result = set_keys(text, "jicofo.conf", assignments(arguments), mode);
    EXPECT_TRUE(result.has_value()) << (result ? "" : result.error());
    return result ? *result : EditResult{};
}

std::string value_at(const std::string& text, const std::string& path) {
    auto parsed = hocon::parse_string(text, "edited.conf");
    EXPECT_TRUE(parsed.has_value()) << (parsed ? "" : parsed.error().describe()) << "\n" << text;
    const hocon::Value* value = parsed ? parsed->find(path) : nullptr;
    return value == nullptr ? "<absent>" : value->text();
}

TEST(ConfigEdit, AddsAbsentKeysAfterTheUnchangedText) {
    const std::string original =
        "# Jicofo HOCON configuration.\n"
        "jicofo {\n"
        "  // the administrator's choice\n"
        "  xmpp.client.username = \"admin-focus\"  # keep me\n"
        "}";  // no final newline
    auto result = edit(original, {"jicofo.xmpp.client.username=\"focus\"", "jicofo.xmpp.client.password=\"s3cret\""});
    ASSERT_EQ(result.changed, std::vector<std::string>{"jicofo.xmpp.client.password"});
    EXPECT_EQ(result.text.substr(0, original.size()), original);
    EXPECT_EQ(result.text.substr(original.size()), "\njicofo.xmpp.client.password = \"s3cret\"\n");
    EXPECT_EQ(value_at(result.text, "jicofo.xmpp.client.username"), "admin-focus");
    EXPECT_EQ(value_at(result.text, "jicofo.xmpp.client.password"), "s3cret");
}

TEST(ConfigEdit, NothingToDoLeavesTheTextAlone) {
    const std::string original = "jicofo.bridge.brewery-jid = \"x@y\"\n";
    auto result = edit(original, {"jicofo.bridge.brewery-jid=\"JvbBrewery@internal.auth.example.com\""});
    EXPECT_TRUE(result.changed.empty());
    EXPECT_EQ(result.text, original);
}

TEST(ConfigEdit, NestedObjectsDottedPathsAndSubstitutionsCountAsPresent) {
    const std::string original =
        "jicofo {\n"
        "  xmpp {\n"
        "    client { xmpp-domain: meet.example.com }\n"
        "  }\n"
        "  bridge.brewery-jid = ${?BREWERY}\n"
        "}\n";
    auto result = edit(original, {"jicofo.xmpp.client.xmpp-domain=\"other\"", "jicofo.bridge.brewery-jid=\"b@m\"",
                                  "jicofo.xmpp.client.domain=\"auth.meet.example.com\""});
    EXPECT_EQ(result.changed, std::vector<std::string>{"jicofo.xmpp.client.domain"});
    EXPECT_EQ(result.text, original + "jicofo.xmpp.client.domain = \"auth.meet.example.com\"\n");
}

TEST(ConfigEdit, QuotedPathSegmentsAndArrays) {
    auto result = edit("a { \"b.c\" = 1 }\n",
                       {"a.\"b.c\"=2", "a.\"d.e\"=\"x y\"", "jicofo.xmpp.trusted-domains=[ \"recorder.h\" ]"});
    EXPECT_EQ(result.changed, (std::vector<std::string>{"a.\"d.e\"", "jicofo.xmpp.trusted-domains"}));
    auto parsed = hocon::parse_string(result.text, "edited.conf");
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(parsed->find("a.\"b.c\"")->text(), "1");
    EXPECT_EQ(parsed->find("a.\"d.e\"")->text(), "x y");
    const auto* trusted = parsed->find("jicofo.xmpp.trusted-domains");
    ASSERT_NE(trusted, nullptr);
    ASSERT_TRUE(trusted->is_array());
    ASSERT_EQ(trusted->items().size(), 1U);
    EXPECT_EQ(trusted->items()[0].text(), "recorder.h");
}

TEST(ConfigEdit, BracedRootGetsTheLinesInsideItsBraces) {
    const std::string original = "// comment\n{\n  jicofo.rest.port = 8888\n}\n# trailing comment\n";
    auto result = edit(original, {"jicofo.xmpp.client.username=\"focus\""});
    EXPECT_EQ(result.text,
              "// comment\n{\n  jicofo.rest.port = 8888\njicofo.xmpp.client.username = \"focus\"\n}\n# trailing "
              "comment\n");
    EXPECT_EQ(value_at(result.text, "jicofo.rest.port"), "8888");
}

TEST(ConfigEdit, UnicodeBeforeTheClosingBraceKeepsOffsetsRight) {
    const std::string original = "{ jicofo.local-region = \"région-é\" }";
    auto result = edit(original, {"jicofo.xmpp.client.username=\"focus\""});
    EXPECT_EQ(result.text, "{ jicofo.local-region = \"région-é\" \njicofo.xmpp.client.username = \"focus\"\n}");
}

TEST(ConfigEdit, SetAlwaysOverridesAnotherValueAndSkipsTheSameOne) {
    const std::string original = "jicofo.xmpp.client.client-proxy = \"focus.old.example.com\"\n";
    auto same = edit(original, {"jicofo.xmpp.client.client-proxy=\"focus.old.example.com\""}, SetMode::Always);
    EXPECT_TRUE(same.changed.empty());
    auto other = edit(original, {"jicofo.xmpp.client.client-proxy=\"focus.new.example.com\""}, SetMode::Always);
    EXPECT_EQ(other.changed, std::vector<std::string>{"jicofo.xmpp.client.client-proxy"});
    EXPECT_EQ(value_at(other.text, "jicofo.xmpp.client.client-proxy"), "focus.new.example.com");
    EXPECT_EQ(other.text.substr(0, original.size()), original);
}

TEST(ConfigEdit, EmptyFileGetsTheKeys) {
    auto result = edit("", {"jicofo.xmpp.client.username=\"focus\""});
    EXPECT_EQ(result.text, "jicofo.xmpp.client.username = \"focus\"\n");
}

TEST(ConfigEdit, IncludedKeysCountAsPresent) {
    const auto dir = std::filesystem::temp_directory_path() / ("config_edit_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "extra.conf") << "jicofo.xmpp.client.password = \"from-include\"\n";
    auto result = set_keys("include \"extra.conf\"\n", (dir / "jicofo.conf").string(),
                           assignments({"jicofo.xmpp.client.password=\"new\""}), SetMode::OnlyAbsent);
    std::filesystem::remove_all(dir);
    ASSERT_TRUE(result.has_value()) << result.error();
    EXPECT_TRUE(result->changed.empty());
}

TEST(ConfigEdit, RejectsBadAssignmentsAndUnparsableFiles) {
    EXPECT_FALSE(parse_assignment("no-equals-sign").has_value());
    EXPECT_FALSE(parse_assignment("=\"value\"").has_value());
    EXPECT_FALSE(parse_assignment("a.b=\"unterminated").has_value());
    EXPECT_FALSE(parse_assignment("a..b=1").has_value());
    auto broken = set_keys("jicofo { xmpp = \n", "jicofo.conf", assignments({"a=1"}), SetMode::OnlyAbsent);
    ASSERT_FALSE(broken.has_value());
    EXPECT_NE(broken.error().find("jicofo.conf"), std::string::npos);
}

TEST(ConfigEdit, FileIsReplacedWithItsModeAndOnlyWhenChanged) {
    const auto file = std::filesystem::temp_directory_path() / ("config_edit_file_" + std::to_string(::getpid()));
    std::ofstream(file) << "jicofo { }\n";
    ::chmod(file.c_str(), 0640);
    auto changed = set_keys_in_file(file, assignments({"jicofo.xmpp.client.username=\"focus\""}), SetMode::OnlyAbsent);
    ASSERT_TRUE(changed.has_value()) << changed.error();
    EXPECT_EQ(changed->size(), 1U);
    struct stat status {};
    ASSERT_EQ(::stat(file.c_str(), &status), 0);
    EXPECT_EQ(status.st_mode & 07777, 0640U);
    std::stringstream text;
    text << std::ifstream(file).rdbuf();
    EXPECT_EQ(text.str(), "jicofo { }\njicofo.xmpp.client.username = \"focus\"\n");
    auto again = set_keys_in_file(file, assignments({"jicofo.xmpp.client.username=\"other\""}), SetMode::OnlyAbsent);
    ASSERT_TRUE(again.has_value());
    EXPECT_TRUE(again->empty());
    EXPECT_FALSE(std::filesystem::exists(file.string() + ".new"));
    std::filesystem::remove(file);
    EXPECT_FALSE(set_keys_in_file(file, assignments({"a=1"}), SetMode::OnlyAbsent).has_value());
}

}  // namespace
}  // namespace jicofo::config
