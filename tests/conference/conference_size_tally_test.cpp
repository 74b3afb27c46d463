// The room map's size aggregates, kept per change, against a recount from scratch: the tally alone under random
// creations, joins, leaves and ends, and the room map's gauges and snapshot under the same through fake conferences
// (with the health check's test conferences, which are never counted, coming and going among them).
#include "focus_manager_fixture.hpp"

#include "jicofo/conference/conference_size_tally.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <random>
#include <thread>
#include <vector>

namespace jicofo::conference::testing {
namespace {

struct Recount {
    std::size_t conferences = 0;
    std::size_t participants = 0;
    std::size_t largest = 0;
    std::size_t endpoint_pairs = 0;
};

Recount recount(const std::vector<std::size_t>& sizes) {
    Recount r;
    for (const auto size : sizes) {
        ++r.conferences;
        r.participants += size;
        r.largest = std::max(r.largest, size);
        r.endpoint_pairs += endpoint_pairs_of(size);
    }
    return r;
}

}  // namespace

TEST(ConferenceSizeTally, EmptyAndEmptyConferences) {
    ConferenceSizeTally tally;
    EXPECT_EQ(tally.conferences(), 0U);
    EXPECT_EQ(tally.largest(), 0U);
    EXPECT_EQ(tally.endpoint_pairs(), 0U);
    tally.add(0);
    tally.add(0);
    EXPECT_EQ(tally.endpoint_pairs(), 2U) << "a conference with nobody counts as one";
    EXPECT_EQ(tally.largest(), 0U);
    tally.resize(0, 3);
    EXPECT_EQ(tally.endpoint_pairs(), 9U + 1U);
    EXPECT_EQ(tally.largest(), 3U);
    tally.remove(3);
    EXPECT_EQ(tally.largest(), 0U);
    EXPECT_EQ(tally.participants(), 0U);
    EXPECT_EQ(tally.conferences(), 1U);
}

TEST(ConferenceSizeTally, RandomChangesMatchARecount) {
    ConferenceSizeTally tally;
    std::vector<std::size_t> sizes;
    std::mt19937 random(42);
    for (int step = 0; step < 20000; ++step) {
        const auto action = random() % 10;
        if (sizes.empty() || action == 0) {
            const std::size_t size = random() % 3;  // created empty, or (a test) already with someone
            sizes.push_back(size);
            tally.add(size);
        } else if (action == 1) {
            const auto i = random() % sizes.size();
            tally.remove(sizes[i]);
            sizes.erase(sizes.begin() + static_cast<std::ptrdiff_t>(i));
        } else {
            auto& size = sizes[random() % sizes.size()];
            // Mostly one at a time, sometimes a jump (several changes folded into one notification).
            const std::size_t after = action < 6   ? size + 1
                                      : action < 9 ? (size > 0 ? size - 1 : std::size_t{0})
                                                   : random() % 600;
            tally.resize(size, after);
            size = after;
        }
        const auto expected = recount(sizes);
        ASSERT_EQ(tally.conferences(), expected.conferences) << "step " << step;
        ASSERT_EQ(tally.participants(), expected.participants) << "step " << step;
        ASSERT_EQ(tally.largest(), expected.largest) << "step " << step;
        ASSERT_EQ(tally.endpoint_pairs(), expected.endpoint_pairs) << "step " << step;
    }
}

// The room map under random joins, leaves and ends: the gauges and the snapshot's sums are what a recount over the
// conferences in statistics gives.
TEST_F(FocusManagerTest, SizeGaugesMatchARecountUnderRandomChanges) {
    auto manager = make_manager(true);
    auto gauge = [&](const std::string& name) { return static_cast<std::size_t>(metrics_.gauge(name).Value()); };
    auto conference_of = [&](const stanza::Jid& room) {
        std::lock_guard lock(mutex_);
        for (auto it = created_.rbegin(); it != created_.rend(); ++it) {
            if ((*it)->room() == room) {
                return *it;
            }
        }
        return std::shared_ptr<FakeConference>();
    };
    std::map<stanza::Jid, std::size_t> live;  // the model: room → participants
    std::mt19937 random(7);
    auto tests_done = std::make_shared<std::atomic<int>>(0);  // outlives the test if a callback comes late
    int tests_started = 0;
    for (int step = 1; step <= 600; ++step) {
        const auto room = jid("room" + std::to_string(random() % 12) + "@conference.meet.test");
        const auto action = random() % 10;
        if (!live.contains(room)) {
            ASSERT_TRUE(ask(*manager, request_for(room.to_string())));
            live[room] = 0;
        } else if (action == 0) {
            conference_of(room)->end();
            live.erase(room);
        } else if (action == 1) {
            manager->test_conference("health", "conference.meet.test",
                                     [tests_done](const stanza::Jid&, std::error_code) { ++*tests_done; });
            ++tests_started;
        } else {
            auto& size = live[room];
            const bool join = action < 7 || size == 0;
            size = join ? size + 1 : size - 1;
            conference_of(room)->resize(size, join);
        }
        if (step % 20 != 0) {
            continue;
        }
        const auto s = snapshot(*manager);  // after everything posted so far
        std::vector<std::size_t> sizes;
        for (const auto& [r, size] : live) {
            sizes.push_back(size);
        }
        const auto expected = recount(sizes);
        ASSERT_EQ(gauge("conferences"), expected.conferences) << "step " << step;
        ASSERT_EQ(gauge("participants_current"), expected.participants) << "step " << step;
        ASSERT_EQ(gauge("largest_conference"), expected.largest) << "step " << step;
        ASSERT_EQ(gauge("participants_pairs"), expected.endpoint_pairs) << "step " << step;
        ASSERT_EQ(s.participants_current, expected.participants) << "step " << step;
        ASSERT_EQ(s.largest_conference, expected.largest) << "step " << step;
        const auto counted =
            std::count_if(s.conferences.begin(), s.conferences.end(), [](const auto& c) { return c.in_statistics; });
        ASSERT_EQ(static_cast<std::size_t>(counted), expected.conferences) << "step " << step;
    }
    EXPECT_GT(tests_started, 0);
    // Each test conference joined and ended in between (its join is answered a few strand turns after creation).
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (tests_done->load() < tests_started && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(1ms);
    }
    EXPECT_EQ(tests_done->load(), tests_started);
}

}  // namespace jicofo::conference::testing
