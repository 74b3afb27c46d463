// Tells systemd (Type=notify) when jicofo is ready, stopping, and still alive (watchdog).
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace jicofo::app {

class SystemdNotifier {
public:
    // Reads $NOTIFY_SOCKET and $WATCHDOG_USEC; outside systemd every call is a no-op.
    SystemdNotifier();

    [[nodiscard]] bool under_systemd() const { return under_systemd_; }
    // How often to ping the watchdog (half of WatchdogSec), when systemd asked for pings.
    [[nodiscard]] std::optional<std::chrono::microseconds> watchdog_ping_interval() const { return watchdog_interval_; }

    void ready(const std::string& status) const;
    void stopping(const std::string& status) const;
    void watchdog_ping() const;
    void status(const std::string& status) const;

private:
    bool under_systemd_ = false;
    std::optional<std::chrono::microseconds> watchdog_interval_;
};

}  // namespace jicofo::app
