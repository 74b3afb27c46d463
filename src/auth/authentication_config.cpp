// jicofo.authentication (and the legacy org.jitsi.jicofo.auth.* keys already merged into it) onto
// AuthenticationSettings, with Jicofo's fixed values for JWT.
#include "jicofo/auth/authentication_config.hpp"

namespace jicofo::auth {

core::Result<std::optional<AuthenticationSettings>, std::string> authentication_settings(
    const config::AuthenticationConfig& config) {
    using NoAuth = std::optional<AuthenticationSettings>;
    const auto type = config.effective_type();
    if (type == config::AuthenticationType::None) {
        return NoAuth();
    }
    const std::string login_url = config.login_url.value_or("");
    auto domain = stanza::Jid::parse(login_url);
    if (!domain || !domain->is_domain()) {
        return core::unexpected("jicofo.authentication.login-url '" + login_url +
                                "' is not an XMPP domain (the domain users log in on, e.g. meet.example.com)");
    }
    AuthenticationSettings settings;
    settings.domain = std::string(domain->domain());
    if (type == config::AuthenticationType::Jwt) {
        settings.type = AuthenticationType::jwt;
        settings.lifetime = 1min;
        settings.enable_auto_login = false;
        settings.moderator_from_token = config.moderator_from_token;
        settings.token_secret = config.token_secret.value_or("");
    } else {
        settings.type = AuthenticationType::xmpp;
        settings.lifetime = config.authentication_lifetime;
        settings.enable_auto_login = config.enable_auto_login;
    }
    return NoAuth(std::move(settings));
}

}  // namespace jicofo::auth
