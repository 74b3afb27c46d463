// Writing stanzas, and keeping them across a drop of the link. A stanza is handed to libstrophe only when the
// socket's send buffer has room for all of it, so the kernel never holds part of a stanza: a link we end, or that
// ends, stops at a stanza boundary (Prosody 0.12 parses a resumed stream with the old connection's parser, so a
// stream cut mid-stanza breaks the resumed one). What does not fit, what is sent while the link is down, and what
// libstrophe had not written when it dropped (libstrophe frees its unsent queue when it reconnects) waits in our
// own outbox, in order, and goes out as soon as it can. Runs on the libstrophe thread.
#include "connection_core.hpp"

#include "jicofo/stanza/xml_codec.hpp"

#include <linux/sockios.h>
#include <strophe.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <iterator>

namespace jicofo::xmpp {

namespace {

// Stanzas kept while the link is down. A few seconds of a busy focus; beyond it new stanzas are dropped (logged)
// and new requests fail at once as disconnected. While the link is up but slow the outbox is not capped (what it
// holds would otherwise sit in libstrophe's queue, which has no cap either).
constexpr std::size_t kOutboxCap = 8192;
// Room left for what libstrophe writes on its own (stream-management <r/> after each stanza, <a/> answers).
constexpr std::size_t kStropheSlack = 512;

}  // namespace

std::string ConnectionCore::render(const stanza::XmlElement& element) const {
    // Our own serializer writes the text directly; building a libstrophe tree only to have libstrophe print it cost
    // an allocation per element and attribute and a formatted print per tag.
    return stanza::to_xml_string(element);
}

void ConnectionCore::send_now(const stanza::XmlElement& element) {
    if (conn_ == nullptr || stop_requested_) {
        if (connected_ && conn_ != nullptr) {
            // Closing: the last words (unavailable presence) still go out, in order.
            write_or_hold(Queued{render(element), std::nullopt, element.name() == "presence"});
        }
        return;
    }
    write_or_hold(Queued{render(element), std::nullopt, element.name() == "presence"});
}

void ConnectionCore::write_or_hold(Queued item) {
    if (!connected_ || link_dead_ || !outbox_.empty() || !socket_has_room(item.text.size())) {
        queue(std::move(item));
        return;
    }
    hand_to_strophe(item);
}

void ConnectionCore::hand_to_strophe(const Queued& item) {
    if (packets_) {
        log_packet("OUT", item.text);
    }
    if (item.request_id) {
        pending_.set_sent(*item.request_id, true);
    }
    handed_bytes_ += item.text.size();
    xmpp_send_raw(conn_, item.text.data(), item.text.size());
    ++stanzas_out_;
}

bool ConnectionCore::socket_has_room(std::size_t bytes) const {
    if (socket_fd_ < 0) {
        return true;  // not known yet; libstrophe queues it
    }
    int buffer = 0;
    socklen_t length = sizeof(buffer);
    int queued = 0;
    if (::getsockopt(socket_fd_, SOL_SOCKET, SO_SNDBUF, &buffer, &length) != 0 ||
        ::ioctl(socket_fd_, SIOCOUTQ, &queued) != 0) {
        return true;
    }
    // Linux reports twice the size asked for (socket(7): the rest is its bookkeeping) and counts each queued
    // segment's whole allocation against it, often more than twice its payload for stanza-sized writes; what is
    // queued (SIOCOUTQ) is payload. A quarter of the reported size is what is sure to take whole stanzas; one that
    // would not fit waits, because the kernel would take only part of it.
    const std::size_t used = static_cast<std::size_t>(std::max(queued, 0)) + handed_bytes_;
    const std::size_t capacity = static_cast<std::size_t>(std::max(buffer, 0)) / 4;
    if (xmpp_conn_send_queue_len(conn_) > 0) {
        return false;  // libstrophe could not write everything it has: the buffer is fuller than it looks
    }
    if (bytes + kStropheSlack > capacity) {
        return used == 0;  // larger than the whole buffer: it can only go out on its own
    }
    return used + bytes + kStropheSlack <= capacity;
}

void ConnectionCore::send_request(stanza::Iq request, Clock::duration timeout, IqCallback completion) {
    if (stop_requested_ || conn_ == nullptr) {
        completion(core::unexpected(IqError::from(core::Errc::shutting_down)));
        return;
    }
    if (!connected_ && outbox_.size() >= kOutboxCap) {
        completion(core::unexpected(IqError::from(core::Errc::disconnected)));
        return;
    }
    if (refuse_over_pending_cap(request, completion)) {
        return;
    }
    // Always our own random id, whatever the caller set: a predictable id lets a participant forge replies.
    do {
        request.header.id = random_request_id();
    } while (pending_.contains(request.header.id));
    // Until it is handed to libstrophe the request waits in the outbox, its deadline running; if the link is not
    // back by then it fails as disconnected.
    if (!pending_.add(request, Clock::now(), timeout, std::move(completion), false, !connected_)) {
        return;  // unreachable: the id is fresh
    }
    pending_count_ = pending_.size();
    auto id = request.header.id;
    write_or_hold(Queued{render(std::move(request).to_xml()), std::move(id), false});
}

void ConnectionCore::queue(Queued item) {
    if (!connected_ && outbox_.size() >= kOutboxCap) {
        log_->warn("connection={} link down and {} stanzas queued: dropping a stanza", settings_.name, outbox_.size());
        return;  // a request dropped here stays pending and fails as disconnected at its deadline
    }
    outbox_.push_back(std::move(item));
}

void ConnectionCore::pump_outbox() {
    if (!connected_ || link_dead_) {
        return;
    }
    while (!outbox_.empty() && socket_has_room(outbox_.front().text.size())) {
        auto item = std::move(outbox_.front());
        outbox_.pop_front();
        if (item.request_id && !pending_.contains(*item.request_id)) {
            continue;  // its deadline passed meanwhile: nobody waits for the answer
        }
        hand_to_strophe(item);
    }
}

void ConnectionCore::take_unsent_from_strophe() {
    // libstrophe 0.12 hands back the text of each queued element it has not started to write (the stream-management
    // <r/> after an element goes with it). With the room check it rarely holds any.
    std::deque<Queued> unsent;
    while (char* text = xmpp_conn_send_queue_drop_element(conn_, XMPP_QUEUE_OLDEST)) {
        Queued item{std::string(text), std::nullopt, false};
        xmpp_free(ctx_, text);
        item.presence = item.text.starts_with("<presence");
        if (item.text.starts_with("<iq")) {
            if (xmpp_stanza_t* raw = xmpp_stanza_new_from_string(ctx_, item.text.c_str())) {
                const char* id = xmpp_stanza_get_id(raw);
                const char* type = xmpp_stanza_get_type(raw);
                if (id != nullptr && type != nullptr &&
                    (std::string_view(type) == "get" || std::string_view(type) == "set") && pending_.contains(id)) {
                    item.request_id = id;
                    pending_.set_sent(id, false);
                }
                xmpp_stanza_release(raw);
            }
        }
        unsent.push_back(std::move(item));
    }
    if (unsent.empty()) {
        return;
    }
    // Older than anything in the outbox: they go first.
    outbox_.insert(outbox_.begin(), std::make_move_iterator(unsent.begin()), std::make_move_iterator(unsent.end()));
    log_->info("connection={} kept {} stanzas libstrophe had not written", settings_.name, unsent.size());
}

void ConnectionCore::flush_outbox(bool fresh_session) {
    if (fresh_session) {
        // Presence of the old session (to rooms): rooms are joined again with their current presence.
        const auto before = outbox_.size();
        std::erase_if(outbox_, [](const Queued& item) { return item.presence; });
        if (before != outbox_.size()) {
            log_->info("connection={} fresh session: {} queued presences of the old one dropped", settings_.name,
                       before - outbox_.size());
        }
    }
    if (!outbox_.empty()) {
        log_->info("connection={} {} stanzas queued while the link was down go out now", settings_.name,
                   outbox_.size());
    }
}

}  // namespace jicofo::xmpp
