// Conference-level connects (transcriber, translator) of ColibriSessionManager against fake bridges: which bridge
// gets which, the region in the url, only the differences sent, and what happens as bridges and endpoints come and go.
#include "jicofo/colibri/colibri_session_manager.hpp"

#include "colibri/colibri_fakes.hpp"

#include <gtest/gtest.h>

namespace jicofo::colibri {
namespace {

using namespace fakes;

WantedConnect transcriber(const std::string& header_value = "Bearer x") {
    WantedConnect wanted;
    wanted.connect.id = "transcriber";
    wanted.connect.url = "wss://{{REGION}}.t.example.com/ws?meetingId=meeting-1";
    wanted.connect.type = stanza::ConnectType::transcriber;
    wanted.connect.audio = true;
    wanted.connect.http_headers = {{"Authorization", header_value}};
    return wanted;
}

WantedConnect translator_of(const std::string& endpoint) {
    WantedConnect wanted;
    wanted.connect.id = "translator-" + endpoint + "-a0-0";
    wanted.connect.url = "wss://tr.example.com/ws";
    wanted.connect.type = stanza::ConnectType::translator;
    wanted.connect.audio = true;
    wanted.connect.exports = {endpoint + "-a0"};
    wanted.connect.requests = {endpoint + "-a0-fr"};
    wanted.on_bridge_of_endpoint = endpoint;
    return wanted;
}

// The only connect of a request, which must carry nothing else.
const stanza::Colibri2Connect& only_connect(const SentRequest& sent) {
    EXPECT_TRUE(sent.request.endpoints.empty());
    EXPECT_TRUE(sent.request.connects && sent.request.connects->size() == 1U);
    return sent.request.connects->front();
}

class ColibriConnectsTest : public ::testing::Test {
protected:
    ColibriConnectsTest() {
        listener.session_failed = [this](const std::string& id, const std::vector<std::string>&) {
            failed_sessions.push_back(id);
        };
        ColibriSettings s;
        s.meeting_id = "meeting-1";
        s.room_name = "room1@conference.meet.test";
        manager = std::make_unique<ColibriSessionManager>(transport, allocator, s, listener);
    }
    // Puts `endpoint` on `on`; returns the allocation request, answered.
    SentRequest allocate_on(const BridgeInfo& on, const std::string& endpoint) {
        allocator.bridges = {on};
        EndpointRequest request;
        request.endpoint_id = endpoint;
        manager->allocate(request, [](const AllocationResult&) {});
        auto sent = transport.take();
        EXPECT_EQ(sent.bridge, on.jid);
        sent.done(allocated(endpoint, sent.request.create));
        return sent;
    }

    BridgeInfo jvb1 = bridge("jvb1");
    BridgeInfo jvb2 = [] {
        auto info = bridge("jvb2");
        info.region = "region-b";
        return info;
    }();
    FakeTransport transport;
    FakeAllocator allocator;
    ColibriListener listener;
    std::vector<std::string> failed_sessions;
    std::unique_ptr<ColibriSessionManager> manager;
};

TEST_F(ColibriConnectsTest, WantedBeforeAnyBridgeTheyGoOutWithTheConferenceCreate) {
    manager->set_connects({transcriber()});
    EXPECT_TRUE(transport.sent.empty()) << "no bridge yet: nothing to tell";
    const auto create = allocate_on(jvb1, "a");
    ASSERT_TRUE(create.request.create);
    ASSERT_TRUE(create.request.connects);
    ASSERT_EQ(create.request.connects->size(), 1U);
    const auto& connect = create.request.connects->front();
    EXPECT_EQ(connect.url, "wss://region-a.t.example.com/ws?meetingId=meeting-1") << "the bridge's region in the url";
    EXPECT_TRUE(connect.create);
    EXPECT_EQ(connect.http_headers.front().second, "Bearer x");
    EXPECT_TRUE(transport.sent.empty()) << "nothing more once the conference exists";
    EXPECT_EQ(manager->snapshot().sessions.at(0).connects, std::vector<std::string>{"transcriber"});
}

TEST_F(ColibriConnectsTest, OnlyChangesAreSentCreateUpdateExpire) {
    allocate_on(jvb1, "a");
    manager->set_connects({transcriber()});
    auto added = transport.take();
    EXPECT_EQ(added.bridge, jvb1.jid);
    EXPECT_TRUE(only_connect(added).create);

    manager->set_connects({transcriber()});
    EXPECT_TRUE(transport.sent.empty()) << "the same connects again: nothing to send";

    manager->set_connects({transcriber("Bearer y")});
    const auto updated = transport.take();
    EXPECT_FALSE(only_connect(updated).create);
    EXPECT_FALSE(only_connect(updated).expire);
    EXPECT_EQ(only_connect(updated).http_headers.front().second, "Bearer y");

    manager->set_connects({});
    const auto removed = transport.take();
    EXPECT_TRUE(only_connect(removed).expire);
    EXPECT_EQ(only_connect(removed).id, "transcriber");
    EXPECT_TRUE(manager->snapshot().sessions.at(0).connects.empty());
}

TEST_F(ColibriConnectsTest, TheHostStaysOnItsBridgeAndMovesWhenThatBridgeLeaves) {
    allocate_on(jvb1, "a");
    manager->set_connects({transcriber()});
    transport.take();
    allocate_on(jvb2, "b");
    EXPECT_TRUE(transport.sent.empty()) << "a second bridge does not get the transcriber";

    manager->expire_endpoint("a");  // jvb1's last endpoint: its conference there is expired
    const auto expire = transport.take();
    EXPECT_EQ(expire.bridge, jvb1.jid);
    EXPECT_TRUE(expire.request.expire);
    const auto moved = transport.take();
    EXPECT_EQ(moved.bridge, jvb2.jid);
    EXPECT_TRUE(only_connect(moved).create);
    EXPECT_EQ(only_connect(moved).url, "wss://region-b.t.example.com/ws?meetingId=meeting-1");
}

TEST_F(ColibriConnectsTest, AFailedHostBridgeHandsTheConnectsToAnother) {
    allocate_on(jvb1, "a");
    allocate_on(jvb2, "b");
    manager->set_connects({transcriber()});
    EXPECT_EQ(transport.take().bridge, jvb1.jid);
    manager->remove_bridge(jvb1.id);
    const auto moved = transport.take();
    EXPECT_EQ(moved.bridge, jvb2.jid);
    EXPECT_TRUE(only_connect(moved).create);
}

TEST_F(ColibriConnectsTest, ASendersConnectGoesToItsOwnBridgeAndLeavesWithIt) {
    allocate_on(jvb1, "a");
    allocate_on(jvb2, "b");
    allocate_on(jvb2, "c");
    manager->set_connects({translator_of("b")});
    const auto added = transport.take();
    EXPECT_EQ(added.bridge, jvb2.jid);
    EXPECT_EQ(only_connect(added).exports, std::vector<std::string>{"b-a0"});
    EXPECT_TRUE(transport.sent.empty()) << "jvb1 has no sender of it";

    manager->expire_endpoint("b");
    EXPECT_EQ(transport.take().request.endpoints.at(0).id, "b");
    const auto gone = transport.take();
    EXPECT_EQ(gone.bridge, jvb2.jid);
    EXPECT_TRUE(only_connect(gone).expire);
}

TEST_F(ColibriConnectsTest, ASendersConnectFollowsItToABridgeItJoinsLater) {
    allocate_on(jvb1, "a");
    manager->set_connects({translator_of("b")});
    EXPECT_TRUE(transport.sent.empty()) << "the sender has no bridge yet";
    const auto create = allocate_on(jvb2, "b");
    EXPECT_TRUE(create.request.create);
    EXPECT_FALSE(create.request.connects) << "the sender's endpoint is not there before the create is answered";
    const auto added = transport.take();
    EXPECT_EQ(added.bridge, jvb2.jid);
    EXPECT_TRUE(only_connect(added).create);
}

TEST_F(ColibriConnectsTest, ARefusedConnectKeepsTheBridgesParticipants) {
    allocate_on(jvb1, "a");
    manager->set_connects({transcriber()});
    transport.take().done(error_reply(stanza::ErrorCondition::feature_not_implemented));
    EXPECT_TRUE(failed_sessions.empty());
    EXPECT_EQ(manager->bridge_of("a"), jvb1.id);
}

TEST_F(ColibriConnectsTest, ChangesWhileTheConferenceIsCreatedFollowTheCreateAnswer) {
    allocator.bridges = {jvb1};
    EndpointRequest request;
    request.endpoint_id = "a";
    manager->allocate(request, [](const AllocationResult&) {});
    auto create = transport.take();
    EXPECT_FALSE(create.request.connects);
    manager->set_connects({transcriber()});
    EXPECT_TRUE(transport.sent.empty()) << "the bridge's conference does not exist yet";
    create.done(allocated("a", true));
    EXPECT_TRUE(only_connect(transport.take()).create);
}

}  // namespace
}  // namespace jicofo::colibri
