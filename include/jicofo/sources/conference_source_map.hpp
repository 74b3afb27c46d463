// All media sources of a conference by owner: an endpoint id, or "jvb" for the bridge's feedback sources.
#pragma once

#include "jicofo/sources/source_set.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace jicofo::sources {

// The owner of the sources a bridge allocates for itself (its feedback SSRCs), as clients expect it in ssrc-info.
inline constexpr std::string_view kBridgeOwner = "jvb";

// A bridge feedback source as Jicofo signals it to clients: name jvb-a0 or jvb-v0 and msid
// "mixedmslabel mixedlabelaudio0" (or ...video0).
[[nodiscard]] Source bridge_feedback_source(MediaType media, std::uint32_t ssrc);

// Owners are kept sorted, so every rendering of the map (Jingle, JSON, logs) is deterministic. An owner whose set
// becomes empty is dropped. The map itself does no validation: see validation.hpp.
class ConferenceSourceMap {
public:
    using Entries = std::map<std::string, EndpointSourceSet, std::less<>>;

    ConferenceSourceMap() = default;
    ConferenceSourceMap(const std::string& owner, EndpointSourceSet set);

    void add(const std::string& owner, const EndpointSourceSet& set);
    void add(const ConferenceSourceMap& other);
    // Returns what was actually removed (see EndpointSourceSet::remove).
    EndpointSourceSet remove(std::string_view owner, const EndpointSourceSet& set);
    void remove(const ConferenceSourceMap& other);
    // Forgets an owner (a participant left); returns its sources, empty when it had none.
    EndpointSourceSet remove_owner(std::string_view owner);

    // The owner's sources, or an empty set.
    [[nodiscard]] const EndpointSourceSet& get(std::string_view owner) const;
    [[nodiscard]] bool contains_owner(std::string_view owner) const;
    // The owner of an SSRC, or nullptr. Linear in the conference's sources: a few thousand at most, and only
    // called when sources change.
    [[nodiscard]] const std::string* owner_of_ssrc(std::uint32_t ssrc) const;

    // What a participant is offered: everybody's sources but its own.
    [[nodiscard]] ConferenceSourceMap all_except(std::string_view owner) const;
    [[nodiscard]] ConferenceSourceMap copy() const { return *this; }
    // strip_simulcast applied to every owner.
    [[nodiscard]] ConferenceSourceMap strip_simulcast() const;

    [[nodiscard]] bool empty() const { return entries_.empty(); }
    [[nodiscard]] std::size_t owner_count() const { return entries_.size(); }
    [[nodiscard]] std::size_t source_count() const;
    [[nodiscard]] std::size_t group_count() const;

    [[nodiscard]] const Entries& entries() const { return entries_; }
    [[nodiscard]] Entries::const_iterator begin() const { return entries_.begin(); }
    [[nodiscard]] Entries::const_iterator end() const { return entries_.end(); }

    bool operator==(const ConferenceSourceMap&) const = default;

private:
    Entries entries_;
};

}  // namespace jicofo::sources
