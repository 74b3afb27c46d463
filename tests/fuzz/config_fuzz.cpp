// libFuzzer target: arbitrary text as an operator's jicofo.conf (and, after a NUL byte, as legacy
// sip-communicator.properties) through the whole loader: HOCON parse, merge over reference.conf, resolve, the typed
// and validated configuration. A bad file is an error value; nothing may crash or hang.
#include "jicofo/config/jicofo_config.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    std::string_view user_text = input;
    std::optional<std::string_view> legacy;
    if (const auto nul = input.find('\0'); nul != std::string_view::npos) {
        user_text = input.substr(0, nul);
        legacy = input.substr(nul + 1);
    }
    // Only one variable exists, so that ${?X} and ${X} reach both branches of the lookup.
    const auto environment = [](const std::string& name) -> std::optional<std::string> {
        if (name == "JICOFO_FUZZ") {
            return "10 seconds";
        }
        return std::nullopt;
    };
    // Includes resolve against this name's directory: a directory of nothing, so no file of the machine is read
    // unless the input names an absolute path (which the loader must also survive).
    auto loaded = jicofo::config::load_config_text(user_text, "/nonexistent-fuzz-dir/jicofo.conf", environment, legacy);
    if (loaded) {
        static_cast<void>(jicofo::config::to_json(loaded->config));
    }
    return 0;
}
