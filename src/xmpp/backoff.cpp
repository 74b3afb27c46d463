// Reconnect delays: exponential from a base, capped, jittered so that many focus instances restarting with one
// Prosody do not reconnect in lock step; never short after an authentication failure.
#include "jicofo/xmpp/backoff.hpp"

#include <algorithm>
#include <random>

namespace jicofo::xmpp {

ReconnectBackoff::ReconnectBackoff(std::chrono::milliseconds base, std::chrono::milliseconds cap,
                                   std::chrono::milliseconds auth_failure_floor, Random random)
    : base_(std::max(base, std::chrono::milliseconds(1))),
      cap_(std::max(cap, base_)),
      auth_floor_(std::min(auth_failure_floor, cap_)),
      random_(std::move(random)) {
    if (!random_) {
        random_ = [engine = std::mt19937_64(std::random_device{}())]() mutable {
            return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
        };
    }
}

std::chrono::milliseconds ReconnectBackoff::next(DisconnectKind reason) {
    // 2^20 · base is beyond any sensible cap; stop doubling there to avoid overflow.
    const unsigned exponent = std::min(attempt_, 20U);
    ++attempt_;
    auto delay = std::min<std::chrono::milliseconds>(cap_, base_ * (1LL << exponent));
    // Jitter in [50 %, 100 %] of the exponential value: spread, but still growing.
    const double factor = 0.5 + 0.5 * std::clamp(random_(), 0.0, 1.0);
    delay = std::chrono::milliseconds(static_cast<long long>(static_cast<double>(delay.count()) * factor));
    if (reason == DisconnectKind::auth_failed) {
        delay = std::max(delay, auth_floor_);
    }
    return std::max(delay, std::chrono::milliseconds(1));
}

}  // namespace jicofo::xmpp
