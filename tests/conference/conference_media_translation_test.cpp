// Live translation in ConferenceMedia (Jicofo's ConferenceTranslationManager): the sender's synthetic sources in
// the source map and on its bridge, the translator connects, and the re-application when the sender's audio or the
// sender goes; participants are not sent source-add or source-remove for synthetic sources.
#include "conference_media_fixture.hpp"

#include <gtest/gtest.h>

namespace jicofo::conference::testing {
namespace {

using stanza::JingleAction;
using Ssrcs = std::set<std::uint32_t>;

std::vector<stanza::JingleContent> alice_microphone() {
    return client_contents({{"audio", 1111, "alice-a0", "alice-mic alice-audio"}});
}

// What a colibri2 endpoint update says of its media sources: id -> (synthetic, SSRCs).
struct MediaSourceSeen {
    bool synthetic = false;
    Ssrcs ssrcs;
    bool operator==(const MediaSourceSeen&) const = default;
};
using SourcesSeen = std::map<std::string, MediaSourceSeen>;

class ConferenceMediaTranslation : public ConferenceMediaTest {
protected:
    // Alice (with her microphone) and Bob (without sources) active on jvb1.
    void alice_and_bob_active() {
        start();
        join("alice");
        join("bob");
        answer_allocations();
        ASSERT_TRUE(is_result(send("bob", accept("bob", client_contents({})))));
        ASSERT_TRUE(is_result(send("alice", accept("alice", alice_microphone()))));
    }

    // The connects builder the feature would pass: one connect per sender on its bridge, recording what it was
    // asked for.
    void translate(media::TranslationRequestMap requests) {
        TranslationWanted wanted;
        wanted.requests = std::move(requests);
        wanted.connects = [this](const std::vector<media::TranslationRequest>& asked) {
            asked_.push_back(asked);
            std::vector<colibri::WantedConnect> connects;
            for (const auto& request : asked) {
                colibri::WantedConnect wanted_connect;
                wanted_connect.connect.id = "translator-" + request.source_name + "-0";
                wanted_connect.connect.url = "wss://translator.test/meeting-1";
                wanted_connect.connect.type = stanza::ConnectType::translator;
                wanted_connect.connect.audio = true;
                wanted_connect.connect.exports = {request.source_name};
                wanted_connect.connect.requests = request.synthetic_source_names;
                wanted_connect.on_bridge_of_endpoint = request.sender_endpoint_id;
                connects.push_back(std::move(wanted_connect));
            }
            return connects;
        };
        media->set_translation(std::move(wanted));
    }

    // The media sources of the last update about `endpoint_id` sent since `since` (nullopt: none).
    std::optional<SourcesSeen> last_sources_update(const std::string& endpoint_id, std::size_t since) {
        std::optional<SourcesSeen> seen;
        for (std::size_t i = since; i < colibri.sent.size(); ++i) {
            for (const auto& endpoint : colibri.sent[i].request.endpoints) {
                if (endpoint.id != endpoint_id || !endpoint.sources) {
                    continue;
                }
                seen.emplace();
                for (const auto& media_source : endpoint.sources->media_sources) {
                    auto& entry = (*seen)[media_source.id];
                    entry.synthetic = media_source.synthetic;
                    for (const auto& s : media_source.sources) {
                        entry.ssrcs.insert(s.ssrc);
                    }
                }
            }
        }
        return seen;
    }

    // Connect changes sent since `since`: id -> "create"/"update"/"expire" (the last one for each id).
    std::map<std::string, std::string> connect_changes(std::size_t since) {
        std::map<std::string, std::string> changes;
        for (std::size_t i = since; i < colibri.sent.size(); ++i) {
            if (!colibri.sent[i].request.connects) {
                continue;
            }
            for (const auto& connect : *colibri.sent[i].request.connects) {
                changes[connect.id] = connect.expire ? "expire" : connect.create ? "create" : "update";
            }
        }
        return changes;
    }

    std::uint32_t synthetic_ssrc(const SourcesSeen& seen, const std::string& id) {
        const auto found = seen.find(id);
        EXPECT_TRUE(found != seen.end()) << id;
        return found == seen.end() || found->second.ssrcs.empty() ? 0 : *found->second.ssrcs.begin();
    }

    std::vector<std::vector<media::TranslationRequest>> asked_;
};

TEST_F(ConferenceMediaTranslation, RequestedLanguagesBecomeSyntheticSourcesOnTheSendersBridgeAndAConnect) {
    alice_and_bob_active();
    const auto before = colibri.sent.size();
    const auto adds_to_bob = signaling.to("bob", JingleAction::source_add).size();

    translate({{"alice", {"es", "fr"}}});

    const auto seen = last_sources_update("alice", before);
    ASSERT_TRUE(seen);
    ASSERT_EQ(seen->size(), 3U);
    EXPECT_EQ(seen->at("alice-a0"), (MediaSourceSeen{false, {1111}}));
    EXPECT_TRUE(seen->at("alice-a0.es").synthetic);
    EXPECT_TRUE(seen->at("alice-a0.fr").synthetic);
    const auto es = synthetic_ssrc(*seen, "alice-a0.es");
    const auto fr = synthetic_ssrc(*seen, "alice-a0.fr");
    EXPECT_NE(es, 0U);
    EXPECT_NE(fr, 0U);
    EXPECT_NE(es, fr);
    EXPECT_NE(es, 1111U);
    EXPECT_EQ(colibri.sent.back().bridge, allocator.bridges[0].jid);

    ASSERT_FALSE(asked_.empty());
    EXPECT_EQ(asked_.back(),
              (std::vector<media::TranslationRequest>{{"alice", "alice-a0", {"alice-a0.es", "alice-a0.fr"}}}));
    EXPECT_EQ(connect_changes(before), (std::map<std::string, std::string>{{"translator-alice-a0-0", "create"}}));
    // As in Jicofo: the other participants get no source-add for synthetic sources.
    EXPECT_EQ(signaling.to("bob", JingleAction::source_add).size(), adds_to_bob);
    EXPECT_EQ(media->snapshot().conference_sources, 3U);

    // The same request again changes nothing.
    const auto after_first = colibri.sent.size();
    translate({{"alice", {"fr", "es"}}});
    EXPECT_EQ(colibri.sent.size(), after_first);

    // A language swapped: the kept one keeps its SSRC, the connect is updated.
    translate({{"alice", {"es", "de"}}});
    const auto swapped = last_sources_update("alice", after_first);
    ASSERT_TRUE(swapped);
    EXPECT_EQ(swapped->size(), 3U);
    EXPECT_EQ(synthetic_ssrc(*swapped, "alice-a0.es"), es);
    EXPECT_EQ(swapped->count("alice-a0.fr"), 0U);
    EXPECT_TRUE(swapped->at("alice-a0.de").synthetic);
    EXPECT_EQ(connect_changes(after_first), (std::map<std::string, std::string>{{"translator-alice-a0-0", "update"}}));
}

TEST_F(ConferenceMediaTranslation, DroppedRequestRemovesTheSourcesAndExpiresTheConnect) {
    alice_and_bob_active();
    translate({{"alice", {"es"}}});
    const auto before = colibri.sent.size();
    const auto removes_to_bob = signaling.to("bob", JingleAction::source_remove).size();

    translate({});

    const auto seen = last_sources_update("alice", before);
    ASSERT_TRUE(seen);
    EXPECT_EQ(*seen, (SourcesSeen{{"alice-a0", {false, {1111}}}}));
    EXPECT_EQ(connect_changes(before), (std::map<std::string, std::string>{{"translator-alice-a0-0", "expire"}}));
    EXPECT_EQ(signaling.to("bob", JingleAction::source_remove).size(), removes_to_bob);
    EXPECT_EQ(media->snapshot().conference_sources, 1U);
}

TEST_F(ConferenceMediaTranslation, RequestBeforeTheSendersAudioIsAppliedWhenItComes) {
    start();
    join("alice");
    join("bob");
    answer_allocations();
    ASSERT_TRUE(is_result(send("bob", accept("bob", client_contents({})))));
    translate({{"alice", {"es"}}});
    EXPECT_TRUE(asked_.empty()) << "alice has no audio source yet: no connect";
    const auto before = colibri.sent.size();

    ASSERT_TRUE(is_result(send("alice", accept("alice", alice_microphone()))));

    const auto seen = last_sources_update("alice", before);
    ASSERT_TRUE(seen);
    EXPECT_TRUE(seen->count("alice-a0.es") == 1 && seen->at("alice-a0.es").synthetic);
    EXPECT_EQ(connect_changes(before), (std::map<std::string, std::string>{{"translator-alice-a0-0", "create"}}));
    // Bob hears of alice's microphone only.
    const auto adds = signaling.to("bob", JingleAction::source_add);
    ASSERT_EQ(adds.size(), 1U);
    EXPECT_EQ(signalled_ssrcs(adds[0]->jingle), (std::map<std::string, Ssrcs>{{"alice", {1111}}}));
}

TEST_F(ConferenceMediaTranslation, SendersAudioRemovedTakesTheSyntheticSourcesAndConnect) {
    alice_and_bob_active();
    translate({{"alice", {"es"}}});
    const auto before = colibri.sent.size();

    ASSERT_TRUE(is_result(send("alice", jingle("alice", JingleAction::source_remove, alice_microphone()))));

    const auto seen = last_sources_update("alice", before);
    ASSERT_TRUE(seen);
    EXPECT_TRUE(seen->empty()) << "neither the microphone nor its translation is left";
    EXPECT_EQ(connect_changes(before), (std::map<std::string, std::string>{{"translator-alice-a0-0", "expire"}}));
    // Bob is told of the microphone only.
    const auto removes = signaling.to("bob", JingleAction::source_remove);
    ASSERT_EQ(removes.size(), 1U);
    EXPECT_EQ(signalled_ssrcs(removes[0]->jingle), (std::map<std::string, Ssrcs>{{"alice", {1111}}}));

    // The microphone back: the translation is back, with a connect again.
    const auto readded = colibri.sent.size();
    ASSERT_TRUE(is_result(send("alice", jingle("alice", JingleAction::source_add, alice_microphone()))));
    const auto again = last_sources_update("alice", readded);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->count("alice-a0.es"), 1U);
    EXPECT_EQ(connect_changes(readded), (std::map<std::string, std::string>{{"translator-alice-a0-0", "create"}}));
}

TEST_F(ConferenceMediaTranslation, SenderLeavingExpiresTheConnect) {
    alice_and_bob_active();
    translate({{"alice", {"es"}}});
    const auto before = colibri.sent.size();

    media->participant_left("alice");

    EXPECT_EQ(connect_changes(before), (std::map<std::string, std::string>{{"translator-alice-a0-0", "expire"}}));
    EXPECT_EQ(media->snapshot().conference_sources, 0U);

    // Alice back with the same request still in the metadata: translated again once her audio is there.
    join("alice");
    answer_allocations();
    const auto rejoined = colibri.sent.size();
    ASSERT_TRUE(is_result(send("alice", accept("alice", alice_microphone()))));
    EXPECT_EQ(connect_changes(rejoined), (std::map<std::string, std::string>{{"translator-alice-a0-0", "create"}}));
}

TEST_F(ConferenceMediaTranslation, ALaterJoinerFindsTheSyntheticSourcesInItsOffer) {
    alice_and_bob_active();
    translate({{"alice", {"es"}}});
    const auto seen = last_sources_update("alice", 0);
    ASSERT_TRUE(seen);
    const auto es = synthetic_ssrc(*seen, "alice-a0.es");

    join("carol");
    answer_allocations();

    // Jicofo offers the conference's source map, synthetic sources included.
    EXPECT_EQ(signalled_ssrcs(offer_to("carol"))["alice"], (Ssrcs{1111, es}));
}

TEST_F(ConferenceMediaTranslation, ASenderCannotClaimASyntheticSsrc) {
    alice_and_bob_active();
    translate({{"alice", {"es"}}});
    const auto seen = last_sources_update("alice", 0);
    ASSERT_TRUE(seen);
    const auto es = synthetic_ssrc(*seen, "alice-a0.es");

    const auto reply = send("bob", jingle("bob", JingleAction::source_add,
                                          client_contents({{"audio", es, "bob-a0", "bob-mic bob-audio"}})));
    EXPECT_EQ(condition(reply), stanza::ErrorCondition::bad_request);
}

TEST_F(ConferenceMediaTranslation, NoConnectsBuilderStillKeepsTheSources) {
    alice_and_bob_active();
    const auto before = colibri.sent.size();
    TranslationWanted wanted;
    wanted.requests = {{"alice", {"es"}}};
    media->set_translation(std::move(wanted));
    const auto seen = last_sources_update("alice", before);
    ASSERT_TRUE(seen);
    EXPECT_EQ(seen->count("alice-a0.es"), 1U);
    EXPECT_TRUE(connect_changes(before).empty());
}

}  // namespace
}  // namespace jicofo::conference::testing
