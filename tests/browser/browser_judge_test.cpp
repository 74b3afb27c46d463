// The real client as the final judge: three lib-jitsi-meet clients in headless Chromium (driver.js) join one room
// through Prosody's WebSocket, the client-proxy component, the jicofo binary, an emulated bridge and an emulated
// Jibri. Each must join, get a session with the others' audio and video and have its session-accept acknowledged;
// the first, the room's owner, turns audio moderation on through our emulation of Jitsi's component, and the others
// must be muted by the focus and on the bridge until approved; it then records the conference through the focus,
// and everyone must see the recording go on and off; when one leaves, the others must end up without exactly its
// sources; the two left move to a breakout room.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "feature_judges.hpp"
#include "support/harness_test_util.hpp"
#include "support/jicofo_binary.hpp"

namespace jicofo::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kFocusPassword = "focus-secret";
constexpr const char* kBridgePassword = "jvb-secret";
constexpr const char* kJibriPassword = "jibri-secret";
constexpr const char* kChromium = "/usr/bin/chromium";
constexpr int kClients = 3;
constexpr auto kDriverTimeout = 45s;                          // the driver's own deadline for the whole scenario
constexpr auto kDriverKill = 90s;                             // a driver that outlives its own deadline is hung
constexpr std::size_t kConsoleTail = std::size_t{64} * 1024;  // bytes of the browsers' console in a failure report

const std::filesystem::path kBrowserDir = JICOFO_BROWSER_DIR;

bool in_path(const std::string& program) {
    const char* path = std::getenv("PATH");
    std::istringstream entries(path ? path : "");
    for (std::string dir; std::getline(entries, dir, ':');) {
        if (!dir.empty() && ::access((std::filesystem::path(dir) / program).c_str(), X_OK) == 0) {
            return true;
        }
    }
    return false;
}

// What the machine lacks to run the browser, each with the command that installs it.
std::vector<std::string> missing_setup() {
    const auto setup = (kBrowserDir / "setup.sh").string();
    std::vector<std::string> missing;
    if (!in_path("node")) {
        missing.emplace_back("node (apt-get install -y nodejs, or scripts/install-deps.sh --with-tests)");
    }
    if (!std::filesystem::exists(kChromium)) {
        missing.push_back(std::string(kChromium) +
                          " (apt-get install -y chromium, or scripts/install-deps.sh --with-tests)");
    }
    for (const char* file :
         {"playwright-core/package.json", "jquery/dist/jquery.min.js", "lib-jitsi-meet-bundle/lib-jitsi-meet.min.js"}) {
        if (!std::filesystem::exists(kBrowserDir / "node_modules" / file)) {
            missing.push_back((kBrowserDir / "node_modules" / file).string() + " (run " + setup +
                              ", or scripts/install-deps.sh --with-tests)");
        }
    }
    return missing;
}

std::set<uint32_t> ssrc_set(const nlohmann::json& list) {
    std::set<uint32_t> ssrcs;
    for (const auto& ssrc : list) {
        ssrcs.insert(ssrc.get<uint32_t>());
    }
    return ssrcs;
}

// {"audio": [...], "video": [...]} -> every SSRC in it.
std::set<uint32_t> ssrcs_of(const nlohmann::json& by_media) {
    std::set<uint32_t> ssrcs;
    for (const auto* media : {"audio", "video"}) {
        const auto list = ssrc_set(by_media.value(media, nlohmann::json::array()));
        ssrcs.insert(list.begin(), list.end());
    }
    return ssrcs;
}

class BrowserJudgeTest : public ::testing::Test {
protected:
    void SetUp() override {
        const auto missing = missing_setup();
        std::string why;
        for (const auto& item : missing) {
            why += "\n  missing: " + item;
        }
        ASSERT_TRUE(missing.empty()) << "the browser test cannot run on this machine:" << why;

        ProsodyOptions options;
        options.users.emplace_back("focus", "auth.meet.test", kFocusPassword);
        options.users.emplace_back("jvb1", "auth.meet.test", kBridgePassword);
        options.users.emplace_back("jibri1", "auth.meet.test", kJibriPassword);
        // Clients find the focus at focus.<domain>, a component that relays to the focus's session.
        options.plugin_paths = {JICOFO_TEST_PROXY_PLUGIN_DIR};
        // Our emulations of Jitsi's room components, announced in the domain's disco#info, where both the
        // clients and the focus look for them.
        options.jitsi_room_components = true;
        options.extra_hosts_lua =
            "Component \"focus.meet.test\" \"test_client_proxy\"\n  target_address = \"focus@auth.meet.test\"\n";
        prosody_ = start_prosody(options);
        ASSERT_TRUE(prosody_);

        const std::string brewery = "jvbbrewery@" + prosody_->internal_muc_domain();
        const std::string jibri_brewery = "jibribrewery@" + prosody_->internal_muc_domain();
        rest_port_ = free_loopback_port();
        std::ostringstream settings;
        settings << "  bridge {\n"
                 << "    brewery-jid = \"" << brewery << "\"\n"
                 << "    xmpp-connection-name = Client\n"
                 << "    health-checks.interval = 500 ms\n"
                 << "  }\n"
                 << "  jibri.brewery-jid = \"" << jibri_brewery << "\"\n"
                 << "  health.enabled = false\n"
                 << "  rest { host = \"127.0.0.1\", port = " << rest_port_ << " }\n";
        const std::string config = jicofo_config(*prosody_, kFocusPassword,
                                                 "    use-tls = false\n"
                                                 "    client-proxy = \"focus.meet.test\"\n",
                                                 settings.str());
        jicofo_ = start_jicofo_process(JICOFO_BINARY, config, prosody_->directory());
        ASSERT_TRUE(jicofo_);

        bridge_ = start_peer("jvb1", "jvb_peer.py");
        ASSERT_TRUE(bridge_);
        const auto jid = "jvb1@" + prosody_->auth_domain();
        ASSERT_FALSE(connect_peer(*bridge_, *prosody_, connect_command(*prosody_, jid, kBridgePassword)).empty());
        const nlohmann::json join = {
            {"cmd", "join_brewery"}, {"room", brewery}, {"nick", "jvb1"}, {"stats", {{"relay_id", "jvb1"}}}};
        ASSERT_TRUE(bridge_->request(join.dump(), "joined", kEventTimeout)) << bridge_->transcript();
        // Health-checked: jicofo knows the bridge before the first client asks for a conference.
        ASSERT_TRUE(bridge_->wait_for("healthcheck", 15s)) << bridge_->transcript() << diagnostics();

        // A recorder in the Jibri brewery, obeying the focus's account; jicofo counts it available before any
        // client can ask for a recording.
        jibri_ = start_peer("jibri1", "jibri_peer.py");
        ASSERT_TRUE(jibri_);
        const auto jibri_jid = "jibri1@" + prosody_->auth_domain();
        ASSERT_FALSE(connect_peer(*jibri_, *prosody_, connect_command(*prosody_, jibri_jid, kJibriPassword)).empty());
        const nlohmann::json join_jibri = {
            {"cmd", "join_brewery"}, {"room", jibri_brewery}, {"nick", "jibri1"}, {"focus", prosody_->focus_jid()}};
        ASSERT_TRUE(jibri_->request(join_jibri.dump(), "joined", kEventTimeout)) << jibri_->transcript();
        ASSERT_TRUE(poll(
            [&] {
                const auto detector = http_get_json("/stats").value("jibri_detector", nlohmann::json());
                return detector.is_object() && detector.value("available", 0) == 1;
            },
            10s))
            << "jicofo never counted the Jibri available" << diagnostics();
    }

    void TearDown() override {
        if (jicofo_) {
            jicofo_->stop();
        }
        // Once, not with every failed expectation: the report, the browsers' console and the servers' logs.
        if (HasFailure() && prosody_) {
            std::cerr << "--- driver report ---\n"
                      << read_file_text(report_file_) << "\n"
                      << driver_text() << diagnostics() << "\n";
        }
        for (auto* peer : {bridge_.get(), jibri_.get()}) {
            if (peer) {
                for (const auto& line : peer->take_all()) {
                    EXPECT_FALSE(PeerProcess::is_event(line, "protocol_violation")) << line;
                }
            }
        }
    }

    // GET on jicofo's REST API; an empty object when it does not answer with JSON.
    nlohmann::json http_get_json(const std::string& path) const {
        const auto reply = http_request(rest_port_, "GET", path);
        auto json = nlohmann::json::parse(reply.body, nullptr, false);
        return reply.status == 200 && json.is_object() ? json : nlohmann::json::object();
    }

    // Runs the driver to completion; its JSON report (null when it did not write one).
    nlohmann::json run_driver() {
        const auto dir = prosody_->directory();
        report_file_ = dir / "browser-report.json";
        browser_log_ = dir / "browser.log";
        driver_output_ = dir / "driver.out";
        const auto ws = "ws://127.0.0.1:" + std::to_string(prosody_->http_port()) + "/xmpp-websocket";
        const auto timeout_ms =
            std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(kDriverTimeout).count());
        const auto exit =
            run_command({"node", (kBrowserDir / "driver.js").string(), "--ws", ws, "--domain", prosody_->domain(),
                         "--room", "browserjudge", "--clients", std::to_string(kClients), "--timeout-ms", timeout_ms,
                         "--report", report_file_.string(), "--log", browser_log_.string()},
                        driver_output_, kDriverKill);
        EXPECT_TRUE(exit && *exit == 0) << (exit ? "driver exit " + std::to_string(*exit) : exit.error());
        return nlohmann::json::parse(read_file_text(report_file_), nullptr, false);
    }

    std::string driver_text() const {
        return "--- driver output ---\n" + read_file_text(driver_output_) + "\n--- browser console (tail) ---\n" +
               read_file_text(browser_log_, kConsoleTail);
    }

    std::string diagnostics() const {
        return diagnostics_text(jicofo_.get(), *prosody_) + (bridge_ ? "\nbridge:\n" + bridge_->transcript() : "") +
               (jibri_ ? "\njibri:\n" + jibri_->transcript() : "");
    }

    std::unique_ptr<ProsodyFixture> prosody_;
    std::unique_ptr<JicofoProcess> jicofo_;
    std::unique_ptr<PeerProcess> bridge_;
    std::unique_ptr<PeerProcess> jibri_;
    uint16_t rest_port_ = 0;
    std::filesystem::path report_file_;
    std::filesystem::path browser_log_;
    std::filesystem::path driver_output_;
};

TEST_F(BrowserJudgeTest, ThreeClientsGetEachOthersSourcesFollowAudioModerationSeeARecordingAndLoseTheLeaversSources) {
    const auto report = run_driver();
    ASSERT_TRUE(report.is_object() && report.value("completed", false)) << "the driver did not complete";
    const auto& clients = report["clients"];
    ASSERT_EQ(clients.size(), static_cast<std::size_t>(kClients));

    std::vector<std::string> endpoints;
    for (const auto& client : clients) {
        endpoints.push_back(client.value("endpoint", ""));
    }

    // Everyone joined, recognised the focus (nick `focus` with its real JID), had its session-accept acknowledged
    // and holds the others' audio and video, told by the focus and applied to its remote description.
    for (const auto& client : clients) {
        const auto name = client.value("name", "");
        EXPECT_TRUE(client.value("joined", false)) << name;
        EXPECT_EQ(client.value("focus_muc_jid", ""), "browserjudge@" + prosody_->muc_domain() + "/focus") << name;
        EXPECT_TRUE(client.value("session_accepted", false)) << name;
        EXPECT_TRUE(client["failures"].empty()) << name;
        const auto& remote = client["remote_sources"];
        const auto applied = ssrc_set(client["remote_sdp_ssrcs"]);
        for (const auto& other : endpoints) {
            if (other == client.value("endpoint", "")) {
                EXPECT_FALSE(remote.contains(other)) << name << " got its own sources";
                continue;
            }
            ASSERT_TRUE(remote.contains(other)) << name << " lacks " << other;
            EXPECT_EQ(remote[other]["audio"].size(), 1U) << name << " audio of " << other;
            // lib-jitsi-meet's camera: one video SSRC and its RTX (FID group), or simulcast with RTX.
            EXPECT_GE(remote[other]["video"].size(), 2U) << name << " video of " << other;
            for (const auto ssrc : ssrcs_of(remote[other])) {
                EXPECT_TRUE(applied.count(ssrc)) << name << " did not apply " << ssrc << " of " << other;
            }
        }
    }

    // The last client left. The focus sends no source-remove for a participant who left (jicofo-protocol.md
    // §4(e)); each of the others drops exactly the leaver's sources on the MUC leave, and nobody else's.
    const auto leaver = report["leaver"].value("endpoint", "");
    ASSERT_EQ(leaver, endpoints.back());
    const auto leaver_ssrcs = ssrc_set(report["leaver"]["ssrcs"]);
    ASSERT_EQ(leaver_ssrcs.size(), 3U);
    for (std::size_t i = 0; i + 1 < clients.size(); ++i) {
        const auto& client = clients[i];
        const auto name = client.value("name", "");
        ASSERT_TRUE(client.contains("after_leave")) << name;
        const auto& after = client["after_leave"];
        EXPECT_EQ(ssrc_set(after["lost_ssrcs"]), leaver_ssrcs) << name;
        EXPECT_TRUE(after["gained_ssrcs"].empty()) << name;
        const auto tracks = after["remote_tracks"].value(leaver, nlohmann::json::object());
        EXPECT_EQ(tracks.value("audio", 0) + tracks.value("video", 0), 0) << name;
        EXPECT_TRUE(after["source_remove_for_leaver"].empty()) << name;
        EXPECT_TRUE(after["source_remove_for_others"].empty()) << name;
        EXPECT_TRUE(after["failures"].empty()) << name;
    }

    // The bridge got each client's transport and sources (from its session-accept) over colibri2, and the
    // leaver's endpoint was the first expired (the others go when the browser closes or they move).
    const auto main_room = "browserjudge@" + prosody_->muc_domain();
    const auto breakout = report.value("breakout", nlohmann::json::object());
    const auto breakout_room = text_of(breakout, "breakout_room");
    std::vector<nlohmann::json> colibri;
    EXPECT_TRUE(poll(
        [&] {
            for (const auto& line : bridge_->take_all()) {
                EXPECT_FALSE(PeerProcess::is_event(line, "protocol_violation")) << line;
                if (PeerProcess::is_event(line, "colibri")) {
                    colibri.push_back(nlohmann::json::parse(line));
                }
            }
            return endpoints_with(colibri, "expire").count(leaver) > 0 &&
                   endpoints_with_transport(requests_for_room(colibri, breakout_room)).size() == 2;
        },
        10s))
        << "the leaver's endpoint was never expired on the bridge, or the breakout room's endpoints not set up";
    const auto main_colibri = requests_for_room(colibri, main_room);
    EXPECT_EQ(endpoints_with_transport(main_colibri), std::set<std::string>(endpoints.begin(), endpoints.end()));
    std::string first_expired;
    for (const auto& request : main_colibri) {
        for (const auto& endpoint : request.value("endpoints", nlohmann::json::array())) {
            if (endpoint.value("op", "") == "expire" && first_expired.empty()) {
                first_expired = endpoint.value("id", "");
            }
        }
    }
    EXPECT_EQ(first_expired, leaver);

    expect_audio_moderation(report.value("av_moderation", nlohmann::json()), main_room, main_colibri);

    // The clients see the recording off as soon as the focus has sent the Jibri its stop, which may arrive later.
    std::vector<nlohmann::json> jibri_events;
    bool stopped = false;
    poll(
        [&] {
            for (const auto& line : jibri_->take_all()) {
                EXPECT_FALSE(PeerProcess::is_event(line, "protocol_violation")) << line;
                stopped = stopped || PeerProcess::is_event(line, "stop");
                jibri_events.push_back(nlohmann::json::parse(line, nullptr, false));
            }
            return stopped;
        },
        5s);
    expect_recording(report.value("recording", nlohmann::json()), main_room, jibri_events);
    // The session is over for jicofo too: nothing recording, no failure, the Jibri free again.
    EXPECT_TRUE(poll(
        [&] {
            const auto stats = http_get_json("/stats");
            return stats.value("jibri", nlohmann::json::object()).value("recording_active", -1) == 0 &&
                   stats.value("jibri_detector", nlohmann::json::object()).value("available", 0) == 1;
        },
        5s))
        << http_get_json("/stats").dump(1);
    EXPECT_EQ(http_get_json("/stats")["jibri"].value("total_recording_failures", -1), 0);
    expect_breakout_move(breakout, main_room, prosody_->breakout_muc_domain(), colibri);
}

}  // namespace
}  // namespace jicofo::testing
