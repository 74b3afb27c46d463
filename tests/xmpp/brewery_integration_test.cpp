// Brewery against a real Prosody: slixmpp "bridges" join the brewery MUC with colibri stats, update them and leave.
#include "jicofo/xmpp/brewery.hpp"
#include "jicofo/xmpp/xmpp_connection.hpp"

#include "xmpp/muc_test_util.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;
using namespace jicofo::xmpp;
using namespace jicofo::xmpp::testing;
using jicofo::stanza::ColibriStats;
using jicofo::stanza::Jid;
using jicofo::testing::PeerProcess;
using nlohmann::json;

namespace {

const std::string kBrewery = "jvbbrewery@internal.auth.meet.test";

struct Change {
    std::string kind;  // added, updated, removed
    std::string nick;
    std::optional<double> stress;
};

std::string stats_xml(double stress) {
    return "<stats xmlns='http://jitsi.org/protocol/colibri'><stat name='stress_level' value='" +
           std::to_string(stress) + "'/><stat name='region' value='us-east-1'/></stats>";
}

bool wait_change(Recorder<Change>& changes, const std::string& kind, const std::string& nick,
                 std::optional<double> stress = std::nullopt) {
    return changes
        .wait([&](const Change& c) {
            return c.kind == kind && c.nick == nick && (!stress || (c.stress && std::abs(*c.stress - *stress) < 1e-6));
        })
        .has_value();
}

}  // namespace

TEST(BreweryIntegration, TracksBridgesJoiningUpdatingAndLeaving) {
    auto prosody = jicofo::testing::start_prosody(prosody_options({"jvb"}));
    ASSERT_TRUE(prosody);
    IoThread io;
    auto strand = io.make_strand();
    XmppConnection connection(focus_settings(*prosody));
    connection.start();
    ASSERT_TRUE(eventually([&] { return connection.status().state == ConnectionState::connected; }));

    Recorder<Change> changes;
    BreweryHandlers<ColibriStats> handlers;
    handlers.instance_added = [&](const Jid& jid, const ColibriStats& s) {
        changes.push({"added", std::string(jid.resource()), s.stress_level()});
    };
    handlers.instance_updated = [&](const Jid& jid, const ColibriStats& s) {
        changes.push({"updated", std::string(jid.resource()), s.stress_level()});
    };
    handlers.instance_removed = [&](const Jid& jid) {
        changes.push({"removed", std::string(jid.resource()), std::nullopt});
    };
    std::unique_ptr<BridgeBrewery> brewery;
    run_on(strand, [&] {
        BrewerySettings settings;
        settings.room = Jid::parse(kBrewery).value();
        brewery = std::make_unique<BridgeBrewery>(connection, strand, settings, handlers);
    });
    auto joined = std::make_shared<std::promise<JoinResult>>();
    run_on(strand, [&] { brewery->join([joined](const JoinResult& r) { joined->set_value(r); }); });
    auto joined_future = joined->get_future();
    ASSERT_EQ(joined_future.wait_for(10s), std::future_status::ready);
    ASSERT_TRUE(joined_future.get().has_value()) << prosody->log_text();

    // Three bridges (one account, three resources, as a cluster sharing credentials would) join with stats.
    std::vector<std::unique_ptr<PeerProcess>> bridges;
    for (int i = 1; i <= 3; ++i) {
        const std::string nick = "jvb" + std::to_string(i);
        auto peer = jicofo::testing::start_peer(nick);
        ASSERT_TRUE(peer);
        auto command = jicofo::testing::connect_command(*prosody, "jvb@auth.meet.test", "jvb-secret");
        command["resource"] = nick;
        ASSERT_FALSE(jicofo::testing::connect_peer(*peer, *prosody, command).empty());
        ASSERT_TRUE(peer->request(
            json{{"cmd", "join"}, {"room", kBrewery}, {"nick", nick}, {"presence_xml", stats_xml(0.1 * i)}}.dump(),
            "joined", 10s))
            << peer->transcript();
        EXPECT_TRUE(wait_change(changes, "added", nick, 0.1 * i)) << nick;
        bridges.push_back(std::move(peer));
    }
    EXPECT_EQ(run_on(strand, [&] { return brewery->instances().size(); }), 3U);
    EXPECT_EQ(run_on(strand, [&] { return brewery->instances().begin()->first.to_string(); }),
              kBrewery + "/jvb1");  // the occupant JID is the bridge's address

    // jvb1 reports more stress.
    ASSERT_TRUE(
        bridges[0]->request(json{{"cmd", "presence"}, {"room", kBrewery}, {"xml", stats_xml(0.9)}}.dump(), "done", 5s));
    EXPECT_TRUE(wait_change(changes, "updated", "jvb1", 0.9));

    // jvb2 leaves.
    ASSERT_TRUE(bridges[1]->request(json{{"cmd", "leave"}, {"room", kBrewery}}.dump(), "left", 5s));
    EXPECT_TRUE(wait_change(changes, "removed", "jvb2"));

    // An occupant without stats is not an instance until it publishes them.
    auto late = jicofo::testing::start_peer("late");
    ASSERT_TRUE(late);
    auto command = jicofo::testing::connect_command(*prosody, "jvb@auth.meet.test", "jvb-secret");
    command["resource"] = "late";
    ASSERT_FALSE(jicofo::testing::connect_peer(*late, *prosody, command).empty());
    ASSERT_TRUE(late->request(json{{"cmd", "join"}, {"room", kBrewery}, {"nick", "late"}}.dump(), "joined", 10s));
    ASSERT_TRUE(
        late->request(json{{"cmd", "presence"}, {"room", kBrewery}, {"xml", stats_xml(0.5)}}.dump(), "done", 5s));
    EXPECT_TRUE(wait_change(changes, "added", "late", 0.5));

    // jvb3 disconnects without leaving: the server's unavailable presence removes it.
    ASSERT_TRUE(bridges[2]->request(R"({"cmd":"disconnect"})", "disconnected", 5s));
    EXPECT_TRUE(wait_change(changes, "removed", "jvb3"));

    const auto remaining = run_on(strand, [&] {
        std::vector<std::string> nicks;
        for (const auto& [jid, stats] : brewery->instances()) {
            nicks.emplace_back(jid.resource());
        }
        return nicks;
    });
    EXPECT_EQ(remaining, (std::vector<std::string>{"jvb1", "late"}));
    run_on(strand, [&] { brewery.reset(); });
    connection.stop();
}

TEST(BreweryIntegration, MalformedStatusIsIgnoredAndReJoinDropsVanishedInstances) {
    auto prosody = jicofo::testing::start_prosody(prosody_options({"jvb"}));
    ASSERT_TRUE(prosody);
    IoThread io;
    auto strand = io.make_strand();
    XmppConnection connection(focus_settings(*prosody));
    connection.start();
    ASSERT_TRUE(eventually([&] { return connection.status().state == ConnectionState::connected; }));

    Recorder<Change> changes;
    BreweryHandlers<ColibriStats> handlers;
    handlers.instance_added = [&](const Jid& jid, const ColibriStats& s) {
        changes.push({"added", std::string(jid.resource()), s.stress_level()});
    };
    handlers.instance_removed = [&](const Jid& jid) {
        changes.push({"removed", std::string(jid.resource()), std::nullopt});
    };
    std::unique_ptr<BridgeBrewery> brewery;
    run_on(strand, [&] {
        BrewerySettings settings;
        settings.room = Jid::parse(kBrewery).value();
        brewery = std::make_unique<BridgeBrewery>(connection, strand, settings, handlers);
        brewery->join();
    });

    auto jvb = jicofo::testing::start_peer("jvb1");
    ASSERT_TRUE(jvb);
    auto command = jicofo::testing::connect_command(*prosody, "jvb@auth.meet.test", "jvb-secret");
    command["resource"] = "jvb1";
    ASSERT_FALSE(jicofo::testing::connect_peer(*jvb, *prosody, command).empty());
    // A stats element in the wrong namespace is no status; then a good one.
    ASSERT_TRUE(
        jvb->request(json{{"cmd", "join"},
                          {"room", kBrewery},
                          {"nick", "jvb1"},
                          {"presence_xml", "<stats xmlns='urn:wrong'><stat name='stress_level' value='1'/></stats>"}}
                         .dump(),
                     "joined", 10s));
    ASSERT_TRUE(
        jvb->request(json{{"cmd", "presence"}, {"room", kBrewery}, {"xml", stats_xml(0.2)}}.dump(), "done", 5s));
    EXPECT_TRUE(wait_change(changes, "added", "jvb1", 0.2));

    // The server crashes; the bridge does not come back. After the re-join the instance is removed.
    prosody->kill();
    std::this_thread::sleep_for(300ms);
    ASSERT_TRUE(prosody->restart());
    EXPECT_TRUE(wait_change(changes, "removed", "jvb1")) << prosody->log_text();
    EXPECT_TRUE(eventually([&] { return run_on(strand, [&] { return brewery->joined(); }); }, 10s));
    EXPECT_TRUE(run_on(strand, [&] { return brewery->instances().empty(); }));
    run_on(strand, [&] { brewery.reset(); });
    connection.stop();
}
