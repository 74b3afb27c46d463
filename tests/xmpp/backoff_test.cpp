// Reconnect backoff: growth, cap, jitter bounds and the floor after authentication failures.
#include "jicofo/xmpp/backoff.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;
using jicofo::xmpp::DisconnectKind;
using jicofo::xmpp::ReconnectBackoff;

TEST(ReconnectBackoff, DoublesFromTheBaseUpToTheCap) {
    ReconnectBackoff backoff(500ms, 30s, 10s, [] { return 0.999999; });
    std::vector<long long> delays;
    for (int i = 0; i < 9; ++i) {
        delays.push_back(backoff.next(DisconnectKind::closed).count());
    }
    EXPECT_EQ(delays, (std::vector<long long>{499, 999, 1999, 3999, 7999, 15999, 29999, 29999, 29999}));
}

TEST(ReconnectBackoff, JitterStaysWithinHalfAndFullDelay) {
    ReconnectBackoff low(1s, 30s, 10s, [] { return 0.0; });
    EXPECT_EQ(low.next(DisconnectKind::connection_refused), 500ms);
    EXPECT_EQ(low.next(DisconnectKind::connection_refused), 1000ms);
    ReconnectBackoff mid(1s, 30s, 10s, [] { return 0.5; });
    EXPECT_EQ(mid.next(DisconnectKind::connection_refused), 750ms);
}

TEST(ReconnectBackoff, AuthFailureStartsHigh) {
    ReconnectBackoff backoff(500ms, 30s, 10s, [] { return 0.0; });
    EXPECT_EQ(backoff.next(DisconnectKind::auth_failed), 10s);
    EXPECT_EQ(backoff.next(DisconnectKind::auth_failed), 10s);
    for (int i = 0; i < 10; ++i) {
        backoff.next(DisconnectKind::auth_failed);
    }
    EXPECT_EQ(backoff.next(DisconnectKind::auth_failed), 15s);  // cap 30 s jittered to its lower half
}

TEST(ReconnectBackoff, ResetAfterSuccess) {
    ReconnectBackoff backoff(200ms, 30s, 10s, [] { return 0.999999; });
    backoff.next(DisconnectKind::closed);
    backoff.next(DisconnectKind::closed);
    EXPECT_EQ(backoff.attempt(), 2U);
    backoff.reset();
    EXPECT_EQ(backoff.next(DisconnectKind::closed), 199ms);
}

TEST(ReconnectBackoff, DefaultRandomSourceStaysInBounds) {
    ReconnectBackoff backoff(1s, 4s, 2s);
    for (int i = 0; i < 50; ++i) {
        const auto delay = backoff.next(DisconnectKind::closed);
        EXPECT_GE(delay, 500ms);
        EXPECT_LE(delay, 4s);
    }
}
