// Jibri selection as Jicofo's JibriDetector does it.
#include "jicofo/recording/jibri_pool.hpp"

#include <algorithm>

namespace jicofo::recording {

bool JibriPool::update(const std::string& id, bool available) {
    auto it = instances_.find(id);
    if (it == instances_.end()) {
        if (instances_.size() >= kMaxInstances) {
            return false;
        }
        it = instances_.emplace(id, Instance{}).first;
    }
    it->second.available = available;
    if (available) {
        it->second.last_failed.reset();
    }
    return true;
}

void JibriPool::remove(const std::string& id) {
    instances_.erase(id);
}

void JibriPool::failed(const std::string& id, TimePoint now) {
    if (auto it = instances_.find(id); it != instances_.end()) {
        it->second.last_failed = now;
    }
}

core::Result<std::string, NoJibri> JibriPool::select(TimePoint now) {
    if (instances_.empty()) {
        return core::unexpected(NoJibri::none_present);
    }
    // Of the available instances not selected within kSelectTimeout, the one that failed longest ago (never
    // failing counts as longest ago); it must not have failed within kFailureTimeout, and if it has, every other
    // candidate failed even more recently.
    Instance* best = nullptr;
    const std::string* best_id = nullptr;
    for (auto& [id, instance] : instances_) {
        if (!instance.available || (instance.last_selected && now - *instance.last_selected < kSelectTimeout)) {
            continue;
        }
        if (!best || (instance.last_failed.value_or(TimePoint::min()) < best->last_failed.value_or(TimePoint::min()))) {
            best = &instance;
            best_id = &id;
        }
    }
    if (!best || (best->last_failed && now - *best->last_failed < kFailureTimeout)) {
        return core::unexpected(NoJibri::none_available);
    }
    best->last_selected = now;
    return *best_id;
}

std::size_t JibriPool::available() const {
    return static_cast<std::size_t>(
        std::count_if(instances_.begin(), instances_.end(), [](const auto& entry) { return entry.second.available; }));
}

std::vector<JibriInstanceView> JibriPool::snapshot() const {
    std::vector<JibriInstanceView> views;
    views.reserve(instances_.size());
    for (const auto& [id, instance] : instances_) {
        views.push_back(JibriInstanceView{id, instance.available, instance.last_selected, instance.last_failed});
    }
    return views;
}

}  // namespace jicofo::recording
