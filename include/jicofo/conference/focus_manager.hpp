// The room map (Jicofo's FocusManager): room JID → the one conference of that room, created by the first request
// and removed when it ends. Lives on its own strand; every request is answered exactly once, within a deadline.
#pragma once

#include "jicofo/auth/authentication_authority.hpp"
#include "jicofo/conference/conference_request.hpp"
#include "jicofo/conference/conference_settings.hpp"
#include "jicofo/conference/conference_size_tally.hpp"
#include "jicofo/conference/conference_view.hpp"
#include "jicofo/conference/request_shaper.hpp"
#include "jicofo/stanza/envelope.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <functional>
#include <map>
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

// What happened to a bridge, as the registry reports it to every conference.
struct BridgeEvent {
    enum class Kind {
        added,          // a new bridge: participants who found none may try again
        operational,    // a bridge that had failed passes its health checks again
        left,           // it left the brewery
        lost,           // it vanished (its XMPP session ended without leaving)
        failed,         // it failed its health check
        shutting_down,  // graceful shutdown: no new endpoints, present ones are moved
    };
    Kind kind = Kind::added;
    std::string bridge_id;
    // Whether participants may now be placed on it (added, operational) or must be moved off it.
    [[nodiscard]] bool up() const { return kind == Kind::added || kind == Kind::operational; }
};
[[nodiscard]] std::string_view to_string(BridgeEvent::Kind kind);

// What the room map needs of a conference; `Conference` implements it over a MUC room, tests use fakes.
class ConferenceHandle {
public:
    virtual ~ConferenceHandle() = default;
    // Called once: join the room. `joined` is called once, from any thread, with an empty error on success.
    virtual void start(std::function<void(std::error_code)> joined) = 0;
    virtual void async_snapshot(std::function<void(ConferenceSnapshot)> done) = 0;
    // Leave the room (shutdown); `ended` follows.
    virtual void stop() = 0;
    // With authentication on: the occupant with this real (full) JID has just authenticated and is to be owner.
    virtual void authenticated(const stanza::Jid& real_jid) { (void)real_jid; }
    // Another conference request for this room: a conference nobody has joined yet starts its initial-timeout
    // again, so that a first user kept on a login or pre-join screen does not lose the room. Thread-safe.
    virtual void request_arrived() {}
    // Runs `fn` on the conference's strand with its view, or with nullptr once the conference has ended (or, for
    // a handle that has none, a fake). Thread-safe. This is how features reach a conference.
    virtual void run(const std::function<void(ConferenceView*)>& fn) { fn(nullptr); }
    // NOLINTBEGIN(performance-unnecessary-value-param)
    // A bridge went away (failed, shutting down, left) or came (back); thread-safe.
    virtual void bridge_event(BridgeEvent event) { (void)event; }
    // Moves participants off a bridge (REST move-endpoints), see ConferenceMedia::move_endpoints. Thread-safe;
    // `done` gets the number moved, once, on the conference's strand (0 when the conference has no media).
    virtual void move_endpoints(std::optional<std::string> bridge_id, std::optional<std::string> endpoint_id,
                                int max_count, std::function<void(int moved)> done) {
        (void)bridge_id;
        (void)endpoint_id;
        (void)max_count;
        done(0);
    }
    // NOLINTEND(performance-unnecessary-value-param)
};

// How a conference tells the room map about itself; callable from any thread.
struct ConferenceCallbacks {
    ConferenceOptions options;    // not a callback: the creating request's options, handed over with them
    std::function<void()> ended;  // the conference is over and has left the room; called once
    std::function<void(std::size_t participants, bool joined)> size_changed;  // joined: a participant arrived
    // Set only with authentication on (then authenticated occupants are owners instead of auto-owner's one):
    // whether the occupant with this real JID is made owner (authenticated, and with moderator-from-token a
    // moderator by its token). `answer` is called at most once (not when the room map is gone), on the room map's
    // strand.
    std::function<void(const stanza::Jid& real_jid, std::function<void(bool)> answer)> grants_owner;
};

using ConferenceFactory =
    std::function<std::shared_ptr<ConferenceHandle>(const stanza::Jid& room, ConferenceCallbacks callbacks)>;

class FocusManager : public std::enable_shared_from_this<FocusManager> {
public:
    using Strand = boost::asio::strand<boost::asio::any_io_executor>;
    using ReplyCallback = std::function<void(ConferenceRequestResult)>;

    // `metrics` is optional and must outlive the manager. With an `authority` (jicofo.authentication), only
    // authenticated users create rooms, replies carry the session, and the authority lives on the manager's strand.
    static std::shared_ptr<FocusManager> create(const boost::asio::any_io_executor& executor,
                                                ConferenceSettings settings, ConferenceFactory factory,
                                                metrics::MetricsRegistry* metrics,
                                                std::unique_ptr<auth::AuthenticationAuthority> authority = nullptr);
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

    // Thread-safe. `fn` runs on the manager's strand with the room's conference, or nullptr when there is none.
    void with_conference(stanza::Jid room, std::function<void(ConferenceHandle*)> fn);
    // Thread-safe. `fn` runs on the manager's strand for every conference.
    void for_each_conference(std::function<void(ConferenceHandle&)> fn);

    // <logout/>: ends the authentication session; `done` (on the manager's strand) gets false when there was no
    // such session (or authentication is off).
    void logout(std::optional<std::string> session_id, std::function<void(bool)> done);

    // The health check's test conference (Jicofo's JicofoHealthChecker): a fresh room `<prefix>-<random>` in
    // `muc_domain`, created and joined through the same path as any conference but without authentication, left out
    // of /stats and the conference metrics, and ended as soon as the focus is in. `done` is called once, on the
    // manager's strand, with the room and the join's error (empty: the focus joined).
    void test_conference(std::string prefix, std::string muc_domain,
                         std::function<void(const stanza::Jid& room, std::error_code)> done);

    // Thread-safe. From now on ready answers go through `shaper` (visitor redirects), and requests for rooms without a
    // conference may be queued by it.
    void set_request_shaper(std::shared_ptr<RequestShaper> shaper);
    // Thread-safe. The breakout rooms service Prosody announced (absent: none), where requests may name rooms too.
    void set_breakout_service(std::optional<std::string> service);
    // Thread-safe. A property every conference reply carries from now on (nullopt: no longer), e.g.
    // sipGatewayEnabled while a Jigasi that can dial is present. At most kMaxAdvertised keys.
    void set_advertised_property(std::string key, std::optional<std::string> value);
    static constexpr std::size_t kMaxAdvertised = 32;

    // Thread-safe. While a reason is set (drain), a request for a room without a conference is refused
    // `unavailable` with that reason, so that the client reconnects and its load balancer sends it elsewhere;
    // conferences that exist go on taking requests. nullopt takes new rooms again.
    void refuse_new_rooms(std::optional<std::string> reason);
    // Thread-safe. `done` (on the manager's strand) gets the number of conferences counted in statistics (the
    // health check's test conference is not).
    void async_conference_count(std::function<void(std::size_t)> done);
    // Thread-safe. Configuration reload: the caps and join timeout of `settings` apply to the next requests, and
    // `factory` makes the conferences created from now on (with their new settings); running conferences keep
    // theirs.
    void reconfigure(ConferenceSettings settings, ConferenceFactory factory);

    // Stops taking requests (they get `unavailable`) and stops every conference.
    void stop();

    [[nodiscard]] const Strand& strand() const { return strand_; }

private:
    struct Waiter;
    struct Entry;
    struct Metrics;

    FocusManager(const boost::asio::any_io_executor& executor, ConferenceSettings settings, ConferenceFactory factory,
                 metrics::MetricsRegistry* metrics, std::unique_ptr<auth::AuthenticationAuthority> authority);
    void handle_request(ConferenceRequest request, const std::shared_ptr<Waiter>& waiter);
    void arm_deadline(const std::shared_ptr<Waiter>& waiter, const stanza::Jid& room);
    // Answers a request once (later calls do nothing) and cancels its deadline.
    void finish(const std::shared_ptr<Waiter>& waiter, ConferenceRequestResult result);
    void deliver(const std::shared_ptr<Waiter>& waiter, const stanza::Jid& room, bool ready);
    // Creates, registers and starts the conference of a room that has none.
    std::shared_ptr<Entry> create_conference(const stanza::Jid& room, bool in_statistics,
                                             ConferenceOptions options = {});
    void on_joined(std::uint64_t generation, const stanza::Jid& room, std::error_code error);
    void on_ended(std::uint64_t generation, const stanza::Jid& room);
    void on_size_changed(std::uint64_t generation, const stanza::Jid& room, std::size_t size, bool joined);
    [[nodiscard]] ConferenceReply make_reply(const stanza::Jid& room, bool ready, const Waiter& waiter) const;
    // Sets the size gauges (participants_current, largest_conference, participants_pairs) from `sizes_`.
    void update_size_metrics();
    // A conference left the map: out of `sizes_` (when counted) and of the gauges.
    void forget_size(const Entry& entry);
    // endpoint_seconds += the entry's participants × the time since its last size change.
    void add_endpoint_seconds(Entry& entry, std::chrono::steady_clock::time_point now);
    void update_conference_count_metric();
    // The caps of ConferenceSettings (max_properties_per_request, max_waiting_requests, max_conferences for a new
    // room), counted in conference_requests_rejected_total{cap}; nullopt when the request is within them.
    [[nodiscard]] std::optional<RequestError> over_a_cap(const ConferenceRequest& request, const stanza::Jid& room);
    void count_waiting(std::ptrdiff_t change);

    // Authentication (focus_manager_auth.cpp): the session the reply names, or why the request is refused.
    [[nodiscard]] core::Result<auth::SessionGrant, RequestError> authenticate(const ConferenceRequest& request,
                                                                              bool room_exists);
    void schedule_session_expiry();

    Strand strand_;
    ConferenceSettings settings_;
    ConferenceFactory factory_;
    std::unique_ptr<auth::AuthenticationAuthority> authority_;  // null: authentication off
    boost::asio::steady_timer expiry_timer_;
    [[nodiscard]] std::shared_ptr<ConferenceHandle> handle_of(const stanza::Jid& room) const;
    static std::shared_ptr<ConferenceHandle> entry_handle(const Entry& entry);

    std::unordered_map<stanza::Jid, std::shared_ptr<Entry>> conferences_;
    ConferenceSizeTally sizes_;  // the conferences in statistics, kept with every change to `conferences_`
    std::uint64_t next_generation_ = 1;
    bool stopped_ = false;
    std::uint64_t conferences_created_ = 0;
    std::uint64_t participants_total_ = 0;
    std::uint64_t requests_total_ = 0;
    std::shared_ptr<RequestShaper> shaper_;                       // set_request_shaper
    std::map<std::string, std::string, std::less<>> advertised_;  // set_advertised_property
    std::size_t waiting_ = 0;                                     // requests in the entries' waiters
    std::optional<std::string> new_rooms_refused_;                // refuse_new_rooms
    std::unique_ptr<Metrics> metrics_;
};

}  // namespace jicofo::conference
