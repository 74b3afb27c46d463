// The room map's side of authentication (jicofo.authentication), on its strand: every conference request goes
// through the authority, only authenticated users create rooms, sessions expire on a timer and logout ends them.
#include "jicofo/auth/token.hpp"
#include "jicofo/conference/focus_manager.hpp"
#include "jicofo/core/logging.hpp"
#include "jicofo/core/text.hpp"

#include <boost/asio/post.hpp>

#include <spdlog/spdlog.h>

#include <cassert>

namespace jicofo::conference {
namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto log = core::module_logger("conference");
    return log;
}

}  // namespace

// Jicofo's ConferenceIqHandler.processExtensions. Rooms on the breakout rooms service Prosody announced are not
// authenticated here (Prosody's breakout module lets only members of the main room create them), and a main room
// that still has breakout rooms is held open by them, so it exists and lets its guests back in.
core::Result<auth::SessionGrant, RequestError> FocusManager::authenticate(const ConferenceRequest& request,
                                                                          bool room_exists) {
    assert(strand_.running_in_this_thread());
    const std::string room = request.room->to_string();
    if (request.token && logger()->should_log(spdlog::level::debug)) {
        // Not validated (Prosody did that at login); only read, for the log and, later, visitor placement.
        const auto claims = auth::parse_token_without_validation(*request.token);
        logger()->debug("room={} token user_id={} group={}", room, claims.user_id.value_or("(none)"),
                        claims.group.value_or("(none)"));
    }
    if (!authority_) {
        return auth::SessionGrant{};
    }
    const auto& services = settings_.room_services;
    if (services && services->breakout_service && !services->breakout_service->empty() &&
        core::iequals_ascii(request.room->domain(), *services->breakout_service)) {
        return auth::SessionGrant{};
    }
    auto grant =
        authority_->authenticate({request.from, *request.room, request.session_id, request.machine_uid, request.token});
    if (!grant) {
        const auto code = grant.error().code == auth::AuthErrc::session_invalid ? RequestErrc::session_invalid
                                                                                : RequestErrc::not_acceptable;
        return core::unexpected(RequestError{code, grant.error().text});
    }
    const bool authenticated = request.from && authority_->is_authenticated(*request.from);
    if (!room_exists && !authenticated) {
        logger()->info("room={} from={} refused: only authenticated users create rooms", room,
                       request.from ? request.from->to_string() : "(rest)");
        return core::unexpected(RequestError{RequestErrc::not_authorized, "not authorized user domain"});
    }
    return std::move(grant).value();
}

void FocusManager::schedule_session_expiry() {
    assert(strand_.running_in_this_thread());
    if (stopped_) {
        return;  // no timer may keep the io_context busy after stop()
    }
    expiry_timer_.expires_after(auth::AuthenticationAuthority::kExpirePollInterval);
    expiry_timer_.async_wait([weak = weak_from_this()](boost::system::error_code error) {
        auto self = weak.lock();
        if (error || !self || self->stopped_) {
            return;
        }
        self->authority_->expire();
        self->schedule_session_expiry();
    });
}

void FocusManager::logout(std::optional<std::string> session_id, std::function<void(bool)> done) {
    boost::asio::post(strand_, [self = shared_from_this(), session_id = std::move(session_id), done = std::move(done)] {
        done(self->authority_ && self->authority_->logout(session_id));
    });
}

}  // namespace jicofo::conference
