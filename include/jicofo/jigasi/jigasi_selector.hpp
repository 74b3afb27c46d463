// Which Jigasi takes a dial (jicofo-protocol.md §4h, Jicofo's JigasiDetector.selectJigasi). An instance is what its
// brewery presence says about it (colibri stats: supports_sip, supports_transcription, graceful_shutdown,
// participants, region). Selection keeps the instances of the wanted kind that are not shutting down and have not
// failed this request, then prefers, in order: one in a region of the conference's bridges, one in those regions'
// groups (jicofo.bridge.region-groups), one in the focus's local region; within the first step that finds any (or
// among all, when none does), the one with the fewest participants, the earlier instance on a tie. Pure.
#pragma once

#include "jicofo/stanza/brewery.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace jicofo::jigasi {

// A SIP gateway call (dial-in/out) or a transcriber.
enum class JigasiKind { sip, transcriber };
[[nodiscard]] std::string_view to_string(JigasiKind kind);

struct JigasiInstance {
    std::string id;  // the instance's occupant JID in the brewery
    bool supports_sip = false;
    bool supports_transcription = false;
    bool graceful_shutdown = false;
    std::int64_t participants = 0;      // absent or unreadable counts as none, as in the reference
    std::optional<std::string> region;  // absent or empty: no region

    // Reads the stats an instance publishes in its brewery presence; a flag that is absent or not a boolean is
    // false.
    static JigasiInstance from_stats(std::string id, const stanza::ColibriStats& stats);
    friend bool operator==(const JigasiInstance&, const JigasiInstance&) = default;
};

struct JigasiSelection {
    JigasiKind kind = JigasiKind::sip;
    std::vector<std::string> exclude;  // instances that already failed this request
    // The regions of the conference's bridges (empty entries are ignored).
    std::vector<std::string> preferred_regions;
    // jicofo.bridge.region-groups: a region in a group stands for the whole group.
    std::span<const std::vector<std::string>> region_groups;
    // jicofo.local-region; without one that step is skipped. (The reference then prefers instances that report no
    // region, a side effect of comparing with null that we do not copy.)
    std::optional<std::string> local_region;
};

// The chosen instance's id, or nullopt when no instance can take the request.
[[nodiscard]] std::optional<std::string> select_jigasi(std::span<const JigasiInstance> instances,
                                                       const JigasiSelection& selection);

// What /stats `jigasi_detector` and the jigasi_* gauges show about the brewery.
struct JigasiInstanceCounts {
    std::int64_t sip = 0;                       // instances that support SIP
    std::int64_t sip_in_graceful_shutdown = 0;  // of those, shutting down
    std::int64_t transcriber = 0;               // instances that support transcription
    friend bool operator==(const JigasiInstanceCounts&, const JigasiInstanceCounts&) = default;
};
[[nodiscard]] JigasiInstanceCounts count_instances(std::span<const JigasiInstance> instances);

}  // namespace jicofo::jigasi
