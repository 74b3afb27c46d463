// The entity-capabilities cache: hits, misses, lookups waiting on a version's first answer, what never gets in (an
// answer that did not verify, an unknown algorithm, too large a set), LRU eviction and every cap. The disco#info flow
// itself runs against Prosody in tests/integration/caps_cache_test.cpp; here only its failure path (no answer).
#include "jicofo/xmpp/caps_cache.hpp"
#include "xmpp/io_thread.hpp"

#include <gtest/gtest.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <future>
#include <thread>

using namespace std::chrono_literals;

namespace jicofo::xmpp {
namespace {

const std::vector<std::string> kFeatures{"urn:xmpp:jingle:1", "urn:xmpp:jingle:apps:rtp:audio"};

CapsKey key(const std::string& ver) {
    return CapsKey{"sha-1", ver};
}

// Records the waiters' outcomes: "features" or "ask".
struct Outcomes {
    std::vector<std::string> seen;
    CapsTable::Waiter waiter() {
        return [this](const CapsFeatures& features) { seen.emplace_back(features ? "features" : "ask"); };
    }
};

TEST(CapsTable, AVersionIsAMissUntilAVerifiedAnswerIsStoredThenAHit) {
    CapsTable table;
    Outcomes outcomes;
    const auto first = table.lookup(key("v1"), outcomes.waiter());
    EXPECT_FALSE(first.features);
    EXPECT_FALSE(first.waiting);
    EXPECT_NE(first.ticket, 0U) << "the first lookup asks, and others wait on it";
    EXPECT_TRUE(table.store(key("v1"), kFeatures));

    const auto second = table.lookup(key("v1"), outcomes.waiter());
    ASSERT_TRUE(second.features);
    EXPECT_EQ(*second.features, kFeatures);
    EXPECT_FALSE(table.lookup(CapsKey{"sha-256", "v1"}, outcomes.waiter()).features) << "the algorithm is in the key";
    const auto stats = table.stats();
    EXPECT_EQ(stats.hits, 1U);
    EXPECT_EQ(stats.misses, 2U);
    EXPECT_EQ(stats.stored, 1U);
    EXPECT_EQ(stats.entries, 1U);
    EXPECT_EQ(stats.capacity, 1000U);
    EXPECT_TRUE(outcomes.seen.empty());
}

TEST(CapsTable, LookupsOfAVersionBeingAskedForWaitForItsVerifiedAnswer) {
    CapsTable table;
    Outcomes outcomes;
    const auto first = table.lookup(key("v1"), outcomes.waiter());
    ASSERT_NE(first.ticket, 0U);
    EXPECT_TRUE(table.lookup(key("v1"), outcomes.waiter()).waiting);
    EXPECT_TRUE(table.lookup(key("v1"), outcomes.waiter()).waiting);
    EXPECT_EQ(table.stats().pending, 1U);

    table.store(key("v1"), kFeatures);
    EXPECT_EQ(outcomes.seen, (std::vector<std::string>{"features", "features"}));
    table.release(key("v1"), first.ticket);  // the asker's release after its store: nothing left to do
    const auto stats = table.stats();
    EXPECT_EQ(stats.waited, 2U);
    EXPECT_EQ(stats.pending, 0U);
}

TEST(CapsTable, AnAnswerThatDidNotVerifyIsNotKeptAndTheWaitersAskForThemselves) {
    CapsTable table;
    Outcomes outcomes;
    const auto liar = table.lookup(key("v1"), outcomes.waiter());
    EXPECT_TRUE(table.lookup(key("v1"), outcomes.waiter()).waiting);
    table.count_verification_failure();
    table.release(key("v1"), liar.ticket);
    EXPECT_EQ(outcomes.seen, (std::vector<std::string>{"ask"}));
    EXPECT_FALSE(table.contains(key("v1")));

    // The next one asks again (with a new ticket), and its verified answer is kept.
    const auto honest = table.lookup(key("v1"), outcomes.waiter());
    EXPECT_NE(honest.ticket, 0U);
    EXPECT_NE(honest.ticket, liar.ticket);
    table.release(key("v1"), liar.ticket);  // stale: must not release the honest one's waiters
    EXPECT_TRUE(table.lookup(key("v1"), outcomes.waiter()).waiting);
    table.store(key("v1"), kFeatures);
    EXPECT_EQ(outcomes.seen, (std::vector<std::string>{"ask", "features"}));
    EXPECT_TRUE(table.contains(key("v1")));
    EXPECT_EQ(table.stats().verification_failures, 1U);
}

TEST(CapsTable, TheLeastRecentlyUsedVersionIsEvictedAtTheCap) {
    CapsCacheLimits limits;
    limits.max_entries = 2;
    CapsTable table(limits);
    Outcomes outcomes;
    table.store(key("v1"), kFeatures);
    table.store(key("v2"), kFeatures);
    EXPECT_TRUE(table.lookup(key("v1"), outcomes.waiter()).features);  // v2 is now the least recently used
    table.store(key("v3"), kFeatures);
    EXPECT_TRUE(table.contains(key("v1")));
    EXPECT_FALSE(table.contains(key("v2")));
    EXPECT_TRUE(table.contains(key("v3")));
    const auto stats = table.stats();
    EXPECT_EQ(stats.entries, 2U);
    EXPECT_EQ(stats.evictions, 1U);
}

TEST(CapsTable, TooLargeAVerifiedAnswerServesItsWaitersButIsNotKept) {
    CapsCacheLimits limits;
    limits.max_entry_bytes = 1024;
    CapsTable table(limits);
    Outcomes outcomes;
    table.lookup(key("huge"), outcomes.waiter());
    EXPECT_TRUE(table.lookup(key("huge"), outcomes.waiter()).waiting);
    EXPECT_FALSE(table.store(key("huge"), std::vector<std::string>(100, std::string(64, 'f'))));
    EXPECT_EQ(outcomes.seen, (std::vector<std::string>{"features"}));
    EXPECT_FALSE(table.contains(key("huge")));
    EXPECT_EQ(table.stats().too_large, 1U);
    EXPECT_EQ(table.stats().entries, 0U);
}

TEST(CapsTable, PendingVersionsAndWaitersAreCapped) {
    CapsCacheLimits limits;
    limits.max_pending = 1;
    limits.max_waiters = 1;
    CapsTable table(limits);
    Outcomes outcomes;
    EXPECT_NE(table.lookup(key("v1"), outcomes.waiter()).ticket, 0U);
    EXPECT_TRUE(table.lookup(key("v1"), outcomes.waiter()).waiting);
    const auto over_waiters = table.lookup(key("v1"), outcomes.waiter());
    EXPECT_FALSE(over_waiters.waiting);
    EXPECT_EQ(over_waiters.ticket, 0U) << "past max-waiters a lookup asks for itself, without a ticket";
    const auto over_pending = table.lookup(key("v2"), outcomes.waiter());
    EXPECT_FALSE(over_pending.waiting);
    EXPECT_EQ(over_pending.ticket, 0U);
    EXPECT_EQ(table.stats().pending, 1U);
    // An answer brought by a lookup without a ticket is still kept.
    EXPECT_TRUE(table.store(key("v2"), kFeatures));
    EXPECT_TRUE(table.contains(key("v2")));
}

TEST(CapsKeyOf, OnlyCapsWithAnAcceptedHashAndASaneVerAreLookedUp) {
    const CapsCacheLimits limits;
    auto caps = [](std::string hash, std::string ver) {
        return core::SharedOptional<stanza::EntityCaps>(
            stanza::EntityCaps{std::move(hash), "https://jitsi.org/jitsi-meet", std::move(ver)});
    };
    const auto found = caps_key(caps("sha-1", "QgayPKawpkPSDYmwT/WM94uAlu0="), limits);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->hash, "sha-1");
    EXPECT_EQ(found->ver, "QgayPKawpkPSDYmwT/WM94uAlu0=");
    EXPECT_FALSE(caps_key(std::nullopt, limits));
    EXPECT_FALSE(caps_key(caps("md5", "x"), limits));
    EXPECT_FALSE(caps_key(caps("sha-1", ""), limits));
    EXPECT_FALSE(caps_key(caps("sha-1", std::string(129, 'a')), limits));
}

using jicofo::xmpp::testing::IoThread;

std::shared_ptr<XmppConnection> stopped_connection() {
    XmppConnectionSettings settings;
    settings.name = "client";
    settings.host = "127.0.0.1";
    settings.port = 1;
    settings.domain = "meet.test";
    auto connection = std::make_shared<XmppConnection>(settings);
    connection->start();
    connection->stop();  // requests fail at once (shutting down)
    return connection;
}

TEST(CapsCache, ALookupWaitingOnAnAnswerThatNeverCameAsksForItselfAndNothingIsKept) {
    IoThread io;
    auto cache = CapsCache::create(io.io.get_executor());
    auto connection = stopped_connection();
    const core::SharedOptional<stanza::EntityCaps> caps(
        stanza::EntityCaps{"sha-1", "https://jitsi.org/jitsi-meet", "QgayPKawpkPSDYmwT/WM94uAlu0="});
    std::promise<std::vector<std::string>> alice;
    std::promise<std::vector<std::string>> bob;
    std::promise<std::vector<std::string>> carol;
    const auto occupant = stanza::Jid::parse("room@conference.meet.test/alice").value();
    cache->async_features(
        connection, occupant, caps, io.io.get_executor(), [&](auto f) { alice.set_value(std::move(f)); }, 1s);
    cache->async_features(
        connection, occupant, caps, io.io.get_executor(), [&](auto f) { bob.set_value(std::move(f)); }, 1s);
    cache->async_features(
        connection, occupant, std::nullopt, io.io.get_executor(), [&](auto f) { carol.set_value(std::move(f)); }, 1s);
    for (auto* promise : {&alice, &bob, &carol}) {
        auto future = promise->get_future();
        ASSERT_EQ(future.wait_for(5s), std::future_status::ready);
        EXPECT_TRUE(future.get().empty());
    }
    // The ticket is released when the asker's completion is destroyed, just after it ran: poll for it.
    auto stats_now = [&cache] {
        std::promise<CapsCacheStats> stats;
        cache->async_stats([&](CapsCacheStats s) { stats.set_value(s); });
        auto future = stats.get_future();
        EXPECT_EQ(future.wait_for(5s), std::future_status::ready);
        return future.get();
    };
    auto counted = stats_now();
    for (int i = 0; i < 200 && counted.pending != 0; ++i) {
        std::this_thread::sleep_for(10ms);
        counted = stats_now();
    }
    EXPECT_EQ(counted.misses, 2U);
    EXPECT_EQ(counted.uncacheable, 1U);
    EXPECT_EQ(counted.entries, 0U);
    EXPECT_EQ(counted.waited, 0U);
    EXPECT_EQ(counted.pending, 0U) << "the failed asker's ticket was released";
}

}  // namespace
}  // namespace jicofo::xmpp
