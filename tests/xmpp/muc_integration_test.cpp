// MucRoom against a real Prosody and slixmpp peers: join and configuration, members from Jitsi presence, admin
// requests, our presence, join errors, and the automatic re-join after the server crashed and came back.
#include "jicofo/stanza/jitsi_presence.hpp"
#include "jicofo/xmpp/muc_room.hpp"
#include "jicofo/xmpp/xmpp_connection.hpp"

#include "xmpp/muc_test_util.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>

using namespace std::chrono_literals;
using namespace jicofo::xmpp;
using namespace jicofo::xmpp::testing;
using jicofo::stanza::Jid;
using jicofo::testing::PeerProcess;
using nlohmann::json;

namespace {

const std::string kRoom = "room1@conference.meet.test";

struct Focus {
    IoThread io;
    Strand strand = io.make_strand();
    std::unique_ptr<XmppConnection> connection;
    Recorder<MucEvent> events;
    std::unique_ptr<MucRoom> room;
    jicofo::xmpp::PresenceExtensions joined_with;  // what the last join() was given

    explicit Focus(const jicofo::testing::ProsodyFixture& prosody)
        : connection(std::make_unique<XmppConnection>(focus_settings(prosody))) {
        connection->start();
    }
    ~Focus() {
        run_on(strand, [this] { room.reset(); });
        connection->stop();
    }

    bool connected() const { return connection->status().state == ConnectionState::connected; }

    void make_room(const std::string& jid, std::vector<std::string> trusted = {},
                   const std::function<void(MucRoomSettings&)>& adjust = {}) {
        MucRoomSettings settings;
        settings.room = Jid::parse(jid).value();
        settings.member_options.trusted_domains = std::move(trusted);
        if (adjust) {
            adjust(settings);
        }
        run_on(strand, [&] {
            room =
                std::make_unique<MucRoom>(*connection, strand, settings, [this](const MucEvent& e) { events.push(e); });
        });
    }

    std::optional<JoinResult> join(const std::string& nick, std::vector<jicofo::stanza::XmlElement> extensions = {}) {
        auto promise = std::make_shared<std::promise<JoinResult>>();
        joined_with = std::make_shared<const std::vector<jicofo::stanza::XmlElement>>(std::move(extensions));
        run_on(strand, [&] {
            room->join(nick, std::nullopt, joined_with, [promise](const JoinResult& r) { promise->set_value(r); });
        });
        auto future = promise->get_future();
        if (future.wait_for(10s) != std::future_status::ready) {
            return std::nullopt;
        }
        return future.get();
    }

    // Runs an admin request and waits for its completion: nullopt error on success.
    template <typename Request>
    std::optional<std::optional<IqError>> admin(Request request) {
        auto promise = std::make_shared<std::promise<std::optional<IqError>>>();
        run_on(strand, [&] { request(*room, [promise](const std::optional<IqError>& e) { promise->set_value(e); }); });
        auto future = promise->get_future();
        if (future.wait_for(10s) != std::future_status::ready) {
            return std::nullopt;
        }
        return future.get();
    }
};

std::unique_ptr<PeerProcess> joined_peer(const jicofo::testing::ProsodyFixture& prosody, const std::string& name,
                                         const std::string& jid, const std::string& nick, const std::string& xml,
                                         const std::string& password = "", bool reconnect = false) {
    auto peer = jicofo::testing::start_peer(name);
    if (!peer) {
        return nullptr;
    }
    auto command = jicofo::testing::connect_command(prosody, jid, password);
    if (reconnect) {
        command["reconnect"] = true;
        command["timeout"] = 20;
    }
    if (jicofo::testing::connect_peer(*peer, prosody, command).empty()) {
        return nullptr;
    }
    auto joined = peer->request(json{{"cmd", "join"}, {"room", kRoom}, {"nick", nick}, {"presence_xml", xml}}.dump(),
                                "joined", 10s);
    EXPECT_TRUE(joined && PeerProcess::is_event(*joined, "joined")) << peer->transcript() << prosody.log_text();
    return peer;
}

// A presence event from `from` whose XML contains `needle`.
PeerProcess::Predicate presence_from(const std::string& from, const std::string& needle) {
    return [from, needle](const std::string& line) {
        if (!PeerProcess::is_event(line, "presence")) {
            return false;
        }
        const auto event = json::parse(line);
        return event.value("from", "") == from && event.value("xml", "").find(needle) != std::string::npos;
    };
}

auto by_nick(const std::string& nick) {
    return [nick](const auto& e) { return e.member->nick == nick; };
}

}  // namespace

TEST(MucIntegration, FocusCreatesAndConfiguresTheRoomAndTracksParticipants) {
    auto prosody = jicofo::testing::start_prosody(prosody_options({"jibri"}));
    ASSERT_TRUE(prosody);
    Focus focus(*prosody);
    ASSERT_TRUE(eventually([&] { return focus.connected(); })) << prosody->log_text();
    focus.make_room(kRoom, {"auth.meet.test"});

    auto joined = focus.join("focus", {jicofo::stanza::Etherpad{"room1"}.to_xml()});
    ASSERT_TRUE(joined) << prosody->log_text();
    ASSERT_TRUE(joined->has_value()) << joined->error().message();
    EXPECT_TRUE((*joined)->created);
    EXPECT_TRUE((*joined)->configured);
    EXPECT_EQ((*joined)->own_role, MemberRole::owner);
    EXPECT_FALSE((*joined)->info.meeting_id);  // Prosody's own MUC has no meetingId: absent, not an error
    EXPECT_FALSE((*joined)->info.is_breakout);

    // A client joins with what lib-jitsi-meet puts in presence.
    auto alice =
        joined_peer(*prosody, "alice", "meet.test", "a1",
                    "<stats-id>Makayla-XEx</stats-id><jitsi_participant_region>us-east-1</jitsi_participant_region>"
                    "<features><feature var='http://jitsi.org/protocol/jigasi'/></features>"
                    R"(<SourceInfo>{"a1-a0":{"muted":true},"a1-v0":{"muted":false}}</SourceInfo>)"
                    "<nick xmlns='http://jabber.org/protocol/nick'>Alice</nick>"
                    "<jitsi_participant_codecList>vp9,h264</jitsi_participant_codecList>");
    ASSERT_TRUE(alice);
    // whois=anyone: the client sees the focus's real JID, which is how it recognises the focus.
    EXPECT_TRUE(alice->wait_for(presence_from(kRoom + "/focus", "focus@auth.meet.test/focus"), 5s))
        << alice->transcript();

    auto a1 = wait_event<MemberJoined>(focus.events, by_nick("a1"));
    ASSERT_TRUE(a1) << prosody->log_text();
    const Member& m = *a1->member;
    EXPECT_EQ(m.occupant_jid.to_string(), kRoom + "/a1");
    ASSERT_TRUE(m.real_jid);
    EXPECT_EQ(m.real_jid->domain(), "meet.test");
    EXPECT_EQ(m.role, MemberRole::participant);
    EXPECT_EQ(m.stats_id, "Makayla-XEx");
    EXPECT_EQ(m.region, "us-east-1");
    EXPECT_EQ(m.display_name, "Alice");
    EXPECT_TRUE(m.audio_muted);
    EXPECT_FALSE(m.video_muted);
    EXPECT_EQ(m.video_codecs, (std::vector<std::string>{"vp9", "h264", "vp8"}));
    EXPECT_EQ(m.features, (std::vector<std::string>{"http://jitsi.org/protocol/jigasi"}));
    EXPECT_FALSE(m.is_jigasi);  // meet.test is not a trusted domain

    // Presence change → member_updated.
    ASSERT_TRUE(
        alice->request(json{{"cmd", "presence"},
                            {"room", kRoom},
                            {"xml", R"(<SourceInfo>{"a1-a0":{"muted":false},"a1-v0":{"muted":false}}</SourceInfo>)"
                                    "<stats-id>Makayla-XEx</stats-id>"}}
                           .dump(),
                       "done", 5s));
    auto updated = wait_event<MemberUpdated>(
        focus.events, [](const MemberUpdated& e) { return e.member->nick == "a1" && !e.member->audio_muted; });
    ASSERT_TRUE(updated);

    // The focus grants ownership; the client sees its new affiliation.
    auto grant = focus.admin([&](MucRoom& room, AdminCallback done) {
        room.grant_affiliation(*m.real_jid, jicofo::stanza::MucAffiliation::owner, std::move(done));
    });
    ASSERT_TRUE(grant);
    EXPECT_FALSE(*grant) << (*grant)->message();
    EXPECT_TRUE(alice->wait_for(presence_from(kRoom + "/a1", "affiliation=\"owner\""), 5s)) << alice->transcript();
    EXPECT_TRUE(wait_event<MemberUpdated>(focus.events, [](const MemberUpdated& e) {
        return e.member->nick == "a1" && e.member->role == MemberRole::owner;
    }));

    // Jibri from a trusted domain.
    auto jibri = joined_peer(*prosody, "jibri", "jibri@auth.meet.test", "jibri1",
                             "<features><feature var='http://jitsi.org/protocol/jibri'/></features>", "jibri-secret");
    ASSERT_TRUE(jibri);
    auto jibri_joined = wait_event<MemberJoined>(focus.events, by_nick("jibri1"));
    ASSERT_TRUE(jibri_joined);
    EXPECT_TRUE(jibri_joined->member->is_jibri);

    // Kick → member_kicked; the peer learns it was kicked.
    auto kick = focus.admin([](MucRoom& room, AdminCallback done) { room.kick("jibri1", "test", std::move(done)); });
    ASSERT_TRUE(kick);
    EXPECT_FALSE(*kick);
    EXPECT_TRUE(wait_event<MemberKicked>(focus.events, by_nick("jibri1")));
    EXPECT_TRUE(jibri->wait_for("kicked", 5s)) << jibri->transcript();

    // Malformed extensions: logged and skipped, the member is still tracked and the room keeps going.
    auto bob = joined_peer(*prosody, "bob", "meet.test", "b1",
                           "<SourceInfo>not json</SourceInfo><audiomuted>perhaps</audiomuted><stats-id>bob</stats-id>");
    ASSERT_TRUE(bob);
    auto b1 = wait_event<MemberJoined>(focus.events, by_nick("b1"));
    ASSERT_TRUE(b1);
    EXPECT_EQ(b1->member->stats_id, "bob");
    EXPECT_TRUE(b1->member->audio_muted);

    // Our own presence: an extension replaced and re-sent.
    run_on(focus.strand, [&] { focus.room->set_presence_extension(jicofo::stanza::Etherpad{"changed-pad"}.to_xml()); });
    EXPECT_TRUE(bob->wait_for(presence_from(kRoom + "/focus", "changed-pad"), 5s)) << bob->transcript();
    // The extensions given to join() may be shared by other rooms: the change went to this room's own copy.
    EXPECT_EQ(*focus.joined_with, std::vector{jicofo::stanza::Etherpad{"room1"}.to_xml()});

    // Leaving → member_left, in order after everything above.
    ASSERT_TRUE(alice->request(json{{"cmd", "leave"}, {"room", kRoom}}.dump(), "left", 5s));
    EXPECT_TRUE(wait_event<MemberLeft>(focus.events, by_nick("a1")));
    EXPECT_EQ(run_on(focus.strand, [&] { return focus.room->member_count(); }), 1U);

    // The focus leaves; the server confirms.
    auto left = std::make_shared<std::promise<bool>>();
    run_on(focus.strand, [&] { focus.room->leave([left](bool confirmed) { left->set_value(confirmed); }); });
    auto left_future = left->get_future();
    ASSERT_EQ(left_future.wait_for(5s), std::future_status::ready);
    EXPECT_TRUE(left_future.get());
    EXPECT_TRUE(bob->wait_for(
        [](const std::string& line) {
            return PeerProcess::is_event(line, "presence") &&
                   PeerProcess::has_field(line, "from", "room1@conference.meet.test/focus") &&
                   PeerProcess::has_field(line, "type", "unavailable");
        },
        5s));
    for (auto* peer : {alice.get(), bob.get(), jibri.get()}) {
        for (const auto& line : peer->take_all()) {
            EXPECT_FALSE(PeerProcess::is_event(line, "protocol_violation")) << line;
        }
    }
}

TEST(MucIntegration, NickInUseIsAJoinError) {
    auto prosody = jicofo::testing::start_prosody(prosody_options());
    ASSERT_TRUE(prosody);
    Focus focus(*prosody);
    ASSERT_TRUE(eventually([&] { return focus.connected(); })) << prosody->log_text();
    auto squatter = joined_peer(*prosody, "squatter", "meet.test", "focus", "");
    ASSERT_TRUE(squatter);
    focus.make_room(kRoom);
    auto joined = focus.join("focus");
    ASSERT_TRUE(joined);
    ASSERT_FALSE(joined->has_value());
    EXPECT_EQ(joined->error(), make_error_code(MucErrc::nick_in_use)) << joined->error().message();
    EXPECT_FALSE(run_on(focus.strand, [&] { return focus.room->joined(); }));
}

TEST(MucIntegration, RejoinsByItselfAfterTheServerCrashedAndCameBack) {
    auto prosody = jicofo::testing::start_prosody(prosody_options());
    ASSERT_TRUE(prosody);
    Focus focus(*prosody);
    ASSERT_TRUE(eventually([&] { return focus.connected(); })) << prosody->log_text();
    focus.make_room(kRoom);
    auto joined = focus.join("focus", {jicofo::stanza::Etherpad{"pad-before-crash"}.to_xml()});
    ASSERT_TRUE(joined && joined->has_value());
    auto alice = joined_peer(*prosody, "alice", "meet.test", "a1", "<stats-id>alice</stats-id>", "", true);
    ASSERT_TRUE(alice);
    ASSERT_TRUE(wait_event<MemberJoined>(focus.events, by_nick("a1")));

    prosody->kill();
    std::this_thread::sleep_for(500ms);
    ASSERT_TRUE(prosody->restart());
    const auto back = std::chrono::steady_clock::now();

    // The room is re-joined (and configured again) without any call from the owner; alice is gone meanwhile.
    auto rejoined = wait_event<Rejoined>(focus.events, {}, 10s);
    ASSERT_TRUE(rejoined) << prosody->log_text();
    ASSERT_TRUE(rejoined->result.has_value()) << rejoined->result.error().message();
    EXPECT_TRUE(rejoined->result->created);
    EXPECT_TRUE(rejoined->result->configured);
    EXPECT_LT(std::chrono::steady_clock::now() - back, 10s);
    EXPECT_TRUE(wait_event<MemberLeft>(focus.events, by_nick("a1"), 1s));

    // The client reconnects and joins again: seen again, and it sees our last presence.
    ASSERT_TRUE(alice->wait_for(
        [](const std::string& line) {
            return PeerProcess::is_event(line, "connected") && line.find("reconnected") != std::string::npos;
        },
        15s))
        << alice->transcript();
    ASSERT_TRUE(alice->request(
        json{{"cmd", "join"}, {"room", kRoom}, {"nick", "a1"}, {"presence_xml", "<stats-id>alice</stats-id>"}}.dump(),
        "joined", 10s));
    auto again = wait_event<MemberJoined>(focus.events, by_nick("a1"));
    ASSERT_TRUE(again);
    EXPECT_EQ(again->member->stats_id, "alice");
    EXPECT_TRUE(alice->wait_for(presence_from(kRoom + "/focus", "pad-before-crash"), 5s)) << alice->transcript();
    EXPECT_TRUE(run_on(focus.strand, [&] { return focus.room->joined(); }));
}

// A visitor node's room: when its server dies the room is gone with it, so it is given up (every member left, then
// Left{session_lost}) rather than re-joined: here after the connection has been down for lost_after_disconnect,
// without waiting for the server to come back.
TEST(MucIntegration, ARoomThatDoesNotRejoinIsLostWithItsServer) {
    auto prosody = jicofo::testing::start_prosody(prosody_options());
    ASSERT_TRUE(prosody);
    Focus focus(*prosody);
    ASSERT_TRUE(eventually([&] { return focus.connected(); })) << prosody->log_text();
    focus.make_room(kRoom, {}, [](MucRoomSettings& settings) {
        settings.rejoin_after_fresh_session = false;
        settings.lost_after_disconnect = 1s;
    });
    auto joined = focus.join("focus");
    ASSERT_TRUE(joined && joined->has_value());
    auto alice = joined_peer(*prosody, "alice", "meet.test", "a1", "<stats-id>alice</stats-id>", "", true);
    ASSERT_TRUE(alice);
    ASSERT_TRUE(wait_event<MemberJoined>(focus.events, by_nick("a1")));

    prosody->kill();
    EXPECT_TRUE(wait_event<MemberLeft>(focus.events, by_nick("a1"), 10s));
    auto left = wait_event<Left>(focus.events, {}, 5s);
    ASSERT_TRUE(left);
    EXPECT_EQ(left->reason, LeaveReason::session_lost);
    EXPECT_FALSE(run_on(focus.strand, [&] { return focus.room->joined(); }));

    // Back up: nothing is re-joined.
    ASSERT_TRUE(prosody->restart());
    ASSERT_TRUE(eventually([&] { return focus.connected(); }, 20s)) << prosody->log_text();
    EXPECT_FALSE(wait_event<Rejoined>(focus.events, {}, 2s));
    EXPECT_FALSE(run_on(focus.strand, [&] { return focus.room->joined(); }));
}

// Prosody broadcasts each presence of ours to every occupant: the edits of one strand turn go out as one presence,
// an edit that changes nothing sends nothing, and an edit followed by leaving in the same turn (the last participant
// leaves, the bridge count drops, the conference ends) is not sent ahead of the unavailable presence.
TEST(MucIntegration, OwnPresenceIsSentOncePerTurnOnlyWhenChangedAndNotWhenLeaving) {
    using jicofo::stanza::Etherpad;
    auto prosody = jicofo::testing::start_prosody(prosody_options());
    ASSERT_TRUE(prosody);
    Focus focus(*prosody);
    ASSERT_TRUE(eventually([&] { return focus.connected(); })) << prosody->log_text();
    focus.make_room(kRoom);
    auto joined = focus.join("focus", {Etherpad{"pad-0"}.to_xml()});
    ASSERT_TRUE(joined && joined->has_value());
    auto alice = joined_peer(*prosody, "alice", "meet.test", "a1", "<stats-id>alice</stats-id>");
    ASSERT_TRUE(alice);
    ASSERT_TRUE(alice->wait_for(presence_from(kRoom + "/focus", "pad-0"), 5s)) << alice->transcript();
    alice->take_all();
    auto focus_presences = [&](const std::vector<std::string>& lines) {
        std::vector<std::string> found;
        std::copy_if(lines.begin(), lines.end(), std::back_inserter(found), [](const std::string& line) {
            return PeerProcess::is_event(line, "presence") && PeerProcess::has_field(line, "from", kRoom + "/focus");
        });
        return found;
    };

    run_on(focus.strand, [&] {
        for (const char* pad : {"pad-1", "pad-2", "pad-3"}) {
            focus.room->set_presence_extension(Etherpad{pad}.to_xml());
        }
    });
    run_on(focus.strand, [&] { focus.room->set_presence_extension(Etherpad{"pad-3"}.to_xml()); });
    run_on(focus.strand, [&] { focus.room->set_presence_extension(Etherpad{"pad-4"}.to_xml()); });
    ASSERT_TRUE(alice->wait_for(presence_from(kRoom + "/focus", "pad-4"), 5s)) << alice->transcript();
    const auto between = focus_presences(alice->take_all());
    ASSERT_EQ(between.size(), 1U) << alice->transcript();
    EXPECT_NE(between.front().find("pad-3"), std::string::npos) << between.front();

    run_on(focus.strand, [&] {
        focus.room->set_presence_extension(Etherpad{"pad-5"}.to_xml());
        focus.room->leave();
    });
    ASSERT_TRUE(alice->wait_for(
        [](const std::string& line) {
            return PeerProcess::is_event(line, "presence") && PeerProcess::has_field(line, "from", kRoom + "/focus") &&
                   PeerProcess::has_field(line, "type", "unavailable");
        },
        5s))
        << alice->transcript();
    EXPECT_TRUE(focus_presences(alice->take_all()).empty()) << alice->transcript();
}
