// A dial's forwarding over a fake port: the Jigasi's ref reaches the client; failed instances are excluded and
// retried up to twice; the client's error says why when nothing worked (no instance, connection down, all failed
// with a timeout last or an error last); the client is answered exactly once whatever happens later; every counter
// of the reference's /stats `jigasi` moves when it should.
#include "jicofo/jigasi/jigasi_dial.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <memory>
#include <vector>

namespace jicofo::jigasi {
namespace {

using namespace std::chrono_literals;
using stanza::ErrorCondition;

class FakePort : public JigasiPort {
public:
    void select(JigasiKind kind, const std::vector<std::string>& exclude,
                std::function<void(std::optional<std::string>)> done) override {
        selections.push_back({kind, exclude});
        // The first instance not excluded, as a selector would.
        for (const auto& instance : instances) {
            if (std::find(exclude.begin(), exclude.end(), instance) == exclude.end()) {
                done(instance);
                return;
            }
        }
        done(std::nullopt);
    }
    void send(const std::string& jigasi, const stanza::RayoDial& dial, std::chrono::milliseconds timeout,
              std::function<void(JigasiAnswer)> done) override {
        sent.push_back({jigasi, dial, timeout, std::move(done)});
    }
    void count(JigasiEvent event) override { counters.add(event); }

    // Answers the last forward.
    void answer(JigasiAnswer answer) {
        ASSERT_FALSE(sent.empty());
        auto done = sent.back().done;
        done(std::move(answer));
    }

    struct Selection {
        JigasiKind kind;
        std::vector<std::string> exclude;
    };
    struct Sent {
        std::string jigasi;
        stanza::RayoDial dial;
        std::chrono::milliseconds timeout;
        std::function<void(JigasiAnswer)> done;
    };
    std::vector<std::string> instances;
    std::vector<Selection> selections;
    std::vector<Sent> sent;
    JigasiCounters counters;
};

JigasiAnswer ref(std::string uri) {
    return {JigasiAnswer::Kind::result, stanza::RayoRef{std::move(uri)}, std::nullopt};
}
JigasiAnswer error() {
    return {JigasiAnswer::Kind::error, std::nullopt,
            stanza::StanzaError::make(ErrorCondition::internal_server_error, "sip trunk down")};
}
JigasiAnswer timeout() {
    return {JigasiAnswer::Kind::timeout, std::nullopt, std::nullopt};
}
JigasiAnswer not_connected() {
    return {JigasiAnswer::Kind::not_connected, std::nullopt, std::nullopt};
}

class JigasiDialTest : public ::testing::Test {
protected:
    using ClientAnswer = core::Result<std::optional<stanza::RayoRef>, stanza::StanzaError>;

    JigasiDial& dial(JigasiKind kind = JigasiKind::sip) {
        stanza::RayoDial rayo;
        rayo.to = kind == JigasiKind::transcriber ? std::string(stanza::kTranscriberDestination) : "+15551234567";
        rayo.set_header(stanza::kJvbRoomNameHeader, "room1@conference.example.com");
        made = std::make_unique<JigasiDial>(port, JigasiDialSettings{10s, 2}, DialRequest{kind, rayo});
        return *made;
    }
    void start() {
        made->start([this](ClientAnswer answer) { answers.push_back(std::move(answer)); });
    }
    ErrorCondition the_error() const {
        EXPECT_EQ(answers.size(), 1U);
        if (answers.empty() || answers.front()) {
            ADD_FAILURE() << "the client was not answered with an error";
            return ErrorCondition::undefined_condition;
        }
        return answers.front().error().condition;
    }
    std::uint64_t counted(JigasiEvent event) const { return port.counters[event]; }

    FakePort port;
    std::vector<ClientAnswer> answers;  // before the dial: a dial still waiting answers its client as it goes
    std::unique_ptr<JigasiDial> made;
};

TEST_F(JigasiDialTest, TheJigasisRefIsRelayedToTheClient) {
    port.instances = {"j1", "j2"};
    dial();
    start();
    ASSERT_EQ(port.sent.size(), 1U);
    EXPECT_EQ(port.sent[0].jigasi, "j1");
    EXPECT_EQ(port.sent[0].dial, made->request().dial) << "the client's dial is forwarded as it came";
    EXPECT_EQ(port.sent[0].timeout, 10s);
    EXPECT_TRUE(answers.empty()) << "no answer before the Jigasi's";
    port.answer(ref("xmpp:room1@conference.example.com/jigasi"));
    ASSERT_EQ(answers.size(), 1U);
    ASSERT_TRUE(answers[0]);
    EXPECT_EQ(answers[0].value(), stanza::RayoRef{"xmpp:room1@conference.example.com/jigasi"});
    EXPECT_EQ(counted(JigasiEvent::accepted), 1U);
    EXPECT_EQ(counted(JigasiEvent::retry), 0U);
    EXPECT_TRUE(made->failed_instances().empty());
}

TEST_F(JigasiDialTest, AResultWithoutARefIsStillAResult) {
    port.instances = {"j1"};
    dial();
    start();
    port.answer({JigasiAnswer::Kind::result, std::nullopt, std::nullopt});
    ASSERT_EQ(answers.size(), 1U);
    ASSERT_TRUE(answers[0]);
    EXPECT_FALSE(answers[0].value());
}

TEST_F(JigasiDialTest, TheSelectionAsksForTheRequestsKind) {
    port.instances = {"t1"};
    dial(JigasiKind::transcriber);
    start();
    ASSERT_EQ(port.selections.size(), 1U);
    EXPECT_EQ(port.selections[0].kind, JigasiKind::transcriber);
    EXPECT_TRUE(port.selections[0].exclude.empty());
}

TEST_F(JigasiDialTest, NoInstanceIsServiceUnavailable) {
    dial();
    start();
    EXPECT_EQ(the_error(), ErrorCondition::service_unavailable);
    EXPECT_TRUE(port.sent.empty());
    EXPECT_EQ(counted(JigasiEvent::failed_no_instance), 1U);
    EXPECT_EQ(counted(JigasiEvent::accepted), 1U);
}

TEST_F(JigasiDialTest, AFailedInstanceIsExcludedAndAnotherAsked) {
    port.instances = {"j1", "j2", "j3"};
    dial();
    start();
    port.answer(error());
    ASSERT_EQ(port.sent.size(), 2U);
    EXPECT_EQ(port.sent[1].jigasi, "j2");
    ASSERT_EQ(port.selections.size(), 2U);
    EXPECT_EQ(port.selections[1].exclude, std::vector<std::string>{"j1"});
    port.answer(timeout());
    ASSERT_EQ(port.sent.size(), 3U);
    EXPECT_EQ(port.sent[2].jigasi, "j3");
    EXPECT_EQ(port.selections[2].exclude, (std::vector<std::string>{"j1", "j2"}));
    EXPECT_TRUE(answers.empty());
    port.answer(ref("xmpp:r@c/j3"));
    ASSERT_EQ(answers.size(), 1U);
    ASSERT_TRUE(answers[0]);
    EXPECT_EQ(answers[0].value()->uri, "xmpp:r@c/j3");
    EXPECT_EQ(made->retries(), 2);
    EXPECT_EQ(counted(JigasiEvent::retry), 2U);
    EXPECT_EQ(counted(JigasiEvent::instance_error), 1U);
    EXPECT_EQ(counted(JigasiEvent::instance_timeout), 1U);
}

TEST_F(JigasiDialTest, AllFailedWithATimeoutLastIsRemoteServerTimeout) {
    port.instances = {"j1", "j2", "j3", "j4"};
    dial();
    start();
    port.answer(error());
    port.answer(error());
    port.answer(timeout());
    EXPECT_EQ(the_error(), ErrorCondition::remote_server_timeout);
    EXPECT_EQ(port.sent.size(), 3U) << "two retries, not more, though j4 is there";
    EXPECT_EQ(made->failed_instances(), (std::vector<std::string>{"j1", "j2", "j3"}));
    EXPECT_EQ(counted(JigasiEvent::retry), 2U);
    EXPECT_EQ(counted(JigasiEvent::instance_error), 2U);
    EXPECT_EQ(counted(JigasiEvent::instance_timeout), 1U);
}

TEST_F(JigasiDialTest, AllFailedWithAnErrorLastIsUndefinedCondition) {
    port.instances = {"j1", "j2", "j3"};
    dial();
    start();
    port.answer(timeout());
    port.answer(timeout());
    port.answer(error());
    EXPECT_EQ(the_error(), ErrorCondition::undefined_condition);
    EXPECT_EQ(counted(JigasiEvent::instance_timeout), 2U);
    EXPECT_EQ(counted(JigasiEvent::instance_error), 1U);
}

TEST_F(JigasiDialTest, RunningOutOfInstancesOnARetryIsServiceUnavailable) {
    port.instances = {"j1"};
    dial();
    start();
    port.answer(timeout());
    EXPECT_EQ(the_error(), ErrorCondition::service_unavailable);
    EXPECT_EQ(counted(JigasiEvent::retry), 1U);
    EXPECT_EQ(counted(JigasiEvent::failed_no_instance), 1U);
}

TEST_F(JigasiDialTest, AConnectionDownIsServiceUnavailableWithoutRetries) {
    port.instances = {"j1", "j2"};
    dial();
    start();
    port.answer(not_connected());
    EXPECT_EQ(the_error(), ErrorCondition::service_unavailable);
    EXPECT_EQ(port.sent.size(), 1U);
    EXPECT_EQ(counted(JigasiEvent::failed_xmpp_not_connected), 1U);
    EXPECT_EQ(counted(JigasiEvent::retry), 0U);
    EXPECT_TRUE(made->failed_instances().empty()) << "the instance did not fail, the link did";
}

TEST_F(JigasiDialTest, WithNoRetriesTheFirstFailureIsFinal) {
    port.instances = {"j1", "j2"};
    stanza::RayoDial rayo;
    rayo.to = "+1";
    made = std::make_unique<JigasiDial>(port, JigasiDialSettings{5s, 0}, DialRequest{JigasiKind::sip, rayo});
    start();
    port.answer(error());
    EXPECT_EQ(the_error(), ErrorCondition::undefined_condition);
    EXPECT_EQ(port.sent.size(), 1U);
    EXPECT_EQ(counted(JigasiEvent::retry), 0U);
}

TEST_F(JigasiDialTest, ALateAnswerFromAnInstanceAlreadyGivenUpOnIsIgnored) {
    port.instances = {"j1", "j2"};
    dial();
    start();
    auto first = port.sent[0].done;
    port.answer(timeout());  // j1 timed out; j2 is asked
    first(ref("xmpp:r@c/j1-late"));
    EXPECT_TRUE(answers.empty()) << "j1's late answer is not this dial's any more";
    port.answer(ref("xmpp:r@c/j2"));
    ASSERT_EQ(answers.size(), 1U);
    EXPECT_EQ(answers[0].value()->uri, "xmpp:r@c/j2");
}

TEST_F(JigasiDialTest, TheClientIsAnsweredOnceEvenIfAJigasiAnswersTwice) {
    port.instances = {"j1"};
    dial();
    start();
    auto done = port.sent[0].done;
    done(ref("xmpp:r@c/j1"));
    done(error());
    done(ref("xmpp:r@c/j1-again"));
    ASSERT_EQ(answers.size(), 1U);
    EXPECT_EQ(answers[0].value()->uri, "xmpp:r@c/j1");
    EXPECT_EQ(counted(JigasiEvent::instance_error), 0U);
}

TEST_F(JigasiDialTest, AbortAnswersAWaitingClientAndDropsTheJigasisAnswer) {
    port.instances = {"j1"};
    dial();
    start();
    made->abort(stanza::StanzaError::make(ErrorCondition::item_not_found, "the conference ended"));
    EXPECT_EQ(the_error(), ErrorCondition::item_not_found);
    port.answer(ref("xmpp:r@c/j1"));
    EXPECT_EQ(answers.size(), 1U);
    made->abort(stanza::StanzaError::make(ErrorCondition::gone));
    EXPECT_EQ(answers.size(), 1U);
}

TEST_F(JigasiDialTest, ADialDestroyedBeforeAnAnswerStillAnswersTheClient) {
    port.instances = {"j1"};
    dial();
    start();
    auto late = port.sent[0].done;
    made.reset();
    EXPECT_EQ(the_error(), ErrorCondition::service_unavailable);
    late(ref("xmpp:r@c/j1"));  // must not reach the destroyed dial
    EXPECT_EQ(answers.size(), 1U);
}

TEST_F(JigasiDialTest, ADialNeverStartedAnswersNobody) {
    dial();
    made.reset();
    EXPECT_TRUE(answers.empty());
    EXPECT_EQ(counted(JigasiEvent::accepted), 0U);
}

TEST_F(JigasiDialTest, StartingTwiceForwardsOnce) {
    port.instances = {"j1"};
    dial();
    start();
    start();
    EXPECT_EQ(port.sent.size(), 1U);
    EXPECT_EQ(counted(JigasiEvent::accepted), 1U);
}

TEST(JigasiCounters, TheReferencesStatsKeysAndMetricNames) {
    EXPECT_EQ(stats_key(JigasiEvent::accepted), "accepted_requests");
    EXPECT_EQ(stats_key(JigasiEvent::rejected), "rejected_requests");
    EXPECT_EQ(stats_key(JigasiEvent::retry), "retries");
    EXPECT_EQ(stats_key(JigasiEvent::instance_error), "instance_errors");
    EXPECT_EQ(stats_key(JigasiEvent::instance_timeout), "instance_timeout");
    EXPECT_EQ(stats_key(JigasiEvent::failed_no_instance), "requests_failed_no_instance");
    EXPECT_EQ(stats_key(JigasiEvent::failed_xmpp_not_connected), "requests_failed_xmpp_not_connected");
    EXPECT_EQ(metric_name(JigasiEvent::instance_timeout),
              std::optional<std::string_view>("jigasi_iq_handler_instance_timeouts"));
    EXPECT_EQ(metric_name(JigasiEvent::rejected),
              std::optional<std::string_view>("jigasi_iq_handler_rejected_requests"));
    EXPECT_FALSE(metric_name(JigasiEvent::failed_no_instance));
    EXPECT_FALSE(metric_name(JigasiEvent::failed_xmpp_not_connected));
    JigasiCounters counters;
    counters.add(JigasiEvent::retry);
    counters.add(JigasiEvent::retry);
    EXPECT_EQ(counters[JigasiEvent::retry], 2U);
    EXPECT_EQ(counters[JigasiEvent::accepted], 0U);
}

}  // namespace
}  // namespace jicofo::jigasi
