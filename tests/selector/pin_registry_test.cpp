// PinRegistry: pins by conference with expiry, replaced by a new pin, removed by unpin or a zero duration.
#include "jicofo/selector/pin_registry.hpp"

#include "selector/selector_test_util.hpp"

#include <gtest/gtest.h>

namespace jicofo::selector {
namespace {

using namespace testing;

const std::string kRoom = "room@conference.meet.test";

TEST(PinRegistry, APinHoldsUntilItExpires) {
    ManualClock clock;
    PinRegistry pins;
    EXPECT_EQ(pins.get(kRoom, clock.now), std::nullopt);
    pins.pin(kRoom, "2.3-100", 10min, clock.now);
    EXPECT_EQ(pins.get(kRoom, clock.now), "2.3-100");
    EXPECT_EQ(pins.get("other@conference.meet.test", clock.now), std::nullopt);
    clock.advance(10min - 1s);
    EXPECT_EQ(pins.get(kRoom, clock.now), "2.3-100");
    clock.advance(1s);
    EXPECT_EQ(pins.get(kRoom, clock.now), std::nullopt);
    EXPECT_TRUE(pins.list(clock.now).empty());
}

TEST(PinRegistry, ListShowsLivePinsByConference) {
    ManualClock clock;
    PinRegistry pins;
    pins.pin("b@conference.meet.test", "2.4", 5min, clock.now);
    pins.pin("a@conference.meet.test", "2.3", 1min, clock.now);
    auto list = pins.list(clock.now);
    ASSERT_EQ(list.size(), 2U);
    EXPECT_EQ(list[0], (Pin{"a@conference.meet.test", "2.3", clock.now + 1min}));
    EXPECT_EQ(list[1], (Pin{"b@conference.meet.test", "2.4", clock.now + 5min}));
    clock.advance(2min);
    list = pins.list(clock.now);
    ASSERT_EQ(list.size(), 1U);
    EXPECT_EQ(list[0].conference_id, "b@conference.meet.test");
}

TEST(PinRegistry, PinningAgainReplacesVersionAndExpiry) {
    ManualClock clock;
    PinRegistry pins;
    pins.pin(kRoom, "2.3", 1min, clock.now);
    pins.pin(kRoom, "2.4", 30min, clock.now);
    clock.advance(5min);
    EXPECT_EQ(pins.get(kRoom, clock.now), "2.4");
    EXPECT_EQ(pins.size(), 1U);
}

TEST(PinRegistry, UnpinAndZeroDurationRemove) {
    ManualClock clock;
    PinRegistry pins;
    pins.pin(kRoom, "2.3", 1min, clock.now);
    EXPECT_TRUE(pins.unpin(kRoom));
    EXPECT_FALSE(pins.unpin(kRoom));
    EXPECT_EQ(pins.get(kRoom, clock.now), std::nullopt);
    pins.pin(kRoom, "2.3", 1min, clock.now);
    pins.pin(kRoom, "2.3", 0s, clock.now);
    EXPECT_EQ(pins.get(kRoom, clock.now), std::nullopt);
    pins.pin(kRoom, "2.3", -5s, clock.now);
    EXPECT_EQ(pins.size(), 0U);
}

TEST(PinRegistry, PruneForgetsExpiredPins) {
    ManualClock clock;
    PinRegistry pins;
    pins.pin("a@c", "1", 1min, clock.now);
    pins.pin("b@c", "1", 5min, clock.now);
    clock.advance(2min);
    EXPECT_EQ(pins.size(), 2U) << "expired pins are ignored, not yet forgotten";
    pins.prune(clock.now);
    EXPECT_EQ(pins.size(), 1U);
}

}  // namespace
}  // namespace jicofo::selector
