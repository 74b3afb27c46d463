// Jibri sessions of one conference and what clients see of them.
#include "jicofo/recording/conference_recording.hpp"

#include "jicofo/conference/conference_media.hpp"
#include "jicofo/core/logging.hpp"
#include "jicofo/core/random.hpp"
#include "jicofo/recording/recording_service.hpp"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace jicofo::recording {
namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto log = core::module_logger("jibri");
    return log;
}

using stanza::ErrorCondition;
using stanza::StanzaError;

JibriAnswer to_answer(const xmpp::IqResult& result) {
    if (result) {
        JibriAnswer answer;
        if (result->payload) {
            if (auto parsed = stanza::JibriIq::parse(*result->payload)) {
                answer.iq = std::move(parsed).value();
            }
        }
        return answer;
    }
    const bool timeout = result.error().code == make_error_code(core::Errc::timeout);
    return JibriAnswer{timeout ? JibriAnswer::Kind::timeout : JibriAnswer::Kind::error, std::nullopt};
}

}  // namespace

// One session's way out: selection and IQs through the service (answers come back on the conference's strand),
// timers on that strand, statuses published by the conference's instance.
class ConferenceRecording::Port : public JibriPort {
public:
    Port(ConferenceRecording& owner, Session& session) : owner_(owner), session_(session) {}

    void select(std::function<void(core::Result<std::string, NoJibri>)> done) override {
        owner_.service_->select(session_.request.kind, owner_.conference_.room(), owner_.conference_.strand(),
                                std::move(done));
    }
    void failed(const std::string& jibri) override { owner_.service_->failed(session_.request.kind, jibri); }
    void send(const std::string& jibri, const stanza::JibriIq& iq, std::function<void(JibriAnswer)> done) override {
        auto to = stanza::Jid::parse(jibri);
        if (!to) {
            done(JibriAnswer{JibriAnswer::Kind::error, std::nullopt});
            return;
        }
        stanza::Iq request;
        request.header.type = stanza::IqType::set;
        request.header.to = std::move(to).value();
        request.payload = iq.to_xml();
        owner_.service_->send(session_.request.kind, std::move(request), owner_.conference_.strand(),
                              [done = std::move(done)](const xmpp::IqResult& result) { done(to_answer(result)); });
    }
    void after(std::chrono::milliseconds delay, std::function<void()> fn) override {
        owner_.after(delay, std::move(fn));
    }
    void status_changed(const JibriSessionStatus& status) override { owner_.publish(session_, status); }
    void session_failed(JibriFailure cause) override {
        logger()->debug("room={} session={} failed: {}", owner_.conference_.room().to_string(),
                        session_.session ? session_.session->session_id() : "?", to_string(cause));
        owner_.service_->metrics().failed(session_.request, cause);
    }

private:
    ConferenceRecording& owner_;
    Session& session_;
};

ConferenceRecording::ConferenceRecording(std::shared_ptr<RecordingService> service,
                                         conference::ConferenceView& conference)
    : service_(std::move(service)), conference_(conference) {}

ConferenceRecording::~ConferenceRecording() {
    *alive_ = false;
    for (auto& weak : timers_) {
        if (auto timer = weak.lock()) {
            timer->cancel();
        }
    }
    // A conference torn down without ConferenceEnding still leaves the gauges true.
    auto uncount = [this](Session& session) {
        if (session.counted_active) {
            service_->metrics().active(session.request).Decrement();
        }
    };
    if (recorder_) {
        uncount(*recorder_);
    }
    for (auto& [address, call] : sip_calls_) {
        uncount(*call);
    }
}

void ConferenceRecording::client_request(const stanza::Iq& request, const stanza::JibriIq& jibri) {
    prune();
    RequestContext context;
    context.moderator_checks = service_->settings().moderator_checks;
    if (request.header.from) {
        if (const auto* member = conference_.member(request.header.from->resource())) {
            context.sender_role = member->role;
        }
    }
    const auto kind = kind_of(jibri);
    context.recorder_active = active(JibriKind::recorder, std::nullopt);
    context.sip_gateway_active = kind == JibriKind::sip_gateway && active(kind, jibri.sip_address);
    auto read = read_client_request(jibri, context);
    if (!read) {
        logger()->info("room={} jibri request from {} refused: {}", conference_.room().to_string(),
                       request.header.from ? request.header.from->to_string() : "?", read.error().text);
        conference_.reply(stanza::Iq::error_for(request, read.error()));
        return;
    }
    if (const auto* start_request = std::get_if<StartRequest>(&*read)) {
        start(request, *start_request);
    } else {
        stop(request, std::get<StopRequest>(*read));
    }
}

void ConferenceRecording::start(const stanza::Iq& request, const StartRequest& start) {
    if (!service_->settings().configured(start.kind)) {
        conference_.reply(stanza::Iq::error_for(
            request, StanzaError::make(ErrorCondition::service_unavailable,
                                       start.kind == JibriKind::recorder ? "no Jibri brewery is configured"
                                                                         : "no SIP Jibri brewery is configured")));
        return;
    }
    if (start.kind == JibriKind::sip_gateway && sip_calls_.size() >= kMaxSipCalls) {
        conference_.reply(stanza::Iq::error_for(
            request, StanzaError::make(ErrorCondition::resource_constraint, "too many SIP calls in this conference")));
        return;
    }
    auto session = std::make_unique<Session>();
    session->request = start;
    session->initiator = request.header.from.value_or(stanza::Jid{});
    session->port = std::make_unique<Port>(*this, *session);
    const bool rtcstats = conference_.media() ? conference_.media()->options().rtcstats_enabled : true;
    session->session = std::make_unique<JibriSession>(*session->port, service_->settings().session, start,
                                                      core::random_uuid(), conference_.room(), rtcstats);
    auto& started = *session;
    if (start.kind == JibriKind::recorder) {
        recorder_ = std::move(session);
    } else {
        sip_calls_[*start.sip_address] = std::move(session);
    }
    logger()->info("room={} session={} {} requested by {}", conference_.room().to_string(),
                   started.session->session_id(), session_type(start), started.initiator.to_string());
    std::weak_ptr<bool> alive = alive_;
    started.session->start([this, alive, request](core::Result<std::string, StanzaError> result) {
        if (!alive.lock()) {
            return;
        }
        if (!result) {
            conference_.reply(stanza::Iq::error_for(request, result.error()));
            return;
        }
        stanza::JibriIq answer;
        answer.session_id = *result;
        conference_.reply(stanza::Iq::result_for(request, answer.to_xml()));
    });
}

void ConferenceRecording::stop(const stanza::Iq& request, const StopRequest& stop) {
    auto* session = find(stop.kind, stop.sip_address);
    if (!session || !session->session->active()) {
        conference_.reply(
            stanza::Iq::error_for(request, StanzaError::make(ErrorCondition::item_not_found, "Unknown session")));
        return;
    }
    session->terminator = request.header.from;
    session->session->stop();
    conference_.reply(stanza::Iq::result_for(request));
}

bool ConferenceRecording::jibri_status(JibriKind kind, const std::string& jibri, const stanza::JibriIq& status) {
    auto handles = [&](Session& session) {
        return session.request.kind == kind && session.session->active() &&
               session.session->current_jibri() == std::optional<std::string>(jibri) &&
               session.session->jibri_status(jibri, status);
    };
    if (recorder_ && handles(*recorder_)) {
        return true;
    }
    return std::any_of(sip_calls_.begin(), sip_calls_.end(), [&](auto& entry) { return handles(*entry.second); });
}

void ConferenceRecording::jibri_left(JibriKind kind, const std::string& jibri) {
    if (kind == JibriKind::recorder) {
        if (recorder_) {
            recorder_->session->jibri_left(jibri);
        }
        return;
    }
    for (auto& [address, call] : sip_calls_) {
        call->session->jibri_left(jibri);
    }
}

void ConferenceRecording::on_event(conference::ConferenceView&, const conference::ConferenceEvent& event) {
    if (const auto* ending = std::get_if<conference::ConferenceEnding>(&event)) {
        stop_all(ending->reason);
    }
}

void ConferenceRecording::stop_all(std::string_view why) {
    auto stop_one = [&](Session& session) {
        if (session.session->active()) {
            logger()->info("room={} session={} stopped: {}", conference_.room().to_string(),
                           session.session->session_id(), why);
            session.session->stop();
        }
    };
    if (recorder_) {
        stop_one(*recorder_);
    }
    for (auto& [address, call] : sip_calls_) {
        stop_one(*call);
    }
}

ConferenceRecording::Session* ConferenceRecording::find(JibriKind kind, const std::optional<std::string>& sip_address) {
    if (kind == JibriKind::recorder) {
        return recorder_.get();
    }
    if (!sip_address) {
        return nullptr;
    }
    auto it = sip_calls_.find(*sip_address);
    return it == sip_calls_.end() ? nullptr : it->second.get();
}

bool ConferenceRecording::active(JibriKind kind, const std::optional<std::string>& sip_address) {
    const auto* session = find(kind, sip_address);
    return session && session->session->active();
}

void ConferenceRecording::prune() {
    if (recorder_ && !recorder_->session->active()) {
        recorder_.reset();
    }
    std::erase_if(sip_calls_, [](const auto& entry) { return !entry.second->session->active(); });
    std::erase_if(timers_, [](const auto& timer) { return timer.expired(); });
}

void ConferenceRecording::publish(Session& session, const JibriSessionStatus& status) {
    session.last = status;
    const bool on = status.status == stanza::JibriStatusValue::on;
    if (on != session.counted_active) {
        auto& gauge = service_->metrics().active(session.request);
        on ? gauge.Increment() : gauge.Decrement();
        session.counted_active = on;
        announce(session, status, on);
    }
    if (session.request.kind == JibriKind::sip_gateway) {
        stanza::JibriSipCallState state;
        state.state = status.status;
        state.failure_reason = status.failure_reason;
        state.session_id = session.session->session_id();
        state.sip_address = session.request.sip_address;
        conference_.set_presence_extension(state.to_xml());
        return;
    }
    stanza::JibriRecordingStatus recording;
    recording.status = status.status;
    recording.failure_reason = status.failure_reason;
    recording.session_id = session.session->session_id();
    // As the reference: who started it while on, who stopped it once off (nobody: it ended by itself).
    if (on) {
        recording.initiator = session.initiator;
    } else if (status.status == stanza::JibriStatusValue::off) {
        recording.initiator = session.terminator;
    }
    recording.recording_mode = session.request.mode;
    conference_.set_presence_extension(recording.to_xml());
}

void ConferenceRecording::announce(const Session& session, const JibriSessionStatus& status, bool on) {
    const std::string initiator = on                   ? session.initiator.to_string()
                                  : session.terminator ? session.terminator->to_string()
                                                       : std::string();
    const std::string failure = status.failure_reason ? std::string(stanza::to_string(*status.failure_reason)) : "";
    const std::string session_id = session.session->session_id();
    std::string_view mode = "sip";
    if (session.request.kind == JibriKind::recorder) {
        mode = stanza::to_string(session.request.mode);
    }
    conference_.announce(conference::RecordingChanged{mode, on, session_id, initiator, failure});
}

void ConferenceRecording::after(std::chrono::milliseconds delay, std::function<void()> fn) {
    // The wait owns its timer; the instance keeps a weak reference to cancel it when the conference goes.
    auto timer = std::make_shared<boost::asio::steady_timer>(conference_.strand(), delay);
    timers_.push_back(timer);
    timer->async_wait(
        [timer, alive = std::weak_ptr<bool>(alive_), fn = std::move(fn)](const boost::system::error_code& error) {
            if (!error && alive.lock()) {
                fn();
            }
        });
}

std::optional<std::string> ConferenceRecording::debug_json() const {
    auto describe = [](const Session& session) {
        nlohmann::ordered_json entry{
            {"session_id", session.session->session_id()},
            {"type", session_type(session.request)},
            {"active", session.session->active()},
            {"jibri", session.session->current_jibri() ? nlohmann::ordered_json(*session.session->current_jibri())
                                                       : nlohmann::ordered_json(nullptr)},
            {"retries", session.session->retries()},
            {"initiator", session.initiator.to_string()},
        };
        if (session.last) {
            entry["status"] = stanza::to_string(session.last->status);
            if (session.last->failure_reason) {
                entry["failure_reason"] = stanza::to_string(*session.last->failure_reason);
            }
        }
        if (session.request.sip_address) {
            entry["sip_address"] = *session.request.sip_address;
        }
        return entry;
    };
    if (!recorder_ && sip_calls_.empty()) {
        return std::nullopt;
    }
    nlohmann::ordered_json sessions = nlohmann::ordered_json::array();
    if (recorder_) {
        sessions.push_back(describe(*recorder_));
    }
    for (const auto& [address, call] : sip_calls_) {
        sessions.push_back(describe(*call));
    }
    return nlohmann::ordered_json{{"jibri_sessions", std::move(sessions)}}.dump();
}

}  // namespace jicofo::recording
