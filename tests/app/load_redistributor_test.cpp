// Automatic load redistribution over fake ports and a manual clock: which bridges lose endpoints, how many, from
// which conferences, the timeout after a move, and nothing at all when there is nowhere to move them or it is off.
#include "jicofo/app/load_redistributor.hpp"

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace jicofo::app {
namespace {

using namespace std::chrono_literals;

stanza::Jid jid(const std::string& text) {
    return stanza::Jid::parse(text).value();
}

std::string bridge_id(const std::string& nick) {
    return "jvbbrewery@internal.meet.test/" + nick;
}

bridge::BridgeDebugState bridge_state(const std::string& nick, double stress, bool operational = true) {
    bridge::BridgeDebugState b;
    b.jid = bridge_id(nick);
    b.nick = nick;
    b.stress = stress;
    b.corrected_stress = stress;
    b.operational = operational;
    b.overloaded = stress >= 0.8;  // the selection's threshold (jicofo.bridge.stress-threshold)
    return b;
}

struct Move {
    std::string room;
    std::string bridge;
    int count = 0;
    friend bool operator==(const Move&, const Move&) = default;
};

class LoadRedistributorTest : public ::testing::Test {
protected:
    LoadRedistributorTest() { config.enabled = true; }

    void make() {
        LoadRedistributor::Ports ports;
        ports.bridges = [this](const std::function<void(std::vector<bridge::BridgeDebugState>)>& done) {
            ++bridge_queries;
            done(bridges);
        };
        ports.loads = [this](const std::string& id, const std::function<void(std::vector<ConferenceLoad>)>& done) {
            load_queries.push_back(id);
            done(loads[id]);
        };
        ports.move = [this](const stanza::Jid& room, const std::string& id, int count,
                            const std::function<void(int)>& done) {
            moves.push_back(Move{room.to_string(), id, count});
            const auto refused = refuse.find(room.to_string());
            done(refused == refuse.end() ? count : refused->second);
        };
        ports.count_moved = [this](const std::string& id, int moved) { counted[id] += moved; };
        ports.now = [this] { return now; };
        redistributor = LoadRedistributor::create(io.get_executor(), config, std::move(ports));
    }

    void round() {
        redistributor->run_round();
        io.restart();
        io.run();
    }

    nlohmann::ordered_json debug() {
        std::optional<nlohmann::ordered_json> result;
        redistributor->async_debug([&](nlohmann::ordered_json json) { result = std::move(json); });
        io.restart();
        // Only until the answer: a running timer would keep run() going.
        while (!result && io.run_one() > 0) {
        }
        return result.value_or(nlohmann::ordered_json());
    }

    boost::asio::io_context io;
    config::LoadRedistributionConfig config;
    std::shared_ptr<LoadRedistributor> redistributor;
    LoadRedistributor::Clock::time_point now{};

    std::vector<bridge::BridgeDebugState> bridges;
    std::map<std::string, std::vector<ConferenceLoad>> loads;  // by bridge id
    std::map<std::string, int> refuse;                         // room -> how many it really moves
    int bridge_queries = 0;
    std::vector<std::string> load_queries;
    std::vector<Move> moves;
    std::map<std::string, int> counted;
};

TEST(BridgesToDrain, OperationalBridgesAtOrAboveTheThresholdAndNotInTheirTimeout) {
    const std::vector<bridge::BridgeDebugState> bridges{
        bridge_state("hot", 0.95), bridge_state("at", 0.9),           bridge_state("warm", 0.85),
        bridge_state("idle", 0.1), bridge_state("down", 0.99, false), bridge_state("resting", 0.97),
    };
    const std::map<std::string, std::chrono::steady_clock::time_point> timeouts{{bridge_id("resting"), {}}};
    const auto targets = bridges_to_drain(bridges, timeouts, 0.9);
    EXPECT_FALSE(targets.no_target);
    std::vector<std::string> nicks;
    for (const auto* b : targets.bridges) {
        nicks.push_back(b->nick);
    }
    EXPECT_EQ(nicks, (std::vector<std::string>{"hot", "at"}));
}

TEST(BridgesToDrain, NoneWhenEveryOperationalBridgeIsOverloaded) {
    // The idle bridge is down: it cannot take anyone.
    const std::vector<bridge::BridgeDebugState> bridges{bridge_state("hot", 0.95), bridge_state("warm", 0.85),
                                                        bridge_state("idle", 0.0, false)};
    const auto targets = bridges_to_drain(bridges, {}, 0.9);
    EXPECT_TRUE(targets.no_target);
    EXPECT_TRUE(targets.bridges.empty());
}

TEST_F(LoadRedistributorTest, MovesUpToTheConfiguredNumberFromTheLargestConferencesOfAnOverloadedBridge) {
    config.endpoints = 10;
    make();
    bridges = {bridge_state("jvb1", 0.95), bridge_state("jvb2", 0.2)};
    // In any order from the port; the redistributor takes the largest first.
    loads[bridge_id("jvb1")] = {ConferenceLoad{jid("small@conference.meet.test"), 2},
                                ConferenceLoad{jid("big@conference.meet.test"), 8},
                                ConferenceLoad{jid("medium@conference.meet.test"), 5}};
    round();

    EXPECT_EQ(load_queries, std::vector<std::string>{bridge_id("jvb1")}) << "only the overloaded bridge";
    EXPECT_EQ(moves, (std::vector<Move>{{"big@conference.meet.test", bridge_id("jvb1"), 8},
                                        {"medium@conference.meet.test", bridge_id("jvb1"), 2}}));
    EXPECT_EQ(counted, (std::map<std::string, int>{{bridge_id("jvb1"), 10}}));
    const auto state = debug();
    EXPECT_EQ(state["enabled"], true);
    EXPECT_EQ(state["rounds"], 1);
    EXPECT_EQ(state["endpoints_moved"], 10);
    EXPECT_DOUBLE_EQ(state["seconds_left_in_timeout"][bridge_id("jvb1")].get<double>(), 180.0) << state.dump();
}

TEST_F(LoadRedistributorTest, CountsWhatTheConferencesReallyMoved) {
    make();
    bridges = {bridge_state("jvb1", 0.95), bridge_state("jvb2", 0.2)};
    loads[bridge_id("jvb1")] = {ConferenceLoad{jid("gone@conference.meet.test"), 6},
                                ConferenceLoad{jid("room@conference.meet.test"), 3}};
    refuse["gone@conference.meet.test"] = 0;  // it ended since the snapshot
    round();
    EXPECT_EQ(moves.size(), 2U);
    EXPECT_EQ(counted, (std::map<std::string, int>{{bridge_id("jvb1"), 3}}));
    EXPECT_EQ(debug()["endpoints_moved"], 3);
}

TEST_F(LoadRedistributorTest, ABridgeSitsOutItsTimeoutAfterAMove) {
    config.timeout = 3min;
    make();
    bridges = {bridge_state("jvb1", 0.95), bridge_state("jvb2", 0.2)};
    loads[bridge_id("jvb1")] = {ConferenceLoad{jid("room@conference.meet.test"), 30}};
    round();
    ASSERT_EQ(moves.size(), 1U);

    // Still overloaded a minute and two minutes later: left alone.
    now += 1min;
    round();
    now += 1min;
    round();
    EXPECT_EQ(moves.size(), 1U);
    EXPECT_EQ(bridge_queries, 3);
    const auto state = debug();
    EXPECT_DOUBLE_EQ(state["seconds_left_in_timeout"][bridge_id("jvb1")].get<double>(), 60.0) << state.dump();

    // The timeout is over: drained again.
    now += 1min;
    round();
    EXPECT_EQ(moves.size(), 2U);
    EXPECT_EQ(counted[bridge_id("jvb1")], 20);
}

TEST_F(LoadRedistributorTest, NothingMovesWhenNoBridgeCouldTakeTheEndpoints) {
    make();
    bridges = {bridge_state("jvb1", 0.95), bridge_state("jvb2", 0.85), bridge_state("jvb3", 0.0, false)};
    loads[bridge_id("jvb1")] = {ConferenceLoad{jid("room@conference.meet.test"), 30}};
    round();
    EXPECT_TRUE(load_queries.empty());
    EXPECT_TRUE(moves.empty());
    EXPECT_TRUE(counted.empty());
    EXPECT_TRUE(debug()["seconds_left_in_timeout"].empty()) << "no timeout without a move";

    // jvb3 is back: jvb1 is relieved at the next round.
    bridges[2].operational = true;
    round();
    EXPECT_EQ(moves.size(), 1U);
}

TEST_F(LoadRedistributorTest, TwoOverloadedBridgesAreEachRelieved) {
    config.endpoints = 4;
    make();
    bridges = {bridge_state("jvb1", 0.95), bridge_state("jvb2", 0.91), bridge_state("jvb3", 0.3)};
    loads[bridge_id("jvb1")] = {ConferenceLoad{jid("a@conference.meet.test"), 3},
                                ConferenceLoad{jid("b@conference.meet.test"), 3}};
    loads[bridge_id("jvb2")] = {ConferenceLoad{jid("c@conference.meet.test"), 2}};
    round();
    EXPECT_EQ(moves, (std::vector<Move>{{"a@conference.meet.test", bridge_id("jvb1"), 3},
                                        {"b@conference.meet.test", bridge_id("jvb1"), 1},
                                        {"c@conference.meet.test", bridge_id("jvb2"), 2}}));
    EXPECT_EQ(counted, (std::map<std::string, int>{{bridge_id("jvb1"), 4}, {bridge_id("jvb2"), 2}}));
}

TEST_F(LoadRedistributorTest, AnEmptyBridgeIsStillPutInTheTimeoutAndNothingIsCounted) {
    make();
    bridges = {bridge_state("jvb1", 0.95), bridge_state("jvb2", 0.2)};  // stressed by another focus's conferences
    round();
    EXPECT_TRUE(moves.empty());
    EXPECT_TRUE(counted.empty());
    EXPECT_TRUE(debug()["seconds_left_in_timeout"].contains(bridge_id("jvb1")));
}

TEST_F(LoadRedistributorTest, TheTimerRunsRoundsEveryIntervalOnlyWhenEnabled) {
    config.interval = 20ms;
    config.enabled = false;
    make();
    bridges = {bridge_state("jvb1", 0.1)};
    redistributor->start();
    io.run_for(150ms);
    EXPECT_EQ(bridge_queries, 0) << "disabled: no round";
    EXPECT_EQ(debug()["enabled"], false);

    config.enabled = true;
    make();
    redistributor->start();
    io.restart();
    io.run_for(150ms);
    EXPECT_GE(bridge_queries, 3);
    EXPECT_EQ(debug()["enabled"], true);

    redistributor->stop();
    io.restart();
    io.run_for(10ms);
    const int after_stop = bridge_queries;
    io.restart();
    io.run_for(100ms);
    EXPECT_EQ(bridge_queries, after_stop) << "stopped: no more rounds";
    EXPECT_EQ(debug()["enabled"], false);
}

}  // namespace
}  // namespace jicofo::app
