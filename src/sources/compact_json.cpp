// The compact JSON form of a conference source map (Jingle <json-message>), built and read with nlohmann/json.
#include "jicofo/sources/compact_json.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <utility>

namespace jicofo::sources {
namespace {

// Ordered, so that a source reads {"s":..,"n":..,"m":..,"v":..} as Jicofo writes it, and owners keep map order.
using Json = nlohmann::ordered_json;

// Positions in an owner's array.
constexpr std::size_t kVideoSources = 0;
constexpr std::size_t kVideoGroups = 1;
constexpr std::size_t kAudioSources = 2;
constexpr std::size_t kAudioGroups = 3;

Json encode_source(const Source& source) {
    Json json = Json::object();
    json["s"] = source.ssrc;
    if (source.name) {
        json["n"] = *source.name;
    }
    if (source.msid) {
        json["m"] = *source.msid;
    }
    if (source.video_type == VideoType::desktop) {
        json["v"] = "d";
    }
    return json;
}

std::optional<Json> encode_group(const SsrcGroup& group) {
    Json json = Json::array();
    if (group.is_simulcast()) {
        json.push_back("s");
    } else if (group.is_fid()) {
        json.push_back("f");
    } else {
        return std::nullopt;
    }
    for (std::uint32_t ssrc : group.ssrcs) {
        json.push_back(ssrc);
    }
    return json;
}

Json encode_set(const EndpointSourceSet& set) {
    Json video_sources = Json::array();
    Json video_groups = Json::array();
    Json audio_sources = Json::array();
    Json audio_groups = Json::array();
    for (const auto& source : set.sources) {
        (source.media == MediaType::video ? video_sources : audio_sources).push_back(encode_source(source));
    }
    for (const auto& group : set.groups) {
        if (auto json = encode_group(group)) {
            (group.media == MediaType::video ? video_groups : audio_groups).push_back(std::move(*json));
        }
    }
    Json json = Json::array({std::move(video_sources), std::move(video_groups), std::move(audio_sources)});
    if (!audio_groups.empty()) {
        json.push_back(std::move(audio_groups));
    }
    return json;
}

using DecodeError = core::Unexpected<SourceError>;

DecodeError malformed(const std::string& owner, const std::string& what) {
    return core::unexpected(
        SourceError{SourceErrorKind::invalid, "Malformed compact JSON sources of '" + owner + "': " + what + "."});
}

std::optional<std::uint32_t> decode_ssrc(const Json& json) {
    if (!json.is_number_unsigned()) {
        return std::nullopt;
    }
    const auto value = json.get<std::uint64_t>();
    if (value == 0 || value > std::numeric_limits<std::uint32_t>::max()) {
        return std::nullopt;
    }
    return static_cast<std::uint32_t>(value);
}

// Reads one array of sources into `set`; returns an error text or nullopt.
std::optional<std::string> decode_sources(const Json& json, MediaType media, EndpointSourceSet& set) {
    if (!json.is_array()) {
        return std::string(to_string(media)) + " sources are not an array";
    }
    for (const auto& item : json) {
        if (!item.is_object()) {
            return "a source is not an object";
        }
        Source source;
        source.media = media;
        auto ssrc = item.find("s");
        if (ssrc == item.end() || !decode_ssrc(*ssrc)) {
            return "a source has no valid SSRC";
        }
        source.ssrc = *decode_ssrc(*ssrc);
        if (auto name = item.find("n"); name != item.end()) {
            if (!name->is_string()) {
                return "a source name is not a string";
            }
            source.name = name->get<std::string>();
        }
        if (auto msid = item.find("m"); msid != item.end()) {
            if (!msid->is_string()) {
                return "a source msid is not a string";
            }
            source.msid = msid->get<std::string>();
        }
        if (auto type = item.find("v"); type != item.end()) {
            if (!type->is_string() || type->get<std::string>() != "d") {
                return "a source video type is not \"d\"";
            }
            source.video_type = VideoType::desktop;
        }
        if (!set.add(source)) {
            return "SSRC " + std::to_string(source.ssrc) + " appears twice";
        }
    }
    return std::nullopt;
}

std::optional<std::string> decode_groups(const Json& json, MediaType media, EndpointSourceSet& set) {
    if (!json.is_array()) {
        return std::string(to_string(media)) + " groups are not an array";
    }
    for (const auto& item : json) {
        if (!item.is_array() || item.empty() || !item[0].is_string()) {
            return "a group is not an array starting with its semantics";
        }
        const auto letter = item[0].get<std::string>();
        SsrcGroup group{.semantics = "", .media = media, .ssrcs = {}};
        if (letter == "s") {
            group.semantics = kSemanticsSim;
        } else if (letter == "f") {
            group.semantics = kSemanticsFid;
        } else {
            return "unknown group semantics '" + letter + "'";
        }
        for (std::size_t i = 1; i < item.size(); ++i) {
            auto ssrc = decode_ssrc(item[i]);
            if (!ssrc) {
                return "a group has an invalid SSRC";
            }
            group.ssrcs.push_back(*ssrc);
        }
        set.add(group);
    }
    return std::nullopt;
}

}  // namespace

std::string encode_compact_json(const ConferenceSourceMap& sources) {
    Json owners = Json::object();
    for (const auto& [owner, set] : sources) {
        owners[owner] = encode_set(set);
    }
    Json message = Json::object();
    message["sources"] = std::move(owners);
    // Replace rather than throw on invalid UTF-8 in a client's name or msid: encoding must not fail.
    return message.dump(-1, ' ', false, Json::error_handler_t::replace);
}

core::Result<ConferenceSourceMap, SourceError> decode_compact_json(std::string_view text) {
    const Json message = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (message.is_discarded()) {
        return core::unexpected(SourceError{SourceErrorKind::invalid, "Compact JSON sources are not valid JSON."});
    }
    if (!message.is_object()) {
        return core::unexpected(SourceError{SourceErrorKind::invalid, "Compact JSON sources are not an object."});
    }
    auto owners = message.find("sources");
    if (owners == message.end() || !owners->is_object()) {
        return core::unexpected(SourceError{SourceErrorKind::invalid, "Compact JSON has no \"sources\" object."});
    }

    ConferenceSourceMap map;
    for (const auto& [owner, lists] : owners->items()) {
        if (!lists.is_array() || lists.size() > 4) {
            return malformed(owner, "not an array of at most four arrays");
        }
        // Clients accept fewer than four arrays (trailing empty ones left out), and so do we.
        EndpointSourceSet set;
        std::optional<std::string> error;
        if (!error && lists.size() > kVideoSources) {
            error = decode_sources(lists[kVideoSources], MediaType::video, set);
        }
        if (!error && lists.size() > kVideoGroups) {
            error = decode_groups(lists[kVideoGroups], MediaType::video, set);
        }
        if (!error && lists.size() > kAudioSources) {
            error = decode_sources(lists[kAudioSources], MediaType::audio, set);
        }
        if (!error && lists.size() > kAudioGroups) {
            error = decode_groups(lists[kAudioGroups], MediaType::audio, set);
        }
        if (error) {
            return malformed(owner, *error);
        }
        map.add(owner, set);
    }
    return map;
}

}  // namespace jicofo::sources
