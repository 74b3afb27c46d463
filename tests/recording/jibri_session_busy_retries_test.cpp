// Busy-retries (jicofo.jibri.busy-retries, Jicofo PR 1288): a start that finds every Jibri busy is answered at once
// and shown pending, selection is tried again every busy-retry-delay, and the session ends busy when none freed up.
#include "jibri_session_fixture.hpp"

namespace jicofo::recording {
namespace {

using namespace std::chrono_literals;
using stanza::ErrorCondition;
using stanza::JibriAction;
using stanza::JibriFailureReason;
using stanza::JibriStatusValue;
using testing::JibriSessionTest;
using testing::pending;
using testing::status;

class JibriBusyRetriesTest : public JibriSessionTest {
protected:
    // Every Jibri busy at the start, `busy_retries` selections more allowed, `num_retries` after a Jibri failure.
    void start_busy(int busy_retries, int num_retries = 2) {
        settings.busy_retries = busy_retries;
        settings.busy_retry_delay = 5s;
        session({}, num_retries);
        start();
    }
    // Fires the newest timer, which must be a busy-retry wait.
    void wait_elapses() {
        ASSERT_FALSE(port.timers.empty());
        ASSERT_EQ(port.timers.back().first, 5s);
        auto fn = port.timers.back().second;
        fn();
    }
};

TEST_F(JibriBusyRetriesTest, AllBusyAnswersTheClientAtOnceAndShowsPending) {
    start_busy(3);
    ASSERT_EQ(answers.size(), 1U);
    EXPECT_EQ(answers[0].value(), "s1");
    EXPECT_EQ(statuses(), (std::vector<JibriStatusValue>{JibriStatusValue::pending}));
    EXPECT_TRUE(port.sent.empty());
    EXPECT_TRUE(made->active());
    ASSERT_EQ(port.timers.size(), 1U);
    EXPECT_EQ(port.timers[0].first, 5s);
    EXPECT_EQ(port.selections, 1);
    EXPECT_TRUE(port.session_failures.empty());
}

TEST_F(JibriBusyRetriesTest, AJibriThatFreesUpIsStartedAfterTheDelay) {
    start_busy(3);
    wait_elapses();
    EXPECT_EQ(port.selections, 2);
    ASSERT_EQ(port.timers.size(), 2U) << "still busy: another wait";
    port.instances = {"jibri1"};
    wait_elapses();
    EXPECT_EQ(port.selections, 3);
    ASSERT_EQ(port.sent.size(), 1U);
    EXPECT_EQ(port.sent[0].jibri, "jibri1");
    EXPECT_EQ(port.sent[0].iq.action, JibriAction::start);
    port.sent[0].done(pending());
    ASSERT_TRUE(made->jibri_status("jibri1", status(JibriStatusValue::on)));
    // Pending was shown once, while waiting; the Jibri's own pending is no news.
    EXPECT_EQ(statuses(), (std::vector<JibriStatusValue>{JibriStatusValue::pending, JibriStatusValue::on}));
    EXPECT_EQ(answers.size(), 1U);
    EXPECT_EQ(made->retries(), 0) << "busy retries do not count against num-retries";
    EXPECT_TRUE(port.session_failures.empty());
}

TEST_F(JibriBusyRetriesTest, WhenTheBusyRetriesRunOutTheSessionIsOffBusy) {
    start_busy(2);
    wait_elapses();
    wait_elapses();
    EXPECT_EQ(port.selections, 3) << "the first selection and two busy retries";
    EXPECT_EQ(port.timers.size(), 2U);
    EXPECT_FALSE(made->active());
    ASSERT_EQ(port.statuses.size(), 2U);
    EXPECT_EQ(port.statuses[1].status, JibriStatusValue::off);
    EXPECT_EQ(port.statuses[1].failure_reason, JibriFailureReason::busy);
    EXPECT_EQ(port.session_failures, (std::vector<JibriFailure>{JibriFailure::all_busy}));
    EXPECT_EQ(answers.size(), 1U);
}

TEST_F(JibriBusyRetriesTest, NoJibriPresentDuringTheWaitEndsTheSessionWithAnError) {
    start_busy(3);
    port.present = false;
    wait_elapses();
    EXPECT_FALSE(made->active());
    ASSERT_EQ(port.statuses.size(), 2U);
    EXPECT_EQ(port.statuses[1].status, JibriStatusValue::off);
    EXPECT_EQ(port.statuses[1].failure_reason, JibriFailureReason::error);
    EXPECT_EQ(port.session_failures, (std::vector<JibriFailure>{JibriFailure::no_instance}));
}

TEST_F(JibriBusyRetriesTest, NoJibriPresentAtTheStartIsStillRefusedAtOnce) {
    port.present = false;
    start_busy(3);
    EXPECT_EQ(answers.at(0).error().condition, ErrorCondition::service_unavailable);
    EXPECT_TRUE(port.statuses.empty());
    EXPECT_TRUE(port.timers.empty());
    EXPECT_EQ(port.session_failures, (std::vector<JibriFailure>{JibriFailure::no_instance}));
}

TEST_F(JibriBusyRetriesTest, AStopDuringTheWaitEndsItAndNothingIsSent) {
    start_busy(3);
    port.instances = {"jibri1"};
    made->stop();
    EXPECT_FALSE(made->active());
    EXPECT_EQ(statuses(), (std::vector<JibriStatusValue>{JibriStatusValue::pending, JibriStatusValue::off}));
    EXPECT_FALSE(port.statuses.back().failure_reason);
    wait_elapses();
    EXPECT_EQ(port.selections, 1);
    EXPECT_TRUE(port.sent.empty());
    EXPECT_TRUE(port.session_failures.empty());
}

TEST_F(JibriBusyRetriesTest, AStopWhileABusyRetrySelectsIgnoresItsResult) {
    start_busy(3);
    port.defer_selections = true;
    wait_elapses();
    made->stop();
    port.answer_selection(std::string("jibri1"));
    EXPECT_TRUE(port.sent.empty());
    EXPECT_EQ(statuses(), (std::vector<JibriStatusValue>{JibriStatusValue::pending, JibriStatusValue::off}));
}

TEST_F(JibriBusyRetriesTest, TheJibriFoundLaterFollowsTheNormalRetryRules) {
    start_busy(3, 1);
    port.instances = {"jibri1", "jibri2"};
    wait_elapses();
    port.sent.at(0).done(JibriAnswer{JibriAnswer::Kind::error, std::nullopt});
    ASSERT_EQ(port.sent.size(), 2U);
    EXPECT_EQ(port.sent[1].jibri, "jibri2");
    EXPECT_EQ(made->retries(), 1);
    port.sent[1].done(JibriAnswer{JibriAnswer::Kind::error, std::nullopt});
    EXPECT_FALSE(made->active());
    EXPECT_EQ(port.statuses.back().status, JibriStatusValue::off);
    EXPECT_EQ(port.statuses.back().failure_reason, JibriFailureReason::error);
    EXPECT_EQ(port.session_failures, (std::vector<JibriFailure>{JibriFailure::start_refused}));
    EXPECT_EQ(port.failures, (std::vector<std::string>{"jibri1", "jibri2"}));
}

TEST_F(JibriBusyRetriesTest, AReplacementAfterAFailureDoesNotWaitForABusyPool) {
    port.instances = {"jibri1"};
    start_busy(3);
    port.sent.at(0).done(pending());
    ASSERT_TRUE(made->jibri_status("jibri1", status(JibriStatusValue::off, JibriFailureReason::error, true)));
    EXPECT_FALSE(made->active());
    ASSERT_EQ(port.timers.size(), 1U) << "only the pending timeout of the first attempt";
    EXPECT_EQ(port.timers[0].first, 90s);
    EXPECT_EQ(port.statuses.back().status, JibriStatusValue::off);
    EXPECT_EQ(port.statuses.back().failure_reason, JibriFailureReason::busy);
    EXPECT_EQ(port.session_failures, (std::vector<JibriFailure>{JibriFailure::all_busy}));
}

}  // namespace
}  // namespace jicofo::recording
