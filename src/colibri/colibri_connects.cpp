// The conference-level connects (transcriber, translator web sockets) on the conference's bridges: which bridge gets
// which, with its region in the url, and only the differences sent (jicofo-protocol.md §4, "Transcriber/translator").
#include "jicofo/colibri/colibri_session_manager.hpp"

#include "session_state.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace jicofo::colibri {
namespace {

constexpr std::string_view kRegionPlaceholder = "{{REGION}}";

std::string resolve_region(std::string url, const std::optional<std::string>& region) {
    const std::string value = region.value_or("");
    for (auto at = url.find(kRegionPlaceholder); at != std::string::npos;
         at = url.find(kRegionPlaceholder, at + value.size())) {
        url.replace(at, kRegionPlaceholder.size(), value);
    }
    return url;
}

}  // namespace

void ColibriSessionManager::set_connects(std::vector<WantedConnect> wanted) {
    if (wanted == wanted_connects_) {
        return;
    }
    wanted_connects_ = std::move(wanted);
    reconcile_connects();
}

// The host stays where it is while its bridge is in the conference, so that a transcriber is not moved (and its
// stream cut) each time bridges come and go; otherwise it is the conference's oldest bridge.
void ColibriSessionManager::choose_connect_host() {
    const bool needed = std::any_of(wanted_connects_.begin(), wanted_connects_.end(),
                                    [](const WantedConnect& c) { return !c.on_bridge_of_endpoint; });
    if (!needed) {
        connect_host_.reset();
        return;
    }
    if (connect_host_ && sessions_.count(*connect_host_) != 0) {
        return;
    }
    connect_host_.reset();
    const BridgeSession* oldest = nullptr;
    for (const auto& [id, session] : sessions_) {
        if (!oldest || session->order < oldest->order) {
            oldest = session.get();
        }
    }
    if (oldest) {
        connect_host_ = oldest->bridge.id;
    }
}

std::map<std::string, stanza::Colibri2Connect> ColibriSessionManager::connects_for(const BridgeSession& session) const {
    std::map<std::string, stanza::Colibri2Connect> connects;
    const bool host = connect_host_ == session.bridge.id;
    for (const auto& wanted : wanted_connects_) {
        const bool here = wanted.on_bridge_of_endpoint
                              ? std::find(session.endpoints.begin(), session.endpoints.end(),
                                          *wanted.on_bridge_of_endpoint) != session.endpoints.end()
                              : host;
        if (!here) {
            continue;
        }
        auto connect = wanted.connect;
        connect.url = resolve_region(std::move(connect.url), session.bridge.region);
        connect.create = false;
        connect.expire = false;
        connects.emplace(connect.id, std::move(connect));
    }
    return connects;
}

void ColibriSessionManager::add_initial_connects(BridgeSession& session, stanza::ConferenceModify& request) {
    choose_connect_host();
    session.connects = connects_for(session);
    if (session.connects.empty()) {
        return;
    }
    auto& connects = request.connects.emplace();
    for (const auto& [id, connect] : session.connects) {
        connects.push_back(connect);
        connects.back().create = true;
    }
}

void ColibriSessionManager::reconcile_connects() {
    const bool signalled = std::any_of(sessions_.begin(), sessions_.end(),
                                       [](const auto& entry) { return !entry.second->connects.empty(); });
    if (wanted_connects_.empty() && !signalled) {
        return;
    }
    choose_connect_host();
    for (auto& [bridge_id, session] : sessions_) {
        // A conference being created got its share in the creating request, and is reconciled once it exists.
        if (session->state != BridgeSession::State::created) {
            continue;
        }
        auto wanted = connects_for(*session);
        std::vector<stanza::Colibri2Connect> changes;
        for (const auto& [id, connect] : session->connects) {
            if (wanted.count(id) == 0) {
                changes.push_back(connect);
                changes.back().expire = true;
            }
        }
        for (const auto& [id, connect] : wanted) {
            const auto current = session->connects.find(id);
            if (current == session->connects.end()) {
                changes.push_back(connect);
                changes.back().create = true;
            } else if (!(current->second == connect)) {
                changes.push_back(connect);  // the same connect with other parameters: signalled again, as an update
            }
        }
        if (changes.empty()) {
            continue;
        }
        session->connects = std::move(wanted);
        stanza::ConferenceModify request;
        request.meeting_id = settings_.meeting_id;
        request.connects = std::move(changes);
        colibri_logger()->info("room={} bridge={} connects: {} change(s), {} now", settings_.room_name, bridge_id,
                               request.connects->size(), session->connects.size());
        // A bridge that refuses a connect (an old bridge without the feature) keeps its participants: only the
        // transcription or translation is lost, and the log says so.
        std::weak_ptr<bool> alive = alive_;
        transport_.send(session->bridge.jid, request,
                        [alive, room = settings_.room_name, bridge_id = bridge_id](const ColibriReply& reply) {
                            if (alive.lock() && !reply) {
                                colibri_logger()->warn("room={} bridge={} connects update failed: {}", room, bridge_id,
                                                       reply.error().message());
                            }
                        });
    }
}

}  // namespace jicofo::colibri
