// One conference: the focus in one MUC room on the conference's own strand. It joins and configures the room,
// publishes the focus's presence, keeps the participants (with join/update/leave events for the media layer),
// elects an owner, and ends on its timeouts, when the room empties, or when the room or our ownership is lost.
#pragma once

#include "jicofo/conference/conference_media.hpp"
#include "jicofo/conference/conference_settings.hpp"
#include "jicofo/conference/focus_manager.hpp"
#include "jicofo/xmpp/member.hpp"
#include "jicofo/xmpp/muc_room.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

namespace jicofo::xmpp {
class XmppConnection;
}  // namespace jicofo::xmpp

namespace jicofo::conference {

// What the media layer will consume, in room order, on the conference strand.
struct ParticipantEvent {
    enum class Kind {
        joined,
        updated,
        left,
        alone_timeout,  // single-participant-timeout expired: the lone participant's media session should end
    };
    Kind kind = Kind::joined;
    xmpp::Member member;
};
using ParticipantListener = std::function<void(const ParticipantEvent&)>;

class Conference : public ConferenceHandle, public std::enable_shared_from_this<Conference> {
public:
    // The connection must outlive the conference.
    static std::shared_ptr<Conference> create(xmpp::XmppConnection& connection,
                                              const boost::asio::any_io_executor& executor,
                                              std::shared_ptr<const SharedConferenceSettings> shared, stanza::Jid room,
                                              ConferenceCallbacks callbacks, ParticipantListener listener = {},
                                              std::shared_ptr<const MediaSetup> media = nullptr);
    ~Conference() override;
    Conference(const Conference&) = delete;
    Conference& operator=(const Conference&) = delete;

    void start(std::function<void(std::error_code)> joined) override;
    void async_snapshot(std::function<void(ConferenceSnapshot)> done) override;
    void stop() override;
    void handle_jingle(stanza::Iq request, stanza::Jingle jingle) override;
    void handle_mute(stanza::Iq request, stanza::MuteIq mute) override;
    void bridge_changed(const std::string& bridge_id, bool up, const std::string& why) override;
    void move_endpoints(std::optional<std::string> bridge_id, std::optional<std::string> endpoint_id, int max_count,
                        std::function<void(int moved)> done) override;
    void authenticated(const stanza::Jid& real_jid) override;

private:
    Conference(xmpp::XmppConnection& connection, const boost::asio::any_io_executor& executor,
               std::shared_ptr<const SharedConferenceSettings> shared, stanza::Jid room, ConferenceCallbacks callbacks,
               ParticipantListener listener, std::shared_ptr<const MediaSetup> media);
    void start_media();

    void on_join(xmpp::JoinResult result);
    void on_event(const xmpp::MucEvent& event);
    void member_joined(const xmpp::SharedMember& member);
    void member_updated(const xmpp::SharedMember& member);
    void member_left(const xmpp::SharedMember& member, const char* how);
    void elect_owner();
    // With authentication on, every authenticated member is owner (conference_owner.cpp).
    void grant_owner_if_authenticated(const xmpp::Member& member);
    void grant_owner(const xmpp::Member& member, const char* why);
    void arm_single_participant_timer();
    void end(const std::string& reason);
    void finish_end();
    [[nodiscard]] ConferenceSnapshot snapshot() const;
    [[nodiscard]] std::vector<xmpp::SharedMember>::iterator find_participant(const std::string& nick);
    void notify(ParticipantEvent::Kind kind, const xmpp::SharedMember& member);

    xmpp::XmppConnection& connection_;
    xmpp::Strand strand_;
    std::shared_ptr<const SharedConferenceSettings> shared_;
    const ConferenceSettings& settings_;  // shared_->settings
    stanza::Jid room_jid_;
    ConferenceCallbacks callbacks_;
    ParticipantListener listener_;
    std::unique_ptr<xmpp::MucRoom> room_;
    std::shared_ptr<const MediaSetup> media_setup_;
    MediaPorts media_ports_;                  // before media_: the media uses them until it is destroyed
    std::unique_ptr<ConferenceMedia> media_;  // once joined, when bridges are configured
    std::function<void(std::error_code)> joined_callback_;
    // In join order: auto-owner elects the longest present. The room's values, shared with the media layer.
    std::vector<xmpp::SharedMember> participants_;
    std::optional<std::string> owner_;
    std::string meeting_id_;
    std::int64_t created_ms_ = 0;
    bool joined_ = false;
    bool ended_ = false;
    boost::asio::steady_timer initial_timer_;
    boost::asio::steady_timer single_participant_timer_;
};

// A random (version 4) UUID, for rooms that have no meetingId of their own.
[[nodiscard]] std::string random_uuid();

}  // namespace jicofo::conference
