// One recording, live stream or SIP call through Jibri (jicofo-protocol.md §4g, Jicofo's JibriSession), on the
// conference's strand. It selects an instance, sends it `start` and expects `status='pending'`; it waits
// `pending-timeout` for the Jibri's own `status='on'`; a Jibri that fails to start (an error, a timeout, busy, no
// `on` in time), fails later with `should_retry`, or leaves the brewery mid-session is replaced by another instance,
// up to `num-retries` times (no limit below zero). With `busy-retries` (Jicofo PR 1288), a start that finds every
// Jibri busy is answered at once and selection is tried again later. Every change of what clients should see is
// handed to the port (the focus publishes it as jibri-recording-status or jibri-sip-call-state), and a session that
// fails for good is reported once with its cause. Pure logic over a port, so that tests drive it by hand.
#pragma once

#include "jicofo/recording/jibri_pool.hpp"
#include "jicofo/recording/jibri_request.hpp"
#include "jicofo/stanza/jibri.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace jicofo::recording {

// How the Jibri answered an IQ of ours.
struct JibriAnswer {
    enum class Kind { result, error, timeout };
    Kind kind = Kind::result;
    std::optional<stanza::JibriIq> iq;  // the result's payload, when it has one
};

// What clients see of the session.
struct JibriSessionStatus {
    stanza::JibriStatusValue status = stanza::JibriStatusValue::pending;
    std::optional<stanza::JibriFailureReason> failure_reason;
};

// Why a session failed, for the failure counter labelled by reason: the client hears busy/error, the operator
// needs to tell "no Jibri at all" from "a Jibri broke".
enum class JibriFailure {
    no_instance,    // no Jibri in the brewery
    all_busy,       // every Jibri busy, failing or just selected (after busy-retries, if any)
    start_refused,  // the Jibri answered the start with an error or an unexpected status
    start_timeout,  // no answer to the start, or no `on` within pending-timeout
    jibri_failed,   // the Jibri reported a failure (off with failure_reason)
    jibri_left,     // the Jibri left the brewery mid-session
};
[[nodiscard]] std::string_view to_string(JibriFailure failure);

// What a session needs from the feature that owns it; called on the conference's strand.
class JibriPort {
public:
    virtual ~JibriPort() = default;
    // An instance for this session's kind (the pool, on another strand, marks it selected); `done` runs once, on
    // the conference's strand, and not after the session is gone.
    virtual void select(std::function<void(core::Result<std::string, NoJibri>)> done) = 0;
    // The instance failed a request: not selected for a while.
    virtual void failed(const std::string& jibri) = 0;
    // Sends an IQ set to the instance; `done` runs once (not after the session is gone).
    virtual void send(const std::string& jibri, const stanza::JibriIq& iq, std::function<void(JibriAnswer)> done) = 0;
    // Runs `fn` after `delay` (not after the session is gone).
    virtual void after(std::chrono::milliseconds delay, std::function<void()> fn) = 0;
    // Clients should see this.
    virtual void status_changed(const JibriSessionStatus& status) = 0;
    // The session failed for good (once per session; whether or not the client had been answered).
    virtual void session_failed(JibriFailure cause) = 0;
};

struct JibriSessionSettings {
    std::chrono::milliseconds pending_timeout{std::chrono::seconds(90)};  // jicofo.jibri.pending-timeout
    int num_retries = 5;                                                  // jicofo.jibri.num-retries; < 0: no limit
    // jicofo.jibri.busy-retries: when every Jibri is busy at the start, the client is answered at once (pending)
    // and selection is tried again every busy_retry_delay, this many times; 0 answers resource-constraint at once.
    int busy_retries = 0;
    std::chrono::milliseconds busy_retry_delay{std::chrono::seconds(5)};  // jicofo.jibri.busy-retry-delay
};

class JibriSession {
public:
    // What the client that asked is answered: a result naming the session, or an error.
    using Answer = std::function<void(core::Result<std::string, stanza::StanzaError>)>;

    JibriSession(JibriPort& port, JibriSessionSettings settings, StartRequest request, std::string session_id,
                 stanza::Jid room, bool rtcstats_enabled);
    JibriSession(const JibriSession&) = delete;
    JibriSession& operator=(const JibriSession&) = delete;
    ~JibriSession();

    // Selects an instance and starts it; `answer` runs once: with the session id when a Jibri took the start
    // (pending), with service-unavailable when there is no Jibri, resource-constraint when none is available, and
    // the error of the last attempt when every attempt failed.
    void start(Answer answer);
    // The client (or the conference ending) stops it: a stop to the Jibri, and the session is off.
    void stop();
    // A status IQ from an instance; false when it is not this session's current instance (the caller refuses it).
    bool jibri_status(const std::string& jibri, const stanza::JibriIq& status);
    // An instance left the brewery.
    void jibri_left(const std::string& jibri);

    [[nodiscard]] bool active() const { return state_ != State::ended; }
    [[nodiscard]] const std::optional<std::string>& current_jibri() const { return jibri_; }
    [[nodiscard]] const std::string& session_id() const { return session_id_; }
    [[nodiscard]] const StartRequest& request() const { return request_; }
    [[nodiscard]] int retries() const { return retries_; }

private:
    // selecting: a selection is outstanding; waiting: every Jibri was busy, selection is tried again later.
    enum class State { selecting, waiting, starting, pending, on, ended };
    // Why an instance is being selected: what a failed selection leads to depends on it.
    enum class Selection { first, busy_retry, after_failure };

    void select(Selection why);
    void on_selected(Selection why, const core::Result<std::string, NoJibri>& selected);
    // Every Jibri was busy at the start: the client is answered (pending) and selection is tried again later.
    void wait_for_free_jibri();
    void send_start();
    void on_start_answer(std::uint64_t attempt, const std::string& jibri, const JibriAnswer& answer);
    // The current instance failed; another one is tried if retries are left, else the session ends failed.
    void retry_or_fail(stanza::JibriFailureReason reason, JibriFailure cause);
    // The session ends: a client not answered yet hears why, otherwise clients see off; `cause` when it failed.
    void end(std::optional<stanza::JibriFailureReason> failure, std::optional<JibriFailure> cause);
    void send_stop(const std::string& jibri);
    void publish(stanza::JibriStatusValue status, std::optional<stanza::JibriFailureReason> failure);
    void answer_client(core::Result<std::string, stanza::StanzaError> result);

    JibriPort& port_;
    JibriSessionSettings settings_;
    StartRequest request_;
    std::string session_id_;
    stanza::Jid room_;
    bool rtcstats_enabled_;
    State state_ = State::starting;
    std::optional<std::string> jibri_;
    int retries_ = 0;
    int busy_retries_ = 0;
    std::uint64_t attempt_ = 0;                    // callbacks of an older selection, attempt or wait are ignored
    std::optional<JibriSessionStatus> published_;  // what clients saw last, so that a repeat is not sent
    Answer answer_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace jicofo::recording
