// What the recording feature registers: its per-conference instance, the client request route, the Jibri status
// routes on each brewery's connection, its start and stop, and its /stats and /debug sections.
#include "jicofo/recording/recording_feature.hpp"

#include "jicofo/recording/conference_recording.hpp"
#include "jicofo/recording/recording_service.hpp"
#include "jicofo/stanza/namespaces.hpp"

namespace jicofo::recording {
namespace {

feature::IqRoute jibri_route() {
    return feature::IqRoute{"jibri", std::string(stanza::kNsJibri), stanza::IqType::set};
}

}  // namespace

void install(feature::Registrar& registrar) {
    auto service = std::make_shared<RecordingService>(recording_settings(registrar.config()), registrar.strand(),
                                                      registrar.conferences(), registrar.metrics());
    registrar.per_conference([service](feature::ConferenceView& conference) {
        return std::make_unique<ConferenceRecording>(service, conference);
    });
    registrar.on_occupant_iq(jibri_route(), [](feature::ConferenceView& conference, feature::FeatureInstance* instance,
                                               const stanza::Iq& request) {
        auto jibri = feature::parse_request<stanza::JibriIq>(conference, request);
        if (jibri && instance) {
            static_cast<ConferenceRecording*>(instance)->client_request(request, *jibri);
        }
    });
    const auto& settings = service->settings();
    const auto peer_route = [&](JibriKind kind, config::XmppConnectionName connection) {
        registrar.on_peer_iq(
            jibri_route(), connection, [service, kind](const stanza::Jid& from) { return service->claims(kind, from); },
            [service, kind](const stanza::Iq& request, xmpp::XmppConnection& on) {
                service->jibri_iq(kind, request, on);
            });
    };
    if (settings.recorder_brewery) {
        peer_route(JibriKind::recorder, settings.recorder_connection);
    }
    if (settings.sip_brewery) {
        peer_route(JibriKind::sip_gateway, config::XmppConnectionName::Client);
    }
    registrar.on_start([service](const feature::Connections& connections) { service->start(connections); });
    registrar.on_stop([service] { service->stop(); });
    registrar.stats_section("jibri_detector", [service] { return service->detector_stats(JibriKind::recorder); });
    registrar.stats_section("sip_jibri_detector",
                            [service] { return service->detector_stats(JibriKind::sip_gateway); });
    registrar.stats_section("jibri", [service] { return service->session_stats(); });
    registrar.debug_section("jibri_detector", [service] { return service->detector_debug(JibriKind::recorder); });
    registrar.debug_section("sip_jibri_detector",
                            [service] { return service->detector_debug(JibriKind::sip_gateway); });
}

}  // namespace jicofo::recording
