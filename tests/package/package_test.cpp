// The Debian package on this machine, as an operator gets it: built by scripts/package.sh, installed with dpkg -i
// beside a Prosody set up as jitsi-meet-prosody sets it up (focus user, client proxy component, brewery MUC) on a
// host that runs Jitsi's jicofo package (a stand-in with its conffiles) with an administrator's jicofo.conf, debconf
// preseeded; the daemon started as the systemd unit
// starts it and healthy; upgraded over itself keeping the administrator's edits; purged leaving nothing behind.
//
// It installs a system package, so it runs only as root (CI runs as root on a throw-away machine), and only on a
// host without a Jicofo of its own: anything it finds there (/etc/jitsi/jicofo, a jicofo user, an installed jicofo
// package, Jitsi's debconf answers) makes it skip. What it creates it removes, whatever the outcome.
#include <grp.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "jicofo/config/hocon.hpp"
#include "package_host.hpp"
#include "support/harness_test_util.hpp"
#include "support/http_client.hpp"
#include "support/jicofo_binary.hpp"

namespace jicofo::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kHost = "meet.test";
constexpr const char* kFocusPassword = "preseeded \"focus\" pw";  // quotes: the postinst must escape them
constexpr const char* kBridgePassword = "jvb-secret";
constexpr auto kHealthDeadline = 60s;
constexpr const char* kPacketLog = "/var/log/jitsi/jicofo-xmpp.log";  // the pattern in Jicofo's logging.properties

std::string file_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// A value of the installed jicofo.conf, read with our own HOCON reader; "<absent>" when not set.
std::string conf_value(const std::string& path) {
    auto parsed = config::hocon::parse_file(kJicofoConf);
    EXPECT_TRUE(parsed.has_value()) << (parsed ? "" : parsed.error().describe());
    const config::hocon::Value* value = parsed ? parsed->find(path) : nullptr;
    if (value == nullptr) {
        return "<absent>";
    }
    if (value->is_array()) {
        std::string joined;
        for (const auto& item : value->items()) {
            joined += (joined.empty() ? "" : ",") + item.text();
        }
        return "[" + joined + "]";
    }
    return value->text();
}

class PackageTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (auto why = PackageHost::reason_to_skip()) {
            GTEST_SKIP() << *why;
        }
        host_ = std::make_unique<PackageHost>(scratch_);
        ProsodyOptions options;
        options.domain = kHost;
        options.users.emplace_back("focus", std::string("auth.") + kHost, kFocusPassword);
        options.users.emplace_back("jvb", std::string("auth.") + kHost, kBridgePassword);
        // What jitsi-meet-prosody adds for jicofo besides the focus user: the client proxy through which clients
        // reach the focus (mod_client_proxy ships with jitsi-meet; a stand-in here, see tests/package/).
        options.plugin_paths.push_back(JICOFO_PACKAGE_TEST_PLUGINS);
        options.extra_hosts_lua = std::string("Component \"focus.") + kHost + "\" \"client_proxy\"\n" +
                                  "  target_address = \"focus@auth." + kHost + "\"\n";
        prosody_ = start_prosody(options);
        ASSERT_TRUE(prosody_);
    }

    void TearDown() override {
        stop_daemon();
        bridge_.reset();
        if (host_) {
            host_->restore();  // purges the package and removes what the test created, even after a failure
            host_.reset();
            std::error_code ignored;
            fs::remove_all(scratch_, ignored);  // failure messages above already carry the logs
        }
    }

    // The administrator's jicofo.conf from an earlier Jicofo install: where Prosody is and the REST port.
    std::string existing_config(uint16_t rest_port) const {
        return "# Written by the administrator for Jicofo; the package must keep it.\n"
               "jicofo {\n"
               "  // Prosody of this test\n"
               "  xmpp.client { hostname = \"127.0.0.1\", port = " +
               std::to_string(prosody_->c2s_port()) +
               ", use-tls = false }\n"
               "  rest.port = " +
               std::to_string(rest_port) +
               "\n"
               "  health.interval = 1 second\n"
               "}\n";
    }

    // The bridge in the brewery the postinst configured.
    void start_bridge() {
        bridge_ = start_peer("jvb1", "jvb_peer.py");
        ASSERT_TRUE(bridge_);
        ASSERT_FALSE(connect_peer(*bridge_, *prosody_,
                                  connect_command(*prosody_, std::string("jvb@auth.") + kHost, kBridgePassword))
                         .empty());
        const nlohmann::json join = {{"cmd", "join_brewery"},
                                     {"room", std::string("JvbBrewery@internal.auth.") + kHost},
                                     {"nick", "jvb1"},
                                     {"stats", {{"region", "r1"}, {"relay_id", "jvb1"}, {"version", "2.3.0"}}}};
        ASSERT_TRUE(bridge_->request(join.dump(), "joined", kEventTimeout)) << bridge_->transcript();
    }

    // Runs the unit's ExecStart with the unit's environment, user and group (there is no systemd here).
    void start_daemon() {
        auto command = host_->unit_command();
        ASSERT_TRUE(command) << command.error();
        auto pid = spawn_child(*command, ChildIo{-1, -1, -1, daemon_log_});
        ASSERT_TRUE(pid) << pid.error();
        daemon_pid_ = *pid;
    }

    void stop_daemon() {
        if (daemon_pid_ > 0) {
            terminate_child(daemon_pid_, 10s);
            daemon_pid_ = -1;
        }
    }

    bool healthy(uint16_t port) {
        return poll([&] { return http_request(port, "GET", "/about/health").status == 200; }, kHealthDeadline, 200ms);
    }

    std::string diagnostics() const {
        return "\ndaemon log:\n" + read_file_text(daemon_log_) + "\nprosody log:\n" + prosody_->log_text() +
               (bridge_ ? "\nbridge:\n" + bridge_->transcript() : "");
    }

    fs::path scratch_ = fs::temp_directory_path() / ("jicofo-package-test-" + std::to_string(::getpid()));
    fs::path daemon_log_ = scratch_ / "daemon.log";
    std::unique_ptr<PackageHost> host_;
    std::unique_ptr<ProsodyFixture> prosody_;
    std::unique_ptr<PeerProcess> bridge_;
    pid_t daemon_pid_ = -1;
};

TEST_F(PackageTest, InstallsRunsUpgradesAndPurgesLikeJicofo) {
    auto debs = host_->build_packages();
    ASSERT_TRUE(debs) << debs.error();
    const auto& [first, second] = *debs;

    // A host that runs Jitsi's jicofo: the package, its jicofo.conf, an administrator's note in logging.properties.
    const uint16_t rest_port = free_loopback_port();
    const std::string admin_conf = existing_config(rest_port);
    ASSERT_TRUE(host_->install_stand_in_jicofo(admin_conf)) << host_->output();
    const std::string admin_logging = file_text(kLoggingProperties) + "# kept by the administrator\n";
    ASSERT_TRUE(host_->write_file(kLoggingProperties, admin_logging));
    ASSERT_TRUE(host_->preseed(kHost, kFocusPassword));

    // Installing the package removes Jitsi's (Conflicts + Replaces) and takes over its conffiles as they are.
    ASSERT_TRUE(host_->dpkg({"-i", first})) << host_->output();
    EXPECT_NE(host_->status_of("jicofo").find("config-files"), std::string::npos) << host_->status_of("jicofo");
    EXPECT_EQ(file_text(kLoggingProperties), admin_logging);

    // The administrator's text is kept byte for byte; the absent keys were added, with debconf's answers.
    const std::string installed = file_text(kJicofoConf);
    EXPECT_EQ(installed.substr(0, admin_conf.size()), admin_conf);
    EXPECT_EQ(conf_value("jicofo.rest.port"), std::to_string(rest_port));
    EXPECT_EQ(conf_value("jicofo.xmpp.client.xmpp-domain"), kHost);
    EXPECT_EQ(conf_value("jicofo.xmpp.client.domain"), std::string("auth.") + kHost);
    EXPECT_EQ(conf_value("jicofo.xmpp.client.username"), "focus");
    EXPECT_EQ(conf_value("jicofo.xmpp.client.password"), kFocusPassword);
    EXPECT_EQ(conf_value("jicofo.xmpp.client.client-proxy"), std::string("focus.") + kHost);
    EXPECT_EQ(conf_value("jicofo.bridge.brewery-jid"), std::string("JvbBrewery@internal.auth.") + kHost);
    EXPECT_EQ(conf_value("jicofo.xmpp.trusted-domains"), std::string("[recorder.") + kHost + "]");
    EXPECT_EQ(host_->debconf_value("jicofo/jicofo-authpassword"), kFocusPassword);

    // Files, owners and modes as Jitsi's package has them.
    EXPECT_EQ(host_->installed_layout_problems(), std::vector<std::string>{}) << host_->output();

    start_bridge();
    start_daemon();
    ASSERT_TRUE(healthy(rest_port)) << http_request(rest_port, "GET", "/about/health").body << diagnostics();
    stop_daemon();

    // The administrator edits a key of jicofo.conf and, in logging.properties (a conffile), raises the level and
    // turns on the XMPP packet log as Jicofo's file says to.
    const uint16_t edited_port = free_loopback_port();
    std::string edited = file_text(kJicofoConf);
    edited =
        std::regex_replace(edited, std::regex("rest\\.port = [0-9]+"), "rest.port = " + std::to_string(edited_port));
    ASSERT_TRUE(host_->write_file(kJicofoConf, edited));
    std::string logging = file_text(kLoggingProperties);
    ASSERT_NE(logging.find(".level=INFO"), std::string::npos);
    logging.replace(logging.find(".level=INFO"), 11, ".level=FINE");
    const std::string console_only = "handlers= java.util.logging.ConsoleHandler\n";
    ASSERT_NE(logging.find(console_only), std::string::npos);
    logging.replace(logging.find(console_only), console_only.size(),
                    "handlers= java.util.logging.ConsoleHandler, "
                    "org.jitsi.impl.protocol.xmpp.log.XmppPacketsFileHandler\n");
    ASSERT_TRUE(host_->write_file(kLoggingProperties, logging));

    // The upgrade (a new revision) keeps both edits: jicofo.conf is not touched at all.
    ASSERT_TRUE(host_->dpkg({"-i", second})) << host_->output();
    EXPECT_EQ(host_->installed_version(), host_->version_of(second));
    EXPECT_EQ(file_text(kJicofoConf), edited);
    EXPECT_EQ(file_text(kLoggingProperties), logging);

    start_daemon();
    ASSERT_TRUE(healthy(edited_port)) << diagnostics();
    stop_daemon();
    // FINE in logging.properties is our debug level; the packet handler's file has the stanzas.
    EXPECT_NE(read_file_text(daemon_log_).find(" debug "), std::string::npos) << diagnostics();
    EXPECT_NE(read_file_text(kPacketLog).find("<presence"), std::string::npos) << diagnostics();

    ASSERT_TRUE(host_->dpkg({"--purge", "jicofo-native", "jicofo"})) << host_->output();
    EXPECT_EQ(host_->leftovers(), std::vector<std::string>{});
}

}  // namespace
}  // namespace jicofo::testing
