// Authentication sessions (jicofo.authentication, types XMPP and JWT): who may create a room, who is granted owner,
// and the session a client keeps across reconnects. Plain logic over an injectable clock. Not thread-safe: the one
// instance is owned by the room map's strand (FocusManager), which is where every conference request is handled.
#pragma once

#include "jicofo/core/result.hpp"
#include "jicofo/stanza/jid.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace jicofo::auth {

using namespace std::chrono_literals;

enum class AuthenticationType {
    xmpp,  // users logged in on the authentication domain with a password
    jwt,   // users logged in on the authentication domain with a token (Prosody validated it)
};

struct AuthenticationSettings {
    AuthenticationType type = AuthenticationType::xmpp;
    // jicofo.authentication.login-url: the XMPP domain whose users count as authenticated (case-folded).
    std::string domain;
    std::chrono::milliseconds lifetime = 24h;  // a session unused for longer expires
    bool enable_auto_login = true;             // false: sessions end with the conference they were created for
    // jicofo.authentication.moderator-from-token (JWT only): owner only for users whose conference request carried
    // a token, signed with `token_secret` (HS256), whose context.user.moderator claim is true and whose room claim
    // admits the room. Off: every authenticated user is made owner, as in Jicofo.
    bool moderator_from_token = false;
    std::string token_secret;
    std::chrono::seconds token_leeway = std::chrono::seconds(60);  // clock skew allowed on exp and nbf
};

// Jicofo's class name for the type, as /debug shows it.
[[nodiscard]] std::string_view authority_name(AuthenticationType type);

// The <login-url/> answer: "./<room localpart>?login=true" for XMPP (the web app's own login page); nothing for
// JWT, whose login page the client knows itself.
[[nodiscard]] std::optional<std::string> login_url(const AuthenticationSettings& settings, const stanza::Jid& room);

// The parts of a conference request that authentication looks at.
struct AuthenticationRequest {
    std::optional<stanza::Jid> from;  // the real sender's full JID; absent over REST
    stanza::Jid room;
    std::optional<std::string> session_id;
    std::optional<std::string> machine_uid;
    std::optional<std::string> token;  // the request's JWT, for moderator-from-token
};

// The session a request is bound to, for the conference reply (session-id, identity); empty when none.
struct SessionGrant {
    std::optional<std::string> session_id;
    std::optional<std::string> identity;  // the bare JID that logged in on the authentication domain
};

enum class AuthErrc {
    session_invalid = 1,  // unknown session: not-acceptable with <session-invalid/>, the client drops its session
    not_acceptable,       // machine-uid missing for a new session, or not the session's
};

struct AuthError {
    AuthErrc code = AuthErrc::session_invalid;
    std::string text;
};

using AuthResult = core::Result<SessionGrant, AuthError>;

struct AuthenticationSession {
    std::string id;
    std::string machine_uid;
    std::string identity;
    stanza::Jid room;                     // the conference it was created for
    std::optional<stanza::Jid> user_jid;  // the full JID that last authenticated with it
    std::chrono::steady_clock::time_point last_used;
    // With moderator-from-token: the room whose moderator the last request's verified token made this user.
    std::optional<stanza::Jid> moderator_of;
};

class AuthenticationAuthority {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;
    using WallClock = std::function<std::chrono::system_clock::time_point()>;
    // How often the owner should call expire() (Jicofo polls every 10 s).
    static constexpr std::chrono::milliseconds kExpirePollInterval = 10s;

    // `clock` defaults to steady_clock::now and `wall_clock` (token expiry) to system_clock::now; tests pass manual
    // ones.
    explicit AuthenticationAuthority(AuthenticationSettings settings, Clock clock = {}, WallClock wall_clock = {});

    // Jicofo's processAuthentication, for every conference request (room creation is decided by the caller, with
    // identity_of(from)):
    // - a session id that is not ours → session_invalid; one used with another machine-uid → not_acceptable;
    // - no session and a sender on the authentication domain → a new session for its bare JID (machine-uid
    //   required, else not_acceptable);
    // - with a session, the sender's full JID is bound to it (the session's previous JID is no longer
    //   authenticated), the session is renewed, and the grant names it;
    // - with moderator-from-token, the request's token decides whether the session's user moderates the room.
    AuthResult authenticate(const AuthenticationRequest& request);

    // The identity of the session `jid` (a full JID, as an occupant's real JID) is bound to; nullopt when none.
    [[nodiscard]] std::optional<std::string> identity_of(const stanza::Jid& jid) const;
    [[nodiscard]] bool is_authenticated(const stanza::Jid& jid) const { return identity_of(jid).has_value(); }
    // Whether the member with real JID `jid` is made owner of `room`: authenticated, and with moderator-from-token,
    // a moderator of that room by its token.
    [[nodiscard]] bool grants_owner(const stanza::Jid& jid, const stanza::Jid& room) const;

    // <logout/>: removes the session; false when there is no such session (the answer is session-invalid).
    bool logout(const std::optional<std::string>& session_id);

    // Without auto-login, the sessions created for this conference end with it.
    void conference_ended(const stanza::Jid& room);

    // Removes the sessions unused for longer than the lifetime; returns how many. Call every kExpirePollInterval.
    std::size_t expire();

    // externalAuth in the conference reply: the login happens outside (JWT).
    [[nodiscard]] bool external() const { return settings_.type == AuthenticationType::jwt; }
    [[nodiscard]] const AuthenticationSettings& settings() const { return settings_; }
    // Copies, ordered by id, for tests and /debug.
    [[nodiscard]] std::vector<AuthenticationSession> sessions() const;

private:
    AuthenticationSession& create_session(const std::string& machine_uid, const stanza::Jid& user,
                                          const stanza::Jid& room);
    [[nodiscard]] std::chrono::steady_clock::time_point now() const;
    [[nodiscard]] std::optional<stanza::Jid> moderator_room(const AuthenticationRequest& request) const;

    AuthenticationSettings settings_;
    Clock clock_;
    WallClock wall_clock_;
    std::unordered_map<std::string, AuthenticationSession> sessions_;  // by session id
};

}  // namespace jicofo::auth
