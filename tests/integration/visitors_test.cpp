// Visitors end to end (jicofo-protocol.md §4(i)): the jicofo binary with a main Prosody and two visitor-node
// Prosodys, our emulation of the visitors component, emulated bridges and lib-jitsi-meet-like clients. With
// max-participants = 2, a third client that speaks the visitors protocol is redirected to a vnode, joins the room
// there and gets a receive-only session on a bridge relayed from the main participants' bridge.
#include <thread>

#include "visitors_fixture.hpp"

namespace jicofo::testing {
namespace {

// What a client sends when it can be a visitor (and, with `visitor`, asks to be one).
nlohmann::json visitor_properties(bool ask_to_be_visitor = false) {
    nlohmann::json properties = {{"visitors-version", "1"}};
    if (ask_to_be_visitor) {
        properties["visitor"] = "true";
    }
    return properties;
}

TEST_F(VisitorsTest, TheThirdJoinerIsRedirectedAndGetsAReceiveOnlySessionRelayedFromTheMainBridge) {
    ASSERT_NO_FATAL_FAILURE(alice_and_bob_in_the_main_room());

    // A client that does not speak the visitors protocol is never redirected, however full the room.
    const auto plain = ask_for_room("dave", nlohmann::json::object());
    EXPECT_EQ(plain.value("type", nlohmann::json()), "result") << plain.dump();
    EXPECT_EQ(plain.value("ready", nlohmann::json()), "true") << plain.dump();
    EXPECT_TRUE(plain.value("vnode", nlohmann::json()).is_null()) << plain.dump();
    EXPECT_EQ(plain.value("focusjid", nlohmann::json()), prosody_->focus_jid()) << plain.dump();

    const auto id = redirected("carol");
    ASSERT_FALSE(id.empty());
    ASSERT_NO_FATAL_FAILURE(join_as_visitor("carol", "carol1", id));
    EXPECT_TRUE(poll([&] { return component_has("connect-vnode", id); }, kEventTimeout))
        << "the focus did not connect " << id << " to the room through the visitors component; " << component_text()
        << "\n"
        << prosody_->log_text() << diagnostics();
    EXPECT_FALSE(component_has("connect-vnode", other_vnode(id))) << component_text();

    // The offer comes from the focus in the visitor room and carries both main participants' sources; the
    // visitor's answer without sources is taken.
    const auto offer = next_visitor("session_initiate", "carol");
    EXPECT_EQ(offer.value("reply", ""), "result") << offer.dump();
    const auto sources = offer.value("sources", nlohmann::json::object());
    EXPECT_TRUE(sources.contains("alice1") && sources.contains("bob1"))
        << "the visitor's offer lacks a main participant's sources: " << offer.dump();
    EXPECT_EQ(next_visitor("jingle_reply", "carol").value("type", ""), "result") << visitors_->transcript();
    // The focus published its presence (versions, conference properties) in the visitor room too.
    const auto seen = event_json(visitors_->request(R"({"cmd":"dump","name":"carol"})", "dump", kEventTimeout));
    EXPECT_TRUE(seen.value("focus_presence", nlohmann::json()).is_object())
        << "no presence of the focus in the visitor room: " << seen.dump();
    // And it follows the main room's: the visitor-count property the conference publishes once carol is in reaches
    // the visitor room as well.
    nlohmann::json properties;
    EXPECT_TRUE(poll(
        [&] {
            const auto dump = event_json(visitors_->request(R"({"cmd":"dump","name":"carol"})", "dump", kEventTimeout));
            properties =
                dump.value("focus_presence", nlohmann::json::object()).value("properties", nlohmann::json::object());
            return properties.value("visitor-count", "") == "1";
        },
        kEventTimeout))
        << "the focus's presence in the visitor room lacks visitor-count=1: " << properties.dump();

    // On the bridge: the main participants together, the visitor on the other bridge as a visitor, that bridge
    // relayed from the main one (with the main participants' sources behind the relay), and no relay endpoint for
    // the visitor on the main bridge.
    PeerProcess* main_bridge = bridge_of("alice1");
    ASSERT_NE(main_bridge, nullptr) << diagnostics();
    EXPECT_EQ(bridge_of("bob1"), main_bridge);
    PeerProcess* visitor_bridge = main_bridge == jvb1_.get() ? jvb2_.get() : jvb1_.get();
    const std::string main_relay = main_bridge == jvb1_.get() ? "jvb1" : "jvb2";
    const std::string visitor_relay = main_relay == "jvb1" ? "jvb2" : "jvb1";
    ASSERT_TRUE(poll([&] { return !endpoint_on(*visitor_bridge, "carol1").is_null(); }, kSessionTimeout))
        << "the visitor is not on the bridge the main participants do not use\n"
        << bridge_state(*jvb1_).dump() << "\n"
        << bridge_state(*jvb2_).dump() << diagnostics();
    const auto carol = endpoint_on(*visitor_bridge, "carol1");
    EXPECT_EQ(carol.value("muc_role", nlohmann::json()), "visitor") << carol.dump();
    EXPECT_TRUE(carol.value("sources", nlohmann::json::object()).empty()) << carol.dump();
    EXPECT_TRUE(endpoint_on(*main_bridge, "carol1").is_null()) << bridge_state(*main_bridge).dump();
    ASSERT_TRUE(poll(
        [&] {
            const auto relays = relays_on(*visitor_bridge);
            if (!relays.contains(main_relay)) {
                return false;
            }
            const auto endpoints = relays[main_relay].value("endpoints", nlohmann::json::object());
            return endpoints.contains("alice1") && endpoints.contains("bob1") &&
                   !endpoints["alice1"].value("sources", nlohmann::json::object()).empty();
        },
        kSessionTimeout))
        << "no relay from the main bridge carrying the main participants\n"
        << bridge_state(*visitor_bridge).dump() << diagnostics();
    // VisitorTopologyStrategy: the participant bridges form core mesh "0"; a visitor bridge has a mesh of its own.
    EXPECT_NE(relays_on(*visitor_bridge)[main_relay].value("mesh_id", nlohmann::json()), "0")
        << "the visitor bridge's relay is in the participants' core mesh: " << relays_on(*visitor_bridge).dump();
    const auto back = relays_on(*main_bridge);
    ASSERT_TRUE(back.contains(visitor_relay)) << back.dump();
    EXPECT_FALSE(back[visitor_relay].value("endpoints", nlohmann::json::object()).contains("carol1"))
        << "visitors never get relay endpoints: " << back.dump();

    // A visitor cannot publish.
    const nlohmann::json add = {
        {"cmd", "source_add"},
        {"name", "carol"},
        {"sources", nlohmann::json::array({{{"ssrc", 7001}, {"media", "audio"}, {"name", "carol1-a0"}}})}};
    const auto refused = event_json(visitors_->request(add.dump(), "jingle_reply", kSessionTimeout));
    EXPECT_EQ(refused.value("type", ""), "error") << refused.dump();
    EXPECT_EQ(refused.value("condition", nlohmann::json()), "forbidden") << refused.dump();
    EXPECT_TRUE(endpoint_on(*visitor_bridge, "carol1").value("sources", nlohmann::json::object()).empty());

    // The counts.
    EXPECT_TRUE(poll(
        [&] {
            const auto stats = rest_json("/stats");
            return stats.value("visitors", -1) == 1 && stats.value("conferences_with_visitors", -1) == 1;
        },
        kSessionTimeout))
        << rest_json("/stats").dump();
    EXPECT_EQ(metric("jitsi_jicofo_visitors_current"), 1) << http_request(port_, "GET", "/metrics").body;
    EXPECT_EQ(metric("jitsi_jicofo_conferences_with_visitors"), 1);

    // The main participants heard nothing of the visitor's attempt (they only got each other's sources), and their
    // sessions went on undisturbed.
    for (const auto& line : participants_->take_all()) {
        EXPECT_FALSE(PeerProcess::is_event(line, "source_add") && line.find("carol1") != std::string::npos) << line;
        EXPECT_FALSE(PeerProcess::is_event(line, "session_terminate")) << line;
        EXPECT_FALSE(PeerProcess::is_event(line, "transport_replace")) << line;
    }
}

class OneVisitorPerNodeTest : public VisitorsTest {
protected:
    [[nodiscard]] int max_visitors_per_node() const override { return 1; }
};

TEST_F(OneVisitorPerNodeTest, VisitorsSpreadOverBothNodesAndTheConferenceEndDisconnectsThem) {
    ASSERT_NO_FATAL_FAILURE(alice_and_bob_in_the_main_room());
    const auto first = redirected("carol");
    ASSERT_FALSE(first.empty());
    ASSERT_NO_FATAL_FAILURE(join_as_visitor("carol", "carol1", first));
    const auto second = redirected("dave");
    ASSERT_FALSE(second.empty());
    EXPECT_NE(second, first) << "max-visitors-per-node = 1: " << first << " is full, the second visitor goes to "
                             << other_vnode(first);
    ASSERT_NO_FATAL_FAILURE(join_as_visitor("dave", "dave1", second));
    for (const char* name : {"carol", "dave"}) {
        const auto offer = next_visitor("session_initiate", name);
        EXPECT_TRUE(offer.value("sources", nlohmann::json::object()).contains("alice1")) << offer.dump();
        if (offer.contains("sid")) {
            EXPECT_EQ(next_visitor("jingle_reply", name).value("type", ""), "result") << name;
        }
    }
    EXPECT_TRUE(poll([&] { return component_has("connect-vnode", "v1") && component_has("connect-vnode", "v2"); },
                     kEventTimeout))
        << component_text();
    EXPECT_TRUE(poll([&] { return rest_json("/stats").value("visitors", -1) == 2; }, kSessionTimeout))
        << rest_json("/stats").dump();
    EXPECT_EQ(rest_json("/stats").value("conferences_with_visitors", -1), 1);

    // Everyone leaves: the conference ends, and the focus disconnects every vnode it connected.
    for (const char* name : {"carol", "dave"}) {
        const nlohmann::json leave = {{"cmd", "leave"}, {"name", name}};
        ASSERT_TRUE(visitors_->request(leave.dump(), "left", kEventTimeout)) << visitors_->transcript();
    }
    for (const char* name : {"alice", "bob"}) {
        const nlohmann::json leave = {{"cmd", "leave"}, {"name", name}};
        ASSERT_TRUE(participants_->request(leave.dump(), "left", kEventTimeout)) << participants_->transcript();
    }
    EXPECT_TRUE(poll([&] { return component_has("disconnect-vnode", "v1") && component_has("disconnect-vnode", "v2"); },
                     kSessionTimeout))
        << component_text() << diagnostics();
    for (const char* id : {"v1", "v2"}) {
        int connected = 0;
        int disconnected = 0;
        for (const auto& request : component_requests()) {
            if (request.vnode == id) {
                (request.action == "connect-vnode" ? connected : disconnected) = request.order;
            }
        }
        EXPECT_LT(connected, disconnected) << id << ": disconnect-vnode before connect-vnode; " << component_text();
    }
    EXPECT_TRUE(poll(
        [&] {
            const auto stats = rest_json("/stats");
            return stats.value("visitors", -1) == 0 && stats.value("conferences_with_visitors", -1) == 0;
        },
        kSessionTimeout))
        << rest_json("/stats").dump();
}

class TwoVisitorsPerNodeTest : public VisitorsTest {
protected:
    [[nodiscard]] int max_visitors_per_node() const override { return 2; }

    // Redirected, joined, and its receive-only session accepted.
    std::string visitor_with_session(const std::string& name) {
        const auto id = redirected(name);
        if (id.empty()) {
            return id;
        }
        join_as_visitor(name, name + "1", id);
        if (!visitors_) {
            return "";
        }
        const auto offer = next_visitor("session_initiate", name);
        EXPECT_EQ(offer.value("reply", ""), "result") << offer.dump();
        if (offer.contains("sid")) {  // no offer, no answer: do not wait twice for one failure
            EXPECT_EQ(next_visitor("jingle_reply", name).value("type", ""), "result");
        }
        return id;
    }

    static int count_of(const std::string& text, const std::string& what) {
        int count = 0;
        for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) {
            ++count;
        }
        return count;
    }
};

TEST_F(TwoVisitorsPerNodeTest, AJoinedNodeIsFilledBeforeTheOtherIsUsed) {
    ASSERT_NO_FATAL_FAILURE(alice_and_bob_in_the_main_room());
    const auto first = visitor_with_session("carol");
    ASSERT_FALSE(first.empty());
    EXPECT_EQ(visitor_with_session("dave"), first)
        << first << " is joined and under max-visitors-per-node (2): the fewest-visitors joined node comes first";
    EXPECT_EQ(visitor_with_session("eve"), other_vnode(first)) << first << " is full";
}

TEST_F(TwoVisitorsPerNodeTest, AKilledNodeEndsItsVisitorsSessionsAndIsAvoidedUntilItIsBack) {
    ASSERT_NO_FATAL_FAILURE(alice_and_bob_in_the_main_room());
    const auto doomed = visitor_with_session("carol");
    ASSERT_FALSE(doomed.empty());
    const auto survivor = other_vnode(doomed);
    PeerProcess* visitor_bridge = nullptr;
    ASSERT_TRUE(poll([&] { return (visitor_bridge = bridge_of("carol1")) != nullptr; }, kSessionTimeout))
        << diagnostics();
    PeerProcess* main_bridge = bridge_of("alice1");
    ASSERT_NE(main_bridge, nullptr);
    participants_->take_all();

    const auto focus_login = "Authenticated as " + vnode(doomed).focus_jid();
    const auto logins = count_of(vnode(doomed).log_text(), focus_login);
    vnode(doomed).kill();

    // The visitor's session ends with its node.
    const auto carol_expired = [&] { return endpoint_on(*visitor_bridge, "carol1").is_null(); };
    EXPECT_TRUE(poll(carol_expired, kSessionTimeout))
        << "the endpoint of a visitor on a dead vnode was not expired while the node is down\n"
        << bridge_state(*visitor_bridge).dump() << diagnostics();

    // While it is down, new visitors go to the other node, although the dead one had room for another.
    EXPECT_EQ(visitor_with_session("dave"), survivor) << doomed << " is down";
    EXPECT_EQ(visitor_with_session("eve"), survivor) << doomed << " is down";

    // The main conference is untouched.
    EXPECT_FALSE(endpoint_on(*main_bridge, "alice1").is_null()) << bridge_state(*main_bridge).dump();
    EXPECT_FALSE(endpoint_on(*main_bridge, "bob1").is_null()) << bridge_state(*main_bridge).dump();
    expect_none_of(*participants_, {"session_terminate", "transport_replace", "participant_left"});

    // Back again: the focus logs in to it again, and with the other node full the next visitor goes there (into a
    // room the focus has joined again: the node lost its rooms with its process).
    ASSERT_TRUE(vnode(doomed).restart()) << vnode(doomed).log_text();
    // The focus's reconnect back-off has grown while the node was down (tens of seconds is usual): wait for it.
    ASSERT_TRUE(poll([&] { return count_of(vnode(doomed).log_text(), focus_login) > logins; }, 4 * kSessionTimeout))
        << "the focus did not log in to " << doomed << " again after its restart\n"
        << diagnostics();
    EXPECT_TRUE(poll(carol_expired, kSessionTimeout))
        << "the endpoint of a visitor of the dead vnode is still there after the node came back\n"
        << bridge_state(*visitor_bridge).dump() << diagnostics();
    // Login is not the end of the focus's session set-up (resource binding, presence); give it a moment, so that the
    // next redirect does not race the reconnection.
    std::this_thread::sleep_for(2s);
    EXPECT_EQ(visitor_with_session("frank"), doomed) << survivor << " holds two visitors (its maximum)";
}

class LiveRoomTest : public VisitorsTest {
protected:
    [[nodiscard]] bool live_room() const override { return true; }
};

TEST_F(LiveRoomTest, VisitorsWaitUntilTheRoomIsLive) {
    ASSERT_NO_FATAL_FAILURE(alice_and_bob_in_the_main_room());
    const auto queued = ask_for_room("carol", visitor_properties(true));
    EXPECT_EQ(queued.value("type", nlohmann::json()), "result") << queued.dump();
    EXPECT_EQ(queued.value("ready", nlohmann::json()), "false") << queued.dump();
    EXPECT_EQ(queued.value("properties", nlohmann::json::object()).value("live", nlohmann::json()), "false")
        << queued.dump();
    EXPECT_TRUE(queued.value("vnode", nlohmann::json()).is_null()) << queued.dump();
    EXPECT_TRUE(component_requests().empty()) << component_text();

    // Alice (owner: auto-owner makes the first participant one) makes the room live through the room metadata.
    ASSERT_TRUE(poll(
        [&] {
            const auto state = get_rest_json(port_, "/debug/conference/" + room_);
            return state.value("owner", nlohmann::json()) == "alice1";
        },
        kSessionTimeout))
        << diagnostics();
    const nlohmann::json discover = {{"cmd", "discover"}, {"name", "alice"}, {"domain", prosody_->domain()}};
    const auto found = event_json(participants_->request(discover.dump(), "components", kEventTimeout));
    ASSERT_EQ(found.value("room_metadata", ""), prosody_->room_metadata_component()) << found.dump();
    const nlohmann::json live = {
        {"cmd", "set_metadata"}, {"name", "alice"}, {"key", "visitors"}, {"data", {{"live", true}}}};
    ASSERT_TRUE(participants_->request(live.dump(), "done", kEventTimeout)) << participants_->transcript();

    nlohmann::json reply;
    EXPECT_TRUE(poll(
        [&] {
            reply = ask_for_room("carol", visitor_properties(true));
            return reply.value("ready", nlohmann::json()) == "true";
        },
        kSessionTimeout, 250ms))
        << "still queued after the room went live: " << reply.dump() << diagnostics();
    const auto id = reply.value("vnode", nlohmann::json());
    ASSERT_TRUE(id == "v1" || id == "v2") << reply.dump();
    ASSERT_NO_FATAL_FAILURE(join_as_visitor("carol", "carol1", id.get<std::string>()));
    EXPECT_EQ(next_visitor("session_initiate", "carol").value("reply", ""), "result");
}

}  // namespace
}  // namespace jicofo::testing
