// The entity-capabilities cache (XEP-0115) shared by every conference, as Jicofo's EntityCapsManager: the disco#info
// features of a client version, keyed by hash algorithm and verification string, kept only once an answer has been
// checked against that string (§5.4), so that a participant whose presence names a known version is not asked again.
// The state lives on the cache's own strand; the disco#info and its check run on the caller's strand.
#pragma once

#include "jicofo/core/shared_optional.hpp"
#include "jicofo/stanza/disco.hpp"
#include "jicofo/stanza/jid.hpp"
#include "jicofo/xmpp/xmpp_connection.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/strand.hpp>

#include <chrono>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace jicofo::xmpp {

// A client version: the hash algorithm and the verification string. The caps node only names the client; two nodes
// with one hash have the same features.
struct CapsKey {
    std::string hash;
    std::string ver;
    // clang-tidy 14 misreads a defaulted <=> as a literal 0 compared with a pointer.
    // NOLINTNEXTLINE(modernize-use-nullptr)
    auto operator<=>(const CapsKey&) const = default;
};

// The features of a version, shared by the cache and every lookup that found them.
using CapsFeatures = std::shared_ptr<const std::vector<std::string>>;

struct CapsCacheLimits {
    std::size_t max_entries = 1000;       // versions kept; the least recently used one goes first
    std::size_t max_pending = 256;        // versions being asked for with other lookups waiting on the answer
    std::size_t max_waiters = 64;         // lookups waiting on one version; past it they ask for themselves
    std::size_t max_entry_bytes = 16384;  // the features of one version; a larger (verified) answer is not kept
    std::size_t max_ver_length = 128;     // a longer ver is not looked up (sha-512 in base64 is 88 characters)
};

// Counts since start, and the table's size now.
struct CapsCacheStats {
    std::size_t entries = 0;
    std::size_t capacity = 0;
    std::size_t pending = 0;
    std::uint64_t hits = 0;                   // answered from the cache, no IQ
    std::uint64_t misses = 0;                 // a version not cached: asked, or waited for another's answer
    std::uint64_t waited = 0;                 // of the misses, answered by another participant's disco#info
    std::uint64_t uncacheable = 0;            // no caps, or a hash we do not accept: asked, never cached
    std::uint64_t stored = 0;                 // verified answers kept
    std::uint64_t verification_failures = 0;  // answers that were not what their ver announced, or ill-formed
    std::uint64_t too_large = 0;              // verified, but over max_entry_bytes: used for that participant only
    std::uint64_t evictions = 0;
};

// The key to look `caps` up by: none without caps, for a hash algorithm we do not accept, or an empty or too long
// ver.
[[nodiscard]] std::optional<CapsKey> caps_key(const core::SharedOptional<stanza::EntityCaps>& caps,
                                              const CapsCacheLimits& limits);

// The cache's state, single-threaded: CapsCache keeps it on its strand, tests use it directly.
class CapsTable {
public:
    // Called once with the features another lookup's answer brought, or with null: that answer did not verify (or
    // never came), so the waiter asks for itself. Called from within store()/release(); it must not call back into
    // the table.
    using Waiter = std::function<void(CapsFeatures)>;

    explicit CapsTable(CapsCacheLimits limits = {});

    // A hit (`features`); or the caller asks the participant itself: with a non-zero `ticket`, lookups of the same
    // version wait for its store() or release(); or (`waiting`) `waiter` was kept and will be called.
    struct Lookup {
        CapsFeatures features;
        std::uint64_t ticket = 0;
        bool waiting = false;
    };
    Lookup lookup(const CapsKey& key, Waiter waiter);
    // A verified answer for `key`: kept (unless over max_entry_bytes) and handed to the lookups waiting for it.
    // Returns whether it was kept.
    bool store(const CapsKey& key, std::vector<std::string> features);
    // The asker holding `ticket` is done without storing (no answer, a mismatch, too large an answer): the lookups
    // waiting on it ask for themselves. A stale ticket (the version was stored meanwhile) does nothing.
    void release(const CapsKey& key, std::uint64_t ticket);

    void count_uncacheable() { ++stats_.uncacheable; }
    void count_verification_failure() { ++stats_.verification_failures; }
    [[nodiscard]] CapsCacheStats stats() const;
    [[nodiscard]] bool contains(const CapsKey& key) const { return index_.count(key) > 0; }

private:
    struct Entry {
        CapsKey key;
        CapsFeatures features;
    };
    struct Pending {
        std::uint64_t ticket = 0;
        std::vector<Waiter> waiters;
    };
    void finish(const CapsKey& key, const CapsFeatures& features);

    CapsCacheLimits limits_;
    std::list<Entry> entries_;  // most recently used first
    std::map<CapsKey, std::list<Entry>::iterator> index_;
    std::map<CapsKey, Pending> pending_;
    std::uint64_t next_ticket_ = 1;
    CapsCacheStats stats_;
};

class CapsCache : public std::enable_shared_from_this<CapsCache> {
public:
    using Executor = boost::asio::any_io_executor;
    using Done = std::function<void(std::vector<std::string>)>;

    static std::shared_ptr<CapsCache> create(const Executor& executor, CapsCacheLimits limits = {});
    CapsCache(const CapsCache&) = delete;
    CapsCache& operator=(const CapsCache&) = delete;
    ~CapsCache() = default;

    // The disco#info features of `occupant`, delivered on `reply_on` (empty when it did not answer within
    // `timeout`): from the cache when `caps` names a version verified before, else asked over `connection` (to the
    // occupant, as before); an answer that verifies against `caps` is kept for the next participant with that
    // version, one that does not is used for this participant alone. Thread-safe.
    void async_features(std::shared_ptr<XmppConnection> connection, stanza::Jid occupant,
                        core::SharedOptional<stanza::EntityCaps> caps, Executor reply_on, Done done,
                        std::chrono::milliseconds timeout);
    // The counts, on the cache's strand.
    void async_stats(std::function<void(CapsCacheStats)> done);

    [[nodiscard]] const CapsCacheLimits& limits() const { return limits_; }

private:
    struct Request;
    CapsCache(const Executor& executor, CapsCacheLimits limits);
    // Sends the disco#info; a non-empty `key` has its answer checked (and `ticket`, if any, released afterwards).
    void ask(const std::shared_ptr<const Request>& request, std::optional<CapsKey> key, std::uint64_t ticket);

    boost::asio::strand<Executor> strand_;
    CapsCacheLimits limits_;
    CapsTable table_;  // only on strand_
};

}  // namespace jicofo::xmpp
