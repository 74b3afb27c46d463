// Version pins (REST /pin): new conferences in a pinned room only use bridges of that full version until the pin
// expires. Owned by one strand; not thread-safe.
#pragma once

#include "jicofo/selector/clock.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace jicofo::selector {

struct Pin {
    std::string conference_id;  // the room JID
    std::string version;        // a bridge full version ("version-release")
    TimePoint expires_at;       // steady time; REST converts it to a wall-clock instant

    friend bool operator==(const Pin&, const Pin&) = default;
};

class PinRegistry {
public:
    // Pins (or re-pins) a conference for `duration` from `now`. A duration of zero or less removes the pin.
    void pin(const std::string& conference_id, std::string version, Duration duration, TimePoint now);
    // Returns true when there was a pin (expired or not).
    bool unpin(const std::string& conference_id);
    // The pinned version, unless the pin has expired.
    [[nodiscard]] std::optional<std::string> get(const std::string& conference_id, TimePoint now) const;
    // The pins that have not expired, by conference id.
    [[nodiscard]] std::vector<Pin> list(TimePoint now) const;
    // Forgets expired pins (get and list already ignore them; this only bounds memory).
    void prune(TimePoint now);
    [[nodiscard]] std::size_t size() const { return pins_.size(); }

private:
    std::map<std::string, Pin> pins_;
};

}  // namespace jicofo::selector
