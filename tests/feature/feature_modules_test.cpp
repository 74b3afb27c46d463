// The small features through what their install() declares, on the fake view and registrar: room_presence (the
// focus's etherpad, bridge-count and bridgeNotAvailable), and the IQ routes of jingle and mute (what they answer when
// a request is malformed or the conference has no media). The fakes' own bookkeeping is checked first, since every
// feature's tests read it.
#include "feature/fake_registrar.hpp"
#include "jicofo/jingle/jingle_feature.hpp"
#include "jicofo/mute/mute_feature.hpp"
#include "jicofo/room_presence/room_presence_feature.hpp"
#include "jicofo/stanza/focus.hpp"
#include "jicofo/stanza/jingle.hpp"
#include "jicofo/stanza/jitsi_presence.hpp"
#include "jicofo/stanza/mute.hpp"
#include "jicofo/stanza/namespaces.hpp"

#include <gtest/gtest.h>

namespace jicofo::feature::testing {
namespace {

// An instance that records the events it gets, with the members the view shows at that moment.
class Recorder : public FeatureInstance {
public:
    void on_event(ConferenceView& conference, const conference::ConferenceEvent& event) override {
        kinds.push_back(event.index());
        sizes.push_back(conference.members().size());
    }
    std::vector<std::size_t> kinds;
    std::vector<std::size_t> sizes;
};

TEST(FakeConferenceView, PublishesEventsInTheConferencesOrder) {
    FakeConferenceView view;
    auto recorder = std::make_unique<Recorder>();
    auto* events = recorder.get();
    view.attach(std::move(recorder));
    view.joined_conference();
    view.join(view.make_member("alice"));
    view.update(view.make_member("alice", xmpp::MemberRole::moderator));
    view.leave("alice", std::string("switch_room"));
    // ConferenceJoined, MemberJoined, MemberUpdated, MemberRoleChanged, MemberLeft.
    EXPECT_EQ(events->kinds, (std::vector<std::size_t>{0, 1, 2, 3, 4}));
    // A joiner is in the room at its event; a leaver is gone at its.
    EXPECT_EQ(events->sizes, (std::vector<std::size_t>{0, 1, 1, 1, 0}));
}

TEST(FakeConferenceView, KeepsOneExtensionPerNameAndNamespace) {
    FakeConferenceView view;
    stanza::Etherpad first{"a"};
    stanza::Etherpad second{"b"};
    view.set_presence_extension(first.to_xml());
    view.set_presence_extension(second.to_xml());
    ASSERT_EQ(view.presence.size(), 1U);
    EXPECT_EQ(stanza::Etherpad::parse(view.presence[0])->name, "b");
    view.remove_presence_extension("etherpad", stanza::kNsJitmeetEtherpad);
    EXPECT_TRUE(view.presence.empty());
    EXPECT_EQ(view.presence_changes, 3);
}

class RoomPresenceTest : public ::testing::Test {
protected:
    void start(bool random_name) {
        registrar.config_.conference.shared_document_use_random_name = random_name;
        room_presence::install(registrar);
        ASSERT_NE(registrar.instance_for(view), nullptr);
        view.joined_conference();
    }
    [[nodiscard]] std::optional<std::string> etherpad() const {
        const auto* element = view.extension("etherpad", stanza::kNsJitmeetEtherpad);
        if (!element) {
            return std::nullopt;
        }
        auto parsed = stanza::Etherpad::parse(*element);
        return parsed ? std::optional(parsed->name) : std::nullopt;
    }
    [[nodiscard]] bool bridge_not_available() const {
        return view.extension("bridgeNotAvailable", stanza::kNsFocus) != nullptr;
    }

    FakeRegistrar registrar;
    FakeConferenceView view{"myroom@conference.meet.test"};
};

TEST_F(RoomPresenceTest, TheSharedDocumentIsNamedAfterTheRoom) {
    start(false);
    EXPECT_EQ(etherpad(), std::optional<std::string>("myroom"));
}

TEST_F(RoomPresenceTest, ARandomSharedDocumentNameWhenConfigured) {
    start(true);
    ASSERT_TRUE(etherpad());
    EXPECT_NE(*etherpad(), "myroom");
    EXPECT_GE(etherpad()->size(), 16U);
}

TEST_F(RoomPresenceTest, BridgeCountIsPublishedWhenItChanges) {
    start(false);
    view.publish(conference::BridgesChanged{1, false});
    view.publish(conference::BridgesChanged{1, false});
    view.publish(conference::BridgesChanged{2, false});
    view.publish(conference::BridgesChanged{0, false});
    using Calls = std::vector<std::pair<std::string, std::optional<std::string>>>;
    EXPECT_EQ(view.property_calls, (Calls{{"bridge-count", "1"}, {"bridge-count", "2"}, {"bridge-count", "0"}}));
    EXPECT_FALSE(bridge_not_available());
}

TEST_F(RoomPresenceTest, BridgeNotAvailableIsShownWhileSelectionFails) {
    start(false);
    const int before = view.presence_changes;
    view.publish(conference::BridgesChanged{0, true});
    EXPECT_TRUE(bridge_not_available());
    view.publish(conference::BridgesChanged{0, true});
    EXPECT_EQ(view.presence_changes, before + 1) << "unchanged state: no new presence";
    view.publish(conference::BridgesChanged{1, false});
    EXPECT_FALSE(bridge_not_available());
    EXPECT_EQ(view.properties["bridge-count"], "1");
    EXPECT_TRUE(etherpad()) << "the other extensions stay";
}

stanza::Iq occupant_iq(const std::string& id, stanza::XmlElement payload) {
    stanza::Iq iq;
    iq.header.type = stanza::IqType::set;
    iq.header.id = id;
    iq.header.from = parse_jid("room1@conference.meet.test/bob");
    iq.payload = std::move(payload);
    return iq;
}

TEST(JingleFeature, RoutesJingleSetsAndAnswersWhatTheMediaLayerCannot) {
    FakeRegistrar registrar;
    jingle::install(registrar);
    ASSERT_EQ(registrar.iqs.size(), 1U);
    const auto* route = registrar.iq_route("jingle", stanza::kNsJingle);
    ASSERT_NE(route, nullptr);
    EXPECT_EQ(route->route.type, stanza::IqType::set);
    FakeConferenceView view;  // no media

    stanza::Jingle jingle;
    jingle.action = stanza::JingleAction::session_accept;
    jingle.sid = "s1";
    route->handler(view, nullptr, occupant_iq("j1", jingle.to_xml()));
    ASSERT_EQ(view.replies.size(), 1U);
    EXPECT_EQ(view.replies[0].header.id, "j1");
    ASSERT_TRUE(view.replies[0].error);
    EXPECT_EQ(view.replies[0].error->condition, stanza::ErrorCondition::item_not_found);

    auto empty = occupant_iq("j2", stanza::XmlElement("jingle", std::string(stanza::kNsJingle)));
    empty.payload.reset();
    route->handler(view, nullptr, empty);
    ASSERT_EQ(view.replies.size(), 2U);
    ASSERT_TRUE(view.replies[1].error);
    EXPECT_EQ(view.replies[1].error->condition, stanza::ErrorCondition::bad_request);
}

TEST(MuteFeature, RoutesEachMediaTypesNamespace) {
    FakeRegistrar registrar;
    mute::install(registrar);
    EXPECT_EQ(registrar.iqs.size(), 3U);
    for (const auto media : {stanza::MuteMedia::audio, stanza::MuteMedia::video, stanza::MuteMedia::desktop}) {
        const auto* route = registrar.iq_route("mute", stanza::mute_namespace(media));
        ASSERT_NE(route, nullptr) << stanza::mute_namespace(media);
        FakeConferenceView view;  // no media
        stanza::MuteIq mute;
        mute.media = media;
        mute.jid = parse_jid("room1@conference.meet.test/bob");
        mute.mute = false;
        route->handler(view, nullptr, occupant_iq("m1", mute.to_xml()));
        ASSERT_EQ(view.replies.size(), 1U);
        ASSERT_TRUE(view.replies[0].error);
        EXPECT_EQ(view.replies[0].error->condition, stanza::ErrorCondition::item_not_found);
    }
}

TEST(MuteFeature, AMalformedRequestIsABadRequest) {
    FakeRegistrar registrar;
    mute::install(registrar);
    const auto* route = registrar.iq_route("mute", stanza::mute_namespace(stanza::MuteMedia::audio));
    ASSERT_NE(route, nullptr);
    FakeConferenceView view;
    auto no_payload = occupant_iq("m1", stanza::XmlElement("mute", std::string(stanza::kNsJitmeetAudio)));
    no_payload.payload.reset();
    route->handler(view, nullptr, no_payload);
    ASSERT_EQ(view.replies.size(), 1U);
    ASSERT_TRUE(view.replies[0].error);
    EXPECT_EQ(view.replies[0].error->condition, stanza::ErrorCondition::bad_request);
}

}  // namespace
}  // namespace jicofo::feature::testing
