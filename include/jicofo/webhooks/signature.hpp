// The HMAC-SHA256 signature of a webhook body, as the receiver recomputes it with the shared secret.
#pragma once

#include <string>
#include <string_view>

namespace jicofo::webhooks {

// The name of the header that carries the signature.
inline constexpr std::string_view kSignatureHeader = "X-Jicofo-Signature";

// The signature header's value for `body`: "sha256=<hex>".
[[nodiscard]] std::string signature_header_value(std::string_view secret, std::string_view body);

}  // namespace jicofo::webhooks
