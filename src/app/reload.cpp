// Reload: the changed keys come from the effective configuration's JSON (the same dump --dump-config prints), so
// every key is named as an operator writes it; the live parts are copied section by section.
#include "jicofo/app/reload.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <map>

namespace jicofo::app {
namespace {

// Keys (or key prefixes, ending in '.') applied live, and the exceptions inside them that are not.
constexpr std::array<std::string_view, 12> kLive{
    "jicofo.logging.level",
    "jicofo.bridge.",
    "jicofo.local-region",
    "jicofo.octo.",
    "jicofo.health.interval",
    "jicofo.health.timeout",
    "jicofo.health.max-check-duration",
    "jicofo.conference.",
    "jicofo.codec.",
    "jicofo.drain.",
    "jicofo.webhooks.",
    "jicofo.sctp.",
};
// The bridges' brewery is joined on a connection at start-up; the client requirements are installed with their
// metrics at start-up.
constexpr std::array<std::string_view, 3> kRestartInsideLive{
    "jicofo.bridge.brewery-jid",
    "jicofo.bridge.xmpp-connection-name",
    "jicofo.conference.client-requirements.",
};

bool matches(std::string_view key, std::string_view pattern) {
    if (pattern.ends_with('.')) {
        return key.starts_with(pattern);
    }
    return key == pattern;
}

using Leaves = std::map<std::string, nlohmann::json, std::less<>>;

void flatten(const nlohmann::json& value, const std::string& key, Leaves& out) {
    if (value.is_object() && !value.empty()) {
        for (const auto& [name, child] : value.items()) {
            std::string child_key = key;
            if (!child_key.empty()) {
                child_key += '.';
            }
            child_key += name;
            flatten(child, child_key, out);
        }
        return;
    }
    out.emplace(key, value);
}

Leaves leaves_of(const config::JicofoConfig& config) {
    Leaves leaves;
    flatten(nlohmann::json::parse(config::to_json(config)), "", leaves);
    return leaves;
}

// The dump masks secrets, so their changes are found here: all of them need a restart except the webhooks' own.
void add_changed_secrets(const config::JicofoConfig& running, const config::JicofoConfig& loaded,
                         ConfigChanges& changes) {
    auto& restart = changes.restart;
    if (running.webhooks.secret != loaded.webhooks.secret) {
        changes.live.emplace_back("jicofo.webhooks.secret");
    }
    const auto changed = [&restart](const auto& a, const auto& b, std::string key) {
        if (a != b) {
            restart.push_back(std::move(key));
        }
    };
    changed(running.xmpp.client.password, loaded.xmpp.client.password, "jicofo.xmpp.client.password");
    changed(running.xmpp.service.password, loaded.xmpp.service.password, "jicofo.xmpp.service.password");
    if (running.xmpp.visitors.size() == loaded.xmpp.visitors.size()) {
        for (std::size_t i = 0; i < running.xmpp.visitors.size(); ++i) {
            changed(running.xmpp.visitors[i].password, loaded.xmpp.visitors[i].password,
                    "jicofo.xmpp.visitors." + loaded.xmpp.visitors[i].id + ".password");
        }
    }
    changed(running.authentication.token_secret, loaded.authentication.token_secret,
            "jicofo.authentication.token-secret");
}

}  // namespace

bool applies_live(std::string_view key) {
    const auto in = [key](const auto& patterns) {
        return std::any_of(patterns.begin(), patterns.end(), [key](std::string_view p) { return matches(key, p); });
    };
    return in(kLive) && !in(kRestartInsideLive);
}

ConfigChanges compare_configs(const config::JicofoConfig& running, const config::JicofoConfig& loaded) {
    ConfigChanges changes;
    const auto before = leaves_of(running);
    const auto after = leaves_of(loaded);
    const auto record = [&changes](const std::string& key) {
        (applies_live(key) ? changes.live : changes.restart).push_back(key);
    };
    for (const auto& [key, value] : after) {
        auto found = before.find(key);
        if (found == before.end() || found->second != value) {
            record(key);
        }
    }
    for (const auto& [key, value] : before) {
        if (!after.contains(key)) {
            record(key);  // a key that went away (a visitor node removed)
        }
    }
    add_changed_secrets(running, loaded, changes);
    for (auto* keys : {&changes.live, &changes.restart}) {
        std::sort(keys->begin(), keys->end());
        keys->erase(std::unique(keys->begin(), keys->end()), keys->end());  // a secret set or unset shows in both
    }
    return changes;
}

config::JicofoConfig with_live_parts(const config::JicofoConfig& running, const config::JicofoConfig& loaded) {
    config::JicofoConfig result = running;
    result.logging.level = loaded.logging.level;
    result.bridge = loaded.bridge;
    result.bridge.brewery_jid = running.bridge.brewery_jid;
    result.bridge.xmpp_connection_name = running.bridge.xmpp_connection_name;
    result.local_region = loaded.local_region;
    result.octo = loaded.octo;
    result.health.interval = loaded.health.interval;
    result.health.timeout = loaded.health.timeout;
    result.health.max_check_duration = loaded.health.max_check_duration;
    result.conference = loaded.conference;
    result.conference.client_requirements = running.conference.client_requirements;
    result.codec = loaded.codec;
    result.drain = loaded.drain;
    result.sctp = loaded.sctp;
    result.webhooks = loaded.webhooks;
    return result;
}

}  // namespace jicofo::app
