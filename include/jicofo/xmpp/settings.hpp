// What one XMPP connection (client, service or a visitor node) needs to log in and stay up. The application maps
// its configuration onto this; the xmpp module does not depend on the config module.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace jicofo::xmpp {

struct XmppConnectionSettings {
    std::string name = "client";  // "client", "service" or a visitor node id: logs, metrics labels, /debug
    std::string host = "localhost";
    unsigned short port = 5222;
    std::string domain;       // login domain, e.g. auth.example.com (also the name TLS verifies)
    std::string xmpp_domain;  // the deployment's top-level domain: ping target; empty → domain
    std::string username = "focus";
    std::string resource = "focus";
    std::optional<std::string> password;  // absent → SASL ANONYMOUS
    bool use_tls = true;                  // STARTTLS when the server offers it; false disables TLS
    bool disable_certificate_verification = false;
    std::optional<std::string> ca_file;  // extra trust anchor (PEM) besides the system CAs, e.g. in tests

    std::chrono::milliseconds reply_timeout{std::chrono::seconds(15)};
    // XEP-0199: a ping every interval; no answer within timeout → the link is dead (detection ≤ interval+timeout).
    std::chrono::milliseconds ping_interval{std::chrono::seconds(10)};
    std::chrono::milliseconds ping_timeout{std::chrono::seconds(5)};
    // Reconnect delays: base·2^attempt, jittered to [50 %, 100 %], capped. After an authentication failure the delay
    // is at least auth_failure_backoff, so that a wrong password never becomes a tight loop.
    std::chrono::milliseconds backoff_base{std::chrono::milliseconds(500)};
    std::chrono::milliseconds backoff_cap{std::chrono::seconds(30)};
    std::chrono::milliseconds auth_failure_backoff{std::chrono::seconds(10)};
    // How long stop() waits for the server to close the stream before dropping the socket.
    std::chrono::milliseconds stop_deadline{std::chrono::seconds(3)};

    // Outbound wake-up: connected, the thread sleeps in its own poll() on the socket and an eventfd, which a queued
    // stanza sets. While connecting it sleeps in libstrophe's select(), which a queued stanza interrupts with this
    // signal (0 disables it, leaving only polling there); a signal that lands just before select() is entered is
    // lost, so idle_poll also bounds every sleep. See docs/xmpp.md.
    int wake_signal = -1;  // -1 → SIGRTMIN + 6
    std::chrono::milliseconds idle_poll{std::chrono::milliseconds(10)};
    // The owners' io_context (a plain executor, not a strand). With it, what one turn of the connection thread
    // produces for the owners' strands is handed over in one post to a strand of this executor, which passes each
    // item on in order: one wake-up of the io threads per batch. Without it every item is posted on its own.
    std::optional<boost::asio::any_io_executor> hand_off_executor;

    // Caps (jicofo.xmpp.max-pending-iqs, max-queued-stanzas): requests waiting for their reply, and stanzas and
    // requests queued for the connection thread. Past them a request fails at once with Errc::resource_constraint
    // and a stanza is dropped, each counted; a stalled server then costs bounded memory.
    std::size_t max_pending_iqs = 10000;
    std::size_t max_queued_stanzas = 50000;

    // Every stanza in and out to the "xmpp-packets" logger.
    bool log_packets = false;

    // disco#info identity and features of the focus, also hashed into the entity caps of our presence.
    std::string identity_category = "client";
    std::string identity_type = "bot";
    std::string identity_name = "Jicofo";
    std::vector<std::string> features;  // added to the built-in ones (disco#info, ping, caps)
    std::string caps_node = "https://jitsi.org/jicofo";
};

}  // namespace jicofo::xmpp
