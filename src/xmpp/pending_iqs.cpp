// Outgoing IQs waiting for replies; each entry leaves the table when it completes, so it completes once.
#include "jicofo/xmpp/pending_iqs.hpp"

#include <sys/random.h>

#include <array>
#include <cstdint>
#include <random>
#include <vector>

namespace jicofo::xmpp {

namespace {

core::Errc errc_of(stanza::ErrorCondition condition) {
    using stanza::ErrorCondition;
    switch (condition) {
        case ErrorCondition::item_not_found:
        case ErrorCondition::recipient_unavailable:
        case ErrorCondition::gone: return core::Errc::not_found;
        case ErrorCondition::bad_request:
        case ErrorCondition::jid_malformed:
        case ErrorCondition::not_acceptable: return core::Errc::bad_request;
        case ErrorCondition::forbidden:
        case ErrorCondition::not_allowed:
        case ErrorCondition::not_authorized:
        case ErrorCondition::registration_required:
        case ErrorCondition::subscription_required:
        case ErrorCondition::policy_violation: return core::Errc::not_allowed;
        case ErrorCondition::service_unavailable:
        case ErrorCondition::feature_not_implemented:
        case ErrorCondition::remote_server_not_found:
        case ErrorCondition::resource_constraint: return core::Errc::unavailable;
        case ErrorCondition::remote_server_timeout: return core::Errc::timeout;
        default: return core::Errc::internal;
    }
}

}  // namespace

std::string random_request_id() {
    std::array<std::uint8_t, 12> bytes{};
    std::size_t filled = 0;
    while (filled < bytes.size()) {
        const auto got = ::getrandom(bytes.data() + filled, bytes.size() - filled, 0);
        if (got <= 0) {
            break;  // no kernel source (never on Linux >= 3.17): fall back below
        }
        filled += static_cast<std::size_t>(got);
    }
    if (filled < bytes.size()) {
        thread_local std::mt19937_64 engine(std::random_device{}());
        for (auto& byte : bytes) {
            byte = static_cast<std::uint8_t>(engine());
        }
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string id;
    id.reserve(bytes.size() * 2);
    for (const auto byte : bytes) {
        id += kHex[byte >> 4];
        id += kHex[byte & 0x0f];
    }
    return id;
}

IqError IqError::from(stanza::StanzaError error) {
    return {make_error_code(errc_of(error.condition)), std::move(error)};
}

std::string IqError::message() const {
    if (stanza_error) {
        return stanza_error->message();
    }
    return code.message();
}

bool PendingIqTable::add(const stanza::Iq& request, Clock::time_point now, Clock::duration timeout,
                         IqCallback completion, bool sent, bool link_down) {
    Entry entry{request.header.to,
                request.payload ? request.payload->ns() : std::string(),
                now,
                now + timeout,
                std::move(completion),
                sent,
                link_down};
    const auto deadline = entry.deadline;
    auto [it, added] = entries_.try_emplace(request.header.id, Waiting{std::move(entry), deadlines_.end()});
    if (!added) {
        return false;
    }
    // multimap::emplace places an equal key after the ones already there: equal deadlines expire in order of adding.
    it->second.deadline = deadlines_.emplace(deadline, &it->first);
    return true;
}

PendingIqTable::Entry PendingIqTable::take(std::unordered_map<std::string, Waiting>::iterator it) {
    deadlines_.erase(it->second.deadline);  // first: it points at the key erased next
    Entry entry = std::move(it->second.entry);
    entries_.erase(it);
    return entry;
}

ReplyMatch PendingIqTable::complete(stanza::Iq& reply, Clock::time_point now,
                                    const std::optional<stanza::Jid>& own_jid) {
    auto it = entries_.find(reply.header.id);
    if (it == entries_.end()) {
        return ReplyMatch::unknown_id;
    }
    const auto& expected = it->second.entry.expected_from;
    const auto& from = reply.header.from;
    bool sender_ok = false;
    if (expected) {
        sender_ok = from && *from == *expected;
    } else {
        // A request to our own account or server is answered without from, from our bare JID or the server.
        sender_ok = !from || (own_jid && (*from == own_jid->bare() || *from == *own_jid ||
                                          (from->is_domain() && from->domain() == own_jid->domain())));
    }
    if (!sender_ok) {
        return ReplyMatch::foreign_sender;
    }
    Entry entry = take(it);
    if (observer_) {
        observer_(entry.ns, now - entry.sent_at);
    }
    if (reply.header.type == stanza::IqType::error) {
        entry.completion(core::unexpected(IqError::from(
            reply.error ? *reply.error : stanza::StanzaError::make(stanza::ErrorCondition::undefined_condition))));
    } else {
        entry.completion(std::move(reply));
    }
    return ReplyMatch::completed;
}

std::size_t PendingIqTable::expire(Clock::time_point now) {
    if (deadlines_.empty() || deadlines_.begin()->first > now) {
        return 0;  // the common case on every turn of the connection loop
    }
    std::vector<Entry> expired;
    while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
        expired.push_back(take(entries_.find(*deadlines_.begin()->second)));
    }
    // Completions run after the table is consistent (one may send another request), earliest deadline first.
    for (auto& entry : expired) {
        entry.completion(
            core::unexpected(IqError::from(entry.link_dropped ? core::Errc::disconnected : core::Errc::timeout)));
    }
    return expired.size();
}

void PendingIqTable::link_dropped() {
    for (auto& [id, waiting] : entries_) {
        waiting.entry.link_dropped = true;
    }
}

void PendingIqTable::set_sent(const std::string& id, bool sent) {
    if (auto it = entries_.find(id); it != entries_.end()) {
        it->second.entry.sent = sent;
    }
}

std::size_t PendingIqTable::fail_sent(core::Errc errc) {
    std::vector<Entry> lost;
    for (auto it = entries_.begin(); it != entries_.end();) {
        if (it->second.entry.sent) {
            lost.push_back(take(it++));  // erasing one element leaves the others' iterators valid
        } else {
            ++it;
        }
    }
    for (auto& entry : lost) {
        entry.completion(core::unexpected(IqError::from(errc)));
    }
    return lost.size();
}

std::size_t PendingIqTable::fail_all(core::Errc errc) {
    deadlines_.clear();
    auto entries = std::move(entries_);
    entries_.clear();
    for (auto& [id, waiting] : entries) {
        waiting.entry.completion(core::unexpected(IqError::from(errc)));
    }
    return entries.size();
}

std::optional<PendingIqTable::Clock::time_point> PendingIqTable::next_deadline() const {
    if (deadlines_.empty()) {
        return std::nullopt;
    }
    return deadlines_.begin()->first;
}

}  // namespace jicofo::xmpp
