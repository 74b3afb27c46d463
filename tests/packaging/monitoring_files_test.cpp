// The monitoring files operators import (packaging/grafana/jicofo-dashboard.json, packaging/prometheus/
// jicofo-alerts.yml): promtool accepts the rules, the dashboard is valid JSON whose panels all query something, and
// every jitsi_jicofo_* or process_* name either file uses is one the binary really exposes on /metrics, so a renamed
// or removed metric cannot leave a blank panel or an alert that never fires.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/harness_test_util.hpp"
#include "support/http_client.hpp"
#include "support/jicofo_binary.hpp"
#include "support/subprocess.hpp"

namespace jicofo::testing {
namespace {

const std::filesystem::path kSourceDir = JICOFO_SOURCE_DIR;
const std::filesystem::path kDashboard = kSourceDir / "packaging/grafana/jicofo-dashboard.json";
const std::filesystem::path kAlerts = kSourceDir / "packaging/prometheus/jicofo-alerts.yml";
constexpr const char* kFocusPassword = "focus-secret";

// Labelled families that have no series until their first event, so a freshly started binary does not list them.
// Each is documented in docs/metrics.md (checked below); keep this list to such families only.
struct FirstUseFamily {
    const char* name;
    const char* why;
};
constexpr FirstUseFamily kFirstUseFamilies[] = {
    {"jitsi_jicofo_jibri_session_failures_total",
     "labelled {type,reason}; a series is created by the first Jibri session that fails with that type and reason"},
};

std::string file_text(const std::filesystem::path& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Every jitsi_jicofo_* or process_* name in the text.
std::set<std::string> metric_names_in(const std::string& text) {
    static const std::regex kName(R"(\b(jitsi_jicofo_[a-z0-9_]+|process_[a-z0-9_]+))");
    std::set<std::string> names;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), kName); it != std::sregex_iterator(); ++it) {
        names.insert((*it)[1].str());
    }
    return names;
}

// Every string value under a node (the template variables' queries).
void collect_strings(const nlohmann::json& node, std::string& out) {
    if (node.is_string()) {
        out += node.get<std::string>();
        out += '\n';
    } else if (node.is_structured()) {
        for (const auto& child : node) {
            collect_strings(child, out);
        }
    }
}

// The panels' queries (rows nest their panels when collapsed).
void collect_exprs(const nlohmann::json& panels, std::vector<std::string>& exprs, std::vector<std::string>& empty) {
    for (const auto& panel : panels) {
        if (panel.value("type", "") == "row") {
            collect_exprs(panel.value("panels", nlohmann::json::array()), exprs, empty);
            continue;
        }
        const auto targets = panel.value("targets", nlohmann::json::array());
        if (targets.empty()) {
            empty.push_back(panel.value("title", "?"));
        }
        for (const auto& target : targets) {
            const auto expr = target.value("expr", "");
            if (expr.empty()) {
                empty.push_back(panel.value("title", "?"));
            } else {
                exprs.push_back(expr);
            }
        }
    }
}

// Sample names of a Prometheus text exposition (histograms give _bucket, _sum and _count).
std::set<std::string> sample_names(const std::string& exposition) {
    std::set<std::string> names;
    std::istringstream lines(exposition);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.empty() || line[0] == '#') {
            continue;
        }
        names.insert(line.substr(0, line.find_first_of("{ ")));
    }
    return names;
}

class ScratchDir {
public:
    ScratchDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "monitoring-files-XXXXXX").string();
        if (mkdtemp(pattern.data()) != nullptr) {
            path_ = pattern;
        }
    }
    ~ScratchDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

// promtool's exit code for `check rules` on the file, or a failure when promtool cannot run (the package
// `prometheus` provides it; scripts/install-deps.sh --with-tests installs it): a missing tool fails, never skips.
core::Result<int, std::string> promtool_check_rules(const std::filesystem::path& rules,
                                                    const std::filesystem::path& output) {
    return run_command({"promtool", "check", "rules", rules.string()}, output, std::chrono::seconds(60));
}

TEST(MonitoringFilesTest, PromtoolAcceptsTheAlertRules) {
    ScratchDir scratch;
    ASSERT_FALSE(scratch.path().empty());
    const auto output = scratch.path() / "promtool.log";
    auto exit_code = promtool_check_rules(kAlerts, output);
    ASSERT_TRUE(exit_code) << "promtool (Debian package prometheus) could not run: " << exit_code.error();
    EXPECT_EQ(*exit_code, 0) << read_file_text(output);
    EXPECT_NE(read_file_text(output).find("SUCCESS"), std::string::npos) << read_file_text(output);

    // The same check refuses a rule with a broken expression, so a pass above means promtool looked.
    const auto broken = scratch.path() / "broken.yml";
    std::ofstream(broken) << "groups:\n  - name: broken\n    rules:\n      - alert: Broken\n"
                             "        expr: rate(jitsi_jicofo_healthy[5m]\n";
    auto broken_exit = promtool_check_rules(broken, output);
    ASSERT_TRUE(broken_exit) << broken_exit.error();
    EXPECT_NE(*broken_exit, 0) << read_file_text(output);
}

// tests/packaging/jicofo-alerts-test.yml: each alert fires on the series it is written for (the Jibri ones by
// reason, restarts only from the second, join latency on the median) with its annotations, and no other does.
TEST(MonitoringFilesTest, AlertRulesFireAsTheirUnitTestsExpect) {
    ScratchDir scratch;
    ASSERT_FALSE(scratch.path().empty());
    const auto output = scratch.path() / "promtool.log";
    const auto rules_test = kSourceDir / "tests/packaging/jicofo-alerts-test.yml";
    auto exit_code = run_command({"promtool", "test", "rules", rules_test.string()}, output, std::chrono::seconds(60));
    ASSERT_TRUE(exit_code) << "promtool (Debian package prometheus) could not run: " << exit_code.error();
    EXPECT_EQ(*exit_code, 0) << read_file_text(output);
    EXPECT_NE(read_file_text(output).find("SUCCESS"), std::string::npos) << read_file_text(output);
}

TEST(MonitoringFilesTest, DashboardIsJsonWhosePanelsAllQueryInPromQL) {
    const auto dashboard = nlohmann::json::parse(file_text(kDashboard), nullptr, false);
    ASSERT_FALSE(dashboard.is_discarded()) << kDashboard;
    ASSERT_TRUE(dashboard.contains("panels")) << kDashboard;
    std::vector<std::string> exprs;
    std::vector<std::string> without_query;
    collect_exprs(dashboard["panels"], exprs, without_query);
    EXPECT_TRUE(without_query.empty()) << "panels without a query: " << nlohmann::json(without_query).dump();
    EXPECT_GE(exprs.size(), 20u);
    std::string all_exprs;
    for (const auto& expr : exprs) {
        all_exprs += expr + "\n";
    }
    // Every query is PromQL that Prometheus parses: promtool checks them as recording rules, with Grafana's
    // variables replaced by what they expand to.
    ScratchDir scratch;
    ASSERT_FALSE(scratch.path().empty());
    const auto as_rules = scratch.path() / "dashboard-queries.yml";
    {
        std::ofstream rules(as_rules);
        rules << "groups:\n  - name: dashboard\n    rules:\n";
        for (std::size_t i = 0; i < exprs.size(); ++i) {
            auto expr = std::regex_replace(exprs[i], std::regex(R"(\$__rate_interval)"), "5m");
            expr = std::regex_replace(expr, std::regex(R"(\$instance)"), ".*");
            // A JSON string is a YAML double-quoted scalar.
            rules << "      - record: dashboard:query_" << i << "\n        expr: " << nlohmann::json(expr).dump()
                  << "\n";
        }
    }
    const auto output = scratch.path() / "promtool.log";
    auto exit_code = promtool_check_rules(as_rules, output);
    ASSERT_TRUE(exit_code) << "promtool (Debian package prometheus) could not run: " << exit_code.error();
    EXPECT_EQ(*exit_code, 0) << read_file_text(output) << read_file_text(as_rules);

    // The subjects the dashboard is for.
    for (const char* needed :
         {"jitsi_jicofo_healthy", "jitsi_jicofo_conferences", "jitsi_jicofo_participants_current",
          "jitsi_jicofo_bridge_selector_bridge_count_operational",
          "jitsi_jicofo_bridge_selector_bridge_count_in_shutdown", "jitsi_jicofo_bridge_selector_lost_bridges_total",
          "jitsi_jicofo_participant_join_to_session_accept_seconds_bucket",
          "jitsi_jicofo_conference_requests_rejected_total", "jitsi_jicofo_jibri_instances_available",
          "jitsi_jicofo_jibri_session_failures_total", "jitsi_jicofo_jigasi_sip_count", "process_resident_memory_bytes",
          "jitsi_jicofo_threads"}) {
        EXPECT_EQ(metric_names_in(all_exprs).count(needed), 1u) << needed;
    }
}

class MonitoringFilesBinaryTest : public ::testing::Test {
protected:
    void SetUp() override {
        ProsodyOptions options;
        options.users.emplace_back("focus", "auth.meet.test", kFocusPassword);
        prosody_ = start_prosody(options);
        ASSERT_TRUE(prosody_);
        rest_port_ = free_loopback_port();
        // Every module that registers metrics: bridges, both Jibri breweries and Jigasi, health checks.
        const std::string breweries = "internal.auth." + prosody_->domain();
        const std::string config =
            jicofo_config(*prosody_, kFocusPassword, "",
                          "  health { enabled = true, interval = 200 ms }\n"
                          "  rest { host = \"127.0.0.1\", port = " +
                              std::to_string(rest_port_) +
                              " }\n"
                              "  bridge.brewery-jid = \"jvbbrewery@" +
                              breweries + "\"\n  jibri.brewery-jid = \"jibribrewery@" + breweries +
                              "\"\n  jibri-sip.brewery-jid = \"jibrisipbrewery@" + breweries +
                              "\"\n  jigasi.brewery-jid = \"jigasibrewery@" + breweries + "\"\n");
        jicofo_ = start_jicofo_process(JICOFO_BINARY, config, prosody_->directory());
        ASSERT_TRUE(jicofo_);
    }

    std::unique_ptr<ProsodyFixture> prosody_;
    uint16_t rest_port_ = 0;
    std::unique_ptr<JicofoProcess> jicofo_;
};

TEST_F(MonitoringFilesBinaryTest, EveryMetricTheFilesUseIsExposed) {
    // Once the client connection is up (no bridge here, so not healthy), whatever registers with it has done so.
    HttpReply metrics;
    ASSERT_TRUE(poll(
        [&] {
            metrics = http_request(rest_port_, "GET", "/metrics");
            return metrics.body.find("jitsi_jicofo_xmpp_connection_state{connection=\"client\"} 2") !=
                   std::string::npos;
        },
        std::chrono::seconds(15)))
        << metrics.body << diagnostics_text(jicofo_.get(), *prosody_);
    ASSERT_EQ(metrics.status, 200) << metrics.body;
    const auto exposed = sample_names(metrics.body);
    ASSERT_EQ(exposed.count("jitsi_jicofo_healthy"), 1u) << metrics.body;

    const std::string docs = file_text(kSourceDir / "docs/metrics.md");
    std::set<std::string> first_use;
    for (const auto& family : kFirstUseFamilies) {
        EXPECT_NE(docs.find(family.name), std::string::npos) << family.name << " is not in docs/metrics.md";
        first_use.insert(family.name);
    }

    const auto dashboard = nlohmann::json::parse(file_text(kDashboard), nullptr, false);
    ASSERT_FALSE(dashboard.is_discarded());
    // The panels' queries and the template variables' queries (not the descriptions: prose may name a family).
    std::vector<std::string> exprs;
    std::vector<std::string> without_query;
    collect_exprs(dashboard["panels"], exprs, without_query);
    std::string dashboard_strings;
    collect_strings(dashboard.value("templating", nlohmann::json::object()), dashboard_strings);
    for (const auto& expr : exprs) {
        dashboard_strings += expr + "\n";
    }
    const std::map<std::string, std::set<std::string>> used{{"dashboard", metric_names_in(dashboard_strings)},
                                                            {"alerts", metric_names_in(file_text(kAlerts))}};
    for (const auto& [file, names] : used) {
        EXPECT_GE(names.size(), 10u) << file;
        for (const auto& name : names) {
            EXPECT_TRUE(exposed.count(name) == 1 || first_use.count(name) == 1)
                << file << " uses " << name << ", which the binary does not expose";
        }
    }
}

}  // namespace
}  // namespace jicofo::testing
