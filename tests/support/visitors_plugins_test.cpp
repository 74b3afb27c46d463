// Our emulations of Jitsi's visitors component (mod_test_visitors_component.lua on the main Prosody) and of a
// visitor node's MUC rules (mod_test_visitor_node.lua on a vnode Prosody), driven by plain XMPP peers: they must be
// as strict as the real ones, or the visitors integration tests would pass against a focus that breaks the rules.
// No product code is involved.
#include <string>
#include <vector>

#include "support/harness_test_util.hpp"

namespace jicofo::testing {
namespace {

constexpr const char* kFocusSecret = "focus-secret";

// <iq type=...><visitors room=...><action vnode=.../></visitors></iq> as the focus sends it; empty parts are left out.
std::string visitors_iq(const std::string& to, const std::string& room, const std::string& action,
                        const std::string& vnode, const std::string& type = "get") {
    std::string xml = "<iq type='" + type + "' to='" + to + "'><visitors xmlns='jitsi:visitors'";
    if (!room.empty()) {
        xml += " room='" + room + "'";
    }
    xml += ">";
    if (!action.empty()) {
        xml += "<" + action + " xmlns='jitsi:visitors'";
        if (!vnode.empty()) {
            xml += " vnode='" + vnode + "'";
        }
        xml += "/>";
    }
    return xml + "</visitors></iq>";
}

// Sends an IQ and returns the reply's type and the error condition ("" for a result), e.g. "error:forbidden".
std::string ask(PeerProcess& peer, const std::string& xml) {
    const nlohmann::json command = {{"cmd", "send_iq"}, {"xml", xml}};
    const auto line = peer.request(command.dump(), "iq_reply", kEventTimeout);
    EXPECT_TRUE(line && PeerProcess::is_event(*line, "iq_reply")) << peer.transcript();
    if (!line || !PeerProcess::is_event(*line, "iq_reply")) {
        return "no reply";
    }
    const auto reply = event_json(line);
    const auto type = reply["type"].get<std::string>();
    if (type != "error") {
        return type;
    }
    const auto text = reply["xml"].get<std::string>();
    for (const char* condition : {"forbidden", "bad-request", "item-not-found", "service-unavailable",
                                  "feature-not-implemented", "internal-server-error"}) {
        if (text.find("<" + std::string(condition)) != std::string::npos) {
            return "error:" + std::string(condition);
        }
    }
    return "error:?" + text;
}

class VisitorsComponentTest : public ::testing::Test {
protected:
    void SetUp() override {
        ProsodyOptions options;
        options.users = {{"focus", "auth.meet.test", kFocusSecret}, {"other", "auth.meet.test", "other-secret"}};
        options.visitors_component = true;
        prosody_ = start_prosody(options);
        ASSERT_TRUE(prosody_);
        room_ = "room1@" + prosody_->muc_domain();
        focus_ = start_peer("focus");
        ASSERT_TRUE(focus_);
        ASSERT_FALSE(
            connect_peer(*focus_, *prosody_, connect_command(*prosody_, prosody_->focus_jid(), kFocusSecret)).empty());
        // The focus is in the main room before it connects a vnode to it.
        const nlohmann::json join = {{"cmd", "join"}, {"room", room_}, {"nick", "focus"}};
        ASSERT_TRUE(focus_->request(join.dump(), "joined", kEventTimeout)) << focus_->transcript();
    }

    std::unique_ptr<ProsodyFixture> prosody_;
    std::unique_ptr<PeerProcess> focus_;
    std::string room_;
};

TEST_F(VisitorsComponentTest, AnnouncedOnTheMainDomainAsTheFocusFindsIt) {
    const nlohmann::json command = {{"cmd", "send_iq"},
                                    {"xml", "<iq type='get' to='" + prosody_->domain() +
                                                "'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>"}};
    const auto line = focus_->request(command.dump(), "iq_reply", kEventTimeout);
    ASSERT_TRUE(line) << focus_->transcript();
    EXPECT_TRUE(xml_has_element(
        event_json(line)["xml"].get<std::string>(), "identity",
        {"category=\"component\"", "type=\"visitors\"", "name=\"" + prosody_->visitors_component() + "\""}))
        << *line;
    EXPECT_EQ(prosody_->visitors_component(), "visitors.meet.test");
}

TEST_F(VisitorsComponentTest, RecordsTheFocusRequestsInOrder) {
    const auto component = prosody_->visitors_component();
    EXPECT_EQ(ask(*focus_, visitors_iq(component, room_, "connect-vnode", "v1")), "result");
    EXPECT_EQ(ask(*focus_, visitors_iq(component, room_, "connect-vnode", "v2", "set")), "result");
    EXPECT_EQ(ask(*focus_, visitors_iq(component, room_, "disconnect-vnode", "v1")), "result");
    // The conference may be over, its room gone, by the time the focus disconnects a vnode.
    EXPECT_EQ(ask(*focus_, visitors_iq(component, "gone@" + prosody_->muc_domain(), "disconnect-vnode", "v2")),
              "result");
    const std::vector<VisitorsRequest> expected{{1, "connect-vnode", room_, "v1"},
                                                {2, "connect-vnode", room_, "v2"},
                                                {3, "disconnect-vnode", room_, "v1"},
                                                {4, "disconnect-vnode", "gone@" + prosody_->muc_domain(), "v2"}};
    EXPECT_EQ(prosody_->visitors_requests(), expected) << prosody_->log_text();
}

TEST_F(VisitorsComponentTest, TakesSeveralVnodesInOneRequest) {
    // As the focus disconnects every vnode of a conference that ends.
    EXPECT_EQ(ask(*focus_, "<iq type='get' to='" + prosody_->visitors_component() +
                               "'><visitors xmlns='jitsi:visitors' room='" + room_ +
                               "'><disconnect-vnode xmlns='jitsi:visitors' vnode='v1'/>"
                               "<disconnect-vnode xmlns='jitsi:visitors' vnode='v2'/></visitors></iq>"),
              "result");
    const std::vector<VisitorsRequest> expected{{1, "disconnect-vnode", room_, "v1"},
                                                {2, "disconnect-vnode", room_, "v2"}};
    EXPECT_EQ(prosody_->visitors_requests(), expected) << prosody_->log_text();
}

TEST_F(VisitorsComponentTest, RefusesEveryoneButTheFocus) {
    auto other = start_peer("other");
    auto anonymous = start_peer("anonymous");
    ASSERT_TRUE(other && anonymous);
    ASSERT_FALSE(
        connect_peer(*other, *prosody_, connect_command(*prosody_, "other@" + prosody_->auth_domain(), "other-secret"))
            .empty());
    ASSERT_FALSE(connect_peer(*anonymous, *prosody_, connect_command(*prosody_, prosody_->domain())).empty());
    const auto request = visitors_iq(prosody_->visitors_component(), room_, "connect-vnode", "v1");
    EXPECT_EQ(ask(*other, request), "error:forbidden");
    EXPECT_EQ(ask(*anonymous, request), "error:forbidden");
    EXPECT_TRUE(prosody_->visitors_requests().empty());
}

TEST_F(VisitorsComponentTest, RefusesMalformedRequests) {
    const auto component = prosody_->visitors_component();
    const auto other_muc_room = "room1@internal.auth." + prosody_->domain();
    EXPECT_EQ(ask(*focus_, visitors_iq(component, "", "connect-vnode", "v1")), "error:bad-request");
    EXPECT_EQ(ask(*focus_, visitors_iq(component, other_muc_room, "connect-vnode", "v1")), "error:bad-request");
    EXPECT_EQ(ask(*focus_, visitors_iq(component, room_ + "/focus", "connect-vnode", "v1")), "error:bad-request");
    EXPECT_EQ(ask(*focus_, visitors_iq(component, prosody_->muc_domain(), "connect-vnode", "v1")), "error:bad-request");
    EXPECT_EQ(ask(*focus_, visitors_iq(component, room_, "", "")), "error:bad-request");
    EXPECT_EQ(ask(*focus_, visitors_iq(component, room_, "promote-vnode", "v1")), "error:bad-request");
    EXPECT_EQ(ask(*focus_, visitors_iq(component, room_, "connect-vnode", "")), "error:bad-request");
    EXPECT_EQ(ask(*focus_, "<iq type='get' to='" + component + "'><visitors xmlns='jitsi:other' room='" + room_ +
                               "'><connect-vnode xmlns='jitsi:visitors' vnode='v1'/></visitors></iq>"),
              "error:bad-request");
    // One bad child spoils the whole request: nothing of it counts.
    EXPECT_EQ(ask(*focus_, "<iq type='get' to='" + component + "'><visitors xmlns='jitsi:visitors' room='" + room_ +
                               "'><connect-vnode xmlns='jitsi:visitors' vnode='v1'/>"
                               "<disconnect-vnode xmlns='jitsi:visitors'/></visitors></iq>"),
              "error:bad-request");
    // connect-vnode is for a conference the focus runs: its room exists.
    EXPECT_EQ(ask(*focus_, visitors_iq(component, "nosuch@" + prosody_->muc_domain(), "connect-vnode", "v1")),
              "error:item-not-found");
    EXPECT_TRUE(prosody_->visitors_requests().empty()) << prosody_->log_text();
}

class VisitorNodeTest : public ::testing::Test {
protected:
    void SetUp() override {
        ProsodyOptions options;
        options.domain = "v1.meet.test";
        options.users = {{"focus", "auth.v1.meet.test", kFocusSecret}};
        options.visitor_node = true;
        vnode_ = start_prosody(options);
        ASSERT_TRUE(vnode_);
        room_ = "room1@" + vnode_->muc_domain();
        EXPECT_EQ(vnode_->muc_domain(), "conference.v1.meet.test");
        EXPECT_EQ(vnode_->focus_jid(), "focus@auth.v1.meet.test");
        focus_ = start_peer("focus");
        visitor_ = start_peer("visitor");
        ASSERT_TRUE(focus_ && visitor_);
        ASSERT_FALSE(
            connect_peer(*focus_, *vnode_, connect_command(*vnode_, vnode_->focus_jid(), kFocusSecret)).empty());
        ASSERT_FALSE(connect_peer(*visitor_, *vnode_, connect_command(*vnode_, vnode_->domain())).empty());
    }

    std::unique_ptr<ProsodyFixture> vnode_;
    std::unique_ptr<PeerProcess> focus_;
    std::unique_ptr<PeerProcess> visitor_;
    std::string room_;
};

TEST_F(VisitorNodeTest, OnlyTheFocusCreatesRooms) {
    const nlohmann::json visitor_join = {{"cmd", "join"}, {"room", room_}, {"nick", "v1"}};
    const auto refused = visitor_->request(visitor_join.dump(), "joined", kEventTimeout);
    ASSERT_TRUE(refused) << visitor_->transcript();
    EXPECT_TRUE(PeerProcess::is_event(*refused, "error")) << *refused;
    EXPECT_NE(refused->find("not-allowed"), std::string::npos) << *refused;

    const nlohmann::json focus_join = {{"cmd", "join"}, {"room", room_}, {"nick", "focus"}};
    const auto created = focus_->request(focus_join.dump(), "joined", kEventTimeout);
    ASSERT_TRUE(created && PeerProcess::is_event(*created, "joined")) << focus_->transcript() << vnode_->log_text();
    EXPECT_TRUE(xml_has_element(event_json(created)["xml"].get<std::string>(), "item",
                                {"affiliation=\"owner\"", "role=\"moderator\""}))
        << *created;

    const auto joined = visitor_->request(visitor_join.dump(), "joined", kEventTimeout);
    ASSERT_TRUE(joined && PeerProcess::is_event(*joined, "joined")) << visitor_->transcript();
}

TEST_F(VisitorNodeTest, EveryoneButTheFocusIsAVisitor) {
    const nlohmann::json focus_join = {{"cmd", "join"}, {"room", room_}, {"nick", "focus"}};
    ASSERT_TRUE(focus_->request(focus_join.dump(), "joined", kEventTimeout)) << focus_->transcript();
    const nlohmann::json visitor_join = {{"cmd", "join"}, {"room", room_}, {"nick", "v1"}};
    const auto joined = visitor_->request(visitor_join.dump(), "joined", kEventTimeout);
    ASSERT_TRUE(joined && PeerProcess::is_event(*joined, "joined")) << visitor_->transcript();
    EXPECT_TRUE(xml_has_element(event_json(joined)["xml"].get<std::string>(), "item",
                                {"affiliation=\"none\"", "role=\"visitor\""}))
        << *joined;
    // The focus sees the visitor join with that role.
    const auto seen = focus_->wait_for(
        [](const std::string& line) {
            return PeerProcess::is_event(line, "presence") &&
                   line.find("room1@conference.v1.meet.test/v1") != std::string::npos;
        },
        kEventTimeout);
    ASSERT_TRUE(seen) << focus_->transcript();
    EXPECT_TRUE(xml_has_element(event_json(seen)["xml"].get<std::string>(), "item", {"role=\"visitor\""})) << *seen;
}

}  // namespace
}  // namespace jicofo::testing
