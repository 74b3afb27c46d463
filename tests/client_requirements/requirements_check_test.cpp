// The client-requirements rule: who is checked at all (exempt roles, failed discovery, nothing configured), what a
// missing hard / soft / off requirement leads to with and without enforce, and the notices built from a check.
#include "jicofo/client_requirements/requirements_check.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace jicofo::client_requirements {
namespace {

using config::RequirementLevel;

config::ClientRequirement requirement(std::string name, std::string feature, RequirementLevel level) {
    config::ClientRequirement r;
    r.name = std::move(name);
    r.feature = std::move(feature);
    r.level = level;
    return r;
}

class RequirementsCheckTest : public ::testing::Test {
protected:
    void SetUp() override {
        config.enforce = true;
        config.requirements = {requirement("HARD_ONE", "urn:x:hard", RequirementLevel::hard),
                               requirement("SOFT_ONE", "urn:x:soft", RequirementLevel::soft),
                               requirement("OFF_ONE", "urn:x:off", RequirementLevel::off)};
        member.nick = "abcd1234";
    }

    Check run(const std::vector<std::string>& features, bool discovered = true) const {
        return check(config, member, conference::DiscoveredFeatures{features, discovered});
    }

    static std::vector<std::string> names(const Check& c) {
        std::vector<std::string> out;
        for (const auto* r : c.missing) {
            out.push_back(r->name);
        }
        return out;
    }

    config::ClientRequirementsConfig config;
    xmpp::Member member;
};

TEST_F(RequirementsCheckTest, AClientWithEveryActiveFeatureIsSatisfiedAndOffIsNeverAsked) {
    const auto c = run({"urn:x:hard", "urn:x:soft"});
    EXPECT_EQ(c.outcome, Outcome::satisfied);
    EXPECT_TRUE(c.missing.empty());
    EXPECT_FALSE(c.withholds_session());
}

TEST_F(RequirementsCheckTest, AMissingHardFeatureWithEnforceRejects) {
    const auto c = run({"urn:x:soft"});
    EXPECT_EQ(c.outcome, Outcome::reject);
    EXPECT_TRUE(c.withholds_session());
    EXPECT_EQ(names(c), std::vector<std::string>{"HARD_ONE"});
}

TEST_F(RequirementsCheckTest, AMissingSoftFeatureOnlyWarns) {
    const auto c = run({"urn:x:hard"});
    EXPECT_EQ(c.outcome, Outcome::warn);
    EXPECT_FALSE(c.withholds_session());
    EXPECT_EQ(names(c), std::vector<std::string>{"SOFT_ONE"});
}

TEST_F(RequirementsCheckTest, HardAndSoftMissingRejectAndListBothInConfigurationOrder) {
    const auto c = run({});
    EXPECT_EQ(c.outcome, Outcome::reject);
    EXPECT_EQ(names(c), (std::vector<std::string>{"HARD_ONE", "SOFT_ONE"}));
}

TEST_F(RequirementsCheckTest, WithoutEnforceAMissingHardFeatureOnlyWarns) {
    config.enforce = false;
    const auto c = run({"urn:x:soft"});
    EXPECT_EQ(c.outcome, Outcome::warn);
    EXPECT_FALSE(c.withholds_session());
    EXPECT_EQ(names(c), std::vector<std::string>{"HARD_ONE"});
}

TEST_F(RequirementsCheckTest, JibriJigasiAndTranscribersAreExempt) {
    for (auto flag : {&xmpp::Member::is_jibri, &xmpp::Member::is_jigasi, &xmpp::Member::is_transcriber}) {
        member = {};
        member.*flag = true;
        const auto c = run({});
        EXPECT_EQ(c.outcome, Outcome::exempt);
        EXPECT_FALSE(c.withholds_session());
        EXPECT_TRUE(c.missing.empty());
    }
}

TEST_F(RequirementsCheckTest, AFailedDiscoveryIsNeverHeldAgainstTheClient) {
    const auto c = run({}, false);
    EXPECT_EQ(c.outcome, Outcome::not_discovered);
    EXPECT_FALSE(c.withholds_session());
    EXPECT_TRUE(c.missing.empty());
}

TEST_F(RequirementsCheckTest, NothingIsCheckedWhenDisabledOrWithoutAnActiveRequirement) {
    config.enabled = false;
    EXPECT_EQ(run({}).outcome, Outcome::unchecked);
    config.enabled = true;
    config.requirements = {requirement("OFF_ONE", "urn:x:off", RequirementLevel::off)};
    EXPECT_EQ(run({}).outcome, Outcome::unchecked);
    EXPECT_EQ(run({}, false).outcome, Outcome::unchecked);  // not even counted as undiscovered
    config.requirements.clear();
    EXPECT_EQ(run({}).outcome, Outcome::unchecked);
}

TEST_F(RequirementsCheckTest, OnlyClientsAdvertisingTheFeatureUnderstandTheIq) {
    EXPECT_TRUE(understands_iq({"urn:xmpp:jingle:1", "http://jitsi.org/client-requirements-1"}));
    EXPECT_FALSE(understands_iq({"urn:xmpp:jingle:1"}));
}

TEST_F(RequirementsCheckTest, TheNoticeCarriesEachMissingFeatureWithItsLevelAndTexts) {
    config.requirements[0].details = "Update to 10.2";
    config.requirements[0].url = "https://example.com/u";
    const auto iq = notice(run({}));
    EXPECT_EQ(iq.action, stanza::RequirementsAction::reject);
    ASSERT_EQ(iq.missing.size(), 2U);
    EXPECT_EQ(iq.missing[0].var, "urn:x:hard");
    EXPECT_EQ(iq.missing[0].name, "HARD_ONE");
    EXPECT_EQ(iq.missing[0].level, stanza::MissingFeatureLevel::hard);
    EXPECT_EQ(iq.missing[0].details, "Update to 10.2");
    EXPECT_EQ(iq.missing[0].url, "https://example.com/u");
    EXPECT_EQ(iq.missing[1].var, "urn:x:soft");
    EXPECT_EQ(iq.missing[1].level, stanza::MissingFeatureLevel::soft);
    EXPECT_FALSE(iq.missing[1].details);

    config.enforce = false;
    EXPECT_EQ(notice(run({})).action, stanza::RequirementsAction::warn);
}

TEST_F(RequirementsCheckTest, ChatTextSaysWhetherMediaIsRefusedAndCarriesTheDetails) {
    config.requirements[0].details = "Update to 10.2";
    config.requirements[0].url = "https://example.com/u";
    const auto refused = chat_text(config.requirements[0], Outcome::reject);
    EXPECT_NE(refused.find("HARD_ONE (urn:x:hard)"), std::string::npos) << refused;
    EXPECT_NE(refused.find("cannot send or receive audio and video"), std::string::npos) << refused;
    EXPECT_NE(refused.find("Update to 10.2 https://example.com/u"), std::string::npos) << refused;
    const auto warned = chat_text(config.requirements[0], Outcome::warn);
    EXPECT_EQ(warned.find("cannot send"), std::string::npos) << warned;
    EXPECT_NE(warned.find("expects"), std::string::npos) << warned;
}

}  // namespace
}  // namespace jicofo::client_requirements
