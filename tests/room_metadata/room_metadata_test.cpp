// Room metadata: the component's JSON read into RoomMetadata (every field, what is ignored, what is refused and why,
// the caps), and the feature's component handler applying a message to the right conference.
#include "feature/fake_registrar.hpp"
#include "jicofo/room_metadata/room_metadata_feature.hpp"
#include "jicofo/stanza/jingle.hpp"
#include "jicofo/stanza/namespaces.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace jicofo::room_metadata {
namespace {

using ::testing::HasSubstr;

std::string wrap(const std::string& metadata) {
    return R"({"type":"room_metadata","metadata":)" + metadata + "}";
}

TEST(ParseRoomMetadata, ReadsEveryField) {
    const auto parsed = parse_room_metadata(wrap(R"({
        "visitors": {"live": true},
        "startMuted": {"audio": true, "video": false},
        "moderators": ["user-a", "group-b"],
        "participants": ["user-c"],
        "visitorsEnabled": false,
        "participantsSoftLimit": 25,
        "lobbyEnabled": true,
        "asyncTranscription": true,
        "recording": {"isTranscribingEnabled": true},
        "transcription": {"urlParams": {"lang": "en"}, "httpHeaders": {"X-A": "1"}},
        "translation": {"httpHeaders": {"X-B": "2"}},
        "audioTranslationRequests": {"ep1": ["de", "fr"], "ep2": []}
    })"));
    ASSERT_TRUE(parsed) << parsed.error();
    conference::RoomMetadata expected;
    expected.visitors_live = true;
    expected.start_muted = conference::RoomMetadata::StartMuted{true, false};
    expected.moderators = {"user-a", "group-b"};
    expected.participants = std::vector<std::string>{"user-c"};
    expected.visitors_enabled = false;
    expected.participants_soft_limit = 25;
    expected.lobby_enabled = true;
    expected.transcribing_enabled = true;
    expected.transcription_url_params = {{"lang", "en"}};
    expected.transcription_http_headers = {{"X-A", "1"}};
    expected.translation_http_headers = {{"X-B", "2"}};
    expected.audio_translation_requests = {{"ep1", {"de", "fr"}}, {"ep2", {}}};
    EXPECT_EQ(*parsed, expected);
}

TEST(ParseRoomMetadata, AnEmptyMetadataObjectIsTheDefaults) {
    const auto parsed = parse_room_metadata(wrap("{}"));
    ASSERT_TRUE(parsed) << parsed.error();
    EXPECT_EQ(*parsed, conference::RoomMetadata{});
    EXPECT_FALSE(parsed->start_muted);
    EXPECT_FALSE(parsed->participants);
    EXPECT_FALSE(parsed->visitors_enabled);
}

TEST(ParseRoomMetadata, TranscribingNeedsBothRecordingAndAsyncTranscription) {
    auto only_recording = parse_room_metadata(wrap(R"({"recording":{"isTranscribingEnabled":true}})"));
    ASSERT_TRUE(only_recording) << only_recording.error();
    EXPECT_FALSE(only_recording->transcribing_enabled);
    auto only_async = parse_room_metadata(wrap(R"({"asyncTranscription":true})"));
    ASSERT_TRUE(only_async) << only_async.error();
    EXPECT_FALSE(only_async->transcribing_enabled);
}

TEST(ParseRoomMetadata, UnknownFieldsAndNullsAreIgnored) {
    const auto parsed = parse_room_metadata(
        R"({"type":"room_metadata","extra":[1,2],"metadata":{"somethingNew":{"a":[1]},"lobbyEnabled":true,)"
        R"("startMuted":{"audio":true,"other":5},"visitors":null}})");
    ASSERT_TRUE(parsed) << parsed.error();
    EXPECT_TRUE(parsed->lobby_enabled);
    ASSERT_TRUE(parsed->start_muted);
    EXPECT_TRUE(parsed->start_muted->audio);
    EXPECT_FALSE(parsed->start_muted->video);
    EXPECT_FALSE(parsed->visitors_live);
}

struct WrongType {
    const char* metadata;
    const char* field;  // what the error must name
};

class ParseRoomMetadataWrongType : public ::testing::TestWithParam<WrongType> {};

TEST_P(ParseRoomMetadataWrongType, IsRefusedNamingTheField) {
    const auto parsed = parse_room_metadata(wrap(GetParam().metadata));
    ASSERT_FALSE(parsed) << GetParam().metadata;
    EXPECT_THAT(parsed.error(), HasSubstr(GetParam().field));
}

INSTANTIATE_TEST_SUITE_P(
    Fields, ParseRoomMetadataWrongType,
    ::testing::Values(
        WrongType{R"({"visitors":true})", "metadata.visitors"},
        WrongType{R"({"visitors":{"live":"yes"}})", "metadata.visitors.live"},
        WrongType{R"({"startMuted":[true]})", "metadata.startMuted"},
        WrongType{R"({"startMuted":{"audio":1}})", "metadata.startMuted.audio"},
        WrongType{R"({"startMuted":{"video":"true"}})", "metadata.startMuted.video"},
        WrongType{R"({"moderators":"user-a"})", "metadata.moderators"},
        WrongType{R"({"moderators":["a",2]})", "metadata.moderators"},
        WrongType{R"({"participants":{}})", "metadata.participants"},
        WrongType{R"({"visitorsEnabled":"false"})", "metadata.visitorsEnabled"},
        WrongType{R"({"lobbyEnabled":0})", "metadata.lobbyEnabled"},
        WrongType{R"({"asyncTranscription":[]})", "metadata.asyncTranscription"},
        WrongType{R"({"participantsSoftLimit":"10"})", "metadata.participantsSoftLimit"},
        WrongType{R"({"participantsSoftLimit":-1})", "metadata.participantsSoftLimit"},
        WrongType{R"({"participantsSoftLimit":2.5})", "metadata.participantsSoftLimit"},
        WrongType{R"({"participantsSoftLimit":4294967296})", "metadata.participantsSoftLimit"},
        WrongType{R"({"recording":true})", "metadata.recording"},
        WrongType{R"({"recording":{"isTranscribingEnabled":"y"}})", "metadata.recording.isTranscribingEnabled"},
        WrongType{R"({"transcription":"x"})", "metadata.transcription"},
        WrongType{R"({"transcription":{"urlParams":[]}})", "metadata.transcription.urlParams"},
        WrongType{R"({"transcription":{"httpHeaders":{"X-A":1}}})", "metadata.transcription.httpHeaders.X-A"},
        WrongType{R"({"translation":{"httpHeaders":"h"}})", "metadata.translation.httpHeaders"},
        WrongType{R"({"audioTranslationRequests":[]})", "metadata.audioTranslationRequests"},
        WrongType{R"({"audioTranslationRequests":{"ep1":"de"}})", "metadata.audioTranslationRequests.ep1"}));

TEST(ParseRoomMetadata, AMissingOrWrongMetadataIsRefused) {
    EXPECT_THAT(parse_room_metadata(R"({"type":"room_metadata"})").error(), HasSubstr("metadata"));
    EXPECT_THAT(parse_room_metadata(R"({"type":"room_metadata","metadata":null})").error(), HasSubstr("metadata"));
    EXPECT_THAT(parse_room_metadata(R"({"type":"room_metadata","metadata":[]})").error(), HasSubstr("metadata"));
    EXPECT_THAT(parse_room_metadata(R"({"type":"room_metadata","metadata":"{}"})").error(), HasSubstr("metadata"));
}

TEST(ParseRoomMetadata, AnotherTypeOrNotAnObjectIsRefused) {
    EXPECT_THAT(parse_room_metadata(R"({"type":"av_moderation","metadata":{}})").error(), HasSubstr("type"));
    EXPECT_THAT(parse_room_metadata(R"({"metadata":{}})").error(), HasSubstr("type"));
    EXPECT_THAT(parse_room_metadata(R"({"type":1,"metadata":{}})").error(), HasSubstr("type"));
    EXPECT_FALSE(parse_room_metadata("[]"));
    EXPECT_FALSE(parse_room_metadata(""));
    EXPECT_FALSE(parse_room_metadata("{\"type\":\"room_metadata\",\"metadata\":{"));
}

TEST(ParseRoomMetadata, AMessageOverTheSizeCapIsRefusedBeforeParsing) {
    // Valid JSON, made large by whitespace: only the size is wrong.
    std::string json = wrap("{}");
    json.insert(1, std::string(kMaxMessageBytes, ' '));
    const auto parsed = parse_room_metadata(json);
    ASSERT_FALSE(parsed);
    EXPECT_THAT(parsed.error(), HasSubstr("larger than"));
    // At the cap it is read.
    std::string at_cap = wrap("{}");
    at_cap.insert(1, std::string(kMaxMessageBytes - at_cap.size(), ' '));
    EXPECT_TRUE(parse_room_metadata(at_cap));
}

TEST(ParseRoomMetadata, DeepNestingIsRefused) {
    std::string deep;
    for (int i = 0; i < 40; ++i) {
        deep += R"({"a":)";
    }
    deep += "1";
    deep += std::string(40, '}');
    const auto parsed = parse_room_metadata(wrap(R"({"somethingNew":)" + deep + "}"));
    ASSERT_FALSE(parsed);
    EXPECT_THAT(parsed.error(), HasSubstr("nested"));
    // The same field, shallow, is ignored as unknown.
    EXPECT_TRUE(parse_room_metadata(wrap(R"({"somethingNew":{"a":{"b":1}}})")));
}

std::string string_list(std::size_t count) {
    std::string list = "[";
    for (std::size_t i = 0; i < count; ++i) {
        list += (i ? ",\"" : "\"") + std::to_string(i) + "\"";
    }
    return list + "]";
}

TEST(ParseRoomMetadata, ListsAndMapsAreCappedAtMaxEntries) {
    auto at_cap = parse_room_metadata(wrap(R"({"moderators":)" + string_list(kMaxEntries) + "}"));
    ASSERT_TRUE(at_cap) << at_cap.error();
    EXPECT_EQ(at_cap->moderators.size(), kMaxEntries);

    auto over = parse_room_metadata(wrap(R"({"moderators":)" + string_list(kMaxEntries + 1) + "}"));
    ASSERT_FALSE(over);
    EXPECT_THAT(over.error(), HasSubstr("metadata.moderators"));
    EXPECT_THAT(over.error(), HasSubstr("more than"));

    auto participants = parse_room_metadata(wrap(R"({"participants":)" + string_list(kMaxEntries + 1) + "}"));
    ASSERT_FALSE(participants);
    EXPECT_THAT(participants.error(), HasSubstr("metadata.participants"));

    std::string headers = "{";
    for (std::size_t i = 0; i <= kMaxEntries; ++i) {
        headers += (i ? ",\"h" : "\"h") + std::to_string(i) + "\":\"v\"";
    }
    headers += "}";
    auto map_over = parse_room_metadata(wrap(R"({"translation":{"httpHeaders":)" + headers + "}}"));
    ASSERT_FALSE(map_over);
    EXPECT_THAT(map_over.error(), HasSubstr("metadata.translation.httpHeaders"));

    std::string requests = "{";
    for (std::size_t i = 0; i <= kMaxEntries; ++i) {
        requests += (i ? ",\"ep" : "\"ep") + std::to_string(i) + "\":[]";
    }
    requests += "}";
    auto requests_over = parse_room_metadata(wrap(R"({"audioTranslationRequests":)" + requests + "}"));
    ASSERT_FALSE(requests_over);
    EXPECT_THAT(requests_over.error(), HasSubstr("metadata.audioTranslationRequests"));
}

TEST(ParseRoomMetadata, LongStringsInListsAreRefused) {
    const std::string long_string(5000, 'x');
    auto parsed = parse_room_metadata(wrap(R"({"moderators":[")" + long_string + R"("]})"));
    ASSERT_FALSE(parsed);
    EXPECT_THAT(parsed.error(), HasSubstr("metadata.moderators"));
}

// The feature: what install() declares, and a component message reaching set_metadata of its room only.
class RoomMetadataFeatureTest : public ::testing::Test {
protected:
    RoomMetadataFeatureTest() {
        install(registrar);
        // The feature keeps an instance per conference (its /debug part); this also makes the rooms reachable.
        instance1 = registrar.instance_for(room1);
        EXPECT_NE(instance1, nullptr);
        EXPECT_NE(registrar.instance_for(room2), nullptr);
    }

    const feature::testing::FakeRegistrar::Component& component() {
        const auto* found = registrar.component("room_metadata");
        EXPECT_NE(found, nullptr);
        static const feature::testing::FakeRegistrar::Component kNone;
        return found ? *found : kNone;
    }

    static stanza::Message message(std::optional<std::string> room, const std::string& json) {
        stanza::Message m;
        m.from = feature::testing::parse_jid("metadata.meet.test");
        m.to = feature::testing::parse_jid("focus@auth.meet.test/focus");
        stanza::JsonMessage payload;
        payload.json = json;
        payload.room = std::move(room);
        m.extensions.push_back(payload.to_xml());
        return m;
    }

    void deliver(const stanza::Message& m) {
        ASSERT_TRUE(component().on_message) << "room_metadata subscribes to the component's messages";
        component().on_message(m, *registrar.conferences());
    }

    feature::testing::FakeRegistrar registrar;
    feature::testing::FakeConferenceView room1{"room1@conference.meet.test"};
    feature::testing::FakeConferenceView room2{"room2@conference.meet.test"};
    feature::FeatureInstance* instance1 = nullptr;
};

TEST_F(RoomMetadataFeatureTest, TheConferencesDebugStateShowsTheMetadataOnceThereIsSome) {
    ASSERT_NE(instance1, nullptr);
    EXPECT_FALSE(instance1->debug_json()) << "nothing before the component said something";
    deliver(message("room1@conference.meet.test",
                    wrap(R"({"startMuted":{"audio":true},"moderators":["a","b"],"participantsSoftLimit":7})")));
    const auto debug = instance1->debug_json();
    ASSERT_TRUE(debug);
    const auto json = nlohmann::json::parse(*debug);
    EXPECT_EQ(json["start_muted"], (nlohmann::json{{"audio", true}, {"video", false}})) << *debug;
    EXPECT_EQ(json["moderators"], 2);
    EXPECT_EQ(json["participants_soft_limit"], 7);
    EXPECT_TRUE(json["participants"].is_null());
}

TEST_F(RoomMetadataFeatureTest, DeclaresTheComponentAndItsDebugSection) {
    ASSERT_NE(registrar.component("room_metadata"), nullptr);
    EXPECT_TRUE(registrar.iqs.empty());
    auto debug = registrar.debug_value("room_metadata");
    ASSERT_TRUE(debug);
    EXPECT_EQ((*debug)["address"], "null");
    component().changed(std::string("metadata.meet.test"));
    EXPECT_EQ((*registrar.debug_value("room_metadata"))["address"], "metadata.meet.test");
    component().changed(std::nullopt);
    EXPECT_EQ((*registrar.debug_value("room_metadata"))["address"], "null");
}

TEST_F(RoomMetadataFeatureTest, AMessageSetsTheMetadataOfItsRoomOnly) {
    deliver(message("room2@conference.meet.test", wrap(R"({"lobbyEnabled":true,"startMuted":{"video":true}})")));
    EXPECT_EQ(room1.metadata_sets, 0);
    ASSERT_EQ(room2.metadata_sets, 1);
    EXPECT_TRUE(room2.metadata().lobby_enabled);
    ASSERT_TRUE(room2.metadata().start_muted);
    EXPECT_TRUE(room2.metadata().start_muted->video);
    EXPECT_FALSE(room2.metadata().start_muted->audio);
}

TEST_F(RoomMetadataFeatureTest, TheRoomIsMatchedInItsPreparedForm) {
    // A fullwidth R: the same room to Prosody (nodeprep), not to a plain comparison.
    deliver(message("\uFF32oom1@Conference.Meet.Test", wrap(R"({"lobbyEnabled":true})")));
    ASSERT_EQ(room1.metadata_sets, 1);
    EXPECT_TRUE(room1.metadata().lobby_enabled);
}

TEST_F(RoomMetadataFeatureTest, AMessageForARoomWithoutConferenceChangesNothing) {
    deliver(message("room3@conference.meet.test", wrap(R"({"lobbyEnabled":true})")));
    EXPECT_EQ(registrar.fake_conferences().asked, std::vector<std::string>{"room3@conference.meet.test"});
    EXPECT_EQ(room1.metadata_sets + room2.metadata_sets, 0);
}

TEST_F(RoomMetadataFeatureTest, MessagesWithoutARoomOrWithABadRoomAreIgnored) {
    deliver(message(std::nullopt, wrap(R"({"lobbyEnabled":true})")));
    deliver(message("conference.meet.test", wrap(R"({"lobbyEnabled":true})")));             // a domain
    deliver(message("room1@conference.meet.test/nick", wrap(R"({"lobbyEnabled":true})")));  // an occupant
    deliver(message("not a jid@@", wrap(R"({"lobbyEnabled":true})")));
    EXPECT_TRUE(registrar.fake_conferences().asked.empty());
    EXPECT_EQ(room1.metadata_sets, 0);
}

TEST_F(RoomMetadataFeatureTest, AMessageWithoutJsonMessageOrWithBadJsonIsIgnored) {
    stanza::Message bare;
    bare.from = feature::testing::parse_jid("metadata.meet.test");
    bare.body = wrap(R"({"lobbyEnabled":true})");
    deliver(bare);
    deliver(message("room1@conference.meet.test", wrap(R"({"lobbyEnabled":"yes"})")));
    deliver(message("room1@conference.meet.test", "not json"));
    EXPECT_TRUE(registrar.fake_conferences().asked.empty());
    EXPECT_EQ(room1.metadata_sets, 0);
}

}  // namespace
}  // namespace jicofo::room_metadata
