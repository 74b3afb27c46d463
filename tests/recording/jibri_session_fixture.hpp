// A fake Jibri port that records what a session asks of it (selections can be answered at once or held back, to
// run them later as the pool's strand would), and a fixture that makes one session over it.
#pragma once

#include "jicofo/recording/jibri_session.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <vector>

namespace jicofo::recording::testing {

using namespace std::chrono_literals;

class FakePort : public JibriPort {
public:
    using Selected = core::Result<std::string, NoJibri>;

    void select(std::function<void(Selected)> done) override {
        ++selections;
        if (defer_selections) {
            held_selections.push_back(std::move(done));
            return;
        }
        done(next_instance());
    }
    void failed(const std::string& jibri) override { failures.push_back(jibri); }
    void send(const std::string& jibri, const stanza::JibriIq& iq, std::function<void(JibriAnswer)> done) override {
        sent.push_back({jibri, iq, std::move(done)});
    }
    void after(std::chrono::milliseconds delay, std::function<void()> fn) override {
        timers.emplace_back(delay, std::move(fn));
    }
    void status_changed(const JibriSessionStatus& status) override { statuses.push_back(status); }
    void session_failed(JibriFailure cause) override { session_failures.push_back(cause); }

    // What the pool would select now: the next instance, or why there is none.
    Selected next_instance() {
        if (instances.empty()) {
            return core::unexpected(present ? NoJibri::none_available : NoJibri::none_present);
        }
        auto next = instances.front();
        instances.pop_front();
        return next;
    }
    // Answers the oldest held selection with `selected`.
    void answer_selection(const Selected& selected) {
        ASSERT_FALSE(held_selections.empty());
        auto done = std::move(held_selections.front());
        held_selections.pop_front();
        done(selected);
    }

    struct Sent {
        std::string jibri;
        stanza::JibriIq iq;
        std::function<void(JibriAnswer)> done;
    };
    std::deque<std::string> instances;
    bool present = true;            // with no instance left: "none available" rather than "none present"
    bool defer_selections = false;  // held in held_selections instead of answered at once
    int selections = 0;
    std::deque<std::function<void(Selected)>> held_selections;
    std::vector<std::string> failures;
    std::vector<Sent> sent;
    std::vector<std::pair<std::chrono::milliseconds, std::function<void()>>> timers;
    std::vector<JibriSessionStatus> statuses;
    std::vector<JibriFailure> session_failures;
};

inline JibriAnswer pending() {
    stanza::JibriIq iq;
    iq.status = stanza::JibriStatusValue::pending;
    return {JibriAnswer::Kind::result, iq};
}

inline stanza::JibriIq status(stanza::JibriStatusValue value,
                              std::optional<stanza::JibriFailureReason> failure = std::nullopt,
                              std::optional<bool> should_retry = std::nullopt) {
    stanza::JibriIq iq;
    iq.status = value;
    iq.failure_reason = failure;
    iq.should_retry = should_retry;
    return iq;
}

class JibriSessionTest : public ::testing::Test {
protected:
    JibriSession& session(StartRequest request = {}, int retries = 2) {
        settings.pending_timeout = 90s;
        settings.num_retries = retries;
        made = std::make_unique<JibriSession>(port, settings, std::move(request), "s1",
                                              stanza::Jid::parse("room1@conference.meet.test").value(), false);
        started = false;
        return *made;
    }
    void start() {
        started = true;
        made->start([this](core::Result<std::string, stanza::StanzaError> result) { answers.push_back(result); });
    }
    std::vector<stanza::JibriStatusValue> statuses() const {
        std::vector<stanza::JibriStatusValue> values;
        for (const auto& s : port.statuses) {
            values.push_back(s.status);
        }
        return values;
    }
    std::size_t starts_sent() const {
        std::size_t count = 0;
        for (const auto& s : port.sent) {
            count += s.iq.action == stanza::JibriAction::start ? 1 : 0;
        }
        return count;
    }

    // Whatever path a test took, a stop leaves the client answered exactly once, and a session fails at most once.
    void TearDown() override {
        if (made && started) {
            made->stop();
            EXPECT_EQ(answers.size(), 1U) << "the client is answered exactly once";
        }
        EXPECT_LE(port.session_failures.size(), 1U);
    }

    JibriSessionSettings settings;
    FakePort port;
    std::unique_ptr<JibriSession> made;
    bool started = false;
    std::vector<core::Result<std::string, stanza::StanzaError>> answers;
};

}  // namespace jicofo::recording::testing
