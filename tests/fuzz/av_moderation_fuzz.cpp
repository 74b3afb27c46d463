// libFuzzer target: the av_moderation component's JSON, as the av_moderation feature reads it. A bad message is an
// error value; nothing may crash, and what is accepted has a room and whitelists within the cap.
#include "jicofo/moderation/av_moderation_feature.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    auto parsed = jicofo::moderation::parse_av_moderation(input);
    if (parsed) {
        for (const auto& [media, whitelist] : parsed->whitelists) {
            if (whitelist.size() > jicofo::moderation::kMaxWhitelist) {
                std::abort();
            }
        }
    } else if (parsed.error().empty()) {
        std::abort();  // every refusal says why
    }
    return 0;
}
