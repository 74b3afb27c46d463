// Golden test of the debug endpoints against Jicofo's key trees (tests/data/jicofo_reference_debug.json): /debug,
// /debug?full=true, /debug/conferences, /debug/conferences-full, /debug/conference/{jid}, /debug/xmpp-caps and
// /rtcstats, with a conference of two participants on an emulated bridge so that every nested part has entries. Every
// key of the reference's tree must be in ours with its JSON type; our extra keys must be named in docs/rest-api.md.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

#include "debug_tree.hpp"
#include "media_session_fixture.hpp"

namespace jicofo::testing {
namespace {

const std::filesystem::path kSourceDir = JICOFO_SOURCE_DIR;
using debug_golden::TreeComparison;

// The media fixture (Prosody, the binary, emulated bridges and participants) with the debug routes on.
class DebugGoldenTest : public MediaSessionTest {
protected:
    nlohmann::json reference_ =
        nlohmann::json::parse(file_text(kSourceDir / "tests/data/jicofo_reference_debug.json"), nullptr, false);
    const std::string rest_docs_ = file_text(kSourceDir / "docs/rest-api.md");

    // GETs `path` and compares it with the reference's tree for `endpoint`; returns the body.
    nlohmann::json check(const std::string& endpoint, const std::string& path) {
        const auto reply = http_request(port_, "GET", path);
        EXPECT_EQ(reply.status, 200) << path << ": " << reply.body;
        auto body = nlohmann::json::parse(reply.body, nullptr, false);
        EXPECT_FALSE(body.is_discarded()) << path << ": " << reply.body;
        TreeComparison comparison(reference_);
        comparison.compare(reference_["endpoints"][endpoint], body, path, endpoint);
        // Each of our additions is described in docs/rest-api.md by its key name.
        const auto all = debug_golden::problems_of(comparison, rest_docs_);
        EXPECT_TRUE(all.empty()) << path << ":\n" << all << body.dump(2);
        return body;
    }
};

TEST_F(DebugGoldenTest, DebugEndpointsHaveJicofosKeyTrees) {
    ASSERT_FALSE(reference_.is_discarded());
    alice_and_bob_with_sessions_on_jvb1();
    ASSERT_FALSE(HasFatalFailure());
    // Both participants' sessions are active (their sources known) once /debug says so.
    ASSERT_TRUE(poll(
        [&] {
            const auto state = rest_json("/debug/conference/" + room_);
            const auto participants = state.value("participants", nlohmann::json::object());
            return participants.size() == 2 &&
                   std::all_of(participants.begin(), participants.end(), [](const nlohmann::json& p) {
                       const auto session = p.value("jingle_session", nlohmann::json());
                       return session.is_object() && session.value("state", "") == "ACTIVE";
                   });
        },
        kSessionTimeout))
        << rest_json("/debug/conference/" + room_).dump(2) << diagnostics();

    const auto light = check("/debug", "/debug");
    EXPECT_EQ(light["focus_manager"].value(room_, -1), 2) << light.dump();
    EXPECT_EQ(light["bridge_selector"]["bridge"].size(), 1U) << light.dump();

    const auto full = check("/debug?full=true", "/debug?full=true");
    ASSERT_TRUE(full["focus_manager"].contains(room_)) << full.dump();
    EXPECT_EQ(full["focus_manager"][room_]["participants"].size(), 2U);

    const auto list = check("/debug/conferences", "/debug/conferences");
    EXPECT_EQ(list, nlohmann::json::array({room_}));

    const auto all = check("/debug/conferences-full", "/debug/conferences-full");
    ASSERT_TRUE(all.contains(room_)) << all.dump();

    const auto one = check("/debug/conference/{jid}", "/debug/conference/" + room_);
    EXPECT_EQ(one["name"], room_);
    EXPECT_EQ(one["participant_count"], 2);
    EXPECT_EQ(one["chat_room"]["members"].size(), 2U) << one.dump();
    ASSERT_TRUE(one.contains("colibri_session_manager")) << one.dump();
    const auto& colibri = one["colibri_session_manager"];
    EXPECT_EQ(colibri["participants"].size(), 2U) << colibri.dump();
    ASSERT_EQ(colibri["sessions"].size(), 1U) << colibri.dump();
    EXPECT_EQ(colibri["sessions"].begin().value()["participants"].size(), 2U) << colibri.dump();
    EXPECT_EQ(colibri["sessions"].begin().value()["bridge"]["endpoints"], 2) << colibri.dump();
    // Both participants' sources, in the conference's map and in each one's signaling state.
    EXPECT_EQ(one["conference_sources"].size(), 2U) << one.dump();
    for (const auto& [id, participant] : one["participants"].items()) {
        EXPECT_FALSE(participant["source_signaling"]["sources"].empty()) << id << participant.dump();
    }

    EXPECT_EQ(http_request(port_, "GET", "/debug/conference/nobody@" + prosody_->muc_domain()).body, "{}");
    EXPECT_EQ(http_request(port_, "GET", "/debug/conference/a@b@c").status, 400);

    const auto caps = check("/debug/xmpp-caps", "/debug/xmpp-caps");
    ASSERT_FALSE(caps.empty()) << caps.dump();
    // Both participants send lib-jitsi-meet's caps with the same features: one entry counting two.
    ASSERT_EQ(caps.size(), 1U) << caps.dump();
    EXPECT_EQ(caps.begin().value()["count"], 2) << caps.dump();

    // The peers' conference requests carry no rtcstatsEnabled (enabled, as in Jicofo) and the conference is in
    // statistics: listed under its meeting id, without the participants' source signaling.
    const auto rtcstats = check("/rtcstats", "/rtcstats");
    ASSERT_EQ(rtcstats.size(), 1U) << rtcstats.dump();
    const auto& listed = rtcstats.begin().value();
    EXPECT_EQ(listed["name"], room_);
    EXPECT_EQ(listed["meeting_id"], rtcstats.begin().key());
    for (const auto& [id, participant] : listed["participants"].items()) {
        EXPECT_FALSE(participant.contains("source_signaling")) << id;
    }
}

}  // namespace
}  // namespace jicofo::testing
