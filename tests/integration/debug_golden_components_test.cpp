// The debug golden test's component sections: /debug's jibri_detector, sip_jibri_detector (emulated Jibris in the
// recorder and the SIP brewery) and jigasi_detector (an emulated Jigasi) against Jicofo's key trees
// (tests/data/jicofo_reference_debug.json); the media fixture of debug_golden_test.cpp has these null.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "debug_tree.hpp"
#include "jigasi_fixture.hpp"
#include "recording_fixture.hpp"

namespace jicofo::testing {
namespace {

const std::filesystem::path kSourceDir = JICOFO_SOURCE_DIR;

// Compares /debug's `section` with the reference's `definition`; returns the section.
nlohmann::json check_section(int port, const std::string& section, const std::string& definition) {
    const auto reference = nlohmann::json::parse(file_text(kSourceDir / "tests/data/jicofo_reference_debug.json"));
    const auto reply = http_request(port, "GET", "/debug");
    EXPECT_EQ(reply.status, 200) << reply.body;
    const auto debug = nlohmann::json::parse(reply.body, nullptr, false);
    const auto value = debug.is_object() ? debug.value(section, nlohmann::json()) : nlohmann::json();
    EXPECT_TRUE(value.is_object()) << section << ": " << reply.body;
    debug_golden::TreeComparison comparison(reference);
    comparison.compare("@" + definition, value, "/debug/" + section, "/debug/" + section);
    const auto all = debug_golden::problems_of(comparison, file_text(kSourceDir / "docs/rest-api.md"));
    EXPECT_TRUE(all.empty()) << all << value.dump(2);
    return value;
}

class DebugGoldenJibriTest : public RecordingTest {};

TEST_F(DebugGoldenJibriTest, JibriDetectorsHaveJicofosKeyTrees) {
    jibri1_ = start_jibri("jibri1", recorder_brewery());
    ASSERT_TRUE(jibri1_);
    sip_jibri_ = start_jibri("sipjibri1", sip_brewery(), "sip_jibri_detector");
    ASSERT_TRUE(sip_jibri_);

    const auto recorder = check_section(port_, "jibri_detector", "jibri_detector");
    EXPECT_EQ(recorder["is_sip"], false);
    EXPECT_EQ(recorder["brewery_jid"], recorder_brewery());
    ASSERT_TRUE(recorder.contains("jibri1")) << recorder.dump();
    EXPECT_EQ(recorder["jibri1"]["health_status"], "HEALTHY");
    EXPECT_EQ(recorder["jibri1"]["busy_status"], "IDLE");
    EXPECT_EQ(recorder["jibri1"]["reports_available"], true);

    const auto sip = check_section(port_, "sip_jibri_detector", "jibri_detector");
    EXPECT_EQ(sip["is_sip"], true);
    EXPECT_TRUE(sip.contains("sipjibri1")) << sip.dump();
}

class DebugGoldenJigasiTest : public JigasiTest {};

TEST_F(DebugGoldenJigasiTest, JigasiDetectorHasJicofosKeyTree) {
    jigasi1_ = start_jigasi("jigasi1", {{"participants", 3}, {"region", "eu-west"}});
    ASSERT_TRUE(jigasi1_);

    const auto detector = check_section(port_, "jigasi_detector", "jigasi_detector");
    EXPECT_EQ(detector["brewery_jid"], brewery());
    ASSERT_TRUE(detector.contains("jigasi1")) << detector.dump();
    EXPECT_EQ(detector["jigasi1"]["participants"], 3);
    EXPECT_EQ(detector["jigasi1"]["region"], "eu-west");
    EXPECT_EQ(detector["jigasi1"]["is_in_graceful_shutdown"], false);
}

}  // namespace
}  // namespace jicofo::testing
