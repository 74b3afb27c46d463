// Validation of source additions and removals against the conference's sources (Jicofo's
// ValidatingConferenceSourceMap rules, plus: a SIM group needs two layers, a group may not repeat an SSRC, and a
// request may not carry one SSRC twice).
#include "jicofo/sources/validation.hpp"

#include "jicofo/core/logging.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace jicofo::sources {
namespace {

core::Unexpected<SourceError> invalid(std::string reason) {
    return core::unexpected(SourceError{SourceErrorKind::invalid, std::move(reason)});
}

bool msid_used_by_other_owner(const ConferenceSourceMap& existing, std::string_view owner, const std::string& msid) {
    for (const auto& [other, set] : existing) {
        if (other == owner) {
            continue;
        }
        for (const auto& source : set.sources) {
            if (source.msid == msid) {
                return true;
            }
        }
    }
    return false;
}

// Which stream each source belongs to: sources tied by any group (simulcast layers, their RTX, FEC) are one stream,
// so they count once when checking that the streams of a media type have distinct msids. This is Jicofo's grouping
// by SIM group, FID pair and lone source, generalised to the groups of other semantics we keep. Returns, for each
// source, the index of its stream's first source.
std::vector<std::size_t> stream_of_each_source(const EndpointSourceSet& set) {
    std::vector<std::size_t> stream(set.sources.size());
    for (std::size_t i = 0; i < stream.size(); ++i) {
        stream[i] = i;
    }
    auto index_of = [&set](std::uint32_t ssrc) -> std::optional<std::size_t> {
        for (std::size_t i = 0; i < set.sources.size(); ++i) {
            if (set.sources[i].ssrc == ssrc) {
                return i;
            }
        }
        return std::nullopt;
    };
    // At most a few dozen sources per endpoint: relabelling whole streams on each merge is simple and cheap enough.
    for (const auto& group : set.groups) {
        std::optional<std::size_t> first;
        for (std::uint32_t ssrc : group.ssrcs) {
            auto index = index_of(ssrc);
            if (!index) {
                continue;
            }
            if (!first) {
                first = stream[*index];
                continue;
            }
            const std::size_t from = stream[*index];
            const std::size_t to = std::min(from, *first);
            const std::size_t other = std::max(from, *first);
            for (auto& label : stream) {
                if (label == other) {
                    label = to;
                }
            }
            first = to;
        }
    }
    return stream;
}

// The checks on an owner's whole set after a change; nullopt when it is valid.
std::optional<SourceError> check_endpoint_set(const EndpointSourceSet& set) {
    for (const auto& group : set.groups) {
        if (group.is_fid() && group.ssrcs.size() != 2) {
            return SourceError{SourceErrorKind::invalid, "Invalid FID group: " + to_string(group) + "."};
        }
        if (group.is_simulcast() && group.ssrcs.size() < 2) {
            return SourceError{SourceErrorKind::invalid, "Invalid SIM group: " + to_string(group) + "."};
        }
        // A repeated SSRC would pass the size checks, and stripping SIM[1,1] would drop the layer receivers need.
        for (auto it = group.ssrcs.begin(); it != group.ssrcs.end(); ++it) {
            if (std::find(group.ssrcs.begin(), it, *it) != it) {
                return SourceError{SourceErrorKind::invalid, "SSRC group repeats an SSRC: " + to_string(group) + "."};
            }
        }
        const std::string* group_msid = nullptr;
        for (std::uint32_t ssrc : group.ssrcs) {
            const Source* source = set.find(ssrc);
            if (source == nullptr) {
                return SourceError{SourceErrorKind::invalid,
                                   "An SSRC group contains an SSRC which has not been signalled as a source: " +
                                       to_string(group) + "."};
            }
            if (!source->msid) {
                return SourceError{SourceErrorKind::invalid, "Required source parameter 'msid' is not present (ssrc=" +
                                                                 std::to_string(ssrc) + ")."};
            }
            if (group_msid == nullptr) {
                group_msid = &*source->msid;
            } else if (*source->msid != *group_msid) {
                return SourceError{SourceErrorKind::invalid,
                                   "SsrcGroup contains sources with different MSIDs: " + to_string(group) + "."};
            }
        }
    }

    // Audio and video may share an msid (one MediaStream), two streams of the same media type may not. Sources
    // without an msid are not compared: clients have signalled several ungrouped ones that way.
    const std::vector<std::size_t> stream = stream_of_each_source(set);
    for (std::size_t i = 0; i < set.sources.size(); ++i) {
        const Source& source = set.sources[i];
        if (!source.msid) {
            continue;
        }
        for (std::size_t j = 0; j < i; ++j) {
            const Source& earlier = set.sources[j];
            if (earlier.media == source.media && stream[j] != stream[i] && earlier.msid == source.msid) {
                return SourceError{SourceErrorKind::invalid, "MSID is already used: " + *source.msid + "."};
            }
        }
    }
    return std::nullopt;
}

SourceError ssrc_limit(const SourceLimits& limits) {
    return SourceError{SourceErrorKind::limit,
                       "SSRC limit (" + std::to_string(limits.max_ssrcs_per_user) + ") exceeded."};
}

SourceError group_limit(const SourceLimits& limits) {
    return SourceError{SourceErrorKind::limit,
                       "ssrc-group limit (" + std::to_string(limits.max_ssrc_groups_per_user) + ") exceeded."};
}

}  // namespace

std::optional<SourceError> refuse_oversized(std::size_t signalled_sources, std::size_t signalled_groups,
                                            const SourceLimits& limits) {
    if (signalled_sources > limits.max_ssrcs_per_user) {
        return ssrc_limit(limits);
    }
    if (signalled_groups > limits.max_ssrc_groups_per_user) {
        return group_limit(limits);
    }
    return std::nullopt;
}

SourceResult validate_add(const ConferenceSourceMap& existing, std::string_view owner, const EndpointSourceSet& added,
                          const SourceLimits& limits) {
    if (added.empty()) {
        return EndpointSourceSet{};
    }
    const EndpointSourceSet& current = existing.get(owner);
    // Every added source is accepted or the request is refused, so this is the limit check below, done before the
    // loops whose lookups are linear (the request's size is the peer's choice; the owner's is bounded).
    if (current.sources.size() + added.sources.size() > limits.max_ssrcs_per_user) {
        return core::unexpected(ssrc_limit(limits));
    }
    if (auto oversized = refuse_oversized(added.sources.size(), added.groups.size(), limits)) {
        return core::unexpected(std::move(*oversized));
    }
    EndpointSourceSet accepted;

    for (const auto& source : added.sources) {
        if (source.ssrc == 0) {
            return invalid("Invalid SSRC: 0.");
        }
        // Re-adding one's own SSRC is refused too: it would be a second source for an SSRC already signalled.
        if (existing.owner_of_ssrc(source.ssrc) != nullptr || accepted.contains_ssrc(source.ssrc)) {
            return invalid("SSRC is already used: " + std::to_string(source.ssrc) + ".");
        }
        if (source.msid && msid_used_by_other_owner(existing, owner, *source.msid)) {
            return invalid("MSID is already used: " + *source.msid + ".");
        }
        accepted.sources.push_back(source);
    }

    EndpointSourceSet resulting = current;
    resulting.sources.insert(resulting.sources.end(), accepted.sources.begin(), accepted.sources.end());

    for (const auto& group : added.groups) {
        if (group.ssrcs.empty() || current.contains_group(group) || accepted.contains_group(group)) {
            core::module_logger("sources")->debug("endpoint={} ignoring an empty or repeated ssrc-group {}", owner,
                                                  to_string(group));
            continue;
        }
        for (std::uint32_t ssrc : group.ssrcs) {
            if (!resulting.contains_ssrc(ssrc)) {
                return invalid("An SSRC group contains an SSRC which has not been signalled as a source: " +
                               to_string(group) + ".");
            }
        }
        accepted.groups.push_back(group);
    }
    if (current.groups.size() + accepted.groups.size() > limits.max_ssrc_groups_per_user) {
        return core::unexpected(group_limit(limits));
    }
    resulting.groups.insert(resulting.groups.end(), accepted.groups.begin(), accepted.groups.end());

    if (auto error = check_endpoint_set(resulting)) {
        return core::unexpected(std::move(*error));
    }
    return accepted;
}

SourceResult validate_remove(const ConferenceSourceMap& existing, std::string_view owner,
                             const EndpointSourceSet& removed) {
    if (removed.empty()) {
        return EndpointSourceSet{};
    }
    const EndpointSourceSet& current = existing.get(owner);
    if (current.empty()) {
        return invalid("Source does not exist or is not owned by the endpoint.");
    }

    EndpointSourceSet accepted;
    for (const auto& source : removed.sources) {
        // Matched by SSRC alone: clients name a source to remove without repeating its msid or name.
        const Source* owned = current.find(source.ssrc);
        if (owned == nullptr) {
            return invalid(
                "Source does not exist or is not owned by the endpoint (ssrc=" + std::to_string(source.ssrc) + ").");
        }
        accepted.add(*owned);
    }
    for (const auto& group : removed.groups) {
        if (!current.contains_group(group)) {
            return invalid("Source group does not exist: " + to_string(group) + ".");
        }
        accepted.add(group);
    }
    for (const auto& group : current.groups) {
        for (std::uint32_t ssrc : group.ssrcs) {
            if (accepted.contains_ssrc(ssrc)) {
                accepted.add(group);
                break;
            }
        }
    }

    EndpointSourceSet resulting = current;
    resulting.remove(accepted);
    if (auto error = check_endpoint_set(resulting)) {
        return core::unexpected(std::move(*error));
    }
    return accepted;
}

SourceResult SourceValidator::try_add(ConferenceSourceMap& sources, const std::string& owner,
                                      const EndpointSourceSet& added) const {
    SourceResult result = validate_add(sources, owner, added, limits_);
    if (result) {
        sources.add(owner, result.value());
    }
    return result;
}

SourceResult SourceValidator::try_remove(ConferenceSourceMap& sources, std::string_view owner,
                                         const EndpointSourceSet& removed) const {
    SourceResult result = validate_remove(sources, owner, removed);
    if (result) {
        sources.remove(owner, result.value());
    }
    return result;
}

}  // namespace jicofo::sources
