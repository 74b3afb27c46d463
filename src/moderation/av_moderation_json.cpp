// The av_moderation message's JSON, read without exceptions (types checked before reading, sizes capped).
#include "jicofo/core/text.hpp"
#include "jicofo/moderation/av_moderation_feature.hpp"

#include <nlohmann/json.hpp>

namespace jicofo::moderation {
namespace {

using Failure = core::Unexpected<std::string>;
constexpr std::size_t kMaxDepth = 8;
constexpr std::size_t kMaxStringBytes = 3072;  // a full JID at most

std::optional<stanza::MuteMedia> media_named(std::string_view name) {
    if (core::iequals_ascii(name, "audio")) {
        return stanza::MuteMedia::audio;
    }
    if (core::iequals_ascii(name, "video")) {
        return stanza::MuteMedia::video;
    }
    if (core::iequals_ascii(name, "desktop")) {
        return stanza::MuteMedia::desktop;
    }
    return std::nullopt;
}

bool short_string(const nlohmann::json& value) {
    return value.is_string() && value.get_ref<const std::string&>().size() <= kMaxStringBytes;
}

}  // namespace

core::Result<AvModerationMessage, std::string> parse_av_moderation(std::string_view json) {
    if (json.size() > kMaxMessageBytes) {
        return Failure{"the message is larger than " + std::to_string(kMaxMessageBytes) + " bytes"};
    }
    if (core::json_nesting_depth(json, kMaxDepth) > kMaxDepth) {
        return Failure{"the JSON is nested too deep"};
    }
    auto root = nlohmann::json::parse(json, nullptr, false);
    if (root.is_discarded() || !root.is_object()) {
        return Failure{"not a JSON object"};
    }
    auto field = [&root](const char* key) -> const nlohmann::json* {
        auto it = root.find(key);
        return it == root.end() || it->is_null() ? nullptr : &*it;
    };
    const auto* type = field("type");
    if (!type || !type->is_string() || type->get_ref<const std::string&>() != "av_moderation") {
        return Failure{"type is not av_moderation"};
    }
    AvModerationMessage message;
    const auto* room = field("room");
    if (!room || !short_string(*room)) {
        return Failure{"room is missing or not a string"};
    }
    message.room = room->get<std::string>();
    if (const auto* enabled = field("enabled")) {
        if (!enabled->is_boolean()) {
            return Failure{"enabled is not a boolean"};
        }
        message.enabled = enabled->get<bool>();
    }
    if (const auto* media = field("mediaType")) {
        auto named = short_string(*media) ? media_named(media->get_ref<const std::string&>()) : std::nullopt;
        if (!named) {
            return Failure{"mediaType is not audio, video or desktop"};
        }
        message.media = named;
    }
    if (const auto* actor = field("actor")) {
        if (!short_string(*actor)) {
            return Failure{"actor is not a string"};
        }
        message.actor = actor->get<std::string>();
    }
    if (const auto* whitelists = field("whitelists")) {
        if (!whitelists->is_object()) {
            return Failure{"whitelists is not an object"};
        }
        for (const auto& [name, list] : whitelists->items()) {
            auto media = media_named(name);
            if (!media) {
                return Failure{"whitelists." + name + " is not a media type"};
            }
            if (!list.is_array() || list.size() > kMaxWhitelist) {
                return Failure{"whitelists." + name + " is not an array of at most " + std::to_string(kMaxWhitelist)};
            }
            std::vector<std::string> jids;
            jids.reserve(list.size());
            for (const auto& jid : list) {
                if (!short_string(jid)) {
                    return Failure{"whitelists." + name + " holds something other than a JID"};
                }
                jids.push_back(jid.get<std::string>());
            }
            message.whitelists.emplace_back(*media, std::move(jids));
        }
    }
    return message;
}

}  // namespace jicofo::moderation
