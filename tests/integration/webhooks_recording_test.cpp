// Recording webhooks through the binary: a moderator starts a file recording on an emulated Jibri and stops it; the
// receiver gets recording.started and recording.stopped for the room, after its joins and in order.
#include "integration/recording_fixture.hpp"
#include "integration/webhook_receiver.hpp"

namespace jicofo::testing {
namespace {

class RecordingWebhooksTest : public RecordingTest {
protected:
    void before_jicofo() override { ASSERT_NO_FATAL_FAILURE(receiver_.start()); }
    [[nodiscard]] std::string more_settings() const override { return receiver_.settings(); }

    WebhookReceiver receiver_;
};

TEST_F(RecordingWebhooksTest, RecordingStartedAndStoppedAreSentInTheConferencesOrder) {
    ASSERT_NO_FATAL_FAILURE(one_jibri_and_a_moderated_room());
    PeerProcess* used = nullptr;
    const auto session_id = start_recording({jibri1_.get()}, &used);
    ASSERT_FALSE(session_id.empty());
    const auto reply = jibri_request("alice", "action='stop' session_id='" + session_id + "'");
    EXPECT_EQ(reply.value("type", ""), "result") << reply.dump();

    ASSERT_TRUE(poll([&] { return receiver_.state()["recording_events"].size() == 2; }, kSessionTimeout))
        << receiver_.state().dump() << diagnostics();
    const auto state = receiver_.state();
    WebhookReceiver::expect_clean(state);
    const auto events = WebhookReceiver::events_of(state, room_);
    ASSERT_GE(events.size(), 5U) << state.dump();
    EXPECT_EQ(events.front(), "conference.created");
    EXPECT_EQ(events[events.size() - 2], "recording.started") << state.dump();
    EXPECT_EQ(events.back(), "recording.stopped") << state.dump();
    const auto& started = state["recording_events"][0];
    EXPECT_EQ(started["type"], "recording.started");
    EXPECT_EQ(started["mode"], "file");
    EXPECT_EQ(started["session-id"], session_id);
    EXPECT_EQ(started["initiator"], room_ + "/alice1");
    EXPECT_TRUE(started["failure-reason"].is_null()) << started.dump();
    const auto& stopped = state["recording_events"][1];
    EXPECT_EQ(stopped["type"], "recording.stopped");
    EXPECT_EQ(stopped["session-id"], session_id);
    EXPECT_EQ(stopped["initiator"], room_ + "/alice1") << "who stopped it";
}

}  // namespace
}  // namespace jicofo::testing
