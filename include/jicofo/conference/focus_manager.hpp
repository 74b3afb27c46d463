// The room map (Jicofo's FocusManager): room JID → the one conference of that room, created by the first request
// and removed when it ends. Lives on its own strand; every request is answered exactly once, within a deadline.
#pragma once

#include "jicofo/conference/conference_request.hpp"
#include "jicofo/conference/conference_settings.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/strand.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <system_error>
#include <unordered_map>
#include <vector>

namespace prometheus {
class Counter;
class Gauge;
class Histogram;
}  // namespace prometheus
namespace jicofo::metrics {
class MetricsRegistry;
}  // namespace jicofo::metrics

namespace jicofo::conference {

// What the room map needs of a conference; `Conference` implements it over a MUC room, tests use fakes.
class ConferenceHandle {
public:
    virtual ~ConferenceHandle() = default;
    // Called once: join the room. `joined` is called once, from any thread, with an empty error on success.
    virtual void start(std::function<void(std::error_code)> joined) = 0;
    virtual void async_snapshot(std::function<void(ConferenceSnapshot)> done) = 0;
    // Leave the room (shutdown); `ended` follows.
    virtual void stop() = 0;
};

// How a conference tells the room map about itself; callable from any thread.
struct ConferenceCallbacks {
    std::function<void()> ended;  // the conference is over and has left the room; called once
    std::function<void(std::size_t participants, bool joined)> size_changed;  // joined: a participant arrived
};

using ConferenceFactory =
    std::function<std::shared_ptr<ConferenceHandle>(const stanza::Jid& room, ConferenceCallbacks callbacks)>;

class FocusManager : public std::enable_shared_from_this<FocusManager> {
public:
    using Strand = boost::asio::strand<boost::asio::any_io_executor>;
    using ReplyCallback = std::function<void(ConferenceRequestResult)>;

    // `metrics` is optional and must outlive the manager.
    static std::shared_ptr<FocusManager> create(const boost::asio::any_io_executor& executor,
                                                ConferenceSettings settings, ConferenceFactory factory,
                                                metrics::MetricsRegistry* metrics);
    FocusManager(const FocusManager&) = delete;
    FocusManager& operator=(const FocusManager&) = delete;
    ~FocusManager();

    // Thread-safe. `done` is called exactly once, on the manager's strand: ready=true once the focus is in the
    // room, ready=false when the join failed or did not finish within join_timeout, or a RequestError.
    void conference_request(ConferenceRequest request, ReplyCallback done);

    // Snapshots, taken on the owners' strands; `done` runs on the manager's strand (after the conferences answered).
    void async_snapshot(std::function<void(FocusManagerSnapshot)> done);
    void async_conference_snapshot(stanza::Jid room, std::function<void(std::optional<ConferenceSnapshot>)> done);
    void async_all_snapshots(std::function<void(std::vector<ConferenceSnapshot>)> done);

    // Stops taking requests (they get `unavailable`) and stops every conference.
    void stop();

    [[nodiscard]] const Strand& strand() const { return strand_; }

private:
    struct Waiter;
    struct Entry;
    struct Metrics;

    FocusManager(const boost::asio::any_io_executor& executor, ConferenceSettings settings, ConferenceFactory factory,
                 metrics::MetricsRegistry* metrics);
    void handle_request(ConferenceRequest request, const std::shared_ptr<Waiter>& waiter);
    void on_joined(std::uint64_t generation, const stanza::Jid& room, std::error_code error);
    void on_ended(std::uint64_t generation, const stanza::Jid& room);
    void on_size_changed(std::uint64_t generation, const stanza::Jid& room, std::size_t size, bool joined);
    [[nodiscard]] ConferenceReply make_reply(const stanza::Jid& room, bool ready) const;
    void update_size_metrics();

    Strand strand_;
    ConferenceSettings settings_;
    ConferenceFactory factory_;
    std::unordered_map<stanza::Jid, std::shared_ptr<Entry>> conferences_;
    std::uint64_t next_generation_ = 1;
    bool stopped_ = false;
    std::uint64_t conferences_created_ = 0;
    std::uint64_t participants_total_ = 0;
    std::uint64_t requests_total_ = 0;
    std::unique_ptr<Metrics> metrics_;
};

}  // namespace jicofo::conference
