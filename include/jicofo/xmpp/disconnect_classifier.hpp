// Tells why a libstrophe connection ended. The disconnect callback reports error=0 both for a wrong password and a
// refused connection, so the reason is learned from libstrophe's log lines during the attempt, the certificate
// callback, stream errors and our own decisions (ping timeout, stop).
#pragma once

#include "jicofo/xmpp/connection_state.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace jicofo::xmpp {

class DisconnectClassifier {
public:
    // Starts a new connection attempt: forgets everything seen before.
    void reset();

    // Every libstrophe log line (area is "xmpp", "tls", "auth", "conn"...).
    void on_log(std::string_view area, std::string_view message);
    void on_certificate_rejected(std::string_view error);
    // A reason decided locally (ping timeout, stop) wins over what the socket says afterwards.
    void set_local_reason(DisconnectReason reason);

    // True when the session of this attempt was an XEP-0198 resumption ("Session resumed successfully.").
    [[nodiscard]] bool resumed() const { return resumed_; }

    // The reason for a disconnect with libstrophe's `error` (an errno or TLS error, often 0) and the condition of a
    // stream error, if the server sent one.
    [[nodiscard]] DisconnectReason classify(int error, const std::optional<std::string>& stream_condition) const;

private:
    bool auth_failed_ = false;
    bool tls_failed_ = false;
    bool resumed_ = false;
    std::optional<int> connect_errno_;
    bool connect_timed_out_ = false;
    bool closed_by_server_ = false;
    std::string tls_detail_;
    std::optional<DisconnectReason> local_;
};

}  // namespace jicofo::xmpp
