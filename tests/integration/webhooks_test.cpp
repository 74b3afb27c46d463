// Webhooks through the binary: a real Prosody, an emulated bridge and participants, and a receiver
// (tests/peers/webhook_receiver.py) that checks every signature and the order of each conference's events. The
// receiver goes down mid-run and comes back: everything that happened meanwhile is delivered once it is back, in
// order per conference. A second test measures delivery (figures printed; see docs/webhooks.md).
#include "integration/media_session_fixture.hpp"
#include "integration/webhook_receiver.hpp"

#include <cstdlib>
#include <iostream>

namespace jicofo::testing {
namespace {

class WebhooksTest : public MediaSessionTest {
protected:
    void before_jicofo() override { ASSERT_NO_FATAL_FAILURE(receiver_.start()); }
    [[nodiscard]] std::string extra_settings() const override { return receiver_.settings(webhook_settings()); }
    [[nodiscard]] virtual std::string webhook_settings() const { return {}; }

    nlohmann::json receiver_state(bool events = true) { return receiver_.state(events); }
    void receiver(const std::string& cmd, const std::string& answer) { receiver_.command(cmd, answer); }
    static std::vector<std::string> events_of(const nlohmann::json& state, const std::string& room) {
        return WebhookReceiver::events_of(state, room);
    }
    static void expect_clean(const nlohmann::json& state) { WebhookReceiver::expect_clean(state); }

    nlohmann::json webhook_stats() { return rest_json("/stats").value("webhooks", nlohmann::json::object()); }

    void leave(const std::string& name) {
        ASSERT_TRUE(
            participants_->request(nlohmann::json{{"cmd", "leave"}, {"name", name}}.dump(), "left", kSessionTimeout))
            << participants_->transcript();
    }

    WebhookReceiver receiver_;
};

using Events = std::vector<std::string>;

TEST_F(WebhooksTest, EveryEventIsDeliveredInOrderPerConferenceAcrossAReceiverOutage) {
    jvb1_ = start_bridge("jvb1", "eu-west");
    ASSERT_TRUE(jvb1_);
    add_participant("alice", "alice1", "eu-west");
    add_participant("bob", "bob1");
    ASSERT_TRUE(poll([&] { return events_of(receiver_state(), room_).size() == 3; }, kSessionTimeout))
        << receiver_state().dump() << diagnostics();
    {
        const auto state = receiver_state();
        EXPECT_EQ(events_of(state, room_), (Events{"conference.created", "participant.joined", "participant.joined"}));
        const auto alice = state["data_by_conference"][room_][1];
        EXPECT_EQ(alice["endpoint-id"], "alice1") << alice.dump();
        EXPECT_EQ(alice["stats-id"], "Stats-alice") << alice.dump();
        EXPECT_EQ(alice["region"], "eu-west") << alice.dump();
        EXPECT_EQ(alice["visitor"], false) << alice.dump();
        EXPECT_TRUE(alice.contains("role")) << alice.dump();
        ASSERT_FALSE(state["bridge_events"].empty()) << state.dump();
        EXPECT_EQ(state["bridge_events"][0]["type"], "bridge.added");
        EXPECT_NE(state["bridge_events"][0]["bridge"].get<std::string>().find("jvb1"), std::string::npos);
        expect_clean(state);
    }

    // The receiver goes away; the shard goes on: bob leaves, carol opens a second conference, alice leaves and the
    // first conference ends.
    receiver("down", "down");
    const std::string room2 = "media2@" + prosody_->muc_domain();
    leave("bob");
    connect_participant("carol");
    enter_room("carol", room2, "carol1", {{"region", "us-east"}});
    leave("alice");
    ASSERT_TRUE(poll(
        [&] {
            const auto stats = webhook_stats();
            return stats.value("queued", 0) >= 5 && stats.value("failed_attempts", 0) >= 2;
        },
        kSessionTimeout))
        << webhook_stats().dump() << diagnostics();
    std::this_thread::sleep_for(1s);  // a few retries, with backoff, against a closed port
    EXPECT_EQ(events_of(receiver_state(), room_).size(), 3U) << "nothing arrives while the receiver is down";

    receiver("up", "listening");
    ASSERT_TRUE(poll(
        [&] {
            const auto state = receiver_state();
            return events_of(state, room_).size() == 6 && events_of(state, room2).size() == 2;
        },
        kSessionTimeout))
        << receiver_state().dump() << webhook_stats().dump() << diagnostics();
    const auto state = receiver_state();
    EXPECT_EQ(events_of(state, room_), (Events{"conference.created", "participant.joined", "participant.joined",
                                               "participant.left", "participant.left", "conference.ended"}));
    EXPECT_EQ(events_of(state, room2), (Events{"conference.created", "participant.joined"}));
    EXPECT_EQ(state["data_by_conference"][room2][1]["region"], "us-east");
    EXPECT_EQ(state["data_by_conference"][room_][3]["endpoint-id"], "bob1");
    EXPECT_EQ(state["data_by_conference"][room_][3]["kicked"], false);
    expect_clean(state);
    ASSERT_TRUE(poll([&] { return webhook_stats().value("queued", -1) == 0; }, kSessionTimeout))
        << webhook_stats().dump();
    const auto stats = webhook_stats();
    EXPECT_GE(stats.value("delivered", 0), 9) << stats.dump();
    EXPECT_EQ(stats.value("dropped", -1), 0) << stats.dump();
    EXPECT_EQ(stats.value("given_up", -1), 0) << stats.dump();
    const auto metrics = http_request(port_, "GET", "/metrics").body;
    EXPECT_NE(metrics.find("jitsi_jicofo_webhooks_delivered_total"), std::string::npos);

    // The bridge dies: bridge.removed (lost), outside any conference.
    ASSERT_TRUE(jvb1_->request(R"({"cmd":"die"})", "died", kEventTimeout));
    jvb1_.reset();
    ASSERT_TRUE(poll([&] { return receiver_state()["bridge_events"].size() >= 2; }, kSessionTimeout))
        << receiver_state().dump() << diagnostics();
    const auto removed = receiver_state()["bridge_events"][1];
    EXPECT_EQ(removed["type"], "bridge.removed") << removed.dump();
    EXPECT_NE(removed["bridge"].get<std::string>().find("jvb1"), std::string::npos) << removed.dump();
    EXPECT_TRUE(removed.contains("lost")) << removed.dump();
}

// Delivery figures: conferences of participants joining and leaving with the receiver up (throughput of the
// events as they happen, latency from event to receipt), then the same during an outage of WEBHOOK_BENCH_OUTAGE_MS
// (retries, time to drain the backlog once back, drops over a queue of WEBHOOK_BENCH_QUEUE, 40 by default). Sizes
// from WEBHOOK_BENCH_CONFERENCES and WEBHOOK_BENCH_PARTICIPANTS; the figures are printed.
class WebhooksBenchTest : public WebhooksTest {
protected:
    [[nodiscard]] std::string webhook_settings() const override {
        return "    queue-size = " + std::to_string(queue_size()) + "\n";
    }
    static int queue_size() { return setting("WEBHOOK_BENCH_QUEUE", 40); }

    static int setting(const char* name, int fallback) {
        const char* value = std::getenv(name);
        return value != nullptr ? std::atoi(value) : fallback;
    }

    // Every conference gets `participants` members, then they all leave; returns the events this makes.
    int round(const std::string& tag, int conferences, int participants) {
        for (int c = 0; c < conferences; ++c) {
            const std::string room = tag + std::to_string(c) + "@" + prosody_->muc_domain();
            for (int p = 0; p < participants; ++p) {
                const std::string name = tag + std::to_string(c) + "p" + std::to_string(p);
                connect_participant(name);
                enter_room(name, room, name);
            }
        }
        for (int c = 0; c < conferences; ++c) {
            for (int p = 0; p < participants; ++p) {
                leave(tag + std::to_string(c) + "p" + std::to_string(p));
            }
        }
        return conferences * (2 + 2 * participants);
    }
};

TEST_F(WebhooksBenchTest, DeliveryFigures) {
    const int conferences = setting("WEBHOOK_BENCH_CONFERENCES", 6);
    const int participants = setting("WEBHOOK_BENCH_PARTICIPANTS", 3);
    const auto outage = std::chrono::milliseconds(setting("WEBHOOK_BENCH_OUTAGE_MS", 3000));
    jvb1_ = start_bridge("jvb1", "eu-west");
    ASSERT_TRUE(jvb1_);
    ASSERT_TRUE(poll([&] { return receiver_state(false)["unique"] == 1; }, kSessionTimeout));  // bridge.added
    receiver("reset", "reset");

    // Receiver up.
    const auto started = std::chrono::steady_clock::now();
    const int expected = round("up", conferences, participants);
    ASSERT_TRUE(poll([&] { return receiver_state(false)["unique"] == expected; }, kSessionTimeout * 2))
        << receiver_state(false).dump() << webhook_stats().dump();
    const double up_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const auto up = receiver_state(false);
    expect_clean(up);

    // Receiver down for the outage while the same happens again.
    receiver("reset", "reset");
    const auto before = webhook_stats();
    receiver("down", "down");
    const auto outage_start = std::chrono::steady_clock::now();
    const int during = round("out", conferences, participants);
    std::this_thread::sleep_until(outage_start + outage);
    const auto at_back = webhook_stats();
    receiver("up", "listening");
    const auto back = std::chrono::steady_clock::now();
    ASSERT_TRUE(poll([&] { return webhook_stats().value("queued", -1) == 0; }, kSessionTimeout * 2))
        << webhook_stats().dump();
    const double drain_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - back).count();
    const auto after = receiver_state(false);
    const auto stats = webhook_stats();
    expect_clean(after);
    const int dropped = stats.value("dropped", 0) - before.value("dropped", 0);
    EXPECT_EQ(after["unique"].get<int>() + dropped, during) << "each event is delivered or counted as dropped";
    EXPECT_EQ(dropped, std::max(0, during - queue_size())) << "over the queue's size, the rest is dropped";
    // From the first receipt after the receiver came back to the last: how fast a backlog goes once it can.
    const double burst = after["last_at"].get<double>() - after["first_at"].get<double>();

    std::cout << "webhook delivery figures (" << conferences << " conferences x " << participants
              << " participants, joining then leaving)\n"
              << "  receiver up:   " << expected << " events in " << up_seconds << " s (" << expected / up_seconds
              << " events/s, paced by the joins); latency p50 " << up["latency_ms"]["p50"] << " ms, p99 "
              << up["latency_ms"]["p99"] << " ms, max " << up["latency_ms"]["max"] << " ms\n"
              << "  outage " << outage.count() << " ms: " << during << " events, queue cap " << queue_size()
              << "; failed attempts " << at_back.value("failed_attempts", 0) - before.value("failed_attempts", 0)
              << " during the outage, " << stats.value("failed_attempts", 0) - before.value("failed_attempts", 0)
              << " in all; dropped " << dropped << "\n"
              << "  after it came back: " << after["unique"] << " delivered in " << drain_seconds
              << " s (backlog drained; " << after["unique"].get<int>() / std::max(burst, 1e-3)
              << " events/s from the first receipt to the last); latency p50 " << after["latency_ms"]["p50"]
              << " ms, p99 " << after["latency_ms"]["p99"] << " ms; duplicates " << after["duplicates"] << "\n";
}

}  // namespace
}  // namespace jicofo::testing
