// The state behind an XmppConnection: a command queue shared with other threads, and everything else owned by the
// one thread that runs libstrophe. Private to the xmpp module.
#pragma once

#include "jicofo/core/logging.hpp"
#include "jicofo/stanza/disco.hpp"
#include "jicofo/xmpp/backoff.hpp"
#include "jicofo/xmpp/disconnect_classifier.hpp"
#include "jicofo/xmpp/iq_router.hpp"
#include "jicofo/xmpp/pending_iqs.hpp"
#include "jicofo/xmpp/xmpp_connection.hpp"

#include <pthread.h>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

extern "C" {
struct _xmpp_ctx_t;
struct _xmpp_conn_t;
struct _xmpp_stanza_t;
}

namespace prometheus {
class Counter;
class Gauge;
class Histogram;
}  // namespace prometheus

namespace jicofo::xmpp {

// Whether a TCP connection to host:port can be opened within `timeout` (it is closed at once).
bool tcp_reachable(const std::string& host, unsigned short port, std::chrono::milliseconds timeout);

class ConnectionCore : public std::enable_shared_from_this<ConnectionCore> {
public:
    ConnectionCore(XmppConnectionSettings settings, metrics::MetricsRegistry* metrics);
    ~ConnectionCore();

    void start();
    void stop();

    // Thread-safe entry points; each becomes a command run on the libstrophe thread.
    void send(stanza::XmlElement stanza);
    void async_send_iq(stanza::Iq request, const Executor& executor, IqCallback callback,
                       std::optional<std::chrono::milliseconds> timeout);
    std::uint64_t register_iq_handler(IqRoute route, Executor executor, IqHandler handler);
    std::uint64_t subscribe(const stanza::Jid& bare_jid, Executor executor, PresenceHandler on_presence,
                            MessageHandler on_message);
    std::uint64_t add_state_listener(Executor executor, StateListener listener);
    void unregister(std::uint64_t id);

    ConnectionStatus status() const;
    ConnectionSnapshot snapshot() const;
    std::optional<stanza::Jid> own_jid() const;
    const XmppConnectionSettings& settings() const { return settings_; }

    // libstrophe callbacks (static trampolines live in the .cpp); run on the libstrophe thread only.
    void on_log(int level, const char* area, const char* message);
    void on_connection_event(int event, int error, const char* stream_condition);
    void on_stanza(_xmpp_stanza_t* stanza);
    void on_certificate_rejected(const char* error);
    // Rejects descriptors select() cannot watch.
    bool accept_socket(int fd);

private:
    using Command = std::function<void()>;
    using Clock = std::chrono::steady_clock;

    // Handlers are shared with the work handed off for each stanza, so that a stanza costs no copy of a handler's
    // captures. A subscriber without a presence or message handler has a null pointer there.
    struct Subscriber {
        std::uint64_t id;
        Executor executor;
        std::shared_ptr<const PresenceHandler> on_presence;
        std::shared_ptr<const MessageHandler> on_message;
    };
    struct RoutedHandler {
        std::uint64_t id;
        Executor executor;
        std::shared_ptr<const IqHandler> handler;
    };
    struct Listener {
        std::uint64_t id;
        Executor executor;
        StateListener listener;
    };
    // A stanza, rendered, waiting for the link: sent while it was down or while the socket had no room for it, or
    // not yet written by libstrophe when the link dropped.
    struct Queued {
        std::string text;
        std::optional<std::string> request_id;  // an IQ request waiting in pending_
        bool presence = false;
    };

    struct HandOff {
        Executor executor;
        std::function<void()> work;
    };
    // Enqueues for the thread and wakes it. Returns false once the thread has finished (after stop()).
    bool post(Command command);
    enum class Posted { yes, full, closed };
    // post() for outbound stanzas and requests: refused (full) past settings.max_queued_stanzas.
    Posted post_outbound(Command command);
    void wake();
    // Whether the loop may sleep in its own poll() (connected, the socket known) instead of libstrophe's select().
    [[nodiscard]] bool polls_socket_itself() const;
    // Sleeps until the socket is readable (or writable, while libstrophe holds unsent bytes), a wake-up, or `wait`.
    void wait_for_socket_or_wake(std::chrono::milliseconds wait);
    void run();
    void run_commands();
    void run_timers(Clock::time_point now);
    void connect_now();
    // Writes the stanza, or while the link is down keeps it in the outbox for the next session.
    void send_now(const stanza::XmlElement& stanza);
    void send_request(stanza::Iq request, Clock::duration timeout, IqCallback completion);
    // Fails `completion` with resource_constraint (counted) when max_pending_iqs requests already wait.
    bool refuse_over_pending_cap(const stanza::Iq& request, IqCallback& completion);
    void queue(Queued item);
    // Renders a stanza as it goes on the wire.
    std::string render(const stanza::XmlElement& element) const;
    // Hands the text to libstrophe now if the socket has room for all of it, else keeps it in the outbox.
    void write_or_hold(Queued item);
    // Writes one whole stanza through libstrophe now (the caller checked the socket has room), marking its request
    // sent.
    void hand_to_strophe(const Queued& item);
    // Free room in the socket's send buffer, less what libstrophe holds unwritten.
    [[nodiscard]] bool socket_has_room(std::size_t bytes) const;
    // Hands the outbox to libstrophe while the socket has room (each loop turn).
    void pump_outbox();
    // At a disconnect: moves what libstrophe has not written yet into the outbox (it would free it).
    void take_unsent_from_strophe();
    // On connect: a fresh session drops the old session's queued presence; pump_outbox sends the rest.
    void flush_outbox(bool fresh_session);
    void send_ping();
    // A ping went unanswered: ends our sending side and waits for the server to read to the end and close
    // (connection_dead_link.cpp).
    void end_dead_link();
    // While waiting so, libstrophe is not run (it would write into the ended stream and, failing, drop the link
    // before the server has read it): what the server sends is read and dropped here, up to `wait`.
    [[nodiscard]] bool draining_dead_link() const { return dead_link_close_at_.has_value() && !stop_requested_; }
    void drain_dead_link(std::chrono::milliseconds wait);
    // The server did not close the dead link in time: shuts it down both ways (libstrophe then sees it closed).
    void check_dead_link_deadline(Clock::time_point now);
    void handle_iq(_xmpp_stanza_t* raw, const stanza::XmlElement& element);
    void reply_bad_request(_xmpp_stanza_t* raw, const std::string& why);
    void answer_disco(const stanza::Iq& request);
    void dispatch_presence(stanza::Presence presence);
    void dispatch_message(stanza::Message message);
    void set_status(ConnectionState state, std::optional<DisconnectReason> reason = std::nullopt);
    void notify(const Listener& listener, const ConnectionStatus& status);
    // Work for an owner's executor. On the libstrophe thread it waits in hand_offs_ until flush_hand_offs, which
    // the loop calls once per turn before it may sleep, and which hands the whole batch to the
    // io_context in one post (through the hand-off strand, when the settings name the owners' io_context): one
    // wake-up of an io thread per batch instead of one per stanza. On any other thread it is posted at once. The batch
    // is bounded by what one turn produces: one read of the socket, or the commands and expired requests of one turn
    // (each capped).
    void hand_off(const Executor& executor, std::function<void()> work);
    void flush_hand_offs();
    [[nodiscard]] bool on_own_thread() const;
    void log_packet(const char* direction, std::string_view text) const;
    void observe_round_trip(const std::string& ns, Clock::duration round_trip);
    stanza::DiscoInfo disco_info() const;

    const XmppConnectionSettings settings_;
    metrics::MetricsRegistry* metrics_;
    std::shared_ptr<spdlog::logger> log_;
    std::shared_ptr<spdlog::logger> packets_;
    int wake_signal_ = 0;
    int wake_fd_ = -1;  // an eventfd: wake-ups for the loop's own poll()

    // Shared with other threads.
    mutable std::mutex mutex_;
    std::deque<Command> commands_;
    bool accepting_ = true;  // false once the thread has drained its last commands
    bool thread_running_ = false;
    pthread_t thread_handle_{};
    std::thread thread_;
    std::atomic<bool> stop_requested_{false};
    std::atomic<bool> in_select_{false};
    std::atomic<bool> wake_sent_{false};  // a wake-up was sent this loop turn
    std::atomic<std::uint64_t> next_id_{0};
    mutable std::mutex status_mutex_;
    ConnectionStatus status_;
    std::optional<stanza::Jid> own_jid_;
    std::atomic<std::size_t> pending_count_{0};
    std::atomic<std::uint64_t> reconnect_attempts_{0};
    std::atomic<std::uint64_t> sessions_{0};
    std::atomic<std::uint64_t> stanzas_in_{0};
    std::atomic<std::uint64_t> stanzas_out_{0};

    // Owned by the libstrophe thread.
    _xmpp_ctx_t* ctx_ = nullptr;
    _xmpp_conn_t* conn_ = nullptr;
    bool connected_ = false;
    bool attempt_in_progress_ = false;
    bool link_dead_ = false;  // a ping went unanswered; the socket is being torn down
    int socket_fd_ = -1;      // the current socket, known from libstrophe's sockopt callback
    std::optional<Clock::time_point> reconnect_at_;
    std::optional<Clock::time_point> stop_deadline_;
    std::optional<std::string> ping_id_;
    Clock::time_point next_ping_at_{};
    Clock::time_point last_stanza_at_{};  // the server's last stanza: a link that delivers them is not dead
    DisconnectClassifier classifier_;
    ReconnectBackoff backoff_;
    PendingIqTable pending_;
    std::deque<Queued> outbox_;       // at most kOutboxCap stanzas while the link is down
    std::vector<HandOff> hand_offs_;  // see hand_off
    // Set from settings.hand_off_executor: every batch passes through it, in order.
    std::optional<boost::asio::strand<boost::asio::any_io_executor>> hand_off_strand_;
    std::size_t handed_bytes_ = 0;  // handed to libstrophe since its last write
    // Set while a dead-pinged link waits for the server to close it: when it is shut down if the server stays
    // silent (moved on while the server still sends), and when at the latest.
    std::optional<Clock::time_point> dead_link_close_at_;
    Clock::time_point dead_link_limit_{};
    bool may_resume_ = false;  // the server may hold our session: probe before each reconnect attempt
    IqRouter<RoutedHandler> router_;
    std::unordered_map<std::uint64_t, std::pair<IqRoute, std::uint64_t>> route_ids_;  // id → route, router id
    std::unordered_map<stanza::Jid, std::vector<Subscriber>> subscribers_;
    std::unordered_map<std::uint64_t, stanza::Jid> subscriber_ids_;
    std::vector<Listener> listeners_;
    std::string caps_ver_;

    prometheus::Counter* disconnects_ = nullptr;
    prometheus::Counter* iqs_rejected_ = nullptr;      // over max_pending_iqs
    prometheus::Counter* stanzas_rejected_ = nullptr;  // over max_queued_stanzas
    prometheus::Gauge* state_gauge_ = nullptr;
    std::map<std::string, prometheus::Histogram*> round_trips_;
};

}  // namespace jicofo::xmpp
