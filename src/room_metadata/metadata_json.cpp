// The room_metadata message's JSON, read into conference::RoomMetadata without exceptions: every value's type is
// checked before it is read, and sizes are capped.
#include "jicofo/core/text.hpp"
#include "jicofo/room_metadata/room_metadata_feature.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <vector>

namespace jicofo::room_metadata {
namespace {

using Json = nlohmann::json;
using Failure = core::Unexpected<std::string>;
constexpr std::size_t kMaxDepth = 16;
constexpr std::size_t kMaxStringBytes = 4096;

const Json* member(const Json& object, const char* key) {
    auto it = object.find(key);
    return it == object.end() || it->is_null() ? nullptr : &*it;
}

// A field that must be a boolean when present.
core::Result<std::optional<bool>, std::string> boolean(const Json& object, const char* key, const std::string& path) {
    const auto* value = member(object, key);
    if (!value) {
        return std::optional<bool>{};
    }
    if (!value->is_boolean()) {
        return Failure{path + key + " is not a boolean"};
    }
    return std::optional<bool>{value->get<bool>()};
}

core::Result<std::vector<std::string>, std::string> strings(const Json& value, const std::string& path) {
    if (!value.is_array()) {
        return Failure{path + " is not an array"};
    }
    if (value.size() > kMaxEntries) {
        return Failure{path + " has more than " + std::to_string(kMaxEntries) + " entries"};
    }
    std::vector<std::string> out;
    out.reserve(value.size());
    for (const auto& item : value) {
        if (!item.is_string() || item.get_ref<const std::string&>().size() > kMaxStringBytes) {
            return Failure{path + " holds something other than a short string"};
        }
        out.push_back(item.get<std::string>());
    }
    return out;
}

core::Result<std::map<std::string, std::string>, std::string> string_map(const Json& value, const std::string& path) {
    if (!value.is_object()) {
        return Failure{path + " is not an object"};
    }
    if (value.size() > kMaxEntries) {
        return Failure{path + " has more than " + std::to_string(kMaxEntries) + " entries"};
    }
    std::map<std::string, std::string> out;
    for (const auto& [key, item] : value.items()) {
        if (!item.is_string() || item.get_ref<const std::string&>().size() > kMaxStringBytes) {
            return Failure{std::string(path).append(".").append(key).append(" is not a short string")};
        }
        out.emplace(key, item.get<std::string>());
    }
    return out;
}

// A field holding {"httpHeaders": {...}} or {"urlParams": {...}}.
std::optional<std::string> read_map_field(const Json& object, const char* key, const std::string& path,
                                          std::map<std::string, std::string>& out) {
    if (const auto* value = member(object, key)) {
        auto read = string_map(*value, path + key);
        if (!read) {
            return read.error();
        }
        out = std::move(read).value();
    }
    return std::nullopt;
}

std::optional<std::string> read_metadata(const Json& m, conference::RoomMetadata& out) {
    const std::string path = "metadata.";
    if (const auto* visitors = member(m, "visitors")) {
        if (!visitors->is_object()) {
            return path + "visitors is not an object";
        }
        auto live = boolean(*visitors, "live", path + "visitors.");
        if (!live) {
            return live.error();
        }
        out.visitors_live = live->value_or(false);
    }
    if (const auto* start_muted = member(m, "startMuted")) {
        if (!start_muted->is_object()) {
            return path + "startMuted is not an object";
        }
        auto audio = boolean(*start_muted, "audio", path + "startMuted.");
        auto video = boolean(*start_muted, "video", path + "startMuted.");
        if (!audio || !video) {
            return !audio ? audio.error() : video.error();
        }
        out.start_muted = conference::RoomMetadata::StartMuted{audio->value_or(false), video->value_or(false)};
    }
    if (const auto* moderators = member(m, "moderators")) {
        auto read = strings(*moderators, path + "moderators");
        if (!read) {
            return read.error();
        }
        out.moderators = std::move(read).value();
    }
    if (const auto* participants = member(m, "participants")) {
        auto read = strings(*participants, path + "participants");
        if (!read) {
            return read.error();
        }
        out.participants = std::move(read).value();
    }
    auto visitors_enabled = boolean(m, "visitorsEnabled", path);
    if (!visitors_enabled) {
        return visitors_enabled.error();
    }
    out.visitors_enabled = *visitors_enabled;
    auto lobby = boolean(m, "lobbyEnabled", path);
    auto async = boolean(m, "asyncTranscription", path);
    if (!lobby || !async) {
        return !lobby ? lobby.error() : async.error();
    }
    out.lobby_enabled = lobby->value_or(false);
    if (const auto* limit = member(m, "participantsSoftLimit")) {
        if (!limit->is_number_integer() || limit->get<std::int64_t>() < 0 ||
            limit->get<std::int64_t>() > std::numeric_limits<int>::max()) {
            return path + "participantsSoftLimit is not a non-negative integer";
        }
        out.participants_soft_limit = static_cast<int>(limit->get<std::int64_t>());
    }
    bool transcribing = false;
    if (const auto* recording = member(m, "recording")) {
        if (!recording->is_object()) {
            return path + "recording is not an object";
        }
        auto enabled = boolean(*recording, "isTranscribingEnabled", path + "recording.");
        if (!enabled) {
            return enabled.error();
        }
        transcribing = enabled->value_or(false);
    }
    out.transcribing_enabled = transcribing && async->value_or(false);
    if (const auto* transcription = member(m, "transcription")) {
        if (!transcription->is_object()) {
            return path + "transcription is not an object";
        }
        const std::string sub = path + "transcription.";
        if (auto e = read_map_field(*transcription, "urlParams", sub, out.transcription_url_params)) {
            return e;
        }
        if (auto e = read_map_field(*transcription, "httpHeaders", sub, out.transcription_http_headers)) {
            return e;
        }
    }
    if (const auto* translation = member(m, "translation")) {
        if (!translation->is_object()) {
            return path + "translation is not an object";
        }
        if (auto e = read_map_field(*translation, "httpHeaders", path + "translation.", out.translation_http_headers)) {
            return e;
        }
    }
    if (const auto* requests = member(m, "audioTranslationRequests")) {
        if (!requests->is_object() || requests->size() > kMaxEntries) {
            return path + "audioTranslationRequests is not an object of at most " + std::to_string(kMaxEntries) +
                   " entries";
        }
        for (const auto& [endpoint, languages] : requests->items()) {
            auto read = strings(languages, std::string(path).append("audioTranslationRequests.").append(endpoint));
            if (!read) {
                return read.error();
            }
            out.audio_translation_requests.emplace(endpoint, std::move(read).value());
        }
    }
    return std::nullopt;
}

}  // namespace

core::Result<conference::RoomMetadata, std::string> parse_room_metadata(std::string_view json) {
    if (json.size() > kMaxMessageBytes) {
        return Failure{"the message is larger than " + std::to_string(kMaxMessageBytes) + " bytes"};
    }
    if (core::json_nesting_depth(json, kMaxDepth) > kMaxDepth) {
        return Failure{"the JSON is nested deeper than " + std::to_string(kMaxDepth) + " levels"};
    }
    auto root = Json::parse(json, nullptr, false);
    if (root.is_discarded() || !root.is_object()) {
        return Failure{"not a JSON object"};
    }
    const auto* type = member(root, "type");
    if (!type || !type->is_string() || type->get_ref<const std::string&>() != "room_metadata") {
        return Failure{"type is not room_metadata"};
    }
    const auto* metadata = member(root, "metadata");
    if (!metadata || !metadata->is_object()) {
        return Failure{"metadata is missing or not an object"};
    }
    conference::RoomMetadata out;
    if (auto problem = read_metadata(*metadata, out)) {
        return Failure{*problem};
    }
    return out;
}

}  // namespace jicofo::room_metadata
