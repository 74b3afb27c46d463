// Module loggers share the default logger's sinks so that one place (the application) decides where logs go.
#include "jicofo/core/logging.hpp"

#include <spdlog/spdlog.h>

namespace jicofo::core {

std::shared_ptr<spdlog::logger> module_logger(const std::string& name) {
    if (auto existing = spdlog::get(name)) {
        return existing;
    }
    auto default_logger = spdlog::default_logger();
    auto logger =
        std::make_shared<spdlog::logger>(name, default_logger->sinks().begin(), default_logger->sinks().end());
    logger->set_level(default_logger->level());
    logger->flush_on(spdlog::level::warn);
    try {
        spdlog::register_logger(logger);
    } catch (const spdlog::spdlog_ex&) {
        // Another thread registered it first; use theirs so that level changes reach one object.
        if (auto raced = spdlog::get(name)) {
            return raced;
        }
    }
    return logger;
}

}  // namespace jicofo::core
