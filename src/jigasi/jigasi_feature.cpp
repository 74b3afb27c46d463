// What the Jigasi feature registers.
#include "jicofo/jigasi/jigasi_feature.hpp"

#include "jicofo/jigasi/conference_jigasi.hpp"
#include "jicofo/jigasi/jigasi_service.hpp"
#include "jicofo/stanza/namespaces.hpp"

namespace jicofo::jigasi {

void install(feature::Registrar& registrar) {
    auto service =
        std::make_shared<JigasiService>(jigasi_settings(registrar.config()), registrar.strand(), registrar.metrics(),
                                        [&registrar](std::string key, std::optional<std::string> value) {
                                            registrar.advertise(std::move(key), std::move(value));
                                        });
    registrar.per_conference([service](feature::ConferenceView& conference) {
        return std::make_unique<ConferenceJigasi>(service, conference);
    });
    registrar.on_occupant_iq(
        feature::IqRoute{"dial", std::string(stanza::kNsRayo), stanza::IqType::set},
        [](feature::ConferenceView& conference, feature::FeatureInstance* instance, const stanza::Iq& request) {
            auto dial = feature::parse_request<stanza::RayoDial>(conference, request);
            if (dial && instance) {
                static_cast<ConferenceJigasi*>(instance)->client_dial(request, *dial);
            }
        });
    registrar.on_start([service](const feature::Connections& connections) { service->start(connections); });
    registrar.on_stop([service] { service->stop(); });
    if (service->settings().brewery) {
        registrar.stats_section("jigasi_detector", [service] { return service->detector_stats(); });
    }
    registrar.stats_section("jigasi", [service] { return service->dial_stats(); });
    registrar.debug_section("jigasi_detector", [service] { return service->detector_debug(); });
}

}  // namespace jicofo::jigasi
