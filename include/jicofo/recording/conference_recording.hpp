// Jibri in one conference (Jicofo's JibriRecorder and JibriSipGateway), on the conference's strand: clients'
// <jibri/> requests checked and answered, at most one recording or live stream and one SIP call per address, each
// a JibriSession; what Jibri reports published in the focus's presence as jibri-recording-status (or
// jibri-sip-call-state), and the sessions stopped when the conference ends.
#pragma once

#include "jicofo/conference/conference_view.hpp"
#include "jicofo/recording/jibri_session.hpp"

#include <boost/asio/steady_timer.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jicofo::recording {

class RecordingService;

class ConferenceRecording : public conference::FeatureInstance {
public:
    // SIP calls one conference may have at once (each is a Jibri, a scarce machine).
    static constexpr std::size_t kMaxSipCalls = 16;

    ConferenceRecording(std::shared_ptr<RecordingService> service, conference::ConferenceView& conference);
    ConferenceRecording(const ConferenceRecording&) = delete;
    ConferenceRecording& operator=(const ConferenceRecording&) = delete;
    ~ConferenceRecording() override;

    // A client's <jibri/> request to the focus; answered exactly once.
    void client_request(const stanza::Iq& request, const stanza::JibriIq& jibri);
    // A status IQ from an instance; false when no session of this kind has that instance now.
    bool jibri_status(JibriKind kind, const std::string& jibri, const stanza::JibriIq& status);
    void jibri_left(JibriKind kind, const std::string& jibri);

    void on_event(conference::ConferenceView& conference, const conference::ConferenceEvent& event) override;
    [[nodiscard]] std::optional<std::string> debug_json() const override;

private:
    class Port;
    struct Session {
        StartRequest request;
        stanza::Jid initiator;
        std::optional<stanza::Jid> terminator;
        std::unique_ptr<Port> port;
        std::unique_ptr<JibriSession> session;
        bool counted_active = false;  // in the reference's *_active gauge
        std::optional<JibriSessionStatus> last;
    };

    void start(const stanza::Iq& request, const StartRequest& start);
    void stop(const stanza::Iq& request, const StopRequest& stop);
    [[nodiscard]] Session* find(JibriKind kind, const std::optional<std::string>& sip_address);
    [[nodiscard]] bool active(JibriKind kind, const std::optional<std::string>& sip_address);
    // Sessions that are over are dropped when the next request comes (never from inside their own callbacks).
    void prune();
    void publish(Session& session, const JibriSessionStatus& status);
    // RecordingChanged for the other features, when a session turns on or off.
    void announce(const Session& session, const JibriSessionStatus& status, bool on);
    void after(std::chrono::milliseconds delay, std::function<void()> fn);
    void stop_all(std::string_view why);

    std::shared_ptr<RecordingService> service_;
    conference::ConferenceView& conference_;
    std::unique_ptr<Session> recorder_;
    std::map<std::string, std::unique_ptr<Session>, std::less<>> sip_calls_;  // by SIP address
    std::vector<std::weak_ptr<boost::asio::steady_timer>> timers_;            // pending waits, pruned with the sessions
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace jicofo::recording
