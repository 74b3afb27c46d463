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

namespace {

// A focus connection with a brewery on the test's strand whose changes land in `changes`.
struct BreweryUnderTest {
    IoThread io;
    Strand strand = io.make_strand();
    XmppConnection connection;
    Recorder<Change> changes;
    std::unique_ptr<BridgeBrewery> brewery;

    BreweryUnderTest(const jicofo::testing::ProsodyFixture& prosody, BrewerySettings settings)
        : connection(focus_settings(prosody)) {
        connection.start();
        BreweryHandlers<ColibriStats> handlers;
        handlers.instance_added = [this](const Jid& jid, const ColibriStats& s) {
            changes.push({"added", std::string(jid.resource()), s.stress_level()});
        };
        handlers.instance_updated = [this](const Jid& jid, const ColibriStats& s) {
            changes.push({"updated", std::string(jid.resource()), s.stress_level()});
        };
        handlers.instance_removed = [this](const Jid& jid) {
            changes.push({"removed", std::string(jid.resource()), std::nullopt});
        };
        settings.room = Jid::parse(kBrewery).value();
        run_on(strand, [&] { brewery = std::make_unique<BridgeBrewery>(connection, strand, settings, handlers); });
    }
    ~BreweryUnderTest() {
        run_on(strand, [&] { brewery.reset(); });
        connection.stop();
    }
    bool joined() {
        return run_on(strand, [&] { return brewery->joined(); });
    }
    std::vector<std::string> instance_nicks() {
        return run_on(strand, [&] {
            std::vector<std::string> nicks;
            for (const auto& [jid, stats] : brewery->instances()) {
                nicks.emplace_back(jid.resource());
            }
            return nicks;
        });
    }
};

// A peer in the brewery with stats; `command` says how it logs in.
std::unique_ptr<PeerProcess> bridge_peer(const jicofo::testing::ProsodyFixture& prosody, const std::string& nick,
                                         json command, double stress) {
    auto peer = jicofo::testing::start_peer(nick);
    if (!peer || jicofo::testing::connect_peer(*peer, prosody, command).empty()) {
        return nullptr;
    }
    if (!peer->request(
            json{{"cmd", "join"}, {"room", kBrewery}, {"nick", nick}, {"presence_xml", stats_xml(stress)}}.dump(),
            "joined", 10s)) {
        ADD_FAILURE() << peer->transcript();
        return nullptr;
    }
    return peer;
}

}  // namespace

// Anybody who can log in (here an anonymous guest of the main domain) can enter the brewery and publish colibri stats;
// only occupants whose real JID is in a trusted domain (the focus's own account domain, or a configured one, in any
// case) become instances.
TEST(BreweryIntegration, OccupantsOfUntrustedDomainsAreIgnored) {
    auto options = prosody_options({"jvb"});
    options.extra_hosts_lua = "VirtualHost \"recorder.meet.test\"\n  authentication = \"internal_hashed\"\n";
    options.users.emplace_back("jibri", "recorder.meet.test", "jibri-secret");
    auto prosody = jicofo::testing::start_prosody(options);
    ASSERT_TRUE(prosody);
    BrewerySettings settings;
    settings.trusted_domains = {"Recorder.MEET.test"};
    BreweryUnderTest t(*prosody, settings);
    ASSERT_TRUE(eventually([&] { return t.connection.status().state == ConnectionState::connected; }));
    run_on(t.strand, [&] { t.brewery->join(); });
    ASSERT_TRUE(eventually([&] { return t.joined(); }, 10s));

    // The guest joins first and publishes stats twice.
    json anonymous = {{"cmd", "connect"},
                      {"anonymous", true},
                      {"domain", prosody->domain()},
                      {"host", "127.0.0.1"},
                      {"port", prosody->c2s_port()}};
    auto guest = bridge_peer(*prosody, "evil", anonymous, 0.0);
    ASSERT_TRUE(guest);
    ASSERT_TRUE(
        guest->request(json{{"cmd", "presence"}, {"room", kBrewery}, {"xml", stats_xml(0.01)}}.dump(), "done", 5s));

    // Then a bridge of our account domain and one of a configured trusted domain; both become instances.
    auto jvb = bridge_peer(*prosody, "jvb1",
                           jicofo::testing::connect_command(*prosody, "jvb@auth.meet.test", "jvb-secret"), 0.5);
    ASSERT_TRUE(jvb);
    EXPECT_TRUE(wait_change(t.changes, "added", "jvb1", 0.5));
    auto other = bridge_peer(
        *prosody, "jvb2", jicofo::testing::connect_command(*prosody, "jibri@recorder.meet.test", "jibri-secret"), 0.6);
    ASSERT_TRUE(other);
    EXPECT_TRUE(wait_change(t.changes, "added", "jvb2", 0.6));
    // Presences from one room arrive in order: the guest's were handled before these, and ignored.
    EXPECT_EQ(t.instance_nicks(), (std::vector<std::string>{"jvb1", "jvb2"}));
    for (const auto& change : t.changes.all()) {
        EXPECT_NE(change.nick, "evil") << change.kind;
    }
}

// The room drops the focus (another session with owner rights kicks it): the brewery joins again by itself, with
// backoff, and sees the bridges again.
TEST(BreweryIntegration, KickedFocusJoinsAgain) {
    auto prosody = jicofo::testing::start_prosody(prosody_options({"jvb"}));
    ASSERT_TRUE(prosody);
    BrewerySettings settings;
    settings.rejoin_delay = 300ms;
    BreweryUnderTest t(*prosody, settings);
    ASSERT_TRUE(eventually([&] { return t.connection.status().state == ConnectionState::connected; }));
    run_on(t.strand, [&] { t.brewery->join(); });
    ASSERT_TRUE(eventually([&] { return t.joined(); }, 10s));
    auto jvb = bridge_peer(*prosody, "jvb1",
                           jicofo::testing::connect_command(*prosody, "jvb@auth.meet.test", "jvb-secret"), 0.5);
    ASSERT_TRUE(jvb);
    ASSERT_TRUE(wait_change(t.changes, "added", "jvb1", 0.5));

    // A second session of the focus account is an owner of the room too, and owners may kick owners.
    auto kicker = jicofo::testing::start_peer("kicker");
    ASSERT_TRUE(kicker);
    auto command = jicofo::testing::connect_command(*prosody, prosody->focus_jid(), kFocusPassword);
    command["resource"] = "kicker";
    ASSERT_FALSE(jicofo::testing::connect_peer(*kicker, *prosody, command).empty());
    ASSERT_TRUE(kicker->request(json{{"cmd", "join"}, {"room", kBrewery}, {"nick", "kicker"}}.dump(), "joined", 10s));
    const std::string kick = "<iq type='set' to='" + kBrewery +
                             "'><query xmlns='http://jabber.org/protocol/muc#admin'><item nick='focus' "
                             "role='none'><reason>test</reason></item></query></iq>";
    auto reply = kicker->request(json{{"cmd", "send_iq"}, {"xml", kick}}.dump(), "iq_reply", 10s);
    ASSERT_TRUE(reply) << kicker->transcript();
    EXPECT_EQ(jicofo::testing::event_json(reply).value("type", ""), "result") << *reply;

    EXPECT_TRUE(wait_change(t.changes, "removed", "jvb1"));  // out of the room: the instances are unknown
    EXPECT_TRUE(wait_change(t.changes, "added", "jvb1", 0.5)) << prosody->log_text();
    EXPECT_TRUE(t.joined());
    EXPECT_EQ(run_on(t.strand, [&] { return t.brewery->join_attempts(); }), 2U);
    EXPECT_EQ(t.instance_nicks(), (std::vector<std::string>{"jvb1"}));
}
