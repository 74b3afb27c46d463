// Pure pieces of the conference request: the reply payload, the stanza errors Jicofo sends, the client-proxy
// sender rule, and the IQ handler's answers to malformed requests (no conference created).
#include "jicofo/conference/conference_request.hpp"
#include "jicofo/conference/conference_iq_handler.hpp"
#include "jicofo/conference/focus_manager.hpp"
#include "jicofo/stanza/namespaces.hpp"
#include "jicofo/stanza/xml_codec.hpp"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <future>
#include <thread>

namespace jicofo::conference {
namespace {

using namespace std::chrono_literals;

stanza::Jid jid(const std::string& text) {
    return stanza::Jid::parse(text).value();
}

TEST(ConferenceReplyTest, ReplyPayloadCarriesReadyFocusJidAndProperties) {
    ConferenceReply reply;
    reply.room = jid("room1@conference.meet.test");
    reply.ready = true;
    reply.focus_jid = jid("focus@auth.meet.test");
    reply.properties = {{"authentication", "false"}, {"visitors-supported", "false"}};
    auto xml = to_conference_iq(reply).to_xml();
    EXPECT_EQ(xml.name(), "conference");
    EXPECT_EQ(xml.attribute("room"), "room1@conference.meet.test");
    EXPECT_EQ(xml.attribute("ready"), "true");
    EXPECT_EQ(xml.attribute("focusjid"), "focus@auth.meet.test");
    auto parsed = stanza::ConferenceIq::parse(xml);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->property("authentication"), "false");
    EXPECT_EQ(parsed->property("visitors-supported"), "false");
}

TEST(ConferenceReplyTest, ErrorsAreJicofosConditions) {
    EXPECT_EQ(to_stanza_error({RequestErrc::bad_request, "x"}).condition, stanza::ErrorCondition::bad_request);
    EXPECT_EQ(to_stanza_error({RequestErrc::not_authorized, ""}).condition, stanza::ErrorCondition::not_authorized);
    auto invalid = to_stanza_error({RequestErrc::session_invalid, ""});
    EXPECT_EQ(invalid.condition, stanza::ErrorCondition::not_acceptable);
    ASSERT_TRUE(invalid.app_specific);
    EXPECT_EQ(invalid.app_specific->name(), "session-invalid");
}

TEST(RtcstatsPropertyTest, AbsentIsEnabledAndOnlyTrueInAnyCaseEnables) {
    auto with = [](std::string value) {
        return std::vector<stanza::ConferenceProperty>{{"startAudioMuted", "10"},
                                                       {"rtcstatsEnabled", std::move(value)}};
    };
    EXPECT_TRUE(rtcstats_enabled({}));
    EXPECT_TRUE(rtcstats_enabled({{"startAudioMuted", "10"}}));
    EXPECT_TRUE(rtcstats_enabled(with("true")));
    EXPECT_TRUE(rtcstats_enabled(with("TRUE")));
    EXPECT_TRUE(rtcstats_enabled(with("True")));
    // Java's parseBoolean: anything else is false, garbage included.
    EXPECT_FALSE(rtcstats_enabled(with("false")));
    EXPECT_FALSE(rtcstats_enabled(with("")));
    EXPECT_FALSE(rtcstats_enabled(with("yes")));
    EXPECT_FALSE(rtcstats_enabled(with("1")));
    EXPECT_FALSE(rtcstats_enabled(with("true ")));
    EXPECT_FALSE(rtcstats_enabled(with("truex")));
}

TEST(StartMutedPropertyTest, ACountOfParticipantsOrNothing) {
    auto with = [](std::string value) {
        return std::vector<stanza::ConferenceProperty>{{"startVideoMuted", std::move(value)}};
    };
    EXPECT_EQ(start_muted_after(with("10"), "startVideoMuted"), std::optional<int>(10));
    EXPECT_EQ(start_muted_after(with("0"), "startVideoMuted"), std::optional<int>(0));
    EXPECT_FALSE(start_muted_after({}, "startVideoMuted"));
    EXPECT_FALSE(start_muted_after(with("10"), "startAudioMuted"));
    for (const auto* garbage : {"", "-1", "ten", "10 ", "1e3", "99999999999999999999"}) {
        EXPECT_FALSE(start_muted_after(with(garbage), "startVideoMuted")) << garbage;
    }
    const auto options = conference_options({{"startAudioMuted", "2"}, {"rtcstatsEnabled", "false"}});
    EXPECT_EQ(options.start_audio_muted, std::optional<int>(2));
    EXPECT_FALSE(options.start_video_muted);
    EXPECT_FALSE(options.rtcstats_enabled);
}

TEST(ClientProxyTest, TheProxyResourceIsTheRealSender) {
    const auto proxy = std::optional<stanza::Jid>(jid("focus.meet.test"));
    EXPECT_EQ(real_sender(jid("focus.meet.test/abc@meet.test/res1"), proxy), jid("abc@meet.test/res1"));
    // Not from the proxy: the sender is itself.
    EXPECT_EQ(real_sender(jid("abc@meet.test/res1"), proxy), jid("abc@meet.test/res1"));
    // No proxy configured: the proxy's address is just a sender.
    EXPECT_EQ(real_sender(jid("focus.meet.test/abc@meet.test/r"), std::nullopt),
              jid("focus.meet.test/abc@meet.test/r"));
    // A resource that is not a JID.
    EXPECT_FALSE(real_sender(jid("focus.meet.test/@@"), proxy));
}

// Joins at once.
class JoinedConference : public ConferenceHandle {
public:
    void start(std::function<void(std::error_code)> joined) override { joined({}); }
    void async_snapshot(std::function<void(ConferenceSnapshot)> done) override { done({}); }
    void stop() override {}
};

class IqHandlerTest : public ::testing::Test {
protected:
    IqHandlerTest() {
        ConferenceSettings settings;
        settings.focus_jid = jid("focus@auth.meet.test");
        manager_ = FocusManager::create(
            io_.get_executor(), settings,
            [this](const stanza::Jid&, ConferenceCallbacks) -> std::shared_ptr<ConferenceHandle> {
                ++created_;
                return std::make_shared<JoinedConference>();
            },
            nullptr);
        thread_ = std::thread([this] { io_.run(); });
    }
    ~IqHandlerTest() override {
        guard_.reset();
        thread_.join();
    }

    stanza::Iq answer(const std::string& payload_xml) {
        stanza::Iq request;
        request.header.type = stanza::IqType::set;
        request.header.id = "c1";
        request.header.from = jid("client@meet.test/r");
        request.header.to = jid("focus@auth.meet.test/focus");
        request.payload = stanza::parse_xml(payload_xml).value();
        std::promise<stanza::Iq> promise;
        ConferenceIqHandler::handle(request, *manager_, std::nullopt,
                                    [&promise](stanza::Iq reply) { promise.set_value(std::move(reply)); });
        auto future = promise.get_future();
        EXPECT_EQ(future.wait_for(5s), std::future_status::ready);
        return future.get();
    }

    boost::asio::io_context io_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_{io_.get_executor()};
    std::shared_ptr<FocusManager> manager_;
    std::thread thread_;
    int created_ = 0;
};

TEST_F(IqHandlerTest, MissingRoomIsBadRequest) {
    auto reply = answer("<conference xmlns='http://jitsi.org/protocol/focus' machine-uid='m'/>");
    ASSERT_TRUE(reply.error);
    EXPECT_EQ(reply.error->condition, stanza::ErrorCondition::bad_request);
    EXPECT_EQ(reply.header.to, jid("client@meet.test/r"));
    EXPECT_EQ(reply.header.id, "c1");
    EXPECT_EQ(created_, 0);
}

TEST_F(IqHandlerTest, InvalidRoomJidIsBadRequest) {
    for (const auto* room : {"@conference.meet.test", "a@b@c", "room@conference.meet.test/nick"}) {
        auto reply = answer(std::string("<conference xmlns='http://jitsi.org/protocol/focus' room='") + room + "'/>");
        ASSERT_TRUE(reply.error) << room;
        EXPECT_EQ(reply.error->condition, stanza::ErrorCondition::bad_request) << room;
    }
    EXPECT_EQ(created_, 0);
}

TEST_F(IqHandlerTest, GarbagePropertiesAreIgnoredAsJicofoDoes) {
    auto reply = answer(
        "<conference xmlns='http://jitsi.org/protocol/focus' room='r@conference.meet.test'>"
        "<property value='no-name'/><property name='x'/><junk xmlns='urn:junk'>text</junk></conference>");
    ASSERT_FALSE(reply.error);
    ASSERT_TRUE(reply.payload);
    EXPECT_EQ(reply.payload->attribute("ready"), "true");
    EXPECT_EQ(reply.payload->attribute("focusjid"), "focus@auth.meet.test");
    EXPECT_EQ(created_, 1);
}

}  // namespace
}  // namespace jicofo::conference
