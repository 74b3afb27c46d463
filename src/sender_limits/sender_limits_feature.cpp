// Counting senders per conference from the members' presence, incrementally (a join storm must not rescan the room
// at every presence).
#include "jicofo/sender_limits/sender_limits_feature.hpp"

#include <memory>
#include <variant>

namespace jicofo::sender_limits {
namespace {

struct Limits {
    int audio = 0;
    int video = 0;
};

class SenderLimits : public feature::FeatureInstance {
public:
    explicit SenderLimits(Limits limits) : limits_(limits) {}

    void on_event(feature::ConferenceView& conference, const conference::ConferenceEvent& event) override {
        if (const auto* joined = std::get_if<conference::MemberJoined>(&event)) {
            count(*joined->member, +1);
        } else if (const auto* updated = std::get_if<conference::MemberUpdated>(&event)) {
            count(*updated->before, -1);
            count(*updated->member, +1);
        } else if (const auto* left = std::get_if<conference::MemberLeft>(&event)) {
            count(*left->member, -1);
        } else {
            return;
        }
        publish(conference);
    }

    [[nodiscard]] std::optional<stanza::StanzaError> unmute_refusal(const feature::ConferenceView&,
                                                                    const xmpp::Member& member,
                                                                    stanza::MuteMedia media) const override {
        const bool audio = media == stanza::MuteMedia::audio;
        const bool muted = audio ? member.audio_muted : member.video_muted;
        if (muted && at_limit(audio)) {
            return refusal(audio);
        }
        return std::nullopt;
    }

    [[nodiscard]] std::optional<stanza::StanzaError> source_add_refusal(const feature::ConferenceView&,
                                                                        const xmpp::Member&, bool audio,
                                                                        bool video) const override {
        if (audio && at_limit(true)) {
            return refusal(true);
        }
        if (video && at_limit(false)) {
            return refusal(false);
        }
        return std::nullopt;
    }

    [[nodiscard]] std::optional<std::string> debug_json() const override {
        return nlohmann::ordered_json{{"audio_senders", audio_senders_},
                                      {"video_senders", video_senders_},
                                      {"audio_limit_reached", audio_reached_},
                                      {"video_limit_reached", video_reached_}}
            .dump();
    }

private:
    void count(const xmpp::Member& member, int sign) {
        audio_senders_ += member.audio_muted ? 0 : sign;
        video_senders_ += member.video_muted ? 0 : sign;
    }

    [[nodiscard]] bool at_limit(bool audio) const {
        return audio ? audio_senders_ >= limits_.audio : video_senders_ >= limits_.video;
    }

    static stanza::StanzaError refusal(bool audio) {
        return stanza::StanzaError::make(stanza::ErrorCondition::resource_constraint,
                                         std::string("Sender count exceeded for: ") + (audio ? "audio" : "video"));
    }

    // Only changes are published, as Jicofo does: the properties are absent until a limit is first reached.
    void publish(feature::ConferenceView& conference) {
        if (at_limit(true) != audio_reached_) {
            audio_reached_ = !audio_reached_;
            conference.set_conference_property("audio-limit-reached", audio_reached_ ? "true" : "false");
        }
        if (at_limit(false) != video_reached_) {
            video_reached_ = !video_reached_;
            conference.set_conference_property("video-limit-reached", video_reached_ ? "true" : "false");
        }
    }

    Limits limits_;
    int audio_senders_ = 0;
    int video_senders_ = 0;
    bool audio_reached_ = false;
    bool video_reached_ = false;
};

}  // namespace

void install(feature::Registrar& registrar) {
    const Limits limits{registrar.config().conference.max_audio_senders,
                        registrar.config().conference.max_video_senders};
    registrar.per_conference([limits](feature::ConferenceView&) { return std::make_unique<SenderLimits>(limits); });
}

}  // namespace jicofo::sender_limits
