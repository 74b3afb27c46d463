// The focus's room presence per conference: edited only when a value changes, since Prosody broadcasts every
// presence of ours to the whole room.
#include "jicofo/room_presence/room_presence_feature.hpp"

#include "jicofo/core/random.hpp"
#include "jicofo/stanza/focus.hpp"
#include "jicofo/stanza/jitsi_presence.hpp"
#include "jicofo/stanza/namespaces.hpp"

#include <memory>
#include <variant>

namespace jicofo::room_presence {
namespace {

class RoomPresence : public feature::FeatureInstance {
public:
    explicit RoomPresence(bool random_document_name) : random_document_name_(random_document_name) {}

    void on_event(feature::ConferenceView& conference, const conference::ConferenceEvent& event) override {
        if (std::holds_alternative<conference::ConferenceJoined>(event)) {
            stanza::Etherpad etherpad;
            etherpad.name = random_document_name_ ? core::random_token(16) : std::string(conference.room().local());
            conference.set_presence_extension(etherpad.to_xml());
            return;
        }
        const auto* bridges = std::get_if<conference::BridgesChanged>(&event);
        if (!bridges) {
            return;
        }
        if (bridges->bridges != bridge_count_) {
            bridge_count_ = bridges->bridges;
            conference.set_conference_property("bridge-count", std::to_string(bridge_count_));
        }
        if (bridges->selection_failing != bridge_not_available_) {
            bridge_not_available_ = bridges->selection_failing;
            if (bridge_not_available_) {
                conference.set_presence_extension(stanza::BridgeNotAvailable{}.to_xml());
            } else {
                conference.remove_presence_extension("bridgeNotAvailable", stanza::kNsFocus);
            }
        }
    }

    [[nodiscard]] std::optional<std::string> debug_json() const override {
        return nlohmann::ordered_json{{"bridge_count", bridge_count_}, {"bridge_not_available", bridge_not_available_}}
            .dump();
    }

private:
    bool random_document_name_;
    int bridge_count_ = 0;
    bool bridge_not_available_ = false;
};

}  // namespace

void install(feature::Registrar& registrar) {
    const bool random_name = registrar.config().conference.shared_document_use_random_name;
    registrar.per_conference(
        [random_name](feature::ConferenceView&) { return std::make_unique<RoomPresence>(random_name); });
}

}  // namespace jicofo::room_presence
