// A dial's life: select, forward, retry on another instance, answer the client once.
#include "jicofo/jigasi/jigasi_dial.hpp"

#include <utility>

namespace jicofo::jigasi {

using stanza::ErrorCondition;
using stanza::StanzaError;

JigasiDial::JigasiDial(JigasiPort& port, JigasiDialSettings settings, DialRequest request)
    : port_(port), settings_(settings), request_(std::move(request)) {}

JigasiDial::~JigasiDial() {
    if (started_ && !answered_) {
        answer_client(core::unexpected(
            StanzaError::make(ErrorCondition::service_unavailable, "the dial was given up before a Jigasi answered")));
    }
}

void JigasiDial::start(Answer answer) {
    if (started_) {
        return;  // one dial, one client answer
    }
    started_ = true;
    answer_ = std::move(answer);
    port_.count(JigasiEvent::accepted);
    select();
}

void JigasiDial::abort(StanzaError error) {
    ++attempt_;
    if (started_ && !answered_) {
        answer_client(core::unexpected(std::move(error)));
    }
}

void JigasiDial::select() {
    const auto attempt = ++attempt_;
    std::weak_ptr<bool> alive = alive_;
    port_.select(request_.kind, failed_, [this, alive, attempt](const std::optional<std::string>& jigasi) {
        if (!alive.expired()) {
            on_selected(attempt, jigasi);
        }
    });
}

void JigasiDial::on_selected(std::uint64_t attempt, const std::optional<std::string>& jigasi) {
    if (attempt != attempt_ || answered_) {
        return;
    }
    if (!jigasi) {
        // Also after a failed instance: like the reference, running out of instances is "none available", not
        // "all failed".
        port_.count(JigasiEvent::failed_no_instance);
        answer_client(core::unexpected(StanzaError::make(
            ErrorCondition::service_unavailable,
            std::string("no ") + (request_.kind == JigasiKind::transcriber ? "transcriber" : "SIP Jigasi") +
                " available")));
        return;
    }
    jigasi_ = *jigasi;
    std::weak_ptr<bool> alive = alive_;
    auto on_answer_fn = [this, alive, attempt, chosen = *jigasi](const JigasiAnswer& answer) {
        if (!alive.expired()) {
            on_answer(attempt, chosen, answer);
        }
    };
    port_.send(*jigasi, request_.dial, settings_.timeout, std::move(on_answer_fn));
}

void JigasiDial::on_answer(std::uint64_t attempt, const std::string& jigasi, const JigasiAnswer& answer) {
    if (attempt != attempt_ || answered_) {
        return;
    }
    switch (answer.kind) {
        case JigasiAnswer::Kind::result: answer_client(answer.ref); return;
        case JigasiAnswer::Kind::not_connected:
            // Every instance is behind the same connection: another one would fail the same way.
            port_.count(JigasiEvent::failed_xmpp_not_connected);
            answer_client(core::unexpected(
                StanzaError::make(ErrorCondition::service_unavailable, "not connected to the Jigasis' XMPP server")));
            return;
        case JigasiAnswer::Kind::error: port_.count(JigasiEvent::instance_error); break;
        case JigasiAnswer::Kind::timeout: port_.count(JigasiEvent::instance_timeout); break;
    }
    failed_.push_back(jigasi);
    if (retries_ < settings_.max_retries) {
        ++retries_;
        port_.count(JigasiEvent::retry);
        select();
        return;
    }
    const bool timed_out = answer.kind == JigasiAnswer::Kind::timeout;
    answer_client(core::unexpected(
        StanzaError::make(timed_out ? ErrorCondition::remote_server_timeout : ErrorCondition::undefined_condition,
                          "every Jigasi asked failed (" + std::to_string(failed_.size()) + "), the last with " +
                              (timed_out ? "a timeout" : "an error"))));
}

void JigasiDial::answer_client(core::Result<std::optional<stanza::RayoRef>, StanzaError> result) {
    if (answered_) {
        return;
    }
    answered_ = true;
    auto answer = std::move(answer_);
    answer_ = nullptr;
    if (answer) {
        answer(std::move(result));
    }
}

}  // namespace jicofo::jigasi
