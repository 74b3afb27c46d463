// The public face of a connection: forwards to the core, which owns the thread.
#include "jicofo/xmpp/xmpp_connection.hpp"

#include "connection_core.hpp"

namespace jicofo::xmpp {

Registration::Registration(Registration&& other) noexcept : core_(std::move(other.core_)), id_(other.id_) {
    other.core_.reset();
}

Registration& Registration::operator=(Registration&& other) noexcept {
    if (this != &other) {
        reset();
        core_ = std::move(other.core_);
        id_ = other.id_;
        other.core_.reset();
    }
    return *this;
}

void Registration::reset() {
    if (auto core = core_.lock()) {
        core->unregister(id_);
    }
    core_.reset();
}

XmppConnection::XmppConnection(XmppConnectionSettings settings, metrics::MetricsRegistry* metrics)
    : core_(std::make_shared<ConnectionCore>(std::move(settings), metrics)) {}

XmppConnection::~XmppConnection() {
    core_->stop();
}

void XmppConnection::start() {
    core_->start();
}
void XmppConnection::stop() {
    core_->stop();
}
void XmppConnection::send(stanza::XmlElement stanza) {
    core_->send(std::move(stanza));
}

void XmppConnection::async_send_iq(stanza::Iq request, const Executor& executor, IqCallback callback,
                                   std::optional<std::chrono::milliseconds> timeout) {
    core_->async_send_iq(std::move(request), executor, std::move(callback), timeout);
}

Registration XmppConnection::register_iq_handler(std::string element, std::string ns, stanza::IqType type,
                                                 Executor executor, IqHandler handler) {
    const auto id = core_->register_iq_handler(IqRoute{std::move(element), std::move(ns), type}, std::move(executor),
                                               std::move(handler));
    return Registration(core_, id);
}

Registration XmppConnection::subscribe(const stanza::Jid& bare_jid, Executor executor, PresenceHandler on_presence,
                                       MessageHandler on_message) {
    const auto id = core_->subscribe(bare_jid, std::move(executor), std::move(on_presence), std::move(on_message));
    return Registration(core_, id);
}

Registration XmppConnection::add_state_listener(Executor executor, StateListener listener) {
    return Registration(core_, core_->add_state_listener(std::move(executor), std::move(listener)));
}

ConnectionStatus XmppConnection::status() const {
    return core_->status();
}
ConnectionSnapshot XmppConnection::snapshot() const {
    return core_->snapshot();
}
const XmppConnectionSettings& XmppConnection::settings() const {
    return core_->settings();
}
std::optional<stanza::Jid> XmppConnection::own_jid() const {
    return core_->own_jid();
}

}  // namespace jicofo::xmpp
