// The entity-capabilities cache: an LRU table of verified client versions with the lookups waiting on a version's
// first answer, and the disco#info flow around it (ask, check the answer against the announced ver, keep it).
#include "jicofo/xmpp/caps_cache.hpp"

#include "jicofo/core/logging.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include <cassert>
#include <utility>

namespace jicofo::xmpp {
namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto log = core::module_logger("xmpp");
    return log;
}

// What one version's features cost to keep, roughly: the text plus a string's own size for each.
std::size_t entry_bytes(const std::vector<std::string>& features) {
    std::size_t bytes = 0;
    for (const auto& feature : features) {
        bytes += feature.size() + sizeof(std::string);
    }
    return bytes;
}

}  // namespace

std::optional<CapsKey> caps_key(const core::SharedOptional<stanza::EntityCaps>& caps, const CapsCacheLimits& limits) {
    if (!caps || caps->ver.empty() || caps->ver.size() > limits.max_ver_length ||
        !stanza::caps_hash_supported(caps->hash)) {
        return std::nullopt;
    }
    return CapsKey{caps->hash, caps->ver};
}

// ----- the table ----------------------------------------------------------------------------------------------------

CapsTable::CapsTable(CapsCacheLimits limits) : limits_(limits) {
    stats_.capacity = limits_.max_entries;
}

CapsTable::Lookup CapsTable::lookup(const CapsKey& key, Waiter waiter) {
    if (auto found = index_.find(key); found != index_.end()) {
        entries_.splice(entries_.begin(), entries_, found->second);  // most recently used first
        ++stats_.hits;
        return Lookup{found->second->features, 0, false};
    }
    ++stats_.misses;
    if (auto pending = pending_.find(key); pending != pending_.end()) {
        if (pending->second.waiters.size() < limits_.max_waiters) {
            pending->second.waiters.push_back(std::move(waiter));
            return Lookup{nullptr, 0, true};
        }
        return Lookup{};  // enough are waiting already: this one asks for itself
    }
    if (pending_.size() >= limits_.max_pending) {
        return Lookup{};
    }
    const auto ticket = next_ticket_++;
    pending_.emplace(key, Pending{ticket, {}});
    return Lookup{nullptr, ticket, false};
}

bool CapsTable::store(const CapsKey& key, std::vector<std::string> features) {
    const bool fits = entry_bytes(features) <= limits_.max_entry_bytes && limits_.max_entries > 0;
    auto shared = std::make_shared<const std::vector<std::string>>(std::move(features));
    if (!fits) {
        ++stats_.too_large;
    } else if (auto found = index_.find(key); found != index_.end()) {
        // Another answer for a known version verified too, so it is the same set (or a hash collision, which we
        // cannot tell): keep the first.
        entries_.splice(entries_.begin(), entries_, found->second);
    } else {
        if (entries_.size() >= limits_.max_entries) {
            index_.erase(entries_.back().key);
            entries_.pop_back();
            ++stats_.evictions;
        }
        entries_.push_front(Entry{key, shared});
        index_.emplace(key, entries_.begin());
        ++stats_.stored;
    }
    finish(key, shared);  // a verified answer serves the waiters even when it is too large to keep
    return fits;
}

void CapsTable::release(const CapsKey& key, std::uint64_t ticket) {
    if (auto pending = pending_.find(key); pending != pending_.end() && pending->second.ticket == ticket) {
        finish(key, nullptr);
    }
}

void CapsTable::finish(const CapsKey& key, const CapsFeatures& features) {
    auto pending = pending_.find(key);
    if (pending == pending_.end()) {
        return;
    }
    // Out of the table before any waiter runs.
    auto waiters = std::move(pending->second.waiters);
    pending_.erase(pending);
    if (features) {
        stats_.waited += waiters.size();
    }
    for (auto& waiter : waiters) {
        waiter(features);
    }
}

CapsCacheStats CapsTable::stats() const {
    auto stats = stats_;
    stats.entries = entries_.size();
    stats.pending = pending_.size();
    return stats;
}

// ----- the shared cache ---------------------------------------------------------------------------------------------

struct CapsCache::Request {
    std::shared_ptr<XmppConnection> connection;
    stanza::Jid occupant;
    core::SharedOptional<stanza::EntityCaps> caps;
    Executor reply_on;
    Done done;
    std::chrono::milliseconds timeout;
};

namespace {

// Releases a ticket when the disco#info's completion is gone, whether it ran or not, so that lookups waiting on it
// never wait for an answer that cannot come.
class TicketRelease {
public:
    TicketRelease(std::weak_ptr<CapsCache> cache, std::function<void(CapsCache&)> release)
        : cache_(std::move(cache)), release_(std::move(release)) {}
    TicketRelease(const TicketRelease&) = delete;
    TicketRelease& operator=(const TicketRelease&) = delete;
    ~TicketRelease() {
        if (auto cache = cache_.lock()) {
            release_(*cache);
        }
    }

private:
    std::weak_ptr<CapsCache> cache_;
    std::function<void(CapsCache&)> release_;
};

}  // namespace

std::shared_ptr<CapsCache> CapsCache::create(const Executor& executor, CapsCacheLimits limits) {
    return std::shared_ptr<CapsCache>(new CapsCache(executor, limits));
}

CapsCache::CapsCache(const Executor& executor, CapsCacheLimits limits)
    : strand_(boost::asio::make_strand(executor)), limits_(limits), table_(limits) {}

void CapsCache::async_features(std::shared_ptr<XmppConnection> connection, stanza::Jid occupant,
                               core::SharedOptional<stanza::EntityCaps> caps, Executor reply_on, Done done,
                               std::chrono::milliseconds timeout) {
    auto request = std::make_shared<const Request>(Request{std::move(connection), std::move(occupant), std::move(caps),
                                                           std::move(reply_on), std::move(done), timeout});
    auto key = caps_key(request->caps, limits_);
    boost::asio::post(strand_, [self = shared_from_this(), request, key = std::move(key)]() mutable {
        if (!key) {
            self->table_.count_uncacheable();
            self->ask(request, std::nullopt, 0);
            return;
        }
        std::weak_ptr<CapsCache> weak = self;
        auto waiter = [weak, request, key = *key](const CapsFeatures& features) {
            if (features) {
                boost::asio::post(request->reply_on, [request, features] { request->done(*features); });
            } else if (auto cache = weak.lock()) {
                cache->ask(request, key, 0);  // the answer we waited for did not verify: ask this one
            }
        };
        auto found = self->table_.lookup(*key, std::move(waiter));
        if (found.features) {
            boost::asio::post(request->reply_on,
                              [request, features = std::move(found.features)] { request->done(*features); });
        } else if (!found.waiting) {
            self->ask(request, std::move(key), found.ticket);
        }
    });
}

void CapsCache::ask(const std::shared_ptr<const Request>& request, std::optional<CapsKey> key, std::uint64_t ticket) {
    std::shared_ptr<TicketRelease> release;
    if (key && ticket != 0) {
        release = std::make_shared<TicketRelease>(weak_from_this(), [key = *key, ticket](CapsCache& cache) {
            boost::asio::post(cache.strand_,
                              [self = cache.shared_from_this(), key, ticket] { self->table_.release(key, ticket); });
        });
    }
    stanza::Iq iq;
    iq.header.type = stanza::IqType::get;
    iq.header.to = request->occupant;
    iq.payload = stanza::DiscoInfo{}.to_xml();
    // The check runs on the caller's strand: the shared strand only looks up and stores.
    auto on_reply = [weak = weak_from_this(), request, key = std::move(key),
                     release = std::move(release)](const IqResult& result) {
        std::vector<std::string> features;
        if (result && result->payload) {
            if (auto info = stanza::DiscoInfo::parse(*result->payload)) {
                features = info->features;
                auto cache = weak.lock();
                if (key && cache) {
                    const auto check = stanza::verify_caps(*request->caps, *info);
                    if (check == stanza::CapsCheck::verified) {
                        boost::asio::post(cache->strand_, [cache, key = *key, features]() mutable {
                            cache->table_.store(key, std::move(features));
                        });
                    } else {
                        logger()->debug(
                            "caps of {} not verified ({}): node={} hash={} ver={}; its answer is used "
                            "for it alone",
                            request->occupant.to_string(), stanza::to_string(check), request->caps->node, key->hash,
                            key->ver);
                        boost::asio::post(cache->strand_, [cache] { cache->table_.count_verification_failure(); });
                    }
                }
            }
        }
        request->done(std::move(features));
    };
    request->connection->async_send_iq(std::move(iq), request->reply_on, std::move(on_reply), request->timeout);
}

void CapsCache::async_stats(std::function<void(CapsCacheStats)> done) {
    boost::asio::post(strand_, [self = shared_from_this(), done = std::move(done)] { done(self->table_.stats()); });
}

}  // namespace jicofo::xmpp
