// ConferenceMedia and the features' say on sessions (MediaPolicy::allows_session, e.g. client requirements): a
// participant refused when its features are discovered is never allocated nor offered, not even when a failed
// bridge or a move re-invites the others, and the policy is asked once, with the features or with their absence.
#include "conference_media_fixture.hpp"

#include <gtest/gtest.h>

#include <set>

namespace jicofo::conference::testing {
namespace {

using stanza::JingleAction;

// Refuses the nicks it is given; records what it was asked.
struct RefusingPolicy : MediaPolicy {
    [[nodiscard]] stanza::ForceMute required_force_mute(const xmpp::Member&) const override { return {}; }
    [[nodiscard]] std::optional<stanza::StanzaError> source_add_refusal(const xmpp::Member&, bool,
                                                                        bool) const override {
        return std::nullopt;
    }
    void bridges_changed(int, bool) override {}
    bool allows_session(const xmpp::Member& member, const std::vector<std::string>& features,
                        bool discovered) override {
        asked.push_back({member.nick, features.size(), discovered});
        return refused.count(member.nick) == 0;
    }

    struct Asked {
        std::string nick;
        std::size_t features;
        bool discovered;
    };
    std::set<std::string> refused;
    std::vector<Asked> asked;
};

class ConferenceMediaWithheldTest : public ConferenceMediaTest {
protected:
    void start_with_policy() {
        start();
        media->set_policy(&policy);
    }

    [[nodiscard]] std::string state_of(const std::string& nick) const {
        for (const auto& p : media->snapshot().participants) {
            if (p.endpoint_id == nick) {
                return p.state;
            }
        }
        return "absent";
    }

    [[nodiscard]] bool allocated(const std::string& nick) const {
        for (const auto& p : media->snapshot().participants) {
            if (p.endpoint_id == nick) {
                return p.bridge.has_value();
            }
        }
        return false;
    }

    RefusingPolicy policy;
};

TEST_F(ConferenceMediaWithheldTest, ARefusedParticipantIsNeverAllocatedNorOfferedWhileTheOthersAre) {
    policy.refused = {"bob"};
    start_with_policy();
    join("alice");
    join("bob");
    join("carol");
    answer_allocations();

    EXPECT_EQ(state_of("bob"), "withheld");
    EXPECT_FALSE(allocated("bob"));
    EXPECT_TRUE(signaling.to("bob", JingleAction::session_initiate).empty());
    EXPECT_EQ(state_of("alice"), "offered");
    EXPECT_EQ(state_of("carol"), "offered");
    EXPECT_EQ(signaling.to("alice", JingleAction::session_initiate).size(), 1U);

    ASSERT_EQ(policy.asked.size(), 3U) << "asked once per participant";
    EXPECT_TRUE(policy.asked[1].discovered);
    EXPECT_EQ(policy.asked[1].features, lib_jitsi_meet_features().size());
}

TEST_F(ConferenceMediaWithheldTest, ABridgeFailureReinvitesTheOthersButNotTheRefused) {
    policy.refused = {"bob"};
    start_with_policy();
    join("alice");
    join("bob");
    join("carol");
    answer_allocations();

    allocator.down.insert(allocator.bridges[0].id);
    media->bridge_down(allocator.bridges[0].id, "failed its health check");
    answer_allocations();
    media->bridge_up(allocator.bridges[1].id);
    answer_allocations();

    EXPECT_EQ(state_of("bob"), "withheld");
    EXPECT_FALSE(allocated("bob"));
    EXPECT_TRUE(signaling.to("bob", JingleAction::session_initiate).empty());
    EXPECT_EQ(signaling.to("alice", JingleAction::session_initiate).size(), 2U) << "alice was moved";
    EXPECT_EQ(policy.asked.size(), 3U) << "the first answer stands: nobody is asked again";
}

TEST_F(ConferenceMediaWithheldTest, InvitesRestartingAfterALoneSpellDoNotInviteTheRefused) {
    policy.refused = {"bob"};
    start_with_policy();
    join("alice");
    join("bob");
    answer_allocations();
    // Bob's (absent) session is ended as a lone participant's would be; the next join invites everyone waiting.
    media->participant_alone("bob");
    join("carol");
    answer_allocations();

    EXPECT_EQ(state_of("bob"), "withheld");
    EXPECT_FALSE(allocated("bob"));
    EXPECT_TRUE(signaling.to("bob", JingleAction::session_initiate).empty());
    EXPECT_EQ(state_of("carol"), "offered");
}

TEST_F(ConferenceMediaWithheldTest, AParticipantWhoseDiscoveryFailedIsAskedWithoutFeatures) {
    signaling.features_of["bob"] = {};
    start_with_policy();
    join("alice");
    join("bob");
    answer_allocations();
    ASSERT_EQ(policy.asked.size(), 2U);
    EXPECT_EQ(policy.asked[1].nick, "bob");
    EXPECT_FALSE(policy.asked[1].discovered);
    EXPECT_EQ(state_of("bob"), "offered") << "allowed, so invited as usual";
}

}  // namespace
}  // namespace jicofo::conference::testing
