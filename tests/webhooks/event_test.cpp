// Event names (the configuration's list and the payloads' names agree) and the JSON body's shape.
#include "jicofo/webhooks/event.hpp"
#include "jicofo/config/sections.hpp"

#include <gtest/gtest.h>

namespace jicofo::webhooks {
namespace {

TEST(EventTest, EveryConfigurableNameIsAnEventAndBack) {
    for (const auto name : config::webhook_event_names()) {
        const auto type = event_type(name);
        ASSERT_TRUE(type.has_value()) << name;
        EXPECT_EQ(event_name(*type), name);
    }
    EXPECT_EQ(config::webhook_event_names().size(), 9U);
    EXPECT_FALSE(event_type("conference.started").has_value());
}

TEST(EventTest, ABodyCarriesIdTypeTimeConferenceAndData) {
    Event event;
    event.type = EventType::participant_joined;
    event.time = std::chrono::system_clock::time_point{std::chrono::milliseconds(1000)};
    event.room = "room@conference.example.com";
    event.meeting_id = "m-1";
    event.data = {{"endpoint-id", "abcd"}, {"stats-id", "Fox"}};
    const auto body = nlohmann::json::parse(event_body(event, "id-1"));
    EXPECT_EQ(body, nlohmann::json::parse(R"({"id":"id-1","type":"participant.joined",
        "timestamp":"1970-01-01T00:00:01.000Z",
        "conference":{"room":"room@conference.example.com","meeting-id":"m-1"},
        "data":{"endpoint-id":"abcd","stats-id":"Fox"}})"));
    // The keys come in that order (receivers that log bodies read them top down).
    EXPECT_EQ(event_body(event, "id-1").rfind(R"({"id":"id-1","type":"participant.joined","timestamp":)", 0), 0U);
}

TEST(EventTest, ABridgeEventHasNoConference) {
    Event event;
    event.type = EventType::bridge_failed;
    event.data = {{"bridge", "jvb1"}};
    const auto body = nlohmann::json::parse(event_body(event, "x"));
    EXPECT_TRUE(body["conference"].is_null());
    EXPECT_EQ(body["type"], "bridge.failed");
    EXPECT_EQ(body["data"]["bridge"], "jvb1");
}

TEST(EventTest, InvalidUtf8IsReplacedNotThrown) {
    Event event;
    event.room = std::string("r\xff@c");
    EXPECT_NO_THROW((void)event_body(event, "x"));
}

}  // namespace
}  // namespace jicofo::webhooks
