// The outcome of an outgoing IQ request: the reply, or why there is none.
#pragma once

#include "jicofo/core/error.hpp"
#include "jicofo/core/result.hpp"
#include "jicofo/stanza/envelope.hpp"
#include "jicofo/stanza/stanza_error.hpp"

#include <functional>
#include <optional>
#include <string>
#include <system_error>

namespace jicofo::xmpp {

// `code` classifies the failure (Errc::timeout, disconnected, shutting_down, or the class of a stanza error);
// `stanza_error` is set when the peer answered with type='error'.
struct IqError {
    std::error_code code;
    std::optional<stanza::StanzaError> stanza_error;

    static IqError from(core::Errc errc) { return {make_error_code(errc), std::nullopt}; }
    static IqError from(stanza::StanzaError error);
    [[nodiscard]] std::string message() const;
};

using IqResult = core::Result<stanza::Iq, IqError>;
using IqCallback = std::function<void(IqResult)>;

}  // namespace jicofo::xmpp
