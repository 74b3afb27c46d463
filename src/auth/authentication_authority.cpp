// Authentication sessions as Jicofo's XMPPDomainAuthAuthority / ExternalJWTAuthority keep them: created for users
// of the authentication domain, keyed by session id, bound to one machine, renewed on use, expired when idle.
#include "jicofo/auth/authentication_authority.hpp"

#include "jicofo/auth/token.hpp"
#include "jicofo/core/logging.hpp"
#include "jicofo/core/random.hpp"

#include <spdlog/spdlog.h>

#include <sys/random.h>

#include <algorithm>
#include <array>
#include <random>

namespace jicofo::auth {
namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto log = core::module_logger("auth");
    return log;
}

// Jicofo's StringUtils.isBlank: absent, empty or only whitespace.
bool blank(const std::optional<std::string>& text) {
    return !text || std::all_of(text->begin(), text->end(), [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    });
}

// A session id is a bearer secret (whoever has it and the machine-uid is the user), so it comes from the kernel's
// random source rather than a seeded engine.
std::string random_session_id() {
    std::array<unsigned char, 16> bytes{};
    std::size_t filled = 0;
    while (filled < bytes.size()) {
        const auto got = ::getrandom(bytes.data() + filled, bytes.size() - filled, 0);
        if (got <= 0) {
            break;  // not expected on Linux >= 3.17; fall back below
        }
        filled += static_cast<std::size_t>(got);
    }
    if (filled < bytes.size()) {
        std::random_device device;
        for (auto& byte : bytes) {
            byte = static_cast<unsigned char>(device());
        }
    }
    return core::uuid_from_bytes(bytes);  // version 4, as Jicofo's UUID.randomUUID
}

// Session ids are secrets: logs carry only enough of one to correlate lines.
std::string short_id(const std::string& id) {
    return id.substr(0, 8);
}

}  // namespace

std::string_view authority_name(AuthenticationType type) {
    switch (type) {
        case AuthenticationType::xmpp: return "XMPPDomainAuthAuthority";
        case AuthenticationType::jwt: return "ExternalJWTAuthority";
    }
    return "unknown";
}

std::optional<std::string> login_url(const AuthenticationSettings& settings, const stanza::Jid& room) {
    if (settings.type == AuthenticationType::jwt) {
        return std::nullopt;
    }
    return "./" + std::string(room.local()) + "?login=true";
}

AuthenticationAuthority::AuthenticationAuthority(AuthenticationSettings settings, Clock clock, WallClock wall_clock)
    : settings_(std::move(settings)), clock_(std::move(clock)), wall_clock_(std::move(wall_clock)) {
    logger()->info("authentication {} on domain {}: session lifetime {} ms, auto-login {}, owners {}",
                   authority_name(settings_.type), settings_.domain, settings_.lifetime.count(),
                   settings_.enable_auto_login ? "on" : "off",
                   settings_.moderator_from_token ? "by the token's moderator claim" : "every authenticated user");
}

std::chrono::steady_clock::time_point AuthenticationAuthority::now() const {
    return clock_ ? clock_() : std::chrono::steady_clock::now();
}

AuthResult AuthenticationAuthority::authenticate(const AuthenticationRequest& request) {
    AuthenticationSession* session = nullptr;
    if (!blank(request.session_id)) {
        auto found = sessions_.find(*request.session_id);
        if (found == sessions_.end()) {
            logger()->info("room={} from={} unknown session", request.room.to_string(),
                           request.from ? request.from->to_string() : "(rest)");
            return core::unexpected(AuthError{AuthErrc::session_invalid, "invalid session"});
        }
        if (request.machine_uid != found->second.machine_uid) {
            logger()->info("room={} from={} session used with another machine-uid", request.room.to_string(),
                           request.from ? request.from->to_string() : "(rest)");
            return core::unexpected(AuthError{AuthErrc::not_acceptable, "machine UID mismatch or empty"});
        }
        session = &found->second;
    }
    if (session == nullptr && request.from && request.from->domain() == settings_.domain) {
        if (blank(request.machine_uid)) {
            return core::unexpected(AuthError{AuthErrc::not_acceptable, "Missing mandatory attribute 'machine-uid'"});
        }
        session = &create_session(*request.machine_uid, *request.from, request.room);
    }
    if (session == nullptr) {
        return SessionGrant{};  // a guest: fine for an existing room, the caller refuses to create one
    }
    // Over REST there is no JID to bind; the binding of the session's last XMPP user stays.
    if (request.from) {
        session->user_jid = request.from;
        logger()->info("jid={} authenticated as {} (session {})", request.from->to_string(), session->identity,
                       short_id(session->id));
    }
    session->last_used = now();
    if (settings_.moderator_from_token) {
        session->moderator_of = moderator_room(request);
    }
    return SessionGrant{session->id, session->identity};
}

AuthenticationSession& AuthenticationAuthority::create_session(const std::string& machine_uid, const stanza::Jid& user,
                                                               const stanza::Jid& room) {
    std::string id = random_session_id();
    while (sessions_.contains(id)) {
        id = random_session_id();
    }
    AuthenticationSession session;
    session.id = id;
    session.machine_uid = machine_uid;
    session.identity = user.bare().to_string();
    session.room = room;
    session.last_used = now();
    logger()->info("room={} session {} created for {}", room.to_string(), short_id(id), session.identity);
    return sessions_.emplace(id, std::move(session)).first->second;
}

std::optional<std::string> AuthenticationAuthority::identity_of(const stanza::Jid& jid) const {
    for (const auto& [id, session] : sessions_) {
        if (session.user_jid == jid) {
            return session.identity;
        }
    }
    return std::nullopt;
}

bool AuthenticationAuthority::grants_owner(const stanza::Jid& jid, const stanza::Jid& room) const {
    for (const auto& [id, session] : sessions_) {
        if (session.user_jid == jid) {
            return !settings_.moderator_from_token || session.moderator_of == room;
        }
    }
    return false;
}

std::optional<stanza::Jid> AuthenticationAuthority::moderator_room(const AuthenticationRequest& request) const {
    const std::string who = request.from ? request.from->to_string() : "(rest)";
    if (!request.token) {
        logger()->info("room={} from={} not a moderator: the request carries no token", request.room.to_string(), who);
        return std::nullopt;
    }
    const auto at = wall_clock_ ? wall_clock_() : std::chrono::system_clock::now();
    auto claims = verify_hs256_token(*request.token, settings_.token_secret, at, settings_.token_leeway);
    if (!claims) {
        logger()->warn("room={} from={} not a moderator: the token is refused ({})", request.room.to_string(), who,
                       claims.error());
        return std::nullopt;
    }
    if (claims->moderator != true) {
        logger()->info("room={} from={} not a moderator: the token has no moderator claim", request.room.to_string(),
                       who);
        return std::nullopt;
    }
    // Prosody's tenant rooms are named "[tenant]room"; a token names the room alone.
    std::string_view room_name = request.room.local();
    if (room_name.starts_with('[')) {
        if (const auto close = room_name.find(']'); close != std::string_view::npos) {
            room_name.remove_prefix(close + 1);
        }
    }
    if (!token_admits_room(*claims, room_name)) {
        logger()->warn("room={} from={} not a moderator: the token is for room '{}'", request.room.to_string(), who,
                       claims->room.value_or("(none)"));
        return std::nullopt;
    }
    logger()->info("room={} from={} is a moderator by its token", request.room.to_string(), who);
    return request.room;
}

bool AuthenticationAuthority::logout(const std::optional<std::string>& session_id) {
    if (!session_id) {
        return false;
    }
    auto found = sessions_.find(*session_id);
    if (found == sessions_.end()) {
        return false;
    }
    logger()->info("session {} of {} logged out", short_id(found->first), found->second.identity);
    sessions_.erase(found);
    return true;
}

void AuthenticationAuthority::conference_ended(const stanza::Jid& room) {
    if (settings_.enable_auto_login) {
        return;
    }
    const auto removed = std::erase_if(sessions_, [&room](const auto& entry) { return entry.second.room == room; });
    if (removed > 0) {
        logger()->info("room={} conference ended: {} session(s) removed", room.to_string(), removed);
    }
}

std::size_t AuthenticationAuthority::expire() {
    const auto cutoff = now() - settings_.lifetime;
    return std::erase_if(sessions_, [cutoff](const auto& entry) {
        if (entry.second.last_used >= cutoff) {
            return false;
        }
        logger()->info("session {} of {} expired", short_id(entry.first), entry.second.identity);
        return true;
    });
}

std::vector<AuthenticationSession> AuthenticationAuthority::sessions() const {
    std::vector<AuthenticationSession> copies;
    copies.reserve(sessions_.size());
    for (const auto& [id, session] : sessions_) {
        copies.push_back(session);
    }
    std::sort(copies.begin(), copies.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    return copies;
}

}  // namespace jicofo::auth
