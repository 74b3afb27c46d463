// A Jibri session driven by hand through a fake port: the start the Jibri gets, the client's answer, pending then
// on, the pending timeout, retries on another instance (errors, timeouts, busy, failures with should_retry, an
// instance leaving), the limit of retries, and stop.
#include "jicofo/recording/jibri_session.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <map>

namespace jicofo::recording {
namespace {

using namespace std::chrono_literals;
using stanza::ErrorCondition;
using stanza::JibriAction;
using stanza::JibriFailureReason;
using stanza::JibriIq;
using stanza::JibriStatusValue;

class FakePort : public JibriPort {
public:
    core::Result<std::string, NoJibri> select() override {
        if (instances.empty()) {
            return core::unexpected(present ? NoJibri::none_available : NoJibri::none_present);
        }
        auto next = instances.front();
        instances.pop_front();
        return next;
    }
    void failed(const std::string& jibri) override { failures.push_back(jibri); }
    void send(const std::string& jibri, const JibriIq& iq, std::function<void(JibriAnswer)> done) override {
        sent.push_back({jibri, iq, std::move(done)});
    }
    void after(std::chrono::milliseconds delay, std::function<void()> fn) override {
        timers.emplace_back(delay, std::move(fn));
    }
    void status_changed(const JibriSessionStatus& status) override { statuses.push_back(status); }

    struct Sent {
        std::string jibri;
        JibriIq iq;
        std::function<void(JibriAnswer)> done;
    };
    std::deque<std::string> instances;
    bool present = true;  // with no instance left: "none available" rather than "none present"
    std::vector<std::string> failures;
    std::vector<Sent> sent;
    std::vector<std::pair<std::chrono::milliseconds, std::function<void()>>> timers;
    std::vector<JibriSessionStatus> statuses;
};

JibriAnswer pending() {
    JibriIq iq;
    iq.status = JibriStatusValue::pending;
    return {JibriAnswer::Kind::result, iq};
}

JibriIq status(JibriStatusValue value, std::optional<JibriFailureReason> failure = std::nullopt,
               std::optional<bool> should_retry = std::nullopt) {
    JibriIq iq;
    iq.status = value;
    iq.failure_reason = failure;
    iq.should_retry = should_retry;
    return iq;
}

class JibriSessionTest : public ::testing::Test {
protected:
    JibriSession& session(StartRequest request = {}, int retries = 2) {
        JibriSessionSettings settings;
        settings.pending_timeout = 90s;
        settings.num_retries = retries;
        made = std::make_unique<JibriSession>(port, settings, std::move(request), "s1",
                                              stanza::Jid::parse("room1@conference.meet.test").value(), false);
        return *made;
    }
    void start() {
        made->start([this](core::Result<std::string, stanza::StanzaError> result) { answers.push_back(result); });
    }
    std::vector<JibriStatusValue> statuses() const {
        std::vector<JibriStatusValue> values;
        for (const auto& s : port.statuses) {
            values.push_back(s.status);
        }
        return values;
    }

    FakePort port;
    std::unique_ptr<JibriSession> made;
    std::vector<core::Result<std::string, stanza::StanzaError>> answers;
};

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
    port.present = true;
    answers.clear();
    session();
    start();
    EXPECT_EQ(answers.at(0).error().condition, ErrorCondition::resource_constraint);
    EXPECT_TRUE(port.statuses.empty());
    EXPECT_FALSE(made->active());
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

}  // namespace
}  // namespace jicofo::recording
