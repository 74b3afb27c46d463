// Translator connects: the room's audioTranslationRequests as per-sender requests, and the connects per source
// (chunked by max-languages-per-connect) or on a single bridge (the cases of Jicofo's PerSourceTranslatorSpecsTest,
// ColibriTranslationTest and TranslationSourceManagerTest that do not need synthetic SSRCs).
#include "jicofo/transcription/translator_connects.hpp"

#include <gtest/gtest.h>

namespace jicofo::transcription {
namespace {

using Names = std::vector<std::string>;
using Headers = std::vector<std::pair<std::string, std::string>>;

const std::string kUrl = "wss://example.com/t";

TEST(PerSourceTranslatorConnects, WithinTheLimitOneConnectCarriesEveryLanguage) {
    const TranslationRequest request{"aaaaaaaa", "aaaaaaaa-a0", {"aaaaaaaa-a0.en", "aaaaaaaa-a0.es"}};
    const auto connects = per_source_translator_connects(request, kUrl, 5, {}, std::nullopt);
    ASSERT_EQ(connects.size(), 1U);
    EXPECT_EQ(connects[0].connect.id, "translator-aaaaaaaa-a0-0");
    EXPECT_EQ(connects[0].connect.type, stanza::ConnectType::translator);
    EXPECT_TRUE(connects[0].connect.audio);
    EXPECT_EQ(connects[0].connect.exports, Names{"aaaaaaaa-a0"});
    EXPECT_EQ(connects[0].connect.requests, (Names{"aaaaaaaa-a0.en", "aaaaaaaa-a0.es"}));
    EXPECT_EQ(connects[0].on_bridge_of_endpoint, "aaaaaaaa") << "on the sender's own bridge";
}

TEST(PerSourceTranslatorConnects, BeyondTheLimitTheLanguagesAreChunkedWithStableIds) {
    Names languages;
    for (int i = 1; i <= 7; ++i) {
        languages.push_back("aaaaaaaa-a0.l" + std::to_string(i));
    }
    const auto connects =
        per_source_translator_connects({"aaaaaaaa", "aaaaaaaa-a0", languages}, kUrl, 3, {}, std::nullopt);
    ASSERT_EQ(connects.size(), 3U);
    EXPECT_EQ(connects[0].connect.id, "translator-aaaaaaaa-a0-0");
    EXPECT_EQ(connects[1].connect.id, "translator-aaaaaaaa-a0-1");
    EXPECT_EQ(connects[2].connect.id, "translator-aaaaaaaa-a0-2");
    EXPECT_EQ(connects[0].connect.requests, Names(languages.begin(), languages.begin() + 3));
    EXPECT_EQ(connects[1].connect.requests, Names(languages.begin() + 3, languages.begin() + 6));
    EXPECT_EQ(connects[2].connect.requests, Names{languages[6]});
    for (const auto& wanted : connects) {
        EXPECT_EQ(wanted.connect.exports, Names{"aaaaaaaa-a0"});
    }
}

TEST(PerSourceTranslatorConnects, PingOnEveryConnectNoneByDefaultNoConnectWithoutLanguages) {
    const TranslationRequest request{"aaaaaaaa", "aaaaaaaa-a0", {"aaaaaaaa-a0.en", "aaaaaaaa-a0.fr"}};
    const auto with_ping = per_source_translator_connects(request, kUrl, 1, {}, stanza::ConnectPing{10000, 3000});
    ASSERT_EQ(with_ping.size(), 2U);
    for (const auto& wanted : with_ping) {
        EXPECT_EQ(wanted.connect.ping, (stanza::ConnectPing{10000, 3000}));
    }
    EXPECT_FALSE(per_source_translator_connects(request, kUrl, 5, {}, std::nullopt).at(0).connect.ping);
    EXPECT_TRUE(per_source_translator_connects({"a", "a-a0", {}}, kUrl, 5, {}, std::nullopt).empty());
    EXPECT_EQ(per_source_translator_connects(request, kUrl, 0, {}, std::nullopt).size(), 2U)
        << "a limit below one is one language a connect";
}

TEST(TranslationRequests, OneSyntheticSourcePerSenderAndLanguage) {
    const std::map<std::string, Names> requested{
        {"p1", {"es", "en", "es"}}, {"p2", {}}, {"p3", {"fr"}}, {"gone", {"de"}}};
    const auto base_name = [](const std::string& endpoint) -> std::optional<std::string> {
        if (endpoint == "gone") {
            return std::nullopt;  // left, or has no audio source
        }
        return endpoint + "-a0";
    };
    const auto requests = translation_requests(requested, base_name);
    ASSERT_EQ(requests.size(), 2U);
    EXPECT_EQ(requests[0], (TranslationRequest{"p1", "p1-a0", {"p1-a0.en", "p1-a0.es"}}))
        << "each language once, the names sorted";
    EXPECT_EQ(requests[1], (TranslationRequest{"p3", "p3-a0", {"p3-a0.fr"}}));
}

class TranslatorConnectsTest : public ::testing::Test {
protected:
    void SetUp() override {
        config.url_template = "wss://{{REGION}}.translate.example.com/t/{{MEETING_ID}}";
        config.ping.enabled = false;
    }
    config::TranslationConfig config;
    conference::RoomMetadata metadata;
    std::vector<TranslationRequest> requests{{"p1", "p1-a0", {"p1-a0.en", "p1-a0.es"}}, {"p2", "p2-a0", {"p2-a0.fr"}}};
};

TEST_F(TranslatorConnectsTest, NoneWithoutAUrlOrWithoutRequests) {
    EXPECT_TRUE(translator_connects(config, metadata, "m1", {}).empty());
    config.url_template.reset();
    EXPECT_TRUE(translator_connects(config, metadata, "m1", requests).empty());
}

TEST_F(TranslatorConnectsTest, PerSourceEachSenderOnItsBridge) {
    const auto connects = translator_connects(config, metadata, "m1", requests);
    ASSERT_EQ(connects.size(), 2U);
    EXPECT_EQ(connects[0].connect.id, "translator-p1-a0-0");
    EXPECT_EQ(connects[0].on_bridge_of_endpoint, "p1");
    EXPECT_EQ(connects[0].connect.url, "wss://{{REGION}}.translate.example.com/t/m1");
    EXPECT_EQ(connects[1].connect.id, "translator-p2-a0-0");
    EXPECT_EQ(connects[1].on_bridge_of_endpoint, "p2");
}

TEST_F(TranslatorConnectsTest, SingleBridgeOneConnectForEverySender) {
    config.mode = config::TranslationMode::SingleBridge;
    config.max_languages_per_connect = 1;  // ignored in this mode
    const auto connects = translator_connects(config, metadata, "m1", requests);
    ASSERT_EQ(connects.size(), 1U);
    EXPECT_EQ(connects[0].connect.id, "translator");
    EXPECT_FALSE(connects[0].on_bridge_of_endpoint) << "on the conference's connect host";
    EXPECT_EQ(connects[0].connect.exports, (Names{"p1-a0", "p2-a0"}));
    EXPECT_EQ(connects[0].connect.requests, (Names{"p1-a0.en", "p1-a0.es", "p2-a0.fr"}));
}

TEST_F(TranslatorConnectsTest, TheRoomsHeadersOverlayTheConfiguredOnesAndPingAsConfigured) {
    config.http_headers = {{"Authorization", "Bearer config"}, {"CF-Access-Client-Id", "id"}};
    EXPECT_EQ(translator_connects(config, metadata, "m1", requests).at(0).connect.http_headers,
              (Headers{{"Authorization", "Bearer config"}, {"CF-Access-Client-Id", "id"}}));
    metadata.translation_http_headers = {{"Authorization", "Bearer per-room"}, {"X-Custom", "v1"}};
    EXPECT_EQ(translator_connects(config, metadata, "m1", requests).at(0).connect.http_headers,
              (Headers{{"Authorization", "Bearer per-room"}, {"CF-Access-Client-Id", "id"}, {"X-Custom", "v1"}}));
    config.ping.enabled = true;
    EXPECT_EQ(translator_connects(config, metadata, "m1", requests).at(0).connect.ping,
              (stanza::ConnectPing{10000, 3000}))
        << "the defaults, 10 s and 3 s";
}

}  // namespace
}  // namespace jicofo::transcription
