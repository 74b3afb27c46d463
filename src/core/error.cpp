// The text behind each jicofo error code, as it appears in logs and REST error bodies.
#include "jicofo/core/error.hpp"

namespace jicofo::core {
namespace {

class JicofoCategory final : public std::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "jicofo"; }

    [[nodiscard]] std::string message(int value) const override {
        switch (static_cast<Errc>(value)) {
            case Errc::timeout: return "timed out";
            case Errc::disconnected: return "disconnected";
            case Errc::not_found: return "not found";
            case Errc::bad_request: return "bad request";
            case Errc::not_allowed: return "not allowed";
            case Errc::unavailable: return "unavailable";
            case Errc::shutting_down: return "shutting down";
            case Errc::internal: return "internal error";
            case Errc::resource_constraint: return "resource constraint";
        }
        return "unknown jicofo error";
    }
};

}  // namespace

const std::error_category& jicofo_category() {
    static const JicofoCategory category;
    return category;
}

}  // namespace jicofo::core
