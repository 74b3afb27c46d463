// The room map on its strand: one conference per room, requests for a room still joining wait for the same join,
// and every request is answered once (ready, ready=false at the deadline, or an error). Authentication is in
// focus_manager_auth.cpp.
#include "jicofo/conference/focus_manager.hpp"

#include "focus_manager_state.hpp"

#include "jicofo/core/error.hpp"
#include "jicofo/core/logging.hpp"
#include "jicofo/metrics/metrics_registry.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cassert>
#include <chrono>
#include <random>
#include <utility>

namespace jicofo::conference {
namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto log = core::module_logger("conference");
    return log;
}

// The room map's flags of a conference, which the conference itself does not know.
void stamp(ConferenceSnapshot& snapshot, bool in_statistics, bool rtcstats_enabled) {
    snapshot.in_statistics = in_statistics;
    snapshot.rtcstats_enabled = rtcstats_enabled;
}

}  // namespace

// One request waiting for its answer; answered once, by the join or by its deadline.

std::shared_ptr<FocusManager> FocusManager::create(const boost::asio::any_io_executor& executor,
                                                   ConferenceSettings settings, ConferenceFactory factory,
                                                   metrics::MetricsRegistry* metrics,
                                                   std::unique_ptr<auth::AuthenticationAuthority> authority) {
    std::shared_ptr<FocusManager> manager(
        new FocusManager(executor, std::move(settings), std::move(factory), metrics, std::move(authority)));
    if (manager->authority_) {
        boost::asio::post(manager->strand_, [manager] { manager->schedule_session_expiry(); });
    }
    return manager;
}

FocusManager::FocusManager(const boost::asio::any_io_executor& executor, ConferenceSettings settings,
                           ConferenceFactory factory, metrics::MetricsRegistry* metrics,
                           std::unique_ptr<auth::AuthenticationAuthority> authority)
    : strand_(boost::asio::make_strand(executor)),
      settings_(std::move(settings)),
      factory_(std::move(factory)),
      authority_(std::move(authority)),
      expiry_timer_(strand_),
      metrics_(metrics != nullptr ? std::make_unique<Metrics>(*metrics) : nullptr) {}

FocusManager::~FocusManager() = default;

void FocusManager::conference_request(ConferenceRequest request, ReplyCallback done) {
    auto waiter = std::make_shared<Waiter>(strand_, std::move(done));
    boost::asio::post(strand_, [self = shared_from_this(), request = std::move(request), waiter]() mutable {
        self->handle_request(std::move(request), waiter);
    });
}

void FocusManager::handle_request(ConferenceRequest request, const std::shared_ptr<Waiter>& waiter) {
    assert(strand_.running_in_this_thread());
    ++requests_total_;
    if (metrics_) {
        metrics_->requests.Increment();
    }
    auto answer = [this](const std::shared_ptr<Waiter>& w, ConferenceRequestResult result) {
        finish(w, std::move(result));
    };

    if (stopped_) {
        answer(waiter, core::unexpected(RequestError{RequestErrc::unavailable, "shutting down"}));
        return;
    }
    auto admitted = admit_room(request.room, settings_.room_services);
    if (!admitted) {
        if (admitted.error().code == RequestErrc::not_allowed) {
            logger()->warn("conference request for room={} refused: {}", request.room->to_string(),
                           admitted.error().text);
        }
        answer(waiter, core::unexpected(std::move(admitted).error()));
        return;
    }
    const stanza::Jid room = std::move(admitted).value();
    if (auto refused = over_a_cap(request, room)) {
        answer(waiter, core::unexpected(std::move(*refused)));
        return;
    }
    auto found = conferences_.find(room);
    if (found == conferences_.end() && new_rooms_refused_) {
        logger()->info("conference request for room={} refused: new rooms are refused ({})", room.to_string(),
                       *new_rooms_refused_);
        answer(waiter, core::unexpected(RequestError{RequestErrc::unavailable, "draining: " + *new_rooms_refused_}));
        return;
    }
    auto grant = authenticate(request, found != conferences_.end());
    if (!grant) {
        answer(waiter, core::unexpected(grant.error()));
        return;
    }
    waiter->session_id = grant->session_id;
    waiter->identity = grant->identity;
    if (shaper_) {
        waiter->facts = request_facts(request);
        if (found == conferences_.end() && shaper_->queue_without_conference(*waiter->facts)) {
            auto queued = make_reply(room, false, *waiter);
            queued.properties.push_back({"live", "false"});
            answer(waiter, std::move(queued));
            return;
        }
    }
    if (found != conferences_.end() && grant->session_id && request.from &&
        authority_->grants_owner(*request.from, room)) {
        // The sender is now bound to a session: if it is already in the room (a guest upgraded by a login), its
        // conference makes it owner now; one that joins later is checked when it arrives.
        found->second->handle->authenticated(*request.from);
    }
    if (found != conferences_.end()) {
        auto& entry = *found->second;
        if (entry.joined && entry.participants == 0) {
            // Someone still wants this room (perhaps its first user, on a login screen): it is not "nobody came"
            // yet. A room with participants is past its start timer, so its requests cost it nothing.
            entry.handle->request_arrived();
        }
        if (entry.joined) {
            arm_deadline(waiter, room);
            deliver(waiter, room, true);
            return;
        }
        entry.waiters.push_back(waiter);
        count_waiting(1);
    } else {
        if (metrics_) {
            metrics_->requests_new.Increment();
        }
        auto entry = create_conference(room, true, conference_options(request.properties));
        entry->waiters.push_back(waiter);
        count_waiting(1);
    }

    arm_deadline(waiter, room);
}

void FocusManager::refuse_new_rooms(std::optional<std::string> reason) {
    boost::asio::post(strand_, [self = shared_from_this(), reason = std::move(reason)]() mutable {
        self->new_rooms_refused_ = std::move(reason);
    });
}

void FocusManager::async_conference_count(std::function<void(std::size_t)> done) {
    boost::asio::post(strand_, [self = shared_from_this(), done = std::move(done)] {
        done(static_cast<std::size_t>(std::count_if(self->conferences_.begin(), self->conferences_.end(),
                                                    [](const auto& entry) { return entry.second->in_statistics; })));
    });
}

void FocusManager::reconfigure(ConferenceSettings settings, ConferenceFactory factory) {
    boost::asio::post(
        strand_, [self = shared_from_this(), settings = std::move(settings), factory = std::move(factory)]() mutable {
            // Only what the room map itself reads per request; the room services (with the breakout service Prosody
            // announced) and the focus's identity are the connection's and stay.
            self->settings_.max_conferences = settings.max_conferences;
            self->settings_.max_waiting_requests = settings.max_waiting_requests;
            self->settings_.max_properties_per_request = settings.max_properties_per_request;
            self->settings_.join_timeout = settings.join_timeout;
            self->factory_ = std::move(factory);
        });
}

std::optional<RequestError> FocusManager::over_a_cap(const ConferenceRequest& request, const stanza::Jid& room) {
    const auto refuse = [](prometheus::Counter* counter, RequestErrc code, std::string text) {
        if (counter != nullptr) {
            counter->Increment();
        }
        logger()->warn("conference request refused: {}", text);
        return RequestError{code, std::move(text)};
    };
    if (request.properties.size() > settings_.max_properties_per_request) {
        return refuse(metrics_ ? &metrics_->rejected_properties : nullptr, RequestErrc::bad_request,
                      "too many properties (max " + std::to_string(settings_.max_properties_per_request) + ")");
    }
    if (waiting_ >= settings_.max_waiting_requests) {
        return refuse(
            metrics_ ? &metrics_->rejected_waiting : nullptr, RequestErrc::resource_constraint,
            "too many conference requests waiting (max " + std::to_string(settings_.max_waiting_requests) + ")");
    }
    if (!conferences_.contains(room) && conferences_.size() >= settings_.max_conferences) {
        return refuse(metrics_ ? &metrics_->rejected_conferences : nullptr, RequestErrc::resource_constraint,
                      "too many conferences (max " + std::to_string(settings_.max_conferences) + ")");
    }
    return std::nullopt;
}

void FocusManager::count_waiting(std::ptrdiff_t change) {
    waiting_ = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(waiting_) + change);
    if (metrics_) {
        metrics_->waiting.Set(static_cast<double>(waiting_));
    }
}

std::shared_ptr<ConferenceHandle> FocusManager::entry_handle(const Entry& entry) {
    return entry.handle;
}

std::shared_ptr<FocusManager::Entry> FocusManager::create_conference(const stanza::Jid& room, bool in_statistics,
                                                                     ConferenceOptions options) {
    assert(strand_.running_in_this_thread());
    auto entry = std::make_shared<Entry>();
    entry->generation = next_generation_++;
    entry->in_statistics = in_statistics;
    entry->rtcstats_enabled = options.rtcstats_enabled;
    const auto generation = entry->generation;
    std::weak_ptr<FocusManager> weak = weak_from_this();
    ConferenceCallbacks callbacks;
    callbacks.options = options;
    callbacks.ended = [weak, generation, room] {
        if (auto self = weak.lock()) {
            boost::asio::post(self->strand_, [self, generation, room] { self->on_ended(generation, room); });
        }
    };
    callbacks.size_changed = [weak, generation, room](std::size_t size, bool joined) {
        if (auto self = weak.lock()) {
            boost::asio::post(self->strand_, [self, generation, room, size, joined] {
                self->on_size_changed(generation, room, size, joined);
            });
        }
    };
    if (authority_) {
        callbacks.grants_owner = [weak, room](const stanza::Jid& real_jid, std::function<void(bool)> answer) {
            auto self = weak.lock();
            if (!self) {
                return;
            }
            boost::asio::post(self->strand_, [self, room, real_jid, answer = std::move(answer)] {
                answer(self->authority_->grants_owner(real_jid, room));
            });
        };
    }
    entry->handle = factory_(room, std::move(callbacks));
    conferences_.emplace(room, entry);
    if (in_statistics) {
        sizes_.add(entry->participants);
        ++conferences_created_;
        if (metrics_) {
            metrics_->conferences_created.Increment();
        }
        logger()->info("room={} conference created ({} running)", room.to_string(), conferences_.size());
    } else {
        logger()->debug("room={} test conference created", room.to_string());
    }
    update_conference_count_metric();
    update_size_metrics();  // participants_pairs counts a conference with nobody yet as one
    entry->handle->start([weak, generation, room](std::error_code error) {
        if (auto self = weak.lock()) {
            boost::asio::post(self->strand_,
                              [self, generation, room, error] { self->on_joined(generation, room, error); });
        }
    });
    return entry;
}

void FocusManager::on_joined(std::uint64_t generation, const stanza::Jid& room, std::error_code error) {
    assert(strand_.running_in_this_thread());
    auto it = conferences_.find(room);
    if (it == conferences_.end() || it->second->generation != generation) {
        return;
    }
    auto entry = it->second;
    if (error) {
        logger()->warn("room={} the focus could not join: {}", room.to_string(), error.message());
        // ready=false makes the client retry, which creates a fresh conference.
        conferences_.erase(it);
        forget_size(*entry);
        entry->handle->stop();
    } else {
        entry->joined = true;
    }
    if (auto test_done = std::exchange(entry->test_done, nullptr)) {
        test_done(room, error);
        if (!error) {
            entry->handle->stop();  // a test conference has served its purpose once the focus is in
        }
    }
    auto waiters = std::exchange(entry->waiters, {});
    count_waiting(-static_cast<std::ptrdiff_t>(waiters.size()));
    for (auto& waiter : waiters) {
        if (waiter->done) {
            deliver(waiter, room, !error);
        }
    }
}

void FocusManager::on_ended(std::uint64_t generation, const stanza::Jid& room) {
    assert(strand_.running_in_this_thread());
    auto it = conferences_.find(room);
    if (it == conferences_.end() || it->second->generation != generation) {
        return;
    }
    auto entry = it->second;
    conferences_.erase(it);
    forget_size(*entry);
    count_waiting(-static_cast<std::ptrdiff_t>(entry->waiters.size()));
    for (auto& waiter : std::exchange(entry->waiters, {})) {
        if (waiter->done) {
            waiter->timer.cancel();
            std::exchange(waiter->done, nullptr)(make_reply(room, false, *waiter));
        }
    }
    if (auto test_done = std::exchange(entry->test_done, nullptr)) {
        test_done(room, make_error_code(core::Errc::shutting_down));
    }
    if (entry->in_statistics && metrics_) {
        const auto now = std::chrono::steady_clock::now();
        add_endpoint_seconds(*entry, now);
        metrics_->conferences_seconds.Increment(std::chrono::duration<double>(now - entry->created).count());
    }
    if (entry->in_statistics) {
        logger()->info("room={} conference ended ({} running)", room.to_string(), conferences_.size());
    } else {
        logger()->debug("room={} test conference ended", room.to_string());
    }
    if (authority_) {
        authority_->conference_ended(room);
    }
}

void FocusManager::on_size_changed(std::uint64_t generation, const stanza::Jid& room, std::size_t size, bool joined) {
    assert(strand_.running_in_this_thread());
    auto it = conferences_.find(room);
    const bool current = it != conferences_.end() && it->second->generation == generation;
    if (joined && (!current || it->second->in_statistics)) {
        ++participants_total_;
        if (metrics_) {
            metrics_->participants_total.Increment();
        }
    }
    if (!current) {
        return;
    }
    if (it->second->in_statistics && metrics_) {
        add_endpoint_seconds(*it->second, std::chrono::steady_clock::now());
    }
    if (it->second->in_statistics) {
        sizes_.resize(it->second->participants, size);
    }
    it->second->participants = size;
    update_size_metrics();
}

void FocusManager::add_endpoint_seconds(Entry& entry, std::chrono::steady_clock::time_point now) {
    const double seconds = std::chrono::duration<double>(now - entry.size_changed).count();
    metrics_->endpoint_seconds.Increment(static_cast<double>(entry.participants) * seconds);
    entry.size_changed = now;
}

void FocusManager::forget_size(const Entry& entry) {
    if (entry.in_statistics) {
        sizes_.remove(entry.participants);
    }
    update_conference_count_metric();
    update_size_metrics();
}

// O(1): the tally is kept per change (a scan of every conference here cost a join storm 1.5% of jicofo's CPU).
void FocusManager::update_size_metrics() {
    if (!metrics_) {
        return;
    }
    metrics_->participants_current.Set(static_cast<double>(sizes_.participants()));
    metrics_->largest_conference.Set(static_cast<double>(sizes_.largest()));
    metrics_->participants_pairs.Set(static_cast<double>(sizes_.endpoint_pairs()));
}

void FocusManager::update_conference_count_metric() {
    if (!metrics_) {
        return;
    }
    metrics_->conferences.Set(static_cast<double>(sizes_.conferences()));
}

void FocusManager::async_snapshot(std::function<void(FocusManagerSnapshot)> done) {
    boost::asio::post(strand_, [self = shared_from_this(), done = std::move(done)] {
        FocusManagerSnapshot snapshot;
        snapshot.conferences_created = self->conferences_created_;
        snapshot.participants_total = self->participants_total_;
        snapshot.requests_total = self->requests_total_;
        if (self->settings_.room_services) {
            snapshot.breakout_service = self->settings_.room_services->breakout_service;
        }
        snapshot.participants_current = self->sizes_.participants();
        snapshot.largest_conference = self->sizes_.largest();
        snapshot.conferences.reserve(self->conferences_.size());
        for (const auto& [room, entry] : self->conferences_) {
            snapshot.conferences.push_back(
                {room, entry->participants, entry->joined, entry->in_statistics, entry->rtcstats_enabled});
        }
        std::sort(snapshot.conferences.begin(), snapshot.conferences.end(),
                  [](const auto& a, const auto& b) { return a.room < b.room; });
        done(std::move(snapshot));
    });
}

void FocusManager::async_conference_snapshot(stanza::Jid room,
                                             std::function<void(std::optional<ConferenceSnapshot>)> done) {
    boost::asio::post(strand_, [self = shared_from_this(), room = std::move(room), done = std::move(done)]() mutable {
        auto it = self->conferences_.find(room);
        if (it == self->conferences_.end()) {
            done(std::nullopt);
            return;
        }
        // Taken on the conference's strand, handed back to ours.
        it->second->handle->async_snapshot([self, entry = it->second,
                                            done = std::move(done)](ConferenceSnapshot snapshot) mutable {
            boost::asio::post(self->strand_, [entry, done = std::move(done), snapshot = std::move(snapshot)]() mutable {
                stamp(snapshot, entry->in_statistics, entry->rtcstats_enabled);
                done(std::move(snapshot));
            });
        });
    });
}

void FocusManager::async_all_snapshots(std::function<void(std::vector<ConferenceSnapshot>)> done) {
    boost::asio::post(strand_, [self = shared_from_this(), done = std::move(done)]() mutable {
        struct Gather {
            std::vector<ConferenceSnapshot> snapshots;
            std::size_t remaining = 0;
            std::function<void(std::vector<ConferenceSnapshot>)> done;
        };
        auto gather = std::make_shared<Gather>();
        gather->remaining = self->conferences_.size();
        gather->done = std::move(done);
        if (gather->remaining == 0) {
            gather->done({});
            return;
        }
        for (const auto& [room, entry] : self->conferences_) {
            entry->handle->async_snapshot([self, gather, entry = entry](ConferenceSnapshot snapshot) {
                boost::asio::post(self->strand_, [gather, entry, snapshot = std::move(snapshot)]() mutable {
                    stamp(snapshot, entry->in_statistics, entry->rtcstats_enabled);
                    gather->snapshots.push_back(std::move(snapshot));
                    if (--gather->remaining == 0) {
                        std::sort(gather->snapshots.begin(), gather->snapshots.end(),
                                  [](const auto& a, const auto& b) { return a.room < b.room; });
                        gather->done(std::move(gather->snapshots));
                    }
                });
            });
        }
    });
}

void FocusManager::test_conference(std::string prefix, std::string muc_domain,
                                   std::function<void(const stanza::Jid& room, std::error_code)> done) {
    boost::asio::post(strand_, [self = shared_from_this(), prefix = std::move(prefix),
                                muc_domain = std::move(muc_domain), done = std::move(done)]() mutable {
        if (self->stopped_) {
            done({}, make_error_code(core::Errc::shutting_down));
            return;
        }
        // A random name, so that the test never lands in somebody's room (Jicofo: prefix-<random long>).
        thread_local std::mt19937_64 engine(std::random_device{}());
        stanza::Jid room;
        do {
            auto jid = stanza::Jid::from_parts(prefix + "-" + std::to_string(engine() >> 1), muc_domain);
            if (!jid) {
                done({}, make_error_code(core::Errc::bad_request));
                return;
            }
            room = std::move(jid).value();
        } while (self->conferences_.contains(room));
        self->create_conference(room, false)->test_done = std::move(done);
    });
}

void FocusManager::set_request_shaper(std::shared_ptr<RequestShaper> shaper) {
    boost::asio::post(strand_, [self = shared_from_this(), shaper = std::move(shaper)]() mutable {
        self->shaper_ = std::move(shaper);
    });
}

void FocusManager::set_breakout_service(std::optional<std::string> service) {
    boost::asio::post(strand_, [self = shared_from_this(), service = std::move(service)]() mutable {
        if (self->settings_.room_services) {
            self->settings_.room_services->breakout_service = std::move(service);
        }
    });
}

void FocusManager::set_advertised_property(std::string key, std::optional<std::string> value) {
    boost::asio::post(strand_, [self = shared_from_this(), key = std::move(key), value = std::move(value)]() mutable {
        if (!value) {
            self->advertised_.erase(key);
        } else if (self->advertised_.size() < kMaxAdvertised || self->advertised_.count(key) != 0) {
            self->advertised_[std::move(key)] = std::move(*value);
        }
    });
}

void FocusManager::stop() {
    boost::asio::post(strand_, [self = shared_from_this()] {
        self->stopped_ = true;
        self->expiry_timer_.cancel();
        for (const auto& [room, entry] : self->conferences_) {
            entry->handle->stop();
        }
    });
}

}  // namespace jicofo::conference
