// A real Prosody for integration tests: its own temp dir, free loopback ports, the Jitsi host layout (anonymous
// main domain, auth domain, conference and brewery MUCs with focus as admin), stopped and removed on destruction.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "jicofo/core/result.hpp"

namespace jicofo::testing {

struct ProsodyOptions {
    // VirtualHost (anonymous auth), conference.<domain> MUC, auth.<domain> (internal_hashed),
    // internal.auth.<domain> MUC (breweries).
    std::string domain = "meet.test";
    bool tls = false;  // self-signed certs for every host so c2s offers STARTTLS
    bool require_encryption = false;
    std::vector<std::tuple<std::string, std::string, std::string>> users;  // (local, domain, password)
    std::string extra_global_lua;                                          // appended to the global section
    std::string extra_hosts_lua;            // appended at the end (extra VirtualHost/Component blocks)
    std::vector<std::string> plugin_paths;  // for small Lua plugins of our own in the test tree
    // Our emulations of Jitsi's room components (tests/prosody-plugins, see docs/testing.md): AV moderation at
    // avmoderation.<domain>, a breakout rooms MUC at breakout.<domain>, room metadata at metadata.<domain>, each
    // announced as a disco#info identity (category "component") of <domain>.
    bool jitsi_room_components = false;
    // Our emulation of Jitsi's visitors component at visitors.<domain> (mod_test_visitors_component.lua), announced
    // the same way; it takes connect-vnode/disconnect-vnode only from `visitors_focus_jid` (default: our focus
    // account) and records them (visitors_requests()).
    bool visitors_component = false;
    std::string visitors_focus_jid;
    // This Prosody is a visitor node (mod_test_visitor_node.lua on conference.<domain>): only the focus account
    // creates rooms, everyone else joins with the MUC role `visitor`.
    bool visitor_node = false;
};

// One request the visitors component accepted, in the order it came.
struct VisitorsRequest {
    int order = 0;
    std::string action;  // connect-vnode | disconnect-vnode
    std::string room;    // the main room JID the request named
    std::string vnode;
    bool operator==(const VisitorsRequest&) const = default;
};

class ProsodyFixture {
public:
    // Writes the config, registers the users and starts Prosody; returns once c2s serves our domain (deadline
    // 10 s). The error text includes Prosody's log.
    static core::Result<std::unique_ptr<ProsodyFixture>, std::string> start(ProsodyOptions options);

    ~ProsodyFixture();  // stops (SIGTERM, then SIGKILL after 5 s) and removes the temp dir
    ProsodyFixture(const ProsodyFixture&) = delete;
    ProsodyFixture& operator=(const ProsodyFixture&) = delete;

    uint16_t c2s_port() const { return c2s_port_; }
    uint16_t http_port() const { return http_port_; }  // BOSH at /http-bind, WebSocket at /xmpp-websocket
    // For external components (XEP-0114) declared in extra_hosts_lua as `Component "name"` with a secret.
    uint16_t component_port() const { return component_port_; }
    const std::string& domain() const { return options_.domain; }
    std::string auth_domain() const { return "auth." + options_.domain; }
    std::string muc_domain() const { return "conference." + options_.domain; }
    std::string internal_muc_domain() const { return "internal.auth." + options_.domain; }
    std::string focus_jid() const { return "focus@" + auth_domain(); }
    // With jitsi_room_components:
    std::string av_moderation_component() const { return "avmoderation." + options_.domain; }
    std::string breakout_muc_domain() const { return "breakout." + options_.domain; }
    std::string room_metadata_component() const { return "metadata." + options_.domain; }
    // With visitors_component:
    std::string visitors_component() const { return "visitors." + options_.domain; }
    // What the visitors component accepted so far (read from its record in the data directory).
    std::vector<VisitorsRequest> visitors_requests() const;

    // The self-signed certificate of a host (only with tls); it is its own CA, for "verify against this" tests.
    std::filesystem::path certificate_file(const std::string& host) const;
    const std::filesystem::path& directory() const { return dir_; }
    std::filesystem::path config_file() const { return dir_ / "prosody.cfg.lua"; }

    // Registers (or re-sets the password of) an account with prosodyctl; works while Prosody runs.
    bool register_user(const std::string& local, const std::string& domain, const std::string& password);

    void kill();     // SIGKILL, as in a crash
    bool restart();  // starts again with the same ports, config and data; waits until ready
    void stop();     // graceful
    bool running() const;

    // Prosody's log and anything it wrote to stdout/stderr, for failure messages.
    std::string log_text() const;

private:
    explicit ProsodyFixture(ProsodyOptions options);

    enum class Launch { ready, port_in_use, failed };
    core::Result<bool, std::string> prepare();
    bool pick_ports();
    bool write_config() const;
    std::string room_components_lua() const;
    std::string identities_lua() const;
    std::string muc_lua() const;
    Launch launch(std::chrono::steady_clock::time_point deadline, std::string& why);
    bool generate_certificate(const std::string& host, std::string& why) const;

    ProsodyOptions options_;
    std::filesystem::path dir_;
    uint16_t c2s_port_ = 0;
    uint16_t http_port_ = 0;
    uint16_t component_port_ = 0;
    mutable pid_t pid_ = -1;  // -1 once reaped; running() reaps, hence mutable
};

}  // namespace jicofo::testing
