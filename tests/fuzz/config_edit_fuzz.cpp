// libFuzzer target: arbitrary text as a jicofo.conf the package's postinst edits (config_edit) and, after a NUL
// byte, as Jicofo's logging.properties. Editing either fails with an error value or keeps the original text byte for
// byte (only adding lines) and yields a file that parses; nothing may crash or hang.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "jicofo/config/config_edit.hpp"
#include "jicofo/config/hocon.hpp"
#include "jicofo/config/logging_properties.hpp"

namespace {

// What the postinst sets, plus a quoted path segment.
const std::vector<jicofo::config::Assignment>& assignments() {
    static const std::vector<jicofo::config::Assignment> all{
        {"jicofo.xmpp.client.username", "\"focus\""},
        {"jicofo.xmpp.trusted-domains", "[ \"recorder.meet\" ]"},
        {"jicofo.\"a.b\".c", "5"},
    };
    return all;
}

void check_edit(std::string_view text, jicofo::config::SetMode mode) {
    auto edited = jicofo::config::set_keys(text, "/nonexistent-fuzz-dir/jicofo.conf", assignments(), mode);
    if (!edited) {
        return;
    }
    if (edited->changed.empty() ? edited->text != text : edited->text.size() <= text.size()) {
        std::abort();  // nothing to set must leave the text alone; something to set must add to it
    }
    if (!jicofo::config::hocon::parse_string(edited->text, "/nonexistent-fuzz-dir/jicofo.conf")) {
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    std::string_view conf = input;
    std::string_view logging;
    if (const auto nul = input.find('\0'); nul != std::string_view::npos) {
        conf = input.substr(0, nul);
        logging = input.substr(nul + 1);
    }
    check_edit(conf, jicofo::config::SetMode::OnlyAbsent);
    check_edit(conf, jicofo::config::SetMode::Always);
    jicofo::config::LoggingConfig config;
    jicofo::config::apply_logging_properties(jicofo::config::parse_logging_properties(logging, "logging.properties"),
                                             config);
    return 0;
}
