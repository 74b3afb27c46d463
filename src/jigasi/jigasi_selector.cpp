// Jigasi selection: capability and shutdown filters, then region preferences, then the least loaded instance.
#include "jicofo/jigasi/jigasi_selector.hpp"

#include <algorithm>
#include <utility>

namespace jicofo::jigasi {
namespace {

bool contains(const std::vector<std::string>& list, std::string_view value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

// The regions treated as one with `region` (itself included), as jicofo.bridge.region-groups defines them.
std::vector<std::string> region_group(std::span<const std::vector<std::string>> groups, const std::string& region) {
    for (const auto& group : groups) {
        if (contains(group, region)) {
            return group;
        }
    }
    return {region};
}

// The first instance with the fewest participants among those in one of `regions` (all of them when `regions` is
// nullopt); nullptr when there is none.
const JigasiInstance* least_loaded(const std::vector<const JigasiInstance*>& candidates,
                                   const std::optional<std::vector<std::string>>& regions) {
    const JigasiInstance* best = nullptr;
    for (const JigasiInstance* instance : candidates) {
        if (regions && (!instance->region || !contains(*regions, *instance->region))) {
            continue;
        }
        if (best == nullptr || instance->participants < best->participants) {
            best = instance;
        }
    }
    return best;
}

}  // namespace

std::string_view to_string(JigasiKind kind) {
    return kind == JigasiKind::transcriber ? "transcriber" : "sip";
}

JigasiInstance JigasiInstance::from_stats(std::string id, const stanza::ColibriStats& stats) {
    JigasiInstance instance;
    instance.id = std::move(id);
    instance.supports_sip = stats.supports_sip().value_or(false);
    instance.supports_transcription = stats.supports_transcription().value_or(false);
    instance.graceful_shutdown = stats.graceful_shutdown().value_or(false);
    instance.participants = stats.participants().value_or(0);
    if (const auto region = stats.region(); region && !region->empty()) {
        instance.region = std::string(*region);
    }
    return instance;
}

std::optional<std::string> select_jigasi(std::span<const JigasiInstance> instances, const JigasiSelection& selection) {
    std::vector<const JigasiInstance*> candidates;
    for (const auto& instance : instances) {
        const bool capable =
            selection.kind == JigasiKind::transcriber ? instance.supports_transcription : instance.supports_sip;
        if (capable && !instance.graceful_shutdown && !contains(selection.exclude, instance.id)) {
            candidates.push_back(&instance);
        }
    }
    if (candidates.empty()) {
        return std::nullopt;
    }

    std::vector<std::string> preferred;
    std::vector<std::string> grouped;
    for (const auto& region : selection.preferred_regions) {
        if (region.empty()) {
            continue;
        }
        preferred.push_back(region);
        for (auto& member : region_group(selection.region_groups, region)) {
            grouped.push_back(std::move(member));
        }
    }
    std::vector<std::optional<std::vector<std::string>>> steps{preferred, grouped};
    if (selection.local_region && !selection.local_region->empty()) {
        steps.emplace_back(std::vector<std::string>{*selection.local_region});
    }
    steps.emplace_back(std::nullopt);  // any region
    for (const auto& regions : steps) {
        if (const JigasiInstance* chosen = least_loaded(candidates, regions)) {
            return chosen->id;
        }
    }
    return std::nullopt;
}

JigasiInstanceCounts count_instances(std::span<const JigasiInstance> instances) {
    JigasiInstanceCounts counts;
    for (const auto& instance : instances) {
        if (instance.supports_sip) {
            ++counts.sip;
            if (instance.graceful_shutdown) {
                ++counts.sip_in_graceful_shutdown;
            }
        }
        if (instance.supports_transcription) {
            ++counts.transcriber;
        }
    }
    return counts;
}

}  // namespace jicofo::jigasi
