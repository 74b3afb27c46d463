// One conference: the focus in one MUC room on the conference's own strand. It joins and configures the room,
// publishes the focus's presence, keeps the participants (with join/update/leave events for the media layer),
// elects an owner, and ends on its timeouts, when the room empties, or when the room or our ownership is lost.
#pragma once

#include "jicofo/conference/conference_media.hpp"
#include "jicofo/conference/conference_settings.hpp"
#include "jicofo/conference/conference_view.hpp"
#include "jicofo/conference/focus_manager.hpp"
#include "jicofo/stanza/focus.hpp"
#include "jicofo/xmpp/member.hpp"
#include "jicofo/xmpp/muc_room.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <map>
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

class Conference : public ConferenceHandle,
                   private ConferenceView,
                   private MediaPolicy,
                   public std::enable_shared_from_this<Conference> {
public:
    // The connection must outlive the conference. `features` are the installed features' slots (each makes its
    // per-conference instance when the conference starts).
    static std::shared_ptr<Conference> create(xmpp::XmppConnection& connection,
                                              const boost::asio::any_io_executor& executor,
                                              std::shared_ptr<const SharedConferenceSettings> shared, stanza::Jid room,
                                              ConferenceCallbacks callbacks, ParticipantListener listener = {},
                                              std::shared_ptr<const MediaSetup> media = nullptr,
                                              std::shared_ptr<const FeatureSlots> features = nullptr);
    ~Conference() override;
    Conference(const Conference&) = delete;
    Conference& operator=(const Conference&) = delete;

    void start(std::function<void(std::error_code)> joined) override;
    void async_snapshot(std::function<void(ConferenceSnapshot)> done) override;
    void stop() override;
    void run(const std::function<void(ConferenceView*)>& fn) override;
    void bridge_event(BridgeEvent event) override;
    void move_endpoints(std::optional<std::string> bridge_id, std::optional<std::string> endpoint_id, int max_count,
                        std::function<void(int moved)> done) override;
    void authenticated(const stanza::Jid& real_jid) override;
    void request_arrived() override;

private:
    Conference(xmpp::XmppConnection& connection, const boost::asio::any_io_executor& executor,
               std::shared_ptr<const SharedConferenceSettings> shared, stanza::Jid room, ConferenceCallbacks callbacks,
               ParticipantListener listener, std::shared_ptr<const MediaSetup> media,
               std::shared_ptr<const FeatureSlots> features);
    void start_media();

    // ConferenceView (conference_view.cpp): what features see, on the strand.
    [[nodiscard]] const stanza::Jid& room() const override { return room_jid_; }
    [[nodiscard]] const std::string& meeting_id() const override { return meeting_id_; }
    [[nodiscard]] const xmpp::RoomInfo& room_info() const override { return room_info_; }
    [[nodiscard]] const std::vector<xmpp::SharedMember>& members() const override { return participants_; }
    [[nodiscard]] const xmpp::Member* member(std::string_view nick) const override;
    [[nodiscard]] ConferenceMedia* media() override { return ended_ ? nullptr : media_.get(); }
    [[nodiscard]] const xmpp::Strand& strand() const override { return strand_; }
    [[nodiscard]] stanza::Jid focus_occupant() const override;
    void reply(const stanza::Iq& answer) override;
    void notify_occupant(const stanza::Jid& occupant, stanza::XmlElement payload) override;
    void send_message(const stanza::Message& message) override;
    [[nodiscard]] const VisitorNodes& visitor_nodes() const override;
    [[nodiscard]] xmpp::PresenceExtensions focus_presence() const override;
    void add_visitor(const xmpp::SharedMember& member) override;
    void remove_visitor(const xmpp::SharedMember& member) override;
    void set_presence_extension(stanza::XmlElement extension) override;
    void remove_presence_extension(std::string_view name, std::string_view ns) override;
    void set_conference_property(const std::string& key, std::optional<std::string> value) override;
    void hold_open(const std::string& key, std::optional<std::chrono::milliseconds> duration) override;
    void release_hold(const std::string& key) override;
    [[nodiscard]] bool held_open() const override { return !holds_.empty(); }
    void announce(const ConferenceEvent& event) override { publish(event); }
    [[nodiscard]] const RoomMetadata& metadata() const override { return metadata_; }
    void set_metadata(RoomMetadata metadata) override;
    [[nodiscard]] std::optional<stanza::StanzaError> unmute_refusal(const xmpp::Member& member,
                                                                    stanza::MuteMedia media) const override;
    [[nodiscard]] FeatureInstance* feature(std::size_t index) override;

    // MediaPolicy (conference_view.cpp): what the features decide for the media layer.
    [[nodiscard]] stanza::ForceMute required_force_mute(const xmpp::Member& member) const override;
    [[nodiscard]] std::optional<stanza::StanzaError> source_add_refusal(const xmpp::Member& member, bool audio,
                                                                        bool video) const override;
    void bridges_changed(int bridges, bool selection_failing) override;
    [[nodiscard]] bool allows_session(const xmpp::Member& member, const std::vector<std::string>& features,
                                      bool discovered) override;

    void create_feature_instances();
    void publish(const ConferenceEvent& event);
    // Ends the conference when nobody is in the room and nothing holds it open.
    void end_if_empty(const char* why);

    void on_join(xmpp::JoinResult result);
    void on_event(const xmpp::MucEvent& event);
    void member_joined(const xmpp::SharedMember& member);
    void member_updated(const xmpp::SharedMember& member);
    void member_left(const xmpp::SharedMember& member, bool kicked);
    void elect_owner();
    // With authentication on, every authenticated member is owner (conference_owner.cpp).
    void grant_owner_if_authenticated(const xmpp::Member& member);
    void grant_owner(const xmpp::Member& member, const char* why);
    void arm_single_participant_timer();
    void arm_initial_timer();
    void end(const std::string& reason);
    void finish_end();
    [[nodiscard]] ConferenceSnapshot snapshot() const;
    // The focus's <conference-properties>: the shared ones until a feature edits them.
    [[nodiscard]] stanza::ConferenceProperties current_properties() const;
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
    std::shared_ptr<const FeatureSlots> feature_slots_;
    std::vector<std::unique_ptr<FeatureInstance>> features_;  // by slot index; null where a feature keeps nothing
    struct Hold;
    std::map<std::string, std::shared_ptr<Hold>, std::less<>> holds_;
    RoomMetadata metadata_;
    xmpp::RoomInfo room_info_;
    stanza::ConferenceProperties properties_;  // the focus's <conference-properties>, once a feature edits them
    // Other extensions features set on the focus's presence, kept only with visitor nodes (for their rooms' joins).
    std::vector<stanza::XmlElement> presence_edits_;
    bool properties_edited_ = false;
    std::optional<std::string> owner_;
    std::string meeting_id_;
    std::int64_t created_ms_ = 0;
    bool joined_ = false;
    bool ended_ = false;
    boost::asio::steady_timer initial_timer_;
    boost::asio::steady_timer single_participant_timer_;
};

}  // namespace jicofo::conference
