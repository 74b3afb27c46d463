// The room_metadata component's messages, applied to their room's conference.
#include "jicofo/room_metadata/room_metadata_feature.hpp"
#include "jicofo/core/logging.hpp"
#include "jicofo/stanza/jid_prep.hpp"
#include "jicofo/stanza/jingle.hpp"
#include "jicofo/stanza/namespaces.hpp"

#include <spdlog/spdlog.h>

#include <memory>
#include <variant>

namespace jicofo::room_metadata {
namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto log = core::module_logger("room_metadata");
    return log;
}

// Feature-wide state, on the features strand.
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

// Shows the metadata the conference holds in its /debug state.
class MetadataView : public feature::FeatureInstance {
public:
    void on_event(feature::ConferenceView&, const conference::ConferenceEvent& event) override {
        if (const auto* changed = std::get_if<conference::MetadataChanged>(&event)) {
            const auto& m = changed->metadata;
            nlohmann::ordered_json json;
            json["start_muted"] =
                m.start_muted ? nlohmann::ordered_json{{"audio", m.start_muted->audio}, {"video", m.start_muted->video}}
                              : nlohmann::ordered_json(nullptr);
            json["moderators"] = m.moderators.size();
            json["participants"] = m.participants ? nlohmann::ordered_json(m.participants->size()) : nullptr;
            json["visitors_live"] = m.visitors_live;
            json["participants_soft_limit"] =
                m.participants_soft_limit ? nlohmann::ordered_json(*m.participants_soft_limit) : nullptr;
            json["lobby_enabled"] = m.lobby_enabled;
            json["transcribing_enabled"] = m.transcribing_enabled;
            debug_ = json.dump();
        }
    }

    [[nodiscard]] std::optional<std::string> debug_json() const override { return debug_; }

private:
    std::optional<std::string> debug_;  // nothing until the component said something
};

}  // namespace

void install(feature::Registrar& registrar) {
    registrar.per_conference([](feature::ConferenceView&) { return std::make_unique<MetadataView>(); });
    feature::use_component(registrar, "room_metadata", "room_metadata", on_message);
}

}  // namespace jicofo::room_metadata
