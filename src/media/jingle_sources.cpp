// Jingle <source/> and <ssrc-group/> elements to and from endpoint source sets, and the per-receiver source view.
#include "jicofo/media/jingle_sources.hpp"

#include "jicofo/sources/compact_json.hpp"
#include "source_elements.hpp"

#include <algorithm>
#include <iterator>
#include <string>
#include <utility>

namespace jicofo::media {
namespace {

stanza::Source to_element(const sources::Source& source, const std::string& owner) {
    stanza::Source element;
    element.ssrc = source.ssrc;
    element.name = source.name;
    if (source.video_type) {
        element.video_type = std::string(sources::to_string(*source.video_type));
    }
    element.owner = owner;
    if (source.msid) {
        element.parameters.push_back(stanza::RtpParameter{"msid", *source.msid});
    }
    return element;
}

stanza::JingleContent& content_for(std::vector<stanza::JingleContent>& contents, std::string_view name) {
    auto it = std::find_if(contents.begin(), contents.end(),
                           [name](const stanza::JingleContent& c) { return c.name == name; });
    if (it == contents.end()) {
        stanza::JingleContent added;
        added.name = std::string(name);
        contents.push_back(std::move(added));
        it = std::prev(contents.end());
    }
    if (!it->description) {
        stanza::RtpDescription description;
        description.media = std::string(name);
        it->description = std::move(description);
    }
    return *it;
}

}  // namespace

core::Result<sources::EndpointSourceSet, sources::SourceError> sources_from_contents(
    const std::vector<stanza::JingleContent>& contents) {
    sources::EndpointSourceSet set;
    for (const auto& content : contents) {
        if (!content.description) {
            continue;
        }
        const auto& description = *content.description;
        if (description.sources.empty() && description.ssrc_groups.empty()) {
            continue;
        }
        const std::string& media_text = description.media.empty() ? content.name : description.media;
        const auto media = sources::parse_media_type(media_text);
        if (!media) {
            return detail::invalid("Sources in content '" + content.name + "' of media '" + media_text + "'.");
        }
        for (const auto& element : description.sources) {
            auto source = detail::read_source(element, *media);
            if (!source) {
                return core::unexpected(source.error());
            }
            if (auto added = detail::add_source(set, std::move(*source)); !added) {
                return core::unexpected(added.error());
            }
        }
        for (const auto& element : description.ssrc_groups) {
            auto group = detail::read_group(element, *media);
            if (!group) {
                return core::unexpected(group.error());
            }
            set.add(*group);
        }
    }
    return set;
}

SignalledCounts count_signalled(const std::vector<stanza::JingleContent>& contents) {
    SignalledCounts counts;
    for (const auto& content : contents) {
        if (content.description) {
            counts.sources += content.description->sources.size();
            counts.groups += content.description->ssrc_groups.size();
        }
    }
    return counts;
}

OwnerJid occupant_owner(std::string room_jid) {
    return [room = std::move(room_jid)](std::string_view endpoint_id) {
        std::string jid = room;
        jid += '/';
        jid += endpoint_id;
        return jid;
    };
}

void add_sources_to_contents(std::vector<stanza::JingleContent>& contents, const sources::ConferenceSourceMap& sources,
                             const OwnerJid& owner_jid) {
    for (const auto media : {sources::MediaType::audio, sources::MediaType::video}) {
        std::vector<stanza::Source> elements;
        std::vector<stanza::SsrcGroup> groups;
        for (const auto& [endpoint, set] : sources) {
            const bool bridge = endpoint == sources::kBridgeOwner;
            const std::string owner = (bridge || !owner_jid) ? endpoint : owner_jid(endpoint);
            for (const auto& source : set.sources) {
                if (source.media == media) {
                    elements.push_back(to_element(source, owner));
                }
            }
            for (const auto& group : set.groups) {
                if (group.media == media) {
                    groups.push_back(stanza::SsrcGroup{group.semantics, group.ssrcs});
                }
            }
        }
        if (elements.empty() && groups.empty()) {
            continue;
        }
        auto& description = *content_for(contents, sources::to_string(media)).description;
        description.sources.insert(description.sources.end(), elements.begin(), elements.end());
        description.ssrc_groups.insert(description.ssrc_groups.end(), groups.begin(), groups.end());
    }
}

void attach_sources(stanza::Jingle& jingle, const sources::ConferenceSourceMap& sources, bool json,
                    const OwnerJid& owner_jid) {
    if (json) {
        jingle.json_message = stanza::JsonMessage{sources::encode_compact_json(sources), std::nullopt};
        return;
    }
    add_sources_to_contents(jingle.contents, sources, owner_jid);
}

sources::ConferenceSourceMap remote_sources_for(const sources::ConferenceSourceMap& all, std::string_view receiver,
                                                bool strip_simulcast, bool ssrc_rewriting) {
    sources::ConferenceSourceMap remote;
    if (!ssrc_rewriting) {
        remote = all.all_except(receiver);
    } else if (receiver != sources::kBridgeOwner) {
        remote.add(std::string(sources::kBridgeOwner), all.get(sources::kBridgeOwner));
    }
    return strip_simulcast ? remote.strip_simulcast() : remote;
}

sources::ConferenceSourceMap only_media(const sources::ConferenceSourceMap& sources, bool audio, bool video) {
    sources::ConferenceSourceMap kept;
    for (const auto& [owner, set] : sources) {
        if (audio) {
            kept.add(owner, set.audio());
        }
        if (video) {
            kept.add(owner, set.video());
        }
    }
    return kept;
}

}  // namespace jicofo::media
