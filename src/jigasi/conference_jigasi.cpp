// Dials of one conference.
#include "jicofo/jigasi/conference_jigasi.hpp"

#include "jicofo/conference/conference_media.hpp"
#include "jicofo/core/logging.hpp"
#include "jicofo/jigasi/jigasi_service.hpp"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace jicofo::jigasi {
namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto log = core::module_logger("jigasi");
    return log;
}

using stanza::ErrorCondition;
using stanza::StanzaError;

}  // namespace

// One dial's way out: selection near the conference's bridges and the forward, through the service; answers come
// back on the conference's strand.
class ConferenceJigasi::Port : public JigasiPort {
public:
    explicit Port(ConferenceJigasi& owner) : owner_(owner) {}

    void select(JigasiKind kind, const std::vector<std::string>& exclude,
                std::function<void(std::optional<std::string>)> done) override {
        auto* media = owner_.conference_.media();
        owner_.service_->select(kind, exclude, media ? media->bridge_regions() : std::vector<std::string>{},
                                owner_.conference_.strand(), std::move(done));
    }
    void send(const std::string& jigasi, const stanza::RayoDial& dial, std::chrono::milliseconds timeout,
              std::function<void(JigasiAnswer)> done) override {
        owner_.service_->send(jigasi, dial, timeout, owner_.conference_.strand(), std::move(done));
    }
    void count(JigasiEvent event) override { owner_.service_->count(event); }

private:
    ConferenceJigasi& owner_;
};

ConferenceJigasi::ConferenceJigasi(std::shared_ptr<JigasiService> service, conference::ConferenceView& conference)
    : service_(std::move(service)), conference_(conference) {}

ConferenceJigasi::~ConferenceJigasi() {
    *alive_ = false;
    // A dial still waiting tells its client (JigasiDial's destructor answers service-unavailable) before the ports
    // it uses go.
    for (auto& entry : dials_) {
        entry.dial.reset();
    }
}

void ConferenceJigasi::client_dial(const stanza::Iq& request, const stanza::RayoDial& dial) {
    std::erase_if(dials_, [](const InFlight& entry) { return entry.dial->answered(); });
    DialContext context;
    context.room = conference_.room();
    context.moderator_checks = service_->settings().moderator_checks;
    if (request.header.from) {
        if (const auto* member = conference_.member(request.header.from->resource())) {
            context.sender_role = member->role;
        }
    }
    const auto& members = conference_.members();
    context.transcriber_present =
        std::any_of(members.begin(), members.end(), [](const auto& member) { return member->is_transcriber; });
    auto accepted = read_dial_request(dial, context);
    if (!accepted) {
        service_->count(JigasiEvent::rejected);
        logger()->info("room={} dial from {} refused: {}", conference_.room().to_string(),
                       request.header.from ? request.header.from->to_string() : "?", accepted.error().text);
        conference_.reply(stanza::Iq::error_for(request, accepted.error()));
        return;
    }
    if (!service_->settings().brewery) {
        service_->count(JigasiEvent::failed_no_instance);
        conference_.reply(stanza::Iq::error_for(
            request, StanzaError::make(ErrorCondition::service_unavailable, "no Jigasi brewery is configured")));
        return;
    }
    if (dials_.size() >= kMaxDialsInFlight) {
        conference_.reply(stanza::Iq::error_for(
            request, StanzaError::make(ErrorCondition::resource_constraint, "too many dials in progress")));
        return;
    }
    auto port = std::make_unique<Port>(*this);
    auto forward = std::make_unique<JigasiDial>(*port, service_->settings().dial, std::move(accepted).value());
    auto& started = *forward;
    dials_.push_back(InFlight{std::move(port), std::move(forward)});
    logger()->info("room={} {} dial to {} from {}", conference_.room().to_string(), to_string(started.request().kind),
                   dial.to, request.header.from ? request.header.from->to_string() : "?");
    started.start([this, alive = std::weak_ptr<bool>(alive_),
                   request](core::Result<std::optional<stanza::RayoRef>, StanzaError> result) {
        if (alive.expired()) {
            return;
        }
        if (!result) {
            conference_.reply(stanza::Iq::error_for(request, result.error()));
            return;
        }
        conference_.reply(stanza::Iq::result_for(
            request, *result ? std::optional<stanza::XmlElement>((*result)->to_xml()) : std::nullopt));
    });
}

void ConferenceJigasi::on_event(conference::ConferenceView&, const conference::ConferenceEvent& event) {
    if (std::holds_alternative<conference::ConferenceEnding>(event)) {
        for (auto& entry : dials_) {
            entry.dial->abort(StanzaError::make(ErrorCondition::service_unavailable, "the conference ended"));
        }
    }
}

std::optional<std::string> ConferenceJigasi::debug_json() const {
    if (dials_.empty()) {
        return std::nullopt;
    }
    nlohmann::ordered_json dials = nlohmann::ordered_json::array();
    for (const auto& entry : dials_) {
        const auto& dial = *entry.dial;
        dials.push_back({{"kind", to_string(dial.request().kind)},
                         {"to", dial.request().dial.to},
                         {"answered", dial.answered()},
                         {"jigasi", dial.current_instance() ? nlohmann::ordered_json(*dial.current_instance())
                                                            : nlohmann::ordered_json(nullptr)},
                         {"retries", dial.retries()}});
    }
    return nlohmann::ordered_json{{"dials", std::move(dials)}}.dump();
}

}  // namespace jicofo::jigasi
