// Detection of unknown keys and "did you mean" suggestions by edit distance.
#include "unknown_keys.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <string_view>

#include "value_reader.hpp"

namespace jicofo::config::detail {
namespace {

// Keys Jicofo documents without a default, so they are absent from the reference tree.
constexpr std::array<std::string_view, 25> kKeysWithoutDefault{
    "jicofo.xmpp.client.domain",
    "jicofo.xmpp.client.xmpp-domain",
    "jicofo.xmpp.client.password",
    "jicofo.xmpp.client.conference-muc-jid",
    "jicofo.xmpp.client.client-proxy",
    "jicofo.xmpp.service.domain",
    "jicofo.xmpp.service.xmpp-domain",
    "jicofo.xmpp.service.password",
    "jicofo.local-region",
    "jicofo.bridge.visitor-selection-strategy",
    "jicofo.bridge.participant-selection-strategy",
    "jicofo.bridge.region-groups",
    "jicofo.bridge.health-checks.retry-delay",
    "jicofo.bridge.brewery-jid",
    "jicofo.transcription.url-template",
    "jicofo.translation.url-template",
    "jicofo.authentication.login-url",
    "jicofo.authentication.token-secret",
    "jicofo.jibri.brewery-jid",
    "jicofo.jibri-sip.brewery-jid",
    "jicofo.jigasi.brewery-jid",
    "jicofo.xmpp.visitors",
    "jicofo.conference.source-signaling-delays",
    // Its default depends on jicofo.rest.host (loopback: on), so reference.conf cannot carry it.
    "jicofo.rest.status-page",
    "jicofo.rest.status-page.enabled",
};

// Maps whose keys are the operator's own.
// (client-requirements' entries are checked field by field when they are read.)
constexpr std::array<std::string_view, 4> kOpenMaps{
    "jicofo.transcription.http-headers",
    "jicofo.translation.http-headers",
    "jicofo.conference.source-signaling-delays",
};

constexpr std::array<std::string_view, 12> kVisitorNodeKeys{
    "enabled",  "hostname", "conference-service", "domain",        "xmpp-domain", "port",
    "username", "resource", "password",           "reply-timeout", "use-tls",     "disable-certificate-verification",
};

void collect_known(const hocon::Value& node, const std::string& prefix, std::set<std::string>& known) {
    for (const auto& [key, child] : node.members()) {
        const std::string path = join_key(prefix, key);
        known.insert(path);
        if (child.is_object()) {
            collect_known(child, path, known);
        }
    }
}

class UnknownKeyFinder {
public:
    explicit UnknownKeyFinder(std::set<std::string> known) : known_(std::move(known)) {}

    void walk(const hocon::Value& node, const std::string& prefix) {
        for (const auto& [key, child] : node.members()) {
            const std::string path = join_key(prefix, key);
            if (std::find(kOpenMaps.begin(), kOpenMaps.end(), path) != kOpenMaps.end()) {
                continue;
            }
            if (path == "jicofo.xmpp.visitors") {
                walk_visitor_nodes(child, path);
                continue;
            }
            if (known_.count(path) == 0) {
                report(child, path, known_);
                continue;
            }
            if (child.is_object()) {
                walk(child, path);
            }
        }
    }

    std::vector<ConfigWarning> take() { return std::move(warnings_); }

private:
    void walk_visitor_nodes(const hocon::Value& visitors, const std::string& prefix) {
        for (const auto& [id, node] : visitors.members()) {
            const std::string node_path = join_key(prefix, id);
            std::set<std::string> node_keys;
            for (auto key : kVisitorNodeKeys) {
                node_keys.insert(node_path + "." + std::string(key));
            }
            for (const auto& [key, child] : node.members()) {
                const std::string path = join_key(node_path, key);
                if (node_keys.count(path) == 0) {
                    report(child, path, node_keys);
                }
            }
        }
    }

    void report(const hocon::Value& value, const std::string& path, const std::set<std::string>& candidates) {
        std::string best;
        std::size_t best_distance = std::string::npos;
        for (const auto& candidate : candidates) {
            const std::size_t distance = edit_distance(path, candidate);
            if (distance < best_distance) {
                best_distance = distance;
                best = candidate;
            }
        }
        // Only a near miss is worth suggesting; otherwise the suggestion is noise.
        const std::size_t last_segment = path.size() - std::min(path.size(), path.rfind('.') + 1);
        std::string message = "unknown key (ignored)";
        if (!best.empty() && best_distance <= std::max<std::size_t>(2, last_segment / 3)) {
            message += "; did you mean " + best + "?";
        }
        warnings_.push_back(ConfigWarning{path, message, value.origin().file, value.origin().line});
    }

    std::set<std::string> known_;
    std::vector<ConfigWarning> warnings_;
};

}  // namespace

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) {
        d[i][0] = i;
    }
    for (std::size_t j = 0; j <= b.size(); ++j) {
        d[0][j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.size()][b.size()];
}

std::vector<ConfigWarning> unknown_key_warnings(const hocon::Value& reference, const hocon::Value& effective) {
    std::set<std::string> known;
    for (const char* root : {"jicofo", "tracing"}) {
        if (const hocon::Value* section = reference.find(root)) {
            known.insert(root);
            collect_known(*section, root, known);
        }
    }
    for (auto key : kKeysWithoutDefault) {
        known.insert(std::string(key));
    }
    UnknownKeyFinder finder(std::move(known));
    for (const char* root : {"jicofo", "tracing"}) {
        if (const hocon::Value* section = effective.find(root); section != nullptr && section->is_object()) {
            finder.walk(*section, root);
        }
    }
    return finder.take();
}

}  // namespace jicofo::config::detail
