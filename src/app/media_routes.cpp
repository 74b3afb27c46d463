// /pin, /move-endpoints/* and the bridge_selector keys of /debug and /stats, over the bridge registry and the room
// map; every answer is built from snapshots or results delivered by the owners' strands.
#include "jicofo/app/media_routes.hpp"
#include "jicofo/core/text.hpp"

#include "jicofo/app/load_redistributor.hpp"

#include "jicofo/bridge/bridge_registry.hpp"
#include "jicofo/conference/focus_manager.hpp"
#include "jicofo/xmpp/caps_cache.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <functional>
#include <string>

namespace jicofo::app {
namespace {

using rest::HttpRequest;
using rest::HttpResponse;
using rest::PathParams;
using rest::Responder;
using Failure = core::Unexpected<std::string>;  // NOLINT(readability-identifier-naming)

core::Result<nlohmann::json, std::string> json_object(std::string_view body) {
    auto parsed = nlohmann::json::parse(body, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) {
        return Failure{"Bad request: the body is not a JSON object"};
    }
    return parsed;
}

core::Result<std::string, std::string> room_field(const nlohmann::json& body) {
    auto it = body.find("conferenceId");
    if (it == body.end() || !it->is_string() || it->get<std::string>().empty()) {
        return Failure{"Bad request: missing conferenceId"};
    }
    auto room = stanza::Jid::parse(it->get<std::string>());
    if (!room || !room->is_bare() || room->local().empty()) {
        return Failure{"Bad request: invalid conferenceId"};
    }
    return room->to_string();
}

HttpResponse bad_request(const std::string& message) {
    return HttpResponse::text(400, "Bad request: " + message);
}

HttpResponse not_found(const std::string& message) {
    return HttpResponse::text(404, "Not found: " + message);
}

std::optional<double> parse_double(std::string_view text) {
    double value = 0;
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || !std::isfinite(value)) {
        return std::nullopt;
    }
    return value;
}

std::optional<int> parse_int(std::string_view text) {
    int value = 0;
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end) {
        return std::nullopt;
    }
    return value;
}

// The parameter's value, with an empty value read as absent (as Jicofo's blank checks do).
std::optional<std::string> param(const HttpRequest& request, std::string_view name) {
    auto value = request.query.get(name);
    if (!value || value->empty()) {
        return std::nullopt;
    }
    return std::string(*value);
}

// Sums the per-conference answers and answers once, after the last one (they come from different strands).
struct MoveTally {
    MoveTally(std::size_t conferences, Responder answer) : pending(conferences), respond(std::move(answer)) {}

    void add(int moved) {
        if (moved > 0) {
            endpoints += moved;
            ++conferences;
        }
        if (--pending == 0) {
            respond(HttpResponse::json(200, move_result_json(endpoints.load(), conferences.load()).dump()));
        }
    }

    std::atomic<std::size_t> pending;
    std::atomic<int> endpoints{0};
    std::atomic<int> conferences{0};
    Responder respond;
};

// Moves the planned endpoints off `bridge_id`, one request per conference, and answers with the totals.
void execute_moves(const std::shared_ptr<conference::FocusManager>& manager, const std::string& bridge_id,
                   const std::vector<ConferenceLoad>& plan, const Responder& respond) {
    if (plan.empty()) {
        respond(HttpResponse::json(200, move_result_json(0, 0).dump()));
        return;
    }
    auto tally = std::make_shared<MoveTally>(plan.size(), respond);
    for (const auto& step : plan) {
        manager->with_conference(
            step.room, [tally, bridge_id, count = step.endpoints](conference::ConferenceHandle* conference) {
                if (conference == nullptr) {
                    tally->add(0);  // it ended since the snapshot
                    return;
                }
                conference->move_endpoints(bridge_id, std::nullopt, count, [tally](int moved) { tally->add(moved); });
            });
    }
}

// Runs `next` with the resolved bridge id when the registry knows that bridge; answers 400/404 otherwise.
void with_known_bridge(const std::shared_ptr<bridge::BridgeRegistry>& registry, const stanza::Jid& brewery,
                       const std::optional<std::string>& param_value, const Responder& respond,
                       std::function<void(std::string bridge_id)> next) {
    if (!param_value) {
        respond(bad_request("missing bridge"));
        return;
    }
    auto id = bridge_id_from_param(*param_value, brewery);
    if (!id) {
        respond(bad_request("invalid bridge " + *param_value));
        return;
    }
    registry->async_debug_snapshot(
        [id = *id, respond, next = std::move(next)](const bridge::BridgeSelectorDebug& debug) {
            const bool known = std::any_of(debug.bridges.begin(), debug.bridges.end(),
                                           [&](const bridge::BridgeDebugState& b) { return b.jid == id; });
            if (!known) {
                respond(not_found("bridge " + id));
                return;
            }
            next(id);
        });
}

// Jicofo's Bridge.debugState keys first, ours after them.
nlohmann::ordered_json bridge_debug_json(const bridge::BridgeDebugState& b) {
    auto optional = [](const auto& value) {
        return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
    };
    // Jicofo's Bridge.debugState: its nullable strings as toString() writes them ("null").
    auto text = [](const std::optional<std::string>& value) { return value.value_or("null"); };
    return {{"corrected-stress", b.corrected_stress},
            {"drain", b.drain},
            {"endpoints", b.endpoints},
            {"endpoint-restart-requests", b.restart_requests},
            {"failing-ice", b.failing_ice},
            {"graceful-shutdown", b.graceful_shutdown},
            {"healthy", b.healthy.value_or(true)},  // a bridge is healthy until a presence says otherwise
            {"operational", b.operational},
            {"overloaded", b.overloaded},
            {"region", text(b.region)},
            {"relay-id", text(b.relay_id)},
            {"release", text(b.release)},
            {"shutting-down", b.shutting_down},
            {"stress", b.stress},
            {"version", text(b.version)},
            // Ours.
            {"nick", b.nick},
            {"needs_probe", b.needs_probe},
            {"endpoints_recently_added", b.endpoints_recently_added},
            {"seconds_since_failure", optional(b.seconds_since_failure)},
            {"seconds_since_presence", optional(b.seconds_since_presence)}};
}

// Replaces the {"jid"} of every colibri session in the conferences under `json` with the bridge's state.
void fill_session_bridges(nlohmann::ordered_json& json, const bridge::BridgeSelectorDebug& debug, int depth) {
    if (!json.is_object() || depth > 3) {
        return;
    }
    if (auto manager = json.find("colibri_session_manager"); manager != json.end() && manager->contains("sessions")) {
        for (auto& [resource, session] : (*manager)["sessions"].items()) {
            const auto jid = session.value("bridge", nlohmann::ordered_json::object()).value("jid", std::string());
            for (const auto& b : debug.bridges) {
                if (b.jid == jid) {
                    session["bridge"] = bridge_debug_json(b);
                }
            }
        }
        return;
    }
    for (auto& [key, value] : json.items()) {
        fill_session_bridges(value, debug, depth + 1);
    }
}

// Wraps a handler whose 200 answer is a JSON object, adding `key` from `fill` (which answers asynchronously).
rest::RouteHandler with_key(rest::RouteHandler inner, std::string key,
                            std::function<void(std::function<void(nlohmann::ordered_json)>)> fill) {
    return [inner = std::move(inner), key = std::move(key), fill = std::move(fill)](
               const HttpRequest& request, const PathParams& params, const Responder& respond) {
        inner(request, params, [key, fill, respond](HttpResponse response) {
            auto body = nlohmann::ordered_json::parse(response.body, nullptr, false);
            if (response.status != 200 || body.is_discarded() || !body.is_object()) {
                respond(std::move(response));
                return;
            }
            fill([key, respond, body = std::move(body)](nlohmann::ordered_json value) mutable {
                body[key] = std::move(value);
                respond(HttpResponse::json(200, body.dump()));
            });
        });
    };
}

// Wraps a handler whose 200 answer holds conferences' debug state: each colibri session's "bridge" ({"jid"}) becomes
// that bridge's debug state from the registry (Jicofo's Colibri2Session.toJson nests Bridge.debugState there).
rest::RouteHandler with_session_bridges(rest::RouteHandler inner,
                                        const std::shared_ptr<bridge::BridgeRegistry>& registry) {
    return [inner = std::move(inner), registry](const HttpRequest& request, const PathParams& params,
                                                const Responder& respond) {
        inner(request, params, [registry, respond](HttpResponse response) {
            if (response.status != 200 || response.body.find("colibri_session_manager") == std::string::npos) {
                respond(std::move(response));
                return;
            }
            auto body = nlohmann::ordered_json::parse(response.body, nullptr, false);
            if (body.is_discarded()) {
                respond(std::move(response));
                return;
            }
            registry->async_debug_snapshot(
                [respond, body = std::move(body)](const bridge::BridgeSelectorDebug& debug) mutable {
                    fill_session_bridges(body, debug, 0);
                    respond(HttpResponse::json(200, body.dump()));
                });
        });
    };
}

}  // namespace

core::Result<PinRequest, std::string> pin_request_from_json(std::string_view body) {
    auto parsed = json_object(body);
    if (!parsed) {
        return Failure{parsed.error()};
    }
    auto room = room_field(*parsed);
    if (!room) {
        return Failure{room.error()};
    }
    PinRequest request;
    request.conference_id = std::move(room).value();
    auto version = parsed->find("jvbVersion");
    if (version == parsed->end() || !version->is_string() || version->get<std::string>().empty()) {
        return Failure{"Bad request: missing jvbVersion"};
    }
    request.version = version->get<std::string>();
    auto minutes = parsed->find("durationMinutes");
    if (minutes == parsed->end() || !minutes->is_number_integer()) {
        return Failure{"Bad request: missing durationMinutes"};
    }
    const auto value = minutes->get<std::int64_t>();
    // A year bounds the arithmetic on the steady clock; a pin is meant for an upgrade window, not forever.
    constexpr std::int64_t kMaxMinutes = std::int64_t{365} * 24 * 60;
    if (value <= 0 || value > kMaxMinutes) {
        return Failure{"Bad request: durationMinutes must be between 1 and " + std::to_string(kMaxMinutes)};
    }
    request.duration = std::chrono::minutes(value);
    return request;
}

core::Result<std::string, std::string> unpin_request_from_json(std::string_view body) {
    auto parsed = json_object(body);
    if (!parsed) {
        return Failure{parsed.error()};
    }
    return room_field(*parsed);
}

nlohmann::ordered_json pins_json(const std::vector<bridge::BridgePin>& pins) {
    nlohmann::ordered_json json = nlohmann::ordered_json::array();
    for (const auto& pin : pins) {
        json.push_back({{"conferenceId", pin.conference_id},
                        {"jvbVersion", pin.version},
                        {"expiresAt", core::iso8601_utc(pin.expires_at)}});
    }
    return json;
}

nlohmann::ordered_json bridge_selector_debug_json(const bridge::BridgeSelectorDebug& debug) {
    nlohmann::ordered_json bridges = nlohmann::ordered_json::object();
    for (const auto& b : debug.bridges) {
        bridges[b.jid] = bridge_debug_json(b);
    }
    return {{"strategy", debug.strategy}, {"bridge", std::move(bridges)}};
}

nlohmann::ordered_json bridge_selector_stats_json(const bridge::BridgeSelectorStats& stats) {
    return {{"bridge_count", stats.bridge_count},
            {"operational_bridge_count", stats.operational_bridge_count},
            {"in_shutdown_bridge_count", stats.in_shutdown_bridge_count},
            {"lost_bridges", stats.lost_bridges},
            {"bridge_version_count", stats.bridge_version_count}};
}

std::optional<std::string> bridge_id_from_param(std::string_view param, const stanza::Jid& brewery) {
    if (param.empty()) {
        return std::nullopt;
    }
    auto jid = param.find('/') != std::string_view::npos ? stanza::Jid::parse(param) : brewery.with_resource(param);
    if (!jid || jid->is_bare()) {
        return std::nullopt;
    }
    return jid->to_string();
}

std::vector<ConferenceLoad> conferences_on_bridge(const std::vector<conference::ConferenceSnapshot>& snapshots,
                                                  const std::string& bridge_id) {
    std::vector<ConferenceLoad> loads;
    for (const auto& snapshot : snapshots) {
        if (!snapshot.media) {
            continue;
        }
        const auto& participants = snapshot.media->participants;
        const auto count = std::count_if(participants.begin(), participants.end(), [&](const auto& p) {
            return p.bridge == bridge_id && (p.state == "offered" || p.state == "active");
        });
        if (count > 0) {
            loads.push_back(ConferenceLoad{snapshot.room, static_cast<int>(count)});
        }
    }
    std::sort(loads.begin(), loads.end(), [](const ConferenceLoad& a, const ConferenceLoad& b) {
        return a.endpoints != b.endpoints ? a.endpoints > b.endpoints : a.room.to_string() < b.room.to_string();
    });
    return loads;
}

std::vector<ConferenceLoad> plan_moves(const std::vector<ConferenceLoad>& loads, int count) {
    std::vector<ConferenceLoad> plan;
    for (const auto& load : loads) {
        if (count <= 0) {
            break;
        }
        const int take = std::min(count, load.endpoints);
        plan.push_back(ConferenceLoad{load.room, take});
        count -= take;
    }
    return plan;
}

int fraction_of_endpoints(const std::vector<ConferenceLoad>& loads, double fraction) {
    int total = 0;
    for (const auto& load : loads) {
        total += load.endpoints;
    }
    return static_cast<int>(std::lround(fraction * total));
}

nlohmann::ordered_json caps_cache_debug_json(const xmpp::CapsCacheStats& stats) {
    return {{"entries", stats.entries},
            {"capacity", stats.capacity},
            {"pending", stats.pending},
            {"hits", stats.hits},
            {"misses", stats.misses},
            {"waited", stats.waited},
            {"uncacheable", stats.uncacheable},
            {"stored", stats.stored},
            {"verification_failures", stats.verification_failures},
            {"too_large", stats.too_large},
            {"evictions", stats.evictions}};
}

nlohmann::ordered_json move_result_json(int moved_endpoints, int conferences) {
    return {{"movedEndpoints", moved_endpoints}, {"conferences", conferences}};
}

void add_media_routes(rest::DomainRoutes& routes, const std::shared_ptr<bridge::BridgeRegistry>& registry,
                      const std::shared_ptr<conference::FocusManager>& manager, const stanza::Jid& brewery,
                      const std::shared_ptr<LoadRedistributor>& redistributor,
                      const std::shared_ptr<xmpp::CapsCache>& caps_cache) {
    routes.pin_list = [registry](const HttpRequest&, const PathParams&, const Responder& respond) {
        registry->async_pins([respond](const std::vector<bridge::BridgePin>& pins) {
            respond(HttpResponse::json(200, pins_json(pins).dump()));
        });
    };
    routes.pin_add = [registry](const HttpRequest& request, const PathParams&, const Responder& respond) {
        auto pin = pin_request_from_json(request.body);
        if (!pin) {
            respond(HttpResponse::text(400, pin.error()));
            return;
        }
        registry->pin(pin->conference_id, pin->version, pin->duration,
                      [respond] { respond(HttpResponse::text(200, "")); });
    };
    routes.pin_remove = [registry](const HttpRequest& request, const PathParams&, const Responder& respond) {
        auto room = unpin_request_from_json(request.body);
        if (!room) {
            respond(HttpResponse::text(400, room.error()));
            return;
        }
        registry->unpin(*room, [respond](bool) { respond(HttpResponse::text(200, "")); });
    };

    routes.move_endpoint = [registry, manager, brewery](const HttpRequest& request, const PathParams&,
                                                        const Responder& respond) {
        const auto conference_param = param(request, "conference");
        const auto endpoint = param(request, "endpoint");
        if (!conference_param || !endpoint) {
            respond(bad_request(conference_param ? "missing endpoint" : "missing conference"));
            return;
        }
        auto room = stanza::Jid::parse(*conference_param);
        if (!room || !room->is_bare()) {
            respond(bad_request("invalid conference " + *conference_param));
            return;
        }
        auto move = [manager, room = room.value(), endpoint, respond](std::optional<std::string> bridge_id) {
            manager->with_conference(
                room, [endpoint, respond, bridge_id = std::move(bridge_id)](conference::ConferenceHandle* conference) {
                    if (conference == nullptr) {
                        respond(not_found("conference"));
                        return;
                    }
                    conference->move_endpoints(bridge_id, endpoint, 1, [respond](int moved) {
                        respond(HttpResponse::json(200, move_result_json(moved, moved > 0 ? 1 : 0).dump()));
                    });
                });
        };
        const auto bridge_param = param(request, "bridge");
        if (!bridge_param) {
            move(std::nullopt);  // from whichever bridge the endpoint is on
            return;
        }
        with_known_bridge(registry, brewery, bridge_param, respond,
                          [move](const std::string& bridge_id) { move(bridge_id); });
    };

    routes.move_endpoints = [registry, manager, brewery](const HttpRequest& request, const PathParams&,
                                                         const Responder& respond) {
        int count = 1;
        if (auto value = param(request, "numEndpoints")) {
            auto parsed = parse_int(*value);
            if (!parsed || *parsed < 0) {
                respond(bad_request("invalid numEndpoints " + *value));
                return;
            }
            count = *parsed;
        }
        std::optional<stanza::Jid> room;
        if (auto value = param(request, "conference")) {
            auto parsed = stanza::Jid::parse(*value);
            if (!parsed || !parsed->is_bare()) {
                respond(bad_request("invalid conference " + *value));
                return;
            }
            room = std::move(parsed).value();
        }
        with_known_bridge(
            registry, brewery, param(request, "bridge"), respond,
            [manager, room, count, respond](const std::string& bridge_id) {
                auto plan_and_move = [manager, bridge_id, count,
                                      respond](const std::vector<conference::ConferenceSnapshot>& snapshots) {
                    execute_moves(manager, bridge_id, plan_moves(conferences_on_bridge(snapshots, bridge_id), count),
                                  respond);
                };
                if (!room) {
                    manager->async_all_snapshots(plan_and_move);
                    return;
                }
                manager->async_conference_snapshot(
                    *room, [plan_and_move, respond](const std::optional<conference::ConferenceSnapshot>& snapshot) {
                        if (!snapshot) {
                            respond(not_found("conference"));
                            return;
                        }
                        plan_and_move({*snapshot});
                    });
            });
    };

    routes.move_fraction = [registry, manager, brewery](const HttpRequest& request, const PathParams&,
                                                        const Responder& respond) {
        double fraction = 0.1;
        if (auto value = param(request, "fraction")) {
            auto parsed = parse_double(*value);
            if (!parsed || *parsed < 0 || *parsed > 1) {
                respond(bad_request("invalid fraction " + *value));
                return;
            }
            fraction = *parsed;
        }
        with_known_bridge(
            registry, brewery, param(request, "bridge"), respond,
            [manager, fraction, respond](const std::string& bridge_id) {
                manager->async_all_snapshots([manager, bridge_id, fraction,
                                              respond](const std::vector<conference::ConferenceSnapshot>& snapshots) {
                    const auto loads = conferences_on_bridge(snapshots, bridge_id);
                    execute_moves(manager, bridge_id, plan_moves(loads, fraction_of_endpoints(loads, fraction)),
                                  respond);
                });
            });
    };

    // The conferences' colibri sessions name their bridge; its state comes from the registry.
    for (auto* handler : {&routes.debug, &routes.debug_conferences_full, &routes.debug_conference, &routes.rtcstats}) {
        if (*handler) {
            *handler = with_session_bridges(std::move(*handler), registry);
        }
    }
    if (routes.debug) {
        routes.debug = with_key(std::move(routes.debug), "bridge_selector", [registry](auto deliver) {
            registry->async_debug_snapshot([deliver = std::move(deliver)](const bridge::BridgeSelectorDebug& debug) {
                deliver(bridge_selector_debug_json(debug));
            });
        });
    }
    if (routes.debug && redistributor) {
        routes.debug = with_key(std::move(routes.debug), "load_redistributor",
                                [redistributor](auto deliver) { redistributor->async_debug(std::move(deliver)); });
    }
    if (routes.debug && caps_cache) {
        routes.debug = with_key(std::move(routes.debug), "caps_cache", [caps_cache](auto deliver) {
            caps_cache->async_stats([deliver = std::move(deliver)](const xmpp::CapsCacheStats& stats) {
                deliver(caps_cache_debug_json(stats));
            });
        });
    }
    if (routes.stats) {
        routes.stats = with_key(std::move(routes.stats), "bridge_selector", [registry](auto deliver) {
            registry->async_stats([deliver = std::move(deliver)](const bridge::BridgeSelectorStats& stats) {
                deliver(bridge_selector_stats_json(stats));
            });
        });
    }
}

}  // namespace jicofo::app
