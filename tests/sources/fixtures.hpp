// Source values shared by the sources tests: a simulcast+RTX camera with a microphone, as browsers signal them.
#pragma once

#include "jicofo/sources/source_set.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace jicofo::sources::testing {

inline Source video(std::uint32_t ssrc, std::optional<std::string> msid = std::nullopt) {
    return Source{.ssrc = ssrc,
                  .media = MediaType::video,
                  .name = std::nullopt,
                  .msid = std::move(msid),
                  .video_type = std::nullopt};
}

inline Source audio(std::uint32_t ssrc, std::optional<std::string> msid = std::nullopt) {
    return Source{.ssrc = ssrc,
                  .media = MediaType::audio,
                  .name = std::nullopt,
                  .msid = std::move(msid),
                  .video_type = std::nullopt};
}

inline SsrcGroup sim(std::vector<std::uint32_t> ssrcs) {
    return SsrcGroup{.semantics = "SIM", .media = MediaType::video, .ssrcs = std::move(ssrcs)};
}

inline SsrcGroup fid(std::uint32_t primary, std::uint32_t rtx) {
    return SsrcGroup{.semantics = "FID", .media = MediaType::video, .ssrcs = {primary, rtx}};
}

// Three simulcast layers 1, 2, 3 with RTX 4, 5, 6 (all msid "cam"), and microphone 7 without an msid.
inline EndpointSourceSet camera_with_simulcast() {
    return EndpointSourceSet{
        .sources = {video(1, "cam"), video(2, "cam"), video(3, "cam"), video(4, "cam"), video(5, "cam"),
                    video(6, "cam"), audio(7)},
        .groups = {sim({1, 2, 3}), fid(1, 4), fid(2, 5), fid(3, 6)},
    };
}

}  // namespace jicofo::sources::testing
