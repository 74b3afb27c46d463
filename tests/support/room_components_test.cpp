// Our emulations of Jitsi's room components (tests/prosody-plugins: AV moderation, breakout rooms, room metadata)
// in a real Prosody, driven by participant_peer.py as lib-jitsi-meet would, with a plain xmpp_peer logged in as the
// focus account standing in for the focus. No product code is involved.
#include <map>
#include <string>

#include "support/harness_test_util.hpp"

namespace jicofo::testing {
namespace {

// The JSON inside <json-message>...</json-message> of a message the focus peer reported, or null.
nlohmann::json json_message_body(const std::string& xml) {
    const auto open = xml.find("<json-message");
    const auto start = open == std::string::npos ? open : xml.find('>', open);
    const auto end = xml.find("</json-message>");
    if (start == std::string::npos || end == std::string::npos || end < start) {
        return nullptr;
    }
    std::string text = xml.substr(start + 1, end - start - 1);
    for (const auto& [entity, plain] : {std::pair<std::string, std::string>{"&quot;", "\""},
                                        {"&lt;", "<"},
                                        {"&gt;", ">"},
                                        {"&apos;", "'"},
                                        {"&amp;", "&"}}) {
        for (auto at = text.find(entity); at != std::string::npos; at = text.find(entity, at + plain.size())) {
            text.replace(at, entity.size(), plain);
        }
    }
    return nlohmann::json::parse(text, nullptr, false);
}

class RoomComponentsTest : public ::testing::Test {
protected:
    void SetUp() override {
        ProsodyOptions options;
        options.users = {{"focus", "auth.meet.test", "focus-secret"}};
        options.jitsi_room_components = true;
        prosody_ = start_prosody(options);
        ASSERT_TRUE(prosody_);
        room_ = "r1@" + prosody_->muc_domain();
        participants_ = start_peer("participants", "participant_peer.py");
        focus_ = start_peer("focus");
        ASSERT_TRUE(participants_ && focus_);
        // alice creates the room, so Prosody makes her its owner (a moderator); the focus account is an admin of the
        // MUCs (owner everywhere); bob comes last and is a plain participant.
        ASSERT_TRUE(add_participant("alice", "alice1"));
        ASSERT_FALSE(connect_peer(*focus_, *prosody_, connect_command(*prosody_, prosody_->focus_jid(), "focus-secret"))
                         .empty());
        const nlohmann::json join = {{"cmd", "join"}, {"room", room_}, {"nick", "focus"}};
        ASSERT_TRUE(focus_->request(join.dump(), "joined", kEventTimeout)) << focus_->transcript();
        ASSERT_TRUE(add_participant("bob", "bob1"));
    }

    void TearDown() override {
        if (participants_) {
            EXPECT_FALSE(participants_->wait_for("protocol_violation", 0ms)) << participants_->transcript();
        }
        if (focus_) {
            EXPECT_FALSE(focus_->wait_for("protocol_violation", 0ms)) << focus_->transcript();
        }
    }

    bool add_participant(const std::string& name, const std::string& nick) {
        nlohmann::json connect = connect_command(*prosody_, prosody_->domain());
        connect["name"] = name;
        const auto connected = participants_->request(connect.dump(), "connected", 10s);
        const nlohmann::json join = {{"cmd", "join"}, {"name", name}, {"room", room_}, {"nick", nick}};
        const auto joined = connected && PeerProcess::is_event(*connected, "connected")
                                ? participants_->request(join.dump(), "joined", kEventTimeout)
                                : std::nullopt;
        const nlohmann::json discover = {{"cmd", "discover"}, {"name", name}};
        const auto components = joined && PeerProcess::is_event(*joined, "joined")
                                    ? participants_->request(discover.dump(), "components", kEventTimeout)
                                    : std::nullopt;
        const bool ok = components && PeerProcess::is_event(*components, "components");
        EXPECT_TRUE(ok) << participants_->transcript() << prosody_->log_text();
        // Everyone gets the room's metadata as they join (it waited in the peer for the discovery).
        initial_metadata_[name] = ok ? participant_event(name, "room_metadata") : nlohmann::json();
        return ok && initial_metadata_[name].contains("metadata");
    }

    // Sends a component command for a participant; they answer done at once, the effect comes as messages.
    void command(nlohmann::json command) {
        const auto line = participants_->request(command.dump(), "done", kEventTimeout);
        ASSERT_TRUE(line && PeerProcess::is_event(*line, "done")) << participants_->transcript();
    }

    // The next event of this participant with this name.
    nlohmann::json participant_event(const std::string& name, const std::string& event) {
        const auto line = participants_->wait_for(
            [&](const std::string& l) {
                return PeerProcess::is_event(l, event) && PeerProcess::has_field(l, "name", name);
            },
            kEventTimeout);
        EXPECT_TRUE(line) << name << " " << event << "\n" << participants_->transcript() << prosody_->log_text();
        return event_json(line);
    }

    // The next message the focus gets from this component, with its json-message body parsed.
    nlohmann::json focus_message_from(const std::string& component) {
        const auto line = focus_->wait_for(
            [&](const std::string& l) {
                return PeerProcess::is_event(l, "message") && PeerProcess::has_field(l, "from", component);
            },
            kEventTimeout);
        EXPECT_TRUE(line) << component << "\n" << focus_->transcript() << prosody_->log_text();
        if (!line) {
            return nullptr;
        }
        const auto event = event_json(line);
        const std::string xml = event.value("xml", "");
        // Addressed to the focus's full JID (its real one, not its occupant JID).
        EXPECT_TRUE(xml_has_element(xml, "message", {"to=\"" + prosody_->focus_jid() + "/"})) << xml;
        EXPECT_TRUE(xml_has_element(xml, "json-message", {"xmlns=\"http://jitsi.org/jitmeet\""})) << xml;
        last_focus_xml_ = xml;
        return json_message_body(xml);
    }

    // Whether another message from this component reaches the focus within a short while.
    bool focus_message_arrives(const std::string& component) {
        return focus_
            ->wait_for(
                [&](const std::string& l) {
                    return PeerProcess::is_event(l, "message") && PeerProcess::has_field(l, "from", component);
                },
                300ms)
            .has_value();
    }

    std::unique_ptr<ProsodyFixture> prosody_;
    std::unique_ptr<PeerProcess> participants_;
    std::unique_ptr<PeerProcess> focus_;
    std::string room_;
    std::string last_focus_xml_;
    std::map<std::string, nlohmann::json> initial_metadata_;  // by participant
};

TEST_F(RoomComponentsTest, MainDomainAnnouncesTheComponents) {
    const nlohmann::json disco = {
        {"cmd", "send_iq"},
        {"xml", "<iq type='get' to='meet.test'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>"}};
    const auto reply = event_json(focus_->request(disco.dump(), "iq_reply", kEventTimeout));
    ASSERT_EQ(reply.value("type", ""), "result") << focus_->transcript();
    const std::string xml = reply.value("xml", "");
    EXPECT_TRUE(xml_has_element(
        xml, "identity", {"category=\"component\"", "type=\"av_moderation\"", "name=\"avmoderation.meet.test\""}))
        << xml;
    EXPECT_TRUE(xml_has_element(xml, "identity",
                                {"category=\"component\"", "type=\"breakout_rooms\"", "name=\"breakout.meet.test\""}))
        << xml;
    EXPECT_TRUE(xml_has_element(xml, "identity",
                                {"category=\"component\"", "type=\"room_metadata\"", "name=\"metadata.meet.test\""}))
        << xml;
    // The participant peer found the same addresses.
    const nlohmann::json discover = {{"cmd", "discover"}, {"name", "bob"}};
    const auto found = event_json(participants_->request(discover.dump(), "components", kEventTimeout));
    EXPECT_EQ(found.value("av_moderation", ""), prosody_->av_moderation_component());
    EXPECT_EQ(found.value("breakout_rooms", ""), prosody_->breakout_muc_domain());
    EXPECT_EQ(found.value("room_metadata", ""), prosody_->room_metadata_component());
}

TEST_F(RoomComponentsTest, ModeratorEnablesAudioModerationAndApproves) {
    command({{"cmd", "av_moderation"}, {"name", "alice"}, {"media", "audio"}, {"enable", true}});
    const auto enabled = focus_message_from("avmoderation.meet.test");
    EXPECT_EQ(enabled, (nlohmann::json{{"type", "av_moderation"},
                                       {"room", room_},
                                       {"enabled", true},
                                       {"mediaType", "audio"},
                                       {"actor", room_ + "/alice1"}}))
        << last_focus_xml_;
    // Moderators (the focus is one) then get the whitelist, which starts with the moderators but the focus.
    const auto lists = focus_message_from("avmoderation.meet.test");
    EXPECT_EQ(lists, (nlohmann::json{{"type", "av_moderation"},
                                     {"room", room_},
                                     {"mediaType", "audio"},
                                     {"whitelists", {{"audio", {room_ + "/alice1"}}}}}))
        << last_focus_xml_;
    const auto bob_hears = participant_event("bob", "av_moderation");
    EXPECT_EQ(bob_hears.value("enabled", false), true) << bob_hears.dump();
    EXPECT_EQ(bob_hears.value("actor", ""), room_ + "/alice1");

    command({{"cmd", "av_approve"}, {"name", "alice"}, {"media", "audio"}, {"target", "bob1"}});
    const auto approved = focus_message_from("avmoderation.meet.test");
    EXPECT_EQ(approved["whitelists"], (nlohmann::json{{"audio", {room_ + "/alice1", room_ + "/bob1"}}}))
        << last_focus_xml_;
    const auto bob_approved = participant_event("bob", "av_moderation");
    EXPECT_EQ(bob_approved.value("approved", false), true) << bob_approved.dump();
    EXPECT_EQ(bob_approved.value("mediaType", ""), "audio");

    command({{"cmd", "av_reject"}, {"name", "alice"}, {"media", "audio"}, {"target", "bob1"}});
    const auto rejected = focus_message_from("avmoderation.meet.test");
    EXPECT_EQ(rejected["whitelists"], (nlohmann::json{{"audio", {room_ + "/alice1"}}})) << last_focus_xml_;
    EXPECT_EQ(rejected.value("removed", false), true) << last_focus_xml_;
    EXPECT_EQ(participant_event("bob", "av_moderation").value("removed", false), true);

    command({{"cmd", "av_moderation"}, {"name", "alice"}, {"media", "audio"}, {"enable", false}});
    const auto disabled = focus_message_from("avmoderation.meet.test");
    EXPECT_EQ(disabled.value("enabled", true), false) << last_focus_xml_;
    EXPECT_EQ(disabled.value("actor", ""), room_ + "/alice1");
}

TEST_F(RoomComponentsTest, AvModerationRefusesWhatIsNotAllowedOrOutOfOrder) {
    const auto refused = [&](const std::string& name, nlohmann::json request, const std::string& condition) {
        request["name"] = name;
        command(request);
        const auto error = participant_event(name, "component_error");
        EXPECT_EQ(error.value("condition", ""), condition) << request.dump() << "\n" << error.dump();
        EXPECT_EQ(error.value("component", ""), "av_moderation");
        EXPECT_FALSE(error.value("text", "").empty()) << error.dump();
    };
    refused("bob", {{"cmd", "av_moderation"}, {"media", "audio"}, {"enable", true}}, "forbidden");
    refused("alice", {{"cmd", "av_moderation"}, {"media", "audio"}, {"enable", false}}, "unexpected-request");
    refused("alice", {{"cmd", "av_moderation"}, {"media", "screen"}, {"enable", true}}, "bad-request");
    refused("alice", {{"cmd", "av_approve"}, {"media", "audio"}, {"target", "nobody"}}, "item-not-found");
    refused("alice", {{"cmd", "av_reject"}, {"media", "audio"}, {"target", "bob1"}}, "unexpected-request");
    command({{"cmd", "av_moderation"}, {"name", "alice"}, {"media", "video"}, {"enable", true}});
    EXPECT_EQ(focus_message_from("avmoderation.meet.test").value("enabled", false), true);
    refused("alice", {{"cmd", "av_moderation"}, {"media", "video"}, {"enable", true}}, "conflict");
    // Nothing the refusals asked for reached the focus: the next message is the whitelist of the one enable.
    const auto next = focus_message_from("avmoderation.meet.test");
    EXPECT_TRUE(next.contains("whitelists")) << last_focus_xml_;
    EXPECT_FALSE(focus_message_arrives("avmoderation.meet.test"));
}

TEST_F(RoomComponentsTest, JoinerUnderModerationHearsOfIt) {
    command({{"cmd", "av_moderation"}, {"name", "alice"}, {"media", "video"}, {"enable", true}});
    EXPECT_EQ(participant_event("bob", "av_moderation").value("mediaType", ""), "video");
    ASSERT_TRUE(add_participant("carol", "carol1"));
    const auto notice = participant_event("carol", "av_moderation");
    EXPECT_EQ(notice.value("enabled", false), true) << notice.dump();
    EXPECT_EQ(notice.value("mediaType", ""), "video");
    EXPECT_EQ(notice.value("actor", ""), room_ + "/alice1");
    // A message without a request, and one from somebody in no room, are refused too.
    const nlohmann::json empty = {{"cmd", "send_raw"},
                                  {"name", "alice"},
                                  {"xml", "<message to='avmoderation.meet.test'><body>hi</body></message>"}};
    ASSERT_TRUE(participants_->send(empty.dump()));
    EXPECT_EQ(participant_event("alice", "component_error").value("condition", ""), "bad-request");
    const nlohmann::json outsider = {
        {"cmd", "send_raw"},
        {"xml", "<message to='avmoderation.meet.test'><av_moderation enable='false' mediaType='video'/></message>"}};
    ASSERT_TRUE(focus_->request(nlohmann::json{{"cmd", "leave"}, {"room", room_}}.dump(), "left", kEventTimeout));
    ASSERT_TRUE(focus_->send(outsider.dump()));
    const auto error = focus_->wait_for(
        [](const std::string& l) {
            return PeerProcess::is_event(l, "message") && PeerProcess::has_field(l, "type", "error");
        },
        kEventTimeout);
    ASSERT_TRUE(error) << focus_->transcript();
    EXPECT_TRUE(xml_has_element(*error, "item-not-found", {})) << *error;
}

TEST_F(RoomComponentsTest, ModeratorSetsMetadataForEveryone) {
    command({{"cmd", "set_metadata"},
             {"name", "alice"},
             {"key", "startMuted"},
             {"data", {{"audio", true}, {"video", false}}}});
    const auto to_focus = focus_message_from("metadata.meet.test");
    EXPECT_TRUE(xml_has_element(last_focus_xml_, "json-message", {"room=\"" + room_ + "\""})) << last_focus_xml_;
    EXPECT_EQ(to_focus, (nlohmann::json{{"type", "room_metadata"},
                                        {"metadata",
                                         {{"startMuted", {{"audio", true}, {"video", false}}},
                                          {"moderators", nlohmann::json::array()}}}}))
        << last_focus_xml_;
    const auto to_bob = participant_event("bob", "room_metadata");
    EXPECT_EQ(to_bob["metadata"], (nlohmann::json{{"startMuted", {{"audio", true}, {"video", false}}}}))
        << to_bob.dump();

    EXPECT_EQ(initial_metadata_["bob"]["metadata"], nlohmann::json::object());
    // A late joiner gets the metadata as it joins.
    ASSERT_TRUE(add_participant("carol", "carol1"));
    EXPECT_EQ(initial_metadata_["carol"]["metadata"],
              (nlohmann::json{{"startMuted", {{"audio", true}, {"video", false}}}}));

    // Refused: a participant, a room that does not exist, a body that is not JSON.
    command({{"cmd", "set_metadata"}, {"name", "bob"}, {"key", "x"}, {"data", 1}});
    EXPECT_EQ(participant_event("bob", "component_error").value("condition", ""), "forbidden");
    command(
        {{"cmd", "set_metadata"}, {"name", "alice"}, {"key", "x"}, {"data", 1}, {"room", "nope@conference.meet.test"}});
    EXPECT_EQ(participant_event("alice", "component_error").value("condition", ""), "item-not-found");
    command({{"cmd", "set_metadata"}, {"name", "alice"}, {"raw", "{not json"}});
    EXPECT_EQ(participant_event("alice", "component_error").value("condition", ""), "bad-request");
    EXPECT_FALSE(focus_message_arrives("metadata.meet.test"));
}

TEST_F(RoomComponentsTest, BreakoutRoomAndMove) {
    command({{"cmd", "breakout_add"}, {"name", "alice"}, {"subject", "Room A"}});
    const auto update = participant_event("bob", "breakout_update");
    std::string breakout;
    for (const auto& [node, room] : update["rooms"].items()) {
        if (!room.value("isMainRoom", false)) {
            breakout = room.value("jid", "");
            EXPECT_EQ(room.value("name", ""), "Room A");
        }
    }
    ASSERT_NE(breakout.find("@breakout.meet.test"), std::string::npos) << update.dump();
    EXPECT_EQ(update.value("room_counter", 0), 1);

    // The focus can join the breakout room and reads its main room from disco#info.
    const nlohmann::json join = {{"cmd", "join"}, {"room", breakout}, {"nick", "focus"}};
    ASSERT_TRUE(focus_->request(join.dump(), "joined", kEventTimeout)) << focus_->transcript();
    const nlohmann::json disco = {
        {"cmd", "send_iq"},
        {"xml", "<iq type='get' to='" + breakout + "'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>"}};
    const auto info = event_json(focus_->request(disco.dump(), "iq_reply", kEventTimeout));
    const std::string xml = info.value("xml", "");
    EXPECT_NE(xml.find("muc#roominfo_isbreakout"), std::string::npos) << xml;
    EXPECT_TRUE(xml.find("<value>1</value>") != std::string::npos ||
                xml.find("<value>true</value>") != std::string::npos)
        << xml;
    EXPECT_NE(xml.find("<value>" + room_ + "</value>"), std::string::npos) << xml;

    // A room nobody added cannot be created.
    const nlohmann::json stray = {{"cmd", "join"}, {"room", "stray@breakout.meet.test"}, {"nick", "focus"}};
    const auto refused = focus_->request(stray.dump(), "joined", kEventTimeout);
    ASSERT_TRUE(refused);
    EXPECT_TRUE(PeerProcess::is_event(*refused, "error")) << *refused;

    // The moderator moves bob; bob hears it, leaves with status switch_room and joins the breakout room.
    command({{"cmd", "breakout_move"}, {"name", "alice"}, {"target", "bob1"}, {"room", breakout}});
    EXPECT_EQ(participant_event("bob", "breakout_move").value("room", ""), breakout);
    const nlohmann::json leave = {{"cmd", "leave"}, {"name", "bob"}, {"status", "switch_room"}};
    ASSERT_TRUE(participants_->request(leave.dump(), "left", kEventTimeout)) << participants_->transcript();
    const auto gone = focus_->wait_for(
        [&](const std::string& l) {
            return PeerProcess::is_event(l, "presence") && PeerProcess::has_field(l, "from", room_ + "/bob1") &&
                   PeerProcess::has_field(l, "type", "unavailable");
        },
        kEventTimeout);
    ASSERT_TRUE(gone) << focus_->transcript();
    EXPECT_NE(gone->find("switch_room"), std::string::npos) << *gone;
    const nlohmann::json rejoin = {{"cmd", "join"}, {"name", "bob"}, {"room", breakout}, {"nick", "bob1"}};
    const auto joined = participants_->request(rejoin.dump(), "joined", kEventTimeout);
    ASSERT_TRUE(joined && PeerProcess::is_event(*joined, "joined")) << participants_->transcript();

    // The focus is left out of the updates, as in Jitsi.
    EXPECT_FALSE(focus_message_arrives("breakout.meet.test"));

    // Refused: a participant asking, a move to a room that is not one of this meeting's.
    command({{"cmd", "breakout_add"}, {"name", "bob"}});
    EXPECT_EQ(participant_event("bob", "component_error").value("condition", ""), "forbidden");
    command({{"cmd", "breakout_move"}, {"name", "alice"}, {"participant_jid", "x@meet.test/y"}, {"room", breakout}});
    EXPECT_EQ(participant_event("alice", "component_error").value("condition", ""), "item-not-found");
}

// As in Jitsi, a main room with breakout rooms is persistent: everybody leaving it at once (the focus too, as when
// its conference there ends) does not destroy it, so its breakout rooms can still be entered.
TEST_F(RoomComponentsTest, EverybodyLeavingTheMainRoomAtOnceKeepsItsBreakoutRooms) {
    command({{"cmd", "breakout_add"}, {"name", "alice"}, {"subject", "Room A"}});
    const auto update = participant_event("bob", "breakout_update");
    std::string breakout;
    for (const auto& [node, room] : update["rooms"].items()) {
        if (!room.value("isMainRoom", false)) {
            breakout = room.value("jid", "");
        }
    }
    ASSERT_FALSE(breakout.empty());
    for (const auto* name : {"alice", "bob"}) {
        const nlohmann::json leave = {{"cmd", "leave"}, {"name", name}, {"status", "switch_room"}};
        ASSERT_TRUE(participants_->request(leave.dump(), "left", kEventTimeout)) << participants_->transcript();
    }
    const nlohmann::json focus_leaves = {{"cmd", "leave"}, {"room", room_}};
    ASSERT_TRUE(focus_->request(focus_leaves.dump(), "left", kEventTimeout)) << focus_->transcript();

    // The empty main room still answers disco#info, and the breakout room can be created.
    const nlohmann::json disco = {
        {"cmd", "send_iq"},
        {"xml", "<iq type='get' to='" + room_ + "'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>"}};
    const auto info = event_json(focus_->request(disco.dump(), "iq_reply", kEventTimeout));
    EXPECT_EQ(info.value("type", ""), "result") << info.dump();
    const nlohmann::json enter = {{"cmd", "join"}, {"name", "bob"}, {"room", breakout}, {"nick", "bob1"}};
    const auto joined = participants_->request(enter.dump(), "joined", kEventTimeout);
    ASSERT_TRUE(joined && PeerProcess::is_event(*joined, "joined"))
        << participants_->transcript() << prosody_->log_text();
}

}  // namespace
}  // namespace jicofo::testing
