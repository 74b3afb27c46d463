// Golden test of the debug endpoints against Jicofo's key trees (tests/data/jicofo_reference_debug.json): /debug,
// /debug?full=true, /debug/conferences, /debug/conferences-full, /debug/conference/{jid}, /debug/xmpp-caps and
// /rtcstats, with a conference of two participants on an emulated bridge so that every nested part has entries. Every
// key of the reference's tree must be in ours with its JSON type; our extra keys must be named in docs/rest-api.md.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "media_session_fixture.hpp"

namespace jicofo::testing {
namespace {

const std::filesystem::path kSourceDir = JICOFO_SOURCE_DIR;

std::string file_text(const std::filesystem::path& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string json_type(const nlohmann::json& value) {
    if (value.is_null()) {
        return "null";
    }
    if (value.is_boolean()) {
        return "boolean";
    }
    if (value.is_number_integer()) {
        return "integer";
    }
    if (value.is_number()) {
        return "number";
    }
    if (value.is_string()) {
        return "string";
    }
    return value.is_array() ? "array" : "object";
}

bool type_allowed(const std::string& expected, const std::string& actual) {
    std::istringstream alternatives(expected);
    std::string one;
    while (std::getline(alternatives, one, '|')) {
        // An integer is a number too (a stress of 0 prints as 0).
        if (one == actual || (one == "number" && actual == "integer")) {
            return true;
        }
    }
    return false;
}

bool is_placeholder(const std::string& key) {
    return key.size() > 2 && key.front() == '<' && key.back() == '>';
}

// Compares our output with the reference's description (see the data file's "comment" for the conventions) and
// collects, one line each with its key path, what is missing or of another type, and our keys the reference's tree
// does not have (`extras`, as "parent/key" with placeholders for dynamic keys).
class TreeComparison {
public:
    explicit TreeComparison(const nlohmann::json& reference) : definitions_(reference["definitions"]) {}

    void compare(const nlohmann::json& expected, const nlohmann::json& actual, const std::string& path,
                 const std::string& shape) {
        const auto description = resolve(expected);
        if (description.is_string()) {
            if (!type_allowed(description.get<std::string>(), json_type(actual))) {
                problems.push_back(path + ": expected " + description.get<std::string>() + ", got " +
                                   json_type(actual));
            }
            return;
        }
        if (description.is_array()) {
            if (!actual.is_array()) {
                problems.push_back(path + ": expected an array, got " + json_type(actual));
                return;
            }
            for (std::size_t i = 0; i < actual.size(); ++i) {
                compare(description[0], actual[i], path + "/" + std::to_string(i), shape + "/[]");
            }
            return;
        }
        if (actual.is_null() && description.value("$or_null", false)) {
            return;
        }
        if (!actual.is_object()) {
            problems.push_back(path + ": expected an object, got " + json_type(actual));
            return;
        }
        std::string placeholder;
        std::set<std::string> fixed;
        for (const auto& [key, value] : description.items()) {
            if (key.starts_with('$')) {
                continue;
            }
            if (is_placeholder(key)) {
                placeholder = key;
                continue;
            }
            const bool optional = key.starts_with('?');
            const std::string name = optional ? key.substr(1) : key;
            fixed.insert(name);
            if (actual.contains(name)) {
                compare(value, actual[name], path + "/" + name, shape + "/" + name);
            } else if (!optional) {
                problems.push_back(path + "/" + name + ": missing");
            }
        }
        for (const auto& [key, value] : actual.items()) {
            if (fixed.count(key) == 1) {
                continue;
            }
            if (placeholder.empty()) {
                extras.insert(shape + "/" + key);
            } else {
                compare(description[placeholder], value, path + "/" + key, shape + "/" + placeholder);
            }
        }
    }

    std::vector<std::string> problems;
    std::set<std::string> extras;

private:
    // "@name" and "$extends" resolved to a plain description.
    nlohmann::json resolve(const nlohmann::json& description) const {
        if (description.is_string() && description.get<std::string>().starts_with('@')) {
            return resolve(definitions_.at(description.get<std::string>().substr(1)));
        }
        if (!description.is_object() || !description.contains("$extends")) {
            return description;
        }
        auto merged = resolve(description["$extends"]);
        for (const auto& [key, value] : description.items()) {
            if (key != "$extends") {
                merged[key] = value;
            }
        }
        return merged;
    }

    const nlohmann::json& definitions_;
};

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
        std::string all;
        for (const auto& problem : comparison.problems) {
            all += problem + "\n";
        }
        // Each of our additions is described in docs/rest-api.md by its key name.
        for (const auto& extra : comparison.extras) {
            const auto name = extra.substr(extra.rfind('/') + 1);
            if (rest_docs_.find("`" + name + "`") == std::string::npos) {
                all += extra + ": not in Jicofo's tree and not described in docs/rest-api.md\n";
            }
        }
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
