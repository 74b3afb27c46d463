// Inbound dispatch (IQ routing, pings, disco#info, presence and message subscribers), the thread-safe entry points
// that queue work for the libstrophe thread, and the round-trip metric and packet log.
#include "connection_core.hpp"

#include "jicofo/metrics/metrics_registry.hpp"
#include "jicofo/stanza/namespaces.hpp"
#include "jicofo/stanza/xml_codec.hpp"

#include <strophe.h>
#include <boost/asio/defer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include <algorithm>

namespace jicofo::xmpp {

namespace {

template <typename Handler>
std::shared_ptr<const Handler> shared_handler(Handler handler) {
    return handler ? std::make_shared<const Handler>(std::move(handler)) : nullptr;
}

// The work a handler gets: the value, and a log line instead of an exception escaping into the io_context.
template <typename Handler, typename Value>
std::function<void()> guarded(std::shared_ptr<const Handler> handler, Value value,
                              std::shared_ptr<spdlog::logger> log) {
    return [handler = std::move(handler), value = std::move(value), log = std::move(log)]() mutable {
        try {
            if (handler) {  // a request sent without a callback
                (*handler)(std::move(value));
            }
        } catch (const std::exception& e) {
            log->error("xmpp handler threw: {}", e.what());
        } catch (...) {
            log->error("xmpp handler threw");
        }
    };
}

// Hands `value` to every subscriber that has a handler for it: copies to all but the last, which gets the value
// itself (the usual case is one subscriber, the room, and no copy).
template <typename SubscriberList, typename HandlerMember, typename Value, typename HandOff>
void fan_out(const SubscriberList& subscribers, HandlerMember handler, Value value, HandOff hand,
             const std::shared_ptr<spdlog::logger>& log) {
    std::vector<const typename SubscriberList::value_type*> takers;
    for (const auto& subscriber : subscribers) {
        if (subscriber.*handler) {
            takers.push_back(&subscriber);
        }
    }
    for (std::size_t i = 0; i + 1 < takers.size(); ++i) {
        hand(takers[i]->executor, guarded(takers[i]->*handler, value, log));
    }
    if (!takers.empty()) {
        hand(takers.back()->executor, guarded(takers.back()->*handler, std::move(value), log));
    }
}

}  // namespace

void ConnectionCore::hand_off(const Executor& executor, std::function<void()> work) {
    if (!on_own_thread()) {
        boost::asio::post(executor, std::move(work));  // a caller's thread: nothing to batch with
        return;
    }
    hand_offs_.push_back(HandOff{executor, std::move(work)});
}

void ConnectionCore::flush_hand_offs() {
    if (hand_offs_.empty()) {
        return;
    }
    auto batch = std::move(hand_offs_);
    hand_offs_.clear();
    if (!hand_off_strand_) {
        for (auto& item : batch) {
            boost::asio::post(item.executor, std::move(item.work));  // in order: each strand keeps it
        }
        return;
    }
    // Every batch goes through the one hand-off strand, so the batches are passed on in the order they were made
    // and each executor gets its items in the order received. A deferred item on the owners' io_context runs on
    // the io thread that passes it on, after it: the io threads are woken once per batch, not once per stanza.
    boost::asio::post(*hand_off_strand_, [batch = std::move(batch)]() mutable {
        for (auto& item : batch) {
            boost::asio::defer(item.executor, std::move(item.work));
        }
    });
}

ConnectionCore::Posted ConnectionCore::post_outbound(Command command) {
    {
        std::lock_guard lock(mutex_);
        if (!accepting_) {
            return Posted::closed;
        }
        if (commands_.size() >= settings_.max_queued_stanzas) {
            if (stanzas_rejected_ != nullptr) {
                stanzas_rejected_->Increment();
            }
            return Posted::full;
        }
        commands_.push_back(std::move(command));
    }
    wake();
    return Posted::yes;
}

bool ConnectionCore::refuse_over_pending_cap(const stanza::Iq& request, IqCallback& completion) {
    if (pending_.size() < settings_.max_pending_iqs) {
        return false;
    }
    if (iqs_rejected_ != nullptr) {
        iqs_rejected_->Increment();
    }
    log_->warn("connection={} {} requests wait for replies (max-pending-iqs); refusing <{}/>", settings_.name,
               pending_.size(), request.payload ? request.payload->name() : std::string("?"));
    completion(core::unexpected(IqError::from(core::Errc::resource_constraint)));
    return true;
}

void ConnectionCore::send(stanza::XmlElement stanza) {
    const auto name = stanza.name();
    if (post_outbound([this, stanza = std::move(stanza)] { send_now(stanza); }) == Posted::full) {
        log_->warn("connection={} outbound queue full (max-queued-stanzas {}); dropping <{}/>", settings_.name,
                   settings_.max_queued_stanzas, name);
    }
}

void ConnectionCore::async_send_iq(stanza::Iq request, const Executor& executor, IqCallback callback,
                                   std::optional<std::chrono::milliseconds> timeout) {
    auto completion = [this, executor, callback = shared_handler(std::move(callback))](IqResult result) {
        hand_off(executor, guarded(callback, std::move(result), log_));
    };
    const auto wait = timeout.value_or(settings_.reply_timeout);
    auto shared_completion = std::make_shared<IqCallback>(std::move(completion));
    const auto queued = post_outbound([this, request = std::move(request), wait, shared_completion]() mutable {
        send_request(std::move(request), wait, std::move(*shared_completion));
    });
    if (queued != Posted::yes) {
        (*shared_completion)(core::unexpected(
            IqError::from(queued == Posted::full ? core::Errc::resource_constraint : core::Errc::shutting_down)));
    }
}

std::uint64_t ConnectionCore::register_iq_handler(IqRoute route, Executor executor, IqHandler handler) {
    const auto id = ++next_id_;
    post([this, id, route = std::move(route), executor = std::move(executor), handler = std::move(handler)]() mutable {
        // A later registration of the same route replaces this one; the router id lets unregister tell them apart.
        const auto router_id =
            router_.add(route, RoutedHandler{id, std::move(executor), shared_handler(std::move(handler))});
        route_ids_[id] = {std::move(route), router_id};
    });
    return id;
}

std::uint64_t ConnectionCore::subscribe(const stanza::Jid& bare_jid, Executor executor, PresenceHandler on_presence,
                                        MessageHandler on_message) {
    const auto id = ++next_id_;
    post([this, id, jid = bare_jid.bare(), executor = std::move(executor), on_presence = std::move(on_presence),
          on_message = std::move(on_message)]() mutable {
        subscribers_[jid].push_back(Subscriber{id, std::move(executor), shared_handler(std::move(on_presence)),
                                               shared_handler(std::move(on_message))});
        subscriber_ids_[id] = jid;
    });
    return id;
}

std::uint64_t ConnectionCore::add_state_listener(Executor executor, StateListener listener) {
    const auto id = ++next_id_;
    post([this, id, executor = std::move(executor), listener = std::move(listener)]() mutable {
        listeners_.push_back(Listener{id, std::move(executor), std::move(listener)});
        notify(listeners_.back(), status());
    });
    return id;
}

void ConnectionCore::unregister(std::uint64_t id) {
    post([this, id] {
        if (auto it = route_ids_.find(id); it != route_ids_.end()) {
            router_.remove(it->second.first, it->second.second);
            route_ids_.erase(it);
            return;
        }
        if (auto it = subscriber_ids_.find(id); it != subscriber_ids_.end()) {
            auto& list = subscribers_[it->second];
            std::erase_if(list, [id](const Subscriber& s) { return s.id == id; });
            if (list.empty()) {
                subscribers_.erase(it->second);
            }
            subscriber_ids_.erase(it);
            return;
        }
        std::erase_if(listeners_, [id](const Listener& l) { return l.id == id; });
    });
}

ConnectionStatus ConnectionCore::status() const {
    std::lock_guard lock(status_mutex_);
    return status_;
}

ConnectionSnapshot ConnectionCore::snapshot() const {
    ConnectionSnapshot snapshot;
    snapshot.name = settings_.name;
    snapshot.status = status();
    snapshot.pending_iqs = pending_count_;
    snapshot.reconnect_attempts = reconnect_attempts_;
    snapshot.sessions = sessions_;
    snapshot.stanzas_in = stanzas_in_;
    snapshot.stanzas_out = stanzas_out_;
    return snapshot;
}

std::optional<stanza::Jid> ConnectionCore::own_jid() const {
    std::lock_guard lock(status_mutex_);
    return own_jid_;
}

void ConnectionCore::on_stanza(xmpp_stanza_t* raw) {
    const char* name_ptr = xmpp_stanza_get_name(raw);
    const std::string_view name = name_ptr ? name_ptr : "";
    if (name != "iq" && name != "presence" && name != "message") {
        return;  // stream management and other stream-level elements are libstrophe's
    }
    ++stanzas_in_;
    last_stanza_at_ = Clock::now();
    if (packets_) {
        char* text = nullptr;
        std::size_t length = 0;
        if (xmpp_stanza_to_text(raw, &text, &length) == XMPP_EOK && text != nullptr) {
            log_packet("IN", std::string_view(text, length));
            xmpp_free(ctx_, text);
        }
    }
    auto element = stanza::from_strophe(raw);
    if (!element) {
        log_->warn("connection={} rejected inbound <{}/> from {}: {}", settings_.name, name,
                   xmpp_stanza_get_from(raw) ? xmpp_stanza_get_from(raw) : "?", element.error().message());
        if (name == "iq") {
            reply_bad_request(raw, element.error().text);
        }
        return;
    }
    if (name == "iq") {
        handle_iq(raw, *element);
    } else if (name == "presence") {
        auto presence = stanza::Presence::parse(*element);
        if (!presence) {
            log_->warn("connection={} malformed presence: {}", settings_.name, presence.error().message());
            return;
        }
        dispatch_presence(std::move(presence).value());
    } else {
        auto message = stanza::Message::parse(*element);
        if (!message) {
            log_->warn("connection={} malformed message: {}", settings_.name, message.error().message());
            return;
        }
        dispatch_message(std::move(message).value());
    }
}

void ConnectionCore::handle_iq(xmpp_stanza_t* raw, const stanza::XmlElement& element) {
    auto parsed = stanza::Iq::parse(element);
    const char* type_ptr = xmpp_stanza_get_type(raw);
    const std::string_view type = type_ptr ? type_ptr : "";
    if (!parsed) {
        const char* from = xmpp_stanza_get_from(raw);
        if (type == "get" || type == "set") {
            log_->warn("connection={} malformed iq {} from {}: {}", settings_.name, type, from ? from : "?",
                       parsed.error().message());
            reply_bad_request(raw, parsed.error().text);
        } else {
            // A broken reply is dropped, never used to fail the request with its id: whoever sent it, the request
            // keeps waiting for a real answer or its deadline.
            const char* id = xmpp_stanza_get_id(raw);
            log_->warn("connection={} dropped malformed iq reply type={} id={} from {}: {}", settings_.name,
                       stanza::sanitize_xml_text(type.substr(0, 16)),
                       id ? stanza::sanitize_xml_text(std::string_view(id).substr(0, 64)) : "?", from ? from : "?",
                       parsed.error().message());
        }
        return;
    }
    auto& iq = parsed.value();
    if (iq.header.type == stanza::IqType::result || iq.header.type == stanza::IqType::error) {
        const auto match = pending_.complete(iq, std::chrono::steady_clock::now(), own_jid());
        if (match == ReplyMatch::foreign_sender) {
            log_->warn("connection={} dropped iq {} id={} from {}: the request went to someone else", settings_.name,
                       stanza::to_string(iq.header.type), iq.header.id,
                       iq.header.from ? iq.header.from->to_string() : "(no from)");
        } else if (match == ReplyMatch::unknown_id) {
            log_->debug("connection={} unmatched iq {} id={}", settings_.name, stanza::to_string(iq.header.type),
                        iq.header.id);
        }
        pending_count_ = pending_.size();
        return;
    }
    const auto& payload = *iq.payload;
    if (iq.header.type == stanza::IqType::get && payload.name() == "ping" && payload.ns() == stanza::kNsPing) {
        send_now(stanza::Iq::result_for(iq).to_xml());
        return;
    }
    if (iq.header.type == stanza::IqType::get && payload.name() == "query" && payload.ns() == stanza::kNsDiscoInfo) {
        answer_disco(iq);
        return;
    }
    if (const auto* routed = router_.find(iq)) {
        hand_off(routed->executor, guarded(routed->handler, std::move(iq), log_));
        return;
    }
    log_->debug("connection={} no handler for <{} xmlns='{}'/> {}, replying service-unavailable", settings_.name,
                payload.name(), payload.ns(), stanza::to_string(iq.header.type));
    send_now(unhandled_reply(iq).to_xml());
}

void ConnectionCore::reply_bad_request(xmpp_stanza_t* raw, const std::string& why) {
    const char* type = xmpp_stanza_get_type(raw);
    const char* id = xmpp_stanza_get_id(raw);
    if (type == nullptr || id == nullptr || (std::string_view(type) != "get" && std::string_view(type) != "set")) {
        return;  // no reply to replies, nor to requests we cannot address
    }
    stanza::Iq reply;
    reply.header.type = stanza::IqType::error;
    reply.header.id = stanza::sanitize_xml_text(std::string_view(id).substr(0, 256));
    if (const char* from = xmpp_stanza_get_from(raw)) {
        auto jid = stanza::Jid::parse(from);
        if (!jid) {
            return;
        }
        reply.header.to = *jid;
    }
    reply.error = stanza::StanzaError::bad_request(why.substr(0, 200));
    send_now(reply.to_xml());
}

stanza::DiscoInfo ConnectionCore::disco_info() const {
    stanza::DiscoInfo info;
    info.identities.push_back(
        stanza::DiscoIdentity{settings_.identity_category, settings_.identity_type, settings_.identity_name, {}});
    info.features = {std::string(stanza::kNsDiscoInfo), std::string(stanza::kNsPing), std::string(stanza::kNsCaps)};
    for (const auto& feature : settings_.features) {
        if (std::find(info.features.begin(), info.features.end(), feature) == info.features.end()) {
            info.features.push_back(feature);
        }
    }
    return info;
}

void ConnectionCore::answer_disco(const stanza::Iq& request) {
    const auto node = request.payload->attribute("node");
    auto info = disco_info();
    if (node) {
        if (*node != settings_.caps_node + "#" + caps_ver_) {
            send_now(stanza::Iq::error_for(request, stanza::StanzaError::make(stanza::ErrorCondition::item_not_found))
                         .to_xml());
            return;
        }
        info.node = std::string(*node);
    }
    send_now(stanza::Iq::result_for(request, info.to_xml()).to_xml());
}

void ConnectionCore::dispatch_presence(stanza::Presence presence) {
    if (!presence.from) {
        return;
    }
    auto it = subscribers_.find(presence.from->bare());
    if (it == subscribers_.end()) {
        return;
    }
    fan_out(
        it->second, &Subscriber::on_presence, std::move(presence),
        [this](const Executor& executor, auto work) { hand_off(executor, std::move(work)); }, log_);
}

void ConnectionCore::dispatch_message(stanza::Message message) {
    if (!message.from) {
        return;
    }
    auto it = subscribers_.find(message.from->bare());
    if (it == subscribers_.end()) {
        return;
    }
    fan_out(
        it->second, &Subscriber::on_message, std::move(message),
        [this](const Executor& executor, auto work) { hand_off(executor, std::move(work)); }, log_);
}

void ConnectionCore::observe_round_trip(const std::string& ns, Clock::duration round_trip) {
    if (metrics_ == nullptr) {
        return;
    }
    auto it = round_trips_.find(ns);
    if (it == round_trips_.end()) {
        static const prometheus::Histogram::BucketBoundaries kBuckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                                      0.25,  0.5,    1,     2.5,  5,     15};
        auto& histogram = metrics_->histogram("xmpp_iq_round_trip_seconds", kBuckets, {{"namespace", ns}});
        it = round_trips_.emplace(ns, &histogram).first;
    }
    it->second->Observe(std::chrono::duration<double>(round_trip).count());
}

void ConnectionCore::log_packet(const char* direction, std::string_view text) const {
    static constexpr std::size_t kMaxLogged = std::size_t{64} * 1024;
    if (text.size() > kMaxLogged) {
        packets_->info("{} {} {}... ({} bytes)", settings_.name, direction, text.substr(0, kMaxLogged), text.size());
    } else {
        packets_->info("{} {} {}", settings_.name, direction, text);
    }
}

}  // namespace jicofo::xmpp
