// Live translation's synthetic audio sources (Jicofo's TranslationSourceManager): one per requested <sender,
// language>, named "<baseName>.<language>" after the sender's first audio source, with an SSRC minted to avoid the
// conference's and kept while the pair stays requested. Holds the allocation only; the conference applies the
// result to its source map and bridges.
#pragma once

#include "jicofo/sources/source_set.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jicofo::media {

// The room's audioTranslationRequests: sender endpoint id -> languages its audio is translated into.
using TranslationRequestMap = std::map<std::string, std::vector<std::string>>;

// One sender's audio translated into one or more languages: its base audio source is exported to the translator,
// the synthetic sources (one per language) are requested back.
struct TranslationRequest {
    std::string sender_endpoint_id;
    std::string source_name;
    std::vector<std::string> synthetic_source_names;  // sorted
    friend bool operator==(const TranslationRequest&, const TranslationRequest&) = default;
};

// The synthetic source of `base_name` in `language`: "<baseName>.<language>".
[[nodiscard]] std::string synthetic_source_name(std::string_view base_name, std::string_view language);

// The synthetic sources wanted now, by sender, and the requests for the translator connects (in sender order).
struct TranslationSources {
    std::map<std::string, std::vector<sources::Source>> by_sender;  // each sender's sources in language order
    std::vector<TranslationRequest> requests;
    [[nodiscard]] bool empty() const { return by_sender.empty(); }
};

class TranslationSourceAllocator {
public:
    using SsrcGenerator = std::function<std::uint32_t()>;
    // A sender's base (first non-synthetic audio) source name; nullopt when it is absent or sends no audio.
    using BaseName = std::function<std::optional<std::string>(const std::string& endpoint_id)>;
    // Whether an SSRC is used by a (non-synthetic) source of the conference.
    using SsrcInUse = std::function<bool(std::uint32_t ssrc)>;

    // Languages per sender and senders are capped so that a room's metadata cannot make the focus mint without end.
    static constexpr std::size_t kMaxLanguagesPerSender = 64;
    static constexpr std::size_t kMaxSenders = 500;

    // Without a generator: random 32-bit SSRCs.
    explicit TranslationSourceAllocator(SsrcGenerator generator = {});

    // The synthetic sources for `requested`. A sender without languages or without a base source is skipped (and
    // loses the ones it had); a pair that stays requested keeps its SSRC (its name follows the base name). A new
    // SSRC is never 0, in use, or already allocated; a pair for which none is found in a bounded number of tries
    // is skipped.
    TranslationSources update(const TranslationRequestMap& requested, const BaseName& base_name,
                              const SsrcInUse& ssrc_in_use);

    [[nodiscard]] std::vector<std::uint32_t> allocated_ssrcs() const;

private:
    std::optional<std::uint32_t> mint(const SsrcInUse& ssrc_in_use,
                                      const std::map<std::string, std::map<std::string, sources::Source>>& next);

    SsrcGenerator generator_;
    // sender endpoint id -> language -> synthetic source.
    std::map<std::string, std::map<std::string, sources::Source>> allocated_;
};

}  // namespace jicofo::media
