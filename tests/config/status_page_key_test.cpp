// jicofo.rest.status-page.enabled: without a value it follows jicofo.rest.host (on for a loopback listener only);
// an explicit value wins either way; the key is known (no warning) and in the JSON dump with its resolved value.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "config_test_support.hpp"

namespace jicofo::config {
namespace {

using testing::load_ok;

bool page_enabled(const std::string& text) {
    const auto loaded = load_ok(text);
    EXPECT_TRUE(loaded.warnings.empty()) << text << ": " << loaded.warnings.front().describe();
    return loaded.config.rest.status_page_enabled;
}

TEST(StatusPageKey, UnsetFollowsWhetherTheListenerIsLoopback) {
    EXPECT_TRUE(page_enabled(""));  // the default host, 127.0.0.1
    for (const char* host : {"127.0.0.1", "127.10.0.3", "::1", "[::1]", "localhost", "::ffff:127.0.0.1"}) {
        EXPECT_TRUE(page_enabled(std::string("jicofo.rest.host = \"") + host + "\"")) << host;
    }
    for (const char* host : {"0.0.0.0", "::", "10.0.0.5", "192.168.1.2", "meet.example.com", "128.0.0.1",
                             "::ffff:10.0.0.1", "localhost.example.com"}) {
        EXPECT_FALSE(page_enabled(std::string("jicofo.rest.host = \"") + host + "\"")) << host;
    }
}

TEST(StatusPageKey, AnExplicitValueWins) {
    EXPECT_TRUE(page_enabled("jicofo.rest { host = \"0.0.0.0\", status-page.enabled = true }"));
    EXPECT_FALSE(page_enabled("jicofo.rest { host = \"127.0.0.1\", status-page.enabled = false }"));
    EXPECT_FALSE(page_enabled("jicofo.rest.status-page { enabled = no }"));
}

TEST(StatusPageKey, AMisspeltKeyIsReported) {
    const auto loaded = load_ok("jicofo.rest.status-page.enabeld = true");
    ASSERT_EQ(loaded.warnings.size(), 1U);
    EXPECT_EQ(loaded.warnings[0].key, "jicofo.rest.status-page.enabeld");
    EXPECT_NE(loaded.warnings[0].message.find("did you mean jicofo.rest.status-page.enabled"), std::string::npos)
        << loaded.warnings[0].message;
}

TEST(StatusPageKey, TheJsonDumpShowsTheResolvedValue) {
    const auto open = nlohmann::json::parse(to_json(load_ok("").config));
    EXPECT_EQ(open["jicofo"]["rest"]["status-page"]["enabled"], true);
    const auto exposed = nlohmann::json::parse(to_json(load_ok("jicofo.rest.host = \"0.0.0.0\"").config));
    EXPECT_EQ(exposed["jicofo"]["rest"]["status-page"]["enabled"], false);
}

}  // namespace
}  // namespace jicofo::config
