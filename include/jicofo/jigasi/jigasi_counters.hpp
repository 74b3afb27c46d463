// What happens to clients' dial requests, counted under the reference's names: the /stats `jigasi` keys and the
// jitsi_jicofo_jigasi_iq_handler_* counters (jicofo-protocol.md §3). Events come from the conferences' strands; the
// feature that owns the counters increments its metrics from them, so this is only the names and a plain tally
// for the owner (or a test) to keep on one strand.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace jicofo::jigasi {

enum class JigasiEvent {
    accepted,                   // a dial passed the checks and is being forwarded
    rejected,                   // a dial was refused before any Jigasi was asked (not allowed, wrong room, conflict)
    retry,                      // an instance failed and another is asked
    instance_error,             // an instance answered with an error
    instance_timeout,           // an instance did not answer in time
    failed_no_instance,         // no instance could take the dial
    failed_xmpp_not_connected,  // the connection to the Jigasis' XMPP server was down
};
inline constexpr std::size_t kJigasiEventCount = 7;

// The key under /stats `jigasi` (the reference's spelling: `instance_timeout`, singular).
[[nodiscard]] std::string_view stats_key(JigasiEvent event);
// The counter name without the jitsi_jicofo_ prefix and _total suffix; nullopt for the two failures that the
// reference shows in /stats only.
[[nodiscard]] std::optional<std::string_view> metric_name(JigasiEvent event);

class JigasiCounters {
public:
    void add(JigasiEvent event) { ++counts_[static_cast<std::size_t>(event)]; }
    [[nodiscard]] std::uint64_t operator[](JigasiEvent event) const { return counts_[static_cast<std::size_t>(event)]; }

private:
    std::array<std::uint64_t, kJigasiEventCount> counts_{};
};

}  // namespace jicofo::jigasi
