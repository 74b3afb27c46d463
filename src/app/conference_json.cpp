// Conference request JSON ↔ ConferenceRequest/Reply, and the /stats shape of the room map's snapshot (the /debug
// shapes are in conference_debug_json.cpp).
#include "jicofo/app/conference_json.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <set>
#include <utility>

namespace jicofo::app {
namespace {

std::optional<std::string> optional_string(const nlohmann::json& object, const char* key) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) {
        return std::nullopt;
    }
    if (!it->is_string()) {
        throw std::invalid_argument(std::string("'") + key + "' must be a string");
    }
    auto value = it->get<std::string>();
    return value.empty() ? std::nullopt : std::optional<std::string>(std::move(value));
}

}  // namespace

core::Result<conference::ConferenceRequest, std::string> conference_request_from_json(
    std::string_view body, std::optional<std::string_view> authorization) {
    using Failure = core::Unexpected<std::string>;  // NOLINT(readability-identifier-naming)
    auto parsed = nlohmann::json::parse(body, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) {
        return Failure{"Bad request: the body is not a JSON object"};
    }
    conference::ConferenceRequest request;
    std::optional<std::string> room;
    try {
        room = optional_string(parsed, "room");
        request.machine_uid = optional_string(parsed, "machineUid");
        request.session_id = optional_string(parsed, "sessionId");
        if (auto it = parsed.find("properties"); it != parsed.end() && !it->is_null()) {
            if (!it->is_object()) {
                return Failure{"Bad request: 'properties' must be an object"};
            }
            for (const auto& [name, value] : it->items()) {
                if (!value.is_string()) {
                    return Failure{"Bad request: property '" + name + "' must be a string"};
                }
                request.properties.push_back({name, value.get<std::string>()});
            }
        }
    } catch (const std::invalid_argument& wrong_type) {
        return Failure{std::string("Bad request: ") + wrong_type.what()};
    }
    if (room) {
        auto jid = stanza::Jid::parse(*room);
        if (!jid || !jid->is_bare() || jid->local().empty()) {
            return Failure{"Invalid room name"};
        }
        request.room = std::move(jid).value();
    }
    if (authorization && !authorization->empty()) {
        constexpr std::string_view kBearer = "Bearer ";
        auto token = authorization->substr(0, kBearer.size()) == kBearer ? authorization->substr(kBearer.size())
                                                                         : *authorization;
        request.token = std::string(token);
    }
    return request;
}

nlohmann::ordered_json conference_reply_json(const conference::ConferenceReply& reply) {
    nlohmann::ordered_json json;
    json["room"] = reply.room.to_string();
    json["ready"] = reply.ready;
    json["focusJid"] = reply.focus_jid.to_string();
    if (reply.vnode) {
        json["vnode"] = *reply.vnode;
    }
    if (reply.session_id) {
        json["sessionId"] = *reply.session_id;
    }
    if (reply.identity) {
        json["identity"] = *reply.identity;
    }
    nlohmann::ordered_json properties = nlohmann::ordered_json::object();
    for (const auto& property : reply.properties) {
        if (!properties.contains(property.name)) {
            properties[property.name] = property.value;
        }
    }
    json["properties"] = std::move(properties);
    return json;
}

HttpError conference_error_http(const conference::RequestError& error) {
    switch (error.code) {
        case conference::RequestErrc::not_authorized: return {403, "Error"};
        case conference::RequestErrc::not_allowed: return {403, "Forbidden: not-allowed"};
        case conference::RequestErrc::session_invalid:
        case conference::RequestErrc::not_acceptable: return {400, "Bad request: invalid-session"};
        case conference::RequestErrc::resource_constraint:
        // Shutting down or draining: a load balancer or script retries elsewhere on 503 (Jicofo answers 400).
        case conference::RequestErrc::unavailable: return {503, "Service unavailable: " + error.text};
        case conference::RequestErrc::bad_request: break;
    }
    return {400, "Bad request: " + (error.text.empty() ? std::string(conference::to_string(error.code)) : error.text)};
}

nlohmann::ordered_json conference_stats_json(const conference::FocusManagerSnapshot& snapshot) {
    // Jicofo's ConferenceSizeBuckets: [lower, upper) per bucket, the last open-ended.
    constexpr std::array<std::pair<std::size_t, std::size_t>, 13> kBuckets{{{0, 1},
                                                                            {1, 2},
                                                                            {2, 3},
                                                                            {3, 5},
                                                                            {5, 10},
                                                                            {10, 20},
                                                                            {20, 50},
                                                                            {50, 100},
                                                                            {100, 200},
                                                                            {200, 300},
                                                                            {300, 400},
                                                                            {400, 500},
                                                                            {500, 0}}};
    std::array<std::size_t, kBuckets.size()> counts{};
    std::size_t total = 0;
    std::size_t min = 0;
    std::size_t max = 0;
    std::size_t count = 0;
    std::size_t endpoint_pairs = 0;
    for (const auto& conference : snapshot.conferences) {
        if (!conference.in_statistics) {
            continue;  // the health check's test conferences, as Jicofo's includeInStatistics=false
        }
        const auto size = conference.participants;
        endpoint_pairs += conference::endpoint_pairs_of(size);
        total += size;
        min = count++ == 0 ? size : std::min(min, size);
        max = std::max(max, size);
        for (std::size_t i = 0; i < kBuckets.size(); ++i) {
            const auto [lower, upper] = kBuckets[i];
            if (size >= lower && (upper == 0 || size < upper)) {
                ++counts[i];
                break;
            }
        }
    }
    nlohmann::ordered_json buckets;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        const auto [lower, upper] = kBuckets[i];
        const auto key = std::to_string(lower) + "_to_" + (upper == 0 ? std::string("max") : std::to_string(upper));
        buckets[key] = counts[i];
    }
    // The upper bound of the bucket holding the given share of the conferences; -1 without conferences or when it
    // is the open-ended last bucket.
    auto percentile_upper_bound = [&](double share) -> long long {
        std::size_t cumulative = 0;
        for (std::size_t i = 0; i < kBuckets.size() && count > 0; ++i) {
            cumulative += counts[i];
            if (static_cast<double>(cumulative) >= share * static_cast<double>(count)) {
                return kBuckets[i].second == 0 ? -1 : static_cast<long long>(kBuckets[i].second);
            }
        }
        return -1;
    };
    buckets["p99_upper_bound"] = percentile_upper_bound(0.99);
    buckets["p999_upper_bound"] = percentile_upper_bound(0.999);
    nlohmann::ordered_json sizes;
    sizes["average"] = count == 0 ? 0.0 : static_cast<double>(total) / static_cast<double>(count);
    sizes["max"] = max;
    sizes["min"] = min;
    sizes["total_value"] = total;
    sizes["total_count"] = count;
    sizes["discarded"] = 0;
    sizes["buckets"] = std::move(buckets);

    nlohmann::ordered_json json;
    json["total_participants"] = snapshot.participants_total;
    json["total_conferences_created"] = snapshot.conferences_created;
    json["conferences"] = count;
    json["conferences_with_visitors"] = 0;  // visitors are not implemented
    json["largest_conference"] = snapshot.largest_conference;
    json["participants"] = snapshot.participants_current;
    json["visitors"] = 0;
    json["endpoint_pairs"] = endpoint_pairs;
    json["conference_sizes"] = std::move(sizes);
    return json;
}

}  // namespace jicofo::app
