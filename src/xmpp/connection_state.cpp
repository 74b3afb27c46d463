// Names of connection states and disconnect reasons, as they appear in logs, /debug and health messages.
#include "jicofo/xmpp/connection_state.hpp"

namespace jicofo::xmpp {

std::string_view to_string(ConnectionState state) {
    switch (state) {
        case ConnectionState::disconnected: return "disconnected";
        case ConnectionState::connecting: return "connecting";
        case ConnectionState::connected: return "connected";
    }
    return "unknown";
}

std::string_view to_string(SessionKind kind) {
    return kind == SessionKind::fresh ? "fresh" : "resumed";
}

std::string_view to_string(DisconnectKind kind) {
    switch (kind) {
        case DisconnectKind::none: return "none";
        case DisconnectKind::auth_failed: return "auth_failed";
        case DisconnectKind::connection_refused: return "connection_refused";
        case DisconnectKind::tls_failed: return "tls_failed";
        case DisconnectKind::stream_error: return "stream_error";
        case DisconnectKind::ping_timeout: return "ping_timeout";
        case DisconnectKind::closed: return "closed";
    }
    return "unknown";
}

std::string to_string(const DisconnectReason& reason) {
    std::string text(to_string(reason.kind));
    if (!reason.detail.empty()) {
        text += "(" + reason.detail + ")";
    }
    return text;
}

}  // namespace jicofo::xmpp
