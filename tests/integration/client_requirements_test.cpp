// Client requirements through the binary (real Prosody, an emulated bridge, emulated lib-jitsi-meet clients that
// advertise chosen features): enforced, a client missing a hard feature is told (the client-requirements IQ, or a
// private chat message when it does not understand the IQ) and gets no session-initiate while staying in the room,
// one missing only a soft feature is warned and gets its session; not enforced, everyone gets a session and is only
// warned. The metrics count each case.
#include "media_session_fixture.hpp"

#include <regex>

namespace jicofo::testing {
namespace {

const std::string kIqFeature = "http://jitsi.org/client-requirements-1";
const std::string kHardFeature = "urn:test:needed";
const std::string kSoftFeature = "urn:test:wanted";

// The peers' lib-jitsi-meet features plus `extra`.
nlohmann::json features_with(std::initializer_list<std::string> extra) {
    auto features = lib_jitsi_meet_peer_features();
    features.insert(features.end(), extra);
    return features;
}

class ClientRequirementsTest : public MediaSessionTest {
protected:
    [[nodiscard]] virtual bool enforce() const { return true; }

    [[nodiscard]] std::string extra_settings() const override {
        return std::string("  conference.client-requirements {\n") + "    enforce = " + (enforce() ? "true" : "false") +
               "\n"
               "    requirements {\n"
               "      NEEDED { feature = \"" +
               kHardFeature +
               "\", level = hard, details = \"Update the app.\", url = \"https://example.com/update\" }\n"
               "      WANTED { feature = \"" +
               kSoftFeature +
               "\", level = soft }\n"
               "      IGNORED { feature = \"urn:test:ignored\", level = off }\n"
               "    }\n"
               "  }\n";
    }

    void join_with(const std::string& name, const std::string& nick, const nlohmann::json& features) {
        connect_participant(name);
        enter_room(name, room_, nick, {{"features", features}});
    }

    // A counter series in /metrics' Prometheus text (`labels` as exposed, e.g. feature="NEEDED",level="hard"); -1
    // when absent.
    double series(const std::string& family, const std::string& labels = "") {
        const auto text = http_request(port_, "GET", "/metrics").body;
        const std::string name = "jitsi_jicofo_" + family + "_total" + (labels.empty() ? "" : "{" + labels + "}");
        const auto at = text.find("\n" + name + " ");
        return at == std::string::npos ? -1 : std::stod(text.substr(at + name.size() + 2));
    }
};

TEST_F(ClientRequirementsTest, AHardMissRefusesTheSessionAndASoftMissOnlyWarns) {
    jvb1_ = start_bridge("jvb1", "eu-west");
    ASSERT_TRUE(jvb1_);
    join_with("alice", "alice1", features_with({kIqFeature, kHardFeature, kSoftFeature}));
    join_with("bob", "bob1", features_with({kIqFeature, kSoftFeature}));

    // Bob lacks the hard feature: told so, with what the configuration says about it, and never offered a session.
    const auto refused = next("client_requirements", "bob");
    EXPECT_EQ(refused["action"], "reject") << refused.dump();
    ASSERT_EQ(refused["missing"].size(), 1U) << refused.dump();
    EXPECT_EQ(refused["missing"][0]["var"], kHardFeature);
    EXPECT_EQ(refused["missing"][0]["name"], "NEEDED");
    EXPECT_EQ(refused["missing"][0]["level"], "hard");
    EXPECT_EQ(refused["missing"][0]["details"], "Update the app.");
    EXPECT_EQ(refused["missing"][0]["url"], "https://example.com/update");

    // Alice has everything: her session comes, and no notice.
    EXPECT_EQ(next("session_initiate", "alice")["reply"], "result");
    EXPECT_EQ(next("jingle_reply", "alice")["type"], "result");

    // Carol lacks only the soft one: warned, and invited all the same.
    join_with("carol", "carol1", features_with({kIqFeature, kHardFeature}));
    const auto warned = next("client_requirements", "carol");
    EXPECT_EQ(warned["action"], "warn") << warned.dump();
    ASSERT_EQ(warned["missing"].size(), 1U) << warned.dump();
    EXPECT_EQ(warned["missing"][0]["name"], "WANTED");
    EXPECT_EQ(warned["missing"][0]["level"], "soft");
    EXPECT_EQ(next("session_initiate", "carol")["reply"], "result");

    // Dave lacks the hard one and does not understand the IQ: a private chat message from the focus instead.
    join_with("dave", "dave1", features_with({kSoftFeature}));
    // (The room's subject comes as a groupchat message first.)
    const auto line = participants_->wait_for(
        [](const std::string& l) {
            return PeerProcess::is_event(l, "message") && PeerProcess::has_field(l, "name", "dave") &&
                   PeerProcess::has_field(l, "type", "chat");
        },
        kSessionTimeout);
    ASSERT_TRUE(line) << participants_->transcript() << diagnostics();
    const auto message = event_json(line);
    EXPECT_EQ(message["type"], "chat") << message.dump();
    EXPECT_EQ(message["from"], room_ + "/focus") << message.dump();
    const std::string body = message.value("body", "");
    EXPECT_NE(body.find("NEEDED"), std::string::npos) << body;
    EXPECT_NE(body.find("Update the app."), std::string::npos) << body;

    // The refused stay in the room and can chat: Bob's group message reaches Alice.
    const nlohmann::json chat = {
        {"cmd", "message"}, {"name", "bob"}, {"to", room_}, {"type", "groupchat"}, {"body", "can anyone hear me?"}};
    ASSERT_TRUE(participants_->request(chat.dump(), "done", kEventTimeout)) << participants_->transcript();
    ASSERT_TRUE(participants_->wait_for(
        [](const std::string& line) {
            return PeerProcess::is_event(line, "message") && PeerProcess::has_field(line, "name", "alice") &&
                   line.find("can anyone hear me?") != std::string::npos;
        },
        kSessionTimeout))
        << participants_->transcript();

    // Nobody refused was offered a session (no session-initiate came, queued or taken), and the bridge never saw
    // them; they are still occupants of the room.
    for (const auto& line : participants_->take_all()) {
        EXPECT_FALSE(PeerProcess::is_event(line, "protocol_violation")) << line;
        EXPECT_FALSE(PeerProcess::is_event(line, "session_initiate") &&
                     (PeerProcess::has_field(line, "name", "bob") || PeerProcess::has_field(line, "name", "dave")))
            << line;
    }
    EXPECT_TRUE(dump("bob")["session"].is_null()) << dump("bob").dump();
    EXPECT_TRUE(dump("dave")["session"].is_null()) << dump("dave").dump();
    const auto occupants = dump("alice")["occupants"];
    EXPECT_TRUE(occupants.contains("bob1") && occupants.contains("dave1")) << occupants.dump();
    const auto endpoints = endpoints_of(bridge_state(*jvb1_));
    EXPECT_EQ(endpoints, (std::set<std::string>{"alice1", "carol1"}));

    EXPECT_EQ(series("participants_missing_features", R"(feature="NEEDED",level="hard")"), 2);
    EXPECT_EQ(series("participants_missing_features", R"(feature="WANTED",level="soft")"), 1);
    EXPECT_EQ(series("participants_missing_features", R"(feature="IGNORED",level="off")"), -1);
    EXPECT_EQ(series("participants_rejected_missing_features"), 2);
    EXPECT_EQ(series("participants_features_not_discovered"), 0);
    EXPECT_EQ(series("client_requirements_notifications", R"(transport="iq")"), 2);
    EXPECT_EQ(series("client_requirements_notifications", R"(transport="message")"), 1);
}

class ClientRequirementsNotEnforcedTest : public ClientRequirementsTest {
protected:
    [[nodiscard]] bool enforce() const override { return false; }
};

TEST_F(ClientRequirementsNotEnforcedTest, EveryoneGetsASessionAndTheMissingAreWarned) {
    jvb1_ = start_bridge("jvb1", "eu-west");
    ASSERT_TRUE(jvb1_);
    join_with("alice", "alice1", features_with({kIqFeature, kHardFeature, kSoftFeature}));
    join_with("bob", "bob1", features_with({kIqFeature}));

    const auto warned = next("client_requirements", "bob");
    EXPECT_EQ(warned["action"], "warn") << warned.dump();
    EXPECT_EQ(warned["missing"].size(), 2U) << warned.dump();
    EXPECT_EQ(next("session_initiate", "bob")["reply"], "result");
    EXPECT_EQ(next("session_initiate", "alice")["reply"], "result");
    ASSERT_TRUE(poll([&] { return endpoints_of(bridge_state(*jvb1_)).size() == 2; }, kSessionTimeout))
        << bridge_state(*jvb1_).dump() << diagnostics();

    EXPECT_EQ(series("participants_missing_features", R"(feature="NEEDED",level="hard")"), 1);
    EXPECT_EQ(series("participants_missing_features", R"(feature="WANTED",level="soft")"), 1);
    EXPECT_EQ(series("participants_rejected_missing_features"), 0);
    EXPECT_EQ(series("client_requirements_notifications", R"(transport="iq")"), 1);
}

}  // namespace
}  // namespace jicofo::testing
