// The recording feature without XMPP: what it registers (the client route, a peer route per configured brewery on
// the connection the configuration names, start/stop hooks, /stats and /debug sections, the reference's metric
// names), and the answers a client gets before any Jibri is involved (refusals, no brewery configured).
#include "jicofo/recording/recording_feature.hpp"
#include "feature/fake_registrar.hpp"
#include "jicofo/stanza/namespaces.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace jicofo::recording {
namespace {

using feature::testing::condition_of;
using feature::testing::FeatureInRoomTest;
using feature::testing::parse_jid;
using stanza::ErrorCondition;

class RecordingFeatureTest : public FeatureInRoomTest {
protected:
    void install_feature() { install_in_room(&install); }

    // A <jibri/> request from `nick` with these attributes, handled as the host would.
    const stanza::Iq& request(const std::string& nick, const std::string& attributes) {
        const auto xml = "<jibri xmlns='" + std::string(stanza::kNsJibri) + "' " + attributes + "/>";
        return registrar.answer(view, instance, view.occupant_iq(nick, xml, next_id("req")));
    }

    [[nodiscard]] nlohmann::ordered_json stats(const std::string& key) const {
        const auto section = registrar.stats_value(key);
        EXPECT_TRUE(section) << "no /stats section " << key;
        return section.value_or(nullptr);
    }
};

TEST_F(RecordingFeatureTest, WithoutBreweriesOnlyTheClientRouteAndZeroSectionsAreThere) {
    install_feature();
    EXPECT_NE(registrar.iq_route("jibri", stanza::kNsJibri), nullptr);
    EXPECT_TRUE(registrar.peer_iqs.empty()) << "no brewery, nobody's status IQs to claim";
    EXPECT_EQ(stats("jibri_detector"), (nlohmann::ordered_json{{"count", 0}, {"available", 0}}));
    EXPECT_EQ(stats("sip_jibri_detector"), (nlohmann::ordered_json{{"count", 0}, {"available", 0}}));
    const auto jibri = stats("jibri");
    for (const auto* key : {"total_sip_call_failures", "total_live_streaming_failures", "total_recording_failures",
                            "live_streaming_active", "recording_active", "sip_call_active"}) {
        ASSERT_TRUE(jibri.contains(key)) << key;
        EXPECT_EQ(jibri[key], 0) << key;
    }
    EXPECT_EQ(registrar.debug_value("jibri_detector"), std::optional<nlohmann::ordered_json>(nullptr));
    EXPECT_FALSE(instance->debug_json()) << "no session, nothing in the conference's /debug";
}

TEST_F(RecordingFeatureTest, EachConfiguredBreweryClaimsItsOccupantsOnTheConnectionConfigured) {
    registrar.config_.jibri.brewery_jid = "jibribrewery@internal.auth.meet.test";
    registrar.config_.jibri.xmpp_connection_name = config::XmppConnectionName::Service;
    registrar.config_.jibri_sip.brewery_jid = "sipbrewery@internal.auth.meet.test";
    install_feature();
    ASSERT_EQ(registrar.peer_iqs.size(), 2U);
    EXPECT_EQ(registrar.peer_iqs[0].connection, config::XmppConnectionName::Service);
    EXPECT_EQ(registrar.peer_iqs[1].connection, config::XmppConnectionName::Client) << "SIP: always the client";
    for (const auto& peer : registrar.peer_iqs) {
        EXPECT_EQ(peer.route.element, "jibri");
        EXPECT_EQ(peer.route.ns, stanza::kNsJibri);
        // Before start there is no brewery joined, so nobody is an instance.
        EXPECT_FALSE(peer.claims(parse_jid("jibribrewery@internal.auth.meet.test/jibri1")));
    }
    EXPECT_EQ(registrar.start_hooks.size(), 1U);
    EXPECT_EQ(registrar.stop_hooks.size(), 1U);
}

TEST_F(RecordingFeatureTest, RegistersTheReferenceMetricNames) {
    install_feature();
    std::set<std::string> names;
    for (const auto& family : registrar.metrics().collect()) {
        names.insert(family.name);
    }
    for (const auto* name :
         {"jitsi_jicofo_jibri_instances", "jitsi_jicofo_jibri_instances_available", "jitsi_jicofo_sip_jibri_instances",
          "jitsi_jicofo_sip_jibri_instances_available", "jitsi_jicofo_jibri_recording_active",
          "jitsi_jicofo_jibri_live_streaming_active", "jitsi_jicofo_jibri_sip_active",
          "jitsi_jicofo_jibri_recording_failures_total", "jitsi_jicofo_jibri_live_streaming_failures_total",
          "jitsi_jicofo_jibri_sip_failures_total", "jitsi_jicofo_jibri_no_instance_failures_total"}) {
        EXPECT_TRUE(names.count(name)) << name;
    }
}

TEST_F(RecordingFeatureTest, RefusalsComeBeforeAnyJibriIsAsked) {
    registrar.config_.jibri.brewery_jid = "jibribrewery@internal.auth.meet.test";
    install_feature();
    EXPECT_EQ(condition_of(request("guest", "action='start' recording_mode='file'")), ErrorCondition::not_allowed);
    EXPECT_EQ(condition_of(request("stranger", "action='start' recording_mode='file'")), ErrorCondition::forbidden);
    EXPECT_EQ(condition_of(request("owner", "action='start' recording_mode='stream'")), ErrorCondition::bad_request);
    EXPECT_EQ(condition_of(request("owner", "action='start' recording_mode='file' streamid='key'")),
              ErrorCondition::bad_request);
    EXPECT_EQ(condition_of(request("owner", "action='stop'")), ErrorCondition::item_not_found);
    EXPECT_EQ(condition_of(request("owner", "recording_mode='file'")), ErrorCondition::bad_request) << "no action";
    EXPECT_EQ(condition_of(request("owner", "action='start' recording_mode='tape'")), ErrorCondition::bad_request);
    // A SIP call needs the SIP brewery, which is not configured here.
    EXPECT_EQ(condition_of(request("owner", "action='start' sipaddress='sip:a@b.c'")),
              ErrorCondition::service_unavailable);
    EXPECT_FALSE(instance->debug_json()) << "no session was made for a refused request";
}

TEST_F(RecordingFeatureTest, WithModeratorChecksOffAGuestMayAskAndHearsThereIsNoBrewery) {
    registrar.config_.conference.enable_moderator_checks = false;
    install_feature();
    const auto& reply = request("guest", "action='start' recording_mode='file'");
    EXPECT_EQ(condition_of(reply), ErrorCondition::service_unavailable);
    EXPECT_NE(reply.error->text.find("no Jibri brewery"), std::string::npos) << reply.error->text;
}

}  // namespace
}  // namespace jicofo::recording
