// Source validation for source-add, session-accept and source-remove: what Jicofo's ValidatingConferenceSourceMap
// checks, as pure functions of the conference's sources, so a refused request changes nothing.
#pragma once

#include "jicofo/core/result.hpp"
#include "jicofo/sources/conference_source_map.hpp"
#include "jicofo/sources/source_error.hpp"
#include "jicofo/sources/source_set.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace jicofo::sources {

// jicofo.conference.max-ssrcs-per-user and max-ssrc-groups-per-user (both 20 by default).
struct SourceLimits {
    std::size_t max_ssrcs_per_user = 20;
    std::size_t max_ssrc_groups_per_user = 20;
};

using SourceResult = core::Result<EndpointSourceSet, SourceError>;

// Refuses (limit) a request that carries more source or group elements than one owner may have at all. Run on the
// element counts before the request is turned into a set or validated: those steps compare elements pairwise, so a
// 9,000-source stanza would cost tens of millions of comparisons on the conference's strand.
[[nodiscard]] std::optional<SourceError> refuse_oversized(std::size_t signalled_sources, std::size_t signalled_groups,
                                                          const SourceLimits& limits);

// Checks that `owner` may add `added` to `existing` and returns the accepted set (to add to the map as is). Empty
// groups and groups the owner already has are dropped silently, as Jicofo does; anything else wrong refuses the whole
// request:
//   invalid: SSRC 0; an SSRC already used in the conference (by anyone, the owner included) or twice in `added`;
//            an msid another owner uses; a group with an SSRC the owner has not signalled; a FID group without
//            exactly 2 SSRCs; a SIM group with fewer than 2; a group repeating an SSRC; a group whose sources lack an
//            msid or disagree on it; two streams of one media type sharing an msid (a stream is the sources tied
//            together by groups: the SIM layers with their FID partners, a FID pair, or a lone source);
//   limit:   more than max_ssrcs_per_user sources or max_ssrc_groups_per_user groups for the owner, counting
//            what it has and what it adds. Checked first, on the counts alone (groups as sent, before repeats are
//            dropped), so an oversized request is refused before any pairwise comparison.
[[nodiscard]] SourceResult validate_add(const ConferenceSourceMap& existing, std::string_view owner,
                                        const EndpointSourceSet& added, const SourceLimits& limits);

// Checks that `owner` may remove `removed` and returns what goes: the owner's sources with the named SSRCs (their
// other fields need not match), the named groups, and every group that references a removed source. Refused
// (invalid) when a named source or group is not the owner's, or when what remains would be invalid (for example a
// SIM group removed while its layers stay, which leaves them as independent streams sharing an msid).
[[nodiscard]] SourceResult validate_remove(const ConferenceSourceMap& existing, std::string_view owner,
                                           const EndpointSourceSet& removed);

// Validation with the configured limits, applied to the map only when accepted.
class SourceValidator {
public:
    explicit SourceValidator(SourceLimits limits) : limits_(limits) {}

    SourceResult try_add(ConferenceSourceMap& sources, const std::string& owner, const EndpointSourceSet& added) const;
    SourceResult try_remove(ConferenceSourceMap& sources, std::string_view owner,
                            const EndpointSourceSet& removed) const;

    [[nodiscard]] std::optional<SourceError> refuse_oversized(std::size_t signalled_sources,
                                                              std::size_t signalled_groups) const {
        return sources::refuse_oversized(signalled_sources, signalled_groups, limits_);
    }

    [[nodiscard]] const SourceLimits& limits() const { return limits_; }

private:
    SourceLimits limits_;
};

}  // namespace jicofo::sources
