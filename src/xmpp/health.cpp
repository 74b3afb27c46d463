// Health of the client connection for /about/health.
#include "jicofo/xmpp/health.hpp"

namespace jicofo::xmpp {

health::HealthResult health_of(const std::string& name, const ConnectionStatus& status) {
    if (status.state == ConnectionState::connected) {
        return health::HealthResult::ok();
    }
    std::string message = "XMPP connection '" + name + "' is " + std::string(to_string(status.state));
    if (status.last_reason.kind != DisconnectKind::none) {
        message += ": " + to_string(status.last_reason);
    }
    return health::HealthResult::soft_failure(std::move(message));
}

health::HealthCheck make_health_check(const std::shared_ptr<XmppConnection>& connection) {
    return [weak = std::weak_ptr<XmppConnection>(connection)](const health::CheckCompletion& complete) {
        auto strong = weak.lock();
        if (!strong) {
            complete(health::HealthResult::soft_failure("XMPP connection is gone"));
            return;
        }
        complete(health_of(strong->settings().name, strong->status()));
    };
}

}  // namespace jicofo::xmpp
