// AV moderation: the component's JSON (media types, whitelists, caps, wrong types), and a conference's Moderation
// instance driven by component messages through the recorded handler, observed where it acts: force-mute requests
// to the bridge (a real ConferenceMedia on fake colibri), mute notices, unmute refusals and joiners' force-mute.
#include "conference/conference_media_fixture.hpp"
#include "feature/fake_registrar.hpp"
#include "jicofo/moderation/av_moderation_feature.hpp"
#include "jicofo/mute/mute_feature.hpp"
#include "jicofo/stanza/jingle.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace jicofo::moderation {
namespace {

using stanza::MuteMedia;
using ::testing::HasSubstr;

TEST(ParseAvModeration, ReadsEveryField) {
    const auto parsed = parse_av_moderation(
        R"({"type":"av_moderation","room":"room1@conference.meet.test","enabled":true,"mediaType":"video",)"
        R"("actor":"room1@conference.meet.test/alice","whitelists":{"audio":["room1@conference.meet.test/bob"],)"
        R"("desktop":[]}})");
    ASSERT_TRUE(parsed) << parsed.error();
    EXPECT_EQ(parsed->room, "room1@conference.meet.test");
    EXPECT_EQ(parsed->enabled, std::optional<bool>(true));
    EXPECT_EQ(parsed->media, std::optional<MuteMedia>(MuteMedia::video));
    EXPECT_EQ(parsed->actor, std::optional<std::string>("room1@conference.meet.test/alice"));
    ASSERT_EQ(parsed->whitelists.size(), 2U);
    EXPECT_EQ(parsed->whitelists[0].first, MuteMedia::audio);
    EXPECT_EQ(parsed->whitelists[0].second, std::vector<std::string>{"room1@conference.meet.test/bob"});
    EXPECT_EQ(parsed->whitelists[1].first, MuteMedia::desktop);
    EXPECT_TRUE(parsed->whitelists[1].second.empty());
}

TEST(ParseAvModeration, OnlyTheRoomIsRequired) {
    const auto parsed = parse_av_moderation(R"({"type":"av_moderation","room":"r@c.meet.test","other":[1]})");
    ASSERT_TRUE(parsed) << parsed.error();
    EXPECT_FALSE(parsed->enabled);
    EXPECT_FALSE(parsed->media);
    EXPECT_FALSE(parsed->actor);
    EXPECT_TRUE(parsed->whitelists.empty());
}

TEST(ParseAvModeration, MediaTypeNamesAreCaseInsensitive) {
    for (const auto& [name, media] : std::vector<std::pair<std::string, MuteMedia>>{
             {"AUDIO", MuteMedia::audio}, {"Video", MuteMedia::video}, {"deskTOP", MuteMedia::desktop}}) {
        const auto parsed = parse_av_moderation(R"({"type":"av_moderation","room":"r@c.meet.test","mediaType":")" +
                                                name + R"(","whitelists":{")" + name + R"(":["x"]}})");
        ASSERT_TRUE(parsed) << name << ": " << parsed.error();
        EXPECT_EQ(parsed->media, std::optional<MuteMedia>(media)) << name;
        ASSERT_EQ(parsed->whitelists.size(), 1U);
        EXPECT_EQ(parsed->whitelists[0].first, media) << name;
    }
}

struct Refused {
    const char* json;
    const char* says;
};

class ParseAvModerationRefused : public ::testing::TestWithParam<Refused> {};

TEST_P(ParseAvModerationRefused, NamesWhatIsWrong) {
    const auto parsed = parse_av_moderation(GetParam().json);
    ASSERT_FALSE(parsed) << GetParam().json;
    EXPECT_THAT(parsed.error(), HasSubstr(GetParam().says));
}

INSTANTIATE_TEST_SUITE_P(
    Messages, ParseAvModerationRefused,
    ::testing::Values(
        Refused{R"({"type":"room_metadata","room":"r@c"})", "type"}, Refused{R"({"room":"r@c"})", "type"},
        Refused{R"({"type":"av_moderation"})", "room"}, Refused{R"({"type":"av_moderation","room":5})", "room"},
        Refused{R"({"type":"av_moderation","room":"r@c","enabled":"true"})", "enabled"},
        Refused{R"({"type":"av_moderation","room":"r@c","enabled":1})", "enabled"},
        Refused{R"({"type":"av_moderation","room":"r@c","mediaType":"screen"})", "mediaType"},
        Refused{R"({"type":"av_moderation","room":"r@c","mediaType":1})", "mediaType"},
        Refused{R"({"type":"av_moderation","room":"r@c","actor":5})", "actor"},
        Refused{R"({"type":"av_moderation","room":"r@c","whitelists":[]})", "whitelists"},
        Refused{R"({"type":"av_moderation","room":"r@c","whitelists":{"screen":[]}})", "whitelists.screen"},
        Refused{R"({"type":"av_moderation","room":"r@c","whitelists":{"audio":"x"}})", "whitelists.audio"},
        Refused{R"({"type":"av_moderation","room":"r@c","whitelists":{"video":[1]}})", "whitelists.video"},
        Refused{"[]", "not a JSON object"}, Refused{"{", "not a JSON object"}));

TEST(ParseAvModeration, AMessageOverTheSizeCapIsRefused) {
    std::string json = R"({"type":"av_moderation","room":"r@c"})";
    json.insert(1, std::string(kMaxMessageBytes, ' '));
    const auto parsed = parse_av_moderation(json);
    ASSERT_FALSE(parsed);
    EXPECT_THAT(parsed.error(), HasSubstr("larger than"));
}

TEST(ParseAvModeration, WhitelistsAreCapped) {
    auto whitelist = [](std::size_t count) {
        std::string list = "[";
        for (std::size_t i = 0; i < count; ++i) {
            list += (i ? ",\"r@c/" : "\"r@c/") + std::to_string(i) + "\"";
        }
        return R"({"type":"av_moderation","room":"r@c","whitelists":{"audio":)" + list + "]}}";
    };
    auto at_cap = parse_av_moderation(whitelist(kMaxWhitelist));
    ASSERT_TRUE(at_cap) << at_cap.error();
    EXPECT_EQ(at_cap->whitelists.at(0).second.size(), kMaxWhitelist);
    auto over = parse_av_moderation(whitelist(kMaxWhitelist + 1));
    ASSERT_FALSE(over);
    EXPECT_THAT(over.error(), HasSubstr("whitelists.audio"));
}

TEST(ParseAvModeration, LongStringsAndDeepNestingAreRefused) {
    const std::string long_jid(4000, 'x');
    EXPECT_FALSE(parse_av_moderation(R"({"type":"av_moderation","room":")" + long_jid + R"("})"));
    EXPECT_FALSE(parse_av_moderation(R"({"type":"av_moderation","room":"r@c","actor":")" + long_jid + R"("})"));
    EXPECT_FALSE(
        parse_av_moderation(R"({"type":"av_moderation","room":"r@c","whitelists":{"audio":[")" + long_jid + R"("]}})"));
    const auto deep = parse_av_moderation(R"({"type":"av_moderation","room":"r@c","x":[[[[[[[[[[[[1]]]]]]]]]]]]})");
    ASSERT_FALSE(deep);
    EXPECT_THAT(deep.error(), HasSubstr("nested"));
}

// A conference with Alice (moderator), Bob and Carol (participants) and a Jibri, all with endpoints on jvb1.
class ModerationTest : public conference::testing::ConferenceMediaTest {
protected:
    ModerationTest() {
        install(registrar);
        start();
        view.media_ = media.get();
        instance = registrar.instance_for(view);
        // As Conference does: the media layer asks the features who is force-muted.
        media->set_policy(&policy);
    }

    // The conference's side of the media policy, for this one feature.
    struct Policy : conference::MediaPolicy {
        explicit Policy(const ModerationTest& owner) : test(owner) {}
        [[nodiscard]] stanza::ForceMute required_force_mute(const xmpp::Member& m) const override {
            return test.instance ? test.instance->required_force_mute(test.view, m) : stanza::ForceMute{};
        }
        [[nodiscard]] std::optional<stanza::StanzaError> source_add_refusal(const xmpp::Member&, bool,
                                                                            bool) const override {
            return std::nullopt;
        }
        void bridges_changed(int, bool) override {}
        const ModerationTest& test;
    };

    void SetUp() override {
        ASSERT_NE(instance, nullptr) << "av_moderation keeps an instance per conference";
        enter(view.make_member("alice", xmpp::MemberRole::moderator));
        enter(view.make_member("bob"));
        enter(view.make_member("carol"));
        auto jibri = view.make_member("jibri");
        jibri.is_jibri = true;
        enter(jibri);
        answer_allocations();
    }

    void enter(xmpp::Member m) {
        view.join(std::move(m));
        media->participant_joined(view.members().back());
    }

    // A message of the av_moderation component, through the handler the feature registered.
    void component_says(const std::string& json) {
        const auto* component = registrar.component("av_moderation");
        ASSERT_NE(component, nullptr);
        ASSERT_TRUE(component->on_message);
        stanza::Message message;
        message.from = conference::testing::jid("avmoderation.meet.test");
        stanza::JsonMessage payload;
        payload.json = json;
        message.extensions.push_back(payload.to_xml());
        component->on_message(message, *registrar.conferences());
    }
    void moderation(const std::string& media_type, bool enabled, const std::string& actor = "alice") {
        component_says(R"({"type":"av_moderation","room":"room1@conference.meet.test","enabled":)" +
                       std::string(enabled ? "true" : "false") + R"(,"mediaType":")" + media_type +
                       R"(","actor":"room1@conference.meet.test/)" + actor + R"("})");
    }

    std::vector<stanza::ForceMute> force_mutes(const std::string& endpoint) { return colibri.force_mutes(endpoint); }
    std::vector<std::string> notified() {
        std::vector<std::string> nicks;
        for (const auto& [to, notice] : signaling.mute_notices) {
            nicks.emplace_back(to.resource());
        }
        return nicks;
    }
    std::optional<stanza::StanzaError> refusal(const std::string& nick, MuteMedia media_type) {
        const auto* m = view.member(nick);
        EXPECT_NE(m, nullptr) << nick;
        return m ? instance->unmute_refusal(view, *m, media_type) : std::nullopt;
    }

    feature::testing::FakeRegistrar registrar;
    feature::testing::FakeConferenceView view;
    feature::FeatureInstance* instance = nullptr;
    Policy policy{*this};
};

TEST_F(ModerationTest, EnablingAudioForceMutesEveryoneButModeratorsAndJibri) {
    moderation("audio", true);
    EXPECT_EQ(force_mutes("bob"), (std::vector<stanza::ForceMute>{{true, false}}));
    EXPECT_EQ(force_mutes("carol"), (std::vector<stanza::ForceMute>{{true, false}}));
    EXPECT_TRUE(force_mutes("alice").empty());
    EXPECT_TRUE(force_mutes("jibri").empty());
    EXPECT_EQ(notified(), (std::vector<std::string>{"bob", "carol"}));
    ASSERT_TRUE(signaling.mute_notices[0].second.actor);
    EXPECT_EQ(signaling.mute_notices[0].second.actor->resource(), "alice");
    EXPECT_EQ(signaling.mute_notices[0].second.media, MuteMedia::audio);
}

TEST_F(ModerationTest, TheActorIsNotMutedEvenWithoutModeratorRights) {
    moderation("audio", true, "bob");
    EXPECT_TRUE(force_mutes("bob").empty());
    EXPECT_EQ(force_mutes("carol"), (std::vector<stanza::ForceMute>{{true, false}}));
}

TEST_F(ModerationTest, AMessageRepeatingTheStateChangesNothing) {
    moderation("audio", true);
    moderation("audio", true);
    EXPECT_EQ(force_mutes("bob").size(), 1U);
    EXPECT_EQ(signaling.mute_notices.size(), 2U);
}

TEST_F(ModerationTest, AParticipantsUnmuteIsRefusedAModeratorsIsNot) {
    EXPECT_FALSE(refusal("bob", MuteMedia::audio)) << "moderation is off";
    moderation("audio", true);
    auto bob = refusal("bob", MuteMedia::audio);
    ASSERT_TRUE(bob);
    EXPECT_EQ(bob->condition, stanza::ErrorCondition::not_allowed);
    EXPECT_FALSE(refusal("bob", MuteMedia::video)) << "only audio is moderated";
    EXPECT_FALSE(refusal("alice", MuteMedia::audio));
    // The view asks every feature: the refusal reaches it.
    ASSERT_NE(view.member("bob"), nullptr);
    EXPECT_TRUE(view.unmute_refusal(*view.member("bob"), MuteMedia::audio));
}

TEST_F(ModerationTest, AWhitelistedOccupantMayUnmuteAndIsNotForceMuted) {
    component_says(R"({"type":"av_moderation","room":"room1@conference.meet.test",)"
                   R"("whitelists":{"audio":["room1@conference.meet.test/bob"]}})");
    moderation("audio", true);
    EXPECT_FALSE(refusal("bob", MuteMedia::audio));
    EXPECT_TRUE(refusal("carol", MuteMedia::audio));
    EXPECT_TRUE(force_mutes("bob").empty());
    EXPECT_EQ(force_mutes("carol"), (std::vector<stanza::ForceMute>{{true, false}}));
    // A new whitelist replaces the old one.
    component_says(R"({"type":"av_moderation","room":"room1@conference.meet.test","whitelists":{"audio":[]}})");
    EXPECT_TRUE(refusal("bob", MuteMedia::audio));
}

TEST_F(ModerationTest, AJoinerStartsForceMutedOnTheBridge) {
    moderation("audio", true);
    moderation("video", true);
    auto dave = view.make_member("dave");
    ASSERT_TRUE(instance->required_force_mute(view, dave) == (stanza::ForceMute{true, true}));
    auto moderator = view.make_member("erin", xmpp::MemberRole::moderator);
    EXPECT_TRUE(instance->required_force_mute(view, moderator) == stanza::ForceMute{});

    enter(dave);
    answer_allocations();
    std::optional<stanza::ForceMute> allocated;
    for (auto* sent : colibri.about("dave")) {
        for (const auto& e : sent->request.endpoints) {
            if (e.id == "dave" && e.create) {
                allocated = e.force_mute;
            }
        }
    }
    ASSERT_TRUE(allocated) << "dave's allocation carries his force-mute";
    EXPECT_TRUE(*allocated == (stanza::ForceMute{true, true}));
}

// Camera and screen share are one video force-mute on the bridge: it follows video moderation, and desktop
// moderation alone (enforced by refusing the screen-share unmute) never stops the camera.
TEST_F(ModerationTest, DesktopModerationLeavesTheBridgeAloneAndIsEnforcedByRefusingTheUnmute) {
    moderation("desktop", true);
    EXPECT_TRUE(force_mutes("bob").empty()) << "the camera is not moderated";
    EXPECT_EQ(notified(), (std::vector<std::string>{"bob", "carol"})) << "but the moderated are told";
    EXPECT_TRUE(refusal("bob", MuteMedia::desktop));
    EXPECT_FALSE(refusal("bob", MuteMedia::video));
    EXPECT_TRUE(instance->required_force_mute(view, view.make_member("dave")) == stanza::ForceMute{});

    moderation("video", true);
    EXPECT_EQ(force_mutes("bob"), (std::vector<stanza::ForceMute>{{false, true}}));
    moderation("video", false);
    EXPECT_EQ(force_mutes("bob"), (std::vector<stanza::ForceMute>{{false, true}, {false, false}}))
        << "video moderation off lifts the video force-mute, desktop moderation or not";
    moderation("desktop", false);
    EXPECT_EQ(force_mutes("bob").size(), 2U) << "nothing more for the bridge";
}

// A participant allowed to share its screen while video moderation denies its camera: the unmute of its screen
// share is answered, but the bridge keeps video force-muted, since both are video there.
TEST_F(ModerationTest, AScreenShareUnmuteDoesNotLiftVideoModerationsForceMute) {
    moderation("video", true);
    ASSERT_EQ(force_mutes("bob"), (std::vector<stanza::ForceMute>{{false, true}}));
    stanza::Iq request;
    request.header.type = stanza::IqType::set;
    request.header.id = "unmute-screen";
    request.header.from = conference::testing::jid("room1@conference.meet.test/bob");
    stanza::MuteIq unmute;
    unmute.media = MuteMedia::desktop;
    unmute.jid = conference::testing::jid("room1@conference.meet.test/bob");
    unmute.mute = false;
    EXPECT_FALSE(refusal("bob", MuteMedia::desktop)) << "desktop is not moderated";
    media->handle_mute(request, unmute);
    EXPECT_EQ(force_mutes("bob"), (std::vector<stanza::ForceMute>{{false, true}}))
        << "no colibri update lifting the video force-mute";
}

TEST_F(ModerationTest, DisablingLiftsTheForceMute) {
    moderation("audio", true);
    moderation("audio", false);
    EXPECT_EQ(force_mutes("bob"), (std::vector<stanza::ForceMute>{{true, false}, {false, false}}));
    EXPECT_EQ(force_mutes("carol"), (std::vector<stanza::ForceMute>{{true, false}, {false, false}}));
    EXPECT_FALSE(refusal("bob", MuteMedia::audio));
    EXPECT_TRUE(instance->required_force_mute(view, view.make_member("dave")) == stanza::ForceMute{});
}

TEST_F(ModerationTest, MessagesForAnotherRoomOrMalformedOnesChangeNothing) {
    component_says(
        R"({"type":"av_moderation","room":"room2@conference.meet.test","enabled":true,"mediaType":"audio"})");
    component_says(
        R"({"type":"av_moderation","room":"room1@conference.meet.test","enabled":"yes","mediaType":"audio"})");
    component_says(R"({"type":"av_moderation","room":"conference.meet.test","enabled":true,"mediaType":"audio"})");
    EXPECT_TRUE(colibri.about("bob").size() == 1U) << "only bob's allocation";
    EXPECT_FALSE(refusal("bob", MuteMedia::audio));
    EXPECT_EQ(registrar.fake_conferences().asked, std::vector<std::string>{"room2@conference.meet.test"});
}

TEST_F(ModerationTest, TheRoomIsMatchedInItsPreparedForm) {
    component_says(
        R"({"type":"av_moderation","room":"\uFF32OOM1@conference.meet.test","enabled":true,"mediaType":"audio"})");
    EXPECT_TRUE(refusal("bob", MuteMedia::audio));
}

TEST_F(ModerationTest, DebugShowsEachMediaTypesState) {
    moderation("video", true);
    auto json = nlohmann::json::parse(instance->debug_json().value_or("{}"));
    EXPECT_EQ(json["video"]["enabled"], true);
    EXPECT_EQ(json["audio"]["enabled"], false);
}

TEST(ModerationFeature, DeclaresItsInstanceComponentAndDebugSection) {
    feature::testing::FakeRegistrar registrar;
    install(registrar);
    EXPECT_TRUE(registrar.factory);
    const auto* component = registrar.component("av_moderation");
    ASSERT_NE(component, nullptr);
    EXPECT_TRUE(component->on_message);
    EXPECT_EQ((*registrar.debug_value("av_moderation"))["address"], "null");
    component->changed(std::string("avmoderation.meet.test"));
    EXPECT_EQ((*registrar.debug_value("av_moderation"))["address"], "avmoderation.meet.test");
}

// Without a media layer (no bridges configured) the state is still kept: unmutes are refused, joiners start muted.
TEST(ModerationFeature, WithoutMediaTheStateIsStillKept) {
    feature::testing::FakeRegistrar registrar;
    install(registrar);
    feature::testing::FakeConferenceView view;
    auto* instance = registrar.instance_for(view);
    ASSERT_NE(instance, nullptr);
    view.join(view.make_member("bob"));
    stanza::Message message;
    message.from = conference::testing::jid("avmoderation.meet.test");
    stanza::JsonMessage payload;
    payload.json = R"({"type":"av_moderation","room":"room1@conference.meet.test","enabled":true,"mediaType":"video"})";
    message.extensions.push_back(payload.to_xml());
    registrar.component("av_moderation")->on_message(message, *registrar.conferences());
    EXPECT_TRUE(instance->unmute_refusal(view, *view.member("bob"), MuteMedia::video));
    EXPECT_TRUE(instance->required_force_mute(view, view.make_member("dave")) == (stanza::ForceMute{false, true}));
}

// The mute feature asks the view (so every feature) before a self-unmute reaches the media layer.
TEST_F(ModerationTest, BobsOwnUnmuteThroughTheMuteFeatureIsRefused) {
    feature::testing::FakeRegistrar mute_registrar(1);
    mute::install(mute_registrar);
    const auto* route = mute_registrar.iq_route("mute", stanza::mute_namespace(MuteMedia::audio));
    ASSERT_NE(route, nullptr);
    moderation("audio", true);

    auto request = [](const std::string& from, const std::string& target, bool mute) {
        stanza::MuteIq payload;
        payload.media = MuteMedia::audio;
        payload.jid = conference::testing::jid("room1@conference.meet.test/" + target);
        payload.mute = mute;
        stanza::Iq iq;
        iq.header.type = stanza::IqType::set;
        iq.header.id = "mute-" + from + "-" + target;
        iq.header.from = conference::testing::jid("room1@conference.meet.test/" + from);
        iq.payload = payload.to_xml();
        return iq;
    };
    route->handler(view, nullptr, request("bob", "bob", false));
    ASSERT_EQ(view.replies.size(), 1U);
    ASSERT_TRUE(view.replies[0].error);
    EXPECT_EQ(view.replies[0].error->condition, stanza::ErrorCondition::not_allowed);
    EXPECT_EQ(force_mutes("bob"), (std::vector<stanza::ForceMute>{{true, false}})) << "still force-muted";

    // Alice, a moderator, may unmute herself: the media layer answers.
    route->handler(view, nullptr, request("alice", "alice", false));
    EXPECT_EQ(view.replies.size(), 1U) << "not refused by the feature";
    ASSERT_FALSE(signaling.replies.empty());
    EXPECT_EQ(signaling.replies.back().header.type, stanza::IqType::result);
    // Muting is never refused.
    route->handler(view, nullptr, request("bob", "bob", true));
    EXPECT_EQ(view.replies.size(), 1U);
    EXPECT_EQ(signaling.replies.back().header.type, stanza::IqType::result);
}

}  // namespace
}  // namespace jicofo::moderation
