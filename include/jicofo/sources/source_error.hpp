// Why a set of sources was refused: a reason for logs and the stanza error text, and a kind that picks the condition.
#pragma once

#include <string>
#include <string_view>

namespace jicofo::sources {

enum class SourceErrorKind {
    invalid = 1,  // malformed or conflicting sources: answered bad-request
    limit,        // over max-ssrcs-per-user or max-ssrc-groups-per-user: answered resource-constraint
};

struct SourceError {
    SourceErrorKind kind = SourceErrorKind::invalid;
    std::string reason;
};

// The XMPP stanza error condition a Jingle handler answers a refused request with.
[[nodiscard]] std::string_view stanza_condition(SourceErrorKind kind);

}  // namespace jicofo::sources
