// The webhooks feature: per-conference instances that report conference and participant events, bridge events from
// the registrar, and the dispatcher that delivers them (on the features strand).
#include "jicofo/webhooks/webhooks_feature.hpp"

#include "jicofo/conference/focus_manager.hpp"
#include "jicofo/webhooks/dispatcher.hpp"

#include <boost/asio/post.hpp>

#include <atomic>
#include <variant>

namespace jicofo::webhooks {
namespace {

using Json = nlohmann::ordered_json;

Json member_data(const xmpp::Member& member) {
    return Json{{"endpoint-id", member.nick},
                {"stats-id", member.stats_id ? Json(*member.stats_id) : Json(nullptr)},
                {"region", member.region ? Json(*member.region) : Json(nullptr)},
                {"role", xmpp::to_string(member.role)},
                {"visitor", member.is_visitor()},
                {"jibri", member.is_jibri},
                {"jigasi", member.is_jigasi}};
}

// One conference's events, turned into webhook events on the conference's strand and handed to the dispatcher's
// strand; nothing here waits for delivery.
class ConferenceWebhooks : public feature::FeatureInstance {
public:
    ConferenceWebhooks(std::weak_ptr<Dispatcher> dispatcher, feature::Strand strand)
        : dispatcher_(std::move(dispatcher)), strand_(std::move(strand)) {}

    void on_event(feature::ConferenceView& conference, const conference::ConferenceEvent& event) override {
        if (std::holds_alternative<conference::ConferenceJoined>(event)) {
            created_ = true;
            send(conference, EventType::conference_created, Json::object());
        } else if (!created_) {
            return;  // a conference that never got its room (the focus could not join) was never announced
        } else if (const auto* joined = std::get_if<conference::MemberJoined>(&event)) {
            send(conference, EventType::participant_joined, member_data(*joined->member));
        } else if (const auto* left = std::get_if<conference::MemberLeft>(&event)) {
            auto data = member_data(*left->member);
            data["kicked"] = left->kicked;
            data["status"] = left->status ? Json(*left->status) : Json(nullptr);
            send(conference, EventType::participant_left, std::move(data));
        } else if (const auto* recording = std::get_if<conference::RecordingChanged>(&event)) {
            auto optional = [](std::string_view text) { return text.empty() ? Json(nullptr) : Json(text); };
            send(conference, recording->active ? EventType::recording_started : EventType::recording_stopped,
                 Json{{"mode", recording->mode},
                      {"session-id", recording->session_id},
                      {"initiator", optional(recording->initiator)},
                      {"failure-reason", optional(recording->failure_reason)}});
        } else if (const auto* ending = std::get_if<conference::ConferenceEnding>(&event)) {
            send(conference, EventType::conference_ended, Json{{"reason", ending->reason}});
        }
    }

private:
    void send(const feature::ConferenceView& conference, EventType type, Json data) {
        Event event{type, std::chrono::system_clock::now(), conference.room().to_string(), conference.meeting_id(),
                    std::move(data)};
        boost::asio::post(strand_, [dispatcher = dispatcher_, event = std::move(event)] {
            if (auto alive = dispatcher.lock()) {
                alive->publish(event);
            }
        });
    }

    std::weak_ptr<Dispatcher> dispatcher_;
    feature::Strand strand_;
    bool created_ = false;
};

}  // namespace

void install(feature::Registrar& registrar) {
    const auto& config = registrar.config().webhooks;
    auto dispatcher =
        Dispatcher::create(registrar.strand(), dispatcher_settings(config),
                           make_http_transport(registrar.strand().get_inner_executor()), &registrar.metrics());
    // Read on conference strands when a conference starts, set on the features strand at a reload: an atomic
    // flag, so that a shard without webhooks keeps no instance per conference.
    auto active = std::make_shared<std::atomic<bool>>(!config.urls.empty());
    registrar.per_conference([weak = std::weak_ptr<Dispatcher>(dispatcher), active, strand = registrar.strand()](
                                 feature::ConferenceView&) -> std::unique_ptr<feature::FeatureInstance> {
        if (!active->load(std::memory_order_relaxed)) {
            return nullptr;
        }
        return std::make_unique<ConferenceWebhooks>(weak, strand);
    });
    registrar.on_bridge_event([dispatcher](const conference::BridgeEvent& bridge) {
        using Kind = conference::BridgeEvent::Kind;
        Event event{
            EventType::bridge_added, std::chrono::system_clock::now(), {}, {}, Json{{"bridge", bridge.bridge_id}}};
        switch (bridge.kind) {
            case Kind::added: event.type = EventType::bridge_added; break;
            case Kind::left:
            case Kind::lost:
                event.type = EventType::bridge_removed;
                event.data["lost"] = bridge.kind == Kind::lost;
                break;
            case Kind::failed: event.type = EventType::bridge_failed; break;
            case Kind::operational:
            case Kind::shutting_down: return;  // not webhook events (yet)
        }
        dispatcher->publish(event);
    });
    registrar.on_reload([dispatcher, active](const config::JicofoConfig& reloaded) {
        dispatcher->reconfigure(dispatcher_settings(reloaded.webhooks));
        active->store(!reloaded.webhooks.urls.empty(), std::memory_order_relaxed);
    });
    registrar.on_stop([dispatcher] { dispatcher->stop(); });
    // Only on a shard configured with webhooks, whose /stats and /debug otherwise keep Jicofo's keys exactly.
    if (!config.urls.empty()) {
        registrar.stats_section("webhooks", [dispatcher] { return dispatcher->stats(); });
        registrar.debug_section("webhooks", [dispatcher] { return dispatcher->debug(); });
    }
}

}  // namespace jicofo::webhooks
