// Colibri2 sessions of one conference: allocation (selecting a bridge, creating its conference with the first
// endpoint, queueing later endpoints until it exists), updates, expiry, and the reaction to each kind of bridge
// error that jicofo-protocol.md §4(d) lists.
#include "jicofo/colibri/colibri_session_manager.hpp"

#include "session_state.hpp"

#include "jicofo/core/logging.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace jicofo::colibri {
namespace {

std::shared_ptr<spdlog::logger> logger() {
    return colibri_logger();
}

}  // namespace

std::shared_ptr<spdlog::logger> colibri_logger() {
    static auto log = core::module_logger("colibri");
    return log;
}

std::optional<stanza::Colibri2Error> ColibriFailure::reason() const {
    if (!error) {
        return std::nullopt;
    }
    return stanza::colibri2_error(*error);
}

std::string ColibriFailure::message() const {
    switch (kind) {
        case Kind::timeout: return "timeout";
        case Kind::disconnected: return "disconnected";
        case Kind::malformed: return "malformed response";
        case Kind::error: break;
    }
    return error ? error->message() : "error";
}

ColibriSessionManager::ColibriSessionManager(ColibriTransport& transport, BridgeAllocator& allocator,
                                             ColibriSettings settings, ColibriListener listener, Clock clock)
    : transport_(transport),
      allocator_(allocator),
      settings_(std::move(settings)),
      listener_(std::move(listener)),
      clock_(clock ? std::move(clock) : Clock([] { return std::chrono::steady_clock::now(); })) {
    if (settings_.relays.enabled) {
        cascade_.emplace(settings_.relays.topology);
    }
}

ColibriSessionManager::~ColibriSessionManager() {
    *alive_ = false;
}

void ColibriSessionManager::allocate(EndpointRequest request, std::function<void(AllocationResult)> done) {
    const std::string endpoint_id = request.endpoint_id;
    expire_endpoint(endpoint_id);
    auto pending = std::make_shared<PendingEndpoint>();
    pending->request = std::move(request);
    pending->done = std::move(done);
    pending_[endpoint_id] = pending;
    to_select_.push_back(std::move(pending));
    select_next();
}

// One selection at a time: the next one must see where the previous endpoint went, or two participants joining
// together could be put on two bridges of a single-bridge conference.
void ColibriSessionManager::select_next() {
    while (!selecting_ && !to_select_.empty()) {
        auto pending = std::move(to_select_.front());
        to_select_.pop_front();
        if (pending->cancelled) {
            continue;
        }
        selecting_ = true;
        std::weak_ptr<bool> alive = alive_;
        allocator_.select(conference_bridges(), pending->request.participant,
                          [this, alive, pending](std::optional<BridgeInfo> bridge, const std::string& reason) {
                              if (!alive.lock()) {
                                  return;
                              }
                              selecting_ = false;
                              on_selected(pending, std::move(bridge), reason);
                              select_next();
                          });
    }
}

void ColibriSessionManager::on_selected(const std::shared_ptr<PendingEndpoint>& pending,
                                        std::optional<BridgeInfo> bridge, const std::string& reason) {
    if (pending->cancelled) {
        return;
    }
    const auto& endpoint_id = pending->request.endpoint_id;
    if (!bridge) {
        logger()->warn("room={} endpoint={} no bridge available: {}", settings_.room_name, endpoint_id, reason);
        pending_.erase(endpoint_id);
        pending->finish(core::unexpected(AllocationFailure{AllocationErrc::no_bridge, reason}));
        return;
    }
    pending->bridge_id = bridge->id;
    auto& slot = sessions_[bridge->id];
    if (!slot) {
        slot = std::make_unique<BridgeSession>();
        slot->bridge = *bridge;
        slot->visitor = pending->request.participant.visitor;
        slot->order = next_order_++;
    }
    BridgeSession& session = *slot;
    if (session.state == BridgeSession::State::creating) {
        session.waiting.push_back(pending);
        return;
    }
    send_allocation(session, pending);
}

stanza::Colibri2Endpoint ColibriSessionManager::endpoint_element(const EndpointRequest& request) const {
    stanza::Colibri2Endpoint endpoint;
    endpoint.id = request.endpoint_id;
    endpoint.create = true;
    endpoint.stats_id = request.stats_id;
    if (request.participant.visitor) {
        endpoint.muc_role = "visitor";
    }
    endpoint.diarize = request.diarize;
    endpoint.medias = request.medias;
    stanza::Colibri2Transport transport;
    transport.ice_controlling = true;
    if (request.sctp) {
        transport.sctp = stanza::Colibri2Sctp{};
    }
    endpoint.transport = std::move(transport);
    endpoint.sources = stanza::Colibri2Sources{};
    endpoint.capabilities = request.capabilities;
    endpoint.force_mute = request.force_mute;
    return endpoint;
}

void ColibriSessionManager::send_allocation(BridgeSession& session, const std::shared_ptr<PendingEndpoint>& pending) {
    stanza::ConferenceModify request;
    request.meeting_id = settings_.meeting_id;
    const bool create = session.state == BridgeSession::State::idle;
    if (create) {
        request.create = true;
        request.name = settings_.room_name;
        request.rtcstats_enabled = settings_.rtcstats_enabled;
        session.state = BridgeSession::State::creating;
        add_initial_connects(session, request);
    }
    request.endpoints.push_back(endpoint_element(pending->request));
    ++session.in_flight;
    logger()->debug("room={} endpoint={} bridge={} allocating{}", settings_.room_name, pending->request.endpoint_id,
                    session.bridge.id, create ? " (creating the conference)" : "");
    std::weak_ptr<bool> alive = alive_;
    transport_.send(session.bridge.jid, request,
                    [this, alive, bridge_id = session.bridge.id, session_id = session.session_id, pending,
                     create](ColibriReply reply) {
                        if (alive.lock()) {
                            on_allocated(bridge_id, session_id, pending, create, std::move(reply));
                        }
                    });
}

void ColibriSessionManager::on_allocated(const std::string& bridge_id, const std::string& session_id,
                                         const std::shared_ptr<PendingEndpoint>& pending, bool created_conference,
                                         ColibriReply reply) {
    const auto& endpoint_id = pending->request.endpoint_id;
    auto found = sessions_.find(bridge_id);
    BridgeSession* session =
        found != sessions_.end() && found->second->session_id == session_id ? found->second.get() : nullptr;
    if (session) {
        --session->in_flight;
    }
    auto erase_pending = [this, &pending, &endpoint_id] {
        auto it = pending_.find(endpoint_id);
        if (it != pending_.end() && it->second == pending) {
            pending_.erase(it);
        }
    };
    if (!session) {
        erase_pending();
        pending->finish(core::unexpected(AllocationFailure{AllocationErrc::bridge_failed, "the bridge was removed"}));
        return;
    }
    if (!reply) {
        const auto& failure = reply.error();
        logger()->warn("room={} endpoint={} bridge={} allocation failed: {}", settings_.room_name, endpoint_id,
                       bridge_id, failure.message());
        erase_pending();
        auto reason = failure.reason();
        const auto reason_code = reason ? reason->reason : stanza::Colibri2ErrorReason::unspecified;
        const auto condition = failure.error ? failure.error->condition : stanza::ErrorCondition::undefined_condition;
        if (failure.kind == ColibriFailure::Kind::disconnected) {
            // Our own XMPP link dropped and the request was lost with it (a resumed stream would have delivered the
            // answer): the bridge is not at fault and nobody on it moves. A conference being created is expired in
            // case the bridge did create it (the expire goes out when the link is back, before any new create), and
            // forgotten, so the next allocation creates it afresh.
            stanza::ConferenceModify expire;
            expire.meeting_id = settings_.meeting_id;
            if (created_conference) {
                expire.expire = true;
                transport_.send(session->bridge.jid, expire, [](const ColibriReply&) {});
                fail_session(bridge_id, "our XMPP link dropped while creating the conference", false,
                             AllocationErrc::disconnected);
            } else {
                // The bridge may hold the endpoint: expired first, so that the next allocation does not conflict.
                stanza::Colibri2Endpoint gone;
                gone.id = endpoint_id;
                gone.expire = true;
                expire.endpoints.push_back(std::move(gone));
                transport_.send(session->bridge.jid, expire, [](const ColibriReply&) {});
            }
            pending->finish(core::unexpected(AllocationFailure{AllocationErrc::disconnected, failure.message()}));
            return;
        }
        if (failure.kind == ColibriFailure::Kind::error && condition == stanza::ErrorCondition::bad_request) {
            // The request itself is wrong: another bridge would refuse it too.
            if (created_conference) {
                fail_session(bridge_id, "its conference could not be created", true);
            }
            pending->finish(core::unexpected(AllocationFailure{AllocationErrc::rejected, failure.message()}));
            return;
        }
        if (failure.kind == ColibriFailure::Kind::error && condition == stanza::ErrorCondition::item_not_found &&
            reason_code != stanza::Colibri2ErrorReason::conference_not_found) {
            pending->finish(core::unexpected(AllocationFailure{AllocationErrc::rejected, failure.message()}));
            return;
        }
        const bool bridge_at_fault =
            failure.kind != ColibriFailure::Kind::error ||
            (condition != stanza::ErrorCondition::item_not_found && condition != stanza::ErrorCondition::conflict);
        if (bridge_at_fault) {
            allocator_.report_failure(bridge_id, reason_code == stanza::Colibri2ErrorReason::graceful_shutdown);
        }
        fail_session(bridge_id, failure.message(), true);
        pending->finish(core::unexpected(AllocationFailure{AllocationErrc::bridge_failed, failure.message()}));
        return;
    }
    const auto* endpoint = reply->endpoint(endpoint_id);
    if (created_conference) {
        session->state = BridgeSession::State::created;
        session->feedback_sources = reply->sources;
        for (auto& waiter : std::exchange(session->waiting, {})) {
            if (!waiter->cancelled) {
                send_allocation(*session, waiter);
            }
        }
    }
    if (pending->cancelled) {
        // Expired while the bridge was allocating: take it back.
        if (endpoint) {
            stanza::ConferenceModify expire;
            expire.meeting_id = settings_.meeting_id;
            stanza::Colibri2Endpoint gone;
            gone.id = endpoint_id;
            gone.expire = true;
            expire.endpoints.push_back(std::move(gone));
            send_update(bridge_id, expire, endpoint_id);
        }
        return;
    }
    erase_pending();
    if (!endpoint || !endpoint->transport || !endpoint->transport->ice_udp) {
        allocator_.report_failure(bridge_id, false);
        fail_session(bridge_id, "allocation response without a transport", true);
        pending->finish(core::unexpected(
            AllocationFailure{AllocationErrc::bridge_failed, "the bridge answered without a transport"}));
        return;
    }
    session->endpoints.push_back(endpoint_id);
    session->added_at.push_back(clock_());
    if (settings_.relays.enabled) {  // only relays read it
        relayed_[endpoint_id] =
            RelayedEndpoint{pending->request.stats_id, pending->request.participant.visitor, std::nullopt};
    }
    if (created_conference) {
        join_cascade(*session);  // the relay creates carry this endpoint
    } else if (in_cascade(bridge_id)) {
        relay_endpoint(bridge_id, endpoint_id, RelayChange::create);
    }
    reconcile_connects();  // changes while the conference was being created, a sender's connect on its new bridge
    Allocation allocation;
    allocation.session_id = session->session_id;
    allocation.bridge = session->bridge;
    allocation.transport = *endpoint->transport->ice_udp;
    allocation.sctp = endpoint->transport->sctp;
    allocation.feedback_sources = session->feedback_sources;
    logger()->info("room={} endpoint={} bridge={} allocated", settings_.room_name, endpoint_id, bridge_id);
    pending->finish(std::move(allocation));
}

void ColibriSessionManager::fail_session(const std::string& bridge_id, const std::string& why, bool notify,
                                         AllocationErrc waiters) {
    auto found = sessions_.find(bridge_id);
    if (found == sessions_.end()) {
        return;
    }
    auto session = std::move(found->second);
    sessions_.erase(found);
    logger()->warn("room={} bridge={} session removed ({}), {} endpoints affected", settings_.room_name, bridge_id, why,
                   session->endpoints.size());
    leave_cascade(*session);
    for (const auto& endpoint : session->endpoints) {
        relayed_.erase(endpoint);
    }
    if (!session->endpoints.empty()) {
        allocator_.endpoints_removed(bridge_id, static_cast<int>(session->endpoints.size()));
    }
    for (auto& waiter : session->waiting) {
        pending_.erase(waiter->request.endpoint_id);
        waiter->finish(core::unexpected(AllocationFailure{waiters, why}));
    }
    reconcile_connects();  // the host may have been this bridge
    if (notify && !session->endpoints.empty() && listener_.session_failed) {
        listener_.session_failed(bridge_id, session->endpoints);
    }
}

void ColibriSessionManager::send_update(const std::string& bridge_id, const stanza::ConferenceModify& request,
                                        const std::string& endpoint_id) {
    auto* session = session_for(bridge_id);
    if (!session) {
        return;
    }
    std::weak_ptr<bool> alive = alive_;
    transport_.send(
        session->bridge.jid, request,
        [this, alive, bridge_id, session_id = session->session_id, endpoint_id](const ColibriReply& reply) {
            if (!alive.lock() || reply) {
                return;
            }
            const auto& failure = reply.error();
            auto* current = session_for(bridge_id);
            if (!current || current->session_id != session_id) {
                return;  // that session is gone already
            }
            if (failure.kind == ColibriFailure::Kind::timeout || failure.kind == ColibriFailure::Kind::disconnected) {
                logger()->warn("room={} bridge={} update of endpoint={} got no answer: {}", settings_.room_name,
                               bridge_id, endpoint_id, failure.message());
                return;
            }
            auto reason = failure.reason();
            if (reason && reason->reason == stanza::Colibri2ErrorReason::unknown_endpoint && !endpoint_id.empty()) {
                auto& endpoints = current->endpoints;
                if (std::find(endpoints.begin(), endpoints.end(), endpoint_id) == endpoints.end()) {
                    return;  // expired meanwhile: nothing to repair
                }
                forget_endpoint(*current, endpoint_id);
                logger()->warn("room={} bridge={} forgot endpoint={}", settings_.room_name, bridge_id, endpoint_id);
                if (listener_.endpoint_lost) {
                    listener_.endpoint_lost(endpoint_id);
                }
                return;
            }
            fail_session(bridge_id, "update failed: " + failure.message(), true);
        });
}

void ColibriSessionManager::update_endpoint(const std::string& endpoint_id,
                                            std::optional<stanza::IceUdpTransport> transport,
                                            std::optional<stanza::Colibri2Sources> sources,
                                            std::optional<stanza::InitialLastN> initial_last_n) {
    auto bridge = bridge_of(endpoint_id);
    if (!bridge) {
        return;
    }
    stanza::Colibri2Endpoint endpoint;
    endpoint.id = endpoint_id;
    if (transport) {
        stanza::Colibri2Transport wrapper;
        wrapper.ice_udp = std::move(transport);
        endpoint.transport = std::move(wrapper);
    }
    // Kept only for relays to create the endpoint on other bridges later; without relays it would be a second copy
    // of every participant's sources for nothing.
    if (sources && settings_.relays.enabled) {
        relayed_[endpoint_id].sources = sources;
    }
    const bool relay_sources = sources && in_cascade(*bridge);
    endpoint.sources = std::move(sources);
    endpoint.initial_last_n = initial_last_n;
    stanza::ConferenceModify request;
    request.meeting_id = settings_.meeting_id;
    request.endpoints.push_back(std::move(endpoint));
    send_update(*bridge, request, endpoint_id);
    if (relay_sources) {
        relay_endpoint(*bridge, endpoint_id, RelayChange::update);
    }
}

void ColibriSessionManager::force_mute(const std::string& endpoint_id, stanza::ForceMute mute) {
    auto bridge = bridge_of(endpoint_id);
    if (!bridge) {
        return;
    }
    stanza::Colibri2Endpoint endpoint;
    endpoint.id = endpoint_id;
    endpoint.force_mute = mute;
    stanza::ConferenceModify request;
    request.meeting_id = settings_.meeting_id;
    request.endpoints.push_back(std::move(endpoint));
    send_update(*bridge, request, endpoint_id);
}

void ColibriSessionManager::restart_ice(const std::string& endpoint_id, std::function<void(IceRestartOutcome)> done) {
    const auto* session = session_of_endpoint(endpoint_id);
    if (!session) {
        done({IceRestartOutcome::Kind::failed, std::nullopt, "the endpoint is not on a bridge"});
        return;
    }
    stanza::Colibri2Endpoint endpoint;
    endpoint.id = endpoint_id;
    endpoint.transport = stanza::Colibri2Transport{};
    endpoint.transport->ice_restart = true;
    stanza::ConferenceModify request;
    request.meeting_id = settings_.meeting_id;
    request.endpoints.push_back(std::move(endpoint));
    std::weak_ptr<bool> alive = alive_;
    transport_.send(session->bridge.jid, request,
                    [alive, endpoint_id, done = std::move(done)](const ColibriReply& reply) {
                        if (!alive.lock()) {
                            return;
                        }
                        if (!reply) {
                            done({IceRestartOutcome::Kind::failed, std::nullopt, reply.error().message()});
                            return;
                        }
                        const auto* answer = reply->endpoint(endpoint_id);
                        if (!answer || !answer->transport || !answer->transport->ice_udp) {
                            done({IceRestartOutcome::Kind::declined, std::nullopt, "the bridge declined"});
                            return;
                        }
                        if (!answer->transport->ice_udp->ice_generation) {
                            done({IceRestartOutcome::Kind::not_needed, std::nullopt, "no restart was needed"});
                            return;
                        }
                        done({IceRestartOutcome::Kind::restarted, *answer->transport->ice_udp, {}});
                    });
}

void ColibriSessionManager::expire_endpoint(const std::string& endpoint_id) {
    if (auto it = pending_.find(endpoint_id); it != pending_.end()) {
        auto pending = it->second;
        pending_.erase(it);
        pending->cancelled = true;
        if (auto* session = session_for(pending->bridge_id)) {
            auto& waiting = session->waiting;
            waiting.erase(std::remove(waiting.begin(), waiting.end(), pending), waiting.end());
        }
        pending->finish(core::unexpected(AllocationFailure{AllocationErrc::cancelled, "expired"}));
    }
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
        auto& session = *it->second;
        auto found = std::find(session.endpoints.begin(), session.endpoints.end(), endpoint_id);
        if (found == session.endpoints.end()) {
            continue;
        }
        forget_endpoint(session, endpoint_id);
        stanza::ConferenceModify request;
        request.meeting_id = settings_.meeting_id;
        const bool last = session.endpoints.empty() && session.waiting.empty() && session.in_flight == 0;
        if (last) {
            // Nobody of this conference is left on the bridge: expire its conference there.
            request.expire = true;
        } else {
            stanza::Colibri2Endpoint endpoint;
            endpoint.id = endpoint_id;
            endpoint.expire = true;
            request.endpoints.push_back(std::move(endpoint));
        }
        const std::string bridge_id = session.bridge.id;
        send_update(bridge_id, request, {});
        if (last) {
            leave_cascade(session);
            sessions_.erase(it);
        }
        reconcile_connects();  // a sender's connects leave with it; a bridge that left takes the host with it
        return;
    }
}

std::vector<std::string> ColibriSessionManager::remove_bridge(const std::string& bridge_id) {
    auto endpoints = endpoints_on(bridge_id);
    fail_session(bridge_id, "the bridge is gone", false);
    return endpoints;
}

void ColibriSessionManager::expire_all() {
    to_select_.clear();
    relayed_.clear();
    wanted_connects_.clear();  // expiring each conference takes its connects with it
    connect_host_.reset();
    if (cascade_) {
        cascade_.emplace(settings_.relays.topology);  // expiring each conference takes its relays with it
    }
    for (auto& [id, pending] : std::exchange(pending_, {})) {
        pending->cancelled = true;
        pending->finish(core::unexpected(AllocationFailure{AllocationErrc::cancelled, "the conference ended"}));
    }
    for (auto& [bridge_id, session] : std::exchange(sessions_, {})) {
        if (session->state == BridgeSession::State::idle) {
            continue;
        }
        if (!session->endpoints.empty()) {
            allocator_.endpoints_removed(bridge_id, static_cast<int>(session->endpoints.size()));
        }
        stanza::ConferenceModify request;
        request.meeting_id = settings_.meeting_id;
        request.expire = true;
        transport_.send(session->bridge.jid, request, [](const ColibriReply&) {});
    }
}

// Takes an endpoint off its bridge's books and off the relays of every other bridge.
void ColibriSessionManager::forget_endpoint(BridgeSession& session, const std::string& endpoint_id) {
    auto found = std::find(session.endpoints.begin(), session.endpoints.end(), endpoint_id);
    if (found == session.endpoints.end()) {
        return;
    }
    if (in_cascade(session.bridge.id)) {
        relay_endpoint(session.bridge.id, endpoint_id, RelayChange::expire);
    }
    relayed_.erase(endpoint_id);
    session.added_at.erase(session.added_at.begin() + (found - session.endpoints.begin()));
    session.endpoints.erase(found);
    allocator_.endpoints_removed(session.bridge.id, 1);
}

ColibriSessionManager::BridgeSession* ColibriSessionManager::session_for(const std::string& bridge_id) {
    auto found = sessions_.find(bridge_id);
    return found == sessions_.end() ? nullptr : found->second.get();
}

const ColibriSessionManager::BridgeSession* ColibriSessionManager::session_of_endpoint(
    const std::string& endpoint_id) const {
    for (const auto& [id, session] : sessions_) {
        if (std::find(session->endpoints.begin(), session->endpoints.end(), endpoint_id) != session->endpoints.end()) {
            return session.get();
        }
    }
    return nullptr;
}

std::optional<std::string> ColibriSessionManager::bridge_of(const std::string& endpoint_id) const {
    const auto* session = session_of_endpoint(endpoint_id);
    return session ? std::optional<std::string>(session->bridge.id) : std::nullopt;
}

std::optional<std::string> ColibriSessionManager::session_id_of(const std::string& endpoint_id) const {
    const auto* session = session_of_endpoint(endpoint_id);
    return session ? std::optional<std::string>(session->session_id) : std::nullopt;
}

std::vector<std::string> ColibriSessionManager::endpoints_on(const std::string& bridge_id) const {
    auto found = sessions_.find(bridge_id);
    return found == sessions_.end() ? std::vector<std::string>{} : found->second->endpoints;
}

std::size_t ColibriSessionManager::bridge_count() const {
    return sessions_.size();
}

std::vector<const ColibriSessionManager::BridgeSession*> ColibriSessionManager::sessions_in_order() const {
    std::vector<const BridgeSession*> ordered;
    for (const auto& [id, session] : sessions_) {
        ordered.push_back(session.get());
    }
    std::sort(ordered.begin(), ordered.end(), [](const auto* a, const auto* b) { return a->order < b->order; });
    return ordered;
}

std::vector<std::string> ColibriSessionManager::bridge_regions() const {
    std::vector<std::string> regions;
    for (const auto* session : sessions_in_order()) {
        const auto& region = session->bridge.region;
        if (region && !region->empty() && std::find(regions.begin(), regions.end(), *region) == regions.end()) {
            regions.push_back(*region);
        }
    }
    return regions;
}

int ColibriSessionManager::recently_added(const BridgeSession& session) const {
    const auto since = clock_() - settings_.recent_interval;
    return static_cast<int>(
        std::count_if(session.added_at.begin(), session.added_at.end(), [since](auto t) { return t >= since; }));
}

selector::ConferenceBridges ColibriSessionManager::conference_bridges() const {
    selector::ConferenceBridges bridges;
    for (const auto* session : sessions_in_order()) {
        const auto& id = session->bridge.id;
        selector::ConferenceBridge bridge;
        bridge.bridge_id = id;
        bridge.participants =
            static_cast<int>(session->endpoints.size() + session->waiting.size()) + session->in_flight;
        bridge.recently_added = recently_added(*session);
        bridge.visitor = session->visitor;
        bridges.push_back(bridge);
    }
    return bridges;
}

ColibriSnapshot ColibriSessionManager::snapshot() const {
    ColibriSnapshot snapshot;
    for (const auto& [id, session] : sessions_) {
        std::vector<ColibriSnapshot::Relay> relays;
        for (const auto& [relay_id, link] : session->relays) {
            relays.push_back({relay_id, link});
        }
        snapshot.sessions.push_back({id,
                                     session->session_id,
                                     session->state == BridgeSession::State::created,
                                     session->endpoints,
                                     std::move(relays),
                                     recently_added(*session),
                                     {}});
        for (const auto& [connect_id, connect] : session->connects) {
            snapshot.sessions.back().connects.push_back(connect_id);
        }
    }
    return snapshot;
}

}  // namespace jicofo::colibri
