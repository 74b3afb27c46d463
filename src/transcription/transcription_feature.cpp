// The per-conference transcription instance: turns each metadata change into the wanted transcriber connect and
// tells the media layer only when that changes.
#include "jicofo/transcription/transcription_feature.hpp"

#include "jicofo/conference/conference_media.hpp"
#include "jicofo/core/logging.hpp"
#include "jicofo/transcription/transcriber_connect.hpp"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <variant>

namespace jicofo::transcription {
namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto log = core::module_logger("transcription");
    return log;
}

class Transcription : public feature::FeatureInstance {
public:
    explicit Transcription(std::shared_ptr<const config::TranscriptionConfig> config) : config_(std::move(config)) {}

    void on_event(feature::ConferenceView& conference, const conference::ConferenceEvent& event) override {
        // Joined: the meeting id and the media layer exist. Metadata: the room may ask or stop asking.
        if (std::holds_alternative<conference::ConferenceJoined>(event) ||
            std::holds_alternative<conference::MetadataChanged>(event)) {
            apply(conference);
        }
    }

    [[nodiscard]] std::optional<std::string> debug_json() const override {
        nlohmann::ordered_json json{{"enabled", enabled_}};
        if (signalled_) {
            json["url"] = signalled_->connect.url;
        }
        return json.dump();
    }

private:
    void apply(feature::ConferenceView& conference) {
        const auto& metadata = conference.metadata();
        const std::string room = conference.room().to_string();
        if (metadata.transcribing_enabled != enabled_) {
            enabled_ = metadata.transcribing_enabled;
            logger()->info("room={} transcribing {}", room, enabled_ ? "enabled" : "disabled");
            conference.set_conference_property("audio-recording-enabled", enabled_ ? "true" : "false");
            if (enabled_ && !config_->url_template) {
                logger()->info("room={} transcribing enabled, but no jicofo.transcription.url-template", room);
            }
        }
        auto* media = conference.media();
        if (!media) {
            return;  // applied once the media layer exists (ConferenceJoined)
        }
        if (enabled_) {
            media->start_invites();  // a lone participant is transcribed too
        }
        auto wanted = transcriber_connect(*config_, metadata, conference.meeting_id());
        if (wanted == signalled_) {
            return;
        }
        signalled_ = std::move(wanted);
        std::vector<colibri::WantedConnect> connects;
        if (signalled_) {
            connects.push_back(*signalled_);
        }
        media->set_connects(std::move(connects));
    }

    std::shared_ptr<const config::TranscriptionConfig> config_;  // shared by every conference
    bool enabled_ = false;
    std::optional<colibri::WantedConnect> signalled_;
};

}  // namespace

void install(feature::Registrar& registrar) {
    auto config = std::make_shared<const config::TranscriptionConfig>(registrar.config().transcription);
    if (config->url_template && config->url_template->find(kMeetingIdPlaceholder) == std::string::npos) {
        logger()->warn("jicofo.transcription.url-template does not contain {}", kMeetingIdPlaceholder);
    }
    registrar.per_conference([config](feature::ConferenceView&) { return std::make_unique<Transcription>(config); });
}

}  // namespace jicofo::transcription
