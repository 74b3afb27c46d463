// Which changed keys a reload applies and which need a restart, and that the configuration it runs with afterwards
// takes exactly the live ones: every key of a configuration that differs from the defaults almost everywhere is
// checked both ways, so a key added to one list and not the other fails here.
#include "jicofo/app/reload.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>

namespace jicofo::app {
namespace {

config::JicofoConfig load(const std::string& text) {
    auto loaded = config::load_config_text(text, "jicofo.conf", [](const std::string&) { return std::nullopt; });
    EXPECT_TRUE(loaded) << (loaded ? "" : loaded.error().describe());
    return loaded ? loaded->config : config::JicofoConfig{};
}

void flatten(const nlohmann::json& value, const std::string& key, std::map<std::string, nlohmann::json>& out) {
    if (value.is_object() && !value.empty()) {
        for (const auto& [name, child] : value.items()) {
            flatten(child, key.empty() ? name : key + "." + name, out);
        }
        return;
    }
    out.emplace(key, value);
}

std::map<std::string, nlohmann::json> leaves(const config::JicofoConfig& config) {
    std::map<std::string, nlohmann::json> out;
    flatten(nlohmann::json::parse(config::to_json(config)), "", out);
    return out;
}

// Many keys of every kind changed from the reference values.
constexpr const char* kChanged = R"(
jicofo {
  xmpp.client { hostname = "xmpp.example", port = 5223, domain = "auth.example", xmpp-domain = "example",
                password = "changed" }
  xmpp.trusted-domains = ["recorder.example"]
  bridge {
    brewery-jid = "JvbBrewery@internal.auth.example"
    selection-strategy = RegionBasedBridgeSelectionStrategy
    stress-threshold = 0.6
    health-checks.interval = 20 seconds
    max-bridge-participants = 50
  }
  local-region = "eu"
  octo.enabled = true
  health { interval = 5 seconds, max-check-duration = 3 seconds, enabled = false }
  conference { max-conferences = 7, initial-timeout = 30 seconds, enable-auto-owner = false }
  conference.client-requirements.enforce = true
  codec.video.vp9.enabled = false
  drain { enabled = true, deadline = 10 minutes }
  rest { port = 9999, max-connections = 100 }
  authentication { enabled = true, type = XMPP, login-url = "auth.example" }
  jibri.brewery-jid = "JibriBrewery@internal.auth.example"
  logging.level = DEBUG
  sctp.enabled = false
  webhooks { urls = ["http://127.0.0.1:9/hook"], secret = "s" }
}
)";

TEST(ConfigReload, ChangedKeysAreSplitIntoLiveAndRestart) {
    const auto running = load("");
    const auto changed = load(kChanged);
    const auto changes = compare_configs(running, changed);
    const auto has = [](const std::vector<std::string>& keys, const std::string& key) {
        return std::find(keys.begin(), keys.end(), key) != keys.end();
    };
    for (const auto* key :
         {"jicofo.bridge.selection-strategy", "jicofo.bridge.stress-threshold", "jicofo.bridge.health-checks.interval",
          "jicofo.local-region", "jicofo.octo.enabled", "jicofo.health.interval", "jicofo.health.max-check-duration",
          "jicofo.conference.max-conferences", "jicofo.conference.initial-timeout", "jicofo.codec.video.vp9.enabled",
          "jicofo.drain.enabled", "jicofo.logging.level"}) {
        EXPECT_TRUE(has(changes.live, key)) << key;
    }
    for (const auto* key : {"jicofo.xmpp.client.hostname", "jicofo.xmpp.client.port", "jicofo.xmpp.client.password",
                            "jicofo.bridge.brewery-jid", "jicofo.health.enabled", "jicofo.rest.port",
                            "jicofo.rest.max-connections", "jicofo.authentication.enabled", "jicofo.jibri.brewery-jid",
                            "jicofo.xmpp.trusted-domains", "jicofo.conference.client-requirements.enforce"}) {
        EXPECT_TRUE(has(changes.restart, key)) << key;
    }
    EXPECT_TRUE(compare_configs(changed, changed).empty());
    // A new webhook secret alone is found although the dump masks it, and applies live.
    auto resigned = changed;
    resigned.webhooks.secret = "another";
    EXPECT_EQ(compare_configs(changed, resigned).live, std::vector<std::string>{"jicofo.webhooks.secret"});
    EXPECT_EQ(with_live_parts(changed, resigned).webhooks.secret, "another");
}

TEST(ConfigReload, TheRunningConfigurationTakesTheLiveKeysAndKeepsTheOthers) {
    const auto running = load("");
    const auto changed = load(kChanged);
    const auto result = with_live_parts(running, changed);
    const auto before = leaves(running);
    const auto after = leaves(changed);
    const auto now = leaves(result);
    int live = 0;
    int kept = 0;
    for (const auto& [key, value] : now) {
        if (applies_live(key)) {
            EXPECT_EQ(value, after.at(key)) << key << " is live but was not applied";
            ++live;
        } else {
            EXPECT_EQ(value, before.at(key)) << key << " needs a restart but was applied";
            ++kept;
        }
    }
    EXPECT_GT(live, 20);
    EXPECT_GT(kept, 50);
    // Secrets are masked in the dump: the running password stays.
    EXPECT_EQ(result.xmpp.client.password, running.xmpp.client.password);
}

TEST(ConfigReload, LiveKeysAreWholeSectionsOrNamedKeys) {
    EXPECT_TRUE(applies_live("jicofo.conference.max-conferences"));
    EXPECT_TRUE(applies_live("jicofo.bridge.health-checks.interval"));
    EXPECT_FALSE(applies_live("jicofo.bridge.brewery-jid"));
    EXPECT_FALSE(applies_live("jicofo.bridge.xmpp-connection-name"));
    EXPECT_FALSE(applies_live("jicofo.health.enabled"));
    EXPECT_FALSE(applies_live("jicofo.logging.syslog"));
    EXPECT_FALSE(applies_live("jicofo.conferencex"));
}

}  // namespace
}  // namespace jicofo::app
