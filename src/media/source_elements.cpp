// Reading signalled source and group elements into the source model, with the checks Jicofo makes while parsing.
#include "source_elements.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string_view>
#include <utility>

namespace jicofo::media::detail {
namespace {

std::optional<std::string> normalized_semantics(std::string_view semantics) {
    std::string upper(semantics);
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (upper == sources::kSemanticsSim || upper == sources::kSemanticsFid) {
        return upper;
    }
    return std::nullopt;
}

}  // namespace

core::Unexpected<sources::SourceError> invalid(std::string reason) {
    return core::unexpected(sources::SourceError{sources::SourceErrorKind::invalid, std::move(reason)});
}

core::Result<std::uint32_t, sources::SourceError> usable_ssrc(std::uint32_t ssrc) {
    return sources::parse_ssrc(std::to_string(ssrc));
}

SourceResult read_source(const stanza::Source& element, sources::MediaType media) {
    auto ssrc = usable_ssrc(element.ssrc);
    if (!ssrc) {
        return core::unexpected(ssrc.error());
    }
    sources::Source source;
    source.ssrc = *ssrc;
    source.media = media;
    source.name = element.name;
    if (auto msid = element.msid()) {
        source.msid = std::string(*msid);
    }
    if (element.video_type) {
        source.video_type = sources::parse_video_type(*element.video_type);
        if (!source.video_type) {
            return invalid("Invalid videoType '" + *element.video_type + "' of SSRC " + std::to_string(*ssrc) + ".");
        }
    }
    return source;
}

GroupResult read_group(const stanza::SsrcGroup& element, sources::MediaType media) {
    auto semantics = normalized_semantics(element.semantics);
    if (!semantics) {
        return invalid("Invalid ssrc-group semantics: '" + element.semantics + "'.");
    }
    sources::SsrcGroup group;
    group.semantics = std::move(*semantics);
    group.media = media;
    for (const auto ssrc : element.ssrcs) {
        auto usable = usable_ssrc(ssrc);
        if (!usable) {
            return core::unexpected(usable.error());
        }
        group.ssrcs.push_back(*usable);
    }
    return group;
}

core::Result<bool, sources::SourceError> add_source(sources::EndpointSourceSet& set, sources::Source source) {
    if (const sources::Source* known = set.find(source.ssrc)) {
        if (*known != source) {
            return invalid("SSRC " + std::to_string(source.ssrc) + " is signalled twice, differently.");
        }
        return false;
    }
    set.sources.push_back(std::move(source));
    return true;
}

sources::MediaType to_sources_media(stanza::MediaType media) {
    return media == stanza::MediaType::audio ? sources::MediaType::audio : sources::MediaType::video;
}

stanza::MediaType to_stanza_media(sources::MediaType media) {
    return media == sources::MediaType::audio ? stanza::MediaType::audio : stanza::MediaType::video;
}

}  // namespace jicofo::media::detail
