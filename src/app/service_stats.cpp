// threads, version, queues and the health keys of /stats, as Jicofo's JicofoServices.getStats adds them.
#include "jicofo/app/service_stats.hpp"

#include "jicofo/metrics/process_stats.hpp"

#include <utility>

namespace jicofo::app {

nlohmann::ordered_json health_stats_json(const health::HealthSnapshot& snapshot) {
    const auto& result = snapshot.result;
    nlohmann::ordered_json health;
    health["success"] = result.success;
    health["hardFailure"] = result.hard_failure;
    health["responseCode"] = result.response_code ? nlohmann::ordered_json(*result.response_code) : nullptr;
    health["sticky"] = false;
    health["message"] = result.success ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(result.message);
    return {{"slow_health_check", snapshot.slow_checks}, {"healthy", result.success}, {"health", std::move(health)}};
}

nlohmann::ordered_json service_stats_json(std::optional<std::int64_t> threads, const std::string& version) {
    return {{"threads", threads ? nlohmann::ordered_json(*threads) : nlohmann::ordered_json(nullptr)},
            {"version", version},
            {"queues", nlohmann::ordered_json::object()}};
}

void add_service_stats(rest::DomainRoutes& routes, std::string version, const health::HealthChecker* health) {
    if (!routes.stats) {
        return;
    }
    routes.stats = [inner = std::move(routes.stats), version = std::move(version), health](
                       const rest::HttpRequest& request, const rest::PathParams& params,
                       const rest::Responder& respond) {
        inner(request, params, [version, health, respond](rest::HttpResponse response) {
            auto body = nlohmann::ordered_json::parse(response.body, nullptr, false);
            if (response.status != 200 || body.is_discarded() || !body.is_object()) {
                respond(std::move(response));
                return;
            }
            const auto keys = service_stats_json(metrics::read_process_stats().threads, version);
            for (const auto& [key, value] : keys.items()) {
                body[key] = value;
            }
            if (health == nullptr) {
                respond(rest::HttpResponse::json(200, body.dump()));
                return;
            }
            health->async_snapshot([respond, body = std::move(body)](const health::HealthSnapshot& snapshot) mutable {
                const auto health_keys = health_stats_json(snapshot);
                for (const auto& [key, value] : health_keys.items()) {
                    body[key] = value;
                }
                respond(rest::HttpResponse::json(200, body.dump()));
            });
        });
    };
}

}  // namespace jicofo::app
