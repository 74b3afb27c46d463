// The reconnect delay policy: jittered exponential backoff with a cap, and a high floor after auth failures.
#pragma once

#include "jicofo/xmpp/connection_state.hpp"

#include <chrono>
#include <functional>

namespace jicofo::xmpp {

class ReconnectBackoff {
public:
    // Returns a value in [0, 1); tests pass a fixed one.
    using Random = std::function<double()>;

    ReconnectBackoff(std::chrono::milliseconds base, std::chrono::milliseconds cap,
                     std::chrono::milliseconds auth_failure_floor, Random random = {});

    // The delay before the next attempt after a failure or loss with this reason; advances the attempt count.
    std::chrono::milliseconds next(DisconnectKind reason);
    // After a successful connect.
    void reset() { attempt_ = 0; }
    [[nodiscard]] unsigned attempt() const { return attempt_; }

private:
    std::chrono::milliseconds base_;
    std::chrono::milliseconds cap_;
    std::chrono::milliseconds auth_floor_;
    Random random_;
    unsigned attempt_ = 0;
};

}  // namespace jicofo::xmpp
