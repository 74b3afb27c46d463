// Holds between main and breakout conferences. A breakout conference reaches its main conference through the
// room map (Conferences), never directly: each runs on its own strand.
#include "jicofo/breakout/breakout_feature.hpp"

#include "jicofo/core/logging.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <variant>

namespace jicofo::breakout {
namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto log = core::module_logger("breakout");
    return log;
}

std::string hold_key(const stanza::Jid& breakout_room) {
    return "breakout room " + breakout_room.to_string();
}

class Breakout : public feature::FeatureInstance {
public:
    Breakout(std::shared_ptr<feature::Conferences> conferences, std::chrono::milliseconds switch_hold)
        : conferences_(std::move(conferences)), switch_hold_(switch_hold) {}

    void on_event(feature::ConferenceView& conference, const conference::ConferenceEvent& event) override {
        if (std::holds_alternative<conference::ConferenceJoined>(event)) {
            main_room_ = conference.room_info().is_breakout ? conference.room_info().main_room : std::nullopt;
            if (main_room_) {
                logger()->info("room={} is a breakout room of {}", conference.room().to_string(),
                               main_room_->to_string());
                tell_main_room(conference.room(), true);
            }
        } else if (std::holds_alternative<conference::ConferenceEnding>(event)) {
            if (main_room_) {
                tell_main_room(conference.room(), false);
            }
        } else if (const auto* left = std::get_if<conference::MemberLeft>(&event)) {
            if (conference.members().empty() && left->status == std::optional<std::string>(kSwitchRoomStatus)) {
                logger()->info("room={} endpoint={} left for a breakout room; the conference waits {} ms",
                               conference.room().to_string(), left->member->nick, switch_hold_.count());
                conference.hold_open(std::string(kSwitchRoomStatus), switch_hold_);
            }
        }
    }

    [[nodiscard]] std::optional<std::string> debug_json() const override {
        if (!main_room_) {
            return std::nullopt;
        }
        return nlohmann::ordered_json{{"main_room", main_room_->to_string()}}.dump();
    }

private:
    void tell_main_room(const stanza::Jid& breakout_room, bool running) {
        conferences_->with_conference(
            *main_room_,
            [key = hold_key(breakout_room), running](feature::ConferenceView& main, feature::FeatureInstance*) {
                if (running) {
                    main.hold_open(key, std::nullopt);
                } else {
                    main.release_hold(key);
                }
            },
            [main = main_room_->to_string(), running] {
                if (running) {
                    logger()->info("breakout room of {}, which has no conference", main);
                }
            });
    }

    std::shared_ptr<feature::Conferences> conferences_;
    std::chrono::milliseconds switch_hold_;
    std::optional<stanza::Jid> main_room_;
};

}  // namespace

void install(feature::Registrar& registrar) {
    auto conferences = registrar.conferences();
    const auto switch_hold = registrar.config().conference.initial_timeout;
    registrar.per_conference([conferences, switch_hold](feature::ConferenceView&) {
        return std::make_unique<Breakout>(conferences, switch_hold);
    });
    // Only its address, for /debug: the room map learns the service itself (component discovery in the app).
    feature::use_component(registrar, "breakout_rooms", "breakout_rooms", nullptr);
}

}  // namespace jicofo::breakout
