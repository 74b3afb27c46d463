// The signature header of a webhook body: HMAC-SHA256 (core/hmac.hpp) over the exact bytes sent.
#include "jicofo/webhooks/signature.hpp"

#include "jicofo/core/hmac.hpp"

namespace jicofo::webhooks {

std::string signature_header_value(std::string_view secret, std::string_view body) {
    return "sha256=" + core::to_hex(core::hmac_sha256(secret, body));
}

}  // namespace jicofo::webhooks
