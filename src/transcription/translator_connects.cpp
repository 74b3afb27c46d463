// Translator connects from translation requests and jicofo.translation (what Jicofo's colibri session manager and
// translation source manager compute for connects), without any state.
#include "jicofo/transcription/translator_connects.hpp"

#include "jicofo/transcription/transcriber_connect.hpp"

#include <algorithm>
#include <set>

namespace jicofo::transcription {
namespace {

stanza::Colibri2Connect translator(std::string id, const std::string& url,
                                   const std::vector<std::pair<std::string, std::string>>& http_headers,
                                   std::optional<stanza::ConnectPing> ping) {
    stanza::Colibri2Connect connect;
    connect.id = std::move(id);
    connect.url = url;
    connect.type = stanza::ConnectType::translator;
    connect.audio = true;
    connect.http_headers = http_headers;
    connect.ping = ping;
    return connect;
}

}  // namespace

std::vector<TranslationRequest> translation_requests(
    const std::map<std::string, std::vector<std::string>>& requested,
    const std::function<std::optional<std::string>(const std::string& endpoint_id)>& base_name) {
    std::vector<TranslationRequest> requests;
    for (const auto& [sender, languages] : requested) {
        if (languages.empty()) {
            continue;
        }
        auto base = base_name(sender);
        if (!base) {
            continue;
        }
        std::set<std::string> names;
        for (const auto& language : languages) {
            names.insert(synthetic_source_name(*base, language));
        }
        requests.push_back({sender, std::move(*base), {names.begin(), names.end()}});
    }
    return requests;
}

std::vector<colibri::WantedConnect> per_source_translator_connects(
    const TranslationRequest& request, const std::string& url, int max_languages,
    const std::vector<std::pair<std::string, std::string>>& http_headers, std::optional<stanza::ConnectPing> ping) {
    std::vector<colibri::WantedConnect> connects;
    const auto& names = request.synthetic_source_names;
    const auto chunk = static_cast<std::size_t>(std::max(max_languages, 1));
    for (std::size_t first = 0, index = 0; first < names.size(); first += chunk, ++index) {
        colibri::WantedConnect wanted;
        wanted.connect =
            translator(std::string(kTranslatorConnectId) + "-" + request.source_name + "-" + std::to_string(index), url,
                       http_headers, ping);
        wanted.connect.exports = {request.source_name};
        const auto last = std::min(first + chunk, names.size());
        wanted.connect.requests.assign(names.begin() + static_cast<std::ptrdiff_t>(first),
                                       names.begin() + static_cast<std::ptrdiff_t>(last));
        wanted.on_bridge_of_endpoint = request.sender_endpoint_id;
        connects.push_back(std::move(wanted));
    }
    return connects;
}

std::vector<colibri::WantedConnect> translator_connects(const config::TranslationConfig& config,
                                                        const conference::RoomMetadata& metadata,
                                                        std::string_view meeting_id,
                                                        const std::vector<TranslationRequest>& requests) {
    if (!config.url_template || requests.empty()) {
        return {};
    }
    const std::string url = fill_meeting_id(*config.url_template, meeting_id);
    auto merged = config.http_headers;
    for (const auto& [name, value] : metadata.translation_http_headers) {
        merged[name] = value;  // the room's own value wins
    }
    const std::vector<std::pair<std::string, std::string>> headers(merged.begin(), merged.end());
    std::optional<stanza::ConnectPing> ping;
    if (config.ping.enabled) {
        ping = stanza::ConnectPing{static_cast<std::int32_t>(config.ping.interval.count()),
                                   static_cast<std::int32_t>(config.ping.timeout.count())};
    }
    std::vector<colibri::WantedConnect> connects;
    if (config.mode == config::TranslationMode::PerSource) {
        for (const auto& request : requests) {
            auto for_sender =
                per_source_translator_connects(request, url, config.max_languages_per_connect, headers, ping);
            std::move(for_sender.begin(), for_sender.end(), std::back_inserter(connects));
        }
        return connects;
    }
    colibri::WantedConnect single;
    single.connect = translator(std::string(kTranslatorConnectId), url, headers, ping);
    for (const auto& request : requests) {
        single.connect.exports.push_back(request.source_name);
        single.connect.requests.insert(single.connect.requests.end(), request.synthetic_source_names.begin(),
                                       request.synthetic_source_names.end());
    }
    connects.push_back(std::move(single));
    return connects;
}

}  // namespace jicofo::transcription
