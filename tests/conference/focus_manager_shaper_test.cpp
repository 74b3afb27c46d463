// The room map with a request shaper (the visitors feature's hook): ready answers go through it, its answer is sent
// once, the request's deadline still holds when it never answers, and a room without a conference may be queued.
// And the conference requests a visitor sends to a node's focus.
#include "focus_manager_fixture.hpp"

#include "jicofo/conference/visitor_conference_iq_handler.hpp"
#include "jicofo/stanza/focus.hpp"
#include "jicofo/stanza/namespaces.hpp"

#include <future>

namespace jicofo::conference::testing {
namespace {

class RedirectingShaper : public RequestShaper {
public:
    [[nodiscard]] bool queue_without_conference(const RequestFacts& facts) const override {
        return facts.visitor_requested;
    }
    void shape(ConferenceHandle&, const RequestFacts& facts, ConferenceReply reply,
               std::function<void(ConferenceReply)> done) override {
        ++shaped;
        if (facts.visitors_version && !silent) {
            reply.vnode = "v1";
            reply.focus_jid = jid("focus@auth.v1.meet.test");
        }
        if (!silent) {
            done(std::move(reply));
        }
    }
    std::atomic<int> shaped{0};
    bool silent = false;  // never answers
};

ConferenceRequest with_properties(const std::string& room, std::vector<stanza::ConferenceProperty> properties) {
    ConferenceRequest request;
    request.room = jid(room);
    request.properties = std::move(properties);
    return request;
}

using FocusManagerShaperTest = FocusManagerTest;

TEST_F(FocusManagerShaperTest, ReadyAnswersGoThroughTheShaper) {
    auto manager = make_manager(true);
    auto shaper = std::make_shared<RedirectingShaper>();
    manager->set_request_shaper(shaper);
    auto plain = ask(*manager, request_for("room1@conference.meet.test"));
    ASSERT_TRUE(plain);
    EXPECT_TRUE(plain->ready);
    EXPECT_FALSE(plain->vnode);
    auto visitor = ask(*manager, with_properties("room1@conference.meet.test", {{"visitors-version", "1"}}));
    ASSERT_TRUE(visitor);
    EXPECT_TRUE(visitor->ready);
    EXPECT_EQ(visitor->vnode, std::optional<std::string>("v1"));
    EXPECT_EQ(visitor->focus_jid.to_string(), "focus@auth.v1.meet.test");
    EXPECT_EQ(shaper->shaped.load(), 2);
}

TEST_F(FocusManagerShaperTest, AShaperThatNeverAnswersMeetsTheDeadline) {
    ConferenceSettings settings;
    settings.join_timeout = 200ms;
    auto manager = make_manager(true, settings);
    auto shaper = std::make_shared<RedirectingShaper>();
    shaper->silent = true;
    manager->set_request_shaper(shaper);
    auto answer = ask(*manager, with_properties("room1@conference.meet.test", {{"visitors-version", "1"}}));
    ASSERT_TRUE(answer);
    EXPECT_FALSE(answer->ready);
    EXPECT_FALSE(answer->vnode);
}

TEST_F(FocusManagerShaperTest, AQueuedRequestCreatesNoConference) {
    auto manager = make_manager(true);
    manager->set_request_shaper(std::make_shared<RedirectingShaper>());
    auto answer =
        ask(*manager, with_properties("room1@conference.meet.test", {{"visitors-version", "1"}, {"visitor", "true"}}));
    ASSERT_TRUE(answer);
    EXPECT_FALSE(answer->ready);
    const auto live =
        std::find(answer->properties.begin(), answer->properties.end(), stanza::ConferenceProperty{"live", "false"});
    EXPECT_NE(live, answer->properties.end());
    EXPECT_EQ(created_count(), 0U);
}

TEST(RequestFacts, ReadFromThePropertiesAndTheToken) {
    ConferenceRequest request = with_properties("r@c.d", {{"visitors-version", "1"}, {"visitor", "true"}});
    // {"context":{"user":{"id":"u1"},"group":"g1"}} as an unsigned token's payload.
    request.token = "e30.eyJjb250ZXh0Ijp7InVzZXIiOnsiaWQiOiJ1MSJ9LCJncm91cCI6ImcxIn19.x";
    const auto facts = request_facts(request);
    EXPECT_TRUE(facts.visitors_version);
    EXPECT_TRUE(facts.visitor_requested);
    EXPECT_EQ(facts.user_id, std::optional<std::string>("u1"));
    EXPECT_EQ(facts.group, std::optional<std::string>("g1"));
    EXPECT_FALSE(request_facts(with_properties("r@c.d", {{"visitor", "false"}})).visitor_requested);
}

class VisitorConferenceIqTest : public FocusManagerTest {
protected:
    VisitorNodes nodes_{"meet.test",
                        {{"v1", "v1.meet.test", "conference.v1.meet.test", jid("focus@auth.v1.meet.test"), nullptr},
                         {"v2", "v2.meet.test", "conference.v2.meet.test", jid("focus@auth.v2.meet.test"), nullptr}}};

    stanza::Iq answer_of(FocusManager& manager, const std::string& room, const std::string& node) {
        stanza::ConferenceIq conference;
        conference.room = jid(room);
        stanza::Iq request;
        request.header.type = stanza::IqType::set;
        request.header.id = "c1";
        request.header.from = jid("visitor@v1.meet.test/res");
        request.payload = conference.to_xml();
        auto promise = std::make_shared<std::promise<stanza::Iq>>();
        VisitorConferenceIqHandler::handle(request, *nodes_.node(node), nodes_, manager,
                                           [promise](stanza::Iq reply) { promise->set_value(std::move(reply)); });
        auto future = promise->get_future();
        EXPECT_EQ(future.wait_for(5s), std::future_status::ready);
        return future.get();
    }
};

TEST_F(VisitorConferenceIqTest, ReadyOnceTheMainConferenceRunsAndNeverRedirectedAgain) {
    auto manager = make_manager(true);
    auto before = answer_of(*manager, "room1@conference.v1.meet.test", "v1");
    ASSERT_EQ(before.header.type, stanza::IqType::result);
    auto early = stanza::ConferenceIq::parse(*before.payload);
    ASSERT_TRUE(early);
    EXPECT_EQ(early->ready, std::optional<bool>(false));

    ASSERT_TRUE(ask(*manager, request_for("room1@conference.meet.test")));
    for (const char* room : {"room1@conference.v1.meet.test", "room1@conference.meet.test"}) {
        auto reply = answer_of(*manager, room, "v1");
        ASSERT_EQ(reply.header.type, stanza::IqType::result) << room;
        auto answer = stanza::ConferenceIq::parse(*reply.payload);
        ASSERT_TRUE(answer);
        EXPECT_EQ(answer->ready, std::optional<bool>(true)) << room;
        EXPECT_EQ(answer->focus_jid->to_string(), "focus@auth.v1.meet.test");
        EXPECT_FALSE(answer->vnode);
        EXPECT_EQ(answer->room->to_string(), room);
    }
}

TEST_F(VisitorConferenceIqTest, AnotherNodesRoomIsNotAllowed) {
    auto manager = make_manager(true);
    auto reply = answer_of(*manager, "room1@conference.v2.meet.test", "v1");
    ASSERT_EQ(reply.header.type, stanza::IqType::error);
    ASSERT_TRUE(reply.error);
    EXPECT_EQ(reply.error->condition, stanza::ErrorCondition::not_allowed);
    EXPECT_EQ(answer_of(*manager, "room1@conference.other.example", "v1").header.type, stanza::IqType::error);
}

}  // namespace
}  // namespace jicofo::conference::testing
