// The delivery state of one URL with time passed in: order within a conference, independence of conferences,
// exponential backoff, giving up, the queue cap and its drop counter, the in-flight cap.
#include "jicofo/webhooks/outbox.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace jicofo::webhooks {
namespace {

using namespace std::chrono_literals;

std::shared_ptr<const Delivery> event(const std::string& lane, const std::string& id) {
    auto delivery = std::make_shared<Delivery>();
    delivery->lane = lane;
    delivery->id = id;
    return delivery;
}

std::vector<std::string> ids(const std::vector<Outbox::Attempt>& attempts) {
    std::vector<std::string> out;
    for (const auto& attempt : attempts) {
        out.push_back(attempt.delivery->id);
    }
    return out;
}

using Ids = std::vector<std::string>;

class OutboxTest : public ::testing::Test {
protected:
    RetryPolicy policy{3, 1s, 5s};
    Clock::time_point t0 = Clock::time_point{} + 1h;
};

TEST(RetryPolicyTest, BackoffDoublesUpToTheMaximum) {
    const RetryPolicy policy{10, 1s, 10s};
    EXPECT_EQ(policy.backoff(1), 1s);
    EXPECT_EQ(policy.backoff(2), 2s);
    EXPECT_EQ(policy.backoff(3), 4s);
    EXPECT_EQ(policy.backoff(4), 8s);
    EXPECT_EQ(policy.backoff(5), 10s);
    EXPECT_EQ(policy.backoff(1000), 10s);
    EXPECT_FALSE(policy.exhausted(10));
    EXPECT_TRUE(policy.exhausted(11));
    EXPECT_FALSE((RetryPolicy{-1, 1s, 1s}.exhausted(1000000)));
}

TEST_F(OutboxTest, AConferencesEventsGoOneAtATimeInOrder) {
    Outbox outbox(policy, 100, 8);
    outbox.push(event("a", "a1"));
    outbox.push(event("a", "a2"));
    outbox.push(event("a", "a3"));
    EXPECT_EQ(ids(outbox.take_due(t0)), Ids{"a1"});
    EXPECT_TRUE(outbox.take_due(t0).empty()) << "a2 waits for a1";
    EXPECT_EQ(outbox.finish("a", true, t0), Outbox::Outcome::delivered);
    EXPECT_EQ(ids(outbox.take_due(t0)), Ids{"a2"});
    outbox.finish("a", true, t0);
    EXPECT_EQ(ids(outbox.take_due(t0)), Ids{"a3"});
    outbox.finish("a", true, t0);
    EXPECT_EQ(outbox.depth(), 0U);
    EXPECT_EQ(outbox.lanes(), 0U);
    EXPECT_EQ(outbox.counters().delivered, 3U);
}

TEST_F(OutboxTest, ConferencesDoNotWaitForEachOther) {
    Outbox outbox(policy, 100, 8);
    outbox.push(event("a", "a1"));
    outbox.push(event("b", "b1"));
    outbox.push(event("", "bridge1"));
    EXPECT_EQ(ids(outbox.take_due(t0)), (Ids{"a1", "b1", "bridge1"}));
    // a1 fails and backs off; b's next event goes meanwhile.
    outbox.push(event("a", "a2"));
    outbox.push(event("b", "b2"));
    EXPECT_EQ(outbox.finish("a", false, t0), Outbox::Outcome::retry_later);
    outbox.finish("b", true, t0);
    EXPECT_EQ(ids(outbox.take_due(t0)), Ids{"b2"});
}

TEST_F(OutboxTest, AFailedEventIsRetriedAfterAGrowingBackoffAndBlocksItsConference) {
    Outbox outbox(policy, 100, 8);
    outbox.push(event("a", "a1"));
    outbox.push(event("a", "a2"));
    auto first = outbox.take_due(t0);
    ASSERT_EQ(first.size(), 1U);
    EXPECT_EQ(first[0].attempt, 1);
    outbox.finish("a", false, t0);
    EXPECT_EQ(outbox.next_retry(), t0 + 1s);
    EXPECT_TRUE(outbox.take_due(t0 + 999ms).empty());
    auto second = outbox.take_due(t0 + 1s);
    ASSERT_EQ(ids(second), Ids{"a1"}) << "a2 never overtakes a1";
    EXPECT_EQ(second[0].attempt, 2);
    outbox.finish("a", false, t0 + 1s);
    EXPECT_EQ(outbox.next_retry(), t0 + 3s);  // 2 s after the second failure
    EXPECT_EQ(ids(outbox.take_due(t0 + 3s)), Ids{"a1"});
    outbox.finish("a", true, t0 + 3s);
    EXPECT_EQ(ids(outbox.take_due(t0 + 3s)), Ids{"a2"});
    EXPECT_EQ(outbox.counters().failed_attempts, 2U);
    EXPECT_EQ(outbox.counters().delivered, 1U);
}

TEST_F(OutboxTest, AnEventIsGivenUpAfterMaxRetriesAndTheNextOneGoes) {
    Outbox outbox(policy, 100, 8);  // 3 retries: 4 attempts
    outbox.push(event("a", "a1"));
    outbox.push(event("a", "a2"));
    auto now = t0;
    for (int attempt = 1; attempt <= 4; ++attempt) {
        auto due = outbox.take_due(now);
        ASSERT_EQ(ids(due), Ids{"a1"}) << attempt;
        EXPECT_EQ(due[0].attempt, attempt);
        const auto outcome = outbox.finish("a", false, now);
        EXPECT_EQ(outcome, attempt < 4 ? Outbox::Outcome::retry_later : Outbox::Outcome::given_up) << attempt;
        now += 10s;
    }
    auto next = outbox.take_due(now);
    ASSERT_EQ(ids(next), Ids{"a2"});
    EXPECT_EQ(next[0].attempt, 1) << "the count starts again for the next event";
    EXPECT_EQ(outbox.counters().given_up, 1U);
    EXPECT_EQ(outbox.counters().failed_attempts, 4U);
}

TEST_F(OutboxTest, TheQueueIsBoundedAndDropsAreCounted) {
    Outbox outbox(policy, 3, 8);
    EXPECT_TRUE(outbox.push(event("a", "1")));
    EXPECT_TRUE(outbox.push(event("b", "2")));
    EXPECT_TRUE(outbox.push(event("a", "3")));
    EXPECT_FALSE(outbox.push(event("c", "4")));
    EXPECT_FALSE(outbox.push(event("a", "5")));
    EXPECT_EQ(outbox.depth(), 3U);
    EXPECT_EQ(outbox.counters().dropped, 2U);
    // An event in flight still counts until it is delivered; then there is room again.
    (void)outbox.take_due(t0);
    EXPECT_FALSE(outbox.push(event("d", "6")));
    outbox.finish("b", true, t0);
    EXPECT_TRUE(outbox.push(event("d", "7")));
    EXPECT_EQ(outbox.counters().dropped, 3U);
}

TEST_F(OutboxTest, AttemptsInFlightAreCappedAndLanesTakeTurns) {
    Outbox outbox(policy, 100, 2);
    for (const auto* lane : {"a", "b", "c", "d"}) {
        outbox.push(event(lane, std::string(lane) + "1"));
    }
    EXPECT_EQ(ids(outbox.take_due(t0)), (Ids{"a1", "b1"}));
    EXPECT_EQ(outbox.in_flight(), 2U);
    outbox.push(event("a", "a2"));
    outbox.finish("a", true, t0);
    // c and d were ready before a's next event.
    EXPECT_EQ(ids(outbox.take_due(t0)), Ids{"c1"});
    outbox.finish("b", true, t0);
    outbox.finish("c", true, t0);
    EXPECT_EQ(ids(outbox.take_due(t0)), (Ids{"d1", "a2"}));
}

TEST_F(OutboxTest, RetryingForEverNeverGivesUp) {
    Outbox outbox(RetryPolicy{-1, 1s, 2s}, 10, 8);
    outbox.push(event("a", "a1"));
    auto now = t0;
    for (int attempt = 1; attempt <= 50; ++attempt) {
        ASSERT_EQ(ids(outbox.take_due(now)), Ids{"a1"}) << attempt;
        EXPECT_EQ(outbox.finish("a", false, now), Outbox::Outcome::retry_later);
        EXPECT_LE(*outbox.next_retry() - now, 2s);
        now += 2s;
    }
    EXPECT_EQ(outbox.counters().given_up, 0U);
}

TEST_F(OutboxTest, AResultForALaneNotSendingChangesNothing) {
    Outbox outbox(policy, 10, 8);
    outbox.push(event("a", "a1"));
    EXPECT_EQ(outbox.finish("a", true, t0), Outbox::Outcome::given_up);
    EXPECT_EQ(outbox.finish("zz", true, t0), Outbox::Outcome::given_up);
    EXPECT_EQ(outbox.depth(), 1U);
    EXPECT_EQ(outbox.counters().delivered, 0U);
}

}  // namespace
}  // namespace jicofo::webhooks
