// The Jigasi brewery, its gauges and sipGatewayEnabled, the dial counters, and the hops between conference strands
// and the features strand.
#include "jicofo/jigasi/jigasi_service.hpp"

#include "jicofo/core/error.hpp"
#include "jicofo/core/logging.hpp"
#include "jicofo/metrics/metrics_registry.hpp"
#include "jicofo/xmpp/xmpp_connection.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

namespace jicofo::jigasi {
namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto log = core::module_logger("jigasi");
    return log;
}

constexpr std::array kEvents{JigasiEvent::accepted,
                             JigasiEvent::rejected,
                             JigasiEvent::retry,
                             JigasiEvent::instance_error,
                             JigasiEvent::instance_timeout,
                             JigasiEvent::failed_no_instance,
                             JigasiEvent::failed_xmpp_not_connected};
static_assert(kEvents.size() == kJigasiEventCount);

JigasiAnswer to_answer(const xmpp::IqResult& result) {
    JigasiAnswer answer;
    if (result) {
        if (result->payload) {
            if (auto ref = stanza::RayoRef::parse(*result->payload)) {
                answer.ref = std::move(ref).value();
            }
        }
        return answer;
    }
    const auto& code = result.error().code;
    if (code == make_error_code(core::Errc::timeout)) {
        answer.kind = JigasiAnswer::Kind::timeout;
    } else if (code == make_error_code(core::Errc::disconnected) ||
               code == make_error_code(core::Errc::shutting_down)) {
        answer.kind = JigasiAnswer::Kind::not_connected;
    } else {
        answer.kind = JigasiAnswer::Kind::error;
        answer.error = result.error().stanza_error;
    }
    return answer;
}

}  // namespace

JigasiSettings jigasi_settings(const config::JicofoConfig& config) {
    JigasiSettings settings;
    if (config.jigasi.brewery_jid) {
        auto jid = stanza::Jid::parse(*config.jigasi.brewery_jid);
        if (jid && !jid->local().empty()) {
            settings.brewery = jid->bare();
        } else {
            logger()->error("jicofo.jigasi.brewery-jid '{}' is not a room JID: no Jigasi", *config.jigasi.brewery_jid);
        }
    }
    settings.connection = config.jigasi.xmpp_connection_name;
    settings.trusted_domains = config.xmpp.trusted_domains;
    settings.region_groups = config.bridge.region_groups;
    settings.local_region = config.local_region;
    settings.dial.timeout = config.xmpp.client.reply_timeout;
    settings.moderator_checks = config.conference.enable_moderator_checks;
    return settings;
}

JigasiService::JigasiService(JigasiSettings settings, feature::Strand strand, metrics::MetricsRegistry& registry,
                             std::function<void(std::string, std::optional<std::string>)> advertise)
    : settings_(std::move(settings)),
      strand_(std::move(strand)),
      advertise_(std::move(advertise)),
      sip_count_(&registry.gauge("jigasi_sip_count")),
      sip_in_graceful_shutdown_count_(&registry.gauge("jigasi_sip_in_graceful_shutdown_count")),
      transcriber_count_(&registry.gauge("jigasi_transcriber_count")) {
    for (const auto event : kEvents) {
        if (auto name = metric_name(event)) {
            event_counters_[static_cast<std::size_t>(event)] = &registry.counter(*name);
        }
    }
}

JigasiService::~JigasiService() = default;

void JigasiService::start(const feature::Connections& connections) {
    const auto& connection = connections.named(settings_.connection);
    if (!settings_.brewery || !connection) {
        return;
    }
    connection_ = connection;
    xmpp::BrewerySettings brewery;
    brewery.room = *settings_.brewery;
    brewery.nick = connection->settings().username;
    brewery.trusted_domains = settings_.trusted_domains;
    xmpp::BreweryHandlers<stanza::ColibriStats> handlers;
    handlers.instance_added = [this](const stanza::Jid& occupant, const stanza::ColibriStats& stats) {
        update(occupant, stats);
    };
    handlers.instance_updated = handlers.instance_added;
    handlers.instance_removed = [this](const stanza::Jid& occupant) { remove(occupant); };
    brewery_ = std::make_unique<xmpp::JigasiBrewery>(*connection, strand_, std::move(brewery), std::move(handlers));
    brewery_->join([room = settings_.brewery->to_string()](const xmpp::JoinResult& result) {
        if (result) {
            logger()->info("brewery={} joined", room);
        } else {
            logger()->warn("brewery={} not joined yet ({}); trying again", room, result.error().message());
        }
    });
}

void JigasiService::stop() {
    brewery_.reset();  // a joined brewery sends unavailable presence as it goes
    instances_.clear();
    refresh();
}

void JigasiService::update(const stanza::Jid& occupant, const stanza::ColibriStats& stats) {
    if (instances_.size() >= kMaxInstances && instances_.count(occupant) == 0) {
        logger()->warn("brewery ignores {}: already {} instances", occupant.to_string(), kMaxInstances);
        return;
    }
    instances_.insert_or_assign(occupant, JigasiInstance::from_stats(occupant.to_string(), stats));
    refresh();
}

void JigasiService::remove(const stanza::Jid& occupant) {
    if (instances_.erase(occupant) != 0) {
        logger()->info("{} left the brewery", occupant.to_string());
        refresh();
    }
}

std::vector<JigasiInstance> JigasiService::instances() const {
    std::vector<JigasiInstance> all;
    all.reserve(instances_.size());
    for (const auto& [occupant, instance] : instances_) {
        all.push_back(instance);
    }
    return all;
}

void JigasiService::refresh() {
    const auto counts = count_instances(instances());
    sip_count_->Set(static_cast<double>(counts.sip));
    sip_in_graceful_shutdown_count_->Set(static_cast<double>(counts.sip_in_graceful_shutdown));
    transcriber_count_->Set(static_cast<double>(counts.transcriber));
    // Clients show the dial button from this; it is true only while a Jigasi could take the call.
    const bool sip = counts.sip > counts.sip_in_graceful_shutdown;
    if (advertised_sip_ != sip) {
        advertised_sip_ = sip;
        advertise_("sipGatewayEnabled", sip ? std::optional<std::string>("true") : std::nullopt);
    }
}

void JigasiService::select(JigasiKind kind, std::vector<std::string> exclude, std::vector<std::string> bridge_regions,
                           const feature::Strand& reply_on, std::function<void(std::optional<std::string>)> done) {
    boost::asio::post(strand_, [self = shared_from_this(), kind, exclude = std::move(exclude),
                                regions = std::move(bridge_regions), reply_on, done = std::move(done)]() mutable {
        JigasiSelection selection;
        selection.kind = kind;
        selection.exclude = std::move(exclude);
        selection.preferred_regions = std::move(regions);
        selection.region_groups = self->settings_.region_groups;
        selection.local_region = self->settings_.local_region;
        auto all = self->instances();
        auto chosen = select_jigasi(all, selection);
        boost::asio::post(reply_on, [done = std::move(done), chosen = std::move(chosen)] { done(chosen); });
    });
}

void JigasiService::send(const std::string& jigasi, const stanza::RayoDial& dial, std::chrono::milliseconds timeout,
                         const feature::Strand& reply_on, std::function<void(JigasiAnswer)> done) {
    auto to = stanza::Jid::parse(jigasi);
    stanza::Iq request;
    request.header.type = stanza::IqType::set;
    if (to) {
        request.header.to = std::move(to).value();
    }
    request.payload = dial.to_xml();
    boost::asio::post(strand_, [self = shared_from_this(), request = std::move(request), timeout, reply_on,
                                done = std::move(done)]() mutable {
        if (!self->connection_ || !request.header.to) {
            boost::asio::post(reply_on, [done = std::move(done)] {
                done(JigasiAnswer{JigasiAnswer::Kind::not_connected, std::nullopt, std::nullopt});
            });
            return;
        }
        // The connection gives the forward an id of its own, and takes the reply only from the Jigasi asked.
        self->connection_->async_send_iq(
            std::move(request), reply_on,
            [done = std::move(done)](const xmpp::IqResult& result) { done(to_answer(result)); }, timeout);
    });
}

void JigasiService::count(JigasiEvent event) {
    if (auto* counter = event_counters_[static_cast<std::size_t>(event)]) {
        counter->Increment();
    }
    boost::asio::post(strand_, [self = shared_from_this(), event] { self->counters_.add(event); });
}

nlohmann::ordered_json JigasiService::detector_stats() const {
    const auto counts = count_instances(instances());
    return {{"sip_count", counts.sip},
            {"sip_in_graceful_shutdown_count", counts.sip_in_graceful_shutdown},
            {"transcriber_count", counts.transcriber}};
}

nlohmann::ordered_json JigasiService::detector_debug() const {
    if (!settings_.brewery) {
        return nullptr;
    }
    // Jicofo's keys: brewery_jid and each instance by its resource; ours after them.
    nlohmann::ordered_json json{{"brewery_jid", settings_.brewery->to_string()}};
    for (const auto& [occupant, instance] : instances_) {
        json[std::string(occupant.resource())] = {{"supports_sip", instance.supports_sip},
                                                  {"supports_transcription", instance.supports_transcription},
                                                  {"is_in_graceful_shutdown", instance.graceful_shutdown},
                                                  {"participants", instance.participants},
                                                  {"region", instance.region.value_or("null")}};
    }
    nlohmann::ordered_json instances = nlohmann::ordered_json::array();
    for (const auto& [occupant, instance] : instances_) {
        instances.push_back({{"jid", instance.id},
                             {"supports_sip", instance.supports_sip},
                             {"supports_transcription", instance.supports_transcription},
                             {"graceful_shutdown", instance.graceful_shutdown},
                             {"participants", instance.participants},
                             {"region", instance.region ? nlohmann::ordered_json(*instance.region) : nullptr}});
    }
    json["brewery"] = settings_.brewery->to_string();
    json["joined"] = brewery_ && brewery_->joined();
    json["instances"] = std::move(instances);
    return json;
}

nlohmann::ordered_json JigasiService::dial_stats() const {
    nlohmann::ordered_json stats = nlohmann::ordered_json::object();
    if (!settings_.brewery) {
        return stats;  // the reference's {} without Jigasi
    }
    for (const auto event : kEvents) {
        stats[std::string(stats_key(event))] = counters_[event];
    }
    return stats;
}

}  // namespace jicofo::jigasi
