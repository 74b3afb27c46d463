// MucRoom: joining (and re-joining after a fresh session), occupant tracking from presence, our presence, leaving.
#include "muc_room_impl.hpp"

#include "jicofo/core/logging.hpp"
#include "jicofo/stanza/namespaces.hpp"

#include <boost/asio/post.hpp>

namespace jicofo::xmpp {

MucRoomImpl::MucRoomImpl(XmppConnection& connection, Strand strand, MucRoomSettings settings, MucEventHandler on_event)
    : connection_(connection),
      strand_(std::move(strand)),
      settings_(std::move(settings)),
      on_event_(std::move(on_event)),
      log_(core::module_logger("xmpp")),
      timeout_(settings_.timeout.count() > 0 ? settings_.timeout : connection.settings().reply_timeout),
      timer_(strand_) {}

void MucRoomImpl::start() {
    assert_on_strand();
    std::weak_ptr<MucRoomImpl> weak = weak_from_this();
    subscription_ = connection_.subscribe(settings_.room, strand_, [weak](const stanza::Presence& presence) {
        if (auto self = weak.lock()) {
            self->on_presence(presence);
        }
    });
    state_listener_ = connection_.add_state_listener(strand_, [weak](const ConnectionStatus& status) {
        if (auto self = weak.lock()) {
            self->on_status(status);
        }
    });
}

void MucRoomImpl::close() {
    assert_on_strand();
    if (closed_) {
        return;
    }
    closed_ = true;
    want_joined_ = false;
    subscription_.reset();
    state_listener_.reset();
    timer_.cancel();
    if (state_ == State::joining || state_ == State::configuring || state_ == State::joined) {
        stanza::Presence bye;
        bye.type = "unavailable";
        bye.to = occupant_jid_;
        connection_.send(bye);
    }
    state_ = State::left;
    join_done_ = nullptr;
    leave_done_ = nullptr;
}

void MucRoomImpl::join(std::string nick, std::optional<std::string> password, PresenceExtensions extensions,
                       std::function<void(JoinResult)> done) {
    assert_on_strand();
    auto fail_now = [&](std::error_code code) {
        boost::asio::post(strand_, [done = std::move(done), code] {
            if (done) {
                done(core::unexpected(code));
            }
        });
    };
    if (closed_ || state_ == State::joining || state_ == State::configuring || state_ == State::joined ||
        state_ == State::leaving) {
        fail_now(make_error_code(MucErrc::join_failed));
        return;
    }
    auto occupant = settings_.room.with_resource(nick);
    if (!occupant) {
        log_->warn("room={} invalid nick '{}': {}", settings_.room.to_string(), nick, occupant.error().message());
        fail_now(make_error_code(MucErrc::join_failed));
        return;
    }
    nick_ = std::move(nick);
    password_ = std::move(password);
    occupant_jid_ = *occupant;
    own_extensions_ = std::move(extensions);
    join_done_ = std::move(done);
    want_joined_ = true;
    rejoining_ = false;
    start_join();
}

stanza::Presence MucRoomImpl::own_presence_stanza(bool with_join) const {
    stanza::Presence presence;
    presence.to = occupant_jid_;
    if (with_join) {
        stanza::MucJoin x;
        x.password = password_;
        presence.extensions.push_back(x.to_xml());
    }
    if (own_extensions_) {
        presence.extensions.insert(presence.extensions.end(), own_extensions_->begin(), own_extensions_->end());
    }
    return presence;
}

void MucRoomImpl::start_join() {
    ++attempt_;
    state_ = State::joining;
    pending_members_.clear();
    deferred_.clear();
    created_ = false;
    configured_ = false;
    config_form_.reset();
    log_->info("room={} joining as {}{}", settings_.room.to_string(), nick_, rejoining_ ? " (re-join)" : "");
    connection_.send(own_presence_stanza(true));
    arm_timer(attempt_, timeout_);
}

void MucRoomImpl::arm_timer(std::uint64_t attempt, std::chrono::milliseconds after) {
    timer_.expires_after(after);
    std::weak_ptr<MucRoomImpl> weak = weak_from_this();
    timer_.async_wait([weak, attempt](boost::system::error_code ec) {
        auto self = weak.lock();
        if (ec || !self || self->closed_ || self->attempt_ != attempt) {
            return;
        }
        if (self->state_ == State::joining) {
            // The server may still process the join later: make sure we do not linger in the room.
            stanza::Presence bye;
            bye.type = "unavailable";
            bye.to = self->occupant_jid_;
            self->connection_.send(bye);
            self->fail_join(make_error_code(MucErrc::timeout), "no self-presence before the deadline");
        } else if (self->state_ == State::leaving) {
            self->finish_leave(false);
        }
    });
}

void MucRoomImpl::on_status(const ConnectionStatus& status) {
    if (closed_) {
        return;
    }
    if (status.state != ConnectionState::connected) {
        saw_disconnect_ = true;
        return;
    }
    const bool was_down = saw_disconnect_;
    saw_disconnect_ = false;
    if (!was_down || status.session != SessionKind::fresh || !want_joined_) {
        return;
    }
    if (!settings_.rejoin_after_fresh_session) {
        if (state_ != State::leaving && state_ != State::left) {
            lose_session();
        }
        return;
    }
    // Idle here means a previous re-join failed: this session is another chance.
    if (state_ != State::leaving && state_ != State::left) {
        // A fresh session: the server forgot our occupancy. Join again with the same nick and presence; the
        // initial join (if that is what was in progress) keeps its completion.
        rejoining_ = rejoining_ || state_ != State::joining || !join_done_;
        start_join();
    }
}

void MucRoomImpl::on_presence(const stanza::Presence& presence) {
    if (closed_ || !presence.from) {
        return;
    }
    if (presence.from->is_bare()) {
        log_->debug("room={} presence from the room itself ignored", settings_.room.to_string());
        return;
    }
    try {
        if (occupant_jid_ && *presence.from == *occupant_jid_) {
            on_own_presence(presence);
        } else {
            on_occupant_presence(presence);
        }
    } catch (const std::exception& e) {
        // A bug in a handler must not stall the room's presence stream.
        log_->error("room={} presence from {} failed: {}", settings_.room.to_string(), presence.from->to_string(),
                    e.what());
    }
}

void MucRoomImpl::on_own_presence(const stanza::Presence& presence) {
    if (presence.type && *presence.type == "error") {
        if (state_ == State::joining) {
            const auto condition =
                presence.error ? presence.error->condition : stanza::ErrorCondition::undefined_condition;
            fail_join(make_error_code(muc_errc_from_condition(condition)),
                      presence.error ? presence.error->message() : "error presence");
        } else {
            log_->warn("room={} our presence was refused: {}", settings_.room.to_string(),
                       presence.error ? presence.error->message() : "no error element");
        }
        return;
    }
    if (presence.is_unavailable()) {
        if (state_ == State::leaving) {
            finish_leave(true);
        } else if (state_ != State::idle && state_ != State::left) {
            on_removed(presence);
        }
        return;
    }
    if (presence.type) {
        return;  // subscription types are not for rooms
    }
    if (state_ == State::joining) {
        on_self_joined(presence);
        return;
    }
    const auto* x = presence.extension("x", stanza::kNsMucUser);
    auto user = x != nullptr ? stanza::MucUserPresence::parse(*x)
                             : stanza::ParseResult<stanza::MucUserPresence>(
                                   core::unexpected(stanza::StanzaError::bad_request("no muc#user")));
    if (!user || user->item() == nullptr) {
        log_->warn("room={} own presence without a usable muc#user item ignored", settings_.room.to_string());
        return;
    }
    const auto role = member_role_from(user->item()->affiliation.value_or(stanza::MucAffiliation::none),
                                       user->item()->role.value_or(stanza::MucRole::none));
    if (role != own_role_) {
        const auto previous = own_role_;
        own_role_ = role;
        log_->info("room={} our role changed {} -> {}", settings_.room.to_string(), to_string(previous),
                   to_string(role));
        emit(OwnRoleChanged{previous, role});
    }
}

void MucRoomImpl::on_self_joined(const stanza::Presence& presence) {
    timer_.cancel();
    const auto* x = presence.extension("x", stanza::kNsMucUser);
    if (x != nullptr) {
        if (auto user = stanza::MucUserPresence::parse(*x)) {
            created_ = user->has_status(stanza::kMucStatusRoomCreated);
            if (const auto* item = user->item()) {
                own_role_ = member_role_from(item->affiliation.value_or(stanza::MucAffiliation::none),
                                             item->role.value_or(stanza::MucRole::none));
            }
        } else {
            log_->warn("room={} own muc#user presence malformed: {}", settings_.room.to_string(),
                       user.error().message());
        }
    }
    log_->info("room={} joined as {} role={}{}", settings_.room.to_string(), nick_, to_string(own_role_),
               created_ ? " (created the room)" : "");
    state_ = State::configuring;
    reconcile_members();
    if (settings_.configure) {
        configure();
    } else {
        finish_join();
    }
}

// Compares the join's presence flood with what we knew (nothing on a first join): events for who is gone, new or
// changed. They are deferred until the join completes.
void MucRoomImpl::reconcile_members() {
    for (auto& [nick, member] : members_) {
        if (pending_members_.find(nick) == pending_members_.end()) {
            emit(MemberLeft{member});
        }
    }
    for (auto& [nick, member] : pending_members_) {
        auto old = members_.find(nick);
        if (old == members_.end()) {
            emit(MemberJoined{member});
        } else if (!(*old->second == *member)) {
            emit(MemberUpdated{member});
        }
    }
    members_ = std::move(pending_members_);
    pending_members_.clear();
}

void MucRoomImpl::finish_join() {
    if (state_ != State::configuring) {
        return;
    }
    state_ = State::joined;
    JoinInfo info{created_, configured_, room_info_, own_role_};
    auto events = std::move(deferred_);
    deferred_.clear();
    if (rejoining_) {
        for (auto& event : events) {
            emit(std::move(event));
        }
        emit(Rejoined{info});
        rejoining_ = false;
        return;
    }
    if (auto done = std::exchange(join_done_, nullptr)) {
        done(info);
    }
    for (auto& event : events) {
        emit(std::move(event));
    }
}

void MucRoomImpl::fail_join(std::error_code code, const std::string& why) {
    timer_.cancel();
    log_->warn("room={} join as {} failed: {} ({})", settings_.room.to_string(), nick_, code.message(), why);
    state_ = State::idle;
    pending_members_.clear();
    deferred_.clear();
    if (rejoining_) {
        rejoining_ = false;
        // Members are stale now; the next fresh session tries again.
        emit(Rejoined{core::unexpected(code)});
        return;
    }
    want_joined_ = false;
    members_.clear();
    if (auto done = std::exchange(join_done_, nullptr)) {
        done(core::unexpected(code));
    }
}

void MucRoomImpl::on_removed(const stanza::Presence& presence) {
    std::optional<stanza::MucUserPresence> user;
    if (const auto* x = presence.extension("x", stanza::kNsMucUser)) {
        if (auto parsed = stanza::MucUserPresence::parse(*x)) {
            user = std::move(parsed).value();
        }
    }
    if (state_ == State::joining) {
        fail_join(make_error_code(MucErrc::join_failed), "unavailable self-presence during the join");
        return;
    }
    LeaveReason reason = LeaveReason::removed;
    if (user && user->destroy) {
        reason = LeaveReason::destroyed;
    } else if (user && user->has_status(stanza::kMucStatusKicked)) {
        reason = LeaveReason::kicked;
    }
    log_->warn("room={} we are out of the room: {}", settings_.room.to_string(),
               reason == LeaveReason::destroyed ? "destroyed"
               : reason == LeaveReason::kicked  ? "kicked"
                                                : "removed");
    state_ = State::left;
    want_joined_ = false;
    rejoining_ = false;
    members_.clear();
    auto pending = std::move(deferred_);
    deferred_.clear();
    join_done_ = nullptr;
    for (auto& event : pending) {
        emit(std::move(event));
    }
    if (reason == LeaveReason::destroyed) {
        emit(RoomDestroyed{user->destroy->reason, user->destroy->alternate_venue});
    }
    emit(Left{reason});
}

// The server that held the room forgot it with the session: its members are gone, and so are we.
void MucRoomImpl::lose_session() {
    log_->warn("room={} lost with the XMPP session; not re-joining", settings_.room.to_string());
    timer_.cancel();
    state_ = State::left;
    want_joined_ = false;
    rejoining_ = false;
    pending_members_.clear();
    deferred_.clear();
    auto members = std::exchange(members_, {});
    if (auto done = std::exchange(join_done_, nullptr)) {
        done(core::unexpected(make_error_code(MucErrc::closed)));
    }
    for (auto& [nick, member] : members) {
        emit(MemberLeft{member});
    }
    emit(Left{LeaveReason::session_lost});
}

void MucRoomImpl::on_occupant_presence(const stanza::Presence& presence) {
    if (state_ != State::joining && state_ != State::configuring && state_ != State::joined) {
        return;
    }
    const std::string nick(presence.from->resource());
    auto& members = state_ == State::joining ? pending_members_ : members_;
    if (presence.type && *presence.type == "error") {
        log_->warn("room={} error presence from {} ignored", settings_.room.to_string(), nick);
        return;
    }
    if (presence.is_unavailable()) {
        auto it = members.find(nick);
        if (it == members.end()) {
            return;
        }
        SharedMember gone = std::move(it->second);
        members.erase(it);
        if (state_ == State::joining) {
            return;
        }
        std::optional<stanza::MucUserPresence> user;
        if (const auto* x = presence.extension("x", stanza::kNsMucUser)) {
            if (auto parsed = stanza::MucUserPresence::parse(*x)) {
                user = std::move(parsed).value();
            }
        }
        if (user && user->has_status(stanza::kMucStatusKicked)) {
            const auto* item = user->item();
            log_->info("room={} member {} kicked", settings_.room.to_string(), nick);
            emit(MemberKicked{std::move(gone), item != nullptr ? item->actor_nick : std::nullopt,
                              item != nullptr ? item->reason : std::nullopt});
        } else {
            log_->info("room={} member {} left", settings_.room.to_string(), nick);
            emit(MemberLeft{std::move(gone)});
        }
        return;
    }
    if (presence.type) {
        return;
    }
    auto existing = members.find(nick);
    const Member* previous = existing != members.end() ? existing->second.get() : nullptr;
    auto parsed = member_from_presence(presence, settings_.member_options, previous);
    if (!parsed) {
        log_->warn("room={} malformed presence from {} ignored: {}", settings_.room.to_string(), nick,
                   parsed.error().message());
        return;
    }
    for (const auto& warning : parsed->warnings) {
        log_->warn("room={} member {}: {}", settings_.room.to_string(), nick, warning);
    }
    const bool is_new = previous == nullptr;
    // A few members are enough to find the room's common values; looking at all would be quadratic in a big room.
    constexpr std::size_t kMembersToShareWith = 8;
    std::size_t looked_at = 0;
    for (auto it = members.begin(); it != members.end() && looked_at < kMembersToShareWith; ++it, ++looked_at) {
        share_equal_values(parsed->member, *it->second);
    }
    auto stored = std::make_shared<const Member>(std::move(parsed->member));
    members[nick] = stored;
    if (state_ == State::joining) {
        return;
    }
    if (is_new) {
        log_->info("room={} member {} joined role={}", settings_.room.to_string(), nick, to_string(stored->role));
        emit(MemberJoined{std::move(stored)});
    } else {
        emit(MemberUpdated{std::move(stored)});
    }
}

void MucRoomImpl::leave(std::function<void(bool)> done) {
    assert_on_strand();
    want_joined_ = false;
    if (state_ != State::joining && state_ != State::configuring && state_ != State::joined) {
        boost::asio::post(strand_, [done = std::move(done)] {
            if (done) {
                done(false);
            }
        });
        return;
    }
    if (auto pending = std::exchange(join_done_, nullptr)) {
        pending(core::unexpected(make_error_code(MucErrc::closed)));
    }
    rejoining_ = false;
    deferred_.clear();
    leave_done_ = std::move(done);
    state_ = State::leaving;
    ++attempt_;
    stanza::Presence bye;
    bye.type = "unavailable";
    bye.to = occupant_jid_;
    connection_.send(bye);
    log_->info("room={} leaving", settings_.room.to_string());
    arm_timer(attempt_, timeout_);
}

void MucRoomImpl::finish_leave(bool confirmed) {
    timer_.cancel();
    state_ = State::left;
    members_.clear();
    pending_members_.clear();
    if (!confirmed) {
        log_->warn("room={} leave not confirmed before the deadline", settings_.room.to_string());
    }
    if (auto done = std::exchange(leave_done_, nullptr)) {
        done(confirmed);
    }
}

void MucRoomImpl::schedule_own_presence() {
    // Prosody broadcasts every presence of ours to the whole room: the edits of one strand turn (a participant
    // leaving changes the bridge count, then the conference ends and leaves) go out as one presence, after the
    // turn, and not at all if the turn left the room or began a re-join (whose join presence carries them).
    if (presence_scheduled_ || (state_ != State::configuring && state_ != State::joined)) {
        return;
    }
    presence_scheduled_ = true;
    boost::asio::post(strand_, [weak = weak_from_this()] {
        if (auto self = weak.lock()) {
            self->presence_scheduled_ = false;
            self->send_own_presence();
        }
    });
}

void MucRoomImpl::send_own_presence() {
    if (!closed_ && (state_ == State::configuring || state_ == State::joined)) {
        // Without the join <x/>: with it the room would treat us as re-joining and send the whole room again.
        connection_.send(own_presence_stanza(false));
    }
}

void MucRoomImpl::set_presence_extension(stanza::XmlElement extension) {
    assert_on_strand();
    edit_own_extensions([&](stanza::Presence& presence) { presence.set_extension(std::move(extension)); });
}

void MucRoomImpl::remove_presence_extension(std::string_view name, std::string_view ns) {
    assert_on_strand();
    edit_own_extensions([&](stanza::Presence& presence) { presence.remove_extension(name, ns); });
}

void MucRoomImpl::edit_own_extensions(const std::function<void(stanza::Presence&)>& edit) {
    // Presence's replace-or-remove rules, applied to a copy: the current extensions may be shared with other rooms.
    stanza::Presence updated;
    if (own_extensions_) {
        updated.extensions = *own_extensions_;
    }
    edit(updated);
    if (own_extensions_ && updated.extensions == *own_extensions_) {
        return;  // nothing changed: the room already has this presence
    }
    own_extensions_ = std::make_shared<const std::vector<stanza::XmlElement>>(std::move(updated.extensions));
    schedule_own_presence();
}

void MucRoomImpl::emit(MucEvent event) {
    if (closed_ || !on_event_) {
        return;
    }
    if (state_ == State::configuring) {
        deferred_.push_back(std::move(event));
        return;
    }
    try {
        on_event_(event);
    } catch (const std::exception& e) {
        log_->error("room={} event handler threw: {}", settings_.room.to_string(), e.what());
    }
}

bool MucRoomImpl::joined() const {
    assert_on_strand();
    return state_ == State::joined;
}

std::optional<stanza::Jid> MucRoomImpl::own_occupant_jid() const {
    assert_on_strand();
    return occupant_jid_;
}

MemberRole MucRoomImpl::own_role() const {
    assert_on_strand();
    return own_role_;
}

const RoomInfo& MucRoomImpl::room_info() const {
    assert_on_strand();
    return room_info_;
}

const Member* MucRoomImpl::member(std::string_view nick) const {
    assert_on_strand();
    auto it = members_.find(std::string(nick));
    return it == members_.end() ? nullptr : it->second.get();
}

std::vector<Member> MucRoomImpl::members() const {
    assert_on_strand();
    std::vector<Member> out;
    out.reserve(members_.size());
    for (const auto& [nick, member] : members_) {
        out.push_back(*member);
    }
    return out;
}

std::size_t MucRoomImpl::member_count() const {
    assert_on_strand();
    return members_.size();
}

}  // namespace jicofo::xmpp
