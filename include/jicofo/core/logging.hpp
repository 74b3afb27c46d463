// One named logger per module, all writing to the sinks the application configured at start-up.
#pragma once

#include <memory>
#include <string>

#include <spdlog/logger.h>

namespace jicofo::core {

// Returns the logger called `name`, creating it on first use with the default logger's sinks and the current
// global level. Safe from any thread (spdlog's registry has its own lock).
std::shared_ptr<spdlog::logger> module_logger(const std::string& name);

}  // namespace jicofo::core
