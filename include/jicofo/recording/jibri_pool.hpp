// The Jibri instances of one brewery (recorders and streamers, or SIP gateways) and which one a new session gets,
// as Jicofo's JibriDetector chooses (jicofo-protocol.md §4g): an instance that reports itself available (healthy and
// idle), was not selected in the last 200 ms and has not failed in the last minute; of those, the one whose last
// failure is oldest (or that never failed). A presence reporting the instance available clears its failure, since
// Jibri only re-publishes its presence when something changes. Pure logic over a time passed in; owned by one
// strand.
#pragma once

#include "jicofo/core/result.hpp"

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace jicofo::recording {

using TimePoint = std::chrono::steady_clock::time_point;

// Why no instance was selected: the client hears `service-unavailable` when no Jibri is there at all and
// `resource-constraint` when all of them are busy, failing or just selected.
enum class NoJibri { none_present, none_available };

struct JibriInstanceView {
    std::string id;  // the occupant JID in the brewery
    bool available = false;
    std::optional<TimePoint> last_selected;
    std::optional<TimePoint> last_failed;
};

class JibriPool {
public:
    static constexpr std::chrono::milliseconds kSelectTimeout{200};
    static constexpr std::chrono::minutes kFailureTimeout{1};
    // A brewery holds a few dozen Jibris; anything past this is not believed.
    static constexpr std::size_t kMaxInstances = 4096;

    // The instance's presence (new or changed). False when a new instance is refused over kMaxInstances.
    bool update(const std::string& id, bool available);
    // The instance left the brewery (or its presence went away).
    void remove(const std::string& id);
    // The instance failed a request (an error, a timeout, a failure it reported): not selected for a minute.
    void failed(const std::string& id, TimePoint now);

    // Selects an instance for a new session and marks it selected at `now`.
    [[nodiscard]] core::Result<std::string, NoJibri> select(TimePoint now);

    [[nodiscard]] bool contains(const std::string& id) const { return instances_.count(id) != 0; }
    [[nodiscard]] std::size_t size() const { return instances_.size(); }
    // Instances that report themselves healthy and idle (Jicofo's jibri_instances_available).
    [[nodiscard]] std::size_t available() const;
    [[nodiscard]] std::vector<JibriInstanceView> snapshot() const;

private:
    struct Instance {
        bool available = false;
        std::optional<TimePoint> last_selected;
        std::optional<TimePoint> last_failed;
    };
    std::map<std::string, Instance, std::less<>> instances_;
};

}  // namespace jicofo::recording
