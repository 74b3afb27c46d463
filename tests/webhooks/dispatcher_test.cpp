// The dispatcher over a fake transport: what a POST carries (headers, signature over the exact body), order per
// conference through failures and retries, event filtering, the bounded queue and its metrics, and settings
// changed while events wait (hot reload).
#include "jicofo/webhooks/dispatcher.hpp"
#include "jicofo/metrics/metrics_registry.hpp"
#include "jicofo/webhooks/signature.hpp"
#include "webhooks/fake_transport.hpp"

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>

#include <map>

namespace jicofo::webhooks {
namespace {

using namespace std::chrono_literals;
using testing::FakeTransport;

double metric(metrics::MetricsRegistry& registry, const std::string& family) {
    for (const auto& f : registry.collect()) {
        if (f.name == family && !f.metric.empty()) {
            const auto& m = f.metric.front();
            return f.type == prometheus::MetricType::Counter ? m.counter.value : m.gauge.value;
        }
    }
    return -1;
}

class DispatcherTest : public ::testing::Test {
protected:
    DispatcherSettings settings(std::vector<std::string> urls = {"http://receiver.test:8080/hook?token=t"}) {
        DispatcherSettings s;
        s.urls = std::move(urls);
        s.secret = "s3cret";
        s.retry = RetryPolicy{-1, 1ms, 4ms};
        s.queue_size = 100;
        return s;
    }

    std::shared_ptr<Dispatcher> make(DispatcherSettings s, metrics::MetricsRegistry* registry = nullptr) {
        return Dispatcher::create(strand, std::move(s), transport, registry);
    }

    Event event(const std::string& room, EventType type, const std::string& tag) {
        Event e;
        e.type = type;
        e.time = std::chrono::system_clock::now();
        e.room = room;
        e.meeting_id = room.empty() ? "" : "meeting-" + room;
        e.data = {{"tag", tag}};
        return e;
    }

    // Publishes on the strand, as the feature does.
    void publish(const std::shared_ptr<Dispatcher>& dispatcher, Event e) {
        boost::asio::post(strand, [dispatcher, e = std::move(e)] { dispatcher->publish(e); });
    }

    // Runs until `done` or a second passes.
    void run_until(const std::function<bool()>& done) {
        const auto deadline = std::chrono::steady_clock::now() + 1s;
        while (!done() && std::chrono::steady_clock::now() < deadline) {
            settle(2ms);
        }
        ASSERT_TRUE(done()) << "timed out";
    }

    // Runs what is ready and what becomes ready within `time` (the io_context is reusable afterwards).
    void settle(std::chrono::milliseconds time) {
        io.run_for(time);
        io.restart();
    }

    static nlohmann::json body(const FakeTransport::Sent& sent) { return nlohmann::json::parse(*sent.request.body); }

    boost::asio::io_context io;
    Dispatcher::Strand strand{boost::asio::make_strand(io.get_executor())};
    std::shared_ptr<FakeTransport> transport = std::make_shared<FakeTransport>(io);
};

TEST_F(DispatcherTest, APostCarriesTheEventItsIdAndASignatureOverTheExactBody) {
    auto dispatcher = make(settings());
    publish(dispatcher, event("room@muc.test", EventType::participant_joined, "x"));
    run_until([&] { return dispatcher->totals().delivered == 1; });
    ASSERT_EQ(transport->sent.size(), 1U);
    const auto& sent = transport->sent[0];
    EXPECT_EQ(sent.request.url.host, "receiver.test");
    EXPECT_EQ(sent.request.url.port, 8080);
    EXPECT_EQ(sent.request.url.target, "/hook?token=t");
    EXPECT_EQ(sent.header("X-Jicofo-Signature"), signature_header_value("s3cret", *sent.request.body));
    const auto json = body(sent);
    EXPECT_EQ(sent.header("X-Jicofo-Event-Id"), json["id"]);
    EXPECT_EQ(sent.header("X-Jicofo-Event-Type"), "participant.joined");
    EXPECT_EQ(sent.header("X-Jicofo-Delivery-Attempt"), "1");
    EXPECT_EQ(json["conference"]["room"], "room@muc.test");
    EXPECT_EQ(json["conference"]["meeting-id"], "meeting-room@muc.test");
    EXPECT_EQ(json["data"]["tag"], "x");
    EXPECT_EQ(json["id"].get<std::string>().size(), 36U);
}

TEST_F(DispatcherTest, WithoutASecretThereIsNoSignatureHeader) {
    auto s = settings();
    s.secret.clear();
    auto dispatcher = make(s);
    publish(dispatcher, event("r@m", EventType::conference_created, "x"));
    run_until([&] { return dispatcher->totals().delivered == 1; });
    EXPECT_EQ(transport->sent[0].header("X-Jicofo-Signature"), "");
}

TEST_F(DispatcherTest, EventsOfAConferenceArriveInOrderThroughFailuresAndEachIsRetriedUntilDelivered) {
    // The receiver fails every other attempt, and its first five.
    int attempts = 0;
    std::map<std::string, std::vector<std::string>> received;  // room -> tags, in delivery order
    transport->answer = [&](const PostRequest& request) {
        if (++attempts <= 5 || attempts % 2 == 0) {
            return PostResult{503, "down"};
        }
        const auto json = nlohmann::json::parse(*request.body);
        received[json["conference"]["room"]].push_back(json["data"]["tag"]);
        return PostResult{200, "OK"};
    };
    auto dispatcher = make(settings());
    for (int i = 0; i < 5; ++i) {
        publish(dispatcher, event("a@m", EventType::participant_joined, "a" + std::to_string(i)));
        publish(dispatcher, event("b@m", EventType::participant_joined, "b" + std::to_string(i)));
    }
    run_until([&] { return dispatcher->totals().delivered == 10; });
    EXPECT_EQ(received["a@m"], (std::vector<std::string>{"a0", "a1", "a2", "a3", "a4"}));
    EXPECT_EQ(received["b@m"], (std::vector<std::string>{"b0", "b1", "b2", "b3", "b4"}));
    EXPECT_GT(dispatcher->totals().failed_attempts, 5U);
    EXPECT_EQ(dispatcher->depth(), 0U);
    // A retry says which attempt it is.
    bool saw_retry = false;
    for (const auto& sent : transport->sent) {
        saw_retry = saw_retry || sent.header("X-Jicofo-Delivery-Attempt") != "1";
    }
    EXPECT_TRUE(saw_retry);
}

TEST_F(DispatcherTest, OnlyTheConfiguredEventTypesAreSent) {
    auto s = settings();
    s.events = {EventType::conference_created, EventType::conference_ended};
    auto dispatcher = make(s);
    publish(dispatcher, event("r@m", EventType::participant_joined, "no"));
    publish(dispatcher, event("r@m", EventType::conference_created, "yes"));
    run_until([&] { return dispatcher->totals().delivered == 1; });
    settle(10ms);
    ASSERT_EQ(transport->sent.size(), 1U);
    EXPECT_EQ(body(transport->sent[0])["type"], "conference.created");
}

TEST_F(DispatcherTest, AFullQueueDropsNewEventsAndCountsThem) {
    metrics::MetricsRegistry registry("test");
    transport->answer = nullptr;  // the receiver never answers
    auto s = settings();
    s.queue_size = 3;
    auto dispatcher = make(s, &registry);
    for (int i = 0; i < 5; ++i) {
        publish(dispatcher, event("r@m", EventType::participant_joined, std::to_string(i)));
    }
    settle(10ms);
    EXPECT_EQ(dispatcher->depth(), 3U);
    EXPECT_EQ(dispatcher->totals().dropped, 2U);
    EXPECT_EQ(metric(registry, "jitsi_jicofo_webhooks_dropped_total"), 2);
    EXPECT_EQ(metric(registry, "jitsi_jicofo_webhooks_queue_depth"), 3);
    EXPECT_EQ(dispatcher->stats()["dropped"], 2);
    EXPECT_EQ(dispatcher->stats()["queued"], 3);
    EXPECT_EQ(transport->sent.size(), 1U) << "one conference: one attempt at a time";
    // The held attempt completes: the next one of that conference goes.
    boost::asio::post(strand, [done = transport->sent[0].done] { done(PostResult{204, "No Content"}); });
    settle(10ms);
    EXPECT_EQ(transport->sent.size(), 2U);
    EXPECT_EQ(metric(registry, "jitsi_jicofo_webhooks_delivered_total"), 1);
    EXPECT_EQ(metric(registry, "jitsi_jicofo_webhooks_queue_depth"), 2);
}

TEST_F(DispatcherTest, WithoutUrlsNothingIsRegisteredOrSent) {
    metrics::MetricsRegistry registry("test");
    auto dispatcher = make(settings({}), &registry);
    publish(dispatcher, event("r@m", EventType::conference_created, "x"));
    settle(10ms);
    EXPECT_TRUE(transport->sent.empty());
    EXPECT_EQ(metric(registry, "jitsi_jicofo_webhooks_dropped_total"), -1) << "no webhooks families when off";
}

TEST_F(DispatcherTest, AReloadAppliesToNewEventsAndKeepsQueuedOnes) {
    transport->answer = nullptr;
    auto dispatcher = make(settings({"http://old.test/"}));
    publish(dispatcher, event("r@m", EventType::participant_joined, "before1"));
    publish(dispatcher, event("r@m", EventType::participant_joined, "before2"));
    settle(5ms);
    ASSERT_EQ(transport->sent.size(), 1U);
    auto next = settings({"http://new.test/"});
    next.secret = "other";
    boost::asio::post(strand, [dispatcher, next] { dispatcher->reconfigure(next); });
    publish(dispatcher, event("r@m", EventType::participant_joined, "after"));
    settle(5ms);
    // The new URL gets the new event at once, signed with the new secret; the old one keeps its queue.
    ASSERT_EQ(transport->sent.size(), 2U);
    EXPECT_EQ(transport->sent[1].request.url.host, "new.test");
    EXPECT_EQ(body(transport->sent[1])["data"]["tag"], "after");
    EXPECT_EQ(transport->sent[1].header("X-Jicofo-Signature"),
              signature_header_value("other", *transport->sent[1].request.body));
    for (std::size_t i = 0; i < transport->sent.size(); ++i) {
        boost::asio::post(strand, [done = transport->sent[i].done] { done(PostResult{200, "OK"}); });
    }
    settle(5ms);
    ASSERT_EQ(transport->sent.size(), 3U);
    EXPECT_EQ(transport->sent[2].request.url.host, "old.test");
    EXPECT_EQ(body(transport->sent[2])["data"]["tag"], "before2");
    EXPECT_EQ(transport->sent[2].header("X-Jicofo-Signature"),
              signature_header_value("s3cret", *transport->sent[2].request.body))
        << "signed when queued";
    boost::asio::post(strand, [done = transport->sent[2].done] { done(PostResult{200, "OK"}); });
    settle(5ms);
    EXPECT_EQ(dispatcher->depth(), 0U);
    EXPECT_EQ(dispatcher->totals().delivered, 3U);
    EXPECT_EQ(dispatcher->debug()["targets"].size(), 1U) << "the old URL is forgotten once drained";
}

TEST_F(DispatcherTest, EachUrlIsIndependent) {
    transport->answer = [](const PostRequest& request) {
        return request.url.host == "dead.test" ? PostResult{0, "connection refused"} : PostResult{200, "OK"};
    };
    auto dispatcher = make(settings({"http://dead.test/", "http://alive.test/"}));
    for (int i = 0; i < 3; ++i) {
        publish(dispatcher, event("r@m", EventType::participant_joined, std::to_string(i)));
    }
    run_until([&] { return dispatcher->totals().delivered == 3; });
    const auto debug = dispatcher->debug();
    EXPECT_EQ(debug["targets"][0]["queued"], 3);
    EXPECT_EQ(debug["targets"][1]["delivered"], 3);
}

}  // namespace
}  // namespace jicofo::webhooks
