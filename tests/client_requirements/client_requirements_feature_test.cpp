// The client-requirements feature in one conference: a refused client gets the reject IQ and no session, a soft
// miss a warn IQ and its session, a client without the IQ feature private chat messages instead, and the metrics
// count each case; with nothing configured the feature keeps no instance.
#include "jicofo/client_requirements/client_requirements_feature.hpp"
#include "feature/fake_registrar.hpp"
#include "jicofo/stanza/client_requirements.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace jicofo::client_requirements {
namespace {

using config::RequirementLevel;

const std::string kIqFeature = "http://jitsi.org/client-requirements-1";

class ClientRequirementsFeatureTest : public ::testing::Test {
protected:
    void add(std::string name, std::string feature, RequirementLevel level) {
        config::ClientRequirement r;
        r.name = std::move(name);
        r.feature = std::move(feature);
        r.level = level;
        registrar.config_.conference.client_requirements.requirements.push_back(std::move(r));
    }

    void install_with(bool enforce) {
        registrar.config_.conference.client_requirements.enforce = enforce;
        install(registrar);
        instance = registrar.instance_for(view);
        ASSERT_NE(instance, nullptr);
    }

    double counter(const std::string& name, const metrics::Labels& labels = {}) {
        return registrar.metrics().counter(name, labels).Value();
    }

    // The client-requirements IQ sent to `nick` (the last one), parsed.
    stanza::ClientRequirementsIq notice_to(const std::string& nick) {
        for (auto it = view.notices.rbegin(); it != view.notices.rend(); ++it) {
            if (it->first.resource() == nick) {
                auto parsed = stanza::ClientRequirementsIq::parse(it->second);
                EXPECT_TRUE(parsed) << parsed.error().message();
                return parsed ? parsed.value() : stanza::ClientRequirementsIq{};
            }
        }
        ADD_FAILURE() << "no notice to " << nick;
        return {};
    }

    feature::testing::FakeRegistrar registrar;
    feature::testing::FakeConferenceView view;
    feature::FeatureInstance* instance = nullptr;
};

TEST_F(ClientRequirementsFeatureTest, EnforcedHardMissRejectsWithTheIqAndAHolderGetsItsSession) {
    add("SSRC_REWRITING_V1", "http://jitsi.org/ssrc-rewriting-1", RequirementLevel::hard);
    install_with(true);
    view.join(view.make_member("old"));
    view.join(view.make_member("new"));

    EXPECT_FALSE(view.allows_session("old", {kIqFeature}));
    EXPECT_TRUE(view.allows_session("new", {kIqFeature, "http://jitsi.org/ssrc-rewriting-1"}));

    ASSERT_EQ(view.notices.size(), 1U);  // only the client that lacks it is told
    const auto iq = notice_to("old");
    EXPECT_EQ(iq.action, stanza::RequirementsAction::reject);
    ASSERT_EQ(iq.missing.size(), 1U);
    EXPECT_EQ(iq.missing[0].var, "http://jitsi.org/ssrc-rewriting-1");
    EXPECT_EQ(iq.missing[0].name, "SSRC_REWRITING_V1");
    EXPECT_EQ(iq.missing[0].level, stanza::MissingFeatureLevel::hard);
    EXPECT_TRUE(view.messages.empty());

    EXPECT_EQ(counter("participants_missing_features", {{"feature", "SSRC_REWRITING_V1"}, {"level", "hard"}}), 1);
    EXPECT_EQ(counter("participants_rejected_missing_features"), 1);
    EXPECT_EQ(counter("client_requirements_notifications", {{"transport", "iq"}}), 1);
    EXPECT_EQ(counter("client_requirements_notifications", {{"transport", "message"}}), 0);
    EXPECT_NE(instance->debug_json().value_or("").find("\"rejected\":1"), std::string::npos);
}

TEST_F(ClientRequirementsFeatureTest, SoftMissWarnsAndKeepsTheSession) {
    add("START_MUTED_RMD", "http://jitsi.org/start-muted-room-metadata", RequirementLevel::soft);
    install_with(true);
    view.join(view.make_member("a"));
    EXPECT_TRUE(view.allows_session("a", {kIqFeature}));
    const auto iq = notice_to("a");
    EXPECT_EQ(iq.action, stanza::RequirementsAction::warn);
    ASSERT_EQ(iq.missing.size(), 1U);
    EXPECT_EQ(iq.missing[0].level, stanza::MissingFeatureLevel::soft);
    EXPECT_EQ(counter("participants_missing_features", {{"feature", "START_MUTED_RMD"}, {"level", "soft"}}), 1);
    EXPECT_EQ(counter("participants_rejected_missing_features"), 0);
}

TEST_F(ClientRequirementsFeatureTest, NotEnforcedEveryoneGetsASessionAndIsWarned) {
    add("HARD", "urn:x:hard", RequirementLevel::hard);
    install_with(false);
    view.join(view.make_member("a"));
    EXPECT_TRUE(view.allows_session("a", {kIqFeature}));
    EXPECT_EQ(notice_to("a").action, stanza::RequirementsAction::warn);
    EXPECT_EQ(counter("participants_missing_features", {{"feature", "HARD"}, {"level", "hard"}}), 1);
    EXPECT_EQ(counter("participants_rejected_missing_features"), 0);
}

TEST_F(ClientRequirementsFeatureTest, AClientWithoutTheIqGetsOneChatMessagePerMissingFeature) {
    add("HARD", "urn:x:hard", RequirementLevel::hard);
    add("SOFT", "urn:x:soft", RequirementLevel::soft);
    install_with(true);
    view.join(view.make_member("legacy"));
    EXPECT_FALSE(view.allows_session("legacy", {"urn:xmpp:jingle:1"}));
    EXPECT_TRUE(view.notices.empty());
    ASSERT_EQ(view.messages.size(), 2U);
    for (const auto& message : view.messages) {
        EXPECT_EQ(message.type, "chat");
        ASSERT_TRUE(message.to);
        EXPECT_EQ(message.to->resource(), "legacy");
        ASSERT_TRUE(message.body);
    }
    EXPECT_NE(view.messages[0].body->find("HARD"), std::string::npos);
    EXPECT_NE(view.messages[1].body->find("SOFT"), std::string::npos);
    EXPECT_EQ(counter("client_requirements_notifications", {{"transport", "message"}}), 1);
    EXPECT_EQ(counter("client_requirements_notifications", {{"transport", "iq"}}), 0);
}

TEST_F(ClientRequirementsFeatureTest, ExemptAndUndiscoveredClientsAreNeitherToldNorRefused) {
    add("HARD", "urn:x:hard", RequirementLevel::hard);
    install_with(true);
    auto jibri = view.make_member("jibri");
    jibri.is_jibri = true;
    view.join(jibri);
    view.join(view.make_member("silent"));
    EXPECT_TRUE(view.allows_session("jibri", {}));
    EXPECT_TRUE(view.allows_session("silent", {}, false));
    EXPECT_TRUE(view.notices.empty());
    EXPECT_TRUE(view.messages.empty());
    EXPECT_EQ(counter("participants_features_not_discovered"), 1);
    EXPECT_EQ(counter("participants_missing_features", {{"feature", "HARD"}, {"level", "hard"}}), 0);
}

TEST_F(ClientRequirementsFeatureTest, WithoutActiveRequirementsConferencesKeepNoInstance) {
    add("OFF", "urn:x:off", RequirementLevel::off);
    install(registrar);
    EXPECT_EQ(registrar.instance_for(view), nullptr);
}

TEST_F(ClientRequirementsFeatureTest, DisabledRegistersNothing) {
    add("HARD", "urn:x:hard", RequirementLevel::hard);
    registrar.config_.conference.client_requirements.enabled = false;
    install(registrar);
    EXPECT_EQ(registrar.instance_for(view), nullptr);
}

}  // namespace
}  // namespace jicofo::client_requirements
