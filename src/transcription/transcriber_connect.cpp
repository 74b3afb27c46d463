// The transcriber connect from metadata and configuration (what Jicofo's TranscriptionConfig and its colibri session
// manager compute), without any state.
#include "jicofo/transcription/transcriber_connect.hpp"

#include <array>

namespace jicofo::transcription {

std::string fill_meeting_id(std::string url_template, std::string_view meeting_id) {
    for (auto at = url_template.find(kMeetingIdPlaceholder); at != std::string::npos;
         at = url_template.find(kMeetingIdPlaceholder, at + meeting_id.size())) {
        url_template.replace(at, kMeetingIdPlaceholder.size(), meeting_id);
    }
    return url_template;
}

std::string form_encode(std::string_view text) {
    static constexpr std::array<char, 16> kHex{'0', '1', '2', '3', '4', '5', '6', '7',
                                               '8', '9', 'A', 'B', 'C', 'D', 'E', 'F'};
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const bool kept = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                          c == '-' || c == '*' || c == '_';
        if (kept) {
            out.push_back(c);
        } else if (c == ' ') {
            out.push_back('+');
        } else {
            const auto byte = static_cast<unsigned char>(c);
            out.push_back('%');
            out.push_back(kHex[byte >> 4U]);
            out.push_back(kHex[byte & 0x0FU]);
        }
    }
    return out;
}

std::string append_url_params(std::string url, const std::map<std::string, std::string>& params) {
    if (params.empty()) {
        return url;
    }
    char separator = url.find('?') == std::string::npos ? '?' : '&';
    for (const auto& [key, value] : params) {
        url.push_back(separator);
        url += form_encode(key);
        url.push_back('=');
        url += form_encode(value);
        separator = '&';
    }
    return url;
}

std::optional<colibri::WantedConnect> transcriber_connect(const config::TranscriptionConfig& config,
                                                          const conference::RoomMetadata& metadata,
                                                          std::string_view meeting_id) {
    if (!metadata.transcribing_enabled || !config.url_template) {
        return std::nullopt;
    }
    colibri::WantedConnect wanted;
    auto& connect = wanted.connect;
    connect.id = std::string(kTranscriberConnectId);
    connect.url =
        append_url_params(fill_meeting_id(*config.url_template, meeting_id), metadata.transcription_url_params);
    connect.type = stanza::ConnectType::transcriber;
    connect.audio = true;
    auto headers = config.http_headers;
    for (const auto& [name, value] : metadata.transcription_http_headers) {
        headers[name] = value;  // the room's own value wins
    }
    connect.http_headers.assign(headers.begin(), headers.end());
    if (config.ping.enabled) {
        connect.ping = stanza::ConnectPing{static_cast<std::int32_t>(config.ping.interval.count()),
                                           static_cast<std::int32_t>(config.ping.timeout.count())};
    }
    return wanted;
}

}  // namespace jicofo::transcription
