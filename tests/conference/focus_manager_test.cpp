// The room map with fake conferences: one conference per room under concurrent requests, waiters share the join,
// every request is answered (ready, ready=false at the deadline, errors), ended conferences are forgotten.
#include "conference/focus_manager_fixture.hpp"

#include <atomic>
#include <thread>
#include <vector>

namespace jicofo::conference {
namespace {

using namespace std::chrono_literals;
using testing::FocusManagerTest;
using testing::jid;

TEST_F(FocusManagerTest, FirstRequestCreatesTheConferenceAndAnswersReadyWithTheFocusJid) {
    auto manager = make_manager(true);
    auto result = ask(*manager, request_for("room1@conference.meet.test"));
    ASSERT_TRUE(result);
    EXPECT_TRUE(result->ready);
    EXPECT_EQ(result->room, jid("room1@conference.meet.test"));
    EXPECT_EQ(result->focus_jid, jid("focus@auth.meet.test"));
    ASSERT_EQ(result->properties.size(), 2U);
    EXPECT_EQ(result->properties[0].name, "authentication");
    EXPECT_EQ(result->properties[0].value, "false");
    EXPECT_EQ(result->properties[1].name, "visitors-supported");
    // A second request for the same room reuses it.
    EXPECT_TRUE(ask(*manager, request_for("room1@conference.meet.test")));
    EXPECT_EQ(created_count(), 1U);
    EXPECT_EQ(snapshot(*manager).conferences.size(), 1U);
}

TEST_F(FocusManagerTest, ConcurrentRequestsFromManyThreadsCreateOneConferencePerRoom) {
    auto manager = make_manager(true);
    std::atomic<int> ready{0};
    std::atomic<int> answered{0};
    std::vector<std::thread> clients;
    for (int t = 0; t < 3; ++t) {
        clients.emplace_back([&, t] {
            for (int i = 0; i < 100; ++i) {
                manager->conference_request(request_for("room" + std::to_string((i + t * 7) % 100) + "@c.meet.test"),
                                            [&](ConferenceRequestResult r) {
                                                ready += (r && r->ready) ? 1 : 0;
                                                ++answered;
                                            });
            }
        });
    }
    for (auto& c : clients) {
        c.join();
    }
    const auto until = std::chrono::steady_clock::now() + 5s;
    while (answered < 300 && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(5ms);
    }
    EXPECT_EQ(answered, 300);
    EXPECT_EQ(ready, 300);
    EXPECT_EQ(created_count(), 100U);
    auto s = snapshot(*manager);
    EXPECT_EQ(s.conferences.size(), 100U);
    EXPECT_EQ(s.conferences_created, 100U);
    EXPECT_EQ(s.requests_total, 300U);
}

TEST_F(FocusManagerTest, RequestsDuringTheJoinWaitForTheSameJoin) {
    auto manager = make_manager(false);
    std::atomic<int> answered{0};
    for (int i = 0; i < 5; ++i) {
        manager->conference_request(request_for("room@c.meet.test"), [&](ConferenceRequestResult r) {
            EXPECT_TRUE(r && r->ready);
            ++answered;
        });
    }
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(answered, 0);
    ASSERT_EQ(created_count(), 1U);
    created(0)->complete_join();
    const auto until = std::chrono::steady_clock::now() + 5s;
    while (answered < 5 && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(5ms);
    }
    EXPECT_EQ(answered, 5);
    EXPECT_EQ(created(0)->starts, 1);
}

TEST_F(FocusManagerTest, AJoinThatDoesNotFinishInTimeIsAnsweredReadyFalse) {
    ConferenceSettings settings;
    settings.join_timeout = 100ms;
    auto manager = make_manager(false, settings);
    auto result = ask(*manager, request_for("slow@c.meet.test"));
    ASSERT_TRUE(result);
    EXPECT_FALSE(result->ready);
    // The join goes on; once done, the next request is ready at once.
    created(0)->complete_join();
    std::this_thread::sleep_for(20ms);
    auto again = ask(*manager, request_for("slow@c.meet.test"));
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->ready);
    EXPECT_EQ(created_count(), 1U);
}

TEST_F(FocusManagerTest, AFailedJoinAnswersReadyFalseAndForgetsTheRoom) {
    auto manager = make_manager(false);
    auto promise = std::make_shared<std::promise<ConferenceRequestResult>>();
    manager->conference_request(request_for("r@c.meet.test"),
                                [promise](ConferenceRequestResult r) { promise->set_value(r); });
    const auto until = std::chrono::steady_clock::now() + 5s;
    while ((created_count() == 0 || !created(0)->join_pending()) && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(1ms);
    }
    created(0)->complete_join(std::make_error_code(std::errc::timed_out));
    auto future = promise->get_future();
    ASSERT_EQ(future.wait_for(5s), std::future_status::ready);
    auto result = future.get();
    ASSERT_TRUE(result);
    EXPECT_FALSE(result->ready);
    EXPECT_TRUE(snapshot(*manager).conferences.empty());
}

TEST_F(FocusManagerTest, MissingOrInvalidRoomIsABadRequestAndCreatesNothing) {
    auto manager = make_manager(true);
    auto missing = ask(*manager, ConferenceRequest{});
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, RequestErrc::bad_request);
    ConferenceRequest domain_only;
    domain_only.room = jid("conference.meet.test");
    auto invalid = ask(*manager, domain_only);
    ASSERT_FALSE(invalid);
    EXPECT_EQ(invalid.error().code, RequestErrc::bad_request);
    EXPECT_EQ(created_count(), 0U);
}

TEST_F(FocusManagerTest, AnEndedConferenceIsForgottenAndSizesAreCounted) {
    auto manager = make_manager(true);
    ASSERT_TRUE(ask(*manager, request_for("a@c.meet.test")));
    ASSERT_TRUE(ask(*manager, request_for("b@c.meet.test")));
    created(0)->resize(1, true);
    created(0)->resize(2, true);
    created(1)->resize(1, true);
    auto s = snapshot(*manager);
    EXPECT_EQ(s.participants_current, 3U);
    EXPECT_EQ(s.largest_conference, 2U);
    EXPECT_EQ(s.participants_total, 3U);
    created(0)->end();
    s = snapshot(*manager);
    ASSERT_EQ(s.conferences.size(), 1U);
    EXPECT_EQ(s.conferences[0].room, jid("b@c.meet.test"));
    EXPECT_EQ(s.largest_conference, 1U);
    // A new request for the ended room creates a fresh conference.
    ASSERT_TRUE(ask(*manager, request_for("a@c.meet.test")));
    EXPECT_EQ(created_count(), 3U);
}

// participants_pairs is Jicofo's sum of size² (an empty conference counting 1); conferences_seconds adds the
// duration of each ended conference; endpoint_seconds adds participants × time.
TEST_F(FocusManagerTest, PairsAndSecondsFollowTheConferences) {
    auto manager = make_manager(true);
    auto gauge = [&](const std::string& name) { return metrics_.gauge(name).Value(); };
    ASSERT_TRUE(ask(*manager, request_for("a@c.meet.test")));
    ASSERT_TRUE(ask(*manager, request_for("b@c.meet.test")));
    (void)snapshot(*manager);  // the manager's strand has run everything posted so far
    EXPECT_EQ(gauge("participants_pairs"), 2) << "two conferences with nobody yet";
    created(0)->resize(1, true);
    created(0)->resize(3, true);
    created(1)->resize(2, true);
    (void)snapshot(*manager);
    EXPECT_EQ(gauge("participants_pairs"), 9 + 4);
    EXPECT_EQ(gauge("conferences_seconds"), 0) << "nothing ended yet";

    std::this_thread::sleep_for(100ms);
    created(0)->end();
    (void)snapshot(*manager);
    EXPECT_EQ(gauge("participants_pairs"), 4);
    EXPECT_GE(gauge("conferences_seconds"), 0.1);
    EXPECT_LT(gauge("conferences_seconds"), 10);
    // Three participants for at least 0.1 s in the ended conference; b's two are counted up to its last change.
    EXPECT_GE(gauge("endpoint_seconds"), 0.3);
    EXPECT_LT(gauge("endpoint_seconds"), 3 * 10 + 2 * 10);
    EXPECT_EQ(gauge("visitors_current"), 0);
    EXPECT_EQ(gauge("conferences_with_visitors"), 0);
}

TEST_F(FocusManagerTest, TheCreatingRequestDecidesWhetherRtcstatsIsEnabled) {
    auto manager = make_manager(true);
    auto off = request_for("off@c.meet.test");
    off.properties = {{"rtcstatsEnabled", "false"}};
    ASSERT_TRUE(ask(*manager, off));
    ASSERT_TRUE(ask(*manager, request_for("on@c.meet.test")));
    // A later request does not change the conference's setting (Jicofo reads the creating request's properties).
    auto later = request_for("on@c.meet.test");
    later.properties = {{"rtcstatsEnabled", "false"}};
    ASSERT_TRUE(ask(*manager, later));

    const auto s = snapshot(*manager);
    ASSERT_EQ(s.conferences.size(), 2U);
    EXPECT_EQ(s.conferences[0].room, jid("off@c.meet.test"));
    EXPECT_FALSE(s.conferences[0].rtcstats_enabled);
    EXPECT_EQ(s.conferences[1].room, jid("on@c.meet.test"));
    EXPECT_TRUE(s.conferences[1].rtcstats_enabled);
}

TEST_F(FocusManagerTest, StoppedManagerAnswersUnavailable) {
    auto manager = make_manager(true);
    manager->stop();
    auto result = ask(*manager, request_for("r@c.meet.test"));
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, RequestErrc::unavailable);
}

TEST_F(FocusManagerTest, WhileNewRoomsAreRefusedExistingConferencesStillTakeRequests) {
    auto manager = make_manager(true);
    ASSERT_TRUE(ask(*manager, request_for("old@c.meet.test")));
    manager->refuse_new_rooms("maintenance");
    auto refused = ask(*manager, request_for("new@c.meet.test"));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, RequestErrc::unavailable);
    EXPECT_EQ(refused.error().text, "draining: maintenance");
    EXPECT_EQ(created_count(), 1U) << "nothing is created for a refused room";
    auto existing = ask(*manager, request_for("old@c.meet.test"));
    ASSERT_TRUE(existing);
    EXPECT_TRUE(existing->ready);

    std::promise<std::size_t> counted;
    manager->async_conference_count([&counted](std::size_t n) { counted.set_value(n); });
    EXPECT_EQ(counted.get_future().get(), 1U);

    manager->refuse_new_rooms(std::nullopt);
    EXPECT_TRUE(ask(*manager, request_for("new@c.meet.test")));
    EXPECT_EQ(created_count(), 2U);
}

TEST_F(FocusManagerTest, AReconfiguredCapAndFactoryApplyToTheNextRequests) {
    auto manager = make_manager(true);
    ASSERT_TRUE(ask(*manager, request_for("a@c.meet.test")));
    ConferenceSettings tighter;
    tighter.max_conferences = 1;
    std::atomic<int> made_by_new_factory{0};
    const auto new_factory = [this, &made_by_new_factory](const stanza::Jid& room, ConferenceCallbacks callbacks) {
        ++made_by_new_factory;
        auto conference = std::make_shared<testing::FakeConference>(room, std::move(callbacks), true);
        std::lock_guard lock(mutex_);
        created_.push_back(conference);
        return conference;
    };
    manager->reconfigure(tighter, new_factory);
    auto over = ask(*manager, request_for("b@c.meet.test"));
    ASSERT_FALSE(over);
    EXPECT_EQ(over.error().code, RequestErrc::resource_constraint);
    EXPECT_TRUE(ask(*manager, request_for("a@c.meet.test"))) << "the running conference is untouched";

    ConferenceSettings looser;
    looser.max_conferences = 10;
    manager->reconfigure(looser, new_factory);
    EXPECT_TRUE(ask(*manager, request_for("b@c.meet.test")));
    EXPECT_EQ(made_by_new_factory.load(), 1);
}

}  // namespace
}  // namespace jicofo::conference
