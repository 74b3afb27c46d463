// The bridge registry against a real Prosody: three slixmpp "bridges" in the brewery, one healthy, one answering
// health checks with internal-server-error, one silent. The failing one is announced and kept out, the silent one
// only kept out; after failure-reset-threshold the failing one is probed again and comes back once it answers; a
// bridge that leaves is removed as lost.
#include "jicofo/bridge/bridge_registry.hpp"
#include "jicofo/xmpp/xmpp_connection.hpp"

#include "xmpp/muc_test_util.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;
using namespace jicofo::xmpp::testing;
using jicofo::bridge::BridgeDebugState;
using jicofo::bridge::BridgeEvents;
using jicofo::bridge::BridgeRegistry;
using jicofo::bridge::BridgeRegistrySettings;
using jicofo::bridge::BridgeSelection;
using jicofo::bridge::BridgeSelectorDebug;
using jicofo::stanza::Jid;
using jicofo::testing::PeerProcess;
using nlohmann::json;

namespace {

const std::string kBrewery = "jvbbrewery@internal.auth.meet.test";

std::string stats_xml(double stress) {
    return "<stats xmlns='http://jitsi.org/protocol/colibri'><stat name='stress_level' value='" +
           std::to_string(stress) +
           "'/><stat name='region' value='us-east-1'/><stat name='version' value='2.3.1'/>"
           "<stat name='drain' value='false'/></stats>";
}

std::string nick_of(const std::string& id) {
    return id.substr(id.find('/') + 1);
}

// Connects a bridge, sets how it answers health checks, and joins the brewery with stats.
std::unique_ptr<PeerProcess> start_bridge(const jicofo::testing::ProsodyFixture& prosody, const std::string& nick,
                                          const std::string& health_reply, double stress) {
    auto peer = jicofo::testing::start_peer(nick);
    if (!peer) {
        return nullptr;
    }
    auto command = jicofo::testing::connect_command(prosody, "jvb@auth.meet.test", "jvb-secret");
    command["resource"] = nick;
    if (jicofo::testing::connect_peer(*peer, prosody, command).empty()) {
        return nullptr;
    }
    EXPECT_TRUE(peer->request(json{{"cmd", "iq_responder"},
                                   {"element", "healthcheck"},
                                   {"ns", "http://jitsi.org/protocol/health"},
                                   {"type", "get"},
                                   {"reply", health_reply}}
                                  .dump(),
                              "done", 5s))
        << peer->transcript();
    EXPECT_TRUE(peer->request(
        json{{"cmd", "join"}, {"room", kBrewery}, {"nick", nick}, {"presence_xml", stats_xml(stress)}}.dump(), "joined",
        10s))
        << peer->transcript();
    return peer;
}

}  // namespace

TEST(BridgeRegistryIntegration, FailingSilentRecoveringAndLeavingBridges) {
    auto prosody = jicofo::testing::start_prosody(prosody_options({"jvb"}));
    ASSERT_TRUE(prosody);
    IoThread io;
    auto settings = focus_settings(*prosody);
    jicofo::xmpp::XmppConnection connection(settings);
    connection.start();
    ASSERT_TRUE(eventually([&] { return connection.status().state == jicofo::xmpp::ConnectionState::connected; }));

    BridgeRegistrySettings registry_settings;
    registry_settings.bridge.health_checks.interval = 300ms;
    registry_settings.bridge.health_checks.retry_delay = 200ms;
    registry_settings.bridge.failure_reset_threshold = 2s;
    registry_settings.health_check_timeout = 500ms;
    jicofo::bridge::XmppTransportSettings transport;
    transport.brewery.room = Jid::parse(kBrewery).value();
    transport.brewery.rejoin_delay = 500ms;
    auto registry = BridgeRegistry::create(io.io.get_executor(), registry_settings,
                                           jicofo::bridge::xmpp_transport(connection, transport), nullptr);

    Recorder<std::string> events;
    BridgeEvents handlers;
    handlers.bridge_added = [&](const std::string& id) { events.push("added " + nick_of(id)); };
    handlers.bridge_removed = [&](const std::string& id, bool lost) {
        events.push("removed " + nick_of(id) + (lost ? " lost" : ""));
    };
    handlers.bridge_failed = [&](const std::string& id) { events.push("failed " + nick_of(id)); };
    handlers.bridge_operational = [&](const std::string& id) { events.push("operational " + nick_of(id)); };
    auto subscription = registry->subscribe(handlers);
    registry->start();

    auto debug = [&] {
        std::promise<BridgeSelectorDebug> result;
        registry->async_debug_snapshot([&](BridgeSelectorDebug d) { result.set_value(std::move(d)); });
        return result.get_future().get();
    };
    auto state = [&](const std::string& nick) -> std::optional<BridgeDebugState> {
        for (auto& s : debug().bridges) {
            if (s.nick == nick) {
                return s;
            }
        }
        return std::nullopt;
    };
    auto is = [](const std::string& expected) { return [expected](const std::string& e) { return e == expected; }; };

    auto healthy = start_bridge(*prosody, "jvb1", "result", 0.3);
    auto failing = start_bridge(*prosody, "jvb2", "error:internal-server-error", 0.1);
    auto silent = start_bridge(*prosody, "jvb3", "ignore", 0.2);
    ASSERT_TRUE(healthy && failing && silent);
    for (const char* nick : {"jvb1", "jvb2", "jvb3"}) {
        EXPECT_TRUE(events.wait(is(std::string("added ") + nick), 15s)) << nick << prosody->log_text();
    }
    auto added = state("jvb1");
    ASSERT_TRUE(added);
    EXPECT_EQ(added->jid, kBrewery + "/jvb1") << "the occupant JID is the bridge's address";
    EXPECT_EQ(added->region, "us-east-1");

    // The failing bridge is announced and kept out.
    EXPECT_TRUE(events.wait(is("failed jvb2"), 15s)) << failing->transcript();
    EXPECT_FALSE(state("jvb2")->operational);

    // The silent one is kept out after its check and the retry went unanswered, without an announcement.
    EXPECT_TRUE(eventually([&] { return !state("jvb3")->operational; }, 15s)) << silent->transcript();
    EXPECT_TRUE(silent->wait_for(
        [](const std::string& line) {
            return PeerProcess::is_event(line, "iq_received") && line.find("healthcheck") != std::string::npos;
        },
        1s))
        << "the silent bridge did receive checks";
    EXPECT_TRUE(state("jvb1")->operational);

    // Selection avoids both.
    std::promise<BridgeSelection> selected;
    registry->async_select({}, io.io.get_executor(), [&](BridgeSelection s) { selected.set_value(std::move(s)); });
    auto selection = selected.get_future().get();
    ASSERT_TRUE(selection.bridge) << selection.reason;
    EXPECT_EQ(selection.bridge->jid.to_string(), kBrewery + "/jvb1");

    // jvb2 recovers: after the failure window it is probed again and comes back.
    ASSERT_TRUE(failing->request(json{{"cmd", "iq_responder"},
                                      {"element", "healthcheck"},
                                      {"ns", "http://jitsi.org/protocol/health"},
                                      {"type", "get"},
                                      {"reply", "result"}}
                                     .dump(),
                                 "done", 5s));
    EXPECT_TRUE(events.wait(is("operational jvb2"), 15s)) << failing->transcript();
    EXPECT_TRUE(state("jvb2")->operational);

    // jvb1 leaves without announcing a shutdown: lost.
    ASSERT_TRUE(healthy->request(json{{"cmd", "leave"}, {"room", kBrewery}}.dump(), "left", 5s));
    EXPECT_TRUE(events.wait(is("removed jvb1 lost"), 10s));
    EXPECT_FALSE(state("jvb1"));

    const auto all = events.all();
    EXPECT_EQ(std::count(all.begin(), all.end(), "failed jvb3"), 0) << "a silent bridge is never announced as failed";

    std::promise<void> stopped;
    registry->stop([&] { stopped.set_value(); });
    ASSERT_EQ(stopped.get_future().wait_for(10s), std::future_status::ready);
    connection.stop();
}
