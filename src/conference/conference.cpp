// The focus in one MUC room: join and configure, participants from the room's presence, auto-owner, timeouts and a
// clean end (leave, then tell the room map). Everything here runs on the conference's strand.
#include "jicofo/conference/conference.hpp"

#include "jicofo/core/error.hpp"
#include "jicofo/core/logging.hpp"
#include "jicofo/core/random.hpp"
#include "jicofo/stanza/focus.hpp"
#include "jicofo/stanza/jitsi_presence.hpp"
#include "jicofo/xmpp/xmpp_connection.hpp"

#include <boost/asio/post.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <chrono>
#include <cstdio>
#include <random>

namespace jicofo::conference {
namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto log = core::module_logger("conference");
    return log;
}

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

ParticipantSnapshot participant_snapshot(const xmpp::Member& member) {
    ParticipantSnapshot p;
    p.endpoint_id = member.nick;
    if (member.real_jid) {
        p.real_jid = member.real_jid->to_string();
    }
    p.stats_id = member.stats_id;
    p.region = member.region;
    p.role = member.role;
    p.audio_muted = member.audio_muted;
    p.video_muted = member.video_muted;
    p.is_jibri = member.is_jibri;
    p.is_jigasi = member.is_jigasi;
    p.is_transcriber = member.is_transcriber;
    p.diarize = member.diarize;
    p.features = member.features;
    if (member.video_codecs) {
        p.video_codecs = *member.video_codecs;
    }
    if (member.caps) {
        p.caps = member.caps->node + "#" + member.caps->ver;
    }
    return p;
}

}  // namespace

std::shared_ptr<const SharedConferenceSettings> share_conference_settings(
    ConferenceSettings settings, std::shared_ptr<const VisitorNodes> visitor_nodes) {
    stanza::Versions versions;
    versions.components.push_back({"focus", settings.version});
    stanza::ConferenceProperties properties;
    properties.set("support-terminate-restart", "true");
    properties.set("visitors-enabled", settings.visitors_supported ? "true" : "false");
    auto presence = std::make_shared<const std::vector<stanza::XmlElement>>(
        std::vector<stanza::XmlElement>{versions.to_xml(), properties.to_xml()});
    return std::make_shared<const SharedConferenceSettings>(
        SharedConferenceSettings{std::move(settings), std::move(presence),
                                 visitor_nodes ? std::move(visitor_nodes) : std::make_shared<const VisitorNodes>()});
}

std::shared_ptr<Conference> Conference::create(xmpp::XmppConnection& connection,
                                               const boost::asio::any_io_executor& executor,
                                               std::shared_ptr<const SharedConferenceSettings> shared, stanza::Jid room,
                                               ConferenceCallbacks callbacks, ParticipantListener listener,
                                               std::shared_ptr<const MediaSetup> media,
                                               std::shared_ptr<const FeatureSlots> features) {
    return std::shared_ptr<Conference>(new Conference(connection, executor, std::move(shared), std::move(room),
                                                      std::move(callbacks), std::move(listener), std::move(media),
                                                      std::move(features)));
}

Conference::Conference(xmpp::XmppConnection& connection, const boost::asio::any_io_executor& executor,
                       std::shared_ptr<const SharedConferenceSettings> shared, stanza::Jid room,
                       ConferenceCallbacks callbacks, ParticipantListener listener,
                       std::shared_ptr<const MediaSetup> media, std::shared_ptr<const FeatureSlots> features)
    : connection_(connection),
      strand_(boost::asio::make_strand(executor)),
      shared_(std::move(shared)),
      settings_(shared_->settings),
      room_jid_(std::move(room)),
      callbacks_(std::move(callbacks)),
      listener_(std::move(listener)),
      media_setup_(std::move(media)),
      feature_slots_(std::move(features)),
      created_ms_(now_ms()),
      initial_timer_(strand_),
      single_participant_timer_(strand_) {}

Conference::~Conference() {
    // The room must be destroyed on its strand; normally finish_end() already did.
    if (room_) {
        boost::asio::post(strand_, [room = std::shared_ptr<xmpp::MucRoom>(std::move(room_))] {});
    }
}

void Conference::start(std::function<void(std::error_code)> joined) {
    boost::asio::post(strand_, [self = shared_from_this(), joined = std::move(joined)]() mutable {
        if (self->ended_) {
            joined(make_error_code(core::Errc::shutting_down));
            return;
        }
        self->joined_callback_ = std::move(joined);
        self->create_feature_instances();
        xmpp::MucRoomSettings room_settings;
        room_settings.room = self->room_jid_;
        room_settings.member_options.trusted_domains = self->settings_.trusted_domains;
        room_settings.member_options.keep_presence = false;
        room_settings.configure = true;
        room_settings.timeout = self->settings_.join_timeout;
        std::weak_ptr<Conference> weak = self;
        self->room_ = std::make_unique<xmpp::MucRoom>(self->connection_, self->strand_, room_settings,
                                                      [weak](const xmpp::MucEvent& event) {
                                                          if (auto conference = weak.lock()) {
                                                              conference->on_event(event);
                                                          }
                                                      });
        self->room_->join(self->settings_.focus_nick, std::nullopt, self->shared_->focus_presence,
                          [weak](xmpp::JoinResult result) {
                              if (auto conference = weak.lock()) {
                                  conference->on_join(std::move(result));
                              }
                          });
    });
}

void Conference::on_join(xmpp::JoinResult result) {
    assert(strand_.running_in_this_thread());
    auto joined = std::exchange(joined_callback_, nullptr);
    if (!result) {
        logger()->warn("room={} join failed: {}", room_jid_.to_string(), result.error().message());
        if (joined) {
            joined(result.error());
        }
        end("join failed");
        return;
    }
    if (result->own_role != xmpp::MemberRole::owner) {
        // Jicofo needs ownership to configure the room and grant roles; without it the conference cannot work.
        logger()->warn("room={} the focus is {} in the room, not owner; ending", room_jid_.to_string(),
                       to_string(result->own_role));
        if (joined) {
            joined(make_error_code(core::Errc::not_allowed));
        }
        end("not owner");
        return;
    }
    joined_ = true;
    room_info_ = result->info;
    meeting_id_ = result->info.meeting_id.value_or("");
    if (meeting_id_.empty()) {
        meeting_id_ = core::random_uuid();
    }
    logger()->info("room={} meeting_id={} joined (created={}, configured={})", room_jid_.to_string(), meeting_id_,
                   result->created, result->configured);
    start_media();
    publish(ConferenceJoined{});
    if (joined) {
        joined({});
    }
    // Nobody came: end after initial-timeout. Occupants already in the room arrive as MemberJoined right after this.
    arm_initial_timer();
}

void Conference::arm_initial_timer() {
    assert(strand_.running_in_this_thread());
    initial_timer_.expires_after(settings_.initial_timeout);
    initial_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
        if (!ec && self->participants_.empty() && !self->held_open()) {
            logger()->info("room={} nobody joined within {} ms", self->room_jid_.to_string(),
                           self->settings_.initial_timeout.count());
            self->end("initial timeout");
        }
    });
}

void Conference::request_arrived() {
    boost::asio::post(strand_, [self = shared_from_this()] {
        // Only while the room is joined and still waiting for its first participant; a running conference ends by
        // its own rules.
        if (!self->ended_ && self->joined_ && self->participants_.empty()) {
            logger()->debug("room={} another conference request: initial-timeout starts again",
                            self->room_jid_.to_string());
            self->arm_initial_timer();
        }
    });
}

void Conference::on_event(const xmpp::MucEvent& event) {
    assert(strand_.running_in_this_thread());
    if (ended_) {
        return;
    }
    if (const auto* e = std::get_if<xmpp::MemberJoined>(&event)) {
        member_joined(e->member);
    } else if (const auto* e = std::get_if<xmpp::MemberUpdated>(&event)) {
        member_updated(e->member);
    } else if (const auto* e = std::get_if<xmpp::MemberLeft>(&event)) {
        member_left(e->member, false);
    } else if (const auto* e = std::get_if<xmpp::MemberKicked>(&event)) {
        member_left(e->member, true);
    } else if (const auto* e = std::get_if<xmpp::OwnRoleChanged>(&event)) {
        if (e->current != xmpp::MemberRole::owner) {
            logger()->warn("room={} the focus lost ownership ({}); ending", room_jid_.to_string(),
                           to_string(e->current));
            end("lost ownership");
        }
    } else if (std::holds_alternative<xmpp::RoomDestroyed>(event)) {
        end("room destroyed");
    } else if (const auto* e = std::get_if<xmpp::Left>(&event)) {
        end(e->reason == xmpp::LeaveReason::kicked ? "focus kicked" : "focus left the room");
    } else if (const auto* e = std::get_if<xmpp::Rejoined>(&event)) {
        if (!e->result) {
            end("re-join failed");
        }
    }
}

std::vector<xmpp::SharedMember>::iterator Conference::find_participant(const std::string& nick) {
    return std::find_if(participants_.begin(), participants_.end(),
                        [&nick](const xmpp::SharedMember& m) { return m->nick == nick; });
}

void Conference::notify(ParticipantEvent::Kind kind, const xmpp::SharedMember& member) {
    if (media_) {
        switch (kind) {
            case ParticipantEvent::Kind::joined: media_->participant_joined(member); break;
            case ParticipantEvent::Kind::updated: media_->participant_updated(member); break;
            case ParticipantEvent::Kind::left: media_->participant_left(member->nick); break;
            case ParticipantEvent::Kind::alone_timeout: media_->participant_alone(member->nick); break;
        }
    }
    if (listener_) {
        listener_(ParticipantEvent{kind, *member});
    }
}

void Conference::member_joined(const xmpp::SharedMember& member) {
    if (find_participant(member->nick) != participants_.end()) {
        member_updated(member);
        return;
    }
    participants_.push_back(member);
    initial_timer_.cancel();
    logger()->info("room={} endpoint={} joined ({} participants)", room_jid_.to_string(), member->nick,
                   participants_.size());
    notify(ParticipantEvent::Kind::joined, member);
    publish(MemberJoined{member});
    if (callbacks_.size_changed) {
        callbacks_.size_changed(participants_.size(), true);
    }
    elect_owner();
    grant_owner_if_authenticated(*member);
    arm_single_participant_timer();
}

void Conference::member_updated(const xmpp::SharedMember& member) {
    auto it = find_participant(member->nick);
    if (it == participants_.end()) {
        member_joined(member);
        return;
    }
    const auto before = std::exchange(*it, member);
    notify(ParticipantEvent::Kind::updated, member);
    publish(MemberUpdated{before, member});
    if (before->role != member->role || before->affiliation != member->affiliation) {
        publish(MemberRoleChanged{member, before->role});
    }
}

void Conference::member_left(const xmpp::SharedMember& member, bool kicked) {
    auto it = find_participant(member->nick);
    if (it == participants_.end()) {
        return;
    }
    const auto left = *it;  // the value it had here (the room's last one may differ)
    participants_.erase(it);
    logger()->info("room={} endpoint={} {} ({} participants)", room_jid_.to_string(), member->nick,
                   kicked ? "was kicked" : "left", participants_.size());
    notify(ParticipantEvent::Kind::left, left);
    // The room's last presence of the member: its status ("switch_room") says why it left.
    publish(MemberLeft{left, member->status, kicked});
    if (callbacks_.size_changed) {
        callbacks_.size_changed(participants_.size(), false);
    }
    if (participants_.empty()) {
        end_if_empty("the last participant left");
        return;
    }
    if (owner_ && *owner_ == member->nick) {
        owner_.reset();
        elect_owner();
    }
    arm_single_participant_timer();
}

// Jicofo's auto-owner: unless somebody already owns the room, the longest-present member that is not Jibri, Jigasi
// or a visitor (and whose real JID we know, since the grant names it) becomes owner. With authentication on, Jicofo
// makes the authenticated members owners instead, and nobody else.
void Conference::elect_owner() {
    // Not in breakout rooms: their moderators come from the main room.
    if (!settings_.enable_auto_owner || !room_ || callbacks_.grants_owner || room_info_.is_breakout) {
        return;
    }
    for (const auto& member : participants_) {
        if (member->affiliation == stanza::MucAffiliation::owner) {
            owner_ = member->nick;
            return;
        }
    }
    if (owner_ && find_participant(*owner_) != participants_.end()) {
        return;  // granted, the room has not confirmed yet
    }
    for (const auto& shared : participants_) {
        const auto& member = *shared;
        if (member.is_jibri || member.is_jigasi || member.is_visitor() || !member.real_jid) {
            continue;
        }
        owner_ = member.nick;
        logger()->info("room={} endpoint={} made owner", room_jid_.to_string(), member.nick);
        room_->grant_affiliation(*member.real_jid, stanza::MucAffiliation::owner,
                                 [room = room_jid_.to_string(), nick = member.nick](std::optional<xmpp::IqError> e) {
                                     if (e) {
                                         logger()->warn("room={} endpoint={} owner grant failed: {}", room, nick,
                                                        e->message());
                                     }
                                 });
        return;
    }
}

void Conference::arm_single_participant_timer() {
    if (participants_.size() != 1) {
        single_participant_timer_.cancel();
        return;
    }
    single_participant_timer_.expires_after(settings_.single_participant_timeout);
    single_participant_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
        if (ec || self->ended_ || self->participants_.size() != 1) {
            return;
        }
        logger()->info("room={} endpoint={} alone for {} ms", self->room_jid_.to_string(),
                       self->participants_.front()->nick, self->settings_.single_participant_timeout.count());
        self->notify(ParticipantEvent::Kind::alone_timeout, self->participants_.front());
    });
}

void Conference::end(const std::string& reason) {
    assert(strand_.running_in_this_thread());
    if (ended_) {
        return;
    }
    publish(ConferenceEnding{reason});
    ended_ = true;
    logger()->info("room={} meeting_id={} conference ends: {}", room_jid_.to_string(), meeting_id_, reason);
    holds_.clear();
    initial_timer_.cancel();
    single_participant_timer_.cancel();
    if (media_) {
        media_->stop();  // sessions end and the bridges forget the conference while we still can tell them
    }
    if (auto joined = std::exchange(joined_callback_, nullptr)) {
        joined(make_error_code(core::Errc::shutting_down));
    }
    if (room_ && room_->joined()) {
        room_->leave([self = shared_from_this()](bool) {
            // Not from inside the room's own callback: finish_end destroys the room.
            boost::asio::post(self->strand_, [self] { self->finish_end(); });
        });
        return;
    }
    boost::asio::post(strand_, [self = shared_from_this()] { self->finish_end(); });
}

void Conference::finish_end() {
    assert(strand_.running_in_this_thread());
    if (!room_ && participants_.empty() && !callbacks_.ended) {
        return;
    }
    room_.reset();
    media_.reset();
    features_.clear();
    for (const auto& member : std::exchange(participants_, {})) {
        notify(ParticipantEvent::Kind::left, member);
    }
    if (auto ended = std::exchange(callbacks_.ended, nullptr)) {
        ended();
    }
}

void Conference::start_media() {
    if (!media_setup_ || !media_setup_->ports) {
        return;
    }
    media_ports_ = media_setup_->ports(strand_, room_jid_);
    if (!media_ports_.signaling || !media_ports_.colibri || !media_ports_.allocator) {
        return;
    }
    // The settings stay in the shared setup; the media layer holds the setup alive through them.
    std::shared_ptr<const ConferenceMediaSettings> settings(media_setup_, &media_setup_->settings);
    media_ = std::make_unique<ConferenceMedia>(*media_ports_.signaling, *media_ports_.colibri, *media_ports_.allocator,
                                               std::move(settings), callbacks_.options, room_jid_, meeting_id_,
                                               media_ports_.timers.get());
    // The features decide who is force-muted (AV moderation) and whose sources are refused (sender limits); the
    // room metadata who starts muted.
    media_->set_policy(this);
    media_->set_start_muted(metadata_.start_muted);
}

void Conference::run(const std::function<void(ConferenceView*)>& fn) {
    boost::asio::post(strand_, [self = shared_from_this(), fn] {
        fn(self->ended_ ? nullptr : static_cast<ConferenceView*>(self.get()));
    });
}

void Conference::bridge_event(BridgeEvent event) {
    boost::asio::post(strand_, [self = shared_from_this(), event = std::move(event)] {
        if (!self->media_ || self->ended_) {
            return;
        }
        if (event.up()) {
            self->media_->bridge_up(event.bridge_id);
        } else {
            self->media_->bridge_down(event.bridge_id, std::string(to_string(event.kind)));
        }
    });
}

void Conference::move_endpoints(std::optional<std::string> bridge_id, std::optional<std::string> endpoint_id,
                                int max_count, std::function<void(int moved)> done) {
    boost::asio::post(strand_, [self = shared_from_this(), bridge_id = std::move(bridge_id),
                                endpoint_id = std::move(endpoint_id), max_count, done = std::move(done)] {
        const bool running = self->media_ && !self->ended_;
        done(running ? self->media_->move_endpoints(bridge_id, endpoint_id, max_count) : 0);
    });
}

void Conference::stop() {
    boost::asio::post(strand_, [self = shared_from_this()] { self->end("stopped"); });
}

void Conference::async_snapshot(std::function<void(ConferenceSnapshot)> done) {
    boost::asio::post(strand_, [self = shared_from_this(), done = std::move(done)] { done(self->snapshot()); });
}

ConferenceSnapshot Conference::snapshot() const {
    assert(strand_.running_in_this_thread());
    ConferenceSnapshot s;
    s.room = room_jid_;
    s.meeting_id = meeting_id_;
    s.joined = joined_ && !ended_;
    s.ended = ended_;
    s.created_ms = created_ms_;
    s.owner = owner_;
    s.participants.reserve(participants_.size());
    for (const auto& member : participants_) {
        s.participants.push_back(participant_snapshot(*member));
    }
    if (media_) {
        s.media = media_->snapshot();
    }
    s.main_room = room_info_.main_room;
    for (const auto& [key, hold] : holds_) {
        s.holds.push_back(key);
    }
    for (std::size_t i = 0; i < features_.size(); ++i) {
        if (features_[i]) {
            if (auto json = features_[i]->debug_json()) {
                s.features.emplace_back((*feature_slots_)[i].name, std::move(*json));
            }
        }
    }
    s.focus_nick = settings_.focus_nick;
    if (callbacks_.grants_owner) {
        s.role_manager = "AuthenticationRoleManager";
    } else if (settings_.enable_auto_owner && !room_info_.is_breakout) {
        s.role_manager = "AutoOwnerRoleManager";
    }
    s.room_state = {metadata_.start_muted,   metadata_.moderators,       metadata_.participants,
                    metadata_.visitors_live, metadata_.visitors_enabled, metadata_.participants_soft_limit,
                    metadata_.lobby_enabled};
    s.properties = current_properties().entries;
    return s;
}

}  // namespace jicofo::conference
