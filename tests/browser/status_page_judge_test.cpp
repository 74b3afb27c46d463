// The status page as a person sees it, in headless Chromium (status_page_judge.js) against the jicofo binary with a
// real Prosody, an emulated bridge and emulated participants: the conference's row with its participant count, the
// bridge's row with the region, version and stress it reports, health OK; then, on the same page (never reloaded),
// a third participant joins and the row shows three and the join latency gets a sample, and one leaves and the row
// shows two again. The screenshot is kept in the build tree.
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "integration/media_session_fixture.hpp"
#include "support/subprocess.hpp"

namespace jicofo::testing {
namespace {

constexpr const char* kChromium = "/usr/bin/chromium";
constexpr auto kJudgeTimeout = 40s;  // the judge's own deadline
constexpr auto kJudgeKill = 75s;     // a judge that outlives its own deadline is hung

const std::filesystem::path kBrowserDir = JICOFO_BROWSER_DIR;
const std::filesystem::path kArtifacts = JICOFO_BROWSER_ARTIFACTS;

class StatusPageJudgeTest : public MediaSessionTest {
protected:
    // Health checks on, often: the page must show them passing.
    [[nodiscard]] std::string extra_settings() const override {
        return "  health { enabled = true, interval = 1 second }\n";
    }

    // Of the rows the judge saw in `table`, the first whose value at `field` (a JSON pointer) is `value`; null if none.
    static nlohmann::json row(const nlohmann::json& seen, const std::string& table, const std::string& field,
                              const std::string& value) {
        for (const auto& r : seen.value(table, nlohmann::json::array())) {
            if (r.value(nlohmann::json::json_pointer(field), std::string()) == value) {
                return r;
            }
        }
        return nullptr;
    }
};

TEST_F(StatusPageJudgeTest, ShowsTheConferenceTheBridgeAndHealthAndFollowsALeaveWithoutReloading) {
    for (const auto& needed : {std::filesystem::path(kChromium), kBrowserDir / "node_modules/playwright-core"}) {
        ASSERT_TRUE(std::filesystem::exists(needed))
            << needed << " is missing: scripts/install-deps.sh --with-tests (or tests/browser/setup.sh)";
    }

    // A bridge reporting its region, version and stress; three participants in one conference on it.
    jvb1_ = start_bridge("jvb1", "eu-west", "2.4.7");
    ASSERT_TRUE(jvb1_);
    ASSERT_TRUE(jvb1_->request(R"({"cmd":"set_stats","stats":{"stress_level":0.37}})", "stats", kEventTimeout));
    ASSERT_TRUE(poll([&] { return selector_view("jvb1").value("stress", 0.0) > 0.3; }, kSessionTimeout))
        << get_rest_json(port_, "/debug").dump();
    for (const char* name : {"alice", "bob"}) {
        add_participant(name, std::string(name) + "1");
        ASSERT_FALSE(HasFatalFailure());
    }

    // The root sends a browser to the page.
    const auto root = http_request(port_, "GET", "/");
    EXPECT_EQ(root.status, 302) << root.body;
    EXPECT_NE(root.head.find("\r\nLocation: /status\r\n"), std::string::npos) << root.head;

    std::filesystem::create_directories(kArtifacts);
    const auto screenshot = kArtifacts / "status-page.png";
    std::filesystem::remove(screenshot);
    const auto dir = prosody_->directory();
    const auto ready = [&](int step) { return dir / ("status-judge-ready-" + std::to_string(step) + ".json"); };
    const auto report_file = dir / "status-judge-report.json";
    const auto output = dir / "status-judge.out";
    const std::vector<std::string> command = {
        "node",         (kBrowserDir / "status_page_judge.js").string(),
        "--url",        "http://127.0.0.1:" + std::to_string(port_) + "/status",
        "--room",       room_,
        "--bridge",     "jvb1",
        "--counts",     "2,3,2",
        "--ready",      (dir / "status-judge-ready").string(),
        "--report",     report_file.string(),
        "--screenshot", screenshot.string(),
        "--timeout-ms", std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(kJudgeTimeout).count())};
    ChildIo io;
    io.output_file = output;
    auto judge = spawn_child(command, io);
    ASSERT_TRUE(judge) << judge.error();

    // Each change waits until the page has shown the previous state.
    if (poll([&] { return std::filesystem::exists(ready(0)); }, kJudgeTimeout + 5s)) {
        add_participant("carol", "carol1");
    }
    if (poll([&] { return std::filesystem::exists(ready(1)); }, kJudgeTimeout + 5s)) {
        EXPECT_TRUE(participants_->request(R"({"cmd":"leave","name":"carol"})", "left", kEventTimeout))
            << participants_->transcript();
    }
    // Then a drain, which the page shows as it is (the process stays: the conference is still running).
    if (poll([&] { return std::filesystem::exists(dir / "status-judge-ready-drain.json"); }, kJudgeTimeout + 5s)) {
        const auto drained = http_request(port_, "POST", "/drain", R"({"reason":"status page check"})",
                                          {{"Content-Type", "application/json"}});
        EXPECT_EQ(drained.status, 200) << drained.body;
    }
    const auto exit = wait_child(*judge, kJudgeKill);
    if (!exit) {
        terminate_child(*judge, 1s);
    }
    ASSERT_TRUE(exit && WIFEXITED(*exit) && WEXITSTATUS(*exit) == 0) << "judge did not finish cleanly\n"
                                                                     << read_file_text(output) << diagnostics();
    const auto report = nlohmann::json::parse(read_file_text(report_file), nullptr, false);
    ASSERT_TRUE(report.is_object() && report.value("completed", false)) << read_file_text(report_file) << "\n"
                                                                        << read_file_text(output) << diagnostics();
    ASSERT_EQ(report["steps"].size(), 3U);
    const auto context = "\nreport: " + report.dump(1);

    // The page itself: served with its headers, and nothing on it broke (a script error, a CSP refusal).
    EXPECT_EQ(report["page"].value("status", 0), 200);
    EXPECT_EQ(report["page"]["headers"].value("content-type", ""), "text/html; charset=utf-8");
    EXPECT_EQ(report["page"]["headers"].value("x-frame-options", ""), "DENY");
    EXPECT_TRUE(report["consoleErrors"].empty()) << context;

    // First: the conference with its two participants on jvb1, the bridge as it reports itself, health OK.
    const auto& first = report["steps"][0];
    const auto conference = row(first, "conferences", "/key", room_);
    ASSERT_TRUE(conference.is_object()) << context;
    EXPECT_TRUE(conference.value("visible", false));
    EXPECT_EQ(conference["cells"].value("participants", ""), "2") << context;
    EXPECT_EQ(conference["cells"].value("bridges", ""), "jvb1") << context;
    EXPECT_EQ(conference["cells"].value("recording", ""), "off") << context;
    const auto bridge = row(first, "bridges", "/cells/bridge", "jvb1");
    ASSERT_TRUE(bridge.is_object()) << context;
    EXPECT_TRUE(bridge.value("visible", false));
    EXPECT_EQ(bridge["cells"].value("region", ""), "eu-west") << context;
    EXPECT_EQ(bridge["cells"].value("version", ""), "2.4.7") << context;
    EXPECT_EQ(bridge["cells"].value("stress", ""), "0.37") << context;
    EXPECT_EQ(bridge["cells"].value("state", ""), "operational") << context;
    EXPECT_EQ(bridge["cells"].value("drain", ""), "—") << context;
    EXPECT_EQ(first["health"].value("state", ""), "ok") << context;
    EXPECT_EQ(first["health"].value("status", ""), "OK") << context;
    // No drain endpoint yet, or one that says so: either way "not draining".
    EXPECT_EQ(first["drain"].value("status", ""), "not draining") << context;

    // Then the same page (no reload, no navigation) follows the join and the leave.
    for (const auto& [step, expected] : {std::pair{1, "3"}, std::pair{2, "2"}}) {
        const auto& seen = report["steps"][step];
        const auto now = row(seen, "conferences", "/key", room_);
        ASSERT_TRUE(now.is_object()) << "step " << step << context;
        EXPECT_EQ(now["cells"].value("participants", ""), expected) << "step " << step << context;
        EXPECT_EQ(seen.value("marker", ""), "same page") << "the page was reloaded" << context;
        EXPECT_GT(seen.value("polls", 0), report["steps"][step - 1].value("polls", 0));
    }
    EXPECT_EQ(report.value("navigations", -1), 1) << context;

    // Carol's join reached the latency sparkline.
    EXPECT_GE(report["settled"]["latency"].value("joinPoints", 0), 1) << context;

    // The drain: its card and the health card both say so, on the same page.
    const auto& drained = report["drained"];
    EXPECT_EQ(drained["drain"].value("state", ""), "draining") << context;
    EXPECT_NE(drained["drain"].dump().find("status page check"), std::string::npos) << context;
    EXPECT_NE(drained["health"].value("state", ""), "ok") << context;
    EXPECT_NE(drained["health"].dump().find("draining: status page check"), std::string::npos) << context;
    EXPECT_EQ(drained.value("marker", ""), "same page") << context;

    ASSERT_TRUE(std::filesystem::exists(screenshot));
    EXPECT_GT(std::filesystem::file_size(screenshot), 1000U);
    std::cout << "status page screenshot: " << screenshot.string() << std::endl;
    std::cout << "status page screenshot while draining: " << (kArtifacts / "status-page-draining.png").string()
              << std::endl;
}

}  // namespace
}  // namespace jicofo::testing
