// libFuzzer target: a JWT as a client sends it (conference IQ or REST Authorization), read without validation for
// its claims, and base64url on its own. Never fails, never crashes.
#include "jicofo/auth/token.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    static_cast<void>(jicofo::auth::base64url_decode(text));
    static_cast<void>(jicofo::auth::parse_token_without_validation(text));
    return 0;
}
