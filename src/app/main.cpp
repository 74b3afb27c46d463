// jicofo's entry point: reads the command line and the configuration, then hands over to the Application.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "jicofo/app/application.hpp"
#include "jicofo/app/command_line.hpp"
#include "jicofo/app/version.hpp"
#include "jicofo/config/jicofo_config.hpp"

namespace {

constexpr int kExitUsage = 2;
constexpr int kExitConfig = 1;

std::optional<std::string> from_process_environment(const std::string& name) {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) {
        return std::nullopt;
    }
    return std::string(value);
}

jicofo::core::Result<jicofo::config::LoadedConfig, jicofo::config::ConfigError> load(
    const jicofo::app::CommandLine& command_line) {
    jicofo::config::LoadOptions options;
    options.config_file = command_line.config_file;
    options.logging_properties_file = command_line.logging_properties;
    return jicofo::config::load_config(options);
}

int check_config(const jicofo::app::CommandLine& command_line) {
    auto loaded = load(command_line);
    if (!loaded) {
        std::cerr << "jicofo: invalid configuration: " << loaded.error().describe() << '\n';
        return kExitConfig;
    }
    for (const auto& warning : loaded->warnings) {
        std::cerr << "jicofo: warning: " << warning.describe() << '\n';
    }
    std::cout << jicofo::config::to_json(loaded->config) << '\n';
    return 0;
}

int edit_config(const jicofo::app::CommandLine& command_line) {
    auto changed =
        jicofo::config::set_keys_in_file(command_line.edit_file, command_line.edit_assignments, command_line.edit_mode);
    if (!changed) {
        std::cerr << "jicofo: " << changed.error() << '\n';
        return kExitConfig;
    }
    for (const auto& path : *changed) {
        std::cout << "set " << path << '\n';
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> arguments(argv + 1, argv + argc);
    auto command_line = jicofo::app::parse_command_line(arguments, from_process_environment);
    if (!command_line) {
        std::cerr << "jicofo: " << command_line.error() << "\n\n" << jicofo::app::usage_text();
        return kExitUsage;
    }

    switch (command_line->command) {
        case jicofo::app::Command::Help: std::cout << jicofo::app::usage_text(); return 0;
        case jicofo::app::Command::Version: std::cout << "jicofo " << jicofo::app::version() << '\n'; return 0;
        case jicofo::app::Command::CheckConfig: return check_config(*command_line);
        case jicofo::app::Command::EditConfig: return edit_config(*command_line);
        case jicofo::app::Command::Run:
        case jicofo::app::Command::PrintRoutes: break;  // the application lists the routes it would serve
    }

    auto loaded = load(*command_line);
    if (!loaded) {
        std::cerr << "jicofo: invalid configuration: " << loaded.error().describe() << '\n';
        return kExitConfig;
    }
    try {
        jicofo::app::Application application(*command_line, std::move(loaded.value()));
        return application.run();
    } catch (const std::exception& failure) {
        // Only start-up can throw (a bug or an unusable environment); running code reports errors as values.
        std::cerr << "jicofo: failed to start: " << failure.what() << '\n';
        return 1;
    }
}
