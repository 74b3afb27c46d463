// Synthetic translation sources: naming, SSRC minting and the allocation kept across updates.
#include "jicofo/media/translation_sources.hpp"

#include <algorithm>
#include <random>
#include <set>

namespace jicofo::media {
namespace {

constexpr int kMaxMintAttempts = 1000;

std::uint32_t random_ssrc() {
    thread_local std::mt19937 engine{std::random_device{}()};
    return std::uniform_int_distribution<std::uint32_t>{1, UINT32_MAX}(engine);
}

}  // namespace

std::string synthetic_source_name(std::string_view base_name, std::string_view language) {
    std::string name(base_name);
    name.push_back('.');
    name += language;
    return name;
}

TranslationSourceAllocator::TranslationSourceAllocator(SsrcGenerator generator)
    : generator_(generator ? std::move(generator) : SsrcGenerator(&random_ssrc)) {}

TranslationSources TranslationSourceAllocator::update(const TranslationRequestMap& requested, const BaseName& base_name,
                                                      const SsrcInUse& ssrc_in_use) {
    std::map<std::string, std::map<std::string, sources::Source>> next;
    TranslationSources result;
    for (const auto& [sender, languages] : requested) {
        if (next.size() >= kMaxSenders) {
            break;
        }
        if (languages.empty()) {
            continue;
        }
        const auto base = base_name(sender);
        if (!base) {
            continue;
        }
        const auto existing = allocated_.find(sender);
        auto& for_sender = next[sender];
        for (const auto& language : languages) {
            if (for_sender.size() >= kMaxLanguagesPerSender || for_sender.count(language) != 0) {
                continue;
            }
            auto name = synthetic_source_name(*base, language);
            if (existing != allocated_.end()) {
                if (const auto kept = existing->second.find(language); kept != existing->second.end()) {
                    auto source = kept->second;
                    source.name = std::move(name);  // the SSRC stays; the base source may have been renamed
                    for_sender.emplace(language, std::move(source));
                    continue;
                }
            }
            const auto ssrc = mint(ssrc_in_use, next);
            if (!ssrc) {
                continue;
            }
            sources::Source source;
            source.ssrc = *ssrc;
            source.media = sources::MediaType::audio;
            source.name = std::move(name);
            source.synthetic = true;
            for_sender.emplace(language, std::move(source));
        }
        if (for_sender.empty()) {
            next.erase(sender);
            continue;
        }
        TranslationRequest request{sender, *base, {}};
        auto& sources = result.by_sender[sender];
        for (const auto& [language, source] : for_sender) {
            sources.push_back(source);
            request.synthetic_source_names.push_back(*source.name);
        }
        std::sort(request.synthetic_source_names.begin(), request.synthetic_source_names.end());
        result.requests.push_back(std::move(request));
    }
    allocated_ = std::move(next);
    return result;
}

std::vector<std::uint32_t> TranslationSourceAllocator::allocated_ssrcs() const {
    std::vector<std::uint32_t> ssrcs;
    for (const auto& [sender, by_language] : allocated_) {
        for (const auto& [language, source] : by_language) {
            ssrcs.push_back(source.ssrc);
        }
    }
    return ssrcs;
}

std::optional<std::uint32_t> TranslationSourceAllocator::mint(
    const SsrcInUse& ssrc_in_use, const std::map<std::string, std::map<std::string, sources::Source>>& next) {
    const auto taken = [](const auto& allocation, std::uint32_t ssrc) {
        return std::any_of(allocation.begin(), allocation.end(), [ssrc](const auto& sender) {
            return std::any_of(sender.second.begin(), sender.second.end(),
                               [ssrc](const auto& language) { return language.second.ssrc == ssrc; });
        });
    };
    for (int attempt = 0; attempt < kMaxMintAttempts; ++attempt) {
        const std::uint32_t candidate = generator_();
        if (candidate != 0 && !ssrc_in_use(candidate) && !taken(next, candidate) && !taken(allocated_, candidate)) {
            return candidate;
        }
    }
    return std::nullopt;
}

}  // namespace jicofo::media
