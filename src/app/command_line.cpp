// Parsing of jicofo's command line and log level names.
#include "jicofo/app/command_line.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace jicofo::app {
namespace {

std::string lowercase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

// Splits "--name=value" into its parts; "--name" gives no value.
std::pair<std::string, std::optional<std::string>> split_option(const std::string& argument) {
    auto equals = argument.find('=');
    if (equals == std::string::npos) {
        return {argument, std::nullopt};
    }
    return {argument.substr(0, equals), argument.substr(equals + 1)};
}

}  // namespace

std::optional<std::string> normalise_log_level(const std::string& level) {
    static const std::array<std::pair<const char*, const char*>, 16> kNames{{
        {"trace", "trace"},
        {"finest", "trace"},
        {"finer", "trace"},
        {"all", "trace"},
        {"debug", "debug"},
        {"fine", "debug"},
        {"config", "info"},
        {"info", "info"},
        {"warn", "warn"},
        {"warning", "warn"},
        {"error", "error"},
        {"err", "error"},
        {"severe", "error"},
        {"critical", "critical"},
        {"off", "off"},
        {"none", "off"},
    }};
    auto wanted = lowercase(level);
    for (const auto& [name, spdlog_name] : kNames) {
        if (wanted == name) {
            return std::string(spdlog_name);
        }
    }
    return std::nullopt;
}

core::Result<CommandLine, std::string> parse_command_line(const std::vector<std::string>& arguments,
                                                          const EnvironmentGetter& environment) {
    CommandLine result;
    std::optional<std::filesystem::path> config_option;
    bool check_config = false;
    bool print_routes = false;

    for (std::size_t i = 0; i < arguments.size(); ++i) {
        auto [name, inline_value] = split_option(arguments[i]);
        auto take_value = [&, name = name, inline_value = inline_value]() -> std::optional<std::string> {
            if (inline_value) {
                return inline_value;
            }
            if (i + 1 < arguments.size()) {
                return arguments[++i];
            }
            return std::nullopt;
        };

        if (name == "-h" || name == "--help") {
            result.command = Command::Help;
            return result;
        }
        if (name == "-v" || name == "--version") {
            result.command = Command::Version;
            return result;
        }
        if (name == "--config-set-absent" || name == "--config-set") {
            // The rest of the command line: FILE path=value... (what the package's postinst runs).
            if (inline_value || i + 2 >= arguments.size()) {
                return core::unexpected(name + " needs a file and at least one path=value");
            }
            result.edit_file = arguments[++i];
            result.edit_mode = name == "--config-set" ? config::SetMode::Always : config::SetMode::OnlyAbsent;
            while (++i < arguments.size()) {
                auto assignment = config::parse_assignment(arguments[i]);
                if (!assignment) {
                    return core::unexpected(assignment.error());
                }
                result.edit_assignments.push_back(std::move(assignment).value());
            }
            result.command = Command::EditConfig;
            return result;
        }
        if (name == "--logging-properties") {
            auto value = take_value();
            if (!value || value->empty()) {
                return core::unexpected(std::string("--logging-properties needs a file name"));
            }
            result.logging_properties = *value;
        } else if (name == "--check-config") {
            check_config = true;
        } else if (name == "--print-routes") {
            print_routes = true;
        } else if (name == "-c" || name == "--config") {
            auto value = take_value();
            if (!value || value->empty()) {
                return core::unexpected(std::string("--config needs a file name"));
            }
            config_option = *value;
        } else if (name == "--log-level") {
            auto value = take_value();
            if (!value) {
                return core::unexpected(std::string("--log-level needs a level"));
            }
            auto level = normalise_log_level(*value);
            if (!level) {
                return core::unexpected("unknown log level '" + *value +
                                        "' (use trace, debug, info, warn, error, critical or off)");
            }
            result.log_level = *level;
        } else {
            return core::unexpected("unknown argument '" + arguments[i] + "'");
        }
    }

    if (config_option) {
        result.config_file = *config_option;
        result.config_file_explicit = true;
    } else if (auto from_environment = environment("JICOFO_CONFIG"); from_environment && !from_environment->empty()) {
        result.config_file = *from_environment;
        result.config_file_explicit = true;
    } else {
        result.config_file = kDefaultConfigFile;
    }
    result.command = check_config ? Command::CheckConfig : print_routes ? Command::PrintRoutes : Command::Run;
    return result;
}

std::string usage_text() {
    return "Usage: jicofo [options]\n"
           "\n"
           "The Jitsi Meet conference focus.\n"
           "\n"
           "Options:\n"
           "  -c, --config FILE     read this jicofo.conf (default: $JICOFO_CONFIG, else\n"
           "                        /etc/jitsi/jicofo/jicofo.conf); sip-communicator.properties\n"
           "                        beside it is read too\n"
           "      --logging-properties FILE\n"
           "                        Jicofo's logging.properties: its root, org.jitsi and\n"
           "                        org.jitsi.jicofo levels and its XMPP packet log handler\n"
           "                        win over jicofo.logging\n"
           "      --check-config    parse, merge and validate the configuration, print the\n"
           "                        effective configuration as JSON and exit\n"
           "      --print-routes    build the REST API from the configuration as a start would,\n"
           "                        print one \"METHOD /pattern\" line per route and exit\n"
           "                        without connecting anywhere\n"
           "      --log-level LEVEL trace, debug, info, warn, error, critical or off\n"
           "                        (java.util.logging names such as FINE or WARNING work too)\n"
           "      --config-set-absent FILE PATH=VALUE...\n"
           "                        add each key that FILE does not define yet (VALUE is\n"
           "                        HOCON: \"text\", 5, [ \"a\" ]), leaving the rest of the file\n"
           "                        as it is, then exit\n"
           "      --config-set FILE PATH=VALUE...\n"
           "                        the same, also for keys FILE defines with another value\n"
           "  -v, --version         print the version and exit\n"
           "  -h, --help            print this help and exit\n"
           "\n"
           "Signals: SIGTERM and SIGINT shut down gracefully; SIGHUP re-reads the log level.\n";
}

}  // namespace jicofo::app
