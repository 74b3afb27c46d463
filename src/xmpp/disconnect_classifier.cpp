// Disconnect reasons from libstrophe 0.12's log lines. The strings matched here are libstrophe's own messages
// (src/auth.c, src/event.c, src/conn.c, src/tls_openssl.c); the unit test pins them.
#include "jicofo/xmpp/disconnect_classifier.hpp"

#include <charconv>
#include <cstring>

namespace jicofo::xmpp {

namespace {

bool starts_with(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}
bool contains(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

}  // namespace

void DisconnectClassifier::reset() {
    *this = DisconnectClassifier{};
}

void DisconnectClassifier::on_log(std::string_view area, std::string_view message) {
    // Stanza dumps are the bulk of the log; skip them before any other comparison.
    if (starts_with(message, "SENT:") || starts_with(message, "RECV:")) {
        return;
    }
    if ((starts_with(message, "SASL ") && contains(message, " auth failed")) ||
        starts_with(message, "Cannot authenticate") || contains(message, "SASL ANONYMOUS unsupported") ||
        starts_with(message, "Legacy client authentication failed")) {
        auth_failed_ = true;
    } else if (starts_with(message, "connection failed, error ")) {
        int code = 0;
        const auto digits = message.substr(std::strlen("connection failed, error "));
        std::from_chars(digits.data(), digits.data() + digits.size(), code);
        connect_errno_ = code;
    } else if (starts_with(message, "Connection attempt timed out")) {
        connect_timed_out_ = true;
    } else if (starts_with(message, "Couldn't start TLS!") ||
               (area == "tls" && (starts_with(message, "Certificate verification FAILED") ||
                                  starts_with(message, "No certfail handler set")))) {
        tls_failed_ = true;
        if (tls_detail_.empty() && starts_with(message, "Certificate verification FAILED")) {
            const auto pos = message.find("result=");
            tls_detail_ = std::string(pos == std::string_view::npos ? message : message.substr(pos + 7));
        }
    } else if (starts_with(message, "TLS is not supported, but set as mandatory")) {
        tls_failed_ = true;
        tls_detail_ = "server does not offer STARTTLS";
    } else if (starts_with(message, "Session resumed successfully")) {
        resumed_ = true;
    } else if (starts_with(message, "Socket closed by remote host")) {
        closed_by_server_ = true;
    }
}

void DisconnectClassifier::on_certificate_rejected(std::string_view error) {
    tls_failed_ = true;
    tls_detail_ = std::string(error);
}

void DisconnectClassifier::set_local_reason(DisconnectReason reason) {
    if (!local_) {
        local_ = std::move(reason);
    }
}

DisconnectReason DisconnectClassifier::classify(int error, const std::optional<std::string>& stream_condition) const {
    if (local_) {
        return *local_;
    }
    if (auth_failed_) {
        return {DisconnectKind::auth_failed, {}};
    }
    if (stream_condition) {
        return {DisconnectKind::stream_error, *stream_condition};
    }
    if (tls_failed_) {
        return {DisconnectKind::tls_failed, tls_detail_};
    }
    if (connect_errno_) {
        return {DisconnectKind::connection_refused, std::strerror(*connect_errno_)};
    }
    if (connect_timed_out_) {
        return {DisconnectKind::connection_refused, "connect timed out"};
    }
    if (closed_by_server_) {
        return {DisconnectKind::closed, "closed by server"};
    }
    return {DisconnectKind::closed, error != 0 ? std::strerror(error) : std::string()};
}

}  // namespace jicofo::xmpp
