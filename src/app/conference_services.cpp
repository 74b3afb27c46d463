// Builds the room map and the conference IQ handler from the configuration, and the REST handlers over them.
#include "jicofo/app/conference_services.hpp"

#include "jicofo/app/conference_json.hpp"
#include "jicofo/app/features.hpp"
#include "jicofo/app/version.hpp"
#include "jicofo/auth/authentication_config.hpp"
#include "jicofo/conference/authentication_iq_handler.hpp"
#include "jicofo/conference/conference.hpp"
#include "jicofo/conference/conference_iq_handler.hpp"
#include "jicofo/conference/focus_manager.hpp"
#include "jicofo/conference/visitor_conference_iq_handler.hpp"
#include "jicofo/core/logging.hpp"
#include "jicofo/feature/feature_host.hpp"
#include "jicofo/stanza/jid_prep.hpp"
#include "jicofo/xmpp/component_discovery.hpp"
#include "jicofo/xmpp/xmpp_connection.hpp"

#include <boost/asio/post.hpp>

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace jicofo::app {
namespace {

nlohmann::ordered_json connection_debug_json(const xmpp::ConnectionSnapshot& snapshot) {
    const auto since = std::chrono::duration_cast<std::chrono::milliseconds>(snapshot.status.since.time_since_epoch());
    return {{"name", snapshot.name},
            {"state", std::string(xmpp::to_string(snapshot.status.state))},
            {"session", std::string(xmpp::to_string(snapshot.status.session))},
            {"last_reason", xmpp::to_string(snapshot.status.last_reason)},
            {"since_epoch_ms", since.count()},
            {"bound_jid", snapshot.status.bound_jid},
            {"pending_iqs", snapshot.pending_iqs},
            {"reconnect_attempts", snapshot.reconnect_attempts},
            {"sessions", snapshot.sessions},
            {"stanzas_in", snapshot.stanzas_in},
            {"stanzas_out", snapshot.stanzas_out}};
}

}  // namespace

conference::ConferenceSettings conference_settings(const config::JicofoConfig& config,
                                                   const std::string& focus_username, const std::string& focus_domain,
                                                   std::chrono::milliseconds reply_timeout) {
    conference::ConferenceSettings settings;
    if (auto jid = stanza::Jid::from_parts(focus_username, focus_domain)) {
        settings.focus_jid = std::move(jid).value();
    }
    settings.version = version();
    settings.initial_timeout = config.conference.initial_timeout;
    settings.single_participant_timeout = config.conference.single_participant_timeout;
    settings.join_timeout = reply_timeout;
    settings.enable_auto_owner = config.conference.enable_auto_owner;
    settings.visitors_supported = false;  // set by the caller, who knows the visitor nodes
    settings.trusted_domains = config.xmpp.trusted_domains;
    settings.max_conferences = static_cast<std::size_t>(config.conference.max_conferences);
    settings.max_waiting_requests = static_cast<std::size_t>(config.conference.max_waiting_requests);
    settings.max_properties_per_request = static_cast<std::size_t>(config.conference.max_properties_per_request);
    return settings;
}

conference::RoomServices room_services(const config::JicofoConfig& config, const std::string& xmpp_domain) {
    conference::RoomServices services;
    services.xmpp_domain = xmpp_domain;
    services.conference_service = "conference." + xmpp_domain;
    if (config.xmpp.client.conference_muc_jid) {
        if (auto jid = stanza::Jid::parse(*config.xmpp.client.conference_muc_jid)) {
            services.conference_service = stanza::nameprep(jid->domain()).value_or(std::string(jid->domain()));
        } else {
            core::module_logger("conference")
                ->error("jicofo.xmpp.client.conference-muc-jid '{}' is not a JID; using {}",
                        *config.xmpp.client.conference_muc_jid, services.conference_service);
        }
    }
    for (const auto& brewery : {config.bridge.brewery_jid, config.jibri.brewery_jid, config.jibri_sip.brewery_jid,
                                config.jigasi.brewery_jid}) {
        if (brewery) {
            auto jid = stanza::Jid::parse(*brewery);
            auto prepped = jid ? stanza::prep(jid->bare()) : stanza::ParseResult<stanza::Jid>(jid);
            if (prepped) {
                services.reserved_rooms.push_back(std::move(prepped).value());
            } else if (jid) {
                services.reserved_rooms.push_back(jid->bare());
            }
        }
    }
    return services;
}

ConferenceServices::ConferenceServices(const config::JicofoConfig& config, const boost::asio::any_io_executor& executor,
                                       const std::shared_ptr<xmpp::XmppConnection>& client,
                                       const std::shared_ptr<xmpp::XmppConnection>& service,
                                       metrics::MetricsRegistry& metrics,
                                       const std::shared_ptr<const conference::MediaSetup>& media,
                                       std::shared_ptr<const conference::VisitorNodes> visitor_nodes) {
    if (!visitor_nodes) {
        visitor_nodes = std::make_shared<const conference::VisitorNodes>();
    }
    const auto& connection = client->settings();
    auto settings = conference_settings(config, connection.username, connection.domain, connection.reply_timeout);
    // Visitors need a node to send them to; the visitors feature refines this per room (require-muc-config-flag).
    settings.visitors_supported = config.visitors.enabled && !visitor_nodes->empty();
    settings.room_services = room_services(config, connection.xmpp_domain);
    auto auth_settings = auth::authentication_settings(config.authentication);
    if (!auth_settings) {
        throw std::runtime_error(auth_settings.error());  // a start-up configuration error
    }
    std::unique_ptr<auth::AuthenticationAuthority> authority;
    if (*auth_settings) {
        authority = std::make_unique<auth::AuthenticationAuthority>(**auth_settings);
        iq_handler_debug_.auth_authority = std::string(auth::authority_name((*auth_settings)->type));
    }
    features_ = std::make_unique<feature::FeatureHost>(config, metrics, executor);
    features_->install(feature_list());
    client_ = client;
    executor_ = executor;
    visitor_nodes_ = visitor_nodes;
    connection_settings_ = {connection.username, connection.domain, connection.xmpp_domain, connection.reply_timeout};
    manager_ =
        conference::FocusManager::create(executor, settings, factory(settings, media), &metrics, std::move(authority));
    std::optional<stanza::Jid> proxy;
    if (config.xmpp.client.client_proxy) {
        if (auto jid = stanza::Jid::parse(*config.xmpp.client.client_proxy)) {
            proxy = std::move(jid).value();
            iq_handler_debug_.client_proxy = proxy->to_string();
        } else {
            core::module_logger("conference")
                ->error("jicofo.xmpp.client.client-proxy '{}' is not a JID; ignored", *config.xmpp.client.client_proxy);
        }
    }
    iq_handler_debug_.focus_auth_jid = settings.focus_jid.to_string();
    iq_handler_debug_.jigasi_enabled = config.jigasi.brewery_jid.has_value();
    iq_handler_ = std::make_unique<conference::ConferenceIqHandler>(client, manager_, std::move(proxy));
    if (!visitor_nodes->empty()) {
        visitor_iq_handler_ = std::make_unique<conference::VisitorConferenceIqHandler>(visitor_nodes, manager_);
    }
    // The breakout rooms service Prosody announces is where requests may name rooms too.
    features_->start(
        feature::Connections{client, service, visitor_nodes}, manager_,
        [weak = std::weak_ptr<conference::FocusManager>(manager_)](const xmpp::DiscoveredComponents& found) {
            if (auto manager = weak.lock()) {
                manager->set_breakout_service(found.breakout_rooms);
            }
        });
    if (*auth_settings) {
        auth_iq_handler_ = std::make_unique<conference::AuthenticationIqHandler>(client, manager_, **auth_settings);
    }
}

conference::ConferenceFactory ConferenceServices::factory(const conference::ConferenceSettings& settings,
                                                          std::shared_ptr<const conference::MediaSetup> media) const {
    return [client = client_.get(), executor = executor_,
            shared = conference::share_conference_settings(settings, visitor_nodes_), media = std::move(media),
            slots = features_->slots()](const stanza::Jid& room, conference::ConferenceCallbacks callbacks) {
        return conference::Conference::create(*client, executor, shared, room, std::move(callbacks), {}, media, slots);
    };
}

void ConferenceServices::reconfigure(const config::JicofoConfig& config,
                                     std::shared_ptr<const conference::MediaSetup> media) {
    const auto& c = connection_settings_;
    auto settings = conference_settings(config, c.username, c.domain, c.reply_timeout);
    settings.visitors_supported = config.visitors.enabled && !visitor_nodes_->empty();
    settings.room_services = room_services(config, c.xmpp_domain);
    manager_->reconfigure(settings, factory(settings, std::move(media)));
    features_->reload(config);
}

ConferenceServices::~ConferenceServices() {
    features_->stop();
}

void ConferenceServices::stop() {
    features_->stop();
    iq_handler_.reset();
    auth_iq_handler_.reset();
    visitor_iq_handler_.reset();
    manager_->stop();
}

std::function<void(const conference::BridgeEvent&)> ConferenceServices::feature_bridge_events() const {
    return features_->bridge_event_sink();
}

void ConferenceServices::set_debug_connections(std::vector<std::shared_ptr<xmpp::XmppConnection>> connections) {
    debug_connections_ = std::move(connections);
}

rest::DomainRoutes ConferenceServices::routes() const {
    auto routes = conference_routes(manager_, iq_handler_debug_, debug_connections_);
    features_->add_routes(routes);
    return routes;
}

rest::DomainRoutes conference_routes(const std::shared_ptr<conference::FocusManager>& manager,
                                     const ConferenceIqHandlerDebug& iq_handler,
                                     const std::vector<std::shared_ptr<xmpp::XmppConnection>>& debug_connections) {
    using rest::HttpRequest;
    using rest::HttpResponse;
    using rest::PathParams;
    using rest::Responder;
    rest::DomainRoutes routes;

    routes.conference_request = [manager](const HttpRequest& request, const PathParams&, const Responder& respond) {
        auto parsed = conference_request_from_json(request.body, request.headers.get("Authorization"));
        if (!parsed) {
            respond(HttpResponse::text(400, parsed.error()));
            return;
        }
        manager->conference_request(std::move(parsed).value(), [respond](conference::ConferenceRequestResult result) {
            if (result) {
                respond(HttpResponse::json(200, conference_reply_json(*result).dump()));
            } else {
                auto error = conference_error_http(result.error());
                respond(HttpResponse::text(error.status, error.body));
            }
        });
    };

    routes.debug = [manager, iq_handler, debug_connections](const HttpRequest& request, const PathParams&,
                                                            const Responder& respond) {
        const bool full = request.query.get("full") == std::optional<std::string_view>("true");
        auto answer = [respond, iq_handler, debug_connections](nlohmann::ordered_json focus_manager,
                                                               const std::optional<std::string>& breakout) {
            // Jicofo writes absent values through toString(): "null".
            auto text = [](const std::string& value) { return value.empty() ? std::string("null") : value; };
            nlohmann::ordered_json body;
            body["focus_manager"] = std::move(focus_manager);
            body["conference_iq_handler"] = {{"breakout_address", breakout.value_or("null")},
                                             {"focus_auth_jid", iq_handler.focus_auth_jid},
                                             {"jigasi_enabled", iq_handler.jigasi_enabled},
                                             {"auth_authority", text(iq_handler.auth_authority)},
                                             {"client_proxy", text(iq_handler.client_proxy)}};
            // snapshot() is a thread-safe copy kept by each connection.
            nlohmann::ordered_json connections = nlohmann::ordered_json::array();
            for (const auto& connection : debug_connections) {
                connections.push_back(connection_debug_json(connection->snapshot()));
            }
            body["xmpp_connections"] = std::move(connections);
            respond(HttpResponse::json(200, body.dump()));
        };
        manager->async_snapshot([manager, full, answer](const conference::FocusManagerSnapshot& snapshot) {
            if (full) {
                manager->async_all_snapshots([answer, breakout = snapshot.breakout_service](
                                                 const std::vector<conference::ConferenceSnapshot>& snapshots) {
                    nlohmann::ordered_json conferences = nlohmann::ordered_json::object();
                    for (const auto& s : snapshots) {
                        conferences[s.room.to_string()] = conference_debug_json(s);
                    }
                    answer(std::move(conferences), breakout);
                });
                return;
            }
            nlohmann::ordered_json conferences = nlohmann::ordered_json::object();
            for (const auto& entry : snapshot.conferences) {
                conferences[entry.room.to_string()] = entry.participants;
            }
            answer(std::move(conferences), snapshot.breakout_service);
        });
    };

    // Jicofo's XmppCapsStats: {"<caps node#ver>": {"count", "features"}} over the participants in the conferences
    // now (Jicofo counts every participant seen since start), with the features each advertised in its presence.
    routes.debug_xmpp_caps = [manager](const HttpRequest&, const PathParams&, const Responder& respond) {
        manager->async_all_snapshots([respond](const std::vector<conference::ConferenceSnapshot>& snapshots) {
            nlohmann::ordered_json caps = nlohmann::ordered_json::object();
            for (const auto& conference : snapshots) {
                for (const auto& participant : conference.participants) {
                    if (!participant.caps) {
                        continue;
                    }
                    auto& entry = caps[*participant.caps];
                    if (entry.is_null()) {
                        entry = {{"count", 0}, {"features", participant.features}};
                    }
                    entry["count"] = entry["count"].get<int>() + 1;
                }
            }
            respond(HttpResponse::json(200, caps.dump()));
        });
    };

    routes.debug_conferences = [manager](const HttpRequest&, const PathParams&, const Responder& respond) {
        manager->async_snapshot([respond](const conference::FocusManagerSnapshot& snapshot) {
            nlohmann::ordered_json rooms = nlohmann::ordered_json::array();
            for (const auto& entry : snapshot.conferences) {
                rooms.push_back(entry.room.to_string());
            }
            respond(HttpResponse::json(200, rooms.dump()));
        });
    };

    routes.debug_conferences_full = [manager](const HttpRequest&, const PathParams&, const Responder& respond) {
        manager->async_all_snapshots([respond](const std::vector<conference::ConferenceSnapshot>& snapshots) {
            nlohmann::ordered_json conferences = nlohmann::ordered_json::object();
            for (const auto& s : snapshots) {
                conferences[s.room.to_string()] = conference_debug_json(s);
            }
            respond(HttpResponse::json(200, conferences.dump()));
        });
    };

    routes.debug_conference = [manager](const HttpRequest&, const PathParams& params, const Responder& respond) {
        // In Prosody's form, as the room map keys its conferences.
        auto parsed = stanza::Jid::parse(params.get("jid").value_or(""));
        auto room = parsed ? stanza::prep(*parsed) : parsed;
        if (!room) {
            respond(HttpResponse::text(400, "Bad request: invalid JID"));
            return;
        }
        manager->async_conference_snapshot(
            std::move(room).value(), [respond](const std::optional<conference::ConferenceSnapshot>& snapshot) {
                respond(HttpResponse::json(200, snapshot ? conference_debug_json(*snapshot).dump() : "{}"));
            });
    };

    // Jicofo's RtcStats: the rooms' flags from the room map, then each listed conference's state from its strand.
    routes.rtcstats = [manager](const HttpRequest&, const PathParams&, const Responder& respond) {
        manager->async_snapshot([manager, respond](conference::FocusManagerSnapshot rooms) {
            manager->async_all_snapshots(
                [respond, rooms = std::move(rooms)](const std::vector<conference::ConferenceSnapshot>& snapshots) {
                    respond(HttpResponse::json(200, rtcstats_json(rooms, snapshots).dump()));
                });
        });
    };

    routes.stats = [manager](const HttpRequest&, const PathParams&, const Responder& respond) {
        manager->async_snapshot([respond](const conference::FocusManagerSnapshot& snapshot) {
            respond(HttpResponse::json(200, conference_stats_json(snapshot).dump()));
        });
    };
    return routes;
}

}  // namespace jicofo::app
