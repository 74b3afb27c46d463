// A Jibri session driven by hand through a fake port: the start the Jibri gets, the client's answer, pending then
// on, the pending timeout, retries on another instance (errors, timeouts, busy, failures with should_retry, an
// instance leaving), the limit of retries (none below zero), stop (also while the pool is still selecting), and the
// cause a failed session is reported with.
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

TEST_F(JibriSessionTest, AFileRecordingStartsPendingThenOn) {
    port.instances = {"jibri1"};
    session();
    start();
    ASSERT_EQ(port.sent.size(), 1U);
    const auto& iq = port.sent[0].iq;
    EXPECT_EQ(port.sent[0].jibri, "jibri1");
    EXPECT_EQ(iq.action, JibriAction::start);
    EXPECT_EQ(iq.session_id, std::optional<std::string>("s1"));
    EXPECT_EQ(iq.room->to_string(), "room1@conference.meet.test");
    EXPECT_EQ(iq.recording_mode, stanza::JibriRecordingMode::file);
    EXPECT_FALSE(iq.stream_id);
    EXPECT_EQ(iq.rtcstats_enabled, std::optional<bool>(false));
    EXPECT_TRUE(answers.empty()) << "the client is answered when the Jibri took the start";

    port.sent[0].done(pending());
    ASSERT_EQ(answers.size(), 1U);
    EXPECT_EQ(answers[0].value(), "s1");
    EXPECT_TRUE(made->jibri_status("jibri1", status(JibriStatusValue::on)));
    EXPECT_EQ(statuses(), (std::vector<JibriStatusValue>{JibriStatusValue::pending, JibriStatusValue::on}));
    // The pending timeout no longer matters once it is on.
    port.timers.at(0).second();
    EXPECT_EQ(port.sent.size(), 1U);
    EXPECT_TRUE(made->active());
}

TEST_F(JibriSessionTest, NoJibriAndAllBusyAreTheClientsErrors) {
    port.present = false;
    session();
    start();
    ASSERT_EQ(answers.size(), 1U);
    EXPECT_EQ(answers[0].error().condition, ErrorCondition::service_unavailable);
    EXPECT_EQ(port.session_failures, (std::vector<JibriFailure>{JibriFailure::no_instance}));
    port.present = true;
    answers.clear();
    port.session_failures.clear();
    session();
    start();
    EXPECT_EQ(answers.at(0).error().condition, ErrorCondition::resource_constraint);
    EXPECT_EQ(port.session_failures, (std::vector<JibriFailure>{JibriFailure::all_busy}));
    EXPECT_TRUE(port.statuses.empty());
    EXPECT_FALSE(made->active());
    EXPECT_TRUE(port.timers.empty()) << "without busy-retries nobody waits for a Jibri to free up";
}

TEST_F(JibriSessionTest, AnErrorATimeoutAndABusyAnswerAreRetriedOnAnotherInstance) {
    port.instances = {"jibri1", "jibri2", "jibri3"};
    session({}, 2);
    start();
    JibriAnswer busy;
    busy.iq = status(JibriStatusValue::off, JibriFailureReason::busy);
    port.sent[0].done(busy);
    ASSERT_EQ(port.sent.size(), 2U);
    EXPECT_EQ(port.sent[1].jibri, "jibri2");
    port.sent[1].done(JibriAnswer{JibriAnswer::Kind::timeout, std::nullopt});
    // A start that timed out is followed by a stop, in case that Jibri gets to the room after all.
    ASSERT_EQ(port.sent.size(), 4U);
    EXPECT_EQ(port.sent[2].jibri, "jibri2");
    EXPECT_EQ(port.sent[2].iq.action, JibriAction::stop);
    EXPECT_EQ(port.sent[3].jibri, "jibri3");
    EXPECT_EQ(port.failures, (std::vector<std::string>{"jibri1", "jibri2"}));
    port.sent[3].done(pending());
    EXPECT_EQ(answers.at(0).value(), "s1");
    EXPECT_EQ(made->retries(), 2);
}

TEST_F(JibriSessionTest, WhenEveryAttemptFailsTheClientHearsWhy) {
    port.instances = {"jibri1", "jibri2"};
    session({}, 1);
    start();
    port.sent[0].done(JibriAnswer{JibriAnswer::Kind::error, std::nullopt});
    port.sent[1].done(JibriAnswer{JibriAnswer::Kind::error, std::nullopt});
    ASSERT_EQ(answers.size(), 1U);
    EXPECT_EQ(answers[0].error().condition, ErrorCondition::internal_server_error);
    EXPECT_FALSE(made->active());
    EXPECT_TRUE(port.statuses.empty()) << "nothing was published, so nothing to take back";
    EXPECT_EQ(port.session_failures, (std::vector<JibriFailure>{JibriFailure::start_refused}));
}

TEST_F(JibriSessionTest, NoOnWithinThePendingTimeoutStopsThatJibriAndTriesAnother) {
    port.instances = {"jibri1", "jibri2"};
    session();
    start();
    port.sent[0].done(pending());
    ASSERT_EQ(port.timers.size(), 1U);
    EXPECT_EQ(port.timers[0].first, 90s);
    port.timers[0].second();
    ASSERT_EQ(port.sent.size(), 3U);
    EXPECT_EQ(port.sent[1].iq.action, JibriAction::stop);
    EXPECT_EQ(port.sent[1].jibri, "jibri1");
    EXPECT_EQ(port.sent[2].jibri, "jibri2");
    EXPECT_EQ(port.sent[2].iq.action, JibriAction::start);
    // The old attempt's answers and statuses no longer count.
    EXPECT_FALSE(made->jibri_status("jibri1", status(JibriStatusValue::on)));
}

TEST_F(JibriSessionTest, AFailureWithShouldRetryMovesTheSessionAndWithoutItEndsIt) {
    port.instances = {"jibri1", "jibri2"};
    session();
    start();
    port.sent[0].done(pending());
    ASSERT_TRUE(made->jibri_status("jibri1", status(JibriStatusValue::on)));
    ASSERT_TRUE(made->jibri_status("jibri1", status(JibriStatusValue::off, JibriFailureReason::error, true)));
    ASSERT_EQ(port.sent.back().jibri, "jibri2");
    port.sent.back().done(pending());
    ASSERT_TRUE(made->jibri_status("jibri2", status(JibriStatusValue::off, JibriFailureReason::error, false)));
    EXPECT_FALSE(made->active());
    ASSERT_FALSE(port.statuses.empty());
    EXPECT_EQ(port.statuses.back().status, JibriStatusValue::off);
    EXPECT_EQ(port.statuses.back().failure_reason, JibriFailureReason::error);
    EXPECT_EQ(port.session_failures, (std::vector<JibriFailure>{JibriFailure::jibri_failed}));
}

TEST_F(JibriSessionTest, AnInstanceLeavingMidSessionIsReplaced) {
    port.instances = {"jibri1", "jibri2"};
    session();
    start();
    port.sent[0].done(pending());
    made->jibri_left("someone-else");
    EXPECT_EQ(port.sent.size(), 1U);
    made->jibri_left("jibri1");
    EXPECT_EQ(port.sent.back().jibri, "jibri2");
    EXPECT_EQ(made->current_jibri(), std::optional<std::string>("jibri2"));
}

TEST_F(JibriSessionTest, StopSendsStopAndTheSessionIsOff) {
    port.instances = {"jibri1"};
    StartRequest stream;
    stream.mode = stanza::JibriRecordingMode::stream;
    stream.stream_id = "key";
    session(stream);
    start();
    EXPECT_EQ(port.sent[0].iq.stream_id, std::optional<std::string>("key"));
    port.sent[0].done(pending());
    made->stop();
    EXPECT_EQ(port.sent.back().iq.action, JibriAction::stop);
    EXPECT_EQ(port.sent.back().iq.session_id, std::optional<std::string>("s1"));
    EXPECT_EQ(statuses().back(), JibriStatusValue::off);
    EXPECT_FALSE(made->active());
    made->stop();  // twice is once
    EXPECT_EQ(port.sent.size(), 2U);
    EXPECT_TRUE(port.session_failures.empty()) << "a stop is not a failure";
}

TEST_F(JibriSessionTest, ASipCallCarriesTheAddressAndNoRecordingMode) {
    port.instances = {"sip1"};
    StartRequest call;
    call.kind = JibriKind::sip_gateway;
    call.sip_address = "sip:a@b.c";
    call.display_name = "Room";
    session(call);
    start();
    const auto& iq = port.sent.at(0).iq;
    EXPECT_EQ(iq.sip_address, std::optional<std::string>("sip:a@b.c"));
    EXPECT_EQ(iq.display_name, std::optional<std::string>("Room"));
    EXPECT_FALSE(iq.recording_mode);
}

TEST_F(JibriSessionTest, CallbacksAfterTheSessionIsGoneAreIgnored) {
    port.instances = {"jibri1"};
    session();
    start();
    made.reset();
    port.sent[0].done(pending());
    port.timers[0].second();
    EXPECT_TRUE(answers.empty());
    EXPECT_TRUE(port.statuses.empty());
}

TEST_F(JibriSessionTest, RetriesBelowZeroHaveNoLimit) {
    for (int i = 0; i < 12; ++i) {
        port.instances.push_back("jibri" + std::to_string(i));
    }
    session({}, -1);
    start();
    for (std::size_t i = 0; i < 11; ++i) {
        ASSERT_EQ(port.sent.size(), i + 1);
        port.sent[i].done(JibriAnswer{JibriAnswer::Kind::error, std::nullopt});
    }
    EXPECT_EQ(made->retries(), 11);
    EXPECT_TRUE(made->active());
    EXPECT_TRUE(answers.empty());
    EXPECT_TRUE(port.session_failures.empty());
    port.sent.back().done(pending());
    EXPECT_EQ(answers.at(0).value(), "s1");
}

TEST_F(JibriSessionTest, NoRetriesMeansTheFirstFailureIsFinal) {
    port.instances = {"jibri1", "jibri2"};
    session({}, 0);
    start();
    port.sent[0].done(JibriAnswer{JibriAnswer::Kind::error, std::nullopt});
    EXPECT_EQ(port.sent.size(), 1U);
    EXPECT_EQ(answers.at(0).error().condition, ErrorCondition::internal_server_error);
    EXPECT_EQ(port.session_failures, (std::vector<JibriFailure>{JibriFailure::start_refused}));
}

TEST_F(JibriSessionTest, TheStartWaitsForTheSelectionFromThePool) {
    port.defer_selections = true;
    session();
    start();
    EXPECT_EQ(port.selections, 1);
    EXPECT_TRUE(port.sent.empty());
    EXPECT_TRUE(made->active());
    port.answer_selection(std::string("jibri1"));
    ASSERT_EQ(port.sent.size(), 1U);
    EXPECT_EQ(port.sent[0].jibri, "jibri1");
    EXPECT_EQ(made->current_jibri(), std::optional<std::string>("jibri1"));
    port.sent[0].done(pending());
    EXPECT_EQ(answers.at(0).value(), "s1");
}

TEST_F(JibriSessionTest, AStopWhileThePoolIsSelectingSendsNothingToTheInstanceItSelects) {
    port.defer_selections = true;
    session();
    start();
    made->stop();
    EXPECT_FALSE(made->active());
    EXPECT_EQ(answers.at(0).error().condition, ErrorCondition::undefined_condition);
    EXPECT_EQ(statuses(), (std::vector<JibriStatusValue>{JibriStatusValue::off}));
    port.answer_selection(std::string("jibri1"));
    EXPECT_TRUE(port.sent.empty());
    EXPECT_TRUE(port.timers.empty());
    EXPECT_FALSE(made->current_jibri());
    EXPECT_TRUE(port.session_failures.empty());
}

TEST_F(JibriSessionTest, AStopWhileSelectingAReplacementIgnoresTheReplacement) {
    port.instances = {"jibri1"};
    session();
    start();
    port.sent[0].done(pending());
    ASSERT_TRUE(made->jibri_status("jibri1", status(JibriStatusValue::on)));
    port.defer_selections = true;
    ASSERT_TRUE(made->jibri_status("jibri1", status(JibriStatusValue::off, JibriFailureReason::error, true)));
    ASSERT_EQ(port.held_selections.size(), 1U);
    // Until a replacement is selected the failed instance is not this session's any more.
    EXPECT_FALSE(made->jibri_status("jibri1", status(JibriStatusValue::on)));
    made->stop();
    port.answer_selection(std::string("jibri2"));
    EXPECT_EQ(port.sent.size(), 1U) << "neither a stop to the failed instance nor a start to the replacement";
    EXPECT_EQ(statuses(),
              (std::vector<JibriStatusValue>{JibriStatusValue::pending, JibriStatusValue::on, JibriStatusValue::off}));
    EXPECT_TRUE(port.session_failures.empty());
}

TEST_F(JibriSessionTest, FailureCausesHaveTheirPrometheusNames) {
    EXPECT_EQ(to_string(JibriFailure::no_instance), "no_instance");
    EXPECT_EQ(to_string(JibriFailure::all_busy), "all_busy");
    EXPECT_EQ(to_string(JibriFailure::start_refused), "start_refused");
    EXPECT_EQ(to_string(JibriFailure::start_timeout), "start_timeout");
    EXPECT_EQ(to_string(JibriFailure::jibri_failed), "jibri_failed");
    EXPECT_EQ(to_string(JibriFailure::jibri_left), "jibri_left");
}

TEST_F(JibriSessionTest, TheCauseIsThatOfTheLastFailedAttempt) {
    port.instances = {"jibri1", "jibri2"};
    session({}, 1);
    start();
    port.sent[0].done(JibriAnswer{JibriAnswer::Kind::error, std::nullopt});
    JibriAnswer busy;
    busy.iq = status(JibriStatusValue::off, JibriFailureReason::busy);
    port.sent[1].done(busy);
    EXPECT_EQ(answers.at(0).error().condition, ErrorCondition::resource_constraint);
    EXPECT_EQ(port.session_failures, (std::vector<JibriFailure>{JibriFailure::all_busy}));
}

TEST_F(JibriSessionTest, AStartWithoutAnswerFailsWithStartTimeout) {
    port.instances = {"jibri1"};
    session({}, 0);
    start();
    port.sent[0].done(JibriAnswer{JibriAnswer::Kind::timeout, std::nullopt});
    EXPECT_EQ(answers.at(0).error().condition, ErrorCondition::internal_server_error);
    EXPECT_EQ(port.session_failures, (std::vector<JibriFailure>{JibriFailure::start_timeout}));
}

TEST_F(JibriSessionTest, NoOnWithinThePendingTimeoutFailsWithStartTimeoutAfterTheClientWasAnswered) {
    port.instances = {"jibri1"};
    session({}, 0);
    start();
    port.sent[0].done(pending());
    port.timers.at(0).second();
    EXPECT_EQ(answers.at(0).value(), "s1");
    ASSERT_EQ(port.statuses.size(), 2U);
    EXPECT_EQ(port.statuses[1].status, JibriStatusValue::off);
    EXPECT_EQ(port.statuses[1].failure_reason, JibriFailureReason::error);
    EXPECT_EQ(port.session_failures, (std::vector<JibriFailure>{JibriFailure::start_timeout}));
}

TEST_F(JibriSessionTest, AnInstanceLeavingWithNoRetriesLeftFailsWithJibriLeft) {
    port.instances = {"jibri1"};
    session({}, 0);
    start();
    port.sent[0].done(pending());
    made->jibri_left("jibri1");
    EXPECT_FALSE(made->active());
    EXPECT_EQ(port.statuses.back().status, JibriStatusValue::off);
    EXPECT_EQ(port.session_failures, (std::vector<JibriFailure>{JibriFailure::jibri_left}));
}

TEST_F(JibriSessionTest, ACleanOffIsNoFailure) {
    port.instances = {"jibri1"};
    session();
    start();
    port.sent[0].done(pending());
    ASSERT_TRUE(made->jibri_status("jibri1", status(JibriStatusValue::on)));
    ASSERT_TRUE(made->jibri_status("jibri1", status(JibriStatusValue::off)));
    EXPECT_FALSE(made->active());
    EXPECT_EQ(port.statuses.back().status, JibriStatusValue::off);
    EXPECT_FALSE(port.statuses.back().failure_reason);
    EXPECT_TRUE(port.session_failures.empty());
}

TEST_F(JibriSessionTest, AReplacementThatFindsNoInstanceEndsTheSessionWithThatCause) {
    port.instances = {"jibri1"};
    session();
    start();
    port.sent[0].done(pending());
    port.present = false;  // the failed one was the last in the brewery
    made->jibri_left("jibri1");
    EXPECT_FALSE(made->active());
    EXPECT_EQ(port.statuses.back().status, JibriStatusValue::off);
    EXPECT_EQ(port.statuses.back().failure_reason, JibriFailureReason::error);
    EXPECT_EQ(port.session_failures, (std::vector<JibriFailure>{JibriFailure::no_instance}));
}

}  // namespace
}  // namespace jicofo::recording
