// libFuzzer target: the room_metadata component's JSON (the <json-message/> body Prosody sends for a room), as the
// room_metadata feature reads it. A bad message is an error value; nothing may crash, and what is accepted stays
// within the caps.
#include "jicofo/room_metadata/room_metadata_feature.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    auto parsed = jicofo::room_metadata::parse_room_metadata(input);
    if (parsed) {
        constexpr auto kMax = jicofo::room_metadata::kMaxEntries;
        if (parsed->moderators.size() > kMax || (parsed->participants && parsed->participants->size() > kMax) ||
            parsed->audio_translation_requests.size() > kMax || parsed->transcription_http_headers.size() > kMax ||
            (parsed->participants_soft_limit && *parsed->participants_soft_limit < 0)) {
            std::abort();
        }
    } else if (parsed.error().empty()) {
        std::abort();  // every refusal says why
    }
    return 0;
}
