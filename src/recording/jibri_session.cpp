// A Jibri session's life: select, start, pending, on, retries on another instance, stop.
#include "jicofo/recording/jibri_session.hpp"

#include "jicofo/core/logging.hpp"

#include <spdlog/spdlog.h>

namespace jicofo::recording {
namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto log = core::module_logger("jibri");
    return log;
}

using stanza::ErrorCondition;
using stanza::JibriFailureReason;
using stanza::JibriStatusValue;
using stanza::StanzaError;

// What a client whose start nobody took hears: as Jicofo, no Jibri at all and all of them busy are told apart.
StanzaError refusal(std::optional<JibriFailureReason> failure, std::optional<JibriFailure> cause) {
    if (cause == JibriFailure::no_instance) {
        return StanzaError::make(ErrorCondition::service_unavailable, "no Jibris available");
    }
    if (failure == JibriFailureReason::busy) {
        return StanzaError::make(ErrorCondition::resource_constraint, "all Jibris are busy");
    }
    return StanzaError::make(ErrorCondition::internal_server_error, "the Jibri failed to start");
}

}  // namespace

JibriSession::JibriSession(JibriPort& port, JibriSessionSettings settings, StartRequest request, std::string session_id,
                           stanza::Jid room, bool rtcstats_enabled)
    : port_(port),
      settings_(settings),
      request_(std::move(request)),
      session_id_(std::move(session_id)),
      room_(std::move(room)),
      rtcstats_enabled_(rtcstats_enabled) {}

JibriSession::~JibriSession() = default;

std::string_view to_string(JibriFailure failure) {
    switch (failure) {
        case JibriFailure::no_instance: return "no_instance";
        case JibriFailure::all_busy: return "all_busy";
        case JibriFailure::start_refused: return "start_refused";
        case JibriFailure::start_timeout: return "start_timeout";
        case JibriFailure::jibri_failed: return "jibri_failed";
        case JibriFailure::jibri_left: return "jibri_left";
    }
    return "unknown";
}

void JibriSession::start(Answer answer) {
    answer_ = std::move(answer);
    select(Selection::first);
}

void JibriSession::select(Selection why) {
    // Set before asking: the port may answer at once.
    state_ = State::selecting;
    const auto attempt = ++attempt_;
    std::weak_ptr<bool> alive = alive_;
    port_.select([this, alive, attempt, why](const core::Result<std::string, NoJibri>& selected) {
        // A stop (or anything else that moved the session on) while the pool was asked makes its answer moot; the
        // instance it marked selected is free again after the pool's short selection hold.
        if (alive.lock() && attempt == attempt_ && state_ == State::selecting) {
            on_selected(why, selected);
        }
    });
}

void JibriSession::on_selected(Selection why, const core::Result<std::string, NoJibri>& selected) {
    if (selected) {
        jibri_ = *selected;
        send_start();
        return;
    }
    const bool none = selected.error() == NoJibri::none_present;
    logger()->info("room={} session={} no Jibri to start ({})", room_.to_string(), session_id_,
                   none ? "none present" : "all busy");
    // Only the start waits for a busy pool to free up; a Jibri that failed mid-way is replaced now or not at all.
    if (!none && why != Selection::after_failure && busy_retries_ < settings_.busy_retries) {
        wait_for_free_jibri();
        return;
    }
    end(none ? JibriFailureReason::error : JibriFailureReason::busy,
        none ? JibriFailure::no_instance : JibriFailure::all_busy);
}

void JibriSession::wait_for_free_jibri() {
    ++busy_retries_;
    state_ = State::waiting;
    answer_client(session_id_);
    publish(JibriStatusValue::pending, std::nullopt);
    logger()->info("room={} session={} every Jibri busy, selecting again in {} ms ({}/{})", room_.to_string(),
                   session_id_, settings_.busy_retry_delay.count(), busy_retries_, settings_.busy_retries);
    const auto attempt = ++attempt_;
    std::weak_ptr<bool> alive = alive_;
    port_.after(settings_.busy_retry_delay, [this, alive, attempt] {
        if (alive.lock() && attempt == attempt_ && state_ == State::waiting) {
            select(Selection::busy_retry);
        }
    });
}

void JibriSession::send_start() {
    state_ = State::starting;
    const auto attempt = ++attempt_;
    stanza::JibriIq start;
    start.action = stanza::JibriAction::start;
    start.session_id = session_id_;
    start.room = room_;
    start.app_data = request_.app_data;
    start.display_name = request_.display_name;
    start.rtcstats_enabled = rtcstats_enabled_;
    if (request_.kind == JibriKind::sip_gateway) {
        start.sip_address = request_.sip_address;
    } else {
        start.recording_mode = request_.mode;
        start.stream_id = request_.stream_id;
        start.youtube_broadcast_id = request_.youtube_broadcast_id;
    }
    logger()->info("room={} session={} starting Jibri {} (attempt {})", room_.to_string(), session_id_, *jibri_,
                   retries_ + 1);
    std::weak_ptr<bool> alive = alive_;
    port_.send(*jibri_, start, [this, alive, attempt, jibri = *jibri_](const JibriAnswer& answer) {
        if (alive.lock()) {
            on_start_answer(attempt, jibri, answer);
        }
    });
    // Each attempt has its own deadline for the Jibri to say it is on.
    port_.after(settings_.pending_timeout, [this, alive, attempt] {
        if (!alive.lock() || attempt != attempt_ || (state_ != State::starting && state_ != State::pending)) {
            return;
        }
        logger()->warn("room={} session={} Jibri {} not on within {} ms", room_.to_string(), session_id_,
                       jibri_.value_or("?"), settings_.pending_timeout.count());
        if (jibri_) {
            send_stop(*jibri_);
        }
        retry_or_fail(JibriFailureReason::error, JibriFailure::start_timeout);
    });
}

void JibriSession::on_start_answer(std::uint64_t attempt, const std::string& jibri, const JibriAnswer& answer) {
    if (attempt != attempt_ || state_ != State::starting) {
        return;
    }
    if (answer.kind == JibriAnswer::Kind::timeout) {
        // It may still be starting (Chrome can be slow): told to stop, so that it does not join the room later.
        logger()->warn("room={} session={} Jibri {} did not answer the start", room_.to_string(), session_id_, jibri);
        send_stop(jibri);
        retry_or_fail(JibriFailureReason::error, JibriFailure::start_timeout);
        return;
    }
    const auto* iq = answer.iq ? &*answer.iq : nullptr;
    const bool busy = iq && iq->status == JibriStatusValue::off && iq->failure_reason == JibriFailureReason::busy;
    if (answer.kind == JibriAnswer::Kind::error || !iq || busy ||
        (iq->status != JibriStatusValue::pending && iq->status != JibriStatusValue::on)) {
        logger()->warn("room={} session={} Jibri {} refused the start{}", room_.to_string(), session_id_, jibri,
                       busy ? ": busy" : "");
        if (busy) {
            retry_or_fail(JibriFailureReason::busy, JibriFailure::all_busy);
        } else {
            retry_or_fail(JibriFailureReason::error, JibriFailure::start_refused);
        }
        return;
    }
    state_ = iq->status == JibriStatusValue::on ? State::on : State::pending;
    answer_client(session_id_);
    publish(*iq->status, std::nullopt);
}

bool JibriSession::jibri_status(const std::string& jibri, const stanza::JibriIq& status) {
    if (state_ == State::ended || jibri_ != std::optional<std::string>(jibri) || !status.status) {
        return false;
    }
    switch (*status.status) {
        case JibriStatusValue::pending: publish(JibriStatusValue::pending, std::nullopt); break;
        case JibriStatusValue::on:
            state_ = State::on;
            answer_client(session_id_);
            publish(JibriStatusValue::on, std::nullopt);
            break;
        case JibriStatusValue::off:
            if (status.failure_reason && status.should_retry == std::optional<bool>(true)) {
                logger()->warn("room={} session={} Jibri {} failed ({}), retrying", room_.to_string(), session_id_,
                               jibri, stanza::to_string(*status.failure_reason));
                retry_or_fail(*status.failure_reason, JibriFailure::jibri_failed);
            } else if (status.failure_reason) {
                end(status.failure_reason, JibriFailure::jibri_failed);
            } else {
                end(std::nullopt, std::nullopt);  // a clean off: the recording is over
            }
            break;
    }
    return true;
}

void JibriSession::jibri_left(const std::string& jibri) {
    if (state_ != State::ended && jibri_ == std::optional<std::string>(jibri)) {
        logger()->warn("room={} session={} Jibri {} left the brewery", room_.to_string(), session_id_, jibri);
        retry_or_fail(JibriFailureReason::error, JibriFailure::jibri_left);
    }
}

void JibriSession::retry_or_fail(JibriFailureReason reason, JibriFailure cause) {
    if (jibri_) {
        port_.failed(*jibri_);
    }
    // As Jicofo: the limit is exceeded when it is set (>= 0) and reached.
    if (settings_.num_retries < 0 || retries_ < settings_.num_retries) {
        ++retries_;
        // Until another instance is selected, the failed one's statuses and departure are not this session's.
        jibri_.reset();
        select(Selection::after_failure);
        return;
    }
    end(reason, cause);
}

void JibriSession::stop() {
    if (state_ == State::ended) {
        return;
    }
    // While selecting or waiting there is no instance: nothing to send, and a late selection is ignored.
    if (jibri_) {
        send_stop(*jibri_);
    }
    logger()->info("room={} session={} stopped", room_.to_string(), session_id_);
    state_ = State::ended;
    answer_client(
        core::unexpected(StanzaError::make(ErrorCondition::undefined_condition, "stopped before it started")));
    publish(JibriStatusValue::off, std::nullopt);
}

void JibriSession::end(std::optional<JibriFailureReason> failure, std::optional<JibriFailure> cause) {
    if (state_ == State::ended) {
        return;
    }
    state_ = State::ended;
    if (cause) {
        logger()->warn("room={} session={} failed ({})", room_.to_string(), session_id_, to_string(*cause));
    }
    if (answer_) {
        // Nobody took the start: the client hears why, and there was no status to take back.
        answer_client(core::unexpected(refusal(failure, cause)));
    } else {
        logger()->info("room={} session={} off{}", room_.to_string(), session_id_,
                       failure ? std::string(" (") + std::string(stanza::to_string(*failure)) + ")" : "");
        publish(JibriStatusValue::off, failure);
    }
    if (cause) {
        port_.session_failed(*cause);
    }
}

void JibriSession::send_stop(const std::string& jibri) {
    stanza::JibriIq stop;
    stop.action = stanza::JibriAction::stop;
    stop.session_id = session_id_;
    port_.send(jibri, stop, [](const JibriAnswer&) {});
}

void JibriSession::publish(JibriStatusValue status, std::optional<JibriFailureReason> failure) {
    // A Jibri taking the start after a busy wait says pending again: clients already see that.
    if (published_ && published_->status == status && published_->failure_reason == failure) {
        return;
    }
    published_ = JibriSessionStatus{status, failure};
    port_.status_changed(*published_);
}

void JibriSession::answer_client(core::Result<std::string, StanzaError> result) {
    if (auto answer = std::exchange(answer_, nullptr)) {
        answer(std::move(result));
    }
}

}  // namespace jicofo::recording
