// Endpoint source sets to and from colibri2 <sources/>, and the bridge's feedback sources.
#include "jicofo/media/colibri_sources.hpp"

#include "jicofo/core/logging.hpp"
#include "jicofo/sources/conference_source_map.hpp"
#include "source_elements.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

namespace jicofo::media {
namespace {

stanza::MediaSource& media_source(std::vector<stanza::MediaSource>& out, const std::string& id,
                                  sources::MediaType media) {
    auto it = std::find_if(out.begin(), out.end(), [&id](const stanza::MediaSource& m) { return m.id == id; });
    if (it != out.end()) {
        return *it;
    }
    stanza::MediaSource created;
    created.type = detail::to_stanza_media(media);
    created.id = id;
    out.push_back(std::move(created));
    return out.back();
}

}  // namespace

std::string default_source_name(const std::string& endpoint_id, sources::MediaType media) {
    return endpoint_id + (media == sources::MediaType::audio ? "-a0" : "-v0");
}

stanza::Colibri2Sources colibri_sources(const sources::EndpointSourceSet& set, const std::string& endpoint_id) {
    stanza::Colibri2Sources colibri;
    auto& out = colibri.media_sources;
    for (const auto& source : set.sources) {
        const std::string id = source.name.value_or(default_source_name(endpoint_id, source.media));
        stanza::Source element;
        element.ssrc = source.ssrc;
        element.name = source.name;
        if (source.video_type) {
            element.video_type = std::string(sources::to_string(*source.video_type));
        }
        auto& media_source_element = media_source(out, id, source.media);
        media_source_element.synthetic = media_source_element.synthetic || source.synthetic;
        media_source_element.sources.push_back(std::move(element));
    }
    for (const auto& group : set.groups) {
        if (group.ssrcs.empty()) {
            continue;
        }
        // A group belongs to the media source of its first source in signalling order. Validation guarantees there
        // is one; without it the group goes to the endpoint's default source of its media.
        auto first = std::find_if(set.sources.begin(), set.sources.end(),
                                  [&group](const sources::Source& s) { return group.contains(s.ssrc); });
        const std::string id =
            (first != set.sources.end() && first->name)
                ? *first->name
                : default_source_name(endpoint_id, first != set.sources.end() ? first->media : group.media);
        media_source(out, id, group.media).ssrc_groups.push_back(stanza::SsrcGroup{group.semantics, group.ssrcs});
    }
    return colibri;
}

core::Result<sources::EndpointSourceSet, sources::SourceError> sources_from_colibri(
    const stanza::Colibri2Sources& colibri) {
    sources::EndpointSourceSet set;
    for (const auto& media_source : colibri.media_sources) {
        const auto media = detail::to_sources_media(media_source.type);
        for (const auto& element : media_source.sources) {
            auto source = detail::read_source(element, media);
            if (!source) {
                return core::unexpected(source.error());
            }
            if (auto added = detail::add_source(set, std::move(*source)); !added) {
                return core::unexpected(added.error());
            }
        }
        for (const auto& element : media_source.ssrc_groups) {
            auto group = detail::read_group(element, media);
            if (!group) {
                return core::unexpected(group.error());
            }
            set.add(*group);
        }
    }
    return set;
}

sources::EndpointSourceSet feedback_sources(const stanza::Colibri2Sources& colibri) {
    static const auto log = core::module_logger("media");
    sources::EndpointSourceSet set;
    for (const auto& media_source : colibri.media_sources) {
        const auto media = detail::to_sources_media(media_source.type);
        for (const auto& element : media_source.sources) {
            if (!detail::usable_ssrc(element.ssrc)) {
                log->warn("Ignoring the bridge's feedback source with SSRC {} (media-source id={})", element.ssrc,
                          media_source.id);
                continue;
            }
            // The msid is what jitsi-meet clients recognise the bridge's sources by; the name is the bridge's own.
            sources::Source source = sources::bridge_feedback_source(media, element.ssrc);
            if (element.name) {
                source.name = element.name;
            }
            set.add(source);
        }
        for (const auto& element : media_source.ssrc_groups) {
            auto group = detail::read_group(element, media);
            if (!group) {
                log->warn("Ignoring the bridge's feedback group (media-source id={}): {}", media_source.id,
                          group.error().reason);
                continue;
            }
            set.add(*group);
        }
    }
    return set;
}

}  // namespace jicofo::media
