// Internal: the state behind a MucRoom handle, shared with the callbacks it registers (which hold it weakly).
#pragma once

#include "jicofo/stanza/envelope.hpp"
#include "jicofo/xmpp/connection_state.hpp"
#include "jicofo/xmpp/muc_room.hpp"
#include "jicofo/xmpp/xmpp_connection.hpp"

#include <boost/asio/steady_timer.hpp>

#include <spdlog/logger.h>

#include <cassert>
#include <cstdint>
#include <map>
#include <memory>

namespace jicofo::xmpp {

class MucRoomImpl : public std::enable_shared_from_this<MucRoomImpl> {
public:
    MucRoomImpl(XmppConnection& connection, Strand strand, MucRoomSettings settings, MucEventHandler on_event);

    void start();  // registers the subscription and the state listener (needs shared_from_this)
    void close();  // the handle went away: stop emitting, leave if in the room

    void join(std::string nick, std::optional<std::string> password, PresenceExtensions extensions,
              std::function<void(JoinResult)> done);
    void leave(std::function<void(bool)> done);
    void set_presence_extension(stanza::XmlElement extension);
    void remove_presence_extension(std::string_view name, std::string_view ns);
    void send_admin(const stanza::MucAdminQuery& query, AdminCallback done);

    // Accessors, on the strand.
    [[nodiscard]] const stanza::Jid& room_jid() const { return settings_.room; }
    [[nodiscard]] bool joined() const;
    [[nodiscard]] std::optional<stanza::Jid> own_occupant_jid() const;
    [[nodiscard]] MemberRole own_role() const;
    [[nodiscard]] const RoomInfo& room_info() const;
    [[nodiscard]] const Member* member(std::string_view nick) const;
    [[nodiscard]] std::vector<Member> members() const;
    [[nodiscard]] std::size_t member_count() const;

    void assert_on_strand() const { assert(strand_.running_in_this_thread()); }

private:
    enum class State { idle, joining, configuring, joined, leaving, left };

    void on_presence(const stanza::Presence& presence);
    void on_status(const ConnectionStatus& status);
    void on_own_presence(const stanza::Presence& presence);
    void on_occupant_presence(const stanza::Presence& presence);

    void start_join();
    void on_self_joined(const stanza::Presence& presence);
    void reconcile_members();
    void lose_session();
    void fail_join(std::error_code code, const std::string& why);
    void finish_join();
    void on_removed(const stanza::Presence& presence);
    void finish_leave(bool confirmed);
    void send_own_presence();
    void schedule_own_presence();
    // Applies `edit` to a copy of our extensions, keeps the copy and, if it changed, re-sends our presence (once per
    // strand turn) if joined.
    void edit_own_extensions(const std::function<void(stanza::Presence&)>& edit);

    // Configuration steps (muc_room_config.cpp): config form, submit, disco#info, then finish_join().
    void configure();
    void submit_config();
    void read_room_info();

    void emit(MucEvent event);
    void arm_timer(std::uint64_t attempt, std::chrono::milliseconds after);
    stanza::Presence own_presence_stanza(bool with_join) const;

    XmppConnection& connection_;
    Strand strand_;
    MucRoomSettings settings_;
    MucEventHandler on_event_;
    std::shared_ptr<spdlog::logger> log_;
    std::chrono::milliseconds timeout_;
    boost::asio::steady_timer timer_;
    Registration subscription_;
    Registration state_listener_;

    State state_ = State::idle;
    bool closed_ = false;
    bool want_joined_ = false;  // join() was called and neither leave() nor a removal followed: re-join on fresh
    bool rejoining_ = false;    // the current attempt is an automatic re-join (completes with a Rejoined event)
    bool saw_disconnect_ = false;
    bool presence_scheduled_ = false;  // our presence goes out after this strand turn
    std::uint64_t attempt_ = 0;        // guards timers and IQ replies of earlier attempts

    std::string nick_;
    std::optional<std::string> password_;
    PresenceExtensions own_extensions_;  // sent to room/nick (occupant_jid_) in every presence of ours
    std::optional<stanza::Jid> occupant_jid_;
    MemberRole own_role_ = MemberRole::visitor;
    bool created_ = false;
    bool configured_ = false;
    std::unique_ptr<stanza::DataForm> config_form_;  // between reading the form and reading the room info
    RoomInfo room_info_;

    std::function<void(JoinResult)> join_done_;
    std::function<void(bool)> leave_done_;
    std::map<std::string, SharedMember> members_;          // by nick
    std::map<std::string, SharedMember> pending_members_;  // the presence flood of the join in progress
    std::vector<MucEvent> deferred_;  // events while configuring, delivered after the join completes
};

}  // namespace jicofo::xmpp
