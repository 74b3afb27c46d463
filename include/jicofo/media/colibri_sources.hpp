// Sources between colibri2 and the source model: an endpoint's sources as the bridge wants them, and the bridge's
// own feedback sources as clients expect them.
#pragma once

#include "jicofo/core/result.hpp"
#include "jicofo/sources/source_error.hpp"
#include "jicofo/sources/source_set.hpp"
#include "jicofo/stanza/colibri2.hpp"

#include <string>

namespace jicofo::media {

// The colibri2 id of a source without a name: "<endpoint>-a0" or "<endpoint>-v0", the name lib-jitsi-meet gives the
// first source of each media, so older clients that send no names still get one source per media on the bridge.
[[nodiscard]] std::string default_source_name(const std::string& endpoint_id, sources::MediaType media);

// An endpoint's sources for its colibri2 endpoint: one <media-source type id> per source name (or default name),
// in the order the names first appear, each with its <source ssrc name videoType?/> elements (no msid or owner:
// the bridge does not use them). A group goes with the media source of the first source, in signalling order, that
// it contains. A media source with a synthetic source (translated audio) is marked synthetic='true'.
[[nodiscard]] stanza::Colibri2Sources colibri_sources(const sources::EndpointSourceSet& set,
                                                      const std::string& endpoint_id);

// The reverse, for what a bridge or relay signals: the media from each media-source's type, msid from a 'msid'
// parameter if there is one. Refused (invalid) for an SSRC 0 in a source or group, an unknown videoType or group
// semantics other than SIM and FID.
[[nodiscard]] core::Result<sources::EndpointSourceSet, sources::SourceError> sources_from_colibri(
    const stanza::Colibri2Sources& colibri);

// The bridge's feedback sources from a <conference-modified/> that created the conference, for the "jvb" owner:
// the name the bridge gave (jvb-a0, jvb-v0 when it gave none) and msid "mixedmslabel mixedlabel{audio|video}0",
// which is how jitsi-meet clients recognise them. An SSRC 0, or a group that cannot be read, is skipped with a
// warning rather than failing the allocation: the participants can do without one feedback source.
[[nodiscard]] sources::EndpointSourceSet feedback_sources(const stanza::Colibri2Sources& colibri);

}  // namespace jicofo::media
