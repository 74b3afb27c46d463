// Live translation's synthetic sources: the cases of Jicofo's TranslationSourceManagerTest (naming, SSRC stability
// and collision avoidance, senders without audio) and the caps.
#include "jicofo/media/translation_sources.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

namespace jicofo::media {
namespace {

class TranslationSourcesTest : public ::testing::Test {
protected:
    // Deterministic SSRCs: 100, 101, 102, ...
    TranslationSourceAllocator allocator{[this] { return next_ssrc_++; }};
    // Every sender's base source is "<id>-a0".
    TranslationSourceAllocator::BaseName base_name = [](const std::string& id) {
        return std::optional<std::string>(id + "-a0");
    };
    TranslationSourceAllocator::SsrcInUse none_in_use = [](std::uint32_t) { return false; };

    TranslationSources update(const TranslationRequestMap& requests) {
        return allocator.update(requests, base_name, none_in_use);
    }

    static std::vector<std::string> names(const std::vector<sources::Source>& sources) {
        std::vector<std::string> found;
        for (const auto& source : sources) {
            found.push_back(source.name.value_or(""));
        }
        std::sort(found.begin(), found.end());
        return found;
    }
    static std::uint32_t ssrc_of(const TranslationSources& result, const std::string& sender, const std::string& name) {
        const auto& sources = result.by_sender.at(sender);
        const auto it = std::find_if(sources.begin(), sources.end(), [&](const auto& s) { return s.name == name; });
        return it == sources.end() ? 0 : it->ssrc;
    }

private:
    std::uint32_t next_ssrc_ = 100;
};

TEST_F(TranslationSourcesTest, OneSenderOneLanguageIsOneSyntheticAudioSource) {
    const auto result = update({{"aaaaaaaa", {"en"}}});
    ASSERT_EQ(result.by_sender.count("aaaaaaaa"), 1U);
    const auto& sources = result.by_sender.at("aaaaaaaa");
    ASSERT_EQ(sources.size(), 1U);
    EXPECT_EQ(sources[0].name, "aaaaaaaa-a0.en");
    EXPECT_EQ(sources[0].media, sources::MediaType::audio);
    EXPECT_TRUE(sources[0].synthetic);
    EXPECT_EQ(sources[0].ssrc, 100U);
    EXPECT_FALSE(sources[0].msid);
    // The request for the translator connect: the base source exported, the synthetic one requested.
    ASSERT_EQ(result.requests.size(), 1U);
    EXPECT_EQ(result.requests[0], (TranslationRequest{"aaaaaaaa", "aaaaaaaa-a0", {"aaaaaaaa-a0.en"}}));
}

TEST_F(TranslationSourcesTest, OneSourcePerLanguageWithDistinctSsrcs) {
    const auto result = update({{"aaaaaaaa", {"en", "es", "en"}}});  // a repeated language counts once
    const auto& sources = result.by_sender.at("aaaaaaaa");
    EXPECT_EQ(names(sources), (std::vector<std::string>{"aaaaaaaa-a0.en", "aaaaaaaa-a0.es"}));
    EXPECT_NE(sources[0].ssrc, sources[1].ssrc);
    EXPECT_EQ(result.requests[0].synthetic_source_names,
              (std::vector<std::string>{"aaaaaaaa-a0.en", "aaaaaaaa-a0.es"}));
}

TEST_F(TranslationSourcesTest, SsrcsAreStableAcrossUpdates) {
    const auto first = update({{"aaaaaaaa", {"en"}}});
    const auto ssrc = ssrc_of(first, "aaaaaaaa", "aaaaaaaa-a0.en");
    EXPECT_EQ(ssrc_of(update({{"aaaaaaaa", {"en"}}}), "aaaaaaaa", "aaaaaaaa-a0.en"), ssrc);

    // A language added keeps the existing SSRC and mints a fresh one.
    const auto second = update({{"aaaaaaaa", {"en", "es"}}});
    EXPECT_EQ(ssrc_of(second, "aaaaaaaa", "aaaaaaaa-a0.en"), ssrc);
    EXPECT_EQ(ssrc_of(second, "aaaaaaaa", "aaaaaaaa-a0.es"), 101U);

    // A language dropped goes; the other keeps its SSRC.
    const auto third = update({{"aaaaaaaa", {"es"}}});
    EXPECT_EQ(names(third.by_sender.at("aaaaaaaa")), (std::vector<std::string>{"aaaaaaaa-a0.es"}));
    EXPECT_EQ(ssrc_of(third, "aaaaaaaa", "aaaaaaaa-a0.es"), 101U);
}

TEST_F(TranslationSourcesTest, RenamedBaseSourceKeepsTheSsrc) {
    const auto first = update({{"aaaaaaaa", {"en"}}});
    base_name = [](const std::string&) { return std::optional<std::string>("mic-2"); };
    const auto second = update({{"aaaaaaaa", {"en"}}});
    EXPECT_EQ(ssrc_of(second, "aaaaaaaa", "mic-2.en"), ssrc_of(first, "aaaaaaaa", "aaaaaaaa-a0.en"));
}

TEST_F(TranslationSourcesTest, MintedSsrcsAvoidTheConferenceAndEachOther) {
    // 100 is used by the conference: skipped.
    const auto result = allocator.update({{"aaaaaaaa", {"en"}}}, base_name, [](std::uint32_t s) { return s == 100; });
    EXPECT_EQ(ssrc_of(result, "aaaaaaaa", "aaaaaaaa-a0.en"), 101U);
}

TEST_F(TranslationSourcesTest, ZeroAndRepeatedCandidatesAreSkipped) {
    std::vector<std::uint32_t> candidates{0, 7, 7, 8};
    std::size_t at = 0;
    TranslationSourceAllocator repeating{[&] { return candidates[std::min(at++, candidates.size() - 1)]; }};
    const auto result = repeating.update({{"aaaaaaaa", {"en", "es"}}}, base_name, none_in_use);
    std::set<std::uint32_t> ssrcs;
    for (const auto& source : result.by_sender.at("aaaaaaaa")) {
        ssrcs.insert(source.ssrc);
    }
    EXPECT_EQ(ssrcs, (std::set<std::uint32_t>{7, 8}));
}

TEST_F(TranslationSourcesTest, NoFreeSsrcSkipsThePair) {
    TranslationSourceAllocator exhausted{[] { return 5U; }};
    const auto result = exhausted.update({{"aaaaaaaa", {"en"}}}, base_name, [](std::uint32_t s) { return s == 5; });
    EXPECT_TRUE(result.empty());
    EXPECT_TRUE(result.requests.empty());
}

TEST_F(TranslationSourcesTest, SendersWithoutAnAudioSourceAreSkipped) {
    const auto result = allocator.update(
        {{"aaaaaaaa", {"en"}}, {"bbbbbbbb", {"fr"}}},
        [](const std::string& id) {
            return id == "aaaaaaaa" ? std::optional<std::string>("aaaaaaaa-a0") : std::nullopt;
        },
        none_in_use);
    ASSERT_EQ(result.by_sender.size(), 1U);
    EXPECT_EQ(result.by_sender.count("aaaaaaaa"), 1U);
    ASSERT_EQ(result.requests.size(), 1U);
    EXPECT_EQ(result.requests[0].synthetic_source_names, (std::vector<std::string>{"aaaaaaaa-a0.en"}));
}

TEST_F(TranslationSourcesTest, SourceAppearsOnceTheSendersAudioDoes) {
    bool has_audio = false;
    const TranslationSourceAllocator::BaseName late = [&](const std::string& id) {
        return id == "aaaaaaaa" && has_audio ? std::optional<std::string>("aaaaaaaa-a0") : std::nullopt;
    };
    EXPECT_TRUE(allocator.update({{"aaaaaaaa", {"es"}}}, late, none_in_use).empty());
    has_audio = true;
    const auto second = allocator.update({{"aaaaaaaa", {"es"}}}, late, none_in_use);
    EXPECT_EQ(names(second.by_sender.at("aaaaaaaa")), (std::vector<std::string>{"aaaaaaaa-a0.es"}));
}

TEST_F(TranslationSourcesTest, EmptyRequestsClearEverything) {
    update({{"aaaaaaaa", {"en"}}});
    const auto result = update({});
    EXPECT_TRUE(result.empty());
    EXPECT_TRUE(allocator.allocated_ssrcs().empty());
    // A sender with an empty language list is no request either.
    EXPECT_TRUE(update({{"aaaaaaaa", {}}}).empty());
}

TEST_F(TranslationSourcesTest, LanguagesPerSenderAreCapped) {
    std::vector<std::string> languages;
    for (std::size_t i = 0; i < TranslationSourceAllocator::kMaxLanguagesPerSender + 10; ++i) {
        languages.push_back("l" + std::to_string(i));
    }
    const auto result = update({{"aaaaaaaa", languages}});
    EXPECT_EQ(result.by_sender.at("aaaaaaaa").size(), TranslationSourceAllocator::kMaxLanguagesPerSender);
}

TEST(TranslationSourceName, BaseDotLanguage) {
    EXPECT_EQ(synthetic_source_name("abcd-a0", "pt-BR"), "abcd-a0.pt-BR");
}

TEST(TranslationSourceAllocatorRandom, MintsNonZeroDistinctSsrcs) {
    TranslationSourceAllocator allocator;
    const auto result = allocator.update(
        {{"aaaaaaaa", {"en", "es", "fr"}}}, [](const std::string&) { return std::optional<std::string>("x"); },
        [](std::uint32_t) { return false; });
    std::set<std::uint32_t> ssrcs;
    for (const auto& source : result.by_sender.at("aaaaaaaa")) {
        EXPECT_NE(source.ssrc, 0U);
        ssrcs.insert(source.ssrc);
    }
    EXPECT_EQ(ssrcs.size(), 3U);
}

}  // namespace
}  // namespace jicofo::media
