// Component discovery against a real Prosody whose host announces Jitsi's components, including after a restart.
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <future>
#include <thread>

#include "jicofo/xmpp/component_discovery.hpp"
#include "support/harness_test_util.hpp"

namespace jicofo::xmpp {
namespace {

using namespace std::chrono_literals;

constexpr const char* kPassword = "focus-secret";

TEST(ComponentDiscoveryIntegration, FindsTheComponentsOnEveryFreshSession) {
    testing::ProsodyOptions options;
    options.users = {{"focus", "auth.meet.test", kPassword}};
    options.plugin_paths = {JICOFO_TEST_PLUGINS_DIR};
    options.extra_hosts_lua = "VirtualHost \"meet.test\"\n  modules_enabled = { \"test_components\" }\n";
    auto prosody = testing::start_prosody(options);
    ASSERT_TRUE(prosody);

    boost::asio::io_context io;
    auto guard = boost::asio::make_work_guard(io);
    std::thread io_thread([&] { io.run(); });

    XmppConnectionSettings settings;
    settings.host = "127.0.0.1";
    settings.port = prosody->c2s_port();
    settings.domain = prosody->auth_domain();
    settings.xmpp_domain = prosody->domain();
    settings.password = kPassword;
    settings.use_tls = false;
    settings.reply_timeout = 2s;
    auto connection = std::make_shared<XmppConnection>(settings);

    auto strand = boost::asio::make_strand(boost::asio::any_io_executor(io.get_executor()));
    std::atomic<int> discoveries{0};
    std::promise<DiscoveredComponents> first;
    std::unique_ptr<ComponentDiscovery> discovery;
    boost::asio::post(strand, [&] {
        discovery = std::make_unique<ComponentDiscovery>(*connection, strand, "meet.test",
                                                         [&](const DiscoveredComponents& found) {
                                                             if (discoveries.fetch_add(1) == 0) {
                                                                 first.set_value(found);
                                                             }
                                                         });
    });
    connection->start();

    auto future = first.get_future();
    ASSERT_EQ(future.wait_for(10s), std::future_status::ready) << prosody->log_text();
    auto found = future.get();
    EXPECT_EQ(found.breakout_rooms, "breakout.meet.test");
    EXPECT_EQ(found.av_moderation, "avmoderation.meet.test");
    EXPECT_EQ(found.room_metadata, "metadata.meet.test");
    EXPECT_EQ(found.visitors, "visitors.meet.test");

    // A crash ends the session; the fresh one after the restart discovers again.
    prosody->kill();
    ASSERT_TRUE(prosody->restart()) << prosody->log_text();
    const auto until = std::chrono::steady_clock::now() + 15s;
    while (discoveries.load() < 2 && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(20ms);
    }
    EXPECT_GE(discoveries.load(), 2) << prosody->log_text();

    std::promise<void> destroyed;
    boost::asio::post(strand, [&] {
        discovery.reset();
        destroyed.set_value();
    });
    destroyed.get_future().wait();
    connection->stop();
    guard.reset();
    io_thread.join();
}

}  // namespace
}  // namespace jicofo::xmpp
