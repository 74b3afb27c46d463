// Mute requests (jicofo-protocol.md §4f) against ConferenceMedia: who may mute whom, the colibri2 force-mute that
// enforces it, the notice to the muted, and that a later move to another bridge keeps the participant muted.
#include "conference_media_fixture.hpp"

#include <gtest/gtest.h>

namespace jicofo::conference::testing {
namespace {

class ConferenceMediaMuteTest : public ConferenceMediaTest {
protected:
    // Alice (a moderator), Bob and Carol are offered sessions on jvb1.
    void three_offered() {
        start();
        auto alice = member("alice");
        alice.role = xmpp::MemberRole::moderator;
        media->participant_joined(std::make_shared<const xmpp::Member>(alice));
        join("bob");
        join("carol");
        answer_allocations();
    }

    // A mute request from `from`, handled; the one reply it must get.
    stanza::Iq mute(const std::string& from, std::optional<std::string> target, std::optional<bool> value,
                    stanza::MuteMedia media_type = stanza::MuteMedia::audio) {
        stanza::MuteIq payload;
        payload.media = media_type;
        if (target) {
            payload.jid = jid(room.to_string() + "/" + *target);
        }
        payload.mute = value;
        stanza::Iq request;
        request.header.type = stanza::IqType::set;
        request.header.id = "mute-" + std::to_string(++next_mute_);
        request.header.from = jid(room.to_string() + "/" + from);
        request.header.to = jid(room.to_string() + "/focus");
        request.payload = payload.to_xml();
        const auto before = signaling.replies.size();
        media->handle_mute(request, payload);
        EXPECT_EQ(signaling.replies.size(), before + 1) << "every mute request gets exactly one reply";
        if (signaling.replies.size() != before + 1) {
            return stanza::Iq{};
        }
        EXPECT_EQ(signaling.replies.back().header.id, request.header.id);
        return signaling.replies.back();
    }

    static std::optional<stanza::ErrorCondition> condition(const stanza::Iq& reply) {
        if (reply.header.type != stanza::IqType::error || !reply.error) {
            return std::nullopt;
        }
        return reply.error->condition;
    }

    std::vector<stanza::ForceMute> force_mutes(const std::string& endpoint) { return colibri.force_mutes(endpoint); }

    int next_mute_ = 0;
};

TEST_F(ConferenceMediaMuteTest, AModeratorMutesBobOnTheBridgeAndBobIsToldWho) {
    three_offered();
    EXPECT_TRUE(is_result(mute("alice", "bob", true)));
    EXPECT_EQ(force_mutes("bob"), (std::vector<stanza::ForceMute>{{true, false}}));
    ASSERT_EQ(signaling.mute_notices.size(), 1U);
    const auto& [to, notice] = signaling.mute_notices[0];
    EXPECT_EQ(to.resource(), "bob");
    EXPECT_EQ(notice.media, stanza::MuteMedia::audio);
    ASSERT_TRUE(notice.actor);
    EXPECT_EQ(notice.actor->resource(), "alice");
    EXPECT_EQ(notice.mute, true);
    EXPECT_FALSE(notice.jid);

    // Video next: the audio mute stays.
    EXPECT_TRUE(is_result(mute("alice", "bob", true, stanza::MuteMedia::video)));
    EXPECT_EQ(force_mutes("bob").back(), (stanza::ForceMute{true, true}));
}

TEST_F(ConferenceMediaMuteTest, AParticipantMutesAndUnmutesItselfWithoutANotice) {
    three_offered();
    EXPECT_TRUE(is_result(mute("bob", "bob", true, stanza::MuteMedia::desktop)));
    EXPECT_TRUE(is_result(mute("bob", "bob", false, stanza::MuteMedia::desktop)));
    EXPECT_EQ(force_mutes("bob"), (std::vector<stanza::ForceMute>{{false, true}, {false, false}}));
    EXPECT_TRUE(signaling.mute_notices.empty());
}

TEST_F(ConferenceMediaMuteTest, WhatIsRefused) {
    three_offered();
    EXPECT_EQ(condition(mute("bob", "carol", true)), stanza::ErrorCondition::not_allowed) << "not a moderator";
    EXPECT_EQ(condition(mute("alice", "bob", false)), stanza::ErrorCondition::not_allowed) << "unmuting another";
    EXPECT_EQ(condition(mute("alice", "nobody", true)), stanza::ErrorCondition::item_not_found);
    EXPECT_EQ(condition(mute("alice", std::nullopt, true)), stanza::ErrorCondition::bad_request);
    EXPECT_EQ(condition(mute("alice", "bob", std::nullopt)), stanza::ErrorCondition::bad_request);
    EXPECT_EQ(condition(mute("stranger", "bob", true)), stanza::ErrorCondition::not_allowed);
    EXPECT_TRUE(force_mutes("bob").empty());
    EXPECT_TRUE(force_mutes("carol").empty());
    EXPECT_TRUE(signaling.mute_notices.empty());
}

TEST_F(ConferenceMediaMuteTest, JibriAndVisitorsCannotBeMuted) {
    start();
    auto alice = member("alice");
    alice.role = xmpp::MemberRole::moderator;
    media->participant_joined(std::make_shared<const xmpp::Member>(alice));
    auto jibri = member("jibri");
    jibri.is_jibri = true;
    media->participant_joined(std::make_shared<const xmpp::Member>(jibri));
    auto visitor = member("visitor");
    visitor.role = xmpp::MemberRole::visitor;
    media->participant_joined(std::make_shared<const xmpp::Member>(visitor));
    EXPECT_EQ(condition(mute("alice", "jibri", true)), stanza::ErrorCondition::not_allowed);
    EXPECT_EQ(condition(mute("alice", "visitor", true)), stanza::ErrorCondition::not_allowed);
}

// Jicofo's use-private-address-connectivity: the bridge offers its private candidates to Jibri and Jigasi (often in
// its own network), to clients never, and to neither component when the operator turns it off.
TEST_F(ConferenceMediaMuteTest, OnlyComponentsAskForPrivateAddressesAndOnlyWhenConfigured) {
    for (const bool enabled : {true, false}) {
        settings.jibri_private_addresses = enabled;
        settings.jigasi_private_addresses = enabled;
        colibri.sent.clear();
        start();
        auto jibri = member("jibri");
        jibri.is_jibri = true;
        auto jigasi = member("jigasi");
        jigasi.is_jigasi = true;
        join("alice");
        media->participant_joined(std::make_shared<const xmpp::Member>(jibri));
        media->participant_joined(std::make_shared<const xmpp::Member>(jigasi));
        answer_allocations();
        std::map<std::string, bool> asked;
        for (const auto& sent : colibri.sent) {
            for (const auto& endpoint : sent.request.endpoints) {
                if (endpoint.create) {
                    asked[endpoint.id] = endpoint.has_capability(stanza::kCapabilityPrivateAddressConnectivity);
                }
            }
        }
        ASSERT_EQ(asked.size(), 3U) << "every member is allocated";
        EXPECT_FALSE(asked["alice"]);
        EXPECT_EQ(asked["jibri"], enabled);
        EXPECT_EQ(asked["jigasi"], enabled);
    }
}

// rtp-mid-demux only for a client that supports it and SSRC rewriting, with the option on (Jicofo's
// useRtpMidDemux); diarize only for a member that asked for it.
TEST_F(ConferenceMediaMuteTest, RtpMidDemuxAndDiarizeFollowTheClientAndTheConfiguration) {
    for (const bool enabled : {true, false}) {
        settings.conference.use_rtp_mid_demux = enabled;
        colibri.sent.clear();
        auto demuxing = lib_jitsi_meet_features();
        demuxing.emplace_back(stanza::kFeatureSsrcRewriting);
        demuxing.emplace_back(stanza::kFeatureRtpMidDemux);
        signaling.features_of["alice"] = demuxing;
        auto rewriting_only = lib_jitsi_meet_features();
        rewriting_only.emplace_back(stanza::kFeatureRtpMidDemux);  // mid demux without SSRC rewriting: not used
        signaling.features_of["bob"] = rewriting_only;
        start();
        auto alice = member("alice");
        alice.diarize = true;
        media->participant_joined(std::make_shared<const xmpp::Member>(alice));
        join("bob");
        answer_allocations();
        std::map<std::string, stanza::Colibri2Endpoint> created;
        for (const auto& sent : colibri.sent) {
            for (const auto& endpoint : sent.request.endpoints) {
                if (endpoint.create) {
                    created[endpoint.id] = endpoint;
                }
            }
        }
        ASSERT_EQ(created.size(), 2U);
        EXPECT_EQ(created["alice"].has_capability(stanza::kCapabilityRtpMidDemux), enabled);
        EXPECT_TRUE(created["alice"].has_capability(stanza::kCapabilitySsrcRewriting));
        EXPECT_FALSE(created["bob"].has_capability(stanza::kCapabilityRtpMidDemux));
        EXPECT_TRUE(created["alice"].diarize);
        EXPECT_FALSE(created["bob"].diarize);
    }
}

TEST_F(ConferenceMediaMuteTest, AMutedParticipantMovedToAnotherBridgeStaysMuted) {
    three_offered();
    ASSERT_TRUE(is_result(mute("alice", "bob", true)));
    const auto before = colibri.sent.size();
    ASSERT_EQ(media->move_endpoints(std::nullopt, std::string("bob"), 1), 1);
    answer_allocations();
    bool reallocated_muted = false;
    for (auto i = before; i < colibri.sent.size(); ++i) {
        for (const auto& e : colibri.sent[i].request.endpoints) {
            if (e.id == "bob" && e.create) {
                reallocated_muted = e.force_mute == stanza::ForceMute{true, false};
            }
        }
    }
    EXPECT_TRUE(reallocated_muted);
}

// startAudioMuted=1 / startVideoMuted=2 from the creating request: the first participant starts with everything on,
// the second with audio muted, the third with both; and the bridges learn the conference's rtcstats setting.
TEST_F(ConferenceMediaMuteTest, StartMutedFollowsTheJoinOrder) {
    options.start_audio_muted = 1;
    options.start_video_muted = 2;
    options.rtcstats_enabled = false;
    three_offered();
    EXPECT_FALSE(offer_to("alice").start_muted);
    EXPECT_EQ(offer_to("bob").start_muted, (stanza::StartMuted{true, false}));
    EXPECT_EQ(offer_to("carol").start_muted, (stanza::StartMuted{true, true}));
    ASSERT_FALSE(colibri.sent.empty());
    EXPECT_TRUE(colibri.sent.front().request.create);
    EXPECT_EQ(colibri.sent.front().request.rtcstats_enabled, std::optional<bool>(false));
}

TEST_F(ConferenceMediaMuteTest, NoStartMutedWithoutTheRequestAskingForIt) {
    three_offered();
    for (const auto* nick : {"alice", "bob", "carol"}) {
        EXPECT_FALSE(offer_to(nick).start_muted) << nick;
    }
}

}  // namespace
}  // namespace jicofo::conference::testing
