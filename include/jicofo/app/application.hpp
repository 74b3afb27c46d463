// The composition root: the only place that knows every concrete type. It builds the modules from the
// configuration, runs the io_context thread pool, and shuts everything down on SIGTERM/SIGINT.
#pragma once

#include <memory>

#include "jicofo/app/command_line.hpp"
#include "jicofo/config/jicofo_config.hpp"

namespace jicofo::app {

class Application {
public:
    // Configures logging and reports the configuration's warnings. Throws only for an unusable environment.
    Application(CommandLine command_line, config::LoadedConfig loaded);
    Application(const Application&) = delete;
    Application& operator=(const Application&) = delete;
    ~Application();

    // Serves until SIGTERM or SIGINT, then shuts down within jicofo.process.shutdown-timeout.
    // Returns the process exit code: 0 after a requested shutdown, non-zero when start-up failed.
    int run();

private:
    struct Running;

    CommandLine command_line_;
    config::LoadedConfig loaded_;
};

}  // namespace jicofo::app
