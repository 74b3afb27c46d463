// This machine as the package test uses it: whether it may install the package at all, building the .deb files,
// dpkg and debconf, the installed layout, the unit's command line, and putting the host back as it was.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "jicofo/core/result.hpp"

namespace jicofo::testing {

inline constexpr const char* kJicofoConf = "/etc/jitsi/jicofo/jicofo.conf";
inline constexpr const char* kLoggingProperties = "/etc/jitsi/jicofo/logging.properties";

class PackageHost {
public:
    // Why the test must not run here (not root, no dpkg, or a Jicofo of the host's own), or nullopt.
    static std::optional<std::string> reason_to_skip();

    // Records what the host has before the test (/etc/jitsi, /var/log/jitsi, group jitsi); scratch holds the
    // test's files and the log of every command run.
    explicit PackageHost(std::filesystem::path scratch);
    ~PackageHost();
    PackageHost(const PackageHost&) = delete;
    PackageHost& operator=(const PackageHost&) = delete;

    // Two packages of this source, revisions 1 and 2 (scripts/package.sh, lintian on the first), or the two named
    // by JICOFO_TEST_DEBS="first.deb:second.deb".
    core::Result<std::pair<std::string, std::string>, std::string> build_packages();

    // Jitsi's jicofo package as far as dpkg sees it (version 1.0-1100-1, its conffiles logging.properties and
    // logrotate with Jitsi's contents, a jicofo.sh), installed; then jicofo.conf as its postinst leaves it.
    bool install_stand_in_jicofo(const std::string& jicofo_conf);
    std::string status_of(const std::string& package);
    bool write_file(const std::filesystem::path& path, const std::string& text);
    // debconf-set-selections of the two questions, owned by jicofo-native so that purge removes them.
    bool preseed(const std::string& host, const std::string& focus_password);
    // dpkg with DEBIAN_FRONTEND=noninteractive; false (output() says why) when it fails.
    bool dpkg(const std::vector<std::string>& arguments);
    // The log of the commands run so far (its tail).
    std::string output() const;

    std::string debconf_value(const std::string& question);
    std::string installed_version();
    std::string version_of(const std::string& deb);

    // What is not as Jitsi's package has it (files, modes, owners, conffiles, unit, logrotate); empty when all is.
    std::vector<std::string> installed_layout_problems();
    // The unit's ExecStart under its User, Group, Environment= and EnvironmentFile=, as systemd would run it.
    core::Result<std::vector<std::string>, std::string> unit_command();
    // What is still on the host after a purge that should not be.
    std::vector<std::string> leftovers();

    // Purges the package if installed, removes what the test created; safe to call more than once.
    void restore();

private:
    int run(const std::vector<std::string>& argv, int timeout_seconds = 120);
    std::string capture(const std::vector<std::string>& argv);

    std::filesystem::path scratch_;
    std::filesystem::path log_;
    bool had_etc_jitsi_ = false;
    bool had_log_dir_ = false;
    bool had_group_ = false;
};

}  // namespace jicofo::testing
