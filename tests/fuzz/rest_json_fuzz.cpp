// libFuzzer target: the JSON bodies of the REST routes that take one, as the application reads them:
// /conference-request/v1 (with an Authorization header from the input's first line), /pin and /pin/remove, and the
// nesting scan every JSON route runs before parsing. A bad body is an error value; nothing may crash.
#include "jicofo/app/conference_json.hpp"
#include "jicofo/app/media_routes.hpp"
#include "jicofo/rest/request_guard.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    constexpr std::size_t kLimit = 32;
    if (jicofo::rest::json_nesting_depth(input, kLimit) > kLimit + 1) {
        std::abort();  // the scan stops one level past the limit
    }
    static_cast<void>(jicofo::app::conference_request_from_json(input, std::nullopt));
    if (const auto newline = input.find('\n'); newline != std::string_view::npos) {
        static_cast<void>(
            jicofo::app::conference_request_from_json(input.substr(newline + 1), input.substr(0, newline)));
    }
    static_cast<void>(jicofo::app::pin_request_from_json(input));
    static_cast<void>(jicofo::app::unpin_request_from_json(input));
    return 0;
}
