// The media sources of one endpoint: SSRCs with their name, msid and video type, and the SSRC groups that tie them
// (simulcast layers, RTX pairs). Plain values with no XML, so the Jingle and Colibri layers share one model.
#pragma once

#include "jicofo/core/result.hpp"
#include "jicofo/sources/source_error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jicofo::sources {

enum class MediaType { audio, video };
enum class VideoType { camera, desktop };

[[nodiscard]] std::string_view to_string(MediaType media);  // "audio", "video"
[[nodiscard]] std::optional<MediaType> parse_media_type(std::string_view text);
[[nodiscard]] std::string_view to_string(VideoType type);  // "camera", "desktop"
// Any case, as clients have sent both "camera" and "Camera".
[[nodiscard]] std::optional<VideoType> parse_video_type(std::string_view text);

// The one place signalled text becomes an SSRC. An SSRC is 32 bits, so a uint32 holds every valid one and nothing
// past the parse can overflow; this rejects 0, values above 2^32-1, signs, spaces and anything but decimal digits.
[[nodiscard]] core::Result<std::uint32_t, SourceError> parse_ssrc(std::string_view text);

struct Source {
    std::uint32_t ssrc = 0;
    MediaType media = MediaType::audio;
    std::optional<std::string> name;
    std::optional<std::string> msid;
    std::optional<VideoType> video_type;
    // Injected by the focus (live translation's translated audio), never signalled by a client: the bridge gets it
    // as media-source synthetic='true' and only receives it from the translator.
    bool synthetic = false;

    bool operator==(const Source&) const = default;
};

inline constexpr std::string_view kSemanticsSim = "SIM";
inline constexpr std::string_view kSemanticsFid = "FID";

struct SsrcGroup {
    std::string semantics;  // "SIM" or "FID"; other semantics are kept as signalled
    MediaType media = MediaType::video;
    std::vector<std::uint32_t> ssrcs;

    [[nodiscard]] bool is_simulcast() const;  // SIM in any case
    [[nodiscard]] bool is_fid() const;        // FID in any case
    [[nodiscard]] bool contains(std::uint32_t ssrc) const;

    bool operator==(const SsrcGroup&) const = default;
};

// The sources and groups of one endpoint, in signalling order. The helpers keep it a set: at most one source per
// SSRC and no two equal groups. The fields are public for building values; code that appends to them directly
// must keep that rule itself.
struct EndpointSourceSet {
    std::vector<Source> sources;
    std::vector<SsrcGroup> groups;

    [[nodiscard]] bool empty() const { return sources.empty() && groups.empty(); }
    [[nodiscard]] bool contains_ssrc(std::uint32_t ssrc) const { return find(ssrc) != nullptr; }
    [[nodiscard]] const Source* find(std::uint32_t ssrc) const;
    [[nodiscard]] bool contains_group(const SsrcGroup& group) const;
    [[nodiscard]] bool has_audio() const;
    [[nodiscard]] bool has_video() const;

    // Each returns whether something was added: a source whose SSRC is present, or an equal group, is skipped.
    bool add(const Source& source);
    bool add(const SsrcGroup& group);
    void add(const EndpointSourceSet& other);

    // Removes the sources with the SSRCs of `other` (whatever their other fields) and the groups equal to those of
    // `other`; returns what was actually removed, as it was stored here. Groups that referenced a removed source
    // stay unless named: removal with validation (validate_remove) decides which groups go.
    EndpointSourceSet remove(const EndpointSourceSet& other);

    // The sources and groups of one media type.
    [[nodiscard]] EndpointSourceSet of_media(MediaType media) const;
    [[nodiscard]] EndpointSourceSet audio() const { return of_media(MediaType::audio); }
    [[nodiscard]] EndpointSourceSet video() const { return of_media(MediaType::video); }

    // Set equality: the same sources and groups in any order.
    bool operator==(const EndpointSourceSet& other) const;
};

// What receivers see of a simulcast sender, as Jicofo signals it: the first SSRC of each SIM group and its RTX (FID)
// partner. The other layers, their FID partners and their FID groups, and the SIM groups themselves are dropped;
// the bridge forwards whichever layer it picks under the first SSRC.
[[nodiscard]] EndpointSourceSet strip_simulcast(const EndpointSourceSet& set);

// Short forms for logs and error reasons: "SIM[1,2,3]", "[audio=[3], video=[1,2], groups=[FID[1,2]]]".
[[nodiscard]] std::string to_string(const SsrcGroup& group);
[[nodiscard]] std::string to_string(const EndpointSourceSet& set);

}  // namespace jicofo::sources
