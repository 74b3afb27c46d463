// ConferenceMedia scenarios against fake participants, bridges and bridge selection: invites, session-accept and
// source propagation, hostile or broken Jingle, bridge failures, client-requested restarts and leaving participants.
#include "conference_media_fixture.hpp"

#include "jicofo/media/capabilities.hpp"

#include <gtest/gtest.h>

#include <cstdio>

#include <algorithm>
#include <chrono>

namespace jicofo::conference::testing {
namespace {

using stanza::ErrorCondition;
using stanza::JingleAction;
using Ssrcs = std::set<std::uint32_t>;

// Alice's microphone and her camera with its RTX stream, as lib-jitsi-meet signals them.
std::vector<stanza::JingleContent> alice_media() {
    return client_contents({{"audio", 1111, "alice-a0", "alice-mic alice-audio"},
                            {"video", 2222, "alice-v0", "alice-cam alice-video"},
                            {"video", 2223, "alice-v0", "alice-cam alice-video"}},
                           {stanza::SsrcGroup{"FID", {2222, 2223}}});
}

std::vector<stanza::JingleContent> alice_camera() {
    return client_contents(
        {{"video", 2222, "alice-v0", "alice-cam alice-video"}, {"video", 2223, "alice-v0", "alice-cam alice-video"}},
        {stanza::SsrcGroup{"FID", {2222, 2223}}});
}

std::vector<std::string> without(std::vector<std::string> features, std::string_view feature) {
    features.erase(std::remove(features.begin(), features.end(), feature), features.end());
    return features;
}

class ConferenceMediaScenario : public ConferenceMediaTest {
protected:
    // Alice and Bob are offered sessions on jvb1.
    void alice_and_bob_offered() {
        start();
        join("alice");
        join("bob");
        answer_allocations();
    }
    // ...and both accepted: Bob without sources, then Alice with hers.
    void alice_and_bob_active() {
        alice_and_bob_offered();
        ASSERT_TRUE(is_result(send("bob", accept("bob", client_contents({})))));
        ASSERT_TRUE(is_result(send("alice", accept("alice", alice_media()))));
    }
    std::string state_of(const std::string& endpoint_id) {
        for (const auto& p : media->snapshot().participants) {
            if (p.endpoint_id == endpoint_id) {
                return p.state;
            }
        }
        return "absent";
    }
    std::optional<std::string> bridge_of(const std::string& endpoint_id) {
        for (const auto& p : media->snapshot().participants) {
            if (p.endpoint_id == endpoint_id) {
                return p.bridge;
            }
        }
        return std::nullopt;
    }
    stanza::Jingle restart_request(const std::string& nick, const std::string& bridge_session_id) {
        auto terminate = jingle(nick, JingleAction::session_terminate);
        terminate.bridge_session = stanza::BridgeSession{bridge_session_id, std::nullopt, true, std::nullopt};
        terminate.reason = stanza::JingleReason{stanza::JingleReasonCondition::success, std::nullopt};
        return terminate;
    }
};

// ----- 1. invites ---------------------------------------------------------------------------------------------------

TEST_F(ConferenceMediaScenario, DiscoveryCarriesTheCapsOfTheParticipantsPresence) {
    start();
    auto alice = member("alice");
    alice.caps = stanza::EntityCaps{"sha-1", "https://jitsi.org/jitsi-meet", "ver-of-alice"};
    media->participant_joined(std::make_shared<const xmpp::Member>(alice));
    join("bob");  // no caps
    ASSERT_EQ(signaling.discovered_caps.size(), 2U);
    ASSERT_TRUE(signaling.discovered_caps[0]);
    EXPECT_EQ(signaling.discovered_caps[0]->ver, "ver-of-alice");
    EXPECT_FALSE(signaling.discovered_caps[1]);
}

TEST_F(ConferenceMediaScenario, NobodyIsInvitedUntilTwoArePresentThenBothGetAnOfferFromTheBridge) {
    start();
    join("alice");
    EXPECT_TRUE(signaling.discovered.empty());
    EXPECT_TRUE(colibri.sent.empty());
    EXPECT_TRUE(signaling.sent.empty());

    join("bob");
    ASSERT_EQ(signaling.discovered.size(), 2U);
    EXPECT_EQ(signaling.discovered[0], jid("room1@conference.meet.test/alice"));
    ASSERT_EQ(colibri.sent.size(), 1U) << "bob waits until alice's allocation created the bridge's conference";
    const auto& create = colibri.sent.front().request;
    EXPECT_EQ(colibri.sent.front().bridge, allocator.bridges[0].jid);
    EXPECT_TRUE(create.create);
    EXPECT_EQ(create.meeting_id, "meeting-1");
    EXPECT_EQ(create.name, std::optional<std::string>("room1@conference.meet.test"));
    answer_allocations();

    const auto session_id = bridge_session_of("jvb1");
    ASSERT_TRUE(session_id);
    for (const std::string nick : {"alice", "bob"}) {
        auto offers = signaling.to(nick, JingleAction::session_initiate);
        ASSERT_EQ(offers.size(), 1U) << nick;
        const auto& offer = offers[0]->jingle;
        EXPECT_EQ(offers[0]->to, jid("room1@conference.meet.test/" + nick));
        EXPECT_EQ(offer.initiator, std::optional(signaling.focus_jid()));
        EXPECT_FALSE(offer.sid.empty());
        ASSERT_TRUE(offer.group);
        EXPECT_EQ(offer.group->semantics, "BUNDLE");
        EXPECT_EQ(offer.group->contents, (std::vector<std::string>{"audio", "video", "data"}));
        ASSERT_EQ(offer.contents.size(), 3U);
        for (const auto& content : offer.contents) {
            ASSERT_TRUE(content.transport) << content.name;
            EXPECT_EQ(content.transport->ufrag, std::optional<std::string>("jvb1-" + nick)) << content.name;
        }
        ASSERT_TRUE(offer.content("data")->transport->sctpmap);
        EXPECT_EQ(offer.content("data")->transport->sctpmap->number, 5000);
        ASSERT_TRUE(offer.bridge_session);
        EXPECT_EQ(offer.bridge_session->id, *session_id);
        // A current lib-jitsi-meet reads sources as JSON: only the bridge's, nobody has accepted yet.
        ASSERT_TRUE(offer.json_message) << nick;
        EXPECT_EQ(signalled_ssrcs(offer), (std::map<std::string, Ssrcs>{{"jvb", {101, 102}}}));
        // What goes on the wire reads back the same.
        auto parsed = stanza::Jingle::parse(offer.to_xml());
        ASSERT_TRUE(parsed) << parsed.error().message();
        EXPECT_EQ(*parsed, offer);
    }
    EXPECT_NE(offer_to("alice").sid, offer_to("bob").sid);
}

TEST_F(ConferenceMediaScenario, StartingInvitesInvitesALoneParticipantAndLaterJoinersAtOnce) {
    start();
    join("alice");
    EXPECT_TRUE(colibri.sent.empty()) << "min-participants is 2";
    media->start_invites();
    ASSERT_EQ(colibri.sent.size(), 1U) << "alice alone is invited";
    answer_allocations();
    EXPECT_EQ(signaling.to("alice", JingleAction::session_initiate).size(), 1U);
}

TEST_F(ConferenceMediaScenario, AClientWithoutJsonSourcesGetsTheBridgeSourcesInline) {
    signaling.features_of["bob"] = without(lib_jitsi_meet_features(), stanza::kFeatureJsonSources);
    alice_and_bob_offered();

    EXPECT_TRUE(offer_to("alice").json_message.has_value());
    const auto& offer = offer_to("bob");
    EXPECT_FALSE(offer.json_message.has_value());
    const auto& audio = offer.content("audio")->description->sources;
    ASSERT_EQ(audio.size(), 1U);
    EXPECT_EQ(audio[0].ssrc, 101U);
    EXPECT_EQ(audio[0].owner, std::optional<std::string>("jvb"));
    EXPECT_EQ(audio[0].msid(), std::optional<std::string_view>("mixedmslabel mixedlabelaudio0"));
    const auto& video = offer.content("video")->description->sources;
    ASSERT_EQ(video.size(), 1U);
    EXPECT_EQ(video[0].ssrc, 102U);
    EXPECT_EQ(video[0].owner, std::optional<std::string>("jvb"));
}

// ----- 2. session-accept ------------------------------------------------------------------------------------------

TEST_F(ConferenceMediaScenario, AliceAcceptsAndHerSourcesGoToTheBridgeAndToBobWhoAcceptedBefore) {
    alice_and_bob_offered();
    ASSERT_TRUE(is_result(send("bob", accept("bob", client_contents({})))));
    const auto requests_before = colibri.sent.size();

    EXPECT_TRUE(is_result(send("alice", accept("alice", alice_media()))));

    ASSERT_EQ(colibri.sent.size(), requests_before + 1);
    const auto& update = colibri.sent.back();
    EXPECT_EQ(update.bridge, allocator.bridges[0].jid);
    EXPECT_FALSE(update.request.create);
    ASSERT_EQ(update.request.endpoints.size(), 1U);
    const auto& endpoint = update.request.endpoints[0];
    EXPECT_EQ(endpoint.id, "alice");
    EXPECT_FALSE(endpoint.create);
    ASSERT_TRUE(endpoint.transport && endpoint.transport->ice_udp);
    EXPECT_EQ(endpoint.transport->ice_udp->ufrag, std::optional<std::string>("alice-ufrag"));
    EXPECT_TRUE(endpoint.transport->ice_udp->rtcp_mux);
    ASSERT_TRUE(endpoint.sources);
    std::map<std::string, Ssrcs> by_source;
    for (const auto& media_source : endpoint.sources->media_sources) {
        for (const auto& s : media_source.sources) {
            by_source[media_source.id].insert(s.ssrc);
        }
        if (media_source.id == "alice-v0") {
            EXPECT_EQ(media_source.ssrc_groups, (std::vector<stanza::SsrcGroup>{{"FID", {2222, 2223}}}));
        }
    }
    EXPECT_EQ(by_source, (std::map<std::string, Ssrcs>{{"alice-a0", {1111}}, {"alice-v0", {2222, 2223}}}));

    auto adds = signaling.to("bob", JingleAction::source_add);
    ASSERT_EQ(adds.size(), 1U);
    EXPECT_EQ(adds[0]->jingle.sid, offer_to("bob").sid);
    EXPECT_EQ(signalled_ssrcs(adds[0]->jingle), (std::map<std::string, Ssrcs>{{"alice", {1111, 2222, 2223}}}));
    EXPECT_TRUE(signaling.to("alice", JingleAction::source_add).empty()) << "bob has no sources to tell alice of";
}

TEST_F(ConferenceMediaScenario, AliceSourcesWaitForBobsSessionAcceptAndFollowItRightAway) {
    signaling.features_of["bob"] = without(lib_jitsi_meet_features(), stanza::kFeatureJsonSources);
    alice_and_bob_offered();

    ASSERT_TRUE(is_result(send("alice", accept("alice", alice_media()))));
    EXPECT_TRUE(signaling.to("bob", JingleAction::source_add).empty()) << "bob has not accepted his offer yet";

    const auto sent_before = signaling.sent.size();
    EXPECT_TRUE(is_result(send("bob", accept("bob", client_contents({})))));
    ASSERT_EQ(signaling.sent.size(), sent_before + 1);
    const auto& add = signaling.sent.back();
    EXPECT_EQ(add.to, jid("room1@conference.meet.test/bob"));
    EXPECT_EQ(add.jingle.action, JingleAction::source_add);
    EXPECT_EQ(add.jingle.sid, offer_to("bob").sid);
    EXPECT_EQ(signalled_ssrcs(add.jingle), (std::map<std::string, Ssrcs>{{"alice", {1111, 2222, 2223}}}));
    // Inline, as a client without JSON sources reads them: owned by Alice's occupant JID, with her RTX group.
    const auto& video = add.jingle.content("video")->description;
    ASSERT_TRUE(video);
    EXPECT_EQ(video->sources.at(0).owner, std::optional<std::string>("room1@conference.meet.test/alice"));
    EXPECT_EQ(video->sources.at(0).msid(), std::optional<std::string_view>("alice-cam alice-video"));
    EXPECT_EQ(video->ssrc_groups, (std::vector<stanza::SsrcGroup>{{"FID", {2222, 2223}}}));
}

// ----- 3. hostile source-add --------------------------------------------------------------------------------------

// Refused on the element count before the stanza's sources are compared pairwise (the conversion and the validation
// both do that): the repeated SSRC at the end, which those steps would find last, is never looked at.
TEST_F(ConferenceMediaScenario, NineThousandSourceAddIsRefusedByTheLimitFirst) {
    alice_and_bob_active();
    std::vector<ClientSource> flood;
    for (std::uint32_t i = 0; i < 9000; ++i) {
        const auto n = std::to_string(i);
        flood.push_back({"audio", 10000 + i, "bob-a" + n, "bob-mic" + n + " a"});
    }
    flood.back().ssrc = 10000;  // signalled twice, differently
    EXPECT_EQ(condition(send("bob", jingle("bob", JingleAction::source_add, client_contents(flood)))),
              ErrorCondition::resource_constraint);
    std::printf("9000-source source-add answered in %.3f ms\n",
                std::chrono::duration<double, std::milli>(last_handling).count());
    EXPECT_EQ(condition(send("bob", jingle("bob", JingleAction::source_remove, client_contents(flood)))),
              ErrorCondition::resource_constraint);
    EXPECT_EQ(media->snapshot().conference_sources, 3U);
}

TEST_F(ConferenceMediaScenario, BobCannotTakeAlicesSsrcNorSignalMoreThanTheLimit) {
    alice_and_bob_active();
    const auto requests_before = colibri.sent.size();
    const auto to_alice_before = signaling.to("alice").size();

    auto stolen = jingle("bob", JingleAction::source_add, client_contents({{"audio", 1111, "bob-a0", "bob-mic a"}}));
    EXPECT_EQ(condition(send("bob", stolen)), ErrorCondition::bad_request);

    std::vector<ClientSource> flood;
    for (int i = 0; i <= settings.conference.max_ssrcs_per_user; ++i) {
        const auto n = std::to_string(i);
        flood.push_back({"audio", static_cast<std::uint32_t>(5000 + i), "bob-a" + n, "bob-mic" + n + " a"});
    }
    EXPECT_EQ(condition(send("bob", jingle("bob", JingleAction::source_add, client_contents(flood)))),
              ErrorCondition::resource_constraint);

    EXPECT_EQ(colibri.sent.size(), requests_before) << "nothing refused reaches the bridge";
    EXPECT_EQ(signaling.to("alice").size(), to_alice_before) << "nor alice";
    EXPECT_EQ(media->snapshot().conference_sources, 3U);

    // The refusals changed nothing: a proper source-add still goes through.
    auto fine = jingle("bob", JingleAction::source_add, client_contents({{"audio", 3333, "bob-a0", "bob-mic a"}}));
    EXPECT_TRUE(is_result(send("bob", fine)));
    EXPECT_EQ(colibri.sent.size(), requests_before + 1);
    auto adds = signaling.to("alice", JingleAction::source_add);
    ASSERT_EQ(adds.size(), 1U);
    EXPECT_EQ(signalled_ssrcs(adds[0]->jingle), (std::map<std::string, Ssrcs>{{"bob", {3333}}}));
}

// ----- 4. source-remove -------------------------------------------------------------------------------------------

TEST_F(ConferenceMediaScenario, AliceStopsHerCameraAndBobIsTold) {
    alice_and_bob_active();
    const auto requests_before = colibri.sent.size();

    EXPECT_TRUE(is_result(send("alice", jingle("alice", JingleAction::source_remove, alice_camera()))));

    ASSERT_EQ(colibri.sent.size(), requests_before + 1);
    const auto& update = colibri.sent.back().request;
    ASSERT_EQ(update.endpoints.size(), 1U);
    EXPECT_EQ(update.endpoints[0].id, "alice");
    ASSERT_TRUE(update.endpoints[0].sources);
    Ssrcs on_bridge;
    for (const auto& media_source : update.endpoints[0].sources->media_sources) {
        for (const auto& s : media_source.sources) {
            on_bridge.insert(s.ssrc);
        }
    }
    EXPECT_EQ(on_bridge, (Ssrcs{1111}));
    auto removes = signaling.to("bob", JingleAction::source_remove);
    ASSERT_EQ(removes.size(), 1U);
    EXPECT_EQ(removes[0]->jingle.sid, offer_to("bob").sid);
    EXPECT_EQ(signalled_ssrcs(removes[0]->jingle), (std::map<std::string, Ssrcs>{{"alice", {2222, 2223}}}));

    // The camera is gone now: removing it again is refused, and nobody hears of it.
    EXPECT_EQ(condition(send("alice", jingle("alice", JingleAction::source_remove, alice_camera()))),
              ErrorCondition::bad_request);
    EXPECT_EQ(colibri.sent.size(), requests_before + 1);
    EXPECT_EQ(signaling.to("bob", JingleAction::source_remove).size(), 1U);
}

// ----- 5. broken requests -----------------------------------------------------------------------------------------

TEST_F(ConferenceMediaScenario, EveryBrokenJingleRequestGetsExactlyOneErrorReply) {
    alice_and_bob_active();
    const auto sent_before = signaling.sent.size();
    const auto requests_before = colibri.sent.size();

    auto wrong_sid = jingle("bob", JingleAction::source_add, client_contents({{"audio", 3333, "bob-a0", "m a"}}));
    wrong_sid.sid = "not-a-session-of-ours";
    EXPECT_EQ(condition(send("bob", wrong_sid)), ErrorCondition::bad_request);

    // An action Jicofo does not know, as it arrives from the wire.
    auto unknown = jingle("bob", JingleAction::unknown);
    unknown.unknown_action = "content-modify";
    auto parsed = stanza::Jingle::parse(unknown.to_xml());
    ASSERT_TRUE(parsed);
    ASSERT_EQ(parsed->action, JingleAction::unknown);
    EXPECT_EQ(condition(send("bob", *parsed)), ErrorCondition::feature_not_implemented);

    // We are the initiator: a participant cannot start a session.
    EXPECT_EQ(condition(send("bob", jingle("bob", JingleAction::session_initiate))),
              ErrorCondition::feature_not_implemented);

    // Accepting twice.
    EXPECT_EQ(condition(send("bob", accept("bob", client_contents({})))), ErrorCondition::unexpected_request);

    // Somebody who is not in the conference, using a real session id.
    auto stranger = jingle("bob", JingleAction::source_add, client_contents({{"audio", 4444, "m-a0", "m a"}}));
    EXPECT_EQ(condition(send("mallory", stranger)), ErrorCondition::item_not_found);

    EXPECT_EQ(signaling.sent.size(), sent_before) << "no participant hears of refused requests";
    EXPECT_EQ(colibri.sent.size(), requests_before) << "nor does the bridge";
}

// ----- 6. a bridge goes down --------------------------------------------------------------------------------------

TEST_F(ConferenceMediaScenario, BridgeDiesMidCallAndEveryoneIsReinvitedOnAnotherBridge) {
    alice_and_bob_active();
    const auto old_session = bridge_session_of("jvb1");
    ASSERT_TRUE(old_session);
    const std::map<std::string, std::string> old_sids{{"alice", offer_to("alice").sid}, {"bob", offer_to("bob").sid}};
    const auto requests_before = colibri.sent.size();

    allocator.down.insert(allocator.bridges[0].id);  // the registry knows first
    media->bridge_down(allocator.bridges[0].id, "failed its health check");

    for (const auto& [nick, old_sid] : old_sids) {
        auto terminates = signaling.to(nick, JingleAction::session_terminate);
        ASSERT_EQ(terminates.size(), 1U) << nick;
        EXPECT_EQ(terminates[0]->jingle.sid, old_sid);
        ASSERT_TRUE(terminates[0]->jingle.reason);
        EXPECT_EQ(terminates[0]->jingle.reason->condition, stanza::JingleReasonCondition::success);
        EXPECT_EQ(signaling.to(nick, JingleAction::session_initiate).size(), 1U) << "not before the new bridge answers";
    }
    ASSERT_GT(colibri.sent.size(), requests_before);
    for (auto i = requests_before; i < colibri.sent.size(); ++i) {
        EXPECT_EQ(colibri.sent[i].bridge, allocator.bridges[1].jid) << "nothing more goes to the dead bridge";
    }

    answer_allocations();
    const auto new_session = bridge_session_of("jvb2");
    ASSERT_TRUE(new_session);
    EXPECT_NE(*new_session, *old_session);
    EXPECT_FALSE(bridge_session_of("jvb1").has_value());
    for (const auto& [nick, old_sid] : old_sids) {
        auto offers = signaling.to(nick, JingleAction::session_initiate);
        ASSERT_EQ(offers.size(), 2U) << nick;
        const auto& offer = offers[1]->jingle;
        EXPECT_NE(offer.sid, old_sid);
        ASSERT_TRUE(offer.bridge_session);
        EXPECT_EQ(offer.bridge_session->id, *new_session);
        EXPECT_EQ(offer.content("audio")->transport->ufrag, std::optional<std::string>("jvb2-" + nick));
        EXPECT_EQ(signalled_ssrcs(offer).at("jvb"), (Ssrcs{201, 202})) << "the new bridge's feedback sources";
        // The terminate of the old session came before the new offer.
        auto all = signaling.to(nick);
        auto terminate = std::find_if(all.begin(), all.end(),
                                      [](auto* s) { return s->jingle.action == JingleAction::session_terminate; });
        EXPECT_LT(terminate - all.begin(), std::find(all.begin(), all.end(), offers[1]) - all.begin());
    }
    for (const auto& p : media->snapshot().participants) {
        EXPECT_EQ(p.state, "offered") << p.endpoint_id << " is left without a session";
        EXPECT_EQ(p.bridge, std::optional(allocator.bridges[1].id)) << p.endpoint_id;
    }
}

// ----- 7. an allocation times out ---------------------------------------------------------------------------------

TEST_F(ConferenceMediaScenario, AnAllocationTimeoutOnOneBridgeMovesTheAllocationToAnother) {
    start();
    join("alice");
    join("bob");
    ASSERT_EQ(colibri.sent.size(), 1U);
    colibri.sent.front().answer(colibri_timeout());

    ASSERT_EQ(allocator.failures.size(), 1U);
    EXPECT_EQ(allocator.failures[0], std::make_pair(allocator.bridges[0].id, false));
    auto pending = colibri.unanswered();
    ASSERT_FALSE(pending.empty());
    for (auto* sent : pending) {
        EXPECT_EQ(sent->bridge, allocator.bridges[1].jid);
    }
    answer_allocations();

    const auto session = bridge_session_of("jvb2");
    ASSERT_TRUE(session);
    for (const std::string nick : {"alice", "bob"}) {
        auto offers = signaling.to(nick, JingleAction::session_initiate);
        ASSERT_EQ(offers.size(), 1U) << nick;
        EXPECT_EQ(offers[0]->jingle.bridge_session->id, *session);
        EXPECT_EQ(bridge_of(nick), std::optional(allocator.bridges[1].id));
    }
    EXPECT_EQ(std::count_if(colibri.sent.begin(), colibri.sent.end(),
                            [this](const auto& s) { return s.bridge == allocator.bridges[0].jid; }),
              1);
}

// Our XMPP link dropped while the bridge was creating the conference: nobody fails and no bridge is blamed; both
// are invited again once the link is back (here: when the retry timer fires).
TEST_F(ConferenceMediaScenario, AnAllocationLostWithOurLinkIsRetriedWithoutBlamingTheBridge) {
    start();
    join("alice");
    join("bob");
    ASSERT_EQ(colibri.sent.size(), 1U);
    colibri.sent.front().answer(
        core::unexpected(colibri::ColibriFailure{colibri::ColibriFailure::Kind::disconnected, std::nullopt}));
    EXPECT_TRUE(allocator.failures.empty());
    EXPECT_EQ(state_of("alice"), "waiting");
    EXPECT_EQ(state_of("bob"), "waiting");
    EXPECT_TRUE(signaling.to("alice", JingleAction::session_initiate).empty());

    timers.fire_all();
    answer_allocations();
    for (const std::string nick : {"alice", "bob"}) {
        EXPECT_EQ(signaling.to(nick, JingleAction::session_initiate).size(), 1U) << nick;
        EXPECT_EQ(state_of(nick), "offered") << nick;
        EXPECT_EQ(bridge_of(nick), std::optional(allocator.bridges[0].id)) << nick;
    }
    EXPECT_TRUE(allocator.failures.empty());
}

// An offer lost with our link (the stream was not resumed) starts the participant's session over.
TEST_F(ConferenceMediaScenario, AnOfferLostWithOurLinkIsMadeAgain) {
    alice_and_bob_offered();
    JingleReply lost;
    lost.disconnected = true;
    signaling.to("alice", JingleAction::session_initiate)[0]->done(lost);
    answer_allocations();
    const auto offers = signaling.to("alice", JingleAction::session_initiate);
    ASSERT_EQ(offers.size(), 2U);
    EXPECT_NE(offers[0]->jingle.sid, offers[1]->jingle.sid);
    EXPECT_EQ(state_of("alice"), "offered");
    EXPECT_EQ(state_of("bob"), "offered");
}

// ----- 8. client-requested restart --------------------------------------------------------------------------------

TEST_F(ConferenceMediaScenario, AliceAsksForARestartAndGetsANewSessionWithoutATerminateFromUs) {
    alice_and_bob_active();
    const auto old_sid = offer_to("alice").sid;
    const auto session = offer_to("alice").bridge_session->id;

    EXPECT_TRUE(is_result(send("alice", restart_request("alice", session))));

    EXPECT_TRUE(signaling.to("alice", JingleAction::session_terminate).empty());
    auto about_alice = colibri.about("alice");
    ASSERT_FALSE(about_alice.empty());
    const bool expired = std::any_of(about_alice.begin(), about_alice.end(), [](auto* s) {
        return s->request.endpoints.size() == 1 && s->request.endpoints[0].expire;
    });
    EXPECT_TRUE(expired) << "her old endpoint is expired on the bridge";
    auto removes = signaling.to("bob", JingleAction::source_remove);
    ASSERT_EQ(removes.size(), 1U);
    EXPECT_EQ(signalled_ssrcs(removes[0]->jingle), (std::map<std::string, Ssrcs>{{"alice", {1111, 2222, 2223}}}));

    answer_allocations();
    auto offers = signaling.to("alice", JingleAction::session_initiate);
    ASSERT_EQ(offers.size(), 2U);
    EXPECT_NE(offers[1]->jingle.sid, old_sid);
    EXPECT_EQ(offers[1]->jingle.bridge_session->id, session) << "bob is still there: same bridge, same session";
    EXPECT_EQ(signaling.to("bob", JingleAction::session_initiate).size(), 1U) << "bob keeps his session";
}

TEST_F(ConferenceMediaScenario, ARestartForAnotherBridgeSessionIsNotFound) {
    alice_and_bob_active();
    const auto sent_before = signaling.sent.size();
    const auto requests_before = colibri.sent.size();

    EXPECT_EQ(condition(send("alice", restart_request("alice", "some-old-session"))), ErrorCondition::item_not_found);

    EXPECT_EQ(signaling.sent.size(), sent_before);
    EXPECT_EQ(colibri.sent.size(), requests_before);
    EXPECT_EQ(state_of("alice"), "active");
}

TEST_F(ConferenceMediaScenario, ASecondRestartRightAfterTheFirstIsRateLimited) {
    // However slow the machine, the second request comes within the minimum interval.
    settings.conference.restart_request_rate_limits.min_interval = std::chrono::hours(1);
    alice_and_bob_active();
    const auto session = offer_to("alice").bridge_session->id;
    ASSERT_TRUE(is_result(send("alice", restart_request("alice", session))));
    answer_allocations();
    ASSERT_EQ(signaling.to("alice", JingleAction::session_initiate).size(), 2U);

    EXPECT_EQ(condition(send("alice", restart_request("alice", session))), ErrorCondition::resource_constraint);

    // As Jicofo: the session still ends, but no new one is offered.
    answer_allocations();
    EXPECT_EQ(signaling.to("alice", JingleAction::session_initiate).size(), 2U);
    EXPECT_TRUE(signaling.to("alice", JingleAction::session_terminate).empty());
    EXPECT_EQ(state_of("alice"), "waiting");
}

// ----- 9. a participant leaves ------------------------------------------------------------------------------------

TEST_F(ConferenceMediaScenario, AliceLeavesHerEndpointIsExpiredAndNobodyIsToldOfHerSourcesAgain) {
    start();
    join("alice");
    join("bob");
    join("carol");
    answer_allocations();
    ASSERT_TRUE(is_result(send("bob", accept("bob", client_contents({})))));
    ASSERT_TRUE(is_result(send("alice", accept("alice", alice_media()))));
    ASSERT_EQ(signaling.to("bob", JingleAction::source_add).size(), 1U);
    // Carol has not accepted yet: Alice's sources wait for her session-accept.
    ASSERT_TRUE(signaling.to("carol", JingleAction::source_add).empty());
    const auto to_bob_before = signaling.to("bob").size();

    media->participant_left("alice");

    auto about_alice = colibri.about("alice");
    ASSERT_FALSE(about_alice.empty());
    const auto& expire = *about_alice.back();
    EXPECT_EQ(expire.bridge, allocator.bridges[0].jid);
    ASSERT_EQ(expire.request.endpoints.size(), 1U);
    EXPECT_TRUE(expire.request.endpoints[0].expire);
    EXPECT_EQ(media->snapshot().conference_sources, 0U);
    // jicofo-protocol.md §4(e): clients drop a leaving participant's sources on the MUC leave, so no source-remove
    // (one message per participant saved in a large conference).
    EXPECT_EQ(signaling.to("bob").size(), to_bob_before);
    EXPECT_TRUE(signaling.to("alice", JingleAction::session_terminate).empty());

    // Carol accepts after Alice left: she is not told about sources of somebody who is gone.
    ASSERT_TRUE(is_result(send("carol", accept("carol", client_contents({})))));
    EXPECT_TRUE(signaling.to("carol", JingleAction::source_add).empty());
    EXPECT_TRUE(signaling.to("carol", JingleAction::source_remove).empty());
    EXPECT_EQ(state_of("alice"), "absent");
}

// ----- 10. an offer is refused ------------------------------------------------------------------------------------

TEST_F(ConferenceMediaScenario, AnOfferRefusedWithAnErrorExpiresTheEndpointButATimeoutDoesNot) {
    alice_and_bob_offered();
    const auto requests_before = colibri.sent.size();

    signaling.to("bob", JingleAction::session_initiate)[0]->done(JingleReply{true, std::nullopt});
    EXPECT_EQ(colibri.sent.size(), requests_before) << "a timeout counts as success";
    EXPECT_TRUE(is_result(send("bob", accept("bob", client_contents({})))));
    const auto after_bob = colibri.sent.size();

    signaling.to("alice", JingleAction::session_initiate)[0]->done(
        JingleReply{false, stanza::StanzaError::make(ErrorCondition::bad_request, "cannot parse the offer")});

    ASSERT_EQ(colibri.sent.size(), after_bob + 1);
    const auto& expire = colibri.sent.back();
    EXPECT_EQ(expire.bridge, allocator.bridges[0].jid);
    ASSERT_EQ(expire.request.endpoints.size(), 1U);
    EXPECT_EQ(expire.request.endpoints[0].id, "alice");
    EXPECT_TRUE(expire.request.endpoints[0].expire);
    EXPECT_EQ(state_of("alice"), "failed");
    EXPECT_FALSE(bridge_of("alice").has_value());
    EXPECT_EQ(state_of("bob"), "active");
}

}  // namespace
}  // namespace jicofo::conference::testing
