// The per-conference transcription instance: turns each metadata change into the wanted transcriber connect and
// the live-translation requests, and tells the media layer only when they change.
#include "jicofo/transcription/transcription_feature.hpp"

#include "jicofo/conference/conference_media.hpp"
#include "jicofo/core/logging.hpp"
#include "jicofo/transcription/transcriber_connect.hpp"
#include "jicofo/transcription/translator_connects.hpp"

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
    Transcription(std::shared_ptr<const config::TranscriptionConfig> config,
                  std::shared_ptr<const config::TranslationConfig> translation)
        : config_(std::move(config)), translation_config_(std::move(translation)) {}

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
        if (translation_) {
            json["translation_requests"] = translation_->requests;
        }
        return json.dump();
    }

private:
    // Live translation: the media layer keeps the synthetic sources and re-applies on source changes; it is told
    // when the requests or the room's translator headers change.
    void apply_translation(feature::ConferenceView& conference) {
        auto* media = conference.media();
        if (!media) {
            return;  // applied once the media layer exists (ConferenceJoined)
        }
        const auto& metadata = conference.metadata();
        TranslationSignalled wanted{metadata.audio_translation_requests, metadata.translation_http_headers};
        if (translation_ == wanted) {
            return;
        }
        translation_ = wanted;
        logger()->info("room={} audio translation requests for {} senders", conference.room().to_string(),
                       wanted.requests.size());
        conference::RoomMetadata headers_only;
        headers_only.translation_http_headers = std::move(wanted.headers);
        conference::TranslationWanted translation;
        translation.requests = std::move(wanted.requests);
        translation.connects =
            [config = translation_config_, headers = std::move(headers_only),
             meeting_id = std::string(conference.meeting_id())](const std::vector<TranslationRequest>& requests) {
                return translator_connects(*config, headers, meeting_id, requests);
            };
        media->set_translation(std::move(translation));
    }

    void apply(feature::ConferenceView& conference) {
        apply_translation(conference);
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

    struct TranslationSignalled {
        media::TranslationRequestMap requests;
        std::map<std::string, std::string> headers;
        bool operator==(const TranslationSignalled&) const = default;
    };

    std::shared_ptr<const config::TranscriptionConfig> config_;            // shared by every conference
    std::shared_ptr<const config::TranslationConfig> translation_config_;  // likewise
    bool enabled_ = false;
    std::optional<TranslationSignalled> translation_;
    std::optional<colibri::WantedConnect> signalled_;
};

}  // namespace

void install(feature::Registrar& registrar) {
    auto config = std::make_shared<const config::TranscriptionConfig>(registrar.config().transcription);
    if (config->url_template && config->url_template->find(kMeetingIdPlaceholder) == std::string::npos) {
        logger()->warn("jicofo.transcription.url-template does not contain {}", kMeetingIdPlaceholder);
    }
    auto translation = std::make_shared<const config::TranslationConfig>(registrar.config().translation);
    if (translation->url_template && translation->url_template->find(kMeetingIdPlaceholder) == std::string::npos) {
        logger()->warn("jicofo.translation.url-template does not contain {}", kMeetingIdPlaceholder);
    }
    registrar.per_conference([config, translation](feature::ConferenceView&) {
        return std::make_unique<Transcription>(config, translation);
    });
}

}  // namespace jicofo::transcription
