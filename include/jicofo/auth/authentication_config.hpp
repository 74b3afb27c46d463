// jicofo.authentication mapped onto the authority's settings; kept apart so that users of the authority (the
// conference module) do not see the configuration types.
#pragma once

#include "jicofo/auth/authentication_authority.hpp"
#include "jicofo/config/sections.hpp"
#include "jicofo/core/result.hpp"

#include <optional>
#include <string>

namespace jicofo::auth {

// The settings the authority runs with, or nullopt when authentication is off. JWT always gets a one-minute
// lifetime and no auto-login whatever the configuration says (Jicofo's ExternalJWTAuthority: the session only
// bridges a guest connection to the token login). An error names the key when login-url is not an XMPP domain.
[[nodiscard]] core::Result<std::optional<AuthenticationSettings>, std::string> authentication_settings(
    const config::AuthenticationConfig& config);

}  // namespace jicofo::auth
