// Transcription: the transcriber connect computed from room metadata and jicofo.transcription (the cases of Jicofo's
// TranscriptionConfigTest and ColibriTranscriptionTest), and the instance's conference property on a fake view.
#include "feature/fake_registrar.hpp"
#include "jicofo/transcription/transcriber_connect.hpp"
#include "jicofo/transcription/transcription_feature.hpp"

#include <gtest/gtest.h>

#include <string>

namespace jicofo::transcription {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

config::TranscriptionConfig configured(std::string url = "wss://{{REGION}}.t.example.com/{{MEETING_ID}}") {
    config::TranscriptionConfig config;
    config.url_template = std::move(url);
    return config;
}

conference::RoomMetadata transcribing() {
    conference::RoomMetadata metadata;
    metadata.transcribing_enabled = true;
    return metadata;
}

TEST(TranscriberConnect, WantedOnlyWhenTheRoomAsksAndAUrlIsConfigured) {
    EXPECT_FALSE(transcriber_connect(configured(), conference::RoomMetadata{}, "m1")) << "the room does not ask";
    EXPECT_FALSE(transcriber_connect(config::TranscriptionConfig{}, transcribing(), "m1")) << "no url-template";
    const auto wanted = transcriber_connect(configured(), transcribing(), "m1");
    ASSERT_TRUE(wanted);
    EXPECT_EQ(wanted->connect.id, "transcriber");
    EXPECT_EQ(wanted->connect.type, stanza::ConnectType::transcriber);
    EXPECT_TRUE(wanted->connect.audio);
    EXPECT_FALSE(wanted->connect.video);
    EXPECT_FALSE(wanted->on_bridge_of_endpoint) << "one bridge of the conference, not a sender's";
    EXPECT_EQ(wanted->connect.url, "wss://{{REGION}}.t.example.com/m1") << "the region is the bridge's, filled later";
    EXPECT_TRUE(wanted->connect.exports.empty());
    EXPECT_TRUE(wanted->connect.requests.empty());
}

TEST(TranscriberConnect, PingAsConfigured) {
    auto config = configured();
    config.ping.interval = std::chrono::seconds(30);
    config.ping.timeout = std::chrono::seconds(5);
    EXPECT_EQ(transcriber_connect(config, transcribing(), "m1")->connect.ping, (stanza::ConnectPing{30000, 5000}));
    config.ping.enabled = false;
    EXPECT_FALSE(transcriber_connect(config, transcribing(), "m1")->connect.ping);
}

TEST(TranscriberConnect, TheRoomsHeadersOverlayTheConfiguredOnes) {
    auto config = configured();
    config.http_headers = {{"Authorization", "Bearer config"}, {"X-Static", "s"}};
    EXPECT_EQ(transcriber_connect(config, transcribing(), "m1")->connect.http_headers,
              (Headers{{"Authorization", "Bearer config"}, {"X-Static", "s"}}))
        << "without the room's headers, the configured ones";
    auto metadata = transcribing();
    metadata.transcription_http_headers = {{"Authorization", "Bearer room"}, {"X-Room", "r"}};
    EXPECT_EQ(transcriber_connect(config, metadata, "m1")->connect.http_headers,
              (Headers{{"Authorization", "Bearer room"}, {"X-Room", "r"}, {"X-Static", "s"}}));
    EXPECT_TRUE(transcriber_connect(configured(), transcribing(), "m1")->connect.http_headers.empty());
}

TEST(TranscriberConnect, TheRoomsUrlParamsAreAppendedEncoded) {
    auto metadata = transcribing();
    metadata.transcription_url_params = {{"lang", "en US"}, {"tenant", "a&b=c/ü"}};
    EXPECT_EQ(transcriber_connect(configured("wss://t.example.com/ws"), metadata, "m1")->connect.url,
              "wss://t.example.com/ws?lang=en+US&tenant=a%26b%3Dc%2F%C3%BC");
    EXPECT_EQ(
        transcriber_connect(configured("wss://t.example.com/ws?meeting={{MEETING_ID}}"), metadata, "m1")->connect.url,
        "wss://t.example.com/ws?meeting=m1&lang=en+US&tenant=a%26b%3Dc%2F%C3%BC")
        << "a url with a query gets the params after '&'";
}

TEST(TranscriberConnect, EveryMeetingIdPlaceholderIsFilled) {
    EXPECT_EQ(fill_meeting_id("wss://h/{{MEETING_ID}}/x?id={{MEETING_ID}}", "abc"), "wss://h/abc/x?id=abc");
    EXPECT_EQ(fill_meeting_id("wss://h/ws", "abc"), "wss://h/ws");
    EXPECT_EQ(form_encode("aZ09.-*_ ~!"), "aZ09.-*_+%7E%21");
}

class TranscriptionFeatureTest : public ::testing::Test {
protected:
    void SetUp() override {
        registrar.config_.transcription = configured();
        install(registrar);
        instance = registrar.instance_for(view);
        ASSERT_NE(instance, nullptr);
        view.joined_conference();
    }
    feature::testing::FakeRegistrar registrar;
    feature::testing::FakeConferenceView view;
    feature::FeatureInstance* instance = nullptr;
};

TEST_F(TranscriptionFeatureTest, TheAudioRecordingPropertyFollowsTheMetadata) {
    EXPECT_TRUE(view.property_calls.empty()) << "nothing published before the room asks";
    view.set_metadata(transcribing());
    EXPECT_EQ(view.properties["audio-recording-enabled"], "true");
    auto changed = transcribing();
    changed.transcription_http_headers = {{"X-A", "a"}};
    view.set_metadata(changed);
    EXPECT_EQ(view.property_calls.size(), 1U) << "only a change of transcribing is published";
    view.set_metadata(conference::RoomMetadata{});
    EXPECT_EQ(view.properties["audio-recording-enabled"], "false");
    EXPECT_EQ(view.property_calls.size(), 2U);
    EXPECT_NE(instance->debug_json()->find("\"enabled\":false"), std::string::npos);
}

}  // namespace
}  // namespace jicofo::transcription
