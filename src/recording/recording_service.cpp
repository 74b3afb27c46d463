// The breweries and the hops between conference strands and the features strand.
#include "jicofo/recording/recording_service.hpp"

#include "jicofo/core/error.hpp"
#include "jicofo/core/logging.hpp"
#include "jicofo/metrics/metrics_registry.hpp"
#include "jicofo/recording/conference_recording.hpp"
#include "jicofo/xmpp/xmpp_connection.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include <array>
#include <cstdint>
#include <ctime>

namespace jicofo::recording {
namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto log = core::module_logger("jibri");
    return log;
}

std::optional<stanza::Jid> brewery_jid(const std::optional<std::string>& configured, std::string_view key) {
    if (!configured) {
        return std::nullopt;
    }
    auto jid = stanza::Jid::parse(*configured);
    if (!jid || jid->local().empty()) {
        logger()->error("{} '{}' is not a room JID: that brewery is not used", key, *configured);
        return std::nullopt;
    }
    return jid->bare();
}

std::int64_t count(const prometheus::Counter* counter) {
    return static_cast<std::int64_t>(counter->Value());
}

std::int64_t count(const prometheus::Gauge* gauge) {
    return static_cast<std::int64_t>(gauge->Value());
}

ConferenceRecording* recording(feature::FeatureInstance* instance) {
    // The instance at this feature's index is always the recording one.
    return static_cast<ConferenceRecording*>(instance);
}

std::optional<std::int64_t> ms_since(const std::optional<TimePoint>& when, TimePoint now) {
    if (!when) {
        return std::nullopt;
    }
    return std::chrono::duration_cast<std::chrono::milliseconds>(now - *when).count();
}

// A pool instant as the wall-clock time it was, in ISO-8601 UTC (as Jicofo writes an Instant); "null" for never.
std::string instant_text(const std::optional<TimePoint>& when, TimePoint now) {
    if (!when) {
        return "null";
    }
    const auto wall =
        std::chrono::system_clock::now() - std::chrono::duration_cast<std::chrono::system_clock::duration>(now - *when);
    const auto seconds = std::chrono::system_clock::to_time_t(wall);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    std::array<char, 32> text{};
    const auto length = std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%SZ", &utc);
    return {text.data(), length};
}

// Jicofo's JibriDetector instance entry: the statuses by their enum names, "null" when the presence did not say.
nlohmann::ordered_json jibri_instance_json(const stanza::JibriStatus* status, const JibriInstanceView& instance,
                                           TimePoint now) {
    std::string health = "null";
    std::string busy = "null";
    if (status && status->health) {
        health = *status->health == stanza::JibriHealth::healthy ? "HEALTHY" : "UNHEALTHY";
    }
    if (status && status->busy) {
        busy = *status->busy == stanza::JibriBusyStatus::idle ? "IDLE" : "BUSY";
    }
    return {{"health_status", health},
            {"busy_status", busy},
            {"reports_available", instance.available},
            {"last_failed", instant_text(instance.last_failed, now)},
            {"last_selected", instant_text(instance.last_selected, now)}};
}

std::string resource_of(const std::string& occupant) {
    const auto slash = occupant.find('/');
    return slash == std::string::npos ? occupant : occupant.substr(slash + 1);
}

}  // namespace

RecordingSettings recording_settings(const config::JicofoConfig& config) {
    RecordingSettings settings;
    settings.recorder_brewery = brewery_jid(config.jibri.brewery_jid, "jicofo.jibri.brewery-jid");
    settings.sip_brewery = brewery_jid(config.jibri_sip.brewery_jid, "jicofo.jibri-sip.brewery-jid");
    settings.recorder_connection = config.jibri.xmpp_connection_name;
    settings.trusted_domains = config.xmpp.trusted_domains;
    settings.session.pending_timeout = config.jibri.pending_timeout;
    settings.session.num_retries = config.jibri.num_retries;
    settings.session.busy_retries = config.jibri.busy_retries;
    settings.session.busy_retry_delay = config.jibri.busy_retry_delay;
    settings.moderator_checks = config.conference.enable_moderator_checks;
    return settings;
}

RecordingMetrics::RecordingMetrics(metrics::MetricsRegistry& registry_) : registry(registry_) {
    instances = &registry.gauge("jibri_instances");
    instances_available = &registry.gauge("jibri_instances_available");
    sip_instances = &registry.gauge("sip_jibri_instances");
    sip_instances_available = &registry.gauge("sip_jibri_instances_available");
    recording_active = &registry.gauge("jibri_recording_active");
    live_streaming_active = &registry.gauge("jibri_live_streaming_active");
    sip_active = &registry.gauge("jibri_sip_active");
    recording_failures = &registry.counter("jibri_recording_failures");
    live_streaming_failures = &registry.counter("jibri_live_streaming_failures");
    sip_failures = &registry.counter("jibri_sip_failures");
    no_instance_failures = &registry.counter("jibri_no_instance_failures");
}

prometheus::Gauge& RecordingMetrics::active(const StartRequest& request) const {
    if (request.kind == JibriKind::sip_gateway) {
        return *sip_active;
    }
    return request.mode == stanza::JibriRecordingMode::stream ? *live_streaming_active : *recording_active;
}

void RecordingMetrics::failed(const StartRequest& request, JibriFailure cause) const {
    if (request.kind == JibriKind::sip_gateway) {
        sip_failures->Increment();
    } else if (request.mode == stanza::JibriRecordingMode::stream) {
        live_streaming_failures->Increment();
    } else {
        recording_failures->Increment();
    }
    if (cause == JibriFailure::no_instance) {
        no_instance_failures->Increment();
    }
    // Registered on first use: the family exists once a session failed (the registry returns the same series).
    registry
        .counter("jibri_session_failures",
                 {{"type", std::string(session_type(request))}, {"reason", std::string(to_string(cause))}})
        .Increment();
}

RecordingService::RecordingService(RecordingSettings settings, feature::Strand strand,
                                   std::shared_ptr<feature::Conferences> conferences,
                                   metrics::MetricsRegistry& registry)
    : settings_(std::move(settings)),
      strand_(std::move(strand)),
      conferences_(std::move(conferences)),
      metrics_(registry) {}

RecordingService::~RecordingService() = default;

void RecordingService::start(const feature::Connections& connections) {
    if (settings_.recorder_brewery) {
        make_detector(JibriKind::recorder, connections.named(settings_.recorder_connection));
    }
    if (settings_.sip_brewery) {
        make_detector(JibriKind::sip_gateway, connections.client);  // as the reference: always the client
    }
}

void RecordingService::make_detector(JibriKind kind, const std::shared_ptr<xmpp::XmppConnection>& connection) {
    if (!connection) {
        return;
    }
    xmpp::BrewerySettings brewery_settings;
    brewery_settings.room = kind == JibriKind::recorder ? *settings_.recorder_brewery : *settings_.sip_brewery;
    brewery_settings.nick = connection->settings().username;
    brewery_settings.trusted_domains = settings_.trusted_domains;
    JibriDetector::Observer observer;
    observer.changed = [this] { refresh_gauges(); };
    observer.left = [weak = weak_from_this(), kind](const std::string& jibri, const stanza::Jid& room) {
        if (auto self = weak.lock()) {
            self->conferences_->with_conference(
                room, [kind, jibri](feature::ConferenceView&, feature::FeatureInstance* instance) {
                    if (instance) {
                        recording(instance)->jibri_left(kind, jibri);
                    }
                });
        }
    };
    auto& target = brewery(kind);
    target.connection = connection;
    target.detector =
        std::make_unique<JibriDetector>(*connection, strand_, std::move(brewery_settings), std::move(observer));
    target.detector->join();
}

void RecordingService::stop() {
    // A joined brewery sends unavailable presence as it goes. The connections stay: conferences that end after this
    // (at shutdown they end after the features stop) still tell their Jibris to stop, as Jicofo does.
    recorder_.detector.reset();
    sip_.detector.reset();
    refresh_gauges();
}

bool RecordingService::claims(JibriKind kind, const stanza::Jid& from) const {
    const auto& detector = brewery(kind).detector;
    return detector && detector->is_occupant(from);
}

void RecordingService::jibri_iq(JibriKind kind, const stanza::Iq& request, xmpp::XmppConnection& connection) {
    const auto& detector = brewery(kind).detector;
    auto refuse = [&](stanza::StanzaError error) { connection.send(stanza::Iq::error_for(request, std::move(error))); };
    if (!detector || !request.payload) {
        refuse(stanza::StanzaError::bad_request("no jibri payload"));
        return;
    }
    auto status = stanza::JibriIq::parse(*request.payload);
    if (!status) {
        refuse(status.error());
        return;
    }
    const auto jibri = request.header.from->to_string();
    const auto room = detector->room_of(jibri);
    if (!room) {
        refuse(stanza::StanzaError::make(stanza::ErrorCondition::item_not_found, "no session with this Jibri"));
        return;
    }
    auto weak_connection = std::weak_ptr<xmpp::XmppConnection>(brewery(kind).connection);
    auto answer = [weak_connection, request](bool handled) {
        if (auto c = weak_connection.lock()) {
            c->send(handled ? stanza::Iq::result_for(request)
                            : stanza::Iq::error_for(request,
                                                    stanza::StanzaError::make(stanza::ErrorCondition::item_not_found,
                                                                              "no session with this Jibri")));
        }
    };
    conferences_->with_conference(
        *room,
        [kind, jibri, status = std::move(status).value(), answer](feature::ConferenceView&,
                                                                  feature::FeatureInstance* instance) {
            answer(instance && recording(instance)->jibri_status(kind, jibri, status));
        },
        [answer] { answer(false); });
}

void RecordingService::select(JibriKind kind, stanza::Jid room, const feature::Strand& reply_on,
                              std::function<void(core::Result<std::string, NoJibri>)> done) {
    boost::asio::post(
        strand_, [self = shared_from_this(), kind, room = std::move(room), reply_on, done = std::move(done)]() mutable {
            const auto& detector = self->brewery(kind).detector;
            core::Result<std::string, NoJibri> selected = core::unexpected(NoJibri::none_present);
            if (detector) {
                selected = detector->select(room, std::chrono::steady_clock::now());
                self->refresh_gauges();
            }
            boost::asio::post(reply_on, [done = std::move(done), selected = std::move(selected)]() { done(selected); });
        });
}

void RecordingService::failed(JibriKind kind, std::string jibri) {
    boost::asio::post(strand_, [self = shared_from_this(), kind, jibri = std::move(jibri)] {
        if (const auto& detector = self->brewery(kind).detector) {
            detector->failed(jibri, std::chrono::steady_clock::now());
        }
    });
}

void RecordingService::send(JibriKind kind, stanza::Iq request, const feature::Strand& reply_on,
                            xmpp::IqCallback done) {
    boost::asio::post(strand_, [self = shared_from_this(), kind, request = std::move(request), reply_on,
                                done = std::move(done)]() mutable {
        const auto& connection = self->brewery(kind).connection;
        if (!connection) {
            boost::asio::post(reply_on, [done = std::move(done)] {
                done(core::unexpected(xmpp::IqError::from(core::Errc::disconnected)));
            });
            return;
        }
        connection->async_send_iq(std::move(request), reply_on, std::move(done));
    });
}

void RecordingService::refresh_gauges() {
    const auto set = [](prometheus::Gauge* gauge, const Brewery& brewery, bool available) {
        if (!brewery.detector) {
            gauge->Set(0);
            return;
        }
        const auto& pool = brewery.detector->pool();
        gauge->Set(static_cast<double>(available ? pool.available() : pool.size()));
    };
    set(metrics_.instances, recorder_, false);
    set(metrics_.instances_available, recorder_, true);
    set(metrics_.sip_instances, sip_, false);
    set(metrics_.sip_instances_available, sip_, true);
}

nlohmann::ordered_json RecordingService::detector_stats(JibriKind kind) const {
    const auto& detector = brewery(kind).detector;
    const auto size = detector ? detector->pool().size() : 0;
    const auto available = detector ? detector->pool().available() : 0;
    return {{"count", size}, {"available", available}};
}

nlohmann::ordered_json RecordingService::detector_debug(JibriKind kind) const {
    const auto& detector = brewery(kind).detector;
    if (!detector) {
        return nullptr;
    }
    const auto now = std::chrono::steady_clock::now();
    // Jicofo's keys: is_sip, brewery_jid and each instance by its resource; ours after them.
    nlohmann::ordered_json json{{"is_sip", kind == JibriKind::sip_gateway},
                                {"brewery_jid", detector->brewery().to_string()}};
    const auto pool = detector->pool().snapshot();
    for (const auto& instance : pool) {
        json[resource_of(instance.id)] = jibri_instance_json(detector->status_of(instance.id), instance, now);
    }
    nlohmann::ordered_json instances = nlohmann::ordered_json::array();
    for (const auto& instance : pool) {
        nlohmann::ordered_json entry{{"jid", instance.id}, {"available", instance.available}};
        if (auto ms = ms_since(instance.last_selected, now)) {
            entry["selected_ms_ago"] = *ms;
        }
        if (auto ms = ms_since(instance.last_failed, now)) {
            entry["failed_ms_ago"] = *ms;
        }
        if (auto room = detector->room_of(instance.id)) {
            entry["room"] = room->to_string();
        }
        instances.push_back(std::move(entry));
    }
    json["brewery"] = detector->brewery().to_string();
    json["joined"] = detector->joined();
    json["count"] = detector->pool().size();
    json["available"] = detector->pool().available();
    json["instances"] = std::move(instances);
    return json;
}

nlohmann::ordered_json RecordingService::session_stats() const {
    return {{"total_sip_call_failures", count(metrics_.sip_failures)},
            {"total_live_streaming_failures", count(metrics_.live_streaming_failures)},
            {"total_recording_failures", count(metrics_.recording_failures)},
            {"live_streaming_active", count(metrics_.live_streaming_active)},
            {"recording_active", count(metrics_.recording_active)},
            {"sip_call_active", count(metrics_.sip_active)}};
}

}  // namespace jicofo::recording
