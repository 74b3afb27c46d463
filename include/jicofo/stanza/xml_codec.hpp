// Text and libstrophe conversions of XmlElement, with the size limits applied to everything received from peers.
// Only the C types are declared here, so that including this header does not pull in <strophe.h>.
#pragma once

#include "jicofo/stanza/stanza_error.hpp"
#include "jicofo/stanza/xml_element.hpp"

#include <cstddef>
#include <string>
#include <string_view>

extern "C" {
struct _xmpp_ctx_t;
struct _xmpp_stanza_t;
}

namespace jicofo::stanza {

// Inbound documents beyond these are rejected before any typed parsing.
inline constexpr std::size_t kMaxXmlDepth = 32;
inline constexpr std::size_t kMaxXmlElements = 10'000;
inline constexpr std::size_t kMaxAttributeBytes = std::size_t{64} * 1024;
inline constexpr std::size_t kMaxDocumentBytes = std::size_t{8} * 1024 * 1024;

// Parses one element (a stanza or an extension) with libstrophe's expat-based parser. Namespace declarations become
// resolved namespaces; whitespace-only text between child elements is dropped. A root without xmlns has an empty
// namespace. Errors are bad-request values whose text says what was wrong.
ParseResult<XmlElement> parse_xml(std::string_view text);

// Serializes a tree. Text and attribute values are escaped; bytes that cannot appear in XML 1.0 (control characters,
// invalid UTF-8) are replaced so that the output is always well-formed.
std::string to_xml_string(const XmlElement& element);

// Converts a libstrophe tree (e.g. an inbound stanza in a handler) with the same limits as parse_xml.
ParseResult<XmlElement> from_strophe(const _xmpp_stanza_t* stanza);

// Builds a libstrophe tree owned by the caller, who releases it with xmpp_stanza_release. Returns nullptr only when
// libstrophe fails to allocate.
_xmpp_stanza_t* to_strophe(_xmpp_ctx_t* ctx, const XmlElement& element);

// Runs libstrophe's one-time library initialisation (xmpp_initialize) exactly once per process, whichever thread
// gets here first. Every libstrophe context must be created after it: without it, logins started at the same
// instant on several threads fail SASL authentication.
void ensure_strophe_initialized();

// The text with every sequence that XML 1.0 cannot carry replaced by U+FFFD; unchanged for valid input.
std::string sanitize_xml_text(std::string_view text);

}  // namespace jicofo::stanza
