// Fakes for ConferenceMedia's ports (participants' Jingle, the bridges' colibri2, bridge selection) and a fixture
// that drives a conference through them: who joined, what the bridges answered, what the clients sent back.
#pragma once

#include "jicofo/colibri/colibri_session_manager.hpp"
#include "jicofo/conference/conference_media.hpp"
#include "jicofo/sources/compact_json.hpp"
#include "jicofo/stanza/namespaces.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace jicofo::conference::testing {

inline stanza::Jid jid(const std::string& text) {
    auto parsed = stanza::Jid::parse(text);
    EXPECT_TRUE(parsed) << text;
    return parsed ? parsed.value() : stanza::Jid{};
}

// The disco#info features of a current lib-jitsi-meet in Chrome (RTX, TCC and REMB on, no SSRC rewriting): the
// Jingle basics, which carry nothing for the offer, and the ones capabilities_from_features reads.
inline std::vector<std::string> lib_jitsi_meet_features() {
    return {
        std::string(stanza::kNsJingle),
        std::string(stanza::kNsJingleRtp),
        std::string(stanza::kNsJingleIceUdp),
        std::string(stanza::kNsJingleDtls),
        "urn:ietf:rfc:5761",  // rtcp-mux
        "urn:ietf:rfc:5888",  // BUNDLE
        std::string(stanza::kFeatureAudio),
        std::string(stanza::kFeatureVideo),
        std::string(stanza::kFeatureSctp),
        std::string(stanza::kFeatureRtx),
        std::string(stanza::kFeatureRemb),
        std::string(stanza::kFeatureTcc),
        std::string(stanza::kFeatureSourceNames),
        std::string(stanza::kFeatureReceiveMultipleStreams),
        std::string(stanza::kFeatureJsonSources),
        std::string(stanza::kFeatureAudioMute),
    };
}

struct SentJingle {
    stanza::Jid to;
    stanza::Jingle jingle;
    std::function<void(JingleReply)> done;
};

// Records what the conference tells participants; disco#info is answered at once from `features`.
class FakeSignaling : public JingleSignaling {
public:
    void send_jingle(const stanza::Jid& to, const stanza::Jingle& jingle,
                     std::function<void(JingleReply)> done) override {
        sent.push_back({to, jingle, std::move(done)});
    }
    void reply(const stanza::Iq& reply) override { replies.push_back(reply); }
    void discover_features(const stanza::Jid& occupant, const core::SharedOptional<stanza::EntityCaps>& caps,
                           std::function<void(std::vector<std::string>)> done) override {
        discovered.push_back(occupant);
        discovered_caps.push_back(caps);
        auto custom = features_of.find(std::string(occupant.resource()));
        done(custom != features_of.end() ? custom->second : features);
    }
    [[nodiscard]] stanza::Jid focus_jid() const override { return jid("focus@auth.meet.test/focus"); }
    void send_mute_notice(const stanza::Jid& to, const stanza::MuteIq& notice) override {
        mute_notices.emplace_back(to, notice);
    }

    // What went to one participant, in order; `action` filters.
    std::vector<SentJingle*> to(const std::string& nick) {
        std::vector<SentJingle*> found;
        for (auto& s : sent) {
            if (s.to.resource() == nick) {
                found.push_back(&s);
            }
        }
        return found;
    }
    std::vector<SentJingle*> to(const std::string& nick, stanza::JingleAction action) {
        std::vector<SentJingle*> found;
        for (auto* s : to(nick)) {
            if (s->jingle.action == action) {
                found.push_back(s);
            }
        }
        return found;
    }

    std::vector<std::string> features = lib_jitsi_meet_features();
    std::map<std::string, std::vector<std::string>> features_of;  // by nick, instead of `features`
    std::vector<stanza::Jid> discovered;
    std::vector<core::SharedOptional<stanza::EntityCaps>> discovered_caps;  // with each discovery, in order
    std::deque<SentJingle> sent;                                            // a deque: pointers handed out stay valid
    std::vector<stanza::Iq> replies;
    std::vector<std::pair<stanza::Jid, stanza::MuteIq>> mute_notices;
};

struct SentColibri {
    stanza::Jid bridge;
    stanza::ConferenceModify request;
    std::function<void(colibri::ColibriReply)> done;
    bool answered = false;

    void answer(colibri::ColibriReply reply) {
        ASSERT_FALSE(answered) << "a colibri request is answered once";
        answered = true;
        done(std::move(reply));
    }
    [[nodiscard]] bool allocates() const {
        return std::any_of(request.endpoints.begin(), request.endpoints.end(), [](const auto& e) { return e.create; });
    }
};

class FakeColibri : public colibri::ColibriTransport {
public:
    void send(const stanza::Jid& bridge, const stanza::ConferenceModify& request,
              std::function<void(colibri::ColibriReply)> done) override {
        sent.push_back({bridge, request, std::move(done), false});
    }
    std::vector<SentColibri*> unanswered() {
        std::vector<SentColibri*> found;
        for (auto& s : sent) {
            if (!s.answered) {
                found.push_back(&s);
            }
        }
        return found;
    }
    // The requests that mention this endpoint, in order.
    std::vector<SentColibri*> about(const std::string& endpoint_id) {
        std::vector<SentColibri*> found;
        for (auto& s : sent) {
            for (const auto& e : s.request.endpoints) {
                if (e.id == endpoint_id) {
                    found.push_back(&s);
                    break;
                }
            }
        }
        return found;
    }
    // The force-mute states sent for an endpoint after its allocation, in order.
    std::vector<stanza::ForceMute> force_mutes(const std::string& endpoint_id) {
        std::vector<stanza::ForceMute> found;
        for (auto* s : about(endpoint_id)) {
            for (const auto& e : s->request.endpoints) {
                if (e.id == endpoint_id && e.force_mute && !e.create) {
                    found.push_back(*e.force_mute);
                }
            }
        }
        return found;
    }
    std::deque<SentColibri> sent;
};

// Selects the first bridge that is not down; a reported failure takes the bridge down, as the registry would.
class FakeAllocator : public colibri::BridgeAllocator {
public:
    void select(const selector::ConferenceBridges& conference, const selector::ParticipantProperties& /*p*/,
                std::function<void(std::optional<colibri::BridgeInfo>, std::string)> done) override {
        conference_sizes.push_back(conference.size());
        for (const auto& bridge : bridges) {
            if (down.count(bridge.id) == 0) {
                selected.push_back(bridge.id);
                done(bridge, "first operational");
                return;
            }
        }
        done(std::nullopt, "no operational bridges");
    }
    void report_failure(const std::string& bridge_id, bool graceful_shutdown) override {
        failures.emplace_back(bridge_id, graceful_shutdown);
        down.insert(bridge_id);
    }
    void endpoints_removed(const std::string& bridge_id, int count) override { removed[bridge_id] += count; }

    std::vector<colibri::BridgeInfo> bridges;
    std::set<std::string> down;
    std::vector<std::string> selected;
    std::vector<std::size_t> conference_sizes;  // how many bridges the conference used at each selection
    std::vector<std::pair<std::string, bool>> failures;
    std::map<std::string, int> removed;
};

inline colibri::BridgeInfo bridge_info(const std::string& nick) {
    auto bridge_jid = jid("jvbbrewery@internal.auth.meet.test/" + nick);
    return colibri::BridgeInfo{bridge_jid.to_string(), bridge_jid, "region-a", std::nullopt};
}

// The bridge's feedback SSRCs: distinct per bridge so that a test can tell which bridge an offer came from.
inline std::uint32_t feedback_audio_ssrc(const stanza::Jid& bridge) {
    return bridge.resource() == "jvb1" ? 101 : 201;
}
inline std::uint32_t feedback_video_ssrc(const stanza::Jid& bridge) {
    return bridge.resource() == "jvb1" ? 102 : 202;
}

// What a bridge answers to an allocation: an ice-udp transport (ufrag "<bridge>-<endpoint>") and an SCTP port for
// every created endpoint, and its feedback sources when the request created the conference.
inline stanza::ConferenceModified allocation_answer(const SentColibri& sent) {
    stanza::ConferenceModified answer;
    for (const auto& requested : sent.request.endpoints) {
        if (!requested.create) {
            continue;
        }
        stanza::Colibri2Endpoint endpoint;
        endpoint.id = requested.id;
        stanza::IceUdpTransport ice;
        ice.ufrag = std::string(sent.bridge.resource()) + "-" + requested.id;
        ice.pwd = "bridge-pwd";
        ice.fingerprints.push_back({"sha-256", "actpass", std::nullopt, "AC:58:3F"});
        ice.candidates.push_back(stanza::IceCandidate{1, "1", 0, "c1", "203.0.113.5", 10000, 2130706431, "udp", "host",
                                                      std::nullopt, std::nullopt, std::nullopt, std::nullopt});
        stanza::Colibri2Transport transport;
        transport.ice_udp = ice;
        transport.sctp = stanza::Colibri2Sctp{5000, stanza::SctpRole::server};
        endpoint.transport = transport;
        answer.endpoints.push_back(endpoint);
    }
    if (sent.request.create) {
        stanza::Colibri2Sources feedback;
        stanza::MediaSource audio;
        audio.type = stanza::MediaType::audio;
        audio.id = "jvb-a0";
        audio.sources.push_back(
            stanza::Source{feedback_audio_ssrc(sent.bridge), "jvb-a0", std::nullopt, std::nullopt, {}});
        stanza::MediaSource video;
        video.type = stanza::MediaType::video;
        video.id = "jvb-v0";
        video.sources.push_back(
            stanza::Source{feedback_video_ssrc(sent.bridge), "jvb-v0", std::nullopt, std::nullopt, {}});
        feedback.media_sources = {audio, video};
        answer.sources = feedback;
    }
    return answer;
}

inline colibri::ColibriReply colibri_timeout() {
    return core::unexpected(colibri::ColibriFailure{colibri::ColibriFailure::Kind::timeout, std::nullopt});
}

// A participant's media in Jingle: what a session-accept or source-add carries.
struct ClientSource {
    std::string media;  // audio, video
    std::uint32_t ssrc = 0;
    std::string name;
    std::string msid;
};

inline std::vector<stanza::JingleContent> client_contents(const std::vector<ClientSource>& sources,
                                                          const std::vector<stanza::SsrcGroup>& video_groups = {}) {
    std::vector<stanza::JingleContent> contents;
    for (const std::string media : {"audio", "video"}) {
        stanza::JingleContent content;
        content.creator = "responder";
        content.name = media;
        content.senders = "both";
        stanza::RtpDescription description;
        description.media = media;
        for (const auto& s : sources) {
            if (s.media == media) {
                description.sources.push_back(
                    stanza::Source{s.ssrc, s.name, std::nullopt, std::nullopt, {{"msid", s.msid}}});
            }
        }
        if (media == "video") {
            description.ssrc_groups = video_groups;
        }
        content.description = description;
        contents.push_back(content);
    }
    return contents;
}

// The SSRCs a Jingle message signals, by owner (endpoint id or "jvb"), read from its <json-message/> or from the
// inline <source/> elements (whose occupant JID owners are reduced to the nick).
inline std::map<std::string, std::set<std::uint32_t>> signalled_ssrcs(const stanza::Jingle& jingle) {
    std::map<std::string, std::set<std::uint32_t>> found;
    if (jingle.json_message) {
        auto decoded = sources::decode_compact_json(jingle.json_message->json);
        EXPECT_TRUE(decoded) << jingle.json_message->json;
        if (decoded) {
            for (const auto& [owner, set] : *decoded) {
                for (const auto& source : set.sources) {
                    found[owner].insert(source.ssrc);
                }
            }
        }
        return found;
    }
    for (const auto& content : jingle.contents) {
        if (!content.description) {
            continue;
        }
        for (const auto& source : content.description->sources) {
            std::string owner = source.owner.value_or("");
            if (auto slash = owner.find('/'); slash != std::string::npos) {
                owner = owner.substr(slash + 1);
            }
            found[owner].insert(source.ssrc);
        }
    }
    return found;
}

// Timers that fire only when the test says so.
class FakeTimers : public MediaTimers {
public:
    void after(std::chrono::milliseconds delay, std::function<void()> fn) override {
        pending.emplace_back(delay, std::move(fn));
    }
    // Fires everything pending now (work scheduled while firing waits for the next call).
    void fire_all() {
        auto due = std::exchange(pending, {});
        for (auto& [delay, fn] : due) {
            fn();
        }
    }
    std::vector<std::pair<std::chrono::milliseconds, std::function<void()>>> pending;
};

class ConferenceMediaTest : public ::testing::Test {
protected:
    ConferenceMediaTest() {
        allocator.bridges = {bridge_info("jvb1"), bridge_info("jvb2")};
        settings.conference.min_participants = 2;
    }

    void start() {
        media = std::make_unique<ConferenceMedia>(signaling, colibri, allocator,
                                                  std::make_shared<const ConferenceMediaSettings>(settings), options,
                                                  room, "meeting-1", &timers);
    }

    [[nodiscard]] xmpp::Member member(const std::string& nick) const {
        xmpp::Member m;
        m.occupant_jid = jid(room.to_string() + "/" + nick);
        m.nick = nick;
        m.muc_role = stanza::MucRole::participant;
        m.role = xmpp::MemberRole::participant;
        m.stats_id = "stats-" + nick;
        return m;
    }
    void join(const std::string& nick) {
        media->participant_joined(std::make_shared<const xmpp::Member>(member(nick)));
    }

    // Alice and Bob on the first bridge with accepted sessions and no sources of their own.
    void alice_and_bob_accepted_without_sources() {
        start();
        join("alice");
        join("bob");
        answer_allocations();
        ASSERT_TRUE(is_result(send("alice", accept("alice", client_contents({})))));
        ASSERT_TRUE(is_result(send("bob", accept("bob", client_contents({})))));
    }

    // Answers every open allocation as the bridge would, until none is left (an answer can release others).
    void answer_allocations() {
        for (auto pending = colibri.unanswered(); !pending.empty(); pending = colibri.unanswered()) {
            bool answered = false;
            for (auto* sent : pending) {
                if (sent->allocates()) {
                    sent->answer(allocation_answer(*sent));
                    answered = true;
                }
            }
            if (!answered) {
                return;
            }
        }
    }

    // The last session-initiate sent to a participant.
    const stanza::Jingle& offer_to(const std::string& nick) {
        auto offers = signaling.to(nick, stanza::JingleAction::session_initiate);
        EXPECT_FALSE(offers.empty()) << "no session-initiate to " << nick;
        static const stanza::Jingle kNone;
        return offers.empty() ? kNone : offers.back()->jingle;
    }

    // A Jingle set from an occupant, handled; returns the one reply it must get.
    // How long the last send() took the conference to answer (its handle_jingle, without building the stanza).
    std::chrono::steady_clock::duration last_handling{};

    stanza::Iq send(const std::string& nick, const stanza::Jingle& jingle) {
        stanza::Iq request;
        request.header.type = stanza::IqType::set;
        request.header.id = "jingle-" + std::to_string(++next_iq_);
        request.header.from = jid(room.to_string() + "/" + nick);
        request.header.to = signaling.focus_jid();
        request.payload = jingle.to_xml();
        const auto before = signaling.replies.size();
        const auto started = std::chrono::steady_clock::now();
        media->handle_jingle(request, jingle);
        last_handling = std::chrono::steady_clock::now() - started;
        EXPECT_EQ(signaling.replies.size(), before + 1) << "every Jingle request gets exactly one reply";
        if (signaling.replies.size() != before + 1) {
            return stanza::Iq{};
        }
        const auto reply = signaling.replies.back();
        EXPECT_EQ(reply.header.id, request.header.id);
        EXPECT_EQ(reply.header.to, request.header.from);
        return reply;
    }

    stanza::Jingle jingle(const std::string& nick, stanza::JingleAction action,
                          std::vector<stanza::JingleContent> contents = {}) {
        stanza::Jingle j;
        j.action = action;
        j.sid = offer_to(nick).sid;
        j.contents = std::move(contents);
        return j;
    }

    // A session-accept with the client's own transport in every content.
    stanza::Jingle accept(const std::string& nick, std::vector<stanza::JingleContent> contents) {
        stanza::IceUdpTransport ice;
        ice.ufrag = nick + "-ufrag";
        ice.pwd = nick + "-pwd";
        ice.fingerprints.push_back({"sha-256", "active", std::nullopt, "11:22:33"});
        for (auto& content : contents) {
            content.transport = ice;
        }
        auto j = jingle(nick, stanza::JingleAction::session_accept, std::move(contents));
        j.responder = jid(room.to_string() + "/" + nick);
        return j;
    }

    static bool is_result(const stanza::Iq& reply) { return reply.header.type == stanza::IqType::result; }
    static std::optional<stanza::ErrorCondition> condition(const stanza::Iq& reply) {
        return reply.error ? std::optional(reply.error->condition) : std::nullopt;
    }

    std::optional<std::string> bridge_session_of(const std::string& bridge_nick) {
        for (const auto& session : media->snapshot().colibri.sessions) {
            if (session.bridge_id == bridge_info(bridge_nick).id) {
                return session.session_id;
            }
        }
        return std::nullopt;
    }

    FakeSignaling signaling;
    FakeTimers timers;
    FakeColibri colibri;
    FakeAllocator allocator;
    ConferenceMediaSettings settings;
    ConferenceOptions options;  // of the creating request
    stanza::Jid room = jid("room1@conference.meet.test");
    std::unique_ptr<ConferenceMedia> media;
    int next_iq_ = 0;
};

}  // namespace jicofo::conference::testing
