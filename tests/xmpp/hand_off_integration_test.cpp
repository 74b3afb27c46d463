// The hand-offs between the connection thread and the owners' executors. Inbound: stanzas that come in one read go
// to the io_context as one batch, and each executor must still see its stanzas complete and in the order received,
// on an io_context run by two threads as the application runs it, and on an executor of another io_context.
// Outbound: a stanza queued while the connection thread sleeps on an idle link wakes it at once.
#include "jicofo/stanza/namespaces.hpp"
#include "jicofo/xmpp/xmpp_connection.hpp"
#include "support/harness_test_util.hpp"
#include "xmpp/io_thread.hpp"
#include "xmpp/muc_test_util.hpp"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using namespace jicofo::xmpp;
using jicofo::stanza::Jid;
namespace stanza = jicofo::stanza;
using jicofo::testing::ProsodyFixture;
namespace xt = jicofo::xmpp::testing;

namespace {

constexpr int kBurst = 60;

// Bodies as one owner saw them; the owner runs on one strand (or a one-thread io_context), so no two calls overlap,
// but the test thread reads them.
struct Seen {
    std::mutex mutex;
    std::vector<std::string> bodies;
    void add(std::string body) {
        std::lock_guard lock(mutex);
        bodies.push_back(std::move(body));
    }
    std::vector<std::string> copy() {
        std::lock_guard lock(mutex);
        return bodies;
    }
};

std::vector<std::string> expected_bodies() {
    std::vector<std::string> bodies;
    for (int i = 0; i < kBurst; ++i) {
        bodies.push_back("m" + std::to_string(i));
    }
    return bodies;
}

// Run with and without the owners' io_context named in the settings (one post per batch through the hand-off
// strand, as the application runs it; or one post per stanza).
class XmppHandOff : public ::testing::TestWithParam<bool> {};

INSTANTIATE_TEST_SUITE_P(Modes, XmppHandOff, ::testing::Values(true, false), [](const auto& info) {
    return info.param ? std::string("ThroughTheHandOffStrand") : std::string("PostedOneByOne");
});

TEST_P(XmppHandOff, ABurstReachesEveryOwnerCompleteAndInOrder) {
    auto prosody = ProsodyFixture::start(xt::prosody_options({"alice"}));
    ASSERT_TRUE(prosody) << prosody.error();

    // Two threads on the owners' io_context, as the application runs it; a second io_context for the third owner.
    boost::asio::io_context owners;
    auto guard = boost::asio::make_work_guard(owners);
    std::thread first([&] { owners.run(); });
    std::thread second([&] { owners.run(); });
    xt::IoThread other;

    auto settings = xt::focus_settings(**prosody);
    if (GetParam()) {
        settings.hand_off_executor = boost::asio::any_io_executor(owners.get_executor());
    }
    XmppConnection focus(settings);
    focus.start();

    auto peer = jicofo::testing::start_peer("alice");
    ASSERT_NE(peer, nullptr);
    ASSERT_TRUE(peer->request(
        jicofo::testing::connect_command(**prosody, "alice@auth.meet.test", "alice-secret").dump(), "connected", 10s))
        << peer->transcript();

    Seen on_strand_a;
    Seen on_strand_b;
    Seen on_other_context;
    const auto alice = Jid::parse("alice@auth.meet.test").value();
    auto subscribe = [&](const Executor& executor, Seen& seen) {
        return focus.subscribe(alice, executor, nullptr,
                               [&seen](jicofo::stanza::Message m) { seen.add(m.body.value_or("")); });
    };
    auto a = subscribe(boost::asio::make_strand(owners.get_executor()), on_strand_a);
    auto b = subscribe(boost::asio::make_strand(owners.get_executor()), on_strand_b);
    auto c = subscribe(other.make_strand(), on_other_context);
    ASSERT_TRUE(xt::eventually([&] { return focus.status().state == ConnectionState::connected; }, 10s));

    // One write: Prosody relays the burst back to back, so the focus reads several messages per read.
    const auto focus_jid = focus.own_jid().value().to_string();
    std::string burst;
    for (int i = 0; i < kBurst; ++i) {
        burst += "<message type='chat' to='" + focus_jid + "'><body>m" + std::to_string(i) + "</body></message>";
    }
    ASSERT_TRUE(peer->request(nlohmann::json{{"cmd", "send_raw"}, {"xml", burst}}.dump(), "done", 5s));

    const auto expected = expected_bodies();
    for (Seen* seen : {&on_strand_a, &on_strand_b, &on_other_context}) {
        EXPECT_TRUE(xt::eventually([&] { return seen->copy().size() >= expected.size(); }, 10s));
        EXPECT_EQ(seen->copy(), expected);
    }

    focus.stop();
    guard.reset();
    owners.stop();
    first.join();
    second.join();
}

// With wake signals off and a 20 s idle poll, only the wake event can get a request out of a connection thread that
// sleeps on a quiet link: each ping to the server must be answered long before the idle poll would have run.
TEST_P(XmppHandOff, ARequestQueuedOnAQuietLinkWakesTheConnectionThread) {
    auto prosody = ProsodyFixture::start(xt::prosody_options({"alice"}));
    ASSERT_TRUE(prosody) << prosody.error();
    xt::IoThread io;
    auto settings = xt::focus_settings(**prosody);
    settings.wake_signal = 0;
    settings.idle_poll = 20s;
    settings.ping_interval = std::chrono::hours(1);
    if (GetParam()) {
        settings.hand_off_executor = boost::asio::any_io_executor(io.io.get_executor());
    }
    XmppConnection focus(settings);
    focus.start();
    ASSERT_TRUE(xt::eventually([&] { return focus.status().state == ConnectionState::connected; }, 30s));
    for (int i = 0; i < 3; ++i) {
        std::this_thread::sleep_for(300ms);  // the link goes quiet and the thread sleeps
        stanza::Iq ping;
        ping.header.type = stanza::IqType::get;
        ping.header.to = Jid::parse((*prosody)->domain()).value();
        ping.payload = stanza::XmlElement("ping", std::string(stanza::kNsPing));
        auto reply = std::make_shared<std::promise<IqResult>>();
        focus.async_send_iq(std::move(ping), io.make_strand(), [reply](IqResult r) { reply->set_value(std::move(r)); });
        auto future = reply->get_future();
        ASSERT_EQ(future.wait_for(10s), std::future_status::ready) << "ping " << i << " waited for the idle poll";
        EXPECT_TRUE(future.get().has_value()) << "ping " << i;
    }
    focus.stop();
}

}  // namespace
