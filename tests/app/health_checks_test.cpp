// How the bridge, test-conference and XMPP-ping checks turn outcomes into /about/health answers: a joined test
// conference and any ping answer are healthy, no available bridge is hard (500), timeouts are soft (503), a refused
// test conference is hard (500), and every failure says what failed where.
#include "jicofo/app/health_checks.hpp"

#include "jicofo/conference/focus_manager.hpp"
#include "jicofo/core/error.hpp"
#include "jicofo/xmpp/muc_room.hpp"
#include "jicofo/xmpp/xmpp_connection.hpp"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <future>
#include <thread>

namespace jicofo::app {
namespace {

using namespace std::chrono_literals;

const stanza::Jid kRoom = stanza::Jid::parse("__jicofo-health-check-42@conference.meet.test").value();

TEST(BridgesResult, AtLeastOneAvailableBridgeIsHealthyNoneIsAHardFailure) {
    bridge::BridgeSelectorStats stats;
    stats.bridge_count = 2;
    stats.operational_bridge_count = 1;
    stats.available_bridge_count = 1;
    EXPECT_TRUE(bridges_result(stats).success);

    stats.available_bridge_count = 0;  // e.g. the operational one is in graceful shutdown
    auto none = bridges_result(stats);
    EXPECT_FALSE(none.success);
    EXPECT_TRUE(none.hard_failure);
    EXPECT_EQ(none.http_status(), 500);
    EXPECT_EQ(none.message, "No operational bridges available");
    EXPECT_FALSE(bridges_result(bridge::BridgeSelectorStats{}).success) << "no bridge at all";
}

TEST(TestConferenceResult, JoinedIsHealthy) {
    const auto result = test_conference_result(kRoom, {});
    EXPECT_TRUE(result.success);
    EXPECT_EQ(result.http_status(), 200);
}

TEST(TestConferenceResult, ATimeoutIsSoftAnythingElseHard) {
    for (const auto error : {make_error_code(xmpp::MucErrc::timeout), make_error_code(core::Errc::timeout)}) {
        const auto result = test_conference_result(kRoom, error);
        EXPECT_FALSE(result.success);
        EXPECT_EQ(result.http_status(), 503);
        EXPECT_NE(result.message.find("Test conference failed to start due to timeout"), std::string::npos)
            << result.message;
    }
    for (const auto error : {make_error_code(xmpp::MucErrc::join_failed), make_error_code(core::Errc::not_allowed),
                             make_error_code(xmpp::MucErrc::not_found)}) {
        const auto result = test_conference_result(kRoom, error);
        EXPECT_FALSE(result.success);
        EXPECT_EQ(result.http_status(), 500);
        EXPECT_NE(result.message.find("Test conference failed to start: " + error.message()), std::string::npos)
            << result.message;
        EXPECT_NE(result.message.find(kRoom.to_string()), std::string::npos) << result.message;
    }
}

stanza::Iq pong() {
    stanza::Iq iq;
    iq.header.type = stanza::IqType::result;
    iq.header.id = "p1";
    return iq;
}

TEST(PingResult, AnyAnswerIsHealthy) {
    EXPECT_TRUE(ping_result("client", "meet.test", pong(), 5s).success);
    // An error answer still proves that the server reads and answers our stream.
    const xmpp::IqResult refused =
        core::unexpected(xmpp::IqError::from(stanza::StanzaError::make(stanza::ErrorCondition::service_unavailable)));
    EXPECT_TRUE(ping_result("client", "meet.test", refused, 5s).success);
}

TEST(PingResult, NoAnswerOrNoConnectionIsASoftFailureNamingTheConnection) {
    const xmpp::IqResult timeout = core::unexpected(xmpp::IqError::from(core::Errc::timeout));
    const auto late = ping_result("client", "meet.test", timeout, 5s);
    EXPECT_FALSE(late.success);
    EXPECT_EQ(late.http_status(), 503);
    EXPECT_EQ(late.message, "XMPP ping failed: no answer from meet.test on connection 'client' within 5000 ms");
    const xmpp::IqResult down = core::unexpected(xmpp::IqError::from(core::Errc::disconnected));
    const auto lost = ping_result("client", "meet.test", down, 5s);
    EXPECT_FALSE(lost.success);
    EXPECT_EQ(lost.http_status(), 503);
    EXPECT_NE(lost.message.find("XMPP ping failed: meet.test on connection 'client'"), std::string::npos)
        << lost.message;
}

// Without a connection neither check waits for a deadline: both fail softly at once (a run of the health checker
// waits for every check, so a check that hangs would hide the connection's failure until max-check-duration).
TEST(ChecksWithoutAConnection, FailSoftlyAtOnce) {
    boost::asio::io_context io;
    auto guard = boost::asio::make_work_guard(io);
    std::thread thread([&io] { io.run(); });
    xmpp::XmppConnectionSettings settings;
    settings.host = "127.0.0.1";
    settings.port = 1;  // nothing listens there: the connection stays down, retrying
    settings.domain = "auth.meet.test";
    settings.xmpp_domain = "meet.test";
    settings.password = "secret";
    auto connection = std::make_shared<xmpp::XmppConnection>(settings);
    connection->start();
    auto created = std::make_shared<std::atomic<int>>(0);
    auto manager = conference::FocusManager::create(
        io.get_executor(), {},
        [created](const stanza::Jid&,
                  const conference::ConferenceCallbacks&) -> std::shared_ptr<conference::ConferenceHandle> {
            ++*created;
            return nullptr;
        },
        nullptr);
    auto run = [](const health::HealthCheck& check) {
        auto promise = std::make_shared<std::promise<health::HealthResult>>();
        check([promise](health::HealthResult result) { promise->set_value(std::move(result)); });
        auto future = promise->get_future();
        if (future.wait_for(5s) != std::future_status::ready) {
            ADD_FAILURE() << "the check did not complete within 5 s";
            return health::HealthResult::ok();
        }
        return future.get();
    };
    const auto test =
        run(make_test_conference_check(manager, connection, "__jicofo-health-check", "conference.meet.test"));
    EXPECT_EQ(test.http_status(), 503);
    // The connection keeps retrying, so it is "disconnected" or, during an attempt, "connecting".
    EXPECT_TRUE(test.message == "Test conference not started: the XMPP connection is disconnected" ||
                test.message == "Test conference not started: the XMPP connection is connecting")
        << test.message;
    EXPECT_EQ(*created, 0);
    const auto ping = run(make_ping_check(connection, io.get_executor()));
    EXPECT_EQ(ping.http_status(), 503);
    EXPECT_NE(ping.message.find("XMPP ping failed: meet.test on connection 'client'"), std::string::npos)
        << ping.message;
    connection->stop();
    guard.reset();
    io.stop();
    thread.join();
}

}  // namespace
}  // namespace jicofo::app
