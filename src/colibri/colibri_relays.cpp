// Relays (Octo) between the bridges of one conference, as jicofo-protocol.md §4(d) "Relays" describes: for each link
// of the cascade both bridges get a <relay> named by the other's relay id, the initiator DTLS-active and ICE-
// controlling; each side's transport is then handed to the other; every endpoint is mirrored behind the relay that
// leads to its bridge, so every bridge forwards every participant's media.
#include "jicofo/colibri/colibri_session_manager.hpp"

#include "session_state.hpp"

#include <deque>

namespace jicofo::colibri {

bool ColibriSessionManager::in_cascade(const std::string& bridge_id) const {
    return cascade_ && cascade_->contains(bridge_id);
}

void ColibriSessionManager::join_cascade(const BridgeSession& session) {
    if (!cascade_ || !session.bridge.relay_id) {
        return;
    }
    selector::TopologyNode node;
    node.bridge_id = session.bridge.id;
    node.region = session.bridge.region;
    node.visitor = session.visitor;
    for (const auto& link : cascade_->add_node(node)) {
        create_relay(link);
    }
}

void ColibriSessionManager::leave_cascade(const BridgeSession& gone) {
    const auto& gone_id = gone.bridge.id;
    if (!in_cascade(gone_id) || !gone.bridge.relay_id) {
        return;
    }
    // The way each bridge reached the one that leaves, before the links change.
    std::map<std::string, std::string> hops;
    for (const auto& [id, session] : sessions_) {
        if (id == gone_id) {
            continue;
        }
        if (auto hop = next_hop(id, gone_id)) {
            hops[id] = *hop;
        }
    }
    const auto repairs = cascade_->remove_node(gone_id);
    for (auto& [id, session] : sessions_) {
        if (id == gone_id) {
            continue;
        }
        if (session->relays.erase(*gone.bridge.relay_id) != 0) {
            // The bridge drops the relay and every endpoint behind it.
            stanza::Colibri2Relay relay;
            relay.id = *gone.bridge.relay_id;
            relay.expire = true;
            send_relay_update(*session, std::move(relay));
            continue;
        }
        auto hop = hops.find(id);
        auto* via = hop == hops.end() ? nullptr : session_for(hop->second);
        if (!via || !via->bridge.relay_id || session->relays.count(*via->bridge.relay_id) == 0) {
            continue;
        }
        stanza::Colibri2Relay relay;
        relay.id = *via->bridge.relay_id;
        for (const auto& endpoint : gone.endpoints) {
            if (auto found = relayed_.find(endpoint); found != relayed_.end() && !found->second.visitor) {
                relay.endpoints.push_back(relayed_endpoint_element(endpoint, RelayChange::expire));
            }
        }
        if (!relay.endpoints.empty()) {
            send_relay_update(*session, std::move(relay));
        }
    }
    for (const auto& link : repairs) {
        create_relay(link);
    }
}

void ColibriSessionManager::create_relay(const selector::RelayLink& link) {
    auto* initiator = session_for(link.initiator);
    auto* responder = session_for(link.responder);
    if (!initiator || !responder || !initiator->bridge.relay_id || !responder->bridge.relay_id) {
        return;
    }
    colibri_logger()->info("room={} relay {} -> {} (mesh {})", settings_.room_name, *initiator->bridge.relay_id,
                           *responder->bridge.relay_id, link.mesh_id);
    send_relay_create(*initiator, *responder, link.mesh_id, true);
    send_relay_create(*responder, *initiator, link.mesh_id, false);
}

stanza::Colibri2Endpoint ColibriSessionManager::relayed_endpoint_element(const std::string& endpoint_id,
                                                                         RelayChange change) const {
    stanza::Colibri2Endpoint endpoint;
    endpoint.id = endpoint_id;
    if (change == RelayChange::expire) {
        endpoint.expire = true;
        return endpoint;
    }
    endpoint.create = change == RelayChange::create;
    if (auto found = relayed_.find(endpoint_id); found != relayed_.end()) {
        if (endpoint.create) {
            endpoint.stats_id = found->second.stats_id;
        }
        endpoint.sources = found->second.sources;
    }
    return endpoint;
}

void ColibriSessionManager::send_relay_create(BridgeSession& local, const BridgeSession& remote,
                                              const std::string& mesh_id, bool initiator) {
    stanza::Colibri2Relay relay;
    relay.id = *remote.bridge.relay_id;
    relay.create = true;
    relay.mesh_id = mesh_id;
    relay.medias = settings_.relays.medias;
    for (const auto& endpoint : remote.endpoints) {
        if (auto found = relayed_.find(endpoint); found != relayed_.end() && !found->second.visitor) {
            relay.endpoints.push_back(relayed_endpoint_element(endpoint, RelayChange::create));
        }
    }
    stanza::Colibri2Transport transport;
    transport.use_unique_port = initiator;
    transport.ice_controlling = initiator;
    if (settings_.relays.sctp) {
        transport.sctp = stanza::Colibri2Sctp{};
        transport.sctp->role = initiator ? stanza::SctpRole::client : stanza::SctpRole::server;
    }
    relay.transport = std::move(transport);

    stanza::ConferenceModify request;
    request.meeting_id = settings_.meeting_id;
    request.relays.push_back(std::move(relay));
    // Marked before the answer so that endpoints joining meanwhile are sent to this relay, not lost.
    local.relays.insert_or_assign(*remote.bridge.relay_id, RelayLink{mesh_id, initiator, settings_.relays.sctp});
    std::weak_ptr<bool> alive = alive_;
    transport_.send(local.bridge.jid, request,
                    [this, alive, bridge_id = local.bridge.id, session_id = local.session_id,
                     remote_id = remote.bridge.id, initiator](ColibriReply reply) {
                        if (alive.lock()) {
                            on_relay_created(bridge_id, session_id, remote_id, initiator, std::move(reply));
                        }
                    });
}

void ColibriSessionManager::on_relay_created(const std::string& bridge_id, const std::string& session_id,
                                             const std::string& remote_bridge_id, bool initiator, ColibriReply reply) {
    auto* local = session_for(bridge_id);
    if (!local || local->session_id != session_id) {
        return;  // that session is gone already
    }
    auto* remote = session_for(remote_bridge_id);
    if (!reply) {
        const auto& failure = reply.error();
        colibri_logger()->warn("room={} bridge={} relay to {} failed: {}", settings_.room_name, bridge_id,
                               remote_bridge_id, failure.message());
        const bool bridge_at_fault = failure.kind != ColibriFailure::Kind::error ||
                                     (failure.error && failure.error->condition != stanza::ErrorCondition::conflict &&
                                      failure.error->condition != stanza::ErrorCondition::bad_request);
        if (bridge_at_fault) {
            const auto reason = failure.reason();
            allocator_.report_failure(bridge_id,
                                      reason && reason->reason == stanza::Colibri2ErrorReason::graceful_shutdown);
            fail_session(bridge_id, "relay creation failed: " + failure.message(), true);
        }
        return;
    }
    if (!remote || !remote->bridge.relay_id || !local->bridge.relay_id ||
        remote->relays.count(*local->bridge.relay_id) == 0) {
        return;  // the other side left the cascade meanwhile: nobody to hand the transport to
    }
    const auto* answer = reply->relay(*remote->bridge.relay_id);
    if (!answer || !answer->transport || !answer->transport->ice_udp) {
        colibri_logger()->warn("room={} bridge={} answered a relay create without a transport", settings_.room_name,
                               bridge_id);
        allocator_.report_failure(bridge_id, false);
        fail_session(bridge_id, "relay answer without a transport", true);
        return;
    }
    // This bridge's side of the link, for the other bridge: DTLS setup is this side's role, and the bridge channel
    // web socket is only for a receiving side that opens it (the active one, when SCTP is not used).
    stanza::IceUdpTransport transport = *answer->transport->ice_udp;
    for (auto& fingerprint : transport.fingerprints) {
        fingerprint.setup = initiator ? "active" : "passive";
    }
    const bool receiver_connects = !initiator && !settings_.relays.sctp;
    if (!receiver_connects) {
        transport.web_sockets.clear();
    }
    stanza::Colibri2Relay relay;
    relay.id = *local->bridge.relay_id;
    relay.transport = stanza::Colibri2Transport{};
    relay.transport->ice_udp = std::move(transport);
    send_relay_update(*remote, std::move(relay));
}

void ColibriSessionManager::relay_endpoint(const std::string& bridge_id, const std::string& endpoint_id,
                                           RelayChange change) {
    auto found = relayed_.find(endpoint_id);
    if (found == relayed_.end() || found->second.visitor) {
        return;
    }
    for (auto& [id, session] : sessions_) {
        if (id == bridge_id || !in_cascade(id)) {
            continue;
        }
        auto hop = next_hop(id, bridge_id);
        auto* via = hop ? session_for(*hop) : nullptr;
        if (!via || !via->bridge.relay_id || session->relays.count(*via->bridge.relay_id) == 0) {
            continue;
        }
        stanza::Colibri2Relay relay;
        relay.id = *via->bridge.relay_id;
        relay.endpoints.push_back(relayed_endpoint_element(endpoint_id, change));
        send_relay_update(*session, std::move(relay));
    }
}

void ColibriSessionManager::send_relay_update(const BridgeSession& session, stanza::Colibri2Relay relay) {
    stanza::ConferenceModify request;
    request.meeting_id = settings_.meeting_id;
    const std::string relay_id = relay.id;
    request.relays.push_back(std::move(relay));
    std::weak_ptr<bool> alive = alive_;
    transport_.send(session.bridge.jid, request,
                    [this, alive, bridge_id = session.bridge.id, relay_id](const ColibriReply& reply) {
                        if (alive.lock() && !reply) {
                            // The relay is repaired by the next change of the cascade; the session itself stands.
                            colibri_logger()->warn("room={} bridge={} relay {} update failed: {}", settings_.room_name,
                                                   bridge_id, relay_id, reply.error().message());
                        }
                    });
}

std::optional<std::string> ColibriSessionManager::next_hop(const std::string& from, const std::string& to) const {
    if (!cascade_ || from == to) {
        return std::nullopt;
    }
    // Breadth-first from `to`, so that the first node seen next to `from` is its neighbour on a shortest path.
    std::map<std::string, std::string> towards_to;  // node -> its neighbour one step closer to `to`
    std::deque<std::string> queue{to};
    towards_to[to] = to;
    while (!queue.empty()) {
        const auto node = queue.front();
        queue.pop_front();
        for (const auto& [neighbour, mesh] : cascade_->links_of(node)) {
            if (towards_to.emplace(neighbour, node).second) {
                if (neighbour == from) {
                    return node;
                }
                queue.push_back(neighbour);
            }
        }
    }
    return std::nullopt;
}

}  // namespace jicofo::colibri
