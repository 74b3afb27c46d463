// Entity capabilities through the binary, with a real Prosody, an emulated bridge and emulated participants: the
// focus asks a client version's features once (disco#info to the first participant), answers the next participants
// with that version from its cache, and never lets a participant whose caps lie stand for anyone else.
#include "integration/media_session_fixture.hpp"

#include <algorithm>

namespace jicofo::testing {
namespace {

const std::vector<std::string> kFeatures = lib_jitsi_meet_peer_features();
constexpr const char* kRtx = "urn:ietf:rfc:4588";

class CapsCacheTest : public MediaSessionTest {
protected:
    // A participant that connects, asks for the room and joins it with `options` (features, caps...).
    void join(const std::string& name, const nlohmann::json& options = nlohmann::json::object()) {
        connect_participant(name);
        enter_room(name, room_, name + "1", options);
    }

    // The disco#info requests each participant reported so far (they are consumed; other events stay queued). A
    // participant reports the request before answering it, so before its offer: call this after the offers.
    std::map<std::string, int> disco_requests() {
        std::map<std::string, int> count;
        const auto is_disco = [](const std::string& line) { return PeerProcess::is_event(line, "disco_info"); };
        while (const auto line = participants_->wait_for(is_disco, 0ms)) {
            const auto event = nlohmann::json::parse(*line);
            EXPECT_EQ(event.value("from", ""), room_ + "/focus") << *line;  // relayed by the room
            ++count[event.value("name", "")];
        }
        return count;
    }

    // Whether the participant's offer has RTX for video, which only its features can have asked for.
    static bool offers_rtx(const nlohmann::json& offer) {
        const auto video = offer["codecs"].value("video", nlohmann::json::array());
        return std::find(video.begin(), video.end(), "rtx") != video.end();
    }

    nlohmann::json caps_cache() { return rest_json("/debug").value("caps_cache", nlohmann::json::object()); }
};

TEST_F(CapsCacheTest, ParticipantsWithTheSameCapsAreAskedOnceAndAllGetSessions) {
    jvb1_ = start_bridge("jvb1", "eu-west");
    ASSERT_TRUE(jvb1_);
    const nlohmann::json honest = {{"features", kFeatures}};
    join("alice", honest);
    join("bob", honest);
    const auto alice_offer = next("session_initiate", "alice");
    const auto bob_offer = next("session_initiate", "bob");
    EXPECT_TRUE(offers_rtx(alice_offer)) << alice_offer.dump();
    EXPECT_TRUE(offers_rtx(bob_offer)) << bob_offer.dump();
    // Both were invited together: one was asked, the other waited for that answer.
    auto asked = disco_requests();
    EXPECT_EQ(asked["alice"] + asked["bob"], 1) << participants_->transcript();

    join("carol", honest);
    const auto carol_offer = next("session_initiate", "carol");
    EXPECT_TRUE(offers_rtx(carol_offer)) << carol_offer.dump();
    EXPECT_EQ(disco_requests()["carol"], 0) << "carol's version was known: no disco#info for her";
    for (const std::string name : {"alice", "bob", "carol"}) {
        EXPECT_EQ(next("jingle_reply", name)["type"], "result") << name;  // every session was accepted
    }

    const auto cache = caps_cache();
    EXPECT_EQ(cache.value("entries", -1), 1) << cache.dump();
    EXPECT_EQ(cache.value("stored", -1), 1) << cache.dump();
    EXPECT_EQ(cache.value("hits", 0) + cache.value("waited", 0), 2) << cache.dump();
    EXPECT_EQ(cache.value("verification_failures", -1), 0) << cache.dump();
}

TEST_F(CapsCacheTest, CapsThatLieAreNotCachedAndHonestParticipantsGetTheirOwnFeatures) {
    jvb1_ = start_bridge("jvb1", "eu-west");
    ASSERT_TRUE(jvb1_);
    // Dave has no caps (asked, never cached); he is there so that the liar is invited alone.
    join("dave", {{"caps", false}, {"features", kFeatures}});
    // The liar announces the ver of the full set but answers without RTX.
    auto without_rtx = kFeatures;
    without_rtx.erase(std::remove(without_rtx.begin(), without_rtx.end(), kRtx), without_rtx.end());
    join("mallory", {{"features", without_rtx}, {"caps_features", kFeatures}});
    const auto mallory_offer = next("session_initiate", "mallory");
    EXPECT_FALSE(offers_rtx(mallory_offer)) << "her own answer is used for her: " << mallory_offer.dump();
    next("session_initiate", "dave");
    auto asked = disco_requests();
    EXPECT_EQ(asked["mallory"], 1);
    EXPECT_EQ(asked["dave"], 1);

    // The first honest participant with that version is asked (the lie was not kept) and gets RTX.
    join("bob", {{"features", kFeatures}});
    const auto bob_offer = next("session_initiate", "bob");
    EXPECT_TRUE(offers_rtx(bob_offer)) << bob_offer.dump();
    EXPECT_EQ(disco_requests()["bob"], 1) << participants_->transcript();

    // The next one is answered from bob's verified answer.
    join("carol", {{"features", kFeatures}});
    const auto carol_offer = next("session_initiate", "carol");
    EXPECT_TRUE(offers_rtx(carol_offer)) << carol_offer.dump();
    EXPECT_EQ(disco_requests()["carol"], 0);

    // A version whose algorithm we do not accept is asked every time, whatever it claims.
    join("erin", {{"features", kFeatures}, {"caps_hash", "md5"}});
    next("session_initiate", "erin");
    EXPECT_EQ(disco_requests()["erin"], 1);

    const auto cache = caps_cache();
    EXPECT_EQ(cache.value("verification_failures", -1), 1) << cache.dump();
    EXPECT_EQ(cache.value("stored", -1), 1) << cache.dump();
    EXPECT_EQ(cache.value("entries", -1), 1) << cache.dump();
    EXPECT_EQ(cache.value("hits", -1), 1) << cache.dump();
    EXPECT_EQ(cache.value("uncacheable", -1), 2) << "dave and erin: " << cache.dump();
}

}  // namespace
}  // namespace jicofo::testing
