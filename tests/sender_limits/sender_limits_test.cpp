// Sender limits: the senders counted from members' presence as they join, change and leave; the limit-reached
// conference properties published only when they flip; unmutes and source-adds refused at the limit.
#include "feature/fake_registrar.hpp"
#include "jicofo/sender_limits/sender_limits_feature.hpp"

#include <gtest/gtest.h>

#include <string>

namespace jicofo::sender_limits {
namespace {

using stanza::MuteMedia;

// A room limited to 2 audio and 1 video senders.
class SenderLimitsTest : public ::testing::Test {
protected:
    void SetUp() override {
        registrar.config_.conference.max_audio_senders = 2;
        registrar.config_.conference.max_video_senders = 1;
        install(registrar);
        instance = registrar.instance_for(view);
        ASSERT_NE(instance, nullptr);
    }

    xmpp::Member member(const std::string& nick, bool audio_on, bool video_on) {
        auto m = view.make_member(nick);
        m.audio_muted = !audio_on;
        m.video_muted = !video_on;
        return m;
    }

    std::vector<std::pair<std::string, std::optional<std::string>>> calls() const { return view.property_calls; }
    using Calls = std::vector<std::pair<std::string, std::optional<std::string>>>;

    std::optional<stanza::StanzaError> unmute(const std::string& nick, MuteMedia media) {
        const auto* m = view.member(nick);
        EXPECT_NE(m, nullptr) << nick;
        return m ? instance->unmute_refusal(view, *m, media) : std::nullopt;
    }

    feature::testing::FakeRegistrar registrar;
    feature::testing::FakeConferenceView view;
    feature::FeatureInstance* instance = nullptr;
};

TEST_F(SenderLimitsTest, NothingIsPublishedBelowTheLimit) {
    view.join(member("alice", true, false));
    view.join(member("bob", false, false));
    view.update(member("bob", false, false));
    EXPECT_TRUE(view.property_calls.empty());
}

TEST_F(SenderLimitsTest, TheAudioPropertyFlipsAtTheLimitAndBack) {
    view.join(member("alice", true, false));
    EXPECT_TRUE(view.property_calls.empty());
    view.join(member("bob", true, false));
    EXPECT_EQ(calls(), (Calls{{"audio-limit-reached", "true"}}));
    EXPECT_EQ(view.properties["audio-limit-reached"], "true");
    view.update(member("bob", false, false));
    EXPECT_EQ(calls(), (Calls{{"audio-limit-reached", "true"}, {"audio-limit-reached", "false"}}));
    view.update(member("bob", true, false));
    view.leave("alice");
    EXPECT_EQ(calls(), (Calls{{"audio-limit-reached", "true"},
                              {"audio-limit-reached", "false"},
                              {"audio-limit-reached", "true"},
                              {"audio-limit-reached", "false"}}));
    EXPECT_EQ(view.properties["audio-limit-reached"], "false");
}

TEST_F(SenderLimitsTest, OnlyChangesArePublished) {
    view.join(member("alice", true, true));  // video at its limit of 1
    EXPECT_EQ(calls(), (Calls{{"video-limit-reached", "true"}}));
    view.join(member("bob", true, false));  // audio at its limit of 2
    EXPECT_EQ(calls(), (Calls{{"video-limit-reached", "true"}, {"audio-limit-reached", "true"}}));
    // More senders past the limit, presence updates that change nothing: no new property edits.
    view.join(member("carol", true, true));
    view.update(member("alice", true, true));
    view.update(member("bob", true, false));
    view.join(member("dave", false, false));
    EXPECT_EQ(calls().size(), 2U);
    // Carol leaves: still at both limits.
    view.leave("carol");
    EXPECT_EQ(calls().size(), 2U);
    // Alice stops video: video below its limit, once.
    view.update(member("alice", true, false));
    EXPECT_EQ(calls().size(), 3U);
    EXPECT_EQ(calls().back(), (std::pair<std::string, std::optional<std::string>>{"video-limit-reached", "false"}));
}

TEST_F(SenderLimitsTest, AnUnmuteIsRefusedOnlyForAMutedMemberAtTheLimit) {
    view.join(member("alice", true, false));
    view.join(member("bob", false, false));
    EXPECT_FALSE(unmute("bob", MuteMedia::audio)) << "one audio sender of two";
    view.join(member("carol", true, false));
    auto refused = unmute("bob", MuteMedia::audio);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->condition, stanza::ErrorCondition::resource_constraint);
    EXPECT_NE(refused->text.find("audio"), std::string::npos) << refused->text;
    EXPECT_FALSE(unmute("alice", MuteMedia::audio)) << "alice is a sender already";
    EXPECT_FALSE(unmute("bob", MuteMedia::video)) << "no video senders";
    view.join(member("dave", false, true));
    auto video = unmute("bob", MuteMedia::video);
    ASSERT_TRUE(video);
    EXPECT_EQ(video->condition, stanza::ErrorCondition::resource_constraint);
    EXPECT_FALSE(unmute("dave", MuteMedia::video));
    // Below the limit again, bob may unmute.
    view.leave("carol");
    EXPECT_FALSE(unmute("bob", MuteMedia::audio));
}

TEST_F(SenderLimitsTest, ASourceAddIsRefusedForTheMediaAtItsLimit) {
    view.join(member("alice", false, true));
    const auto& bob = view.make_member("bob");
    auto video = instance->source_add_refusal(view, bob, false, true);
    ASSERT_TRUE(video);
    EXPECT_EQ(video->condition, stanza::ErrorCondition::resource_constraint);
    EXPECT_NE(video->text.find("video"), std::string::npos) << video->text;
    EXPECT_FALSE(instance->source_add_refusal(view, bob, true, false)) << "audio is below its limit";
    EXPECT_TRUE(instance->source_add_refusal(view, bob, true, true));
    EXPECT_FALSE(instance->source_add_refusal(view, bob, false, false));
    view.update(member("alice", false, false));
    EXPECT_FALSE(instance->source_add_refusal(view, bob, false, true));
}

TEST_F(SenderLimitsTest, DebugShowsTheCounts) {
    view.join(member("alice", true, true));
    auto json = nlohmann::json::parse(instance->debug_json().value_or("{}"));
    EXPECT_EQ(json["audio_senders"], 1);
    EXPECT_EQ(json["video_senders"], 1);
    EXPECT_EQ(json["video_limit_reached"], true);
    EXPECT_EQ(json["audio_limit_reached"], false);
}

TEST(SenderLimitsDefaults, TheDefaultLimitsRefuseNothing) {
    feature::testing::FakeRegistrar registrar;
    install(registrar);
    feature::testing::FakeConferenceView view;
    auto* instance = registrar.instance_for(view);
    ASSERT_NE(instance, nullptr);
    for (int i = 0; i < 20; ++i) {
        auto m = view.make_member("p" + std::to_string(i));
        m.audio_muted = false;
        m.video_muted = false;
        view.join(m);
    }
    EXPECT_TRUE(view.property_calls.empty());
    EXPECT_FALSE(instance->source_add_refusal(view, view.make_member("x"), true, true));
}

}  // namespace
}  // namespace jicofo::sender_limits
