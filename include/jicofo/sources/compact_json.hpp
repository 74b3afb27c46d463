// The compact JSON encoding of sources that Jicofo puts in a Jingle <json-message> instead of <source> elements
// when the client supports http://jitsi.org/json-encoded-sources.
#pragma once

#include "jicofo/core/result.hpp"
#include "jicofo/sources/conference_source_map.hpp"
#include "jicofo/sources/source_error.hpp"

#include <string>
#include <string_view>

namespace jicofo::sources {

// {"sources":{"<owner>":[[video sources],[video groups],[audio sources],[audio groups]]}}. A source is
// {"s":ssrc,"n":"name","m":"msid","v":"d"}, with absent fields left out and "v":"d" only for desktop (clients take
// a video source without "v" as camera). A group is ["s"|"f",ssrc...] for SIM and FID; groups of other semantics
// are left out, as clients cannot express them. The audio group array is left out when empty, as Jicofo does.
// Unlike Jicofo, names and msids are escaped, so a quote in a client's msid cannot break the message.
[[nodiscard]] std::string encode_compact_json(const ConferenceSourceMap& sources);

// The reverse, for tests and for peers that read what we send. Malformed JSON, a missing "sources" object, wrong
// types, an SSRC outside 1..2^32-1, more than four arrays per owner or unknown group semantics are an error (invalid).
[[nodiscard]] core::Result<ConferenceSourceMap, SourceError> decode_compact_json(std::string_view text);

}  // namespace jicofo::sources
