// The libstrophe thread: connect, reconnect with backoff, keepalive pings, the outbound command queue and the
// wake-up of select(), state changes. Inbound dispatch is in connection_dispatch.cpp.
#include "connection_core.hpp"

#include "jicofo/metrics/metrics_registry.hpp"
#include "jicofo/stanza/namespaces.hpp"
#include "jicofo/stanza/xml_codec.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <strophe.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>
#include <boost/asio/post.hpp>

#include <array>
#include <atomic>
#include <csignal>

namespace jicofo::xmpp {

namespace {

// Logins are taken one at a time across all connections of the process: with libstrophe 0.12, SASL authentication
// fails (the server answers <failure/>) when several connections authenticate at the same instant on their own
// threads, even with libstrophe initialised once. Holding the gate from connect to session (or failure) costs a
// few milliseconds per connection. A holder older than kLoginGateStale is presumed stuck and may be replaced.
std::atomic<const void*> g_login_holder{nullptr};
std::atomic<std::int64_t> g_login_taken_at{0};
constexpr auto kLoginGateStale = std::chrono::seconds(10);
constexpr auto kLoginGateRetry = std::chrono::milliseconds(20);

bool take_login_gate(const void* who, std::chrono::steady_clock::time_point now) {
    const void* expected = nullptr;
    const auto stamp = now.time_since_epoch().count();
    if (g_login_holder.compare_exchange_strong(expected, who) || expected == who) {
        g_login_taken_at = stamp;
        return true;
    }
    const auto taken_at = std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(g_login_taken_at));
    if (now - taken_at > kLoginGateStale && g_login_holder.compare_exchange_strong(expected, who)) {
        g_login_taken_at = stamp;
        return true;
    }
    return false;
}

void release_login_gate(const void* who) {
    const void* expected = who;
    g_login_holder.compare_exchange_strong(expected, nullptr);
}

// The connection whose thread this is: libstrophe's certificate callback has no user data.
thread_local ConnectionCore* t_current = nullptr;

void on_wake_signal(int) {}  // Only interrupts select(); the loop then drains the queue.

void install_wake_handler(int signal_number) {
    static std::once_flag installed;
    std::call_once(installed, [signal_number] {
        struct sigaction action {};
        action.sa_handler = on_wake_signal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = 0;  // no SA_RESTART: select() must return EINTR
        sigaction(signal_number, &action, nullptr);
    });
}

void strophe_log(void* userdata, xmpp_log_level_t level, const char* area, const char* message) {
    try {
        static_cast<ConnectionCore*>(userdata)->on_log(static_cast<int>(level), area ? area : "",
                                                       message ? message : "");
    } catch (...) {  // nothing escapes into libstrophe
    }
}

void strophe_connection_event(xmpp_conn_t*, xmpp_conn_event_t event, int error, xmpp_stream_error_t* stream_error,
                              void* userdata) {
    try {
        const char* condition = nullptr;
        std::string name;
        if (stream_error != nullptr && stream_error->stanza != nullptr) {
            // The condition is the child in the streams namespace; libstrophe's enum has no "unknown" spelling.
            for (auto* child = xmpp_stanza_get_children(stream_error->stanza); child != nullptr;
                 child = xmpp_stanza_get_next(child)) {
                const char* child_name = xmpp_stanza_get_name(child);
                if (xmpp_stanza_is_tag(child) != 0 && child_name != nullptr && std::string_view(child_name) != "text") {
                    name = child_name;
                    break;
                }
            }
            condition = name.empty() ? "undefined-condition" : name.c_str();
        }
        static_cast<ConnectionCore*>(userdata)->on_connection_event(static_cast<int>(event), error, condition);
    } catch (...) {
    }
}

int strophe_stanza(xmpp_conn_t*, xmpp_stanza_t* stanza, void* userdata) {
    try {
        static_cast<ConnectionCore*>(userdata)->on_stanza(stanza);
    } catch (...) {
    }
    return 1;  // keep the handler
}

int strophe_certfail(const xmpp_tlscert_t*, const char* const error) {
    if (t_current != nullptr) {
        t_current->on_certificate_rejected(error ? error : "certificate rejected");
    }
    return 0;  // terminate the attempt: verification is on
}

int strophe_sockopt(xmpp_conn_t* conn, void* sock) {
    const int fd = *static_cast<int*>(sock);
    if (t_current != nullptr && !t_current->accept_socket(fd)) {
        return -1;
    }
    // Small request/response stanzas must not wait for Nagle's algorithm to meet a delayed ACK (~40 ms each).
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    // Stanzas are handed to the socket only when they fit whole (connection_outbox.cpp): a fixed buffer, as large
    // as the system allows, keeps that from throttling a busy focus (the kernel caps it at net.core.wmem_max).
    const int send_buffer = 4 * 1024 * 1024;
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &send_buffer, sizeof(send_buffer));
    return xmpp_sockopt_cb_keepalive(conn, sock);
}

}  // namespace

ConnectionCore::ConnectionCore(XmppConnectionSettings settings, metrics::MetricsRegistry* metrics)
    : settings_(std::move(settings)),
      metrics_(metrics),
      log_(core::module_logger("xmpp")),
      packets_(settings_.log_packets ? core::module_logger("xmpp-packets") : nullptr),
      backoff_(settings_.backoff_base, settings_.backoff_cap, settings_.auth_failure_backoff) {
    wake_signal_ = settings_.wake_signal < 0 ? SIGRTMIN + 6 : settings_.wake_signal;
    wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);  // -1: signals and idle_poll only
    if (settings_.hand_off_executor) {
        hand_off_strand_.emplace(boost::asio::make_strand(*settings_.hand_off_executor));
    }
    if (metrics_ != nullptr) {
        disconnects_ = &metrics_->counter("xmpp_disconnects");
        iqs_rejected_ = &metrics_->counter("xmpp_iqs_rejected", {{"connection", settings_.name}});
        stanzas_rejected_ = &metrics_->counter("xmpp_stanzas_rejected", {{"connection", settings_.name}});
        state_gauge_ = &metrics_->gauge("xmpp_connection_state", {{"connection", settings_.name}});
    }
    pending_.set_round_trip_observer(
        [this](const std::string& ns, Clock::duration round_trip) { observe_round_trip(ns, round_trip); });
    caps_ver_ = stanza::EntityCaps::compute_ver(disco_info());
    status_.since = std::chrono::system_clock::now();
}

ConnectionCore::~ConnectionCore() {
    stop();
    if (wake_fd_ >= 0) {
        ::close(wake_fd_);
    }
}

void ConnectionCore::start() {
    std::lock_guard lock(mutex_);
    if (thread_.joinable() || !accepting_) {
        return;
    }
    if (wake_signal_ > 0) {
        install_wake_handler(wake_signal_);
    }
    thread_running_ = true;
    thread_ = std::thread([this] { run(); });
    thread_handle_ = thread_.native_handle();
}

void ConnectionCore::stop() {
    {
        std::lock_guard lock(mutex_);
        if (!thread_.joinable()) {
            accepting_ = false;
            return;
        }
    }
    stop_requested_ = true;
    wake();
    if (thread_.get_id() != std::this_thread::get_id()) {
        thread_.join();
    }
}

bool ConnectionCore::post(Command command) {
    {
        std::lock_guard lock(mutex_);
        if (!accepting_) {
            return false;
        }
        commands_.push_back(std::move(command));
    }
    wake();
    return true;
}

bool ConnectionCore::on_own_thread() const {
    return t_current == this;
}

void ConnectionCore::wake() {
    // One wake-up per loop turn: the turn that wakes runs every command queued by then.
    if (wake_sent_.exchange(true, std::memory_order_acq_rel)) {
        return;
    }
    // The event is kept until the thread reads it, so a wake-up that comes before the thread sleeps is not lost.
    if (wake_fd_ >= 0) {
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto written = ::write(wake_fd_, &one, sizeof one);
    }
    // libstrophe's own select() (while connecting, before the socket is known) can only be interrupted by a signal.
    if (wake_signal_ > 0 && in_select_.load(std::memory_order_acquire)) {
        std::lock_guard lock(mutex_);
        if (thread_running_) {
            pthread_kill(thread_handle_, wake_signal_);
        }
    }
}

bool ConnectionCore::polls_socket_itself() const {
    return connected_ && !link_dead_ && socket_fd_ >= 0 && wake_fd_ >= 0;
}

void ConnectionCore::wait_for_socket_or_wake(std::chrono::milliseconds wait) {
    const short events = static_cast<short>(POLLIN | (xmpp_conn_send_queue_len(conn_) > 0 ? POLLOUT : 0));
    std::array<pollfd, 2> watched{pollfd{socket_fd_, events, 0}, pollfd{wake_fd_, POLLIN, 0}};
    ::poll(watched.data(), watched.size(), static_cast<int>(wait.count()));
    if ((watched[1].revents & POLLIN) != 0) {
        std::uint64_t count = 0;
        [[maybe_unused]] const auto read = ::read(wake_fd_, &count, sizeof count);
    }
}

void ConnectionCore::run() {
    t_current = this;
    {
        // libstrophe writes with send(..., 0): on a socket the peer reset (or that we shut down after a dead ping)
        // that raises SIGPIPE, which would end the process. Blocked on this thread, send() just fails with EPIPE.
        sigset_t pipe_signal;
        sigemptyset(&pipe_signal);
        sigaddset(&pipe_signal, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &pipe_signal, nullptr);
    }
    if (wake_signal_ > 0) {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, wake_signal_);
        pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
    }
    xmpp_log_t strophe_logger{strophe_log, this};
    stanza::ensure_strophe_initialized();
    ctx_ = xmpp_ctx_new(nullptr, &strophe_logger);
    conn_ = ctx_ != nullptr ? xmpp_conn_new(ctx_) : nullptr;
    if (conn_ == nullptr) {
        log_->critical("connection={} cannot create a libstrophe connection", settings_.name);
    } else {
        long flags = 0;
        if (!settings_.use_tls) {
            flags |= XMPP_CONN_FLAG_DISABLE_TLS;
        } else if (settings_.disable_certificate_verification) {
            flags |= XMPP_CONN_FLAG_TRUST_TLS;
        }
        xmpp_conn_set_flags(conn_, flags);
        if (settings_.password) {
            const std::string jid = settings_.username + "@" + settings_.domain + "/" + settings_.resource;
            xmpp_conn_set_jid(conn_, jid.c_str());
            xmpp_conn_set_pass(conn_, settings_.password->c_str());
        } else {
            xmpp_conn_set_jid(conn_, settings_.domain.c_str());  // no localpart → SASL ANONYMOUS
        }
        if (settings_.ca_file) {
            xmpp_conn_set_cafile(conn_, settings_.ca_file->c_str());
        }
        xmpp_conn_set_certfail_handler(conn_, strophe_certfail);
        xmpp_conn_set_sockopt_callback(conn_, strophe_sockopt);
        // User handlers survive reconnects (libstrophe only drops its own system handlers).
        xmpp_handler_add(conn_, strophe_stanza, nullptr, nullptr, nullptr, this);
        reconnect_at_ = Clock::now();
    }

    while (true) {
        run_commands();
        const auto now = Clock::now();
        if (stop_requested_ && !stop_deadline_) {
            stop_deadline_ = now + settings_.stop_deadline;
            reconnect_at_.reset();
            if (conn_ != nullptr && (connected_ || attempt_in_progress_)) {
                if (connected_) {
                    stanza::Presence unavailable;
                    unavailable.type = "unavailable";
                    send_now(unavailable.to_xml());
                }
                xmpp_disconnect(conn_);
            }
        }
        if (stop_deadline_ && (conn_ == nullptr || xmpp_conn_is_disconnected(conn_) != 0 || now >= *stop_deadline_)) {
            break;
        }
        if (conn_ == nullptr) {
            flush_hand_offs();
            std::this_thread::sleep_for(settings_.idle_poll);
            continue;
        }
        run_timers(now);

        auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(settings_.idle_poll);
        auto bound = [&](std::optional<Clock::time_point> at) {
            if (at) {
                wait = std::min(
                    wait, std::chrono::ceil<std::chrono::milliseconds>(std::max(*at - now, Clock::duration::zero())));
            }
        };
        bound(reconnect_at_);
        bound(pending_.next_deadline());
        if (connected_ && !link_dead_ && !outbox_.empty()) {
            wait = std::min(wait, std::chrono::milliseconds(1));  // refill the socket as it drains
        }
        if (connected_ && !link_dead_ && !ping_id_) {
            bound(next_ping_at_);
        }
        bound(dead_link_close_at_);
        // What the last read, the commands and the timers produced goes to the owners now, before the check for
        // commands: the owners' answers come back as commands while this thread heads for select(), and a wake
        // signal sent before select() is entered is lost (idle_poll bounds that wait; this keeps it rare).
        flush_hand_offs();
        // Connected, the thread sleeps in its own poll() on the socket and the wake event; otherwise in libstrophe's
        // select(), which only a signal interrupts, and a signal sent just before select() is entered is lost
        // (idle_poll bounds that sleep). The flag is cleared before the check for commands: a command queued after
        // the check wakes the thread.
        const bool own_poll = polls_socket_itself();
        wake_sent_.store(false, std::memory_order_seq_cst);
        in_select_.store(!own_poll, std::memory_order_seq_cst);
        {
            std::lock_guard lock(mutex_);
            if (!commands_.empty()) {
                wait = std::chrono::milliseconds(0);  // still run once: queued writes go out at its start
            }
        }
        if (draining_dead_link()) {
            drain_dead_link(wait);
        } else {
            pump_outbox();
            // run_once writes what was handed to libstrophe first thing: with fresh writes, no sleep before it.
            const bool fresh_writes = handed_bytes_ > 0;
            handed_bytes_ = 0;
            if (own_poll && !fresh_writes && wait.count() > 0) {
                wait_for_socket_or_wake(wait);
            }
            xmpp_run_once(ctx_, own_poll ? 0UL : static_cast<unsigned long>(wait.count()));
        }
        in_select_.store(false, std::memory_order_release);
        pending_count_ = pending_.size();
    }

    {
        std::lock_guard lock(mutex_);
        accepting_ = false;
    }
    release_login_gate(this);  // stopped in the middle of a login
    run_commands();            // registrations and requests that raced with stop()
    outbox_.clear();
    pending_.fail_all(core::Errc::shutting_down);
    pending_count_ = 0;
    if (conn_ != nullptr) {
        connected_ = false;
        xmpp_conn_release(conn_);  // closes a socket still open after the deadline
        conn_ = nullptr;
    }
    if (ctx_ != nullptr) {
        xmpp_ctx_free(ctx_);
        ctx_ = nullptr;
    }
    set_status(ConnectionState::disconnected, DisconnectReason{DisconnectKind::closed, "stopped"});
    flush_hand_offs();  // the failed requests and the last state change
    {
        std::lock_guard lock(mutex_);
        thread_running_ = false;
    }
    t_current = nullptr;
}

void ConnectionCore::run_commands() {
    std::deque<Command> commands;
    {
        std::lock_guard lock(mutex_);
        commands.swap(commands_);
    }
    for (auto& command : commands) {
        try {
            command();
        } catch (const std::exception& e) {
            log_->error("connection={} command failed: {}", settings_.name, e.what());
        } catch (...) {
            log_->error("connection={} command failed", settings_.name);
        }
    }
}

void ConnectionCore::run_timers(Clock::time_point now) {
    // The loop's wait ends no later than the earliest deadline (rounded up to a millisecond), so a request times
    // out on the first turn at or after its deadline, never before it; turns with nothing due skip the table.
    if (const auto due = pending_.next_deadline(); due && *due <= now) {
        pending_.expire(now);
    }
    if (reconnect_at_ && now >= *reconnect_at_ && !stop_requested_) {
        if (!take_login_gate(this, now)) {
            reconnect_at_ = now + kLoginGateRetry;  // another connection is logging in
            return;
        }
        reconnect_at_.reset();
        connect_now();
    }
    if (connected_ && !link_dead_ && !ping_id_ && now >= next_ping_at_) {
        send_ping();
    }
    check_dead_link_deadline(now);
}

void ConnectionCore::connect_now() {
    classifier_.reset();
    set_status(ConnectionState::connecting);
    // libstrophe 0.12 forgets the session it could resume after one failed attempt (the disconnect of that attempt
    // frees the previous stream id): while the server may still hold our session, attempt only once the server
    // accepts TCP connections again.
    if (may_resume_ && !tcp_reachable(settings_.host, settings_.port, std::chrono::milliseconds(1000))) {
        classifier_.set_local_reason({DisconnectKind::connection_refused, "cannot reach " + settings_.host});
        on_connection_event(XMPP_CONN_FAIL, 0, nullptr);
        return;
    }
    log_->debug("connection={} connecting to {}:{}", settings_.name, settings_.host, settings_.port);
    attempt_in_progress_ = true;
    const int rc = xmpp_connect_client(conn_, settings_.host.c_str(), settings_.port, strophe_connection_event, this);
    if (rc != XMPP_EOK) {
        // Synchronous failures: the name did not resolve or no socket could be created.
        classifier_.set_local_reason({DisconnectKind::connection_refused, "cannot connect to " + settings_.host});
        on_connection_event(XMPP_CONN_FAIL, 0, nullptr);
    }
}

void ConnectionCore::on_connection_event(int event, int error, const char* stream_condition) {
    const auto now = Clock::now();
    release_login_gate(this);
    if (event == XMPP_CONN_CONNECT) {
        attempt_in_progress_ = false;
        connected_ = true;
        may_resume_ = true;
        link_dead_ = false;
        const bool resumed = classifier_.resumed();
        backoff_.reset();
        reconnect_attempts_ = 0;
        ++sessions_;
        next_ping_at_ = now + settings_.ping_interval;
        ping_id_.reset();
        {
            const char* bound = xmpp_conn_get_bound_jid(conn_);
            auto jid = stanza::Jid::parse(bound ? bound : "");
            std::lock_guard lock(status_mutex_);
            status_.session = resumed ? SessionKind::resumed : SessionKind::fresh;
            status_.bound_jid = bound ? bound : "";
            own_jid_ = jid ? std::optional<stanza::Jid>(*jid) : std::nullopt;
        }
        log_->info("connection={} connected ({} session) as {}", settings_.name, resumed ? "resumed" : "fresh",
                   status().bound_jid);
        if (!resumed) {
            // The server lost the old session with everything sent on it: those requests will not be answered.
            if (const auto lost = pending_.fail_sent(core::Errc::disconnected); lost > 0) {
                log_->warn("connection={} fresh session: {} requests sent on the old one failed", settings_.name, lost);
            }
            pending_count_ = pending_.size();
        }
        flush_outbox(!resumed);
        if (!resumed) {
            // Prosody's client_proxy only routes to a focus it has seen available: our presence goes first.
            stanza::Presence presence;
            presence.extensions.push_back(stanza::EntityCaps{"sha-1", settings_.caps_node, caps_ver_}.to_xml());
            outbox_.push_front(Queued{render(presence.to_xml()), std::nullopt, true});
        }
        pump_outbox();
        set_status(ConnectionState::connected);
        return;
    }
    if (event != XMPP_CONN_DISCONNECT && event != XMPP_CONN_FAIL) {
        return;  // raw connect: not used
    }
    attempt_in_progress_ = false;
    const bool was_connected = connected_;
    connected_ = false;
    link_dead_ = false;
    dead_link_close_at_.reset();
    socket_fd_ = -1;  // libstrophe has closed it
    ping_id_.reset();
    auto reason =
        classifier_.classify(error, stream_condition ? std::optional<std::string>(stream_condition) : std::nullopt);
    if (stop_requested_) {
        reason = {DisconnectKind::closed, "stopped"};
    }
    if (was_connected && !stop_requested_) {
        // Requests keep waiting: a resumed stream answers them (libstrophe re-sends what it wrote and the server did
        // not acknowledge). What libstrophe had not written yet it would free at the reconnect: it moves to our own
        // outbox, to be sent on the next session.
        pending_.link_dropped();
        take_unsent_from_strophe();
    }
    const auto waiting = pending_.size();
    pending_count_ = waiting;
    if (was_connected && disconnects_ != nullptr) {
        disconnects_->Increment();
    }
    // The status first: whoever sees the attempt counted also sees its reason.
    set_status(ConnectionState::disconnected, reason);
    if (!stop_requested_) {
        const auto delay = backoff_.next(reason.kind);
        reconnect_at_ = now + delay;
        ++reconnect_attempts_;
        log_->warn("connection={} {} reason={} waiting_iqs={} queued={} reconnect_in={}ms", settings_.name,
                   was_connected ? "disconnected" : "connect attempt failed", to_string(reason), waiting,
                   outbox_.size(), delay.count());
    } else {
        log_->info("connection={} closed", settings_.name);
    }
}

void ConnectionCore::on_log(int level, const char* area, const char* message) {
    classifier_.on_log(area, message);
    const std::string_view text(message);
    if (text.starts_with("SENT:") || text.starts_with("RECV:")) {
        return;  // the xmpp-packets logger has these when wanted
    }
    switch (static_cast<xmpp_log_level_t>(level)) {
        case XMPP_LEVEL_ERROR: log_->warn("connection={} libstrophe {}: {}", settings_.name, area, text); break;
        case XMPP_LEVEL_WARN: log_->info("connection={} libstrophe {}: {}", settings_.name, area, text); break;
        default: log_->trace("connection={} libstrophe {}: {}", settings_.name, area, text); break;
    }
}

void ConnectionCore::on_certificate_rejected(const char* error) {
    log_->warn("connection={} TLS certificate of {} rejected: {}", settings_.name, settings_.domain, error);
    classifier_.on_certificate_rejected(error);
}

bool ConnectionCore::accept_socket(int fd) {
    if (fd >= FD_SETSIZE) {
        log_->error("connection={} socket {} is beyond select()'s limit of {}", settings_.name, fd, FD_SETSIZE);
        return false;
    }
    socket_fd_ = fd;
    return true;
}

void ConnectionCore::send_ping() {
    stanza::Iq ping;
    ping.header.type = stanza::IqType::get;
    ping.header.id = random_request_id();
    auto target = stanza::Jid::parse(settings_.xmpp_domain.empty() ? settings_.domain : settings_.xmpp_domain);
    if (target) {
        ping.header.to = *target;
    }
    ping.payload = stanza::Ping{}.to_xml();
    ping_id_ = ping.header.id;
    const auto sent_at = Clock::now();
    send_request(std::move(ping), settings_.ping_timeout, [this, id = ping_id_, sent_at](const IqResult& result) {
        if (ping_id_ != id) {
            return;
        }
        ping_id_.reset();
        const bool timed_out = !result && result.error().code == make_error_code(core::Errc::timeout);
        if (timed_out && last_stanza_at_ > sent_at) {
            // The server is behind on what we sent (a join storm), not gone: it is still delivering stanzas. Tearing
            // the link down here would fail every request in flight and make the backlog worse.
            log_->info("connection={} no ping reply within {}ms, but the server is still sending: the link is alive",
                       settings_.name, settings_.ping_timeout.count());
            next_ping_at_ = Clock::now() + settings_.ping_interval;
            return;
        }
        if (timed_out) {
            log_->warn("connection={} no ping reply within {}ms, the link is dead", settings_.name,
                       settings_.ping_timeout.count());
            classifier_.set_local_reason({DisconnectKind::ping_timeout, {}});
            end_dead_link();
            return;
        }
        // Any reply, even an error, proves the link alive.
        next_ping_at_ = Clock::now() + settings_.ping_interval;
    });
}

void ConnectionCore::set_status(ConnectionState state, std::optional<DisconnectReason> reason) {
    ConnectionStatus copy;
    {
        std::lock_guard lock(status_mutex_);
        status_.state = state;
        status_.since = std::chrono::system_clock::now();
        if (reason) {
            status_.last_reason = *reason;
        }
        if (state != ConnectionState::connected) {
            status_.bound_jid.clear();
        }
        copy = status_;
    }
    if (state_gauge_ != nullptr) {
        state_gauge_->Set(static_cast<double>(state == ConnectionState::connected    ? 2
                                              : state == ConnectionState::connecting ? 1
                                                                                     : 0));
    }
    for (const auto& listener : listeners_) {
        notify(listener, copy);
    }
}

void ConnectionCore::notify(const Listener& listener, const ConnectionStatus& status) {
    // Through the batch, so that a listener sees a state change after the stanzas that came before it.
    hand_off(listener.executor, [fn = listener.listener, status, log = log_] {
        try {
            fn(status);
        } catch (const std::exception& e) {
            log->error("state listener threw: {}", e.what());
        }
    });
}

}  // namespace jicofo::xmpp
