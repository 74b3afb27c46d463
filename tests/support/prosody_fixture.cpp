// Runs Prosody for a test: config generation, certificates, readiness (c2s answers with stream features), port
// conflicts (Prosody logs them and keeps running, so the log is what tells us), stop, crash and restart.
#include "support/prosody_fixture.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/subprocess.hpp"

namespace jicofo::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kStartDeadline = 10s;
constexpr auto kStopGrace = 5s;
constexpr auto kCommandTimeout = 20s;
constexpr int kPortAttempts = 5;
constexpr std::string_view kPortInUse = "Failed to open server port";

std::string lua_string(const std::string& text) {
    std::string quoted = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            quoted += '\\';
        }
        if (c == '\n') {
            quoted += "\\n";
            continue;
        }
        quoted += c;
    }
    return quoted + "\"";
}

// Binds all sockets before closing any, so the ports differ from each other; another process may still take one
// before Prosody does, which launch() detects and start() answers by picking again.
bool pick_free_ports(std::array<uint16_t, 3>& ports) {
    std::array<int, 3> sockets{-1, -1, -1};
    bool ok = true;
    for (std::size_t i = 0; i < sockets.size() && ok; ++i) {
        sockets[i] = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = 0;
        socklen_t length = sizeof address;
        ok = sockets[i] >= 0 && ::bind(sockets[i], reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
             ::getsockname(sockets[i], reinterpret_cast<sockaddr*>(&address), &length) == 0;
        if (ok) {
            ports[i] = ntohs(address.sin_port);
        }
    }
    for (const int fd : sockets) {
        if (fd >= 0) {
            ::close(fd);
        }
    }
    return ok;
}

// True once something on the port answers our stream header with stream features: that is Prosody, past its
// startup, serving this domain.
bool stream_ready(uint16_t port, const std::string& domain, std::chrono::milliseconds timeout) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return false;
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    bool ready = false;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
        const std::string header = "<?xml version='1.0'?><stream:stream to='" + domain +
                                   "' version='1.0' xmlns='jabber:client' "
                                   "xmlns:stream='http://etherx.jabber.org/streams'>";
        if (::send(fd, header.data(), header.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(header.size())) {
            std::string received;
            const auto deadline = Clock::now() + timeout;
            while (!ready && Clock::now() < deadline) {
                pollfd entry{fd, POLLIN, 0};
                const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
                if (::poll(&entry, 1, static_cast<int>(std::max<long>(left.count(), 1))) <= 0) {
                    continue;
                }
                char buffer[4096];
                const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
                if (got <= 0) {
                    break;
                }
                received.append(buffer, static_cast<std::size_t>(got));
                ready = received.find("</stream:features>") != std::string::npos;
            }
            // Close the stream and wait for Prosody to close its side: a session still open at shutdown makes
            // Prosody wait for it, which would add a second to every stop().
            constexpr std::string_view footer = "</stream:stream>";
            if (ready && ::send(fd, footer.data(), footer.size(), MSG_NOSIGNAL) > 0) {
                while (Clock::now() < deadline) {
                    pollfd entry{fd, POLLIN, 0};
                    char buffer[4096];
                    if (::poll(&entry, 1, 50) > 0 && ::recv(fd, buffer, sizeof buffer, 0) <= 0) {
                        break;
                    }
                }
            }
        }
    }
    ::close(fd);
    return ready;
}

std::uintmax_t file_size_or_zero(const std::filesystem::path& path) {
    std::error_code error;
    const auto size = std::filesystem::file_size(path, error);
    return error ? 0 : size;
}

std::string text_from(const std::filesystem::path& path, std::uintmax_t offset) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return {};
    }
    in.seekg(static_cast<std::streamoff>(offset));
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

ProsodyFixture::ProsodyFixture(ProsodyOptions options) : options_(std::move(options)) {}

core::Result<std::unique_ptr<ProsodyFixture>, std::string> ProsodyFixture::start(ProsodyOptions options) {
    std::unique_ptr<ProsodyFixture> fixture(new ProsodyFixture(std::move(options)));
    if (auto prepared = fixture->prepare(); !prepared) {
        return core::unexpected(prepared.error());
    }
    const auto deadline = Clock::now() + kStartDeadline;
    std::string why;
    for (int attempt = 0; attempt < kPortAttempts; ++attempt) {
        if (!fixture->pick_ports() || !fixture->write_config()) {
            return core::unexpected("cannot pick ports or write " + fixture->config_file().string());
        }
        if (attempt == 0) {
            // prosodyctl only needs data_path from the config; accounts survive the port changes below.
            for (const auto& [local, domain, password] : fixture->options_.users) {
                if (!fixture->register_user(local, domain, password)) {
                    std::string why = "cannot register ";
                    why.append(local).append("@").append(domain).append("\n").append(fixture->log_text());
                    return core::unexpected(std::move(why));
                }
            }
        }
        switch (fixture->launch(deadline, why)) {
            case Launch::ready: return fixture;
            case Launch::port_in_use: continue;
            case Launch::failed: return core::unexpected(why + "\n" + fixture->log_text());
        }
    }
    return core::unexpected("ports stayed in use after " + std::to_string(kPortAttempts) + " attempts\n" +
                            fixture->log_text());
}

ProsodyFixture::~ProsodyFixture() {
    stop();
    if (!dir_.empty() && std::getenv("JICOFO_TEST_KEEP_DIRS") == nullptr) {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }
}

core::Result<bool, std::string> ProsodyFixture::prepare() {
    std::string pattern = (std::filesystem::temp_directory_path() / "jicofo-prosody-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        return core::unexpected("mkdtemp: " + std::string(std::strerror(errno)));
    }
    dir_ = pattern;
    std::error_code error;
    std::filesystem::create_directories(dir_ / "data", error);
    std::filesystem::create_directories(dir_ / "certs", error);
    if (error) {
        return core::unexpected("cannot create " + dir_.string() + ": " + error.message());
    }
    if (options_.tls) {
        for (const auto& host : {domain(), auth_domain(), muc_domain(), internal_muc_domain()}) {
            std::string why;
            if (!generate_certificate(host, why)) {
                return core::unexpected(why);
            }
        }
    }
    return true;
}

bool ProsodyFixture::generate_certificate(const std::string& host, std::string& why) const {
    // EC keys take milliseconds where RSA takes a noticeable part of a second; the wildcard covers components.
    const auto result =
        run_command({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                     "-days", "30", "-subj", "/CN=" + host, "-addext", "subjectAltName=DNS:" + host + ",DNS:*." + host,
                     "-keyout", (dir_ / "certs" / (host + ".key")).string(), "-out", certificate_file(host).string()},
                    dir_ / "commands.log", kCommandTimeout);
    if (!result || *result != 0) {
        why = "openssl failed for " + host + ": " + (result ? "exit " + std::to_string(*result) : result.error()) +
              "\n" + read_file_text(dir_ / "commands.log");
        return false;
    }
    return true;
}

std::filesystem::path ProsodyFixture::certificate_file(const std::string& host) const {
    return dir_ / "certs" / (host + ".crt");
}

bool ProsodyFixture::pick_ports() {
    std::array<uint16_t, 3> ports{};
    if (!pick_free_ports(ports)) {
        return false;
    }
    c2s_port_ = ports[0];
    http_port_ = ports[1];
    component_port_ = ports[2];
    return true;
}

bool ProsodyFixture::write_config() const {
    const std::string dir = dir_.string();
    const std::string& d = options_.domain;
    std::ostringstream lua;
    lua << "-- Written by the test fixture for one test run.\n"
        << "run_as_root = true\n"
        << "pidfile = " << lua_string(dir + "/prosody.pid") << "\n"
        << "data_path = " << lua_string(dir + "/data") << "\n"
        << "certificates = " << lua_string(dir + "/certs") << "\n"
        << "log = { info = " << lua_string(dir + "/prosody.log") << " }\n"
        << "interfaces = { \"127.0.0.1\" }\n"
        << "local_interfaces = { \"127.0.0.1\" }\n"
        << "c2s_ports = { " << c2s_port_ << " }\n"
        << "c2s_direct_tls_ports = { }\n"
        << "legacy_ssl_ports = { }\n"
        << "c2s_require_encryption = " << (options_.require_encryption ? "true" : "false") << "\n"
        << "s2s_require_encryption = false\n"
        << "http_ports = { " << http_port_ << " }\n"
        << "http_interfaces = { \"127.0.0.1\" }\n"
        << "https_ports = { }\n"
        << "component_ports = { " << component_port_ << " }\n"
        << "component_interfaces = { \"127.0.0.1\" }\n"
        << "modules_disabled = { \"s2s\" }\n"
        << "consider_bosh_secure = true\n"
        << "consider_websocket_secure = true\n"
        << "cross_domain_bosh = true\n"
        << "cross_domain_websocket = true\n"
        // Without certificates mod_tls still offers STARTTLS (hoping for SNI) and every handshake fails, so it is
        // only loaded when we have certificates.
        << "modules_enabled = { \"roster\"; \"saslauth\"; " << (options_.tls ? "\"tls\"; " : "")
        << "\"disco\"; \"ping\"; \"posix\"; \"bosh\"; \"websocket\"; \"smacks\" }\n"
        << "authentication = \"internal_hashed\"\n"
        << "storage = \"internal\"\n";
    auto plugin_paths = options_.plugin_paths;
    if (options_.jitsi_room_components || options_.visitors_component || options_.visitor_node) {
        plugin_paths.emplace_back(JICOFO_PROSODY_PLUGINS_DIR);
    }
    if (!plugin_paths.empty()) {
        lua << "plugin_paths = {";
        for (const auto& path : plugin_paths) {
            lua << " " << lua_string(path) << ";";
        }
        lua << " }\n";
    }
    lua << options_.extra_global_lua << "\n\n"
        << "VirtualHost " << lua_string(d) << "\n"
        << "  authentication = \"anonymous\"\n"
        << "  main_muc = " << lua_string(muc_domain()) << "\n"
        << identities_lua() << (options_.jitsi_room_components ? room_components_lua() : "") << muc_lua()
        << "Component " << lua_string(internal_muc_domain()) << " \"muc\"\n"
        << "  muc_room_locking = false\n"
        << "  admins = { " << lua_string(focus_jid()) << " }\n"
        << "VirtualHost " << lua_string(auth_domain()) << "\n"
        << "  authentication = \"internal_hashed\"\n\n"
        << options_.extra_hosts_lua << "\n";
    std::ofstream out(config_file(), std::ios::trunc);
    out << lua.str();
    return static_cast<bool>(out.flush());
}

// The component identities go on the VirtualHost (it is the section open where this is written).
std::string ProsodyFixture::identities_lua() const {
    if (!options_.jitsi_room_components && !options_.visitors_component) {
        return {};
    }
    std::ostringstream lua;
    lua << "  modules_enabled = { \"test_jitsi_identities\" }\n"
        << "  test_jitsi_identities = {";
    if (options_.jitsi_room_components) {
        lua << " av_moderation = " << lua_string(av_moderation_component())
            << "; breakout_rooms = " << lua_string(breakout_muc_domain())
            << "; room_metadata = " << lua_string(room_metadata_component()) << ";";
    }
    if (options_.visitors_component) {
        lua << " visitors = " << lua_string(visitors_component()) << ";";
    }
    lua << " }\n";
    if (options_.visitors_component) {
        const auto focus = options_.visitors_focus_jid.empty() ? focus_jid() : options_.visitors_focus_jid;
        lua << "Component " << lua_string(visitors_component()) << " \"test_visitors_component\"\n"
            << "  visitors_focus_jid = " << lua_string(focus) << "\n"
            << "  visitors_main_muc = " << lua_string(muc_domain()) << "\n";
    }
    return lua.str();
}

// The conference MUC; on a visitor node with the node's rules.
std::string ProsodyFixture::muc_lua() const {
    std::ostringstream lua;
    lua << "Component " << lua_string(muc_domain()) << " \"muc\"\n"
        << "  muc_room_locking = false\n"
        << "  admins = { " << lua_string(focus_jid()) << " }\n";
    if (options_.visitor_node) {
        lua << "  modules_enabled = { \"test_visitor_node\" }\n"
            << "  visitor_node_focus_jid = " << lua_string(focus_jid()) << "\n";
    }
    return lua.str();
}

// The room components (their identities come from identities_lua()).
std::string ProsodyFixture::room_components_lua() const {
    std::ostringstream lua;
    lua << "Component " << lua_string(breakout_muc_domain()) << " \"muc\"\n"
        << "  muc_room_locking = false\n"
        << "  admins = { " << lua_string(focus_jid()) << " }\n"
        << "  modules_enabled = { \"test_breakout_rooms\" }\n"
        << "  main_muc = " << lua_string(muc_domain()) << "\n"
        << "Component " << lua_string(av_moderation_component()) << " \"test_av_moderation\"\n"
        << "  muc_component = " << lua_string(muc_domain()) << "\n"
        << "Component " << lua_string(room_metadata_component()) << " \"test_room_metadata\"\n"
        << "  muc_component = " << lua_string(muc_domain()) << "\n"
        << "  breakout_rooms_component = " << lua_string(breakout_muc_domain()) << "\n";
    return lua.str();
}

ProsodyFixture::Launch ProsodyFixture::launch(Clock::time_point deadline, std::string& why) {
    const auto log_file = dir_ / "prosody.log";
    const auto log_offset = file_size_or_zero(log_file);
    ChildIo io;
    io.output_file = dir_ / "prosody.out";
    auto pid = spawn_child({"prosody", "--config", config_file().string(), "-F"}, io);
    if (!pid) {
        why = pid.error();
        return Launch::failed;
    }
    pid_ = *pid;
    while (Clock::now() < deadline) {
        if (!running()) {
            why = "prosody exited during startup";
            return Launch::failed;
        }
        // Startup (ports, hosts, modules) completes before Prosody serves anyone, so once the probe gets stream
        // features every port failure is already in the log.
        const bool ready = stream_ready(c2s_port_, options_.domain, 1s);
        if (text_from(log_file, log_offset).find(kPortInUse) != std::string::npos) {
            kill();
            return Launch::port_in_use;
        }
        if (ready) {
            return Launch::ready;
        }
        std::this_thread::sleep_for(20ms);
    }
    why = "prosody not ready within " + std::to_string(kStartDeadline.count()) + " s";
    kill();
    return Launch::failed;
}

bool ProsodyFixture::register_user(const std::string& local, const std::string& domain, const std::string& password) {
    const auto result =
        run_command({"prosodyctl", "--config", config_file().string(), "register", local, domain, password},
                    dir_ / "commands.log", kCommandTimeout);
    return result && *result == 0;
}

void ProsodyFixture::kill() {
    if (running()) {
        ::kill(pid_, SIGKILL);
        wait_child(pid_, kStopGrace);
    }
    pid_ = -1;
}

void ProsodyFixture::stop() {
    if (running()) {
        terminate_child(pid_, kStopGrace);
    }
    pid_ = -1;
}

bool ProsodyFixture::restart() {
    stop();
    const auto deadline = Clock::now() + kStartDeadline;
    std::string why;
    while (Clock::now() < deadline) {
        switch (launch(deadline, why)) {
            case Launch::ready: return true;
            case Launch::failed: return false;
            case Launch::port_in_use: std::this_thread::sleep_for(100ms); break;  // clients know these ports: wait
        }
    }
    return false;
}

bool ProsodyFixture::running() const {
    if (pid_ <= 0) {
        return false;
    }
    if (!wait_child(pid_, 0ms)) {
        return true;
    }
    pid_ = -1;
    return false;
}

std::vector<VisitorsRequest> ProsodyFixture::visitors_requests() const {
    std::vector<VisitorsRequest> requests;
    std::istringstream lines(read_file_text(dir_ / "data" / "test_visitors_requests.txt"));
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        VisitorsRequest request;
        if (fields >> request.order >> request.action >> request.room >> request.vnode) {
            requests.push_back(std::move(request));
        }
    }
    return requests;
}

std::string ProsodyFixture::log_text() const {
    std::string text =
        "--- prosody log (" + (dir_ / "prosody.log").string() + ") ---\n" + read_file_text(dir_ / "prosody.log");
    const auto output = read_file_text(dir_ / "prosody.out");
    if (!output.empty()) {
        text += "--- prosody stdout/stderr ---\n" + output;
    }
    const auto commands = read_file_text(dir_ / "commands.log");
    if (!commands.empty()) {
        text += "--- prosodyctl/openssl output ---\n" + commands;
    }
    return text;
}

}  // namespace jicofo::testing
