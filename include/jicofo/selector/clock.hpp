// Time for the selector's pure logic: callers pass `now` explicitly, owners read it from an injectable clock so that
// tests drive failure thresholds, ramp-up windows and pin expiry by hand.
#pragma once

#include <chrono>
#include <functional>

namespace jicofo::selector {

using TimePoint = std::chrono::steady_clock::time_point;
using Duration = std::chrono::steady_clock::duration;
using Clock = std::function<TimePoint()>;

inline Clock steady_clock() {
    return [] { return std::chrono::steady_clock::now(); };
}

}  // namespace jicofo::selector
