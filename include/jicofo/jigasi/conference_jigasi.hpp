// Jigasi in one conference (Jicofo's JigasiIqHandler and the conference's acceptJigasiRequest), on the
// conference's strand: a client's Rayo <dial/> checked and forwarded to a Jigasi near the conference's bridges,
// every request answered exactly once — including when the conference ends while a dial is on its way.
#pragma once

#include "jicofo/conference/conference_view.hpp"
#include "jicofo/jigasi/jigasi_dial.hpp"

#include <memory>
#include <vector>

namespace jicofo::jigasi {

class JigasiService;

class ConferenceJigasi : public conference::FeatureInstance {
public:
    // Dials one conference may have waiting for a Jigasi's answer at once.
    static constexpr std::size_t kMaxDialsInFlight = 16;

    ConferenceJigasi(std::shared_ptr<JigasiService> service, conference::ConferenceView& conference);
    ConferenceJigasi(const ConferenceJigasi&) = delete;
    ConferenceJigasi& operator=(const ConferenceJigasi&) = delete;
    ~ConferenceJigasi() override;

    // A client's <dial/> to the focus; answered exactly once.
    void client_dial(const stanza::Iq& request, const stanza::RayoDial& dial);

    void on_event(conference::ConferenceView& conference, const conference::ConferenceEvent& event) override;
    [[nodiscard]] std::optional<std::string> debug_json() const override;

private:
    class Port;
    struct InFlight {
        std::unique_ptr<Port> port;
        std::unique_ptr<JigasiDial> dial;
    };

    std::shared_ptr<JigasiService> service_;
    conference::ConferenceView& conference_;
    std::vector<InFlight> dials_;  // answered ones are dropped at the next request
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace jicofo::jigasi
