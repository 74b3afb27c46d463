// Breakout rooms: a breakout conference holds its main conference open while it runs, and a main conference whose
// last member left for a breakout room waits initial-timeout for the breakout conference to start.
#include "feature/fake_registrar.hpp"
#include "jicofo/breakout/breakout_feature.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace jicofo::breakout {
namespace {

using namespace std::chrono_literals;

class BreakoutTest : public ::testing::Test {
protected:
    void SetUp() override {
        registrar.config_.conference.initial_timeout = 7s;
        install(registrar);
        ASSERT_NE(registrar.instance_for(main), nullptr);
        breakout.room_info_.is_breakout = true;
        breakout.room_info_.main_room = feature::testing::parse_jid("main@conference.meet.test");
        ASSERT_NE(registrar.instance_for(breakout), nullptr);
    }

    const std::string kHold = "breakout room breakout1@breakout.meet.test";
    feature::testing::FakeRegistrar registrar;
    feature::testing::FakeConferenceView main{"main@conference.meet.test"};
    feature::testing::FakeConferenceView breakout{"breakout1@breakout.meet.test"};
};

TEST_F(BreakoutTest, ABreakoutConferenceHoldsItsMainConferenceWhileItRuns) {
    breakout.joined_conference();
    ASSERT_EQ(main.holds.count(kHold), 1U) << "held when the breakout conference joins";
    EXPECT_EQ(main.holds[kHold], std::nullopt) << "for as long as the breakout conference runs";
    EXPECT_TRUE(breakout.holds.empty());

    breakout.join(breakout.make_member("alice"));
    breakout.leave("alice");
    EXPECT_EQ(main.holds.count(kHold), 1U);

    breakout.ending();
    EXPECT_EQ(main.holds.count(kHold), 0U);
    EXPECT_EQ(main.released, std::vector<std::string>{kHold});
}

TEST_F(BreakoutTest, AMainConferenceHoldsNothingElsewhere) {
    main.joined_conference();
    main.ending();
    EXPECT_TRUE(registrar.fake_conferences().asked.empty());
    EXPECT_TRUE(breakout.holds.empty());
    EXPECT_TRUE(main.holds.empty());
}

TEST_F(BreakoutTest, ABreakoutConferenceWhoseMainRoomHasNoConferenceHoldsNothing) {
    feature::testing::FakeConferenceView orphan{"breakout2@breakout.meet.test"};
    orphan.room_info_.is_breakout = true;
    orphan.room_info_.main_room = feature::testing::parse_jid("gone@conference.meet.test");
    ASSERT_NE(registrar.instance_for(orphan), nullptr);
    orphan.joined_conference();
    orphan.ending();
    EXPECT_EQ(registrar.fake_conferences().asked,
              (std::vector<std::string>{"gone@conference.meet.test", "gone@conference.meet.test"}));
    EXPECT_TRUE(main.holds.empty());
}

TEST_F(BreakoutTest, TheLastMemberLeavingForABreakoutRoomHoldsTheMainConferenceForInitialTimeout) {
    main.joined_conference();
    main.join(main.make_member("alice"));
    main.join(main.make_member("bob"));
    main.leave("alice", std::string(kSwitchRoomStatus));
    EXPECT_TRUE(main.holds.empty()) << "bob is still there";
    main.leave("bob", std::string(kSwitchRoomStatus));
    ASSERT_EQ(main.holds.count("switch_room"), 1U);
    EXPECT_EQ(main.holds["switch_room"], std::optional<std::chrono::milliseconds>(7s));
}

TEST_F(BreakoutTest, ANormalLeaveHoldsNothing) {
    main.joined_conference();
    main.join(main.make_member("alice"));
    main.leave("alice");
    main.join(main.make_member("bob"));
    main.leave("bob", std::string("gone to lunch"));
    main.join(main.make_member("carol"));
    main.leave("carol", std::nullopt, true);
    EXPECT_TRUE(main.holds.empty());
}

TEST_F(BreakoutTest, DeclaresTheComponentAndDebugSections) {
    const auto* component = registrar.component("breakout_rooms");
    ASSERT_NE(component, nullptr);
    EXPECT_FALSE(component->on_message);
    component->changed(std::string("breakout.meet.test"));
    EXPECT_EQ((*registrar.debug_value("breakout_rooms"))["address"], "breakout.meet.test");

    breakout.joined_conference();
    auto json = nlohmann::json::parse(breakout.feature(0)->debug_json().value_or("{}"));
    EXPECT_EQ(json["main_room"], "main@conference.meet.test");
    main.joined_conference();
    EXPECT_FALSE(main.feature(0)->debug_json());
}

}  // namespace
}  // namespace jicofo::breakout
