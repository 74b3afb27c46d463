// Sources between Jingle and the source model: reading what a participant signals (session-accept, source-add,
// source-remove) and writing the conference's sources to a receiver, inline or as compact JSON.
#pragma once

#include "jicofo/core/result.hpp"
#include "jicofo/sources/conference_source_map.hpp"
#include "jicofo/sources/source_error.hpp"
#include "jicofo/sources/source_set.hpp"
#include "jicofo/stanza/jingle.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace jicofo::media {

// The sources and groups a participant signals in its contents. A content's media is its description's media
// attribute, or its name when the attribute is absent (some source-add); a source's msid is its 'msid' parameter;
// groups take the media of their content. Contents without sources or groups (data) are skipped, and any ssrc-info
// owner a client writes is ignored. Refused (invalid), as Jicofo refuses them while parsing:
//   an SSRC that is not usable (0, by sources::parse_ssrc's rules), in a source or a group;
//   sources in a content whose media is neither audio nor video;
//   a videoType other than camera or desktop (any case);
//   group semantics other than SIM or FID (any case; stored in upper case);
//   one SSRC signalled twice with different media, names, msids or video types.
// Exact repeats collapse. The rest (groups over unknown SSRCs, msid rules, limits) is sources::validate_add's job.
[[nodiscard]] core::Result<sources::EndpointSourceSet, sources::SourceError> sources_from_contents(
    const std::vector<stanza::JingleContent>& contents);

// How many <source/> and <ssrc-group/> elements the contents carry (for sources::refuse_oversized, before
// sources_from_contents, whose duplicate checks are pairwise).
struct SignalledCounts {
    std::size_t sources = 0;
    std::size_t groups = 0;
};
[[nodiscard]] SignalledCounts count_signalled(const std::vector<stanza::JingleContent>& contents);

// Maps an endpoint id (a key of the conference's source map) to the owner written in <ssrc-info owner/>.
using OwnerJid = std::function<std::string(std::string_view endpoint_id)>;

// The owner JIDs clients expect: the endpoint's occupant JID room@conference/<endpoint>.
[[nodiscard]] OwnerJid occupant_owner(std::string room_jid);

// Writes the sources of every owner, in Jitsi's format, into the audio and video contents:
//   <source ssrc name? videoType?><ssrc-info owner/><parameter name='msid' value/>?</source>
//   <ssrc-group semantics><source ssrc/>...</ssrc-group>
// The owner is owner_jid(endpoint id), or "jvb" for the bridge's feedback sources (an empty owner_jid writes the
// keys as they are). A missing content is appended as in Jicofo's source-add (<content name='audio'><description
// media='audio'/>), without creator; a content without description gets one. Other contents are left alone.
void add_sources_to_contents(std::vector<stanza::JingleContent>& contents, const sources::ConferenceSourceMap& sources,
                             const OwnerJid& owner_jid);

// Puts the sources into a Jingle message for a receiver: as compact JSON in <json-message/> when `json` (the receiver
// advertises json-encoded-sources and conference.use-json-encoded-sources is on; the message is added even when
// there are no sources, as Jicofo does), inline otherwise. The JSON is keyed by endpoint id, as clients expect it.
void attach_sources(stanza::Jingle& jingle, const sources::ConferenceSourceMap& sources, bool json,
                    const OwnerJid& owner_jid);

// The sources a receiver is told about (a session-initiate, transport-replace or source-add): everybody's but its
// own, the bridge's feedback sources (owner "jvb") included. With SSRC rewriting only the feedback sources, since
// the bridge signals the rest itself. With strip_simulcast only the first layer of each simulcast group and its RTX.
[[nodiscard]] sources::ConferenceSourceMap remote_sources_for(const sources::ConferenceSourceMap& all,
                                                              std::string_view receiver, bool strip_simulcast,
                                                              bool ssrc_rewriting);

// Only the media a receiver supports (a client without video is not told about video sources), as Jicofo filters
// what it signals to each participant.
[[nodiscard]] sources::ConferenceSourceMap only_media(const sources::ConferenceSourceMap& sources, bool audio,
                                                      bool video);

}  // namespace jicofo::media
