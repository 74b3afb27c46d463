// In-place ICE restarts: the bridge's new credentials reach the participant as a transport-info on the same
// session; a bridge that declines gets the participant a new session; and the request is refused when disabled,
// for another bridge session, or too often.
#include "conference_media_fixture.hpp"

#include <gtest/gtest.h>

namespace jicofo::conference::testing {
namespace {

using stanza::ErrorCondition;
using stanza::JingleAction;

class IceRestartTest : public ConferenceMediaTest {
protected:
    IceRestartTest() {
        settings.ice_restart = [this](std::string_view what) { counted.emplace_back(what); };
    }

    stanza::Jingle ice_restart_request(const std::string& session_id) {
        auto info = jingle("alice", JingleAction::session_info);
        info.bridge_session = stanza::BridgeSession{session_id, std::nullopt, std::nullopt, true};
        return info;
    }

    // The colibri request asking for alice's restart, which must be the last one sent.
    SentColibri& restart_request() {
        auto& sent = colibri.sent.back();
        EXPECT_EQ(sent.request.endpoints.size(), 1U);
        const auto& endpoint = sent.request.endpoints.front();
        EXPECT_EQ(endpoint.id, "alice");
        EXPECT_TRUE(endpoint.transport && endpoint.transport->ice_restart == std::optional<bool>(true));
        return sent;
    }

    static stanza::ConferenceModified restarted(std::optional<std::uint32_t> generation, bool with_transport = true) {
        stanza::ConferenceModified answer;
        stanza::Colibri2Endpoint endpoint;
        endpoint.id = "alice";
        if (with_transport) {
            stanza::IceUdpTransport ice;
            ice.ufrag = "restarted-ufrag";
            ice.pwd = "restarted-pwd";
            ice.ice_generation = generation;
            endpoint.transport = stanza::Colibri2Transport{};
            endpoint.transport->ice_udp = ice;
        }
        answer.endpoints.push_back(endpoint);
        return answer;
    }

    std::vector<std::string> counted;
};

TEST_F(IceRestartTest, TheNewCredentialsReachTheParticipantOnTheSameSession) {
    alice_and_bob_accepted_without_sources();
    const auto sid = offer_to("alice").sid;
    EXPECT_TRUE(is_result(send("alice", ice_restart_request(*bridge_session_of("jvb1")))));
    restart_request().answer(restarted(1));

    auto infos = signaling.to("alice", JingleAction::transport_info);
    ASSERT_EQ(infos.size(), 1U);
    const auto& info = infos[0]->jingle;
    EXPECT_EQ(info.sid, sid);
    ASSERT_EQ(info.contents.size(), 1U);
    EXPECT_EQ(info.contents[0].name, "audio");
    ASSERT_TRUE(info.contents[0].transport);
    EXPECT_EQ(info.contents[0].transport->ufrag, std::optional<std::string>("restarted-ufrag"));
    EXPECT_TRUE(signaling.to("alice", JingleAction::session_terminate).empty());
    EXPECT_EQ(signaling.to("alice", JingleAction::session_initiate).size(), 1U);
    EXPECT_EQ(counted, (std::vector<std::string>{"requested", "relayed"}));
}

TEST_F(IceRestartTest, NotNeededChangesNothing) {
    alice_and_bob_accepted_without_sources();
    EXPECT_TRUE(is_result(send("alice", ice_restart_request(*bridge_session_of("jvb1")))));
    restart_request().answer(restarted(std::nullopt));
    EXPECT_TRUE(signaling.to("alice", JingleAction::transport_info).empty());
    EXPECT_EQ(signaling.to("alice", JingleAction::session_initiate).size(), 1U);
    EXPECT_EQ(counted, (std::vector<std::string>{"requested", "not_needed"}));
}

TEST_F(IceRestartTest, ABridgeThatDeclinesGetsTheParticipantANewSession) {
    alice_and_bob_accepted_without_sources();
    EXPECT_TRUE(is_result(send("alice", ice_restart_request(*bridge_session_of("jvb1")))));
    restart_request().answer(restarted(std::nullopt, false));
    EXPECT_EQ(signaling.to("alice", JingleAction::session_terminate).size(), 1U);
    answer_allocations();
    EXPECT_EQ(signaling.to("alice", JingleAction::session_initiate).size(), 2U);
    EXPECT_EQ(counted, (std::vector<std::string>{"requested", "failed"}));
}

TEST_F(IceRestartTest, WhatIsRefused) {
    settings.conference.restart_request_rate_limits.min_interval = std::chrono::hours(1);
    alice_and_bob_accepted_without_sources();
    EXPECT_EQ(condition(send("alice", ice_restart_request("not-the-session"))), ErrorCondition::item_not_found);
    EXPECT_TRUE(is_result(send("alice", ice_restart_request(*bridge_session_of("jvb1")))));
    EXPECT_EQ(condition(send("alice", ice_restart_request(*bridge_session_of("jvb1")))),
              ErrorCondition::resource_constraint);
    EXPECT_EQ(counted, (std::vector<std::string>{"requested"}));
}

TEST_F(IceRestartTest, DisabledByConfiguration) {
    settings.conference.enable_ice_restart = false;
    alice_and_bob_accepted_without_sources();
    const auto before = colibri.sent.size();
    EXPECT_EQ(condition(send("alice", ice_restart_request(*bridge_session_of("jvb1")))),
              ErrorCondition::feature_not_implemented);
    EXPECT_EQ(colibri.sent.size(), before);
}

}  // namespace
}  // namespace jicofo::conference::testing
