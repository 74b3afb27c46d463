// The media ports over XMPP and the bridge registry, and the routing of Jingle IQs and bridge events.
#include "jicofo/app/media_services.hpp"

#include "jicofo/app/load_redistributor.hpp"
#include "jicofo/app/media_routes.hpp"
#include "jicofo/app/media_stats.hpp"
#include "jicofo/bridge/bridge_registry.hpp"
#include "jicofo/bridge/bridge_transport.hpp"
#include "jicofo/conference/conference_media.hpp"
#include "jicofo/conference/focus_manager.hpp"
#include "jicofo/core/logging.hpp"
#include "jicofo/metrics/metrics_registry.hpp"
#include "jicofo/stanza/namespaces.hpp"
#include "jicofo/xmpp/caps_cache.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <chrono>

namespace jicofo::app {
namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto log = core::module_logger("media");
    return log;
}

stanza::Iq request_iq(stanza::IqType type, const stanza::Jid& to, stanza::XmlElement payload) {
    stanza::Iq iq;
    iq.header.type = type;
    iq.header.to = to;
    iq.payload = std::move(payload);
    return iq;
}

}  // namespace

namespace {

// Jingle with participants over the client connection, and with visitors over their node's connection.
class XmppJingleSignaling : public conference::JingleSignaling {
public:
    XmppJingleSignaling(std::shared_ptr<xmpp::XmppConnection> client, boost::asio::any_io_executor strand,
                        std::shared_ptr<MediaStatistics> counters, std::shared_ptr<xmpp::CapsCache> caps_cache,
                        std::shared_ptr<const conference::VisitorNodes> visitor_nodes)
        : client_(std::move(client)),
          strand_(std::move(strand)),
          counters_(std::move(counters)),
          caps_cache_(std::move(caps_cache)),
          visitor_nodes_(std::move(visitor_nodes)) {}

    void send_jingle(const stanza::Jid& to, const stanza::Jingle& jingle,
                     std::function<void(conference::JingleReply)> done) override {
        counters_->jingle_sent(jingle.action);
        link(to)->async_send_iq(request_iq(stanza::IqType::set, to, jingle.to_xml()), strand_,
                                [done = std::move(done)](const xmpp::IqResult& result) {
                                    conference::JingleReply reply;
                                    if (!result) {
                                        reply.timeout = result.error().code == core::Errc::timeout;
                                        reply.error = result.error().stanza_error;
                                        reply.disconnected = result.error().code == core::Errc::disconnected;
                                    }
                                    done(reply);
                                });
    }

    void reply(const stanza::Iq& reply) override {
        if (reply.header.to) {
            link(*reply.header.to)->send(reply);
        } else {
            client_->send(reply);
        }
    }

    // Through the process's caps cache: a client version verified before costs no IQ.
    void discover_features(const stanza::Jid& occupant, const core::SharedOptional<stanza::EntityCaps>& caps,
                           std::function<void(std::vector<std::string>)> done) override {
        caps_cache_->async_features(link(occupant), occupant, caps, strand_, std::move(done),
                                    std::chrono::milliseconds(5000));
    }

    [[nodiscard]] stanza::Jid focus_jid() const override {
        if (auto own = client_->own_jid()) {
            return *own;
        }
        const auto& settings = client_->settings();
        auto jid = stanza::Jid::from_parts(settings.username, settings.domain);
        return jid ? jid.value() : stanza::Jid{};
    }

    void send_mute_notice(const stanza::Jid& to, const stanza::MuteIq& notice) override {
        link(to)->async_send_iq(
            request_iq(stanza::IqType::set, to, notice.to_xml()), strand_, [](const xmpp::IqResult&) {},
            std::chrono::milliseconds(5000));
    }

private:
    // The connection an occupant is reached over: its visitor node's, or the client connection.
    [[nodiscard]] const std::shared_ptr<xmpp::XmppConnection>& link(const stanza::Jid& to) const {
        if (visitor_nodes_->empty()) {
            return client_;
        }
        auto found = visitor_nodes_->main_room_of(to.bare());
        return found && found->node->connection ? found->node->connection : client_;
    }

    std::shared_ptr<xmpp::XmppConnection> client_;
    boost::asio::any_io_executor strand_;
    std::shared_ptr<MediaStatistics> counters_;
    std::shared_ptr<xmpp::CapsCache> caps_cache_;
    std::shared_ptr<const conference::VisitorNodes> visitor_nodes_;
};

// Timers on the conference's strand; a pending one keeps its timer alive and runs its work when it expires.
class StrandTimers : public conference::MediaTimers {
public:
    explicit StrandTimers(boost::asio::any_io_executor strand) : strand_(std::move(strand)) {}

    void after(std::chrono::milliseconds delay, std::function<void()> fn) override {
        auto timer = std::make_shared<boost::asio::steady_timer>(strand_, delay);
        timer->async_wait([timer, fn = std::move(fn)](const boost::system::error_code& error) {
            if (!error) {
                fn();
            }
        });
    }

private:
    boost::asio::any_io_executor strand_;
};

// Colibri2 with bridges over the service connection.
class XmppColibriTransport : public colibri::ColibriTransport {
public:
    XmppColibriTransport(std::shared_ptr<xmpp::XmppConnection> service, boost::asio::any_io_executor strand,
                         std::shared_ptr<MediaStatistics> stats)
        : service_(std::move(service)), strand_(std::move(strand)), stats_(std::move(stats)) {}

    void send(const stanza::Jid& bridge, const stanza::ConferenceModify& request,
              std::function<void(colibri::ColibriReply)> done) override {
        service_->async_send_iq(
            request_iq(stanza::IqType::get, bridge, request.to_xml()), strand_,
            [done = std::move(done), stats = stats_,
             sent = std::chrono::steady_clock::now()](const xmpp::IqResult& result) {
                using Failure = colibri::ColibriFailure;
                // Every request is timed, failures too: a slow bridge shows before it times out.
                const bool timeout =
                    !result && !result.error().stanza_error && result.error().code == core::Errc::timeout;
                stats->colibri_request(
                    std::chrono::steady_clock::now() - sent,
                    result ? ColibriOutcome::ok : (timeout ? ColibriOutcome::timeout : ColibriOutcome::error));
                if (!result) {
                    const auto& error = result.error();
                    if (error.stanza_error) {
                        done(core::unexpected(Failure{Failure::Kind::error, error.stanza_error}));
                    } else if (error.code == core::Errc::timeout) {
                        done(core::unexpected(Failure{Failure::Kind::timeout, std::nullopt}));
                    } else {
                        done(core::unexpected(Failure{Failure::Kind::disconnected, std::nullopt}));
                    }
                    return;
                }
                if (!result->payload) {
                    done(stanza::ConferenceModified{});  // an expire is answered with an empty result
                    return;
                }
                auto modified = stanza::ConferenceModified::parse(*result->payload);
                if (!modified) {
                    logger()->warn("malformed colibri2 response: {}", modified.error().message());
                    done(core::unexpected(Failure{Failure::Kind::malformed, std::nullopt}));
                    return;
                }
                done(std::move(modified).value());
            });
    }

private:
    std::shared_ptr<xmpp::XmppConnection> service_;
    boost::asio::any_io_executor strand_;
    std::shared_ptr<MediaStatistics> stats_;
};

// Bridge selection through the registry's strand, answered on the conference's.
class RegistryAllocator : public colibri::BridgeAllocator {
public:
    RegistryAllocator(std::shared_ptr<bridge::BridgeRegistry> registry, boost::asio::any_io_executor strand,
                      std::string room)
        : registry_(std::move(registry)), strand_(std::move(strand)), room_(std::move(room)) {}

    void select(const selector::ConferenceBridges& conference, const selector::ParticipantProperties& participant,
                std::function<void(std::optional<colibri::BridgeInfo>, std::string)> done) override {
        bridge::SelectionRequest request;
        request.conference = conference;
        request.participant = participant;
        request.conference_id = room_;  // the room's version pin, if any
        registry_->async_select(
            std::move(request), strand_, [done = std::move(done)](const bridge::BridgeSelection& selection) {
                if (!selection.bridge) {
                    done(std::nullopt, selection.reason);
                    return;
                }
                const auto& chosen = *selection.bridge;
                done(colibri::BridgeInfo{chosen.id, chosen.jid, chosen.region, chosen.relay_id}, selection.reason);
            });
    }

    void report_failure(const std::string& bridge_id, bool /*graceful_shutdown*/) override {
        registry_->report_failure(bridge_id);
    }

    void endpoints_removed(const std::string& bridge_id, int count) override {
        registry_->report_endpoints_removed(bridge_id, count);
    }

private:
    std::shared_ptr<bridge::BridgeRegistry> registry_;
    boost::asio::any_io_executor strand_;
    std::string room_;
};

}  // namespace

namespace {

// Load redistribution reaches the bridges through the registry and the conferences through the room map.
LoadRedistributor::Ports redistribution_ports(const std::shared_ptr<bridge::BridgeRegistry>& registry,
                                              const std::weak_ptr<conference::FocusManager>& manager) {
    std::weak_ptr<bridge::BridgeRegistry> weak_registry = registry;
    LoadRedistributor::Ports ports;
    ports.bridges = [weak_registry](std::function<void(std::vector<bridge::BridgeDebugState>)> done) {
        if (auto r = weak_registry.lock()) {
            r->async_debug_snapshot(
                [done = std::move(done)](bridge::BridgeSelectorDebug debug) { done(std::move(debug.bridges)); });
        }
    };
    ports.loads = [manager](const std::string& bridge_id, std::function<void(std::vector<ConferenceLoad>)> done) {
        if (auto m = manager.lock()) {
            m->async_all_snapshots(
                [bridge_id, done = std::move(done)](const std::vector<conference::ConferenceSnapshot>& snapshots) {
                    done(conferences_on_bridge(snapshots, bridge_id));
                });
        }
    };
    ports.move = [manager](const stanza::Jid& room, const std::string& bridge_id, int count,
                           std::function<void(int)> done) {
        auto m = manager.lock();
        if (!m) {
            done(0);
            return;
        }
        m->with_conference(room, [bridge_id, count, done = std::move(done)](conference::ConferenceHandle* conference) {
            if (conference == nullptr) {
                done(0);  // it ended since the snapshot
                return;
            }
            conference->move_endpoints(bridge_id, std::nullopt, count, done);
        });
    };
    ports.count_moved = [weak_registry](const std::string& bridge_id, int moved) {
        if (auto r = weak_registry.lock()) {
            r->record_endpoints_moved(bridge_id, moved);
        }
    };
    return ports;
}

// The settings a conference's media takes from the configuration (at start-up and at every reload).
void apply_configuration(conference::ConferenceMediaSettings& settings, const config::JicofoConfig& config) {
    settings.codecs = config.codec;
    settings.conference = config.conference;
    settings.sctp_enabled = config.sctp.enabled;
    settings.max_bridge_participants_interval = config.bridge.max_bridge_participants_interval;
    settings.jibri_private_addresses = config.jibri.use_private_address_connectivity;
    settings.jigasi_private_addresses = config.jigasi.use_private_address_connectivity;
    // SplitBridge puts participants on different bridges on purpose, so it needs relays whatever octo says.
    settings.relays.enabled =
        config.octo.enabled || config.bridge.selection_strategy == config::SelectionStrategy::SplitBridge;
    settings.relays.sctp = config.octo.sctp_datachannels;
    settings.relays.topology = config.bridge.topology_strategy;
}

bridge::BridgeRegistrySettings registry_settings(const config::JicofoConfig& config) {
    bridge::BridgeRegistrySettings settings;
    settings.bridge = config.bridge;
    settings.octo = config.octo;
    settings.local_region = config.local_region;
    return settings;
}

}  // namespace

std::shared_ptr<const conference::MediaSetup> MediaServices::reconfigure(const config::JicofoConfig& config) {
    registry_->reconfigure(registry_settings(config));
    auto setup = std::make_shared<conference::MediaSetup>(*setup_);  // the same ports and callbacks
    apply_configuration(setup->settings, config);
    setup_ = setup;
    return setup_;
}

struct MediaServices::Subscription {
    bridge::BridgeSubscription bridges;
};

std::unique_ptr<MediaServices> MediaServices::create(const config::JicofoConfig& config,
                                                     const boost::asio::any_io_executor& executor,
                                                     const std::shared_ptr<xmpp::XmppConnection>& client,
                                                     const std::shared_ptr<xmpp::XmppConnection>& service,
                                                     metrics::MetricsRegistry& metrics,
                                                     std::shared_ptr<const conference::VisitorNodes> visitor_nodes) {
    if (!visitor_nodes) {
        visitor_nodes = std::make_shared<const conference::VisitorNodes>();
    }
    if (!config.bridge.brewery_jid) {
        logger()->warn("jicofo.bridge.brewery-jid is not set: no bridges, conferences get no media");
        return nullptr;
    }
    auto brewery = stanza::Jid::parse(*config.bridge.brewery_jid);
    if (!brewery) {
        logger()->error("jicofo.bridge.brewery-jid '{}' is not a JID: no bridges", *config.bridge.brewery_jid);
        return nullptr;
    }
    // jicofo.bridge.xmpp-connection-name: the brewery lives on the client or the service connection.
    auto bridges_connection =
        config.bridge.xmpp_connection_name == config::XmppConnectionName::Client ? client : service;
    std::unique_ptr<MediaServices> services(new MediaServices());
    services->brewery_ = brewery.value();

    const auto settings = registry_settings(config);
    bridge::XmppTransportSettings transport;
    transport.brewery.room = std::move(brewery).value();
    transport.brewery.nick = bridges_connection->settings().username;
    transport.brewery.trusted_domains = config.xmpp.trusted_domains;
    services->registry_ = bridge::BridgeRegistry::create(
        executor, settings, bridge::xmpp_transport(*bridges_connection, transport), &metrics);
    services->executor_ = executor;
    services->caps_cache_ = xmpp::CapsCache::create(executor);
    services->load_redistribution_ = config.bridge.load_redistribution;

    auto setup = std::make_shared<conference::MediaSetup>();
    apply_configuration(setup->settings, config);
    // Prometheus counters are thread-safe: every conference counts from its own strand.
    auto counters = std::make_shared<MediaStatistics>(metrics);
    count_media_events(setup->settings, counters);
    setup->settings.bridge_restart_requested =
        [weak = std::weak_ptr<bridge::BridgeRegistry>(services->registry_)](const std::string& bridge_id) {
            if (auto registry = weak.lock()) {
                registry->report_restart_request(bridge_id);  // posts to the registry's strand
            }
        };
    setup->settings.bridge_removed = [weak = std::weak_ptr<bridge::BridgeRegistry>(services->registry_)] {
        if (auto registry = weak.lock()) {
            registry->record_bridge_removed_from_conference();  // thread-safe: an atomic and a counter
        }
    };
    setup->ports = [client, bridges_connection, registry = services->registry_, counters,
                    caps_cache = services->caps_cache_, visitor_nodes = std::move(visitor_nodes)](
                       const boost::asio::any_io_executor& strand, const stanza::Jid& room) {
        conference::MediaPorts ports;
        ports.signaling = std::make_unique<XmppJingleSignaling>(client, strand, counters, caps_cache, visitor_nodes);
        ports.colibri = std::make_unique<XmppColibriTransport>(bridges_connection, strand, counters);
        ports.allocator = std::make_unique<RegistryAllocator>(registry, strand, room.to_string());
        ports.timers = std::make_unique<StrandTimers>(strand);
        return ports;
    };
    services->setup_ = std::move(setup);
    return services;
}

MediaServices::~MediaServices() {
    stop();
}

void MediaServices::start(const std::shared_ptr<conference::FocusManager>& manager,
                          const std::function<void(const conference::BridgeEvent&)>& also) {
    std::weak_ptr<conference::FocusManager> weak = manager;
    auto tell = [weak, also](conference::BridgeEvent::Kind kind) {
        return [weak, kind, also](const std::string& id) {
            if (also) {
                also(conference::BridgeEvent{kind, id});
            }
            if (auto manager = weak.lock()) {
                manager->for_each_conference(
                    [event = conference::BridgeEvent{kind, id}](conference::ConferenceHandle& conference) {
                        conference.bridge_event(event);
                    });
            }
        };
    };
    using Kind = conference::BridgeEvent::Kind;
    bridge::BridgeEvents events;
    events.bridge_added = tell(Kind::added);
    events.bridge_operational = tell(Kind::operational);
    events.bridge_removed = [left = tell(Kind::left), lost = tell(Kind::lost)](const std::string& id, bool was_lost) {
        (was_lost ? lost : left)(id);
    };
    events.bridge_failed = tell(Kind::failed);
    events.bridge_shutting_down = tell(Kind::shutting_down);
    subscription_ = std::make_unique<Subscription>();
    subscription_->bridges = registry_->subscribe(std::move(events));
    registry_->start();

    redistributor_ = LoadRedistributor::create(executor_, load_redistribution_, redistribution_ports(registry_, weak));
    redistributor_->start();
}

void MediaServices::stop() {
    if (redistributor_) {
        redistributor_->stop();
    }
    subscription_.reset();
    if (registry_) {
        registry_->stop();
    }
}

}  // namespace jicofo::app
