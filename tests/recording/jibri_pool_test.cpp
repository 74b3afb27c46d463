// Jibri selection as Jicofo's JibriDetector does it: only available instances not selected in the last 200 ms and
// not failed in the last minute, the one that failed longest ago first; an available presence clears a failure;
// no instance at all and none available are told apart.
#include "jicofo/recording/jibri_pool.hpp"

#include <gtest/gtest.h>

namespace jicofo::recording {
namespace {

using namespace std::chrono_literals;

const TimePoint kT0 = TimePoint{} + 24h;

TEST(JibriPool, NoInstanceAtAllIsToldApartFromNoneAvailable) {
    JibriPool pool;
    auto none = pool.select(kT0);
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error(), NoJibri::none_present);
    pool.update("jibri1", false);
    auto busy = pool.select(kT0);
    ASSERT_FALSE(busy);
    EXPECT_EQ(busy.error(), NoJibri::none_available);
    EXPECT_EQ(pool.size(), 1U);
    EXPECT_EQ(pool.available(), 0U);
}

TEST(JibriPool, AnInstanceIsNotSelectedAgainWithin200Ms) {
    JibriPool pool;
    pool.update("jibri1", true);
    ASSERT_EQ(pool.select(kT0).value(), "jibri1");
    // It has not re-published busy yet; a second request right after must not get it as well.
    EXPECT_FALSE(pool.select(kT0 + 199ms));
    EXPECT_EQ(pool.select(kT0 + 200ms).value(), "jibri1");
}

TEST(JibriPool, AFailedInstanceSitsOutAMinuteAndTheOldestFailureIsPreferred) {
    JibriPool pool;
    pool.update("jibri1", true);
    pool.update("jibri2", true);
    pool.failed("jibri1", kT0);
    pool.failed("jibri2", kT0 + 10s);
    EXPECT_FALSE(pool.select(kT0 + 30s)) << "both failed within the minute";
    EXPECT_EQ(pool.select(kT0 + 61s).value(), "jibri1") << "jibri1 failed longest ago";
    EXPECT_FALSE(pool.select(kT0 + 61s + 100ms)) << "jibri1 was just selected, jibri2 failed 51 s ago";
    // Selecting does not clear a failure: jibri1's is still the oldest, so it stays first (as in Jicofo).
    EXPECT_EQ(pool.select(kT0 + 62s).value(), "jibri1");
    pool.update("jibri1", false);  // now busy with that session
    EXPECT_EQ(pool.select(kT0 + 71s).value(), "jibri2");
}

TEST(JibriPool, AnInstanceThatNeverFailedComesBeforeOneThatDid) {
    JibriPool pool;
    pool.update("a-failed", true);
    pool.update("b-fresh", true);
    pool.failed("a-failed", kT0);
    EXPECT_EQ(pool.select(kT0 + 5min).value(), "b-fresh");
}

TEST(JibriPool, AnAvailablePresenceClearsTheFailure) {
    JibriPool pool;
    pool.update("jibri1", true);
    pool.failed("jibri1", kT0);
    EXPECT_FALSE(pool.select(kT0 + 1s));
    pool.update("jibri1", false);  // busy: the failure stays
    pool.update("jibri1", true);   // idle and healthy again: Jibri says it is fine
    EXPECT_EQ(pool.select(kT0 + 2s).value(), "jibri1");
}

TEST(JibriPool, RemovedAndFailedUnknownInstancesAreGoneOrIgnored) {
    JibriPool pool;
    pool.update("jibri1", true);
    pool.failed("stranger", kT0);
    pool.remove("jibri1");
    EXPECT_FALSE(pool.contains("jibri1"));
    EXPECT_FALSE(pool.contains("stranger"));
    EXPECT_EQ(pool.select(kT0).error(), NoJibri::none_present);
}

TEST(JibriPool, NewInstancesPastTheCapAreRefused) {
    JibriPool pool;
    for (std::size_t i = 0; i < JibriPool::kMaxInstances; ++i) {
        ASSERT_TRUE(pool.update("jibri" + std::to_string(i), false));
    }
    EXPECT_FALSE(pool.update("one-too-many", true));
    EXPECT_TRUE(pool.update("jibri0", true)) << "a known instance is still updated";
    EXPECT_EQ(pool.available(), 1U);
    const auto views = pool.snapshot();
    EXPECT_EQ(views.size(), JibriPool::kMaxInstances);
}

}  // namespace
}  // namespace jicofo::recording
