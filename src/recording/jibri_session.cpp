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

void JibriSession::start(Answer answer) {
    answer_ = std::move(answer);
    attempt();
}

void JibriSession::attempt() {
    auto selected = port_.select();
    if (!selected) {
        const bool none = selected.error() == NoJibri::none_present;
        logger()->info("room={} session={} no Jibri to start ({})", room_.to_string(), session_id_,
                       none ? "none present" : "all busy");
        if (answer_) {
            state_ = State::ended;
            answer_client(
                core::unexpected(none ? StanzaError::make(ErrorCondition::service_unavailable, "no Jibris available")
                                      : StanzaError::make(ErrorCondition::resource_constraint, "all Jibris are busy")));
            return;
        }
        end(none ? JibriFailureReason::error : JibriFailureReason::busy);
        return;
    }
    jibri_ = *selected;
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
        retry_or_fail(JibriFailureReason::error);
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
        retry_or_fail(JibriFailureReason::error);
        return;
    }
    const auto* iq = answer.iq ? &*answer.iq : nullptr;
    const bool busy = iq && iq->status == JibriStatusValue::off && iq->failure_reason == JibriFailureReason::busy;
    if (answer.kind == JibriAnswer::Kind::error || !iq || busy ||
        (iq->status != JibriStatusValue::pending && iq->status != JibriStatusValue::on)) {
        logger()->warn("room={} session={} Jibri {} refused the start{}", room_.to_string(), session_id_, jibri,
                       busy ? ": busy" : "");
        retry_or_fail(busy ? JibriFailureReason::busy : JibriFailureReason::error);
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
                retry_or_fail(*status.failure_reason);
            } else {
                end(status.failure_reason);
            }
            break;
    }
    return true;
}

void JibriSession::jibri_left(const std::string& jibri) {
    if (state_ != State::ended && jibri_ == std::optional<std::string>(jibri)) {
        logger()->warn("room={} session={} Jibri {} left the brewery", room_.to_string(), session_id_, jibri);
        retry_or_fail(JibriFailureReason::error);
    }
}

void JibriSession::retry_or_fail(JibriFailureReason reason) {
    if (jibri_) {
        port_.failed(*jibri_);
    }
    if (retries_ < settings_.num_retries) {
        ++retries_;
        attempt();
        return;
    }
    end(reason);
}

void JibriSession::stop() {
    if (state_ == State::ended) {
        return;
    }
    if (jibri_) {
        send_stop(*jibri_);
    }
    logger()->info("room={} session={} stopped", room_.to_string(), session_id_);
    state_ = State::ended;
    answer_client(
        core::unexpected(StanzaError::make(ErrorCondition::undefined_condition, "stopped before it started")));
    publish(JibriStatusValue::off, std::nullopt);
}

void JibriSession::end(std::optional<JibriFailureReason> failure) {
    state_ = State::ended;
    if (answer_) {
        // Nobody took the start: the client hears why, and there was no status to take back.
        answer_client(core::unexpected(
            failure == JibriFailureReason::busy
                ? StanzaError::make(ErrorCondition::resource_constraint, "all Jibris are busy")
                : StanzaError::make(ErrorCondition::internal_server_error, "the Jibri failed to start")));
        return;
    }
    logger()->info("room={} session={} off{}", room_.to_string(), session_id_,
                   failure ? std::string(" (") + std::string(stanza::to_string(*failure)) + ")" : "");
    publish(JibriStatusValue::off, failure);
}

void JibriSession::send_stop(const std::string& jibri) {
    stanza::JibriIq stop;
    stop.action = stanza::JibriAction::stop;
    stop.session_id = session_id_;
    port_.send(jibri, stop, [](const JibriAnswer&) {});
}

void JibriSession::publish(JibriStatusValue status, std::optional<JibriFailureReason> failure) {
    port_.status_changed(JibriSessionStatus{status, failure});
}

void JibriSession::answer_client(core::Result<std::string, StanzaError> result) {
    if (auto answer = std::exchange(answer_, nullptr)) {
        answer(std::move(result));
    }
}

}  // namespace jicofo::recording
