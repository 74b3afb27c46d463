// The join storm's plan helpers and the libstrophe client shared by its emulated bridges and participants.
#include "join_storm_plan.hpp"

#include "jicofo/stanza/xml_codec.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <strophe.h>
#include <sys/select.h>
#include <sys/socket.h>

#include <cstdio>
#include <ctime>

namespace jicofo::bench {

std::int64_t now_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::string StormPlan::nick(int index) {
    char text[16];
    std::snprintf(text, sizeof text, "%08x", static_cast<unsigned>(index));
    return text;
}

int StormPlan::index_of_nick(const std::string& nick) {
    if (nick.size() != 8) {
        return -1;
    }
    unsigned value = 0;
    for (const char c : nick) {
        const bool digit = c >= '0' && c <= '9';
        const bool hex = c >= 'a' && c <= 'f';
        if (!digit && !hex) {
            return -1;
        }
        value = value * 16 + static_cast<unsigned>(digit ? c - '0' : c - 'a' + 10);
    }
    return static_cast<int>(value);
}

std::string StormPlan::room(int conference) const {
    return "storm" + std::to_string(conference) + "@" + muc_domain;
}

std::string StormPlan::vnode_domain(int vnode) const {
    return vnode_id(vnode) + "." + domain;
}

std::string StormPlan::vnode_room(int conference, int vnode) const {
    return "storm" + std::to_string(conference) + "@conference." + vnode_domain(vnode);
}

int StormPlan::vnode_index(const std::string& id) const {
    if (id.size() < 2 || id[0] != 'v' || id.size() > 4) {
        return 0;
    }
    int value = 0;
    for (std::size_t i = 1; i < id.size(); ++i) {
        if (id[i] < '0' || id[i] > '9') {
            return 0;
        }
        value = value * 10 + (id[i] - '0');
    }
    return value >= 1 && value <= vnodes ? value : 0;
}

std::filesystem::path StormPlan::participant_results(int worker) const {
    return dir / ("participants-" + std::to_string(worker) + ".txt");
}

std::filesystem::path StormPlan::bridge_results() const {
    return dir / "bridges.txt";
}

namespace {

void on_connection_event(xmpp_conn_t* /*conn*/, xmpp_conn_event_t event, int /*error*/,
                         xmpp_stream_error_t* /*stream_error*/, void* userdata) {
    static_cast<StropheClient*>(userdata)->handle_connection_event(event == XMPP_CONN_CONNECT);
}

int on_strophe_stanza(xmpp_conn_t* /*conn*/, xmpp_stanza_t* stanza, void* userdata) {
    static_cast<StropheClient*>(userdata)->handle_stanza(stanza);
    return 1;  // keep the handler
}

// libstrophe waits in select(): a descriptor past FD_SETSIZE would be written outside the fd_set, so such a
// connection fails instead. Nagle is off, as in the product: an IQ result followed by a request in two writes must
// not wait for Prosody's delayed ACK (~40 ms a hop).
int on_socket(xmpp_conn_t* conn, void* sock) {
    const int fd = *static_cast<int*>(sock);
    if (fd >= FD_SETSIZE) {
        std::fprintf(stderr, "join_storm: descriptor %d is past FD_SETSIZE; use more workers\n", fd);
        return -1;
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return xmpp_sockopt_cb_keepalive(conn, sock);
}

}  // namespace

StropheClient::~StropheClient() {
    // The subclass is gone: a disconnect event raised by the release must not reach its handlers.
    destroyed_ = true;
    if (conn_ != nullptr) {
        xmpp_conn_release(conn_);
    }
}

bool StropheClient::connect(xmpp_ctx_t* ctx, const StormPlan& plan, const std::string& jid, const std::string& password,
                            std::uint16_t port) {
    ctx_ = ctx;
    if (conn_ != nullptr) {
        xmpp_conn_release(conn_);  // a retry after a failed login
    }
    connected_ = false;
    conn_ = xmpp_conn_new(ctx);
    if (conn_ == nullptr) {
        return false;
    }
    xmpp_conn_set_flags(conn_, XMPP_CONN_FLAG_DISABLE_TLS | XMPP_CONN_FLAG_DISABLE_SM);
    xmpp_conn_set_sockopt_callback(conn_, on_socket);
    xmpp_conn_set_jid(conn_, jid.c_str());
    if (!password.empty()) {
        xmpp_conn_set_pass(conn_, password.c_str());
    }
    xmpp_handler_add(conn_, on_strophe_stanza, nullptr, nullptr, nullptr, this);
    return xmpp_connect_client(conn_, plan.host.c_str(), port != 0 ? port : plan.c2s_port, on_connection_event, this) ==
           XMPP_EOK;
}

void StropheClient::send(const stanza::XmlElement& element) {
    if (conn_ == nullptr || !connected_) {
        return;
    }
    xmpp_stanza_t* stanza = stanza::to_strophe(ctx_, element);
    if (stanza != nullptr) {
        xmpp_send(conn_, stanza);
        xmpp_stanza_release(stanza);
    }
}

void StropheClient::disconnect() {
    if (conn_ != nullptr && connected_) {
        xmpp_disconnect(conn_);
    }
}

std::string StropheClient::own_jid() const {
    const char* jid = conn_ != nullptr ? xmpp_conn_get_bound_jid(conn_) : nullptr;
    return jid != nullptr ? jid : "";
}

void StropheClient::handle_connection_event(bool connected) {
    connected_ = connected;
    if (destroyed_) {
        return;
    }
    if (connected) {
        on_connected();
    } else {
        on_disconnected();
    }
}

bool StropheClient::wants(const xmpp_stanza_t* stanza) {
    const char* name = xmpp_stanza_get_name(const_cast<xmpp_stanza_t*>(stanza));
    return name != nullptr && std::string_view(name) == "iq";
}

void StropheClient::handle_stanza(xmpp_stanza_t* stanza) {
    if (destroyed_ || !wants(stanza)) {
        return;
    }
    auto element = stanza::from_strophe(stanza);
    if (element) {
        on_stanza(*element);
    }
}

}  // namespace jicofo::bench
