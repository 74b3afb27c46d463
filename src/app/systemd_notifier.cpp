// sd_notify(3) messages; libsystemd ignores them when $NOTIFY_SOCKET is unset.
#include "jicofo/app/systemd_notifier.hpp"

#include <systemd/sd-daemon.h>

#include <unistd.h>

#include <cstdlib>

namespace jicofo::app {

SystemdNotifier::SystemdNotifier() {
    const char* socket = std::getenv("NOTIFY_SOCKET");
    under_systemd_ = socket != nullptr && *socket != '\0';
    uint64_t watchdog_usec = 0;
    if (sd_watchdog_enabled(0, &watchdog_usec) > 0 && watchdog_usec > 0) {
        watchdog_interval_ = std::chrono::microseconds(watchdog_usec / 2);
    }
}

void SystemdNotifier::ready(const std::string& status) const {
    if (under_systemd_) {
        sd_notifyf(0, "READY=1\nSTATUS=%s\nMAINPID=%lu", status.c_str(), static_cast<unsigned long>(getpid()));
    }
}

void SystemdNotifier::stopping(const std::string& status) const {
    if (under_systemd_) {
        sd_notifyf(0, "STOPPING=1\nSTATUS=%s", status.c_str());
    }
}

void SystemdNotifier::watchdog_ping() const {
    if (under_systemd_) {
        sd_notify(0, "WATCHDOG=1");
    }
}

void SystemdNotifier::status(const std::string& status) const {
    if (under_systemd_) {
        sd_notifyf(0, "STATUS=%s", status.c_str());
    }
}

}  // namespace jicofo::app
