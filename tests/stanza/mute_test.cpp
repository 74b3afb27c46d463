// The mute IQ: the protocol's request and notice round trip, and every malformed form is refused with bad-request.
#include "jicofo/stanza/mute.hpp"

#include "golden.hpp"

#include <gtest/gtest.h>

namespace jicofo::stanza {
namespace {

using testing::round_trips;
using testing::xml;

TEST(MuteIq, GoldenRequestToTheFocus) {
    const auto golden =
        xml(R"(<mute xmlns='http://jitsi.org/jitmeet/audio' jid='room1@conference.example.com/bob'>true</mute>)");
    const auto iq = MuteIq::parse(golden);
    ASSERT_TRUE(iq) << iq.error().message();
    EXPECT_EQ(iq->media, MuteMedia::audio);
    ASSERT_TRUE(iq->jid);
    EXPECT_EQ(iq->jid->resource(), "bob");
    EXPECT_FALSE(iq->actor);
    EXPECT_EQ(iq->mute, true);
    EXPECT_TRUE(round_trips<MuteIq>(golden));
}

TEST(MuteIq, GoldenNoticeToTheMuted) {
    const auto golden =
        xml(R"(<mute xmlns='http://jitsi.org/jitmeet/video' actor='room1@conference.example.com/alice'>true</mute>)");
    const auto iq = MuteIq::parse(golden);
    ASSERT_TRUE(iq);
    EXPECT_EQ(iq->media, MuteMedia::video);
    EXPECT_EQ(iq->actor->resource(), "alice");
    EXPECT_TRUE(round_trips<MuteIq>(golden));
}

TEST(MuteIq, DesktopAndUnmute) {
    const auto iq = MuteIq::parse(xml(R"(<mute xmlns='http://jitsi.org/jitmeet/desktop' jid='r@c.d/x'>false</mute>)"));
    ASSERT_TRUE(iq);
    EXPECT_EQ(iq->media, MuteMedia::desktop);
    EXPECT_EQ(iq->mute, false);
}

TEST(MuteIq, MissingPartsParseForTheHandlerToRefuse) {
    const auto iq = MuteIq::parse(xml(R"(<mute xmlns='http://jitsi.org/jitmeet/audio'/>)"));
    ASSERT_TRUE(iq);
    EXPECT_FALSE(iq->jid);
    EXPECT_FALSE(iq->mute);
}

TEST(MuteIq, ABrokenJidIsJidMalformed) {
    for (const auto* text : {
             R"(<mute xmlns='http://jitsi.org/jitmeet/audio' jid='@@/'>true</mute>)",
             R"(<mute xmlns='http://jitsi.org/jitmeet/audio' actor='@@/' jid='r@c.d/x'>true</mute>)",
         }) {
        const auto iq = MuteIq::parse(xml(text));
        ASSERT_FALSE(iq) << text;
        EXPECT_EQ(iq.error().condition, ErrorCondition::jid_malformed) << text;
    }
}

TEST(MuteIq, MalformedIsBadRequest) {
    for (const auto* text : {
             R"(<mute xmlns='http://jitsi.org/jitmeet/audio'>maybe</mute>)",
             R"(<mute xmlns='http://jitsi.org/jitmeet'>true</mute>)",
             R"(<unmute xmlns='http://jitsi.org/jitmeet/audio'>true</unmute>)",
         }) {
        const auto iq = MuteIq::parse(xml(text));
        ASSERT_FALSE(iq) << text;
        EXPECT_EQ(iq.error().condition, ErrorCondition::bad_request) << text;
    }
}

TEST(MuteIq, NamespacesMapBothWays) {
    for (const auto media : {MuteMedia::audio, MuteMedia::video, MuteMedia::desktop}) {
        EXPECT_EQ(mute_media_from_namespace(mute_namespace(media)), media);
    }
    EXPECT_FALSE(mute_media_from_namespace("http://jitsi.org/jitmeet"));
}

}  // namespace
}  // namespace jicofo::stanza
