// What the connection thread hands to the owners' executors arrives complete and in order: stanzas that come in one
// read go to the io_context as one batch, and each executor must still see its stanzas in the order received, on
// an io_context run by two threads as the application runs it, and on an executor of another io_context.
#include "jicofo/xmpp/xmpp_connection.hpp"
#include "support/harness_test_util.hpp"
#include "xmpp/io_thread.hpp"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using namespace jicofo::xmpp;
using jicofo::stanza::Jid;
using jicofo::testing::ProsodyFixture;
using jicofo::testing::ProsodyOptions;

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

template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds deadline) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < until) {
        if (pred()) {
            return true;
        }
        std::this_thread::sleep_for(10ms);
    }
    return pred();
}

std::vector<std::string> expected_bodies() {
    std::vector<std::string> bodies;
    for (int i = 0; i < kBurst; ++i) {
        bodies.push_back("m" + std::to_string(i));
    }
    return bodies;
}

TEST(XmppHandOff, ABurstReachesEveryOwnerCompleteAndInOrder) {
    ProsodyOptions options;
    options.users = {{"focus", "auth.meet.test", "focus-secret"}, {"alice", "auth.meet.test", "alice-secret"}};
    auto prosody = ProsodyFixture::start(options);
    ASSERT_TRUE(prosody) << prosody.error();

    // Two threads on the owners' io_context, as the application runs it; a second io_context for the third owner.
    boost::asio::io_context owners;
    auto guard = boost::asio::make_work_guard(owners);
    std::thread first([&] { owners.run(); });
    std::thread second([&] { owners.run(); });
    jicofo::xmpp::testing::IoThread other;

    XmppConnectionSettings settings;
    settings.name = "client";
    settings.host = "127.0.0.1";
    settings.port = (*prosody)->c2s_port();
    settings.domain = (*prosody)->auth_domain();
    settings.xmpp_domain = (*prosody)->domain();
    settings.password = "focus-secret";
    settings.use_tls = false;
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
    ASSERT_TRUE(eventually([&] { return focus.status().state == ConnectionState::connected; }, 10s));

    // One write: Prosody relays the burst back to back, so the focus reads several messages per read.
    const auto focus_jid = focus.own_jid().value().to_string();
    std::string burst;
    for (int i = 0; i < kBurst; ++i) {
        burst += "<message type='chat' to='" + focus_jid + "'><body>m" + std::to_string(i) + "</body></message>";
    }
    ASSERT_TRUE(peer->request(nlohmann::json{{"cmd", "send_raw"}, {"xml", burst}}.dump(), "done", 5s));

    const auto expected = expected_bodies();
    for (Seen* seen : {&on_strand_a, &on_strand_b, &on_other_context}) {
        EXPECT_TRUE(eventually([&] { return seen->copy().size() >= expected.size(); }, 10s));
        EXPECT_EQ(seen->copy(), expected);
    }

    focus.stop();
    guard.reset();
    owners.stop();
    first.join();
    second.join();
}

}  // namespace
