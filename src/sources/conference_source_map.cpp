// The conference's sources by owner: merging, removal that drops emptied owners, and per-receiver views.
#include "jicofo/sources/conference_source_map.hpp"

#include <utility>

namespace jicofo::sources {

Source bridge_feedback_source(MediaType media, std::uint32_t ssrc) {
    const bool audio = media == MediaType::audio;
    return Source{
        .ssrc = ssrc,
        .media = media,
        .name = std::string(audio ? "jvb-a0" : "jvb-v0"),
        .msid = std::string(audio ? "mixedmslabel mixedlabelaudio0" : "mixedmslabel mixedlabelvideo0"),
        .video_type = std::nullopt,
    };
}

ConferenceSourceMap::ConferenceSourceMap(const std::string& owner, EndpointSourceSet set) {
    if (!set.empty()) {
        entries_.emplace(owner, std::move(set));
    }
}

void ConferenceSourceMap::add(const std::string& owner, const EndpointSourceSet& set) {
    if (set.empty()) {
        return;
    }
    entries_[owner].add(set);
}

void ConferenceSourceMap::add(const ConferenceSourceMap& other) {
    for (const auto& [owner, set] : other.entries_) {
        add(owner, set);
    }
}

EndpointSourceSet ConferenceSourceMap::remove(std::string_view owner, const EndpointSourceSet& set) {
    auto it = entries_.find(owner);
    if (it == entries_.end()) {
        return {};
    }
    EndpointSourceSet removed = it->second.remove(set);
    if (it->second.empty()) {
        entries_.erase(it);
    }
    return removed;
}

void ConferenceSourceMap::remove(const ConferenceSourceMap& other) {
    for (const auto& [owner, set] : other.entries_) {
        remove(owner, set);
    }
}

EndpointSourceSet ConferenceSourceMap::remove_owner(std::string_view owner) {
    auto it = entries_.find(owner);
    if (it == entries_.end()) {
        return {};
    }
    EndpointSourceSet removed = std::move(it->second);
    entries_.erase(it);
    return removed;
}

const EndpointSourceSet& ConferenceSourceMap::get(std::string_view owner) const {
    static const EndpointSourceSet kEmpty;
    auto it = entries_.find(owner);
    return it == entries_.end() ? kEmpty : it->second;
}

bool ConferenceSourceMap::contains_owner(std::string_view owner) const {
    return entries_.find(owner) != entries_.end();
}

const std::string* ConferenceSourceMap::owner_of_ssrc(std::uint32_t ssrc) const {
    for (const auto& [owner, set] : entries_) {
        if (set.contains_ssrc(ssrc)) {
            return &owner;
        }
    }
    return nullptr;
}

ConferenceSourceMap ConferenceSourceMap::all_except(std::string_view owner) const {
    ConferenceSourceMap others = *this;
    if (auto it = others.entries_.find(owner); it != others.entries_.end()) {
        others.entries_.erase(it);
    }
    return others;
}

ConferenceSourceMap ConferenceSourceMap::strip_simulcast() const {
    ConferenceSourceMap stripped;
    for (const auto& [owner, set] : entries_) {
        stripped.add(owner, sources::strip_simulcast(set));
    }
    return stripped;
}

std::size_t ConferenceSourceMap::source_count() const {
    std::size_t count = 0;
    for (const auto& [owner, set] : entries_) {
        count += set.sources.size();
    }
    return count;
}

std::size_t ConferenceSourceMap::group_count() const {
    std::size_t count = 0;
    for (const auto& [owner, set] : entries_) {
        count += set.groups.size();
    }
    return count;
}

}  // namespace jicofo::sources
