// One accepted dial on its way to a Jigasi (jicofo-protocol.md §4h, Jicofo's JigasiIqHandler.inviteJigasi), on the
// conference's strand. It selects an instance of the request's kind, forwards the dial to it (the port gives the
// forward its own id and deadline) and relays the Jigasi's answer, normally a <ref/>, to the client. An instance
// that answers with an error or not in time is excluded and another one is asked, up to `max_retries` times. The
// client is answered exactly once: the ref; service-unavailable when no instance can take the dial or the XMPP
// connection to the Jigasis is down (the reference left the client without an answer there);
// remote-server-timeout when every attempt failed and the last one timed out, undefined-condition when it was an
// error. Pure logic over a port, so that tests drive it by hand.
#pragma once

#include "jicofo/core/result.hpp"
#include "jicofo/jigasi/jigasi_counters.hpp"
#include "jicofo/jigasi/jigasi_request.hpp"
#include "jicofo/stanza/rayo.hpp"
#include "jicofo/stanza/stanza_error.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace jicofo::jigasi {

// How a Jigasi answered the forwarded dial.
struct JigasiAnswer {
    enum class Kind {
        result,
        error,
        timeout,        // no answer within the deadline
        not_connected,  // the IQ could not be sent: the connection is down
    };
    Kind kind = Kind::result;
    std::optional<stanza::RayoRef> ref;        // the result's payload, when it has one
    std::optional<stanza::StanzaError> error;  // the error's, when it had one (for the log)
};

// What a dial needs from the feature that owns it; called on the conference's strand.
class JigasiPort {
public:
    virtual ~JigasiPort() = default;
    // An instance of `kind` that is not in `exclude`, selected with the conference's bridge regions (the brewery
    // lives on another strand); nullopt when there is none. `done` runs once, on the conference's strand.
    virtual void select(JigasiKind kind, const std::vector<std::string>& exclude,
                        std::function<void(std::optional<std::string>)> done) = 0;
    // Sends the dial to the instance as an IQ set with a new id, waiting at most `timeout` for the answer; `done`
    // runs once, on the conference's strand.
    virtual void send(const std::string& jigasi, const stanza::RayoDial& dial, std::chrono::milliseconds timeout,
                      std::function<void(JigasiAnswer)> done) = 0;
    // Something to count (see jigasi_counters.hpp).
    virtual void count(JigasiEvent event) = 0;
};

struct JigasiDialSettings {
    std::chrono::milliseconds timeout{std::chrono::seconds(15)};  // the XMPP reply timeout
    int max_retries = 2;                                          // other instances asked after the first fails
};

class JigasiDial {
public:
    // The client's answer: a result (with the Jigasi's ref, when it sent one) or an error.
    using Answer = std::function<void(core::Result<std::optional<stanza::RayoRef>, stanza::StanzaError>)>;

    JigasiDial(JigasiPort& port, JigasiDialSettings settings, DialRequest request);
    JigasiDial(const JigasiDial&) = delete;
    JigasiDial& operator=(const JigasiDial&) = delete;
    // A client still waiting hears service-unavailable: every IQ gets an answer, even when the conference goes.
    ~JigasiDial();

    // Counts the request accepted, selects an instance and forwards the dial; `answer` runs exactly once.
    void start(Answer answer);
    // Gives up (the conference ended, the focus is stopping): a client still waiting hears `error`, and whatever
    // the Jigasi answers later is dropped.
    void abort(stanza::StanzaError error);

    [[nodiscard]] bool answered() const { return answered_; }
    [[nodiscard]] const DialRequest& request() const { return request_; }
    // The instance asked last, if any.
    [[nodiscard]] const std::optional<std::string>& current_instance() const { return jigasi_; }
    // The instances that failed this dial, in order.
    [[nodiscard]] const std::vector<std::string>& failed_instances() const { return failed_; }
    [[nodiscard]] int retries() const { return retries_; }

private:
    void select();
    void on_selected(std::uint64_t attempt, const std::optional<std::string>& jigasi);
    void on_answer(std::uint64_t attempt, const std::string& jigasi, const JigasiAnswer& answer);
    void answer_client(core::Result<std::optional<stanza::RayoRef>, stanza::StanzaError> result);

    JigasiPort& port_;
    JigasiDialSettings settings_;
    DialRequest request_;
    std::optional<std::string> jigasi_;
    std::vector<std::string> failed_;
    int retries_ = 0;
    std::uint64_t attempt_ = 0;  // callbacks of an older selection or forward are ignored
    bool started_ = false;
    bool answered_ = false;
    Answer answer_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace jicofo::jigasi
