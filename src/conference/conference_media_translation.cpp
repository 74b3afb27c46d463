// Live translation in the conference's media (Jicofo's ConferenceTranslationManager): the synthetic audio sources
// of translated senders in the source map and on the bridges, and the translator connects next to the features'.
#include "jicofo/conference/conference_media.hpp"

#include "conference_media_participant.hpp"

#include "jicofo/core/logging.hpp"
#include "jicofo/media/colibri_sources.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

namespace jicofo::conference {
namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto log = core::module_logger("translation");
    return log;
}

std::vector<sources::Source> synthetic_of(const sources::EndpointSourceSet& set) {
    std::vector<sources::Source> found;
    std::copy_if(set.sources.begin(), set.sources.end(), std::back_inserter(found),
                 [](const sources::Source& source) { return source.synthetic; });
    return found;
}

// The sources of `from` that are not (equal) in `other`.
std::vector<sources::Source> minus(const std::vector<sources::Source>& from,
                                   const std::vector<sources::Source>& other) {
    std::vector<sources::Source> rest;
    std::copy_if(from.begin(), from.end(), std::back_inserter(rest), [&other](const sources::Source& source) {
        return std::find(other.begin(), other.end(), source) == other.end();
    });
    return rest;
}

}  // namespace

void ConferenceMedia::set_translation(TranslationWanted wanted) {
    translation_ = std::move(wanted);
    apply_translation();
}

void ConferenceMedia::push_connects() {
    if (stopped_) {
        return;
    }
    auto all = feature_connects_;
    all.insert(all.end(), translator_connects_.begin(), translator_connects_.end());
    colibri_->set_connects(std::move(all));
}

void ConferenceMedia::apply_translation() {
    if (stopped_) {
        return;
    }
    if (translation_.requests.empty() && translation_sources_.allocated_ssrcs().empty() &&
        translator_connects_.empty()) {
        return;  // no translation in this room: nothing to look at on every source change
    }
    const auto base_name = [this](const std::string& endpoint_id) -> std::optional<std::string> {
        const auto& sources = sources_.get(endpoint_id).sources;
        const auto audio = std::find_if(sources.begin(), sources.end(), [](const sources::Source& source) {
            return source.media == sources::MediaType::audio && !source.synthetic;
        });
        if (audio == sources.end()) {
            return std::nullopt;
        }
        return audio->name.value_or(media::default_source_name(endpoint_id, sources::MediaType::audio));
    };
    const auto ssrc_in_use = [this](std::uint32_t ssrc) {
        const auto* owner = sources_.owner_of_ssrc(ssrc);
        return owner != nullptr && !sources_.get(*owner).find(ssrc)->synthetic;
    };
    auto wanted = translation_sources_.update(translation_.requests, base_name, ssrc_in_use);

    // The delta between the synthetic sources in the map and the wanted ones, per owner.
    std::set<std::string> owners;
    for (const auto& [owner, set] : sources_) {
        owners.insert(owner);
    }
    std::vector<std::string> affected;
    for (const auto& owner : owners) {
        const auto existing = synthetic_of(sources_.get(owner));
        const auto found = wanted.by_sender.find(owner);
        const auto desired = found != wanted.by_sender.end() ? found->second : std::vector<sources::Source>{};
        const auto to_remove = minus(existing, desired);
        const auto to_add = minus(desired, existing);
        if (to_remove.empty() && to_add.empty()) {
            continue;
        }
        if (!to_remove.empty()) {
            sources_.remove(owner, sources::EndpointSourceSet{to_remove, {}});
        }
        if (!to_add.empty()) {
            // Validated as a participant's own would be (SSRC conflicts, max-ssrcs-per-user), as Jicofo does.
            if (auto added = validator_.try_add(sources_, owner, sources::EndpointSourceSet{to_add, {}}); !added) {
                logger()->error("room={} endpoint={} synthetic translation sources refused: {}", room_.to_string(),
                                owner, added.error().reason);
            }
        }
        affected.push_back(owner);
    }
    for (const auto& owner : affected) {
        if (const auto* participant = find(owner)) {
            update_bridge_sources(*participant);
        }
    }

    auto connects = translation_.connects && !wanted.requests.empty() ? translation_.connects(wanted.requests)
                                                                      : std::vector<colibri::WantedConnect>{};
    const bool connects_changed = connects != translator_connects_;
    if (connects_changed) {
        translator_connects_ = std::move(connects);
        push_connects();
    }
    if (!affected.empty() || connects_changed) {
        logger()->info(
            "room={} translation applied: {} senders, {} synthetic sources, {} translator connects, "
            "bridges told about {} senders",
            room_.to_string(), wanted.requests.size(), translation_sources_.allocated_ssrcs().size(),
            translator_connects_.size(), affected.size());
    }
}

}  // namespace jicofo::conference
