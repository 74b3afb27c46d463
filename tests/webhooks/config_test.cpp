// jicofo.webhooks in the configuration: defaults, values, and errors that name the file, line and key.
#include "config/config_test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace jicofo::config {
namespace {

using testing::load_error;
using testing::load_ok;

TEST(WebhooksConfigTest, OffByDefault) {
    const auto config = load_ok("").config.webhooks;
    EXPECT_TRUE(config.urls.empty());
    EXPECT_EQ(config, WebhooksConfig{});
}

TEST(WebhooksConfigTest, ValuesAreRead) {
    const auto config = load_ok(R"(jicofo.webhooks {
  urls = ["http://127.0.0.1:9000/hook", "https://hooks.example.com/jitsi?x=1"]
  secret = "k"
  events = ["conference.created", "participant.left"]
  request-timeout = 2 seconds
  max-retries = -1
  retry-initial-backoff = 200 ms
  retry-max-backoff = 10 seconds
  queue-size = 50
})")
                            .config.webhooks;
    EXPECT_EQ(config.urls.size(), 2U);
    EXPECT_EQ(config.secret, "k");
    EXPECT_EQ(config.events, (std::vector<std::string>{"conference.created", "participant.left"}));
    EXPECT_EQ(config.request_timeout, std::chrono::seconds(2));
    EXPECT_EQ(config.max_retries, -1);
    EXPECT_EQ(config.retry_initial_backoff, std::chrono::milliseconds(200));
    EXPECT_EQ(config.retry_max_backoff, std::chrono::seconds(10));
    EXPECT_EQ(config.queue_size, 50);
}

TEST(WebhooksConfigTest, ABadUrlIsAnErrorAtItsLine) {
    const auto error =
        load_error("jicofo.webhooks {\n  urls = [\n    \"http://ok.test/\"\n    \"ftp://nope/\"\n  ]\n}");
    EXPECT_EQ(error.key, "jicofo.webhooks.urls");
    EXPECT_EQ(error.line, 4);
    EXPECT_NE(error.message.find("ftp://nope/"), std::string::npos) << error.message;
}

TEST(WebhooksConfigTest, AnUnknownEventIsAnError) {
    const auto error = load_error("jicofo.webhooks.events = [\"conference.created\", \"conference.started\"]");
    EXPECT_EQ(error.key, "jicofo.webhooks.events");
    EXPECT_EQ(error.line, 1);
    EXPECT_NE(error.message.find("conference.started"), std::string::npos) << error.message;
    EXPECT_NE(error.message.find("participant.joined"), std::string::npos) << "lists the known ones";
}

TEST(WebhooksConfigTest, BackoffsMustBeOrdered) {
    const auto error = load_error("jicofo.webhooks { retry-initial-backoff = 10 s, retry-max-backoff = 1 s }");
    EXPECT_EQ(error.key, "jicofo.webhooks.retry-max-backoff");
}

TEST(WebhooksConfigTest, AnUnknownKeyIsReported) {
    const auto loaded = load_ok("jicofo.webhooks.url = [\"http://a.test/\"]");
    ASSERT_EQ(loaded.warnings.size(), 1U);
    EXPECT_EQ(loaded.warnings[0].key, "jicofo.webhooks.url");
}

TEST(WebhooksConfigTest, TheJsonDumpReadsBackAndHidesTheSecret) {
    const auto loaded = load_ok("jicofo.webhooks { urls = [\"http://a.test/\"], secret = \"k\", queue-size = 7 }");
    const auto json = to_json(loaded.config);
    EXPECT_EQ(json.find("\"k\""), std::string::npos);
    const auto dumped = nlohmann::json::parse(json)["jicofo"]["webhooks"];
    EXPECT_EQ(dumped["queue-size"], 7);
    EXPECT_EQ(dumped["secret"], "********");
    EXPECT_EQ(dumped["urls"][0], "http://a.test/");
}

TEST(WebhookUrlTest, TakesUrlsApart) {
    EXPECT_EQ(parse_webhook_url("http://a.test/x?y=1"), (WebhookUrl{false, "a.test", 80, "/x?y=1"}));
    EXPECT_EQ(parse_webhook_url("https://a.test"), (WebhookUrl{true, "a.test", 443, "/"}));
    EXPECT_EQ(parse_webhook_url("http://127.0.0.1:9000"), (WebhookUrl{false, "127.0.0.1", 9000, "/"}));
    EXPECT_EQ(parse_webhook_url("http://[::1]:81/h"), (WebhookUrl{false, "::1", 81, "/h"}));
    EXPECT_EQ(parse_webhook_url("http://a.test?q"), (WebhookUrl{false, "a.test", 80, "/?q"}));
    for (const auto* bad : {"ftp://a/", "http://", "http://:80/", "http://a:0/", "http://a:70000/", "http://a:x/",
                            "http://u@a/", "http://a/#f", "http://a b/", "a.test", "http://[::1/"}) {
        EXPECT_FALSE(parse_webhook_url(bad).has_value()) << bad;
    }
}

}  // namespace
}  // namespace jicofo::config
