// The room_metadata component's messages, applied to their room's conference.
#include "jicofo/room_metadata/room_metadata_feature.hpp"
#include "jicofo/core/logging.hpp"
#include "jicofo/stanza/jid_prep.hpp"
#include "jicofo/stanza/jingle.hpp"
#include "jicofo/stanza/namespaces.hpp"

#include <spdlog/spdlog.h>

#include <memory>

namespace jicofo::room_metadata {
namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto log = core::module_logger("room_metadata");
    return log;
}

// Feature-wide state, on the features strand.
struct Component {
    std::optional<std::string> address;
};

void on_message(const stanza::Message& message, feature::Conferences& conferences) {
    const auto* element = message.extension("json-message", stanza::kNsJitmeet);
    if (!element) {
        logger()->warn("a message from the room_metadata component without json-message; ignored");
        return;
    }
    auto json = stanza::JsonMessage::parse(*element);
    if (!json || !json->room) {
        logger()->warn("a room_metadata message without a room; ignored");
        return;
    }
    // In Prosody's form, as the room map keys conferences.
    auto parsed = stanza::Jid::parse(*json->room);
    auto room = parsed ? stanza::prep(*parsed) : parsed;
    if (!room || !room->is_bare() || room->local().empty()) {
        logger()->warn("a room_metadata message for '{}', which is not a room; ignored", *json->room);
        return;
    }
    auto metadata = parse_room_metadata(json->json);
    if (!metadata) {
        logger()->warn("room={} malformed room_metadata ignored: {}", json->room.value(), metadata.error());
        return;
    }
    conferences.with_conference(
        room->bare(),
        [metadata = std::move(metadata).value()](feature::ConferenceView& conference,
                                                 feature::FeatureInstance*) mutable {
            logger()->info("room={} room metadata updated", conference.room().to_string());
            conference.set_metadata(std::move(metadata));
        },
        [room = room->to_string()] { logger()->debug("room={} room metadata for a room without a conference", room); });
}

}  // namespace

void install(feature::Registrar& registrar) {
    auto component = std::make_shared<Component>();
    registrar.on_component(
        "room_metadata", [component](const std::optional<std::string>& address) { component->address = address; },
        on_message);
    registrar.debug_section("room_metadata", [component] {
        return nlohmann::ordered_json{
            {"address", component->address ? nlohmann::ordered_json(*component->address) : nullptr}};
    });
}

}  // namespace jicofo::room_metadata
