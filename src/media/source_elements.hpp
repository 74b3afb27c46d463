// Internal to the media module: one reading of signalled <source/> and <ssrc-group/> elements into the source model,
// shared by the Jingle and colibri2 conversions so that both refuse the same things in the same words.
#pragma once

#include "jicofo/core/result.hpp"
#include "jicofo/sources/source_error.hpp"
#include "jicofo/sources/source_set.hpp"
#include "jicofo/stanza/jingle_rtp.hpp"

#include <cstdint>
#include <string>

namespace jicofo::media::detail {

using SourceResult = core::Result<sources::Source, sources::SourceError>;
using GroupResult = core::Result<sources::SsrcGroup, sources::SourceError>;

[[nodiscard]] core::Unexpected<sources::SourceError> invalid(std::string reason);

// The stanza layer has read the SSRC as a 32-bit number; whether it is usable is the source model's rule, so the
// same text goes through sources::parse_ssrc and gives the same error.
[[nodiscard]] core::Result<std::uint32_t, sources::SourceError> usable_ssrc(std::uint32_t ssrc);

// A source of the given media: name, msid (its 'msid' parameter), videoType (camera or desktop, any case).
[[nodiscard]] SourceResult read_source(const stanza::Source& element, sources::MediaType media);

// A group of the given media; semantics SIM or FID in any case, stored in upper case.
[[nodiscard]] GroupResult read_group(const stanza::SsrcGroup& element, sources::MediaType media);

// Adds a read source to a set: an exact repeat collapses, the same SSRC with other fields is refused.
[[nodiscard]] core::Result<bool, sources::SourceError> add_source(sources::EndpointSourceSet& set,
                                                                  sources::Source source);

[[nodiscard]] sources::MediaType to_sources_media(stanza::MediaType media);
[[nodiscard]] stanza::MediaType to_stanza_media(sources::MediaType media);

}  // namespace jicofo::media::detail
