// One XMPP connection (client, service or visitor): a dedicated thread is the only caller of libstrophe; everything
// else talks to it through a queue and receives typed stanzas posted to the executor it named (use a strand).
#pragma once

#include "jicofo/stanza/envelope.hpp"
#include "jicofo/stanza/jid.hpp"
#include "jicofo/stanza/xml_element.hpp"
#include "jicofo/xmpp/connection_state.hpp"
#include "jicofo/xmpp/iq_result.hpp"
#include "jicofo/xmpp/settings.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace jicofo::metrics {
class MetricsRegistry;
}

namespace jicofo::xmpp {

class ConnectionCore;

// Undoes a registration (IQ handler, subscriber, listener) when reset or destroyed. Holds the connection weakly: a
// registration that outlives the connection is harmless.
class Registration {
public:
    Registration() = default;
    Registration(std::weak_ptr<ConnectionCore> core, std::uint64_t id) : core_(std::move(core)), id_(id) {}
    Registration(Registration&& other) noexcept;
    Registration& operator=(Registration&& other) noexcept;
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;
    ~Registration() { reset(); }

    void reset();
    // Keeps the registration for the connection's lifetime.
    void release() { core_.reset(); }

private:
    std::weak_ptr<ConnectionCore> core_;
    std::uint64_t id_ = 0;
};

using Executor = boost::asio::any_io_executor;
using IqHandler = std::function<void(stanza::Iq request)>;
using PresenceHandler = std::function<void(stanza::Presence presence)>;
using MessageHandler = std::function<void(stanza::Message message)>;
using StateListener = std::function<void(ConnectionStatus status)>;

class XmppConnection {
public:
    // `metrics` is optional and must outlive the connection.
    XmppConnection(XmppConnectionSettings settings, metrics::MetricsRegistry* metrics = nullptr);
    XmppConnection(const XmppConnection&) = delete;
    XmppConnection& operator=(const XmppConnection&) = delete;
    ~XmppConnection();  // stop()

    // Starts the thread and the first connect attempt; reconnects forever after that until stop().
    void start();
    // Sends unavailable presence, closes the stream (at most settings.stop_deadline), fails pending IQs, joins the
    // thread. Idempotent. Call it before the io_context that runs the callbacks goes away.
    void stop();

    // Fire-and-forget; dropped (and logged) while not connected. Thread-safe.
    void send(stanza::XmlElement stanza);
    void send(const stanza::Iq& iq) { send(iq.to_xml()); }
    void send(const stanza::Presence& presence) { send(presence.to_xml()); }
    void send(const stanza::Message& message) { send(message.to_xml()); }

    // Sends a get/set request and completes `callback` once on `executor` with the reply (type result), or with
    // IqError: the peer's stanza error, Errc::timeout after `timeout` (default settings.reply_timeout),
    // Errc::disconnected if the connection is or goes down, Errc::shutting_down after stop(). The id is always
    // replaced by a random one. Only a reply from the request's `to` completes it. Thread-safe.
    void async_send_iq(stanza::Iq request, const Executor& executor, IqCallback callback,
                       std::optional<std::chrono::milliseconds> timeout = std::nullopt);

    // Incoming get/set IQs whose payload is <element xmlns=ns/>, posted to `executor`. The handler answers with
    // send(stanza::Iq::result_for(request, ...)) or error_for. Requests without a handler get service-unavailable;
    // malformed ones get bad-request. Pings and disco#info are answered by the connection itself.
    [[nodiscard]] Registration register_iq_handler(std::string element, std::string ns, stanza::IqType type,
                                                   Executor executor, IqHandler handler);

    // Presence and messages whose sender's bare JID is `bare_jid` (a MUC room, a brewery), posted in arrival order
    // to `executor` (a strand keeps the order). Either handler may be empty.
    [[nodiscard]] Registration subscribe(const stanza::Jid& bare_jid, Executor executor, PresenceHandler on_presence,
                                         MessageHandler on_message = {});

    // Called on `executor` with the current status right away, then on every change. A MUC owner re-joins its rooms
    // when it sees state == connected with session == fresh (not after a resumption).
    [[nodiscard]] Registration add_state_listener(Executor executor, StateListener listener);

    // Thread-safe copies.
    [[nodiscard]] ConnectionStatus status() const;
    [[nodiscard]] ConnectionSnapshot snapshot() const;
    [[nodiscard]] const XmppConnectionSettings& settings() const;
    // Our own full JID once a session is bound (empty before).
    [[nodiscard]] std::optional<stanza::Jid> own_jid() const;

private:
    std::shared_ptr<ConnectionCore> core_;
};

}  // namespace jicofo::xmpp
