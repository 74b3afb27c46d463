// Jibri's IQ and statuses: the protocol's forms round trip, Jicofo's "undefined" reads as absent, values outside
// their enumeration and malformed booleans or JIDs are refused with bad-request.
#include "jicofo/stanza/jibri.hpp"

#include "golden.hpp"

#include <gtest/gtest.h>

namespace jicofo::stanza {
namespace {

using testing::round_trips;
using testing::xml;

TEST(JibriIq, AClientsStreamStartRoundTrips) {
    const auto golden = xml(
        R"(<jibri xmlns='http://jitsi.org/protocol/jibri' action='start' recording_mode='stream' streamid='rtmp-key')"
        R"( you_tube_broadcast_id='b1' app_data='{"file_recording_metadata":{}}' displayname='Rec'/>)");
    const auto iq = JibriIq::parse(golden);
    ASSERT_TRUE(iq) << iq.error().message();
    EXPECT_EQ(iq->action, JibriAction::start);
    EXPECT_EQ(iq->recording_mode, JibriRecordingMode::stream);
    EXPECT_EQ(iq->stream_id, std::optional<std::string>("rtmp-key"));
    EXPECT_EQ(iq->youtube_broadcast_id, std::optional<std::string>("b1"));
    EXPECT_EQ(iq->display_name, std::optional<std::string>("Rec"));
    EXPECT_FALSE(iq->sip_address);
    EXPECT_FALSE(iq->status);
    EXPECT_TRUE(round_trips<JibriIq>(golden));
}

TEST(JibriIq, TheFocussStartToAJibriAndItsAnswersRoundTrip) {
    for (
        const char* text : {
            R"(<jibri xmlns='http://jitsi.org/protocol/jibri' action='start' recording_mode='file')"
            R"( room='room1@conference.example.com' session_id='s1' rtcstats_enabled='false'/>)",
            R"(<jibri xmlns='http://jitsi.org/protocol/jibri' status='pending'/>)",
            R"(<jibri xmlns='http://jitsi.org/protocol/jibri' status='off' failure_reason='error')"
            R"( should_retry='true' session_id='s1'/>)",
            R"(<jibri xmlns='http://jitsi.org/protocol/jibri' action='stop' session_id='s1'/>)",
            R"(<jibri xmlns='http://jitsi.org/protocol/jibri' action='start' sipaddress='sip:a@b.c' displayname='A'/>)",
        }) {
        EXPECT_TRUE(round_trips<JibriIq>(xml(text))) << text;
    }
    const auto failed = JibriIq::parse(xml(R"(<jibri xmlns='http://jitsi.org/protocol/jibri' status='off')"
                                           R"( failure_reason='busy' should_retry='false'/>)"));
    ASSERT_TRUE(failed);
    EXPECT_EQ(failed->failure_reason, JibriFailureReason::busy);
    EXPECT_EQ(failed->should_retry, std::optional<bool>(false));
}

TEST(JibriIq, UndefinedIsAbsentAndValuesAreReadInAnyCase) {
    const auto iq = JibriIq::parse(xml(R"(<jibri xmlns='http://jitsi.org/protocol/jibri' action='undefined')"
                                       R"( status='ON' recording_mode='File'/>)"));
    ASSERT_TRUE(iq) << iq.error().message();
    EXPECT_FALSE(iq->action);
    EXPECT_EQ(iq->status, JibriStatusValue::on);
    EXPECT_EQ(iq->recording_mode, JibriRecordingMode::file);
    // Written back in Jicofo's lower case.
    EXPECT_EQ(iq->to_xml().attribute("status"), std::optional<std::string_view>("on"));
}

TEST(JibriIq, UnknownValuesAndMalformedFieldsAreBadRequests) {
    for (const char* text : {
             R"(<jibri xmlns='http://jitsi.org/protocol/jibri' action='pause'/>)",
             R"(<jibri xmlns='http://jitsi.org/protocol/jibri' status='maybe'/>)",
             R"(<jibri xmlns='http://jitsi.org/protocol/jibri' recording_mode='tape'/>)",
             R"(<jibri xmlns='http://jitsi.org/protocol/jibri' failure_reason='tired'/>)",
             R"(<jibri xmlns='http://jitsi.org/protocol/jibri' should_retry='perhaps'/>)",
             R"(<jibri xmlns='http://jitsi.org/protocol/jibri' rtcstats_enabled='2'/>)",
             R"(<jibri xmlns='http://jitsi.org/protocol/other' action='start'/>)",
             R"(<recording xmlns='http://jitsi.org/protocol/jibri' action='start'/>)",
         }) {
        const auto parsed = JibriIq::parse(xml(text));
        ASSERT_FALSE(parsed) << text;
        EXPECT_EQ(parsed.error().condition, ErrorCondition::bad_request) << text;
        EXPECT_FALSE(parsed.error().text.empty()) << text;
    }
}

TEST(JibriIq, AMalformedRoomIsJidMalformedAsEveryJidAttribute) {
    const auto parsed = JibriIq::parse(xml(R"(<jibri xmlns='http://jitsi.org/protocol/jibri' room='@@'/>)"));
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().condition, ErrorCondition::jid_malformed);
}

TEST(JibriRecordingStatus, TheFocussPresenceExtensionRoundTrips) {
    const auto golden =
        xml(R"(<jibri-recording-status xmlns='http://jitsi.org/protocol/jibri' status='on')"
            R"( session_id='s1' initiator='room1@conference.example.com/alice' recording_mode='file'/>)");
    const auto status = JibriRecordingStatus::parse(golden);
    ASSERT_TRUE(status) << status.error().message();
    EXPECT_EQ(status->status, JibriStatusValue::on);
    ASSERT_TRUE(status->initiator);
    EXPECT_EQ(status->initiator->resource(), "alice");
    EXPECT_TRUE(round_trips<JibriRecordingStatus>(golden));
    EXPECT_TRUE(round_trips<JibriRecordingStatus>(xml(
        R"(<jibri-recording-status xmlns='http://jitsi.org/protocol/jibri' status='off' failure_reason='busy'/>)")));
    EXPECT_FALSE(JibriRecordingStatus::parse(
        xml(R"(<jibri-recording-status xmlns='http://jitsi.org/protocol/jibri' status='recording'/>)")));
}

TEST(JibriSipCallState, RoundTripsInItsOwnNamespace) {
    const auto golden =
        xml(R"(<jibri-sip-call-state xmlns='http://jitsi.org/protocol/jibri/call_state' state='pending')"
            R"( session_id='s2' sipaddress='sip:a@b.c'/>)");
    const auto state = JibriSipCallState::parse(golden);
    ASSERT_TRUE(state) << state.error().message();
    EXPECT_EQ(state->state, JibriStatusValue::pending);
    EXPECT_TRUE(round_trips<JibriSipCallState>(golden));
    EXPECT_FALSE(
        JibriSipCallState::parse(xml(R"(<jibri-sip-call-state xmlns='http://jitsi.org/protocol/jibri' state='on'/>)")));
}

}  // namespace
}  // namespace jicofo::stanza
