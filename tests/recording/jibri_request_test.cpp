// A client's Jibri request: every refusal the reference answers, in its order, and what an accepted one carries.
#include "jicofo/recording/jibri_request.hpp"

#include <gtest/gtest.h>

namespace jicofo::recording {
namespace {

using stanza::ErrorCondition;
using stanza::JibriAction;
using stanza::JibriIq;
using stanza::JibriRecordingMode;

JibriIq start(std::optional<JibriRecordingMode> mode, std::optional<std::string> stream_id = std::nullopt) {
    JibriIq iq;
    iq.action = JibriAction::start;
    iq.recording_mode = mode;
    iq.stream_id = std::move(stream_id);
    return iq;
}

RequestContext moderator() {
    RequestContext context;
    context.sender_role = xmpp::MemberRole::moderator;
    return context;
}

ErrorCondition refusal(const JibriIq& iq, const RequestContext& context) {
    auto read = read_client_request(iq, context);
    EXPECT_FALSE(read);
    EXPECT_TRUE(!read && !read.error().text.empty()) << "a refusal says why";
    return read ? ErrorCondition::undefined_condition : read.error().condition;
}

TEST(JibriRequest, AModeratorsFileRecordingIsAccepted) {
    auto iq = start(JibriRecordingMode::file);
    iq.app_data = R"({"file_recording_metadata":{"share":true}})";
    auto read = read_client_request(iq, moderator());
    ASSERT_TRUE(read) << read.error().text;
    const auto& request = std::get<StartRequest>(*read);
    EXPECT_EQ(request.kind, JibriKind::recorder);
    EXPECT_EQ(request.mode, JibriRecordingMode::file);
    EXPECT_FALSE(request.stream_id);
    EXPECT_EQ(request.app_data, iq.app_data);
}

TEST(JibriRequest, AStreamNeedsAStreamIdAndAFileForbidsOne) {
    EXPECT_EQ(refusal(start(JibriRecordingMode::stream), moderator()), ErrorCondition::bad_request);
    EXPECT_EQ(refusal(start(JibriRecordingMode::stream, "  "), moderator()), ErrorCondition::bad_request);
    EXPECT_EQ(refusal(start(JibriRecordingMode::file, "key"), moderator()), ErrorCondition::bad_request);
    // No mode and no stream id is a stream without its key, as Jicofo reads it.
    EXPECT_EQ(refusal(start(std::nullopt), moderator()), ErrorCondition::bad_request);
    auto stream = start(std::nullopt, "rtmp-key");
    stream.youtube_broadcast_id = "b1";
    auto read = read_client_request(stream, moderator());
    ASSERT_TRUE(read) << read.error().text;
    const auto& request = std::get<StartRequest>(*read);
    EXPECT_EQ(request.mode, JibriRecordingMode::stream);
    EXPECT_EQ(request.stream_id, std::optional<std::string>("rtmp-key"));
    EXPECT_EQ(request.youtube_broadcast_id, std::optional<std::string>("b1"));
}

TEST(JibriRequest, OnlyModeratorsWhenModeratorChecksAreOn) {
    auto guest = moderator();
    guest.sender_role = xmpp::MemberRole::participant;
    EXPECT_EQ(refusal(start(JibriRecordingMode::file), guest), ErrorCondition::not_allowed);
    auto stranger = moderator();
    stranger.sender_role.reset();
    EXPECT_EQ(refusal(start(JibriRecordingMode::file), stranger), ErrorCondition::forbidden);
    guest.moderator_checks = false;
    EXPECT_TRUE(read_client_request(start(JibriRecordingMode::file), guest));
    auto owner = moderator();
    owner.sender_role = xmpp::MemberRole::owner;
    EXPECT_TRUE(read_client_request(start(JibriRecordingMode::file), owner));
}

TEST(JibriRequest, StartWhileActiveStopWithoutASessionAndNoActionAreRefused) {
    auto busy = moderator();
    busy.recorder_active = true;
    EXPECT_EQ(refusal(start(JibriRecordingMode::file), busy), ErrorCondition::unexpected_request);
    JibriIq stop;
    stop.action = JibriAction::stop;
    EXPECT_EQ(refusal(stop, moderator()), ErrorCondition::item_not_found);
    auto read = read_client_request(stop, busy);
    ASSERT_TRUE(read);
    EXPECT_EQ(std::get<StopRequest>(*read).kind, JibriKind::recorder);
    EXPECT_EQ(refusal(JibriIq{}, moderator()), ErrorCondition::bad_request);
}

TEST(JibriRequest, ASipAddressMeansTheSipGatewayWithItsOwnSession) {
    JibriIq call;
    call.action = JibriAction::start;
    call.sip_address = "sip:room@pbx.example.com";
    call.display_name = "Meeting";
    auto recording = moderator();
    recording.recorder_active = true;  // a recording does not stop a SIP call from starting
    auto read = read_client_request(call, recording);
    ASSERT_TRUE(read) << read.error().text;
    const auto& request = std::get<StartRequest>(*read);
    EXPECT_EQ(request.kind, JibriKind::sip_gateway);
    EXPECT_EQ(request.sip_address, call.sip_address);
    auto calling = moderator();
    calling.sip_gateway_active = true;
    EXPECT_EQ(refusal(call, calling), ErrorCondition::unexpected_request);
}

}  // namespace
}  // namespace jicofo::recording
