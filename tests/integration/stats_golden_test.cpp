// Golden test of /stats and /metrics against Jicofo's (tests/data/jicofo_reference_stats_metrics.json): every
// top-level /stats key the reference has, with its value type (and the keys of its objects), and every metric family
// with its type and label names; every family of the metrics catalog registered by the started process (but those
// registered on first use). Our additions are allowed only when documented: extra /stats keys from the data file's
// list (each also in docs/rest-api.md), extra metric families named in docs/metrics.md.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "integration/json_tree.hpp"
#include "jicofo/metrics/catalog.hpp"
#include "jicofo/metrics/metrics_registry.hpp"
#include "media_session_fixture.hpp"

namespace jicofo::testing {
namespace {

const std::filesystem::path kSourceDir = JICOFO_SOURCE_DIR;

// Compares `actual` with the reference's description (a type name, or an object of required keys); returns what
// differs, one line each, with the key path.
void compare_tree(const nlohmann::json& expected, const nlohmann::json& actual, const std::string& path,
                  std::vector<std::string>& problems) {
    if (expected.is_string()) {
        if (!type_allowed(expected.get<std::string>(), json_type(actual))) {
            problems.push_back(path + ": expected " + expected.get<std::string>() + ", got " + json_type(actual));
        }
        return;
    }
    if (!actual.is_object()) {
        problems.push_back(path + ": expected an object, got " + json_type(actual));
        return;
    }
    for (const auto& [key, description] : expected.items()) {
        if (!actual.contains(key)) {
            problems.push_back(path + "/" + key + ": missing");
        } else {
            compare_tree(description, actual[key], path + "/" + key, problems);
        }
    }
}

struct Family {
    std::string type;
    std::set<std::string> label_names;  // over all its samples
    std::set<std::string> samples;      // the samples' label sets as written
};

// # TYPE lines and the label names of the samples of a Prometheus text exposition.
std::map<std::string, Family> families_of(const std::string& exposition) {
    std::map<std::string, Family> families;
    std::istringstream lines(exposition);
    std::string line;
    static const std::regex kType(R"(^# TYPE (\S+) (\S+)$)");
    static const std::regex kLabel(R"(([a-zA-Z_][a-zA-Z0-9_]*)=\")");
    while (std::getline(lines, line)) {
        std::smatch m;
        if (std::regex_match(line, m, kType)) {
            families[m[1].str()].type = m[2].str();
            continue;
        }
        if (line.empty() || line[0] == '#') {
            continue;
        }
        const auto name_end = line.find_first_of("{ ");
        std::string name = line.substr(0, name_end);
        for (const char* suffix : {"_bucket", "_sum", "_count"}) {
            const std::string s(suffix);
            if (families.count(name) == 0 && name.size() > s.size() && name.ends_with(s)) {
                name.resize(name.size() - s.size());
            }
        }
        auto& family = families[name];
        if (name_end != std::string::npos && line[name_end] == '{') {
            const std::string labels = line.substr(name_end, line.find('}') - name_end + 1);
            family.samples.insert(labels);
            for (auto it = std::sregex_iterator(labels.begin(), labels.end(), kLabel); it != std::sregex_iterator();
                 ++it) {
                if ((*it)[1].str() != "le") {
                    family.label_names.insert((*it)[1].str());
                }
            }
        }
    }
    return families;
}

// The media fixture (Prosody, the binary, emulated bridges) with health checks on, so /stats has its health keys.
class StatsGoldenTest : public MediaSessionTest {
protected:
    [[nodiscard]] std::string extra_settings() const override {
        return "  health { enabled = true, interval = 500 ms }\n";
    }

    nlohmann::json reference_ =
        nlohmann::json::parse(file_text(kSourceDir / "tests/data/jicofo_reference_stats_metrics.json"), nullptr, false);
};

TEST_F(StatsGoldenTest, StatsHaveEveryReferenceKeyWithItsType) {
    ASSERT_FALSE(reference_.is_discarded());
    jvb1_ = start_bridge("jvb1", "eu-west");
    ASSERT_TRUE(jvb1_);
    nlohmann::json stats;
    // Healthy once a health check has run with the bridge known (and so the health keys have their values).
    ASSERT_TRUE(poll(
        [&] {
            const auto reply = http_request(port_, "GET", "/stats");
            stats = nlohmann::json::parse(reply.body, nullptr, false);
            return reply.status == 200 && stats.is_object() && stats.value("healthy", false);
        },
        kSessionTimeout))
        << stats.dump() << diagnostics();

    std::vector<std::string> problems;
    compare_tree(reference_["stats"], stats, "", problems);
    for (const auto& [key, description] : reference_["stats_when_configured"].items()) {
        if (stats.contains(key)) {
            compare_tree(description, stats[key], "/" + key, problems);
        }
    }
    std::set<std::string> documented_extras;
    const std::string rest_docs = file_text(kSourceDir / "docs/rest-api.md");
    for (const auto& key : reference_["our_extra_stats_keys"]) {
        documented_extras.insert(key.get<std::string>());
        EXPECT_NE(rest_docs.find("`" + key.get<std::string>() + "`"), std::string::npos)
            << key << " is an extra /stats key not described in docs/rest-api.md";
    }
    for (const auto& [key, value] : stats.items()) {
        if (!reference_["stats"].contains(key) && !reference_["stats_when_configured"].contains(key) &&
            documented_extras.count(key) == 0) {
            problems.push_back("/" + key + ": not in Jicofo's /stats and not in the documented extras");
        }
    }
    std::string all;
    for (const auto& problem : problems) {
        all += problem + "\n";
    }
    EXPECT_TRUE(problems.empty()) << all << stats.dump(2);
}

TEST_F(StatsGoldenTest, MetricsHaveEveryReferenceFamilyWithItsTypeAndLabels) {
    ASSERT_FALSE(reference_.is_discarded());
    jvb1_ = start_bridge("jvb1", "eu-west");
    ASSERT_TRUE(jvb1_);
    // Per-bridge series (jvb="jvb1") exist once the bridge is known, which start_bridge waited for.
    const auto reply = http_request(port_, "GET", "/metrics");
    ASSERT_EQ(reply.status, 200) << reply.body;
    const auto families = families_of(reply.body);

    std::vector<std::string> problems;
    for (const auto& [name, description] : reference_["metrics"].items()) {
        auto it = families.find(name);
        if (it == families.end()) {
            problems.push_back(name + ": missing");
            continue;
        }
        if (it->second.type != description["type"].get<std::string>()) {
            problems.push_back(name + ": type " + it->second.type + ", Jicofo's is " +
                               description["type"].get<std::string>());
        }
        std::set<std::string> labels;
        for (const auto& label : description.value("labels", nlohmann::json::array())) {
            labels.insert(label.get<std::string>());
        }
        if (it->second.label_names != labels) {
            problems.push_back(name + ": labels " + nlohmann::json(it->second.label_names).dump() + ", Jicofo's are " +
                               nlohmann::json(labels).dump());
        }
        if (labels.count("jvb") == 1 && it->second.samples.count("{jvb=\"jvb1\"}") == 0) {
            problems.push_back(name + ": no series for jvb1");
        }
    }
    // The started process has registered every family of the catalog, except those without a series until their
    // first event and those of a feature this shard does not configure (a bridge is known, so the per-bridge ones
    // are there).
    for (const auto& spec : metrics::metric_catalog()) {
        const auto name = metrics::MetricsRegistry::family_name(spec);
        const bool later =
            spec.appears == metrics::Appears::on_first_use || spec.appears == metrics::Appears::configured;
        if (!later && families.count(name) == 0) {
            problems.push_back(name + ": in the catalog (owner " + std::string(spec.owner) + ") but not registered");
        }
    }
    // Ours: each extra family is named in docs/metrics.md.
    const std::string docs = file_text(kSourceDir / "docs/metrics.md");
    for (const auto& [name, family] : families) {
        if (reference_["metrics"].contains(name)) {
            continue;
        }
        if (docs.find("`" + name) == std::string::npos) {
            problems.push_back(name + ": not in Jicofo's metrics and not in docs/metrics.md");
        }
    }
    std::string all;
    for (const auto& problem : problems) {
        all += problem + "\n";
    }
    EXPECT_TRUE(problems.empty()) << all;
}

// The values behind the new names: two participants with sessions on jvb1 are two endpoints on that bridge and one
// conference of two (2² endpoint pairs), in /metrics and /stats alike.
TEST_F(StatsGoldenTest, TwoParticipantsOnABridgeShowInTheBridgeAndPairMetrics) {
    alice_and_bob_with_sessions_on_jvb1();
    ASSERT_FALSE(HasFatalFailure());
    std::string metrics;
    EXPECT_TRUE(poll(
        [&] {
            metrics = http_request(port_, "GET", "/metrics").body;
            return metrics.find("jitsi_jicofo_bridge_endpoints{jvb=\"jvb1\"} 2\n") != std::string::npos &&
                   metrics.find("jitsi_jicofo_participants_pairs 4\n") != std::string::npos;
        },
        kSessionTimeout))
        << metrics;
    EXPECT_NE(metrics.find("jitsi_jicofo_bridge_failing_ice{jvb=\"jvb1\"} 0\n"), std::string::npos) << metrics;
    const auto stats = nlohmann::json::parse(http_request(port_, "GET", "/stats").body, nullptr, false);
    ASSERT_TRUE(stats.is_object());
    EXPECT_EQ(stats.value("endpoint_pairs", -1), 4) << stats.dump();
    EXPECT_GT(stats.value("threads", 0), 1) << stats.dump();
}

}  // namespace
}  // namespace jicofo::testing
