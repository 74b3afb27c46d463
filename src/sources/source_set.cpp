// Endpoint source sets: parsing of the signalled enumerations and SSRCs, set operations and simulcast stripping.
#include "jicofo/sources/source_set.hpp"

#include <algorithm>
#include <cctype>
#include <limits>

namespace jicofo::sources {
namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::string ssrc_list(const std::vector<std::uint32_t>& ssrcs) {
    std::string out = "[";
    for (std::size_t i = 0; i < ssrcs.size(); ++i) {
        if (i > 0) {
            out += ',';
        }
        out += std::to_string(ssrcs[i]);
    }
    out += ']';
    return out;
}

template <typename T>
bool contains_all(const std::vector<T>& haystack, const std::vector<T>& needles) {
    return std::all_of(needles.begin(), needles.end(), [&haystack](const T& needle) {
        return std::find(haystack.begin(), haystack.end(), needle) != haystack.end();
    });
}

}  // namespace

std::string_view stanza_condition(SourceErrorKind kind) {
    switch (kind) {
        case SourceErrorKind::invalid: return "bad-request";
        case SourceErrorKind::limit: return "resource-constraint";
    }
    return "bad-request";
}

std::string_view to_string(MediaType media) {
    return media == MediaType::audio ? "audio" : "video";
}

std::optional<MediaType> parse_media_type(std::string_view text) {
    if (equals_ignoring_case(text, "audio")) {
        return MediaType::audio;
    }
    if (equals_ignoring_case(text, "video")) {
        return MediaType::video;
    }
    return std::nullopt;
}

std::string_view to_string(VideoType type) {
    return type == VideoType::camera ? "camera" : "desktop";
}

std::optional<VideoType> parse_video_type(std::string_view text) {
    if (equals_ignoring_case(text, "camera")) {
        return VideoType::camera;
    }
    if (equals_ignoring_case(text, "desktop")) {
        return VideoType::desktop;
    }
    return std::nullopt;
}

core::Result<std::uint32_t, SourceError> parse_ssrc(std::string_view text) {
    auto invalid = [text] {
        return core::unexpected(SourceError{SourceErrorKind::invalid, "Invalid SSRC: '" + std::string(text) + "'."});
    };
    if (text.empty()) {
        return invalid();
    }
    constexpr std::uint64_t kMax = std::numeric_limits<std::uint32_t>::max();
    std::uint64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') {
            return invalid();
        }
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
        if (value > kMax) {  // checked per digit, so the 64-bit accumulator cannot overflow either
            return invalid();
        }
    }
    if (value == 0) {
        return invalid();
    }
    return static_cast<std::uint32_t>(value);
}

bool SsrcGroup::is_simulcast() const {
    return equals_ignoring_case(semantics, kSemanticsSim);
}

bool SsrcGroup::is_fid() const {
    return equals_ignoring_case(semantics, kSemanticsFid);
}

bool SsrcGroup::contains(std::uint32_t ssrc) const {
    return std::find(ssrcs.begin(), ssrcs.end(), ssrc) != ssrcs.end();
}

const Source* EndpointSourceSet::find(std::uint32_t ssrc) const {
    auto it = std::find_if(sources.begin(), sources.end(), [ssrc](const Source& s) { return s.ssrc == ssrc; });
    return it == sources.end() ? nullptr : &*it;
}

bool EndpointSourceSet::contains_group(const SsrcGroup& group) const {
    return std::find(groups.begin(), groups.end(), group) != groups.end();
}

bool EndpointSourceSet::has_audio() const {
    return std::any_of(sources.begin(), sources.end(), [](const Source& s) { return s.media == MediaType::audio; });
}

bool EndpointSourceSet::has_video() const {
    return std::any_of(sources.begin(), sources.end(), [](const Source& s) { return s.media == MediaType::video; });
}

bool EndpointSourceSet::add(const Source& source) {
    if (contains_ssrc(source.ssrc)) {
        return false;
    }
    sources.push_back(source);
    return true;
}

bool EndpointSourceSet::add(const SsrcGroup& group) {
    if (contains_group(group)) {
        return false;
    }
    groups.push_back(group);
    return true;
}

void EndpointSourceSet::add(const EndpointSourceSet& other) {
    // Sized to fit, not doubled: a conference keeps every endpoint's few sources for the endpoint's whole session,
    // and the per-endpoint source limits keep the occasional re-allocation cheap.
    sources.reserve(sources.size() + other.sources.size());
    groups.reserve(groups.size() + other.groups.size());
    for (const auto& source : other.sources) {
        add(source);
    }
    for (const auto& group : other.groups) {
        add(group);
    }
}

EndpointSourceSet EndpointSourceSet::remove(const EndpointSourceSet& other) {
    EndpointSourceSet removed;
    std::erase_if(sources, [&](const Source& source) {
        if (!other.contains_ssrc(source.ssrc)) {
            return false;
        }
        removed.sources.push_back(source);
        return true;
    });
    std::erase_if(groups, [&](const SsrcGroup& group) {
        if (!other.contains_group(group)) {
            return false;
        }
        removed.groups.push_back(group);
        return true;
    });
    return removed;
}

EndpointSourceSet EndpointSourceSet::of_media(MediaType media) const {
    EndpointSourceSet subset;
    std::copy_if(sources.begin(), sources.end(), std::back_inserter(subset.sources),
                 [media](const Source& s) { return s.media == media; });
    std::copy_if(groups.begin(), groups.end(), std::back_inserter(subset.groups),
                 [media](const SsrcGroup& g) { return g.media == media; });
    return subset;
}

bool EndpointSourceSet::operator==(const EndpointSourceSet& other) const {
    return sources.size() == other.sources.size() && groups.size() == other.groups.size() &&
           contains_all(other.sources, sources) && contains_all(other.groups, groups);
}

EndpointSourceSet strip_simulcast(const EndpointSourceSet& set) {
    std::vector<std::uint32_t> dropped_ssrcs;
    std::vector<const SsrcGroup*> dropped_groups;
    for (const auto& group : set.groups) {
        if (group.is_simulcast()) {
            dropped_groups.push_back(&group);
            if (!group.ssrcs.empty()) {
                dropped_ssrcs.insert(dropped_ssrcs.end(), group.ssrcs.begin() + 1, group.ssrcs.end());
            }
        }
    }
    // Second pass: a FID group goes with the layer it retransmits. Jicofo throws on a FID group that is not a pair;
    // validation never lets one in, so here it is simply left alone.
    std::vector<std::uint32_t> dropped_rtx;
    for (const auto& group : set.groups) {
        if (group.is_fid() && group.ssrcs.size() == 2 &&
            std::find(dropped_ssrcs.begin(), dropped_ssrcs.end(), group.ssrcs[0]) != dropped_ssrcs.end()) {
            dropped_groups.push_back(&group);
            dropped_rtx.push_back(group.ssrcs[1]);
        }
    }
    dropped_ssrcs.insert(dropped_ssrcs.end(), dropped_rtx.begin(), dropped_rtx.end());

    EndpointSourceSet stripped;
    for (const auto& source : set.sources) {
        if (std::find(dropped_ssrcs.begin(), dropped_ssrcs.end(), source.ssrc) == dropped_ssrcs.end()) {
            stripped.sources.push_back(source);
        }
    }
    for (const auto& group : set.groups) {
        if (std::find(dropped_groups.begin(), dropped_groups.end(), &group) == dropped_groups.end()) {
            stripped.groups.push_back(group);
        }
    }
    return stripped;
}

std::string to_string(const SsrcGroup& group) {
    return group.semantics + ssrc_list(group.ssrcs);
}

std::string to_string(const EndpointSourceSet& set) {
    std::vector<std::uint32_t> audio;
    std::vector<std::uint32_t> video;
    for (const auto& source : set.sources) {
        (source.media == MediaType::audio ? audio : video).push_back(source.ssrc);
    }
    std::string out = "[audio=" + ssrc_list(audio) + ", video=" + ssrc_list(video) + ", groups=[";
    for (std::size_t i = 0; i < set.groups.size(); ++i) {
        if (i > 0) {
            out += ',';
        }
        out += to_string(set.groups[i]);
    }
    out += "]]";
    return out;
}

}  // namespace jicofo::sources
