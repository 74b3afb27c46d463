// A conference's visitor rooms and its visitors (conference_visitors.hpp).
#include "conference_visitors.hpp"

#include "jicofo/core/logging.hpp"
#include "jicofo/xmpp/connection_state.hpp"
#include "jicofo/xmpp/xmpp_connection.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <variant>

namespace jicofo::visitors {
namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto log = core::module_logger("visitors");
    return log;
}

void set_property(std::vector<stanza::ConferenceProperty>& properties, const std::string& name, std::string value) {
    for (auto& property : properties) {
        if (property.name == name) {
            property.value = std::move(value);
            return;
        }
    }
    properties.push_back({name, std::move(value)});
}

std::string join(const std::vector<std::string>& items) {
    std::string text;
    for (const auto& item : items) {
        text += text.empty() ? item : "," + item;
    }
    return text;
}

}  // namespace

ConferenceVisitors::ConferenceVisitors(feature::ConferenceView& view, std::shared_ptr<VisitorsService> service)
    : view_(view), service_(std::move(service)), notify_timer_(view.strand()) {}

ConferenceVisitors::~ConferenceVisitors() {
    // The conference is gone: its visitors are no longer on their nodes' tallies.
    for (auto& [id, room] : rooms_) {
        for (std::size_t i = 0; i < room.visitors.size(); ++i) {
            service_->visitor_removed(id);
        }
        for (auto& waiting : room.waiting) {
            waiting(false);
        }
    }
    if (visitors_ > 0) {
        service_->conference_with_visitors(false);
    }
}

RoomFacts ConferenceVisitors::room_facts() const {
    RoomFacts facts;
    const auto& info = view_.room_info();
    const auto& metadata = view_.metadata();
    facts.lobby_enabled = info.lobby_enabled || metadata.lobby_enabled;
    facts.visitors_enabled = metadata.visitors_enabled ? metadata.visitors_enabled : info.visitors_enabled;
    facts.is_breakout = info.is_breakout;
    facts.participants_soft_limit =
        metadata.participants_soft_limit ? metadata.participants_soft_limit : info.participants_soft_limit;
    for (const auto& member : view_.members()) {
        // The main room's users: not visitors (their rooms are elsewhere), Jibri or transcribers.
        if (!member->is_jibri && !member->is_transcriber && member->occupant_jid.bare() == view_.room()) {
            ++facts.main_room_users;
        }
    }
    facts.visitor_rooms_in_use = !rooms_.empty();
    facts.live = metadata.visitors_live;
    facts.moderators = metadata.moderators;
    facts.participants = metadata.participants;
    return facts;
}

bool ConferenceVisitors::nodes_and_component() const {
    return !view_.visitor_nodes().empty() && service_->component_known();
}

std::vector<NodeLoad> ConferenceVisitors::loads() {
    const auto now = Clock::now();
    std::vector<NodeLoad> loads;
    for (const auto& node : view_.visitor_nodes().nodes()) {
        NodeLoad load;
        load.id = node.id;
        load.up = node.connection && node.connection->status().state == xmpp::ConnectionState::connected;
        load.visitors_total = service_->visitors_on(node.id);
        if (auto it = rooms_.find(node.id); it != rooms_.end()) {
            auto& room = it->second;
            // A redirect that did not turn into a visitor within the interval is not coming.
            while (!room.pending.empty() &&
                   now - room.pending.front() > service_->config().vnode_join_latency_interval) {
                room.pending.pop_front();
            }
            load.joined = true;
            load.visitors_here = static_cast<int>(room.visitors.size() + room.pending.size());
        }
        loads.push_back(std::move(load));
    }
    return loads;
}

void ConferenceVisitors::shape(const conference::RequestFacts& facts, conference::ConferenceReply reply,
                               std::function<void(conference::ConferenceReply)> done) {
    const auto& config = service_->config();
    const auto room = room_facts();
    const bool available = nodes_and_component();
    set_property(reply.properties, "visitors-supported",
                 visitors_supported(config, available, room) ? "true" : "false");
    if (ending_) {
        done(std::move(reply));
        return;
    }
    switch (place(config, available, facts, room)) {
        case Placement::main_room: done(std::move(reply)); return;
        case Placement::queue:
            logger()->debug("room={} a visitor waits for the room to go live", view_.room().to_string());
            reply.ready = false;
            set_property(reply.properties, "live", "false");
            done(std::move(reply));
            return;
        case Placement::visitor: break;
    }
    auto chosen = choose_node(loads(), config.max_visitors_per_node);
    const auto* node = chosen ? view_.visitor_nodes().node(*chosen) : nullptr;
    if (node == nullptr) {
        logger()->warn("room={} a visitor node is needed but none is up; the client joins the main room",
                       view_.room().to_string());
        done(std::move(reply));
        return;
    }
    redirect(*node, std::move(reply), std::move(done));
}

void ConferenceVisitors::redirect(const conference::VisitorNode& node, conference::ConferenceReply reply,
                                  std::function<void(conference::ConferenceReply)> done) {
    auto* room = open_room(node);
    if (room == nullptr) {
        reply.ready = false;  // the client asks again, and the next attempt may find the node up
        done(std::move(reply));
        return;
    }
    room->pending.push_back(Clock::now());
    auto answer = [service = service_, id = node.id, focus = node.focus_jid, reply = std::move(reply),
                   done = std::move(done), room_jid = view_.room().to_string()](bool joined) mutable {
        if (joined) {
            reply.vnode = id;
            reply.focus_jid = focus;
            service->count_redirect();
            logger()->info("room={} visitor redirected to vnode={}", room_jid, id);
        } else {
            reply.ready = false;
        }
        done(std::move(reply));
    };
    if (room->joined) {
        answer(true);
    } else {
        room->waiting.push_back(std::move(answer));
    }
}

ConferenceVisitors::Room* ConferenceVisitors::open_room(const conference::VisitorNode& node) {
    if (auto it = rooms_.find(node.id); it != rooms_.end()) {
        return &it->second;
    }
    auto jid = view_.visitor_nodes().visitor_room(view_.room(), node);
    if (!jid || !node.connection) {
        logger()->error("room={} cannot be mapped onto vnode={} (xmpp-domain {})", view_.room().to_string(), node.id,
                        node.xmpp_domain);
        return nullptr;
    }
    Room& room = rooms_[node.id];
    room.node = &node;
    room.jid = *jid;
    xmpp::MucRoomSettings settings;
    settings.room = *jid;
    settings.member_options.trusted_domains = service_->trusted_domains();
    settings.member_options.keep_presence = false;
    settings.configure = true;
    // A node that restarted has forgotten the room and its visitors: the room is dropped, not joined again.
    settings.rejoin_after_fresh_session = false;
    std::weak_ptr<bool> alive = alive_;
    room.muc = std::make_unique<xmpp::MucRoom>(*node.connection, view_.strand(), settings,
                                               [this, alive, id = node.id](const xmpp::MucEvent& event) {
                                                   if (alive.lock()) {
                                                       on_room_event(id, event);
                                                   }
                                               });
    logger()->info("room={} joining its visitor room {} on vnode={}", view_.room().to_string(), jid->to_string(),
                   node.id);
    room.muc->join(std::string(view_.focus_occupant().resource()), std::nullopt, view_.focus_presence(),
                   [this, alive, id = node.id](xmpp::JoinResult result) {
                       if (alive.lock()) {
                           on_joined(id, result);
                       }
                   });
    return &room;
}

void ConferenceVisitors::on_joined(const std::string& node_id, const xmpp::JoinResult& result) {
    auto it = rooms_.find(node_id);
    if (it == rooms_.end()) {
        return;
    }
    auto& room = it->second;
    if (!result) {
        logger()->warn("room={} visitor room {} not joined: {}", view_.room().to_string(), room.jid.to_string(),
                       result.error().message());
        drop_room(node_id, "join failed", false);  // a room whose join failed is not kept
        return;
    }
    room.joined = true;
    if (service_->config().auto_enable_broadcast) {
        service_->send(stanza::VisitorsIq{view_.room(), {{stanza::VisitorsIq::Action::connect_vnode, node_id}}});
    } else {
        logger()->info("room={} vnode={} joined; broadcast not enabled yet", view_.room().to_string(), node_id);
    }
    for (auto& waiting : std::exchange(room.waiting, {})) {
        waiting(true);
    }
}

void ConferenceVisitors::on_room_event(const std::string& node_id, const xmpp::MucEvent& event) {
    auto it = rooms_.find(node_id);
    if (it == rooms_.end() || ending_) {
        return;
    }
    auto& room = it->second;
    if (const auto* joined = std::get_if<xmpp::MemberJoined>(&event)) {
        if (joined->member->is_visitor()) {
            visitor_in(room, joined->member);
        }
    } else if (const auto* updated = std::get_if<xmpp::MemberUpdated>(&event)) {
        if (updated->member->is_visitor()) {
            visitor_in(room, updated->member);
        } else {
            visitor_out(room, updated->member->nick);  // no longer a visitor there: not ours to serve
        }
    } else if (const auto* left = std::get_if<xmpp::MemberLeft>(&event)) {
        visitor_out(room, left->member->nick);
    } else if (const auto* kicked = std::get_if<xmpp::MemberKicked>(&event)) {
        visitor_out(room, kicked->member->nick);
    } else if (std::holds_alternative<xmpp::RoomDestroyed>(event)) {
        drop_room(node_id, "the visitor room was destroyed", true);
    } else if (const auto* out = std::get_if<xmpp::Left>(&event)) {
        drop_room(node_id,
                  out->reason == xmpp::LeaveReason::session_lost ? "the node's session was lost"
                                                                 : "the focus is out of the visitor room",
                  true);
    }
}

void ConferenceVisitors::drop_room(const std::string& node_id, const char* why, bool tell_component) {
    auto it = rooms_.find(node_id);
    if (it == rooms_.end()) {
        return;
    }
    Room room = std::move(it->second);
    rooms_.erase(it);
    logger()->warn("room={} visitor room {} on vnode={} dropped ({}); {} visitors leave", view_.room().to_string(),
                   room.jid.to_string(), node_id, why, room.visitors.size());
    for (auto& waiting : std::exchange(room.waiting, {})) {
        waiting(false);
    }
    for (const auto& [nick, member] : room.visitors) {
        view_.remove_visitor(member);
        service_->visitor_removed(node_id);
        --visitors_;
    }
    if (!room.visitors.empty()) {
        if (visitors_ == 0) {
            service_->conference_with_visitors(false);
        }
        count_changed();
    }
    if (tell_component && room.joined) {
        service_->send(stanza::VisitorsIq{view_.room(), {{stanza::VisitorsIq::Action::disconnect_vnode, node_id}}});
    }
    // Not from inside the room's own callback: it is destroyed after this turn.
    boost::asio::post(view_.strand(), [muc = std::shared_ptr<xmpp::MucRoom>(std::move(room.muc))] {});
}

void ConferenceVisitors::visitor_in(Room& room, const xmpp::SharedMember& member) {
    auto [it, added] = room.visitors.insert_or_assign(member->nick, member);
    if (added) {
        if (!room.pending.empty()) {
            room.pending.pop_front();  // the redirect it came from
        }
        service_->visitor_added(room.node->id);
        if (++visitors_ == 1) {
            service_->conference_with_visitors(true);
        }
    }
    view_.add_visitor(member);
    count_changed();
}

void ConferenceVisitors::visitor_out(Room& room, const std::string& nick) {
    auto it = room.visitors.find(nick);
    if (it == room.visitors.end()) {
        return;
    }
    const auto member = it->second;
    room.visitors.erase(it);
    view_.remove_visitor(member);
    service_->visitor_removed(room.node->id);
    if (--visitors_ == 0) {
        service_->conference_with_visitors(false);
    }
    count_changed();
}

// visitor-count and visitor-codecs, at most once per notification-interval: each one is a presence Prosody
// broadcasts to the whole main room.
void ConferenceVisitors::count_changed() {
    if (notify_pending_ || ending_) {
        return;
    }
    const auto due = last_notify_ + service_->config().notification_interval;
    if (Clock::now() >= due) {
        publish_count();
        return;
    }
    notify_pending_ = true;
    notify_timer_.expires_at(due);
    notify_timer_.async_wait([this, alive = std::weak_ptr<bool>(alive_)](boost::system::error_code ec) {
        if (ec || !alive.lock()) {
            return;
        }
        notify_pending_ = false;
        if (!ending_) {
            publish_count();
        }
    });
}

void ConferenceVisitors::publish_count() {
    last_notify_ = Clock::now();
    std::vector<std::vector<std::string>> preferences;
    for (const auto& [id, room] : rooms_) {
        for (const auto& [nick, member] : room.visitors) {
            if (member->video_codecs) {
                preferences.push_back(*member->video_codecs);
            }
        }
    }
    const auto codecs = aggregate_codecs(preferences);
    view_.set_conference_property("visitor-count", std::to_string(visitors_));
    view_.set_conference_property("visitor-codecs", codecs.empty() ? std::nullopt : std::optional(join(codecs)));
}

void ConferenceVisitors::on_event(feature::ConferenceView& view, const conference::ConferenceEvent& event) {
    (void)view;
    if (!std::holds_alternative<conference::ConferenceEnding>(event)) {
        return;
    }
    ending_ = true;
    notify_timer_.cancel();
    stanza::VisitorsIq disconnect{view_.room(), {}};
    for (auto& [id, room] : rooms_) {
        if (room.joined) {
            disconnect.changes.push_back({stanza::VisitorsIq::Action::disconnect_vnode, id});
        }
        for (auto& waiting : std::exchange(room.waiting, {})) {
            waiting(false);
        }
        if (room.muc) {
            room.muc->leave();
        }
    }
    if (!disconnect.changes.empty()) {
        service_->send(std::move(disconnect));
    }
}

std::optional<std::string> ConferenceVisitors::debug_json() const {
    if (rooms_.empty()) {
        return std::nullopt;
    }
    nlohmann::ordered_json rooms = nlohmann::ordered_json::object();
    for (const auto& [id, room] : rooms_) {
        rooms[id] = {{"room", room.jid.to_string()},
                     {"joined", room.joined},
                     {"visitors", room.visitors.size()},
                     {"pending_redirects", room.pending.size()}};
    }
    return nlohmann::ordered_json{{"visitors", visitors_}, {"rooms", std::move(rooms)}}.dump();
}

}  // namespace jicofo::visitors
