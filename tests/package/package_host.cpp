// The host side of the package test: every system change goes through dpkg, debconf or the user tools, logged.
#include "package_host.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "support/subprocess.hpp"

namespace jicofo::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPackage = "jicofo-native";
constexpr const char* kUnitFile = "/lib/systemd/system/jicofo.service";
constexpr const char* kQuestions[] = {"jitsi-videobridge/jvb-hostname", "jicofo/jicofo-authpassword"};

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string trim(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
        text.pop_back();
    }
    return text;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// A throw-away command whose output is only wanted as a value.
std::string quiet_capture(const std::vector<std::string>& argv) {
    const auto file = fs::temp_directory_path() / ("package-host-probe-" + std::to_string(::getpid()));
    fs::remove(file);
    auto rc = run_command(argv, file, std::chrono::seconds(30));
    std::string text = rc ? read_text(file) : "";
    fs::remove(file);
    return text;
}

// debconf's answer to `get`: "0 value" when the question exists, "10 ... doesn't exist" otherwise.
std::string debconf_get(const std::string& question, const std::string& owner) {
    return trim(quiet_capture({"/bin/sh", "-c", "echo 'get " + question + "' | debconf-communicate " + owner}));
}

}  // namespace

std::optional<std::string> PackageHost::reason_to_skip() {
    if (::geteuid() != 0) {
        return "needs root: it installs a system package (CI runs the test command as root on a throw-away machine)";
    }
    for (const char* tool : {"/usr/bin/dpkg", "/usr/bin/debconf-communicate", "/usr/bin/debconf-set-selections"}) {
        if (::access(tool, X_OK) != 0) {
            return std::string(tool) + " is missing";
        }
    }
    if (fs::exists("/etc/jitsi/jicofo")) {
        return "this host has /etc/jitsi/jicofo (a Jicofo of its own); the test touches no configuration it did not "
               "create";
    }
    if (::getpwnam("jicofo") != nullptr) {
        return "this host has a jicofo user; the package's purge would remove it";
    }
    for (const char* package : {"jicofo", kPackage}) {
        auto status = quiet_capture({"dpkg-query", "-W", "-f=${Status}", package});
        if (contains(status, "installed") && !contains(status, "not-installed")) {
            return std::string("package ") + package + " is on this host (" + status + ")";
        }
        if (contains(status, "config-files")) {
            return std::string("package ") + package + " left its configuration on this host";
        }
    }
    for (const char* question : kQuestions) {
        if (debconf_get(question, kPackage).rfind("0", 0) == 0) {
            return std::string("debconf already has ") + question + " (a Jitsi install on this host)";
        }
    }
    return std::nullopt;
}

PackageHost::PackageHost(fs::path scratch) : scratch_(std::move(scratch)), log_(scratch_ / "commands.log") {
    fs::create_directories(scratch_);
    had_etc_jitsi_ = fs::exists("/etc/jitsi");
    had_log_dir_ = fs::exists("/var/log/jitsi");
    had_group_ = ::getgrnam("jitsi") != nullptr;
    ::setenv("DEBIAN_FRONTEND", "noninteractive", 1);
}

PackageHost::~PackageHost() {
    restore();
}

int PackageHost::run(const std::vector<std::string>& argv, int timeout_seconds) {
    {
        std::ofstream log(log_, std::ios::app);
        log << "$";
        for (const auto& word : argv) {
            log << ' ' << word;
        }
        log << '\n';
    }
    auto rc = run_command(argv, log_, std::chrono::seconds(timeout_seconds));
    if (!rc) {
        std::ofstream(log_, std::ios::app) << rc.error() << '\n';
        return -1;
    }
    return *rc;
}

std::string PackageHost::capture(const std::vector<std::string>& argv) {
    return trim(quiet_capture(argv));
}

std::string PackageHost::output() const {
    return read_file_text(log_, 64 * 1024);
}

core::Result<std::pair<std::string, std::string>, std::string> PackageHost::build_packages() {
    if (const char* given = std::getenv("JICOFO_TEST_DEBS"); given != nullptr && *given != '\0') {
        std::string both(given);
        auto colon = both.find(':');
        if (colon == std::string::npos) {
            return core::unexpected(std::string("JICOFO_TEST_DEBS wants first.deb:second.deb"));
        }
        return std::pair{both.substr(0, colon), both.substr(colon + 1)};
    }
    const std::string script = std::string(JICOFO_SOURCE_DIR) + "/scripts/package.sh";
    std::pair<std::string, std::string> debs;
    for (int revision : {1, 2}) {
        const auto out = scratch_ / ("package-" + std::to_string(revision) + ".log");
        std::vector<std::string> argv{script, "--revision", std::to_string(revision)};
        if (revision == 2) {
            argv.emplace_back("--no-lintian");  // the same files as revision 1, which lintian checked
        }
        auto rc = run_command(argv, out, std::chrono::minutes(50));
        const std::string text = read_text(out);
        if (!rc || *rc != 0) {
            return core::unexpected("scripts/package.sh failed:\n" +
                                    text.substr(text.size() > 20000 ? text.size() - 20000 : 0));
        }
        auto last = trim(text);
        last = last.substr(last.find_last_of('\n') + 1);
        // package.sh keeps only its latest package in build/deb: each one is copied away.
        const auto copy = scratch_ / fs::path(last).filename();
        std::error_code error;
        fs::copy_file(fs::path(JICOFO_SOURCE_DIR) / last, copy, fs::copy_options::overwrite_existing, error);
        if (error) {
            return core::unexpected("cannot copy " + last + ": " + error.message());
        }
        (revision == 1 ? debs.first : debs.second) = copy.string();
    }
    return debs;
}

bool PackageHost::install_stand_in_jicofo(const std::string& jicofo_conf) {
    const auto root = scratch_ / "stand-in";
    const std::string source(JICOFO_SOURCE_DIR);
    std::error_code error;
    fs::create_directories(root / "DEBIAN", error);
    fs::create_directories(root / "etc/jitsi/jicofo", error);
    fs::create_directories(root / "etc/logrotate.d", error);
    fs::create_directories(root / "usr/share/jicofo", error);
    // packaging/ has Jitsi's logging.properties and logrotate file unchanged.
    fs::copy_file(source + "/packaging/logging.properties", root / "etc/jitsi/jicofo/logging.properties", error);
    fs::copy_file(source + "/packaging/jicofo.logrotate", root / "etc/logrotate.d/jicofo", error);
    if (error) {
        return false;
    }
    write_file(root / "usr/share/jicofo/jicofo.sh", "#!/bin/sh\nexec java -jar jicofo.jar\n");
    fs::permissions(root / "usr/share/jicofo/jicofo.sh", fs::perms::owner_all | fs::perms::group_read |
                                                             fs::perms::group_exec | fs::perms::others_read |
                                                             fs::perms::others_exec);
    write_file(root / "DEBIAN/control",
               "Package: jicofo\nVersion: 1.0-1100-1\nArchitecture: all\nMaintainer: test <test@example.org>\n"
               "Description: stand-in for Jitsi's jicofo package\n");
    write_file(root / "DEBIAN/conffiles", "/etc/jitsi/jicofo/logging.properties\n/etc/logrotate.d/jicofo\n");
    const auto deb = scratch_ / "jicofo-stand-in.deb";
    if (run({"dpkg-deb", "--build", "--root-owner-group", root.string(), deb.string()}) != 0 ||
        !dpkg({"-i", deb.string()})) {
        return false;
    }
    return write_file(kJicofoConf, jicofo_conf);
}

std::string PackageHost::status_of(const std::string& package) {
    auto status = capture({"dpkg-query", "-W", "-f=${Status}", package});
    return contains(status, "no packages found") ? "" : status;  // dpkg has never heard of it
}

bool PackageHost::write_file(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    return static_cast<bool>(out.flush());
}

bool PackageHost::preseed(const std::string& host, const std::string& focus_password) {
    const auto file = scratch_ / "preseed";
    write_file(file, std::string(kPackage) + " jitsi-videobridge/jvb-hostname string " + host + "\n" + kPackage +
                         " jicofo/jicofo-authpassword password " + focus_password + "\n");
    return run({"debconf-set-selections", file.string()}) == 0;
}

bool PackageHost::dpkg(const std::vector<std::string>& arguments) {
    std::vector<std::string> argv{"dpkg"};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    return run(argv, 300) == 0;
}

std::string PackageHost::debconf_value(const std::string& question) {
    auto answer = debconf_get(question, kPackage);
    return answer.rfind("0 ", 0) == 0 ? answer.substr(2) : "<" + answer + ">";
}

std::string PackageHost::installed_version() {
    return capture({"dpkg-query", "-W", "-f=${Version}", kPackage});
}

std::string PackageHost::version_of(const std::string& deb) {
    return capture({"dpkg-deb", "-f", deb, "Version"});
}

std::vector<std::string> PackageHost::installed_layout_problems() {
    std::vector<std::string> problems;
    auto expect = [&](bool ok, const std::string& what) {
        if (!ok) {
            problems.push_back(what);
        }
    };
    for (const char* executable : {"/usr/bin/jicofo", "/usr/share/jicofo/jicofo.sh"}) {
        expect(::access(executable, X_OK) == 0, std::string(executable) + " is not an installed executable");
    }
    for (const char* file : {"/etc/jitsi/jicofo/config", kLoggingProperties, "/etc/logrotate.d/jicofo",
                             "/usr/share/jicofo/reference.conf", "/usr/share/doc/jicofo-native/copyright", kUnitFile}) {
        expect(fs::is_regular_file(file), std::string(file) + " missing");
    }
    struct stat dir {};
    const passwd* user = ::getpwnam("jicofo");
    const group* jitsi = ::getgrnam("jitsi");
    expect(user != nullptr && jitsi != nullptr, "no user jicofo or group jitsi");
    if (user != nullptr && jitsi != nullptr) {
        expect(user->pw_gid == jitsi->gr_gid, "jicofo's primary group is not jitsi");
        expect(::stat("/etc/jitsi/jicofo", &dir) == 0 && (dir.st_mode & 07777) == 0750 && dir.st_uid == user->pw_uid &&
                   dir.st_gid == jitsi->gr_gid,
               "/etc/jitsi/jicofo is not jicofo:jitsi 750");
    }
    const auto logrotate = read_text("/etc/logrotate.d/jicofo");
    for (const char* line : {"/var/log/jitsi/jicofo.log", "daily", "rotate 7", "compress", "copytruncate"}) {
        expect(contains(logrotate, line), std::string("logrotate lacks ") + line);
    }
    // systemd's own parser on the installed unit (no systemd runs here, but systemd-analyze reads units without
    // it): anything it prints is a key it would ignore or a value it cannot use.
    expect(::access("/usr/bin/systemd-analyze", X_OK) == 0, "systemd-analyze missing (scripts/install-deps.sh)");
    const auto verdict = capture({"systemd-analyze", "verify", kUnitFile});
    expect(verdict.empty(), "systemd-analyze verify " + std::string(kUnitFile) + ": " + verdict);
    const auto unit = read_text(kUnitFile);
    for (const char* line : {"Type=notify", "WatchdogSec=", "Environment=GLIBC_TUNABLES=glibc.malloc.tcache_count=0",
                             "EnvironmentFile=-/etc/jitsi/jicofo/config", "ExecStart=/usr/share/jicofo/jicofo.sh",
                             "User=jicofo", "Group=jitsi"}) {
        expect(contains(unit, line), std::string("jicofo.service lacks ") + line);
    }
    expect(contains(read_text("/etc/jitsi/jicofo/config"),
                    "-Djava.util.logging.config.file=/etc/jitsi/jicofo/logging.properties"),
           "config does not name logging.properties in JAVA_SYS_PROPS");
    const auto conffiles = capture({"dpkg-query", "-W", "-f=${Conffiles}", kPackage});
    for (const char* file : {kLoggingProperties, "/etc/logrotate.d/jicofo"}) {
        expect(contains(conffiles, file), std::string(file) + " is not a conffile");
    }
    for (const char* field : {"Provides", "Conflicts", "Replaces"}) {
        expect(capture({"dpkg-query", "-W", std::string("-f=${") + field + "}", kPackage}) == "jicofo",
               std::string(field) + " is not jicofo");
    }
    return problems;
}

core::Result<std::vector<std::string>, std::string> PackageHost::unit_command() {
    std::istringstream unit(read_text(kUnitFile));
    std::string line;
    std::string user = "root";
    std::string group = "root";
    std::string exec_start;
    std::vector<std::string> environment{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"};
    std::vector<std::string> environment_files;
    auto value_of = [&](const std::string& key) -> std::optional<std::string> {
        if (line.rfind(key + "=", 0) != 0) {
            return std::nullopt;
        }
        return line.substr(key.size() + 1);
    };
    while (std::getline(unit, line)) {
        if (auto v = value_of("User")) {
            user = *v;
        } else if (auto v = value_of("Group")) {
            group = *v;
        } else if (auto v = value_of("ExecStart")) {
            exec_start = *v;
        } else if (auto v = value_of("Environment")) {
            environment.push_back(*v);
        } else if (auto v = value_of("EnvironmentFile")) {
            environment_files.push_back(*v);
        }
    }
    if (exec_start.empty() || exec_start.find(' ') != std::string::npos) {
        return core::unexpected("unexpected ExecStart '" + exec_start + "'");
    }
    // EnvironmentFile= is KEY=value lines, which a shell reads the same way; "-" makes the file optional.
    std::string script = "set -a; ";
    for (auto file : environment_files) {
        const bool optional = !file.empty() && file.front() == '-';
        if (optional) {
            file.erase(0, 1);
            script += "[ ! -e '" + file + "' ] || ";
        }
        script += ". '" + file + "'; ";
    }
    script += "set +a; exec \"$0\"";
    std::vector<std::string> argv{"setpriv", "--reuid=" + user, "--regid=" + group, "--init-groups", "env", "-i"};
    argv.insert(argv.end(), environment.begin(), environment.end());
    argv.insert(argv.end(), {"/bin/sh", "-c", script, exec_start});
    return argv;
}

std::vector<std::string> PackageHost::leftovers() {
    std::vector<std::string> left;
    for (const char* path :
         {"/etc/jitsi/jicofo", "/usr/share/jicofo", "/usr/bin/jicofo", kUnitFile, "/lib/sysusers.d/jicofo.conf",
          "/etc/logrotate.d/jicofo", "/usr/share/doc/jicofo-native", "/usr/share/lintian/overrides/jicofo-native",
          "/var/log/jitsi/jicofo.log", "/etc/systemd/system/multi-user.target.wants/jicofo.service",
          "/var/lib/systemd/deb-systemd-helper-enabled/jicofo.service.dsh-also",
          "/var/lib/systemd/deb-systemd-helper-enabled/multi-user.target.wants/jicofo.service",
          "/var/lib/systemd/deb-systemd-helper-masked/jicofo.service"}) {
        std::error_code ignored;
        if (fs::exists(fs::symlink_status(path, ignored))) {
            left.emplace_back(path);
        }
    }
    if (::getpwnam("jicofo") != nullptr) {
        left.emplace_back("user jicofo");
    }
    for (const char* question : kQuestions) {
        if (debconf_get(question, kPackage).rfind("0", 0) == 0) {
            left.emplace_back(std::string("debconf ") + question);
        }
    }
    for (const char* package : {kPackage, "jicofo"}) {
        const auto status = status_of(package);
        if (!status.empty() && !contains(status, "not-installed")) {
            left.emplace_back(std::string("dpkg status of ") + package + ": " + status);
        }
    }
    return left;
}

void PackageHost::restore() {
    for (const char* package : {kPackage, "jicofo"}) {  // jicofo: the stand-in, when the test got that far
        const auto status = status_of(package);
        if (!status.empty() && !contains(status, "not-installed")) {
            run({"dpkg", "--purge", package}, 300);
        }
    }
    run({"deb-systemd-helper", "purge", "jicofo.service"});
    run({"deb-systemd-helper", "unmask", "jicofo.service"});
    // Questions preseeded for an install that never happened.
    run({"/bin/sh", "-c", std::string("echo PURGE | debconf-communicate ") + kPackage + " >/dev/null"});
    std::error_code ignored;
    fs::remove_all("/etc/jitsi/jicofo", ignored);  // did not exist before the test (reason_to_skip)
    if (!had_etc_jitsi_) {
        fs::remove("/etc/jitsi", ignored);  // only when empty: another package may have put files there since
    }
    if (!had_log_dir_) {
        fs::remove_all("/var/log/jitsi", ignored);
    }
    if (::getpwnam("jicofo") != nullptr) {
        run({"userdel", "jicofo"});  // did not exist before the test
    }
    if (!had_group_ && ::getgrnam("jitsi") != nullptr) {
        run({"groupdel", "jitsi"});
    }
}

}  // namespace jicofo::testing
