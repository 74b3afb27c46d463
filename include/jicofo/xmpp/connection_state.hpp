// The state of an XMPP connection as typed values: what listeners, health and /debug see.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace jicofo::xmpp {

enum class ConnectionState { disconnected, connecting, connected };

// A connected session is either new (rooms must be joined again, presence re-sent) or an XEP-0198 resumption of
// the previous one (the server kept our rooms; nothing to redo).
enum class SessionKind { fresh, resumed };

enum class DisconnectKind {
    none,                // never connected yet
    auth_failed,         // SASL refused the credentials (or no usable mechanism)
    connection_refused,  // TCP connect failed: refused, unreachable, name not resolved, connect timeout
    tls_failed,          // TLS handshake or certificate verification failed
    stream_error,        // the server sent <stream:error/>; condition says which
    ping_timeout,        // XEP-0199 ping unanswered: the link was declared dead
    closed,              // the server or the network closed the stream, or we stopped
};

struct DisconnectReason {
    DisconnectKind kind = DisconnectKind::none;
    std::string detail;  // stream-error condition, errno text, certificate error...

    friend bool operator==(const DisconnectReason&, const DisconnectReason&) = default;
};

struct ConnectionStatus {
    ConnectionState state = ConnectionState::disconnected;
    SessionKind session = SessionKind::fresh;  // meaningful when connected
    DisconnectReason last_reason;              // why the last session ended (or the last attempt failed)
    std::chrono::system_clock::time_point since{};
    std::string bound_jid;  // when connected
};

// What /debug shows for one connection.
struct ConnectionSnapshot {
    std::string name;
    ConnectionStatus status;
    std::size_t pending_iqs = 0;
    std::uint64_t reconnect_attempts = 0;  // failed attempts since the last successful connect
    std::uint64_t sessions = 0;            // successful connects, fresh or resumed
    std::uint64_t stanzas_in = 0;
    std::uint64_t stanzas_out = 0;
};

std::string_view to_string(ConnectionState state);
std::string_view to_string(SessionKind kind);
std::string_view to_string(DisconnectKind kind);
// "stream_error(conflict)", "auth_failed", "connection_refused(Connection refused)".
std::string to_string(const DisconnectReason& reason);

}  // namespace jicofo::xmpp
