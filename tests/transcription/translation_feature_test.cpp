// Live translation through the transcription feature: the room metadata's audioTranslationRequests and translation
// headers reach a real ConferenceMedia (fake bridges and participants) as synthetic sources and translator connects
// built from jicofo.translation.
#include "conference/conference_media_fixture.hpp"
#include "feature/fake_registrar.hpp"
#include "jicofo/transcription/transcription_feature.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace jicofo::transcription {
namespace {

using conference::testing::client_contents;

class TranslationFeatureTest : public conference::testing::ConferenceMediaTest {
protected:
    void SetUp() override {
        auto& translation = registrar.config_.translation;
        translation.url_template = "wss://{{REGION}}.translator.test/{{MEETING_ID}}";
        translation.http_headers = {{"Authorization", "Bearer config"}};
        translation.max_languages_per_connect = 1;
        configure(translation);
        install(registrar);
        start();
        view.media_ = media.get();
        instance = registrar.instance_for(view);
        ASSERT_NE(instance, nullptr);
        view.joined_conference();
        join("alice");
        join("bob");
        answer_allocations();
        ASSERT_TRUE(is_result(send("bob", accept("bob", client_contents({})))));
        ASSERT_TRUE(
            is_result(send("alice", accept("alice", client_contents({{"audio", 1111, "alice-a0", "m alice-a"}})))));
    }

    virtual void configure(config::TranslationConfig& /*translation*/) {}

    // The last connect of each id sent to the bridges since `since`.
    std::map<std::string, stanza::Colibri2Connect> connects_since(std::size_t since) {
        std::map<std::string, stanza::Colibri2Connect> found;
        for (std::size_t i = since; i < colibri.sent.size(); ++i) {
            for (const auto& connect :
                 colibri.sent[i].request.connects.value_or(std::vector<stanza::Colibri2Connect>{})) {
                found[connect.id] = connect;
            }
        }
        return found;
    }

    feature::testing::FakeRegistrar registrar;
    feature::testing::FakeConferenceView view;
    feature::FeatureInstance* instance = nullptr;
};

TEST_F(TranslationFeatureTest, TheRoomsRequestsBecomePerSourceConnectsWithTheRoomsHeaders) {
    const auto before = colibri.sent.size();
    conference::RoomMetadata metadata;
    metadata.audio_translation_requests = {{"alice", {"fr", "es"}}};
    view.set_metadata(metadata);

    auto connects = connects_since(before);
    ASSERT_EQ(connects.size(), 2U);
    const auto& first = connects.at("translator-alice-a0-0");
    EXPECT_TRUE(first.create);
    EXPECT_EQ(first.url, "wss://region-a.translator.test/meeting-1");
    EXPECT_EQ(first.type, stanza::ConnectType::translator);
    EXPECT_EQ(first.exports, (std::vector<std::string>{"alice-a0"}));
    EXPECT_EQ(first.requests, (std::vector<std::string>{"alice-a0.es"}));
    EXPECT_EQ(first.http_headers,
              (std::vector<std::pair<std::string, std::string>>{{"Authorization", "Bearer config"}}));
    EXPECT_EQ(connects.at("translator-alice-a0-1").requests, (std::vector<std::string>{"alice-a0.fr"}));
    EXPECT_NE(instance->debug_json()->find("\"translation_requests\":{\"alice\":[\"fr\",\"es\"]}"), std::string::npos)
        << *instance->debug_json();

    // An unrelated metadata change sends nothing; the room's own header updates both connects.
    const auto unchanged = colibri.sent.size();
    metadata.lobby_enabled = true;
    view.set_metadata(metadata);
    EXPECT_EQ(colibri.sent.size(), unchanged);
    metadata.translation_http_headers = {{"Authorization", "Bearer room"}};
    view.set_metadata(metadata);
    connects = connects_since(unchanged);
    ASSERT_EQ(connects.size(), 2U);
    for (const auto& [id, connect] : connects) {
        EXPECT_FALSE(connect.create || connect.expire) << id;
        EXPECT_EQ(connect.http_headers,
                  (std::vector<std::pair<std::string, std::string>>{{"Authorization", "Bearer room"}}));
    }

    // No more requests: both connects expire.
    const auto dropped = colibri.sent.size();
    view.set_metadata(conference::RoomMetadata{});
    connects = connects_since(dropped);
    ASSERT_EQ(connects.size(), 2U);
    EXPECT_TRUE(connects.at("translator-alice-a0-0").expire);
    EXPECT_TRUE(connects.at("translator-alice-a0-1").expire);
}

class SingleBridgeTranslationFeatureTest : public TranslationFeatureTest {
protected:
    void configure(config::TranslationConfig& translation) override {
        translation.mode = config::TranslationMode::SingleBridge;
    }
};

TEST_F(SingleBridgeTranslationFeatureTest, OneConnectOnTheConnectHostForEverySender) {
    const auto before = colibri.sent.size();
    conference::RoomMetadata metadata;
    metadata.audio_translation_requests = {{"alice", {"fr", "es"}}, {"bob", {"de"}}};  // Bob has no audio
    view.set_metadata(metadata);
    const auto connects = connects_since(before);
    ASSERT_EQ(connects.size(), 1U);
    const auto& connect = connects.at("translator");
    EXPECT_EQ(connect.exports, (std::vector<std::string>{"alice-a0"}));
    EXPECT_EQ(connect.requests, (std::vector<std::string>{"alice-a0.es", "alice-a0.fr"}));
}

}  // namespace
}  // namespace jicofo::transcription
