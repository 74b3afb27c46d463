// The feature as installed: conference events become queued webhook events on the features strand, nothing is made
// per conference without URLs, and a reload changes the URLs while queued events stay.
#include "jicofo/webhooks/webhooks_feature.hpp"
#include "feature/fake_registrar.hpp"

#include <gtest/gtest.h>

namespace jicofo::webhooks {
namespace {

// Nothing listens on port 1 of the loopback: every attempt is refused and retried, so events stay queued.
constexpr const char* kDeadUrl = "http://127.0.0.1:1/hook";

class WebhooksFeatureTest : public ::testing::Test {
protected:
    nlohmann::ordered_json section(const std::vector<std::pair<std::string, feature::JsonSection>>& sections) {
        for (const auto& [key, fill] : sections) {
            if (key == "webhooks") {
                return fill();
            }
        }
        return nullptr;
    }

    feature::testing::FakeRegistrar registrar;
    feature::testing::FakeConferenceView view;
};

TEST_F(WebhooksFeatureTest, WithoutUrlsNothingIsMadeOrShown) {
    install(registrar);
    EXPECT_EQ(registrar.instance_for(view), nullptr);
    EXPECT_TRUE(section(registrar.stats).is_null());
    EXPECT_TRUE(section(registrar.debug).is_null());
}

TEST_F(WebhooksFeatureTest, ConferenceEventsAreQueuedOnTheFeaturesStrand) {
    registrar.config_.webhooks.urls = {kDeadUrl};
    install(registrar);
    ASSERT_NE(registrar.instance_for(view), nullptr);
    view.joined_conference();
    view.join(view.make_member("alice"));
    view.join(view.make_member("bob"));
    EXPECT_EQ(section(registrar.stats)["queued"], 0) << "only posted so far: the conference never waits";
    registrar.run_ready();
    EXPECT_EQ(section(registrar.stats)["queued"], 3);
    EXPECT_EQ(section(registrar.debug)["targets"][0]["conferences_waiting"], 1);
}

TEST_F(WebhooksFeatureTest, AConferenceThatNeverGotItsRoomSendsNothing) {
    registrar.config_.webhooks.urls = {kDeadUrl};
    install(registrar);
    ASSERT_NE(registrar.instance_for(view), nullptr);
    view.ending("focus could not join");
    registrar.run_ready();
    EXPECT_EQ(section(registrar.stats)["queued"], 0) << "no conference.ended without conference.created";
}

TEST_F(WebhooksFeatureTest, AReloadTakesNewUrlsAndKeepsWhatIsQueued) {
    registrar.config_.webhooks.urls = {kDeadUrl};
    install(registrar);
    ASSERT_NE(registrar.instance_for(view), nullptr);
    view.joined_conference();
    registrar.run_ready();
    ASSERT_EQ(registrar.reload_hooks.size(), 1U);
    auto reloaded = registrar.config_;
    reloaded.webhooks.urls = {"http://127.0.0.1:2/other"};
    reloaded.webhooks.events = {"participant.left"};
    registrar.reload_hooks[0](reloaded);
    view.join(view.make_member("alice"));  // not an event the new settings want
    registrar.run_ready();
    const auto debug = section(registrar.debug);
    ASSERT_EQ(debug["targets"].size(), 2U) << debug.dump();
    EXPECT_EQ(debug["targets"][0]["url"], "http://127.0.0.1:2/other");
    EXPECT_EQ(debug["targets"][0]["queued"], 0);
    EXPECT_EQ(debug["targets"][1]["retired"], true);
    EXPECT_EQ(debug["targets"][1]["queued"], 1) << "conference.created, still waiting for the old URL";

    // Without URLs, a new conference keeps no instance.
    reloaded.webhooks.urls.clear();
    registrar.reload_hooks[0](reloaded);
    feature::testing::FakeConferenceView later("room2@conference.meet.test");
    EXPECT_EQ(registrar.instance_for(later), nullptr);
}

TEST_F(WebhooksFeatureTest, BridgeEventsAreQueuedOutsideAnyConference) {
    registrar.config_.webhooks.urls = {kDeadUrl};
    install(registrar);
    ASSERT_EQ(registrar.bridge_hooks.size(), 1U);
    registrar.bridge_hooks[0](conference::BridgeEvent{conference::BridgeEvent::Kind::failed, "jvb1"});
    registrar.bridge_hooks[0](conference::BridgeEvent{conference::BridgeEvent::Kind::operational, "jvb1"});
    EXPECT_EQ(section(registrar.stats)["queued"], 1) << "operational is not a webhook event";
}

}  // namespace
}  // namespace jicofo::webhooks
