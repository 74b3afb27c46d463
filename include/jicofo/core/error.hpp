// Expected failures as std::error_code values of jicofo's own category.
#pragma once

#include <string>
#include <system_error>

namespace jicofo::core {

enum class Errc {
    timeout = 1,
    disconnected,
    not_found,
    bad_request,
    not_allowed,
    unavailable,
    shutting_down,
    internal,
    resource_constraint,  // a cap is reached (pending requests, queued stanzas): refused, retry later
};

const std::error_category& jicofo_category();

inline std::error_code make_error_code(Errc code) {
    return {static_cast<int>(code), jicofo_category()};
}

}  // namespace jicofo::core

template <>
struct std::is_error_code_enum<jicofo::core::Errc> : std::true_type {};
