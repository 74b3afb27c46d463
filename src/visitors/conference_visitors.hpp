// One conference's visitors: its rooms on visitor nodes (joined on the first redirect to a node, with the focus's
// presence; the component told to broadcast the main room there), the visitors in them handed to the conference as
// members (receive-only media over their node's connection), redirect decisions, and the visitor-count and
// visitor-codecs conference properties. Everything runs on the conference's strand.
#pragma once

#include "visitors_service.hpp"

#include "jicofo/conference/conference_view.hpp"
#include "jicofo/conference/request_shaper.hpp"
#include "jicofo/visitors/placement.hpp"
#include "jicofo/xmpp/muc_room.hpp"

#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace jicofo::visitors {

class ConferenceVisitors : public feature::FeatureInstance {
public:
    ConferenceVisitors(feature::ConferenceView& view, std::shared_ptr<VisitorsService> service);
    ~ConferenceVisitors() override;
    ConferenceVisitors(const ConferenceVisitors&) = delete;
    ConferenceVisitors& operator=(const ConferenceVisitors&) = delete;

    void on_event(feature::ConferenceView& view, const conference::ConferenceEvent& event) override;
    [[nodiscard]] std::optional<std::string> debug_json() const override;

    // A ready answer to a conference request: unchanged, queued (live room) or redirected to a node, whose room is
    // joined first if this conference has none there yet. `done` is called exactly once.
    void shape(const conference::RequestFacts& facts, conference::ConferenceReply reply,
               std::function<void(conference::ConferenceReply)> done);

private:
    using Clock = std::chrono::steady_clock;
    struct Room {
        const conference::VisitorNode* node = nullptr;
        stanza::Jid jid;
        std::unique_ptr<xmpp::MucRoom> muc;
        bool joined = false;
        std::deque<Clock::time_point> pending;                  // redirects whose visitor has not arrived yet
        std::map<std::string, xmpp::SharedMember> visitors;     // by nick
        std::vector<std::function<void(bool joined)>> waiting;  // redirects waiting for the join
    };

    [[nodiscard]] RoomFacts room_facts() const;
    [[nodiscard]] bool nodes_and_component() const;
    [[nodiscard]] std::vector<NodeLoad> loads();
    void redirect(const conference::VisitorNode& node, conference::ConferenceReply reply,
                  std::function<void(conference::ConferenceReply)> done);
    Room* open_room(const conference::VisitorNode& node);
    void on_joined(const std::string& node_id, const xmpp::JoinResult& result);
    void on_room_event(const std::string& node_id, const xmpp::MucEvent& event);
    // The room is gone (destroyed, its node restarted, its join failed, or the conference ends): its visitors leave
    // the conference, redirects waiting for it are answered, and the component is told when `tell_component`.
    void drop_room(const std::string& node_id, const char* why, bool tell_component);
    void visitor_in(Room& room, const xmpp::SharedMember& member);
    void visitor_out(Room& room, const std::string& nick);
    void count_changed();
    void publish_count();

    feature::ConferenceView& view_;
    std::shared_ptr<VisitorsService> service_;
    std::map<std::string, Room> rooms_;  // by node id
    int visitors_ = 0;
    bool ending_ = false;
    boost::asio::steady_timer notify_timer_;
    Clock::time_point last_notify_{};
    bool notify_pending_ = false;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace jicofo::visitors
