// The conference path against a real Prosody with independent slixmpp clients: a conference IQ sent to the focus
// (directly and through a client-proxy component) creates one conference, the focus owns the room as `focus` with
// its real JID visible, participants come and go, empty rooms end, and malformed requests create nothing.
#include "jicofo/conference/conference.hpp"
#include "jicofo/conference/conference_iq_handler.hpp"
#include "jicofo/conference/focus_manager.hpp"
#include "jicofo/metrics/metrics_registry.hpp"

#include "xmpp/muc_test_util.hpp"

#include <gtest/gtest.h>

#include <future>
#include <thread>
#include <variant>

namespace jicofo::conference {
namespace {

using namespace std::chrono_literals;
using jicofo::testing::connect_command;
using jicofo::testing::connect_peer;
using jicofo::testing::event_json;
using jicofo::testing::PeerProcess;
using xmpp::testing::eventually;

class ConferenceIntegrationTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto options = xmpp::testing::prosody_options();
        options.plugin_paths = {JICOFO_TEST_CONFERENCE_PLUGINS_DIR};
        options.extra_hosts_lua =
            "Component \"focus.meet.test\" \"test_client_proxy\"\n  target_address = \"focus@auth.meet.test\"\n";
        prosody_ = jicofo::testing::start_prosody(options);
        ASSERT_TRUE(prosody_);
    }

    void TearDown() override {
        if (manager_) {
            manager_->stop();
            // Let the conferences leave their rooms before the connection goes.
            eventually([this] { return snapshot().conferences.empty(); }, 5s);
        }
        handler_.reset();
        if (connection_) {
            connection_->stop();
        }
    }

    void start_focus(std::chrono::milliseconds initial_timeout = 15s,
                     std::shared_ptr<const FeatureSlots> features = nullptr) {
        auto xmpp_settings = xmpp::testing::focus_settings(*prosody_);
        connection_ = std::make_shared<xmpp::XmppConnection>(xmpp_settings);
        ConferenceSettings settings;
        settings.focus_jid = stanza::Jid::parse("focus@auth.meet.test").value();
        settings.version = "1.0-test";
        settings.initial_timeout = initial_timeout;
        settings.single_participant_timeout = 500ms;
        settings.join_timeout = 5s;
        auto executor = boost::asio::any_io_executor(io_.io.get_executor());
        auto* connection = connection_.get();
        manager_ = FocusManager::create(
            executor, settings,
            [this, connection, executor, shared = share_conference_settings(settings), features](
                const stanza::Jid& room, ConferenceCallbacks callbacks) {
                return Conference::create(
                    *connection, executor, shared, room, std::move(callbacks),
                    [this](const ParticipantEvent& event) { events_.push(event); }, nullptr, features);
            },
            &metrics_);
        handler_ =
            std::make_unique<ConferenceIqHandler>(connection_, manager_, stanza::Jid::parse("focus.meet.test").value());
        connection_->start();
        ASSERT_TRUE(eventually([this] { return connection_->status().state == xmpp::ConnectionState::connected; }))
            << prosody_->log_text();
    }

    std::unique_ptr<PeerProcess> client(const std::string& name) {
        auto peer = jicofo::testing::start_peer(name);
        if (peer) {
            bound_[name] = connect_peer(*peer, *prosody_, connect_command(*prosody_, prosody_->domain()));
        }
        return peer;
    }

    static std::string conference_iq(const std::string& to, const std::string& room, const std::string& id) {
        return nlohmann::json{{"cmd", "send_iq"},
                              {"xml", "<iq type='set' id='" + id + "' to='" + to +
                                          "'><conference xmlns='http://jitsi.org/protocol/focus' room='" + room +
                                          "' machine-uid='m1'><property name='rtcstatsEnabled' value='false'/>"
                                          "</conference></iq>"},
                              {"timeout", 20}}
            .dump();
    }

    FocusManagerSnapshot snapshot() {
        auto promise = std::make_shared<std::promise<FocusManagerSnapshot>>();
        manager_->async_snapshot([promise](FocusManagerSnapshot s) { promise->set_value(std::move(s)); });
        auto future = promise->get_future();
        if (future.wait_for(5s) != std::future_status::ready) {
            ADD_FAILURE() << "no snapshot within 5 s";
            return {};
        }
        return future.get();
    }

    std::optional<ConferenceSnapshot> conference(const std::string& room) {
        auto promise = std::make_shared<std::promise<std::optional<ConferenceSnapshot>>>();
        manager_->async_conference_snapshot(stanza::Jid::parse(room).value(),
                                            [promise](auto s) { promise->set_value(std::move(s)); });
        auto future = promise->get_future();
        if (future.wait_for(5s) != std::future_status::ready) {
            ADD_FAILURE() << "no conference snapshot within 5 s";
            return std::nullopt;
        }
        return future.get();
    }

    void expect_no_violation(PeerProcess& peer) {
        for (const auto& line : peer.take_all()) {
            EXPECT_FALSE(PeerProcess::is_event(line, "protocol_violation")) << line;
        }
    }

    std::unique_ptr<jicofo::testing::ProsodyFixture> prosody_;
    xmpp::testing::IoThread io_;
    metrics::MetricsRegistry metrics_{"1.0-test"};
    std::shared_ptr<xmpp::XmppConnection> connection_;
    std::shared_ptr<FocusManager> manager_;
    std::unique_ptr<ConferenceIqHandler> handler_;
    std::map<std::string, std::string> bound_;
    xmpp::testing::Recorder<ParticipantEvent> events_;
};

TEST_F(ConferenceIntegrationTest, DirectRequestIsReadyAndTheFocusOwnsTheRoomWithItsRealJidVisible) {
    start_focus();
    auto alice = client("alice");
    ASSERT_TRUE(alice);
    const std::string room = "room1@conference.meet.test";
    auto reply = event_json(alice->request(conference_iq("focus@auth.meet.test/focus", room, "c1"), "iq_reply", 15s));
    ASSERT_EQ(reply["type"], "result") << alice->transcript() << prosody_->log_text();
    const std::string xml = reply["xml"];
    EXPECT_NE(xml.find("ready=\"true\""), std::string::npos) << xml;
    EXPECT_NE(xml.find("focusjid=\"focus@auth.meet.test\""), std::string::npos) << xml;
    EXPECT_NE(xml.find("name=\"authentication\""), std::string::npos) << xml;

    // Alice joins: she sees the focus with nick `focus`, as owner, with its real JID.
    auto joined = alice->request(
        nlohmann::json{
            {"cmd", "join"}, {"room", room}, {"nick", "a1b2c3d4"}, {"presence_xml", "<stats-id>Alice-1</stats-id>"}}
            .dump(),
        "joined", 10s);
    ASSERT_TRUE(joined) << alice->transcript();
    auto focus_presence = alice->wait_for(
        [&](const std::string& line) {
            return PeerProcess::is_event(line, "presence") && PeerProcess::has_field(line, "from", room + "/focus");
        },
        5s);
    ASSERT_TRUE(focus_presence) << alice->transcript();
    const std::string focus_xml = event_json(focus_presence)["xml"];
    EXPECT_NE(focus_xml.find("jid=\"focus@auth.meet.test/focus\""), std::string::npos) << focus_xml;
    EXPECT_NE(focus_xml.find("affiliation=\"owner\""), std::string::npos) << focus_xml;
    EXPECT_NE(focus_xml.find("support-terminate-restart"), std::string::npos) << focus_xml;

    // The conference knows her, and auto-owner made her owner.
    ASSERT_TRUE(eventually([&] {
        auto s = conference(room);
        return s && s->participants.size() == 1 && s->owner == std::optional<std::string>("a1b2c3d4");
    })) << alice->transcript();
    auto s = conference(room);
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->joined);
    EXPECT_EQ(s->meeting_id.size(), 36U);  // plain Prosody has no meetingId: a UUID
    EXPECT_EQ(s->participants[0].stats_id, std::optional<std::string>("Alice-1"));
    auto owner = alice->wait_for(
        [&](const std::string& line) {
            return PeerProcess::is_event(line, "presence") &&
                   PeerProcess::has_field(line, "from", room + "/a1b2c3d4") &&
                   line.find("affiliation=\\\"owner\\\"") != std::string::npos;
        },
        5s);
    EXPECT_TRUE(owner) << alice->transcript();

    // Bob joins; Alice (the owner) leaves and Bob is made owner; Bob leaves last: the conference ends, the focus
    // leaves, nothing remains.
    auto bob = client("bob");
    ASSERT_TRUE(bob);
    ASSERT_TRUE(
        bob->request(nlohmann::json{{"cmd", "join"}, {"room", room}, {"nick", "b0b0b0b0"}}.dump(), "joined", 10s));
    EXPECT_TRUE(eventually([&] { return snapshot().participants_current == 2; }));
    ASSERT_TRUE(alice->request(nlohmann::json{{"cmd", "leave"}, {"room", room}}.dump(), "left", 10s));
    EXPECT_TRUE(eventually([&] {
        auto c = conference(room);
        return c && c->participants.size() == 1 && c->owner == std::optional<std::string>("b0b0b0b0");
    })) << bob->transcript();
    EXPECT_TRUE(bob->wait_for(
        [&](const std::string& line) {
            return PeerProcess::is_event(line, "presence") &&
                   PeerProcess::has_field(line, "from", room + "/b0b0b0b0") &&
                   line.find("affiliation=\\\"owner\\\"") != std::string::npos;
        },
        5s))
        << bob->transcript();
    ASSERT_TRUE(bob->request(nlohmann::json{{"cmd", "leave"}, {"room", room}}.dump(), "left", 10s));
    EXPECT_TRUE(eventually([&] { return snapshot().conferences.empty(); }, 5s));
    EXPECT_FALSE(conference(room));
    auto totals = snapshot();
    EXPECT_EQ(totals.participants_total, 2U);
    EXPECT_EQ(totals.conferences_created, 1U);
    expect_no_violation(*alice);
    expect_no_violation(*bob);
}

TEST_F(ConferenceIntegrationTest, ALoneParticipantTimesOutAndADestroyedRoomEndsTheConference) {
    start_focus();
    auto alice = client("alice");
    ASSERT_TRUE(alice);
    const std::string room = "doomed@conference.meet.test";
    auto reply = event_json(alice->request(conference_iq("focus@auth.meet.test/focus", room, "d1"), "iq_reply", 15s));
    ASSERT_EQ(reply["type"], "result") << alice->transcript();
    ASSERT_TRUE(
        alice->request(nlohmann::json{{"cmd", "join"}, {"room", room}, {"nick", "a1a1a1a1"}}.dump(), "joined", 10s));
    auto is = [](ParticipantEvent::Kind kind) {
        return [kind](const ParticipantEvent& e) { return e.kind == kind && e.member.nick == "a1a1a1a1"; };
    };
    EXPECT_TRUE(events_.wait(is(ParticipantEvent::Kind::joined), 5s));
    // single-participant-timeout is 500 ms here.
    EXPECT_TRUE(events_.wait(is(ParticipantEvent::Kind::alone_timeout), 5s));
    // Alice, owner by auto-owner, destroys the room: the conference ends and is forgotten.
    ASSERT_TRUE(eventually([&] {
        auto c = conference(room);
        return c && c->owner == std::optional<std::string>("a1a1a1a1");
    }));
    ASSERT_TRUE(alice->wait_for(
        [&](const std::string& line) {
            return PeerProcess::is_event(line, "presence") &&
                   PeerProcess::has_field(line, "from", room + "/a1a1a1a1") &&
                   line.find("affiliation=\\\"owner\\\"") != std::string::npos;
        },
        5s))
        << alice->transcript();
    auto destroyed = event_json(alice->request(
        nlohmann::json{{"cmd", "send_iq"},
                       {"xml", "<iq type='set' id='x1' to='" + room +
                                   "'><query xmlns='http://jabber.org/protocol/muc#owner'><destroy/></query></iq>"}}
            .dump(),
        "iq_reply", 10s));
    EXPECT_EQ(destroyed["type"], "result") << alice->transcript();
    EXPECT_TRUE(eventually([&] { return snapshot().conferences.empty(); }, 5s));
    EXPECT_TRUE(events_.wait(is(ParticipantEvent::Kind::left), 5s));
}

TEST_F(ConferenceIntegrationTest, RequestThroughTheClientProxyIsAnsweredFromTheProxy) {
    start_focus();
    auto alice = client("alice");
    ASSERT_TRUE(alice);
    auto reply = event_json(
        alice->request(conference_iq("focus.meet.test", "proxied@conference.meet.test", "p1"), "iq_reply", 15s));
    ASSERT_EQ(reply["type"], "result") << alice->transcript() << prosody_->log_text();
    EXPECT_EQ(reply["from"], "focus.meet.test");
    const std::string xml = reply["xml"];
    EXPECT_NE(xml.find("ready=\"true\""), std::string::npos) << xml;
    EXPECT_NE(xml.find("focusjid=\"focus@auth.meet.test\""), std::string::npos) << xml;
    EXPECT_EQ(snapshot().conferences.size(), 1U);
    expect_no_violation(*alice);
}

TEST_F(ConferenceIntegrationTest, ThreeHundredConcurrentRequestsForAHundredRoomsCreateAHundredConferences) {
    start_focus(2s);
    std::vector<std::unique_ptr<PeerProcess>> peers;
    for (int p = 0; p < 3; ++p) {
        peers.push_back(client("c" + std::to_string(p)));
        ASSERT_TRUE(peers.back());
    }
    for (int i = 0; i < 100; ++i) {
        for (int p = 0; p < 3; ++p) {
            const auto room = "load" + std::to_string((i + p * 37) % 100) + "@conference.meet.test";
            ASSERT_TRUE(peers[p]->send(conference_iq("focus.meet.test", room, "r" + std::to_string(i))));
        }
    }
    int ready = 0;
    for (auto& peer : peers) {
        for (int i = 0; i < 100; ++i) {
            auto line = peer->wait_for("iq_reply", 30s);
            ASSERT_TRUE(line) << peer->transcript();
            ready += event_json(line)["xml"].get<std::string>().find("ready=\"true\"") != std::string::npos ? 1 : 0;
        }
    }
    EXPECT_EQ(ready, 300);
    auto s = snapshot();
    EXPECT_EQ(s.conferences_created, 100U);
    EXPECT_EQ(s.conferences.size(), 100U);
    // Nobody joins: every conference ends after the initial timeout and is forgotten.
    EXPECT_TRUE(eventually([&] { return snapshot().conferences.empty(); }, 20s)) << snapshot().conferences.size();
    for (auto& peer : peers) {
        expect_no_violation(*peer);
    }
}

TEST_F(ConferenceIntegrationTest, MalformedRequestsAreRefusedAndCreateNothing) {
    start_focus();
    auto alice = client("alice");
    ASSERT_TRUE(alice);
    auto send = [&](const std::string& payload, const std::string& id) {
        return event_json(alice->request(
            nlohmann::json{
                {"cmd", "send_iq"},
                {"xml", "<iq type='set' id='" + id + "' to='focus@auth.meet.test/focus'>" + payload + "</iq>"}}
                .dump(),
            "iq_reply", 10s));
    };
    for (const auto& [payload, id] : std::vector<std::pair<std::string, std::string>>{
             {"<conference xmlns='http://jitsi.org/protocol/focus' machine-uid='m'/>", "missing"},
             {"<conference xmlns='http://jitsi.org/protocol/focus' room='@conference.meet.test'/>", "nolocal"},
             {"<conference xmlns='http://jitsi.org/protocol/focus' room='r@conference.meet.test/nick'/>", "full"},
             {"<conference xmlns='http://jitsi.org/protocol/focus' room='" + std::string(3000, 'x') +
                  "@conference.meet.test'/>",
              "oversized"}}) {
        auto reply = send(payload, id);
        EXPECT_EQ(reply["type"], "error") << id << alice->transcript();
        EXPECT_NE(reply["xml"].get<std::string>().find("bad-request"), std::string::npos) << id << reply.dump();
    }
    EXPECT_TRUE(snapshot().conferences.empty());
    EXPECT_EQ(snapshot().conferences_created, 0U);
    expect_no_violation(*alice);
}

// A feature whose instance holds its conference open from ConferenceJoined, under `key` and for `duration`.
class HoldOnJoin : public FeatureInstance {
public:
    HoldOnJoin(std::string key, std::optional<std::chrono::milliseconds> duration)
        : key_(std::move(key)), duration_(duration) {}
    void on_event(ConferenceView& conference, const ConferenceEvent& event) override {
        if (std::holds_alternative<ConferenceJoined>(event)) {
            conference.hold_open(key_, duration_);
        }
    }

private:
    std::string key_;
    std::optional<std::chrono::milliseconds> duration_;
};

std::shared_ptr<const FeatureSlots> hold_on_join(const std::string& key,
                                                 std::optional<std::chrono::milliseconds> duration) {
    auto slots = std::make_shared<FeatureSlots>();
    slots->push_back(
        FeatureSlot{"hold", [key, duration](ConferenceView&) { return std::make_unique<HoldOnJoin>(key, duration); }});
    return slots;
}

TEST_F(ConferenceIntegrationTest, AHeldConferenceOutlivesItsTimeoutsAndEndsWhenTheHoldIsReleased) {
    start_focus(300ms, hold_on_join("test hold", std::nullopt));
    auto alice = client("alice");
    ASSERT_TRUE(alice);
    const std::string room = "held@conference.meet.test";
    auto reply = event_json(alice->request(conference_iq("focus@auth.meet.test/focus", room, "h1"), "iq_reply", 15s));
    ASSERT_EQ(reply["type"], "result") << alice->transcript();
    ASSERT_TRUE(eventually([&] {
        auto c = conference(room);
        return c && c->joined;
    }));
    // Past the initial timeout with nobody in the room: still there, and it says why.
    std::this_thread::sleep_for(1s);
    auto held = conference(room);
    ASSERT_TRUE(held) << "an empty conference held open does not end on its initial timeout";
    EXPECT_EQ(held->holds, std::vector<std::string>{"test hold"});

    // Somebody comes and goes: the last one leaving does not end it either.
    ASSERT_TRUE(
        alice->request(nlohmann::json{{"cmd", "join"}, {"room", room}, {"nick", "a1a1a1a1"}}.dump(), "joined", 10s));
    ASSERT_TRUE(eventually([&] { return snapshot().participants_current == 1; }));
    ASSERT_TRUE(alice->request(nlohmann::json{{"cmd", "leave"}, {"room", room}}.dump(), "left", 10s));
    ASSERT_TRUE(eventually([&] { return snapshot().participants_current == 0; }));
    std::this_thread::sleep_for(500ms);
    ASSERT_TRUE(conference(room)) << "the last member left, but the hold keeps it";

    // The hold is released: the empty conference ends then.
    manager_->with_conference(stanza::Jid::parse(room).value(), [](ConferenceHandle* handle) {
        ASSERT_NE(handle, nullptr);
        handle->run([](ConferenceView* view) {
            ASSERT_NE(view, nullptr);
            view->release_hold("test hold");
        });
    });
    EXPECT_TRUE(eventually([&] { return snapshot().conferences.empty(); }, 5s));
    expect_no_violation(*alice);
}

TEST_F(ConferenceIntegrationTest, AHoldWithADurationEndsTheEmptyConferenceWhenItExpires) {
    start_focus(300ms, hold_on_join("timed hold", 1500ms));
    auto alice = client("alice");
    ASSERT_TRUE(alice);
    const std::string room = "timed@conference.meet.test";
    const auto asked = std::chrono::steady_clock::now();
    auto reply = event_json(alice->request(conference_iq("focus@auth.meet.test/focus", room, "t1"), "iq_reply", 15s));
    ASSERT_EQ(reply["type"], "result") << alice->transcript();
    std::this_thread::sleep_until(asked + 800ms);
    EXPECT_TRUE(conference(room)) << "held past the 300 ms initial timeout";
    EXPECT_TRUE(eventually([&] { return snapshot().conferences.empty(); }, 5s));
    EXPECT_GE(std::chrono::steady_clock::now() - asked, 1500ms);
}

// A first user kept on a login or pre-join screen asks again and again: each request starts the initial timeout
// again, so the room outlives it; once the requests stop, it ends one timeout later.
TEST_F(ConferenceIntegrationTest, RepeatedRequestsKeepAnUnjoinedConferenceBeyondItsInitialTimeout) {
    start_focus(800ms);
    auto alice = client("alice");
    ASSERT_TRUE(alice);
    const std::string room = "waiting@conference.meet.test";
    const auto first = std::chrono::steady_clock::now();
    for (int i = 0; i < 5; ++i) {
        auto reply = event_json(alice->request(
            conference_iq("focus@auth.meet.test/focus", room, "w" + std::to_string(i)), "iq_reply", 15s));
        ASSERT_EQ(reply["type"], "result") << alice->transcript();
        std::this_thread::sleep_for(400ms);
    }
    const auto last = std::chrono::steady_clock::now() - 400ms;
    ASSERT_GE(std::chrono::steady_clock::now() - first, 2s);
    EXPECT_TRUE(conference(room)) << "still there 2 s after the first request, 0.8 s initial timeout";
    EXPECT_TRUE(eventually([&] { return snapshot().conferences.empty(); }, 5s));
    EXPECT_GE(std::chrono::steady_clock::now() - last, 800ms);
    expect_no_violation(*alice);
}

}  // namespace
}  // namespace jicofo::conference
