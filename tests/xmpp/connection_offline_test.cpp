// A connection with no server behind it: refused attempts are classified and retried with backoff, requests fail
// fast with "disconnected", stop() is prompt and idempotent. No Prosody needed.
#include "jicofo/xmpp/health.hpp"
#include "jicofo/xmpp/xmpp_connection.hpp"
#include "xmpp/io_thread.hpp"

#include "jicofo/metrics/metrics_registry.hpp"
#include "jicofo/stanza/namespaces.hpp"

#include <gtest/gtest.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <future>
#include <thread>

using namespace std::chrono_literals;
using namespace jicofo::xmpp;

namespace {

using jicofo::xmpp::testing::IoThread;

XmppConnectionSettings refused_settings() {
    XmppConnectionSettings s;
    s.name = "client";
    s.host = "127.0.0.1";
    s.port = 1;  // nothing listens there
    s.domain = "auth.meet.test";
    s.password = "secret";
    s.backoff_base = 100ms;
    s.backoff_cap = 400ms;
    return s;
}

template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds deadline = 5s) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < until) {
        if (pred()) {
            return true;
        }
        std::this_thread::sleep_for(10ms);
    }
    return pred();
}

}  // namespace

TEST(XmppConnectionOffline, RefusedConnectionIsClassifiedAndRetried) {
    // Declared before the io thread: destroyed after it stops, so no queued callback can touch them.
    std::mutex mutex;
    std::vector<ConnectionStatus> seen;
    IoThread io;
    XmppConnection connection(refused_settings());
    auto listener = connection.add_state_listener(io.io.get_executor(), [&](ConnectionStatus s) {
        std::lock_guard lock(mutex);
        seen.push_back(s);
    });
    connection.start();
    ASSERT_TRUE(eventually([&] { return connection.snapshot().reconnect_attempts >= 3; }));
    const auto status = connection.status();
    EXPECT_NE(status.state, ConnectionState::connected);
    EXPECT_EQ(status.last_reason.kind, DisconnectKind::connection_refused) << to_string(status.last_reason);

    const auto health = health_of("client", status);
    EXPECT_FALSE(health.success);
    EXPECT_FALSE(health.hard_failure);
    EXPECT_NE(health.message.find("connection_refused"), std::string::npos) << health.message;

    std::promise<IqResult> reply;
    jicofo::stanza::Iq ping;
    ping.header.type = jicofo::stanza::IqType::get;
    ping.payload = jicofo::stanza::XmlElement("ping", std::string(jicofo::stanza::kNsPing));
    // A request while the link is down waits for it until its deadline, then fails as disconnected (not as a
    // timeout: the peer is not to blame).
    const auto asked = std::chrono::steady_clock::now();
    connection.async_send_iq(
        ping, io.io.get_executor(), [&](IqResult r) { reply.set_value(std::move(r)); }, 300ms);
    auto future = reply.get_future();
    ASSERT_EQ(future.wait_for(2s), std::future_status::ready);
    EXPECT_GE(std::chrono::steady_clock::now() - asked, 250ms);
    auto result = future.get();
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code, make_error_code(jicofo::core::Errc::disconnected));

    const auto before = std::chrono::steady_clock::now();
    connection.stop();
    EXPECT_LT(std::chrono::steady_clock::now() - before, 1s);
    connection.stop();
    std::lock_guard lock(mutex);
    ASSERT_FALSE(seen.empty());
    EXPECT_EQ(seen.front().state, ConnectionState::disconnected);  // the status at registration comes first
}

TEST(XmppConnectionOffline, RequestAfterStopFailsWithShuttingDown) {
    IoThread io;
    XmppConnection connection(refused_settings());
    connection.start();
    connection.stop();
    std::promise<IqResult> reply;
    jicofo::stanza::Iq ping;
    ping.header.type = jicofo::stanza::IqType::get;
    ping.payload = jicofo::stanza::XmlElement("ping", std::string(jicofo::stanza::kNsPing));
    connection.async_send_iq(ping, io.io.get_executor(), [&](IqResult r) { reply.set_value(std::move(r)); });
    auto future = reply.get_future();
    ASSERT_EQ(future.wait_for(2s), std::future_status::ready);
    EXPECT_EQ(future.get().error().code, make_error_code(jicofo::core::Errc::shutting_down));
}

TEST(XmppConnectionOffline, UnresolvableHostIsConnectionRefused) {
    auto settings = refused_settings();
    settings.host = "no-such-host.invalid";
    XmppConnection connection(settings);
    connection.start();
    ASSERT_TRUE(eventually([&] { return connection.snapshot().reconnect_attempts >= 1; }));
    EXPECT_EQ(connection.status().last_reason.kind, DisconnectKind::connection_refused);
}

TEST(XmppConnectionOffline, ConnectedStatusIsHealthy) {
    ConnectionStatus status;
    status.state = ConnectionState::connected;
    EXPECT_TRUE(health_of("client", status).success);
}

// The outbound queue is capped: with the connection thread not yet running, nothing drains it, so the cap is reached
// deterministically. A request past it fails at once with resource-constraint and is counted; queued ones wait.
TEST(XmppConnectionOffline, OutboundQueueOverTheCapRefusesRequestsAndCountsThem) {
    IoThread io;
    jicofo::metrics::MetricsRegistry metrics("1.0-test");
    auto settings = refused_settings();
    settings.max_queued_stanzas = 5;
    XmppConnection connection(settings, &metrics);  // not started
    std::atomic<int> refused{0};
    std::promise<void> all_refused;
    jicofo::stanza::Iq ping;
    ping.header.type = jicofo::stanza::IqType::get;
    ping.payload = jicofo::stanza::XmlElement("ping", std::string(jicofo::stanza::kNsPing));
    for (int i = 0; i < 8; ++i) {
        connection.async_send_iq(ping, io.io.get_executor(), [&](IqResult r) {
            if (!r && r.error().code == make_error_code(jicofo::core::Errc::resource_constraint) && ++refused == 3) {
                all_refused.set_value();
            }
        });
    }
    connection.send(ping);  // a plain stanza over the cap is dropped, and counted too
    ASSERT_EQ(all_refused.get_future().wait_for(2s), std::future_status::ready);
    EXPECT_EQ(refused, 3);
    double counted = -1;
    for (const auto& family : metrics.collect()) {
        if (family.name == "jitsi_jicofo_xmpp_stanzas_rejected_total") {
            counted = family.metric.at(0).counter.value;
        }
    }
    EXPECT_EQ(counted, 4.0);
}
