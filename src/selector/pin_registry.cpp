// PinRegistry: conference id → pinned bridge version with an expiry.
#include "jicofo/selector/pin_registry.hpp"

#include <utility>

namespace jicofo::selector {

void PinRegistry::pin(const std::string& conference_id, std::string version, Duration duration, TimePoint now) {
    prune(now);
    if (duration <= Duration::zero()) {
        pins_.erase(conference_id);
        return;
    }
    pins_[conference_id] = Pin{conference_id, std::move(version), now + duration};
}

bool PinRegistry::unpin(const std::string& conference_id) {
    return pins_.erase(conference_id) != 0;
}

std::optional<std::string> PinRegistry::get(const std::string& conference_id, TimePoint now) const {
    auto it = pins_.find(conference_id);
    if (it == pins_.end() || now >= it->second.expires_at) {
        return std::nullopt;
    }
    return it->second.version;
}

std::vector<Pin> PinRegistry::list(TimePoint now) const {
    std::vector<Pin> result;
    for (const auto& [id, pin] : pins_) {
        if (now < pin.expires_at) {
            result.push_back(pin);
        }
    }
    return result;
}

void PinRegistry::prune(TimePoint now) {
    std::erase_if(pins_, [&](const auto& entry) { return now >= entry.second.expires_at; });
}

}  // namespace jicofo::selector
