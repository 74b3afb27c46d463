// Writing stanzas, and keeping them across a drop of the link: what is sent while the link is down, and what
// libstrophe had not written when it dropped (libstrophe frees its unsent queue when it reconnects), waits in our
// own outbox and goes out on the next session. Runs on the libstrophe thread.
#include "connection_core.hpp"

#include "jicofo/stanza/xml_codec.hpp"

#include <strophe.h>

#include <iterator>

namespace jicofo::xmpp {

namespace {

// Stanzas kept while the link is down. A few seconds of a busy focus; beyond it new stanzas are dropped (logged)
// and new requests fail at once as disconnected.
constexpr std::size_t kOutboxCap = 8192;

}  // namespace

void ConnectionCore::send_now(const stanza::XmlElement& element) {
    if (!connected_ || conn_ == nullptr) {
        queue_while_down(element, std::nullopt);
        return;
    }
    if (packets_) {
        log_packet("OUT", stanza::to_xml_string(element));
    }
    xmpp_stanza_t* raw = stanza::to_strophe(ctx_, element);
    if (raw == nullptr) {
        log_->error("connection={} cannot build <{}/>", settings_.name, element.name());
        return;
    }
    xmpp_send(conn_, raw);
    xmpp_stanza_release(raw);
    ++stanzas_out_;
}

void ConnectionCore::send_request(stanza::Iq request, Clock::duration timeout, IqCallback completion) {
    if (stop_requested_ || conn_ == nullptr) {
        completion(core::unexpected(IqError::from(core::Errc::shutting_down)));
        return;
    }
    const bool live = connected_;
    if (!live && outbox_.size() >= kOutboxCap) {
        completion(core::unexpected(IqError::from(core::Errc::disconnected)));
        return;
    }
    // Always our own random id, whatever the caller set: a predictable id lets a participant forge replies.
    do {
        request.header.id = random_request_id();
    } while (pending_.contains(request.header.id));
    // While the link is down the request waits in the outbox, its deadline running; if the link is not back by
    // then it fails as disconnected.
    if (!pending_.add(request, Clock::now(), timeout, std::move(completion), live)) {
        return;  // unreachable: the id is fresh
    }
    pending_count_ = pending_.size();
    if (live) {
        send_now(request.to_xml());
    } else {
        outbox_.push_back(Queued{request.to_xml(), request.header.id});
    }
}

void ConnectionCore::queue_while_down(stanza::XmlElement stanza, std::optional<std::string> request_id) {
    if (stop_requested_ || conn_ == nullptr) {
        log_->debug("connection={} closing, dropping <{}/>", settings_.name, stanza.name());
        return;
    }
    if (outbox_.size() >= kOutboxCap) {
        log_->warn("connection={} link down and {} stanzas queued: dropping <{}/>", settings_.name, outbox_.size(),
                   stanza.name());
        return;
    }
    outbox_.push_back(Queued{std::move(stanza), std::move(request_id)});
}

void ConnectionCore::take_unsent_from_strophe() {
    // libstrophe 0.12 hands back the rendered text of each queued element it has not started to write (an element
    // it wrote in part is lost with the old socket; the stream-management <r/> after an element goes with it).
    std::deque<Queued> unsent;
    while (char* text = xmpp_conn_send_queue_drop_element(conn_, XMPP_QUEUE_OLDEST)) {
        xmpp_stanza_t* raw = xmpp_stanza_new_from_string(ctx_, text);
        xmpp_free(ctx_, text);
        if (raw == nullptr) {
            continue;
        }
        auto element = stanza::from_strophe(raw);
        xmpp_stanza_release(raw);
        if (!element) {
            continue;  // we built it, so it parses; never resend what might not
        }
        std::optional<std::string> request_id;
        if (element->name() == "iq") {
            const auto id = element->attribute("id");
            const auto type = element->attribute("type");
            if (id && type && (*type == "get" || *type == "set") && pending_.contains(std::string(*id))) {
                request_id = std::string(*id);
                pending_.set_sent(*request_id, false);
            }
        }
        unsent.push_back(Queued{std::move(element).value(), std::move(request_id)});
    }
    if (unsent.empty()) {
        return;
    }
    // Older than anything queued after the drop: they go first.
    outbox_.insert(outbox_.begin(), std::make_move_iterator(unsent.begin()), std::make_move_iterator(unsent.end()));
    std::size_t dropped = 0;
    while (outbox_.size() > kOutboxCap) {
        outbox_.pop_back();
        ++dropped;
    }
    log_->info("connection={} kept {} stanzas libstrophe had not written{}", settings_.name, unsent.size(),
               dropped > 0 ? " (" + std::to_string(dropped) + " dropped over the cap)" : std::string());
}

void ConnectionCore::flush_outbox(bool fresh_session) {
    if (outbox_.empty()) {
        return;
    }
    auto queued = std::exchange(outbox_, {});
    std::size_t sent = 0;
    std::size_t skipped = 0;
    for (auto& item : queued) {
        if (item.request_id) {
            if (!pending_.contains(*item.request_id)) {
                ++skipped;  // its deadline passed meanwhile: nobody waits for the answer
                continue;
            }
            pending_.set_sent(*item.request_id, true);
        } else if (fresh_session && item.stanza.name() == "presence") {
            // Presence of the old session (to rooms): rooms are joined again with their current presence.
            ++skipped;
            continue;
        }
        send_now(item.stanza);
        ++sent;
    }
    log_->info("connection={} sent {} stanzas queued while the link was down ({} no longer needed)", settings_.name,
               sent, skipped);
}

}  // namespace jicofo::xmpp
