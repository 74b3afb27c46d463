// The fixture of the visitors end-to-end tests: the media-session fixture (the jicofo binary, a main Prosody,
// emulated bridges and participants) plus two visitor-node Prosodys (v1.meet.test and v2.meet.test, with
// mod_test_visitor_node.lua's rules) and our emulation of the visitors component on the main Prosody
// (mod_test_visitors_component.lua, which records what the focus asks of it). The vnodes run for the whole suite;
// each test has its own main Prosody, jicofo and bridges, and a room name of its own so that nothing a previous
// test left on a vnode is in its way.
#pragma once

#include <array>
#include <regex>

#include "media_session_fixture.hpp"

namespace jicofo::testing {

inline constexpr std::array<const char*, 2> kVnodes{"v1", "v2"};

class VisitorsTest : public MediaSessionTest {
protected:
    static void SetUpTestSuite() {
        for (std::size_t i = 0; i < kVnodes.size(); ++i) {
            ProsodyOptions options;
            options.domain = std::string(kVnodes[i]) + ".meet.test";
            options.users.emplace_back("focus", "auth." + options.domain, kFocusPassword);
            options.visitor_node = true;
            auto started = ProsodyFixture::start(options);
            ASSERT_TRUE(started) << started.error();
            vnodes()[i] = std::move(started).value();
        }
    }

    static void TearDownTestSuite() {
        for (auto& vnode : vnodes()) {
            vnode.reset();
        }
    }

    static std::array<std::unique_ptr<ProsodyFixture>, 2>& vnodes() {
        static std::array<std::unique_ptr<ProsodyFixture>, 2> instances;
        return instances;
    }

    void SetUp() override {
        for (const auto& vnode : vnodes()) {
            ASSERT_TRUE(vnode) << "a visitor node did not start";
            // A test that killed a vnode and failed before restarting it leaves it down.
            if (!vnode->running()) {
                ASSERT_TRUE(vnode->restart()) << vnode->log_text();
            }
        }
        MediaSessionTest::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        static int rooms = 0;
        room_ = "visitors" + std::to_string(++rooms) + "@" + prosody_->muc_domain();
    }

    void configure_prosody(ProsodyOptions& options) override {
        options.visitors_component = true;
        options.jitsi_room_components = true;  // room metadata, for the live room
    }

    // How many visitors a node takes before the focus looks for another.
    [[nodiscard]] virtual int max_visitors_per_node() const { return 5; }
    [[nodiscard]] virtual bool live_room() const { return false; }

    [[nodiscard]] std::string extra_settings() const override {
        std::ostringstream settings;
        settings << "  visitors {\n"
                 << "    enabled = true\n"
                 << "    max-participants = 2\n"
                 << "    max-visitors-per-node = " << max_visitors_per_node() << "\n"
                 << "    auto-enable-broadcast = true\n"
                 << "    enable-live-room = " << (live_room() ? "true" : "false") << "\n"
                 << "  }\n"
                 << "  xmpp.visitors {\n";
        for (std::size_t i = 0; i < kVnodes.size(); ++i) {
            const auto& vnode = *vnodes()[i];
            settings << "    " << kVnodes[i] << " {\n"
                     << "      hostname = \"127.0.0.1\"\n"
                     << "      port = " << vnode.c2s_port() << "\n"
                     << "      domain = \"" << vnode.auth_domain() << "\"\n"
                     << "      xmpp-domain = \"" << vnode.domain() << "\"\n"
                     << "      conference-service = \"" << vnode.muc_domain() << "\"\n"
                     << "      username = \"focus\"\n"
                     << "      password = \"" << kFocusPassword << "\"\n"
                     << "      use-tls = false\n"
                     << "    }\n";
        }
        settings << "  }\n"
                 << "  bridge.selection-strategy = VisitorSelectionStrategy\n"
                 << "  bridge.participant-selection-strategy = SingleBridgeSelectionStrategy\n"
                 << "  bridge.visitor-selection-strategy = SingleBridgeSelectionStrategy\n"
                 << "  bridge.topology-strategy = VisitorTopologyStrategy\n"
                 << "  octo.enabled = true\n";
        return settings.str();
    }

    void TearDown() override {
        MediaSessionTest::TearDown();
        if (visitors_) {
            expect_none_of(*visitors_, {"protocol_violation"});
        }
    }

    ProsodyFixture& vnode(const std::string& id) { return *vnodes()[id == kVnodes[0] ? 0 : 1]; }
    static std::string other_vnode(const std::string& id) { return id == kVnodes[0] ? kVnodes[1] : kVnodes[0]; }

    // The room's name on a vnode: the main xmpp-domain replaced by the vnode's.
    std::string visitor_room(const std::string& id) {
        return room_.substr(0, room_.find('@')) + "@" + vnode(id).muc_domain();
    }

    // Two participants in the main room, each holding the other's sources (with max-participants = 2, the room is
    // full for anyone who can be a visitor).
    void alice_and_bob_in_the_main_room() {
        jvb1_ = start_bridge("jvb1", "eu-west");
        jvb2_ = start_bridge("jvb2", "eu-west");
        ASSERT_TRUE(jvb1_ && jvb2_);
        connect_participant("alice");
        enter_room("alice", room_, "alice1");
        connect_participant("bob");
        enter_room("bob", room_, "bob1");
        for (const char* name : {"alice", "bob"}) {
            next("session_initiate", name);
            ASSERT_EQ(next("jingle_reply", name)["type"], "result") << name;
        }
        ASSERT_TRUE(poll(
            [&] {
                return dump("bob")["remote_sources"].contains("alice1") &&
                       dump("alice")["remote_sources"].contains("bob1");
            },
            kSessionTimeout))
            << participants_->transcript() << diagnostics();
    }

    // The conference request of a client logged in to the main Prosody (a connection of its own, closed after the
    // reply, as a client that is redirected closes it); the conference_reply event.
    nlohmann::json ask_for_room(const std::string& name, const nlohmann::json& properties) {
        const auto asker = name + "-main";
        nlohmann::json connect = connect_command(*prosody_, prosody_->domain());
        connect["name"] = asker;
        EXPECT_TRUE(participants_->request(connect.dump(), "connected", 10s)) << participants_->transcript();
        const nlohmann::json request = {{"cmd", "conference"},
                                        {"name", asker},
                                        {"room", room_},
                                        {"to", prosody_->focus_jid() + "/focus"},
                                        {"machine_uid", "uid-" + name},
                                        {"properties", properties}};
        const auto line = participants_->request(request.dump(), "conference_reply", kSessionTimeout);
        EXPECT_TRUE(line && PeerProcess::is_event(*line, "conference_reply"))
            << participants_->transcript() << diagnostics();
        const nlohmann::json disconnect = {{"cmd", "disconnect"}, {"name", asker}};
        EXPECT_TRUE(participants_->request(disconnect.dump(), "disconnected", kEventTimeout));
        return line && PeerProcess::is_event(*line, "conference_reply") ? event_json(line) : nlohmann::json();
    }

    // A visitor-capable client asks for the full room and must be redirected; the vnode it was sent to.
    std::string redirected(const std::string& name, bool ask_to_be_visitor = false) {
        nlohmann::json properties = {{"visitors-version", "1"}};
        if (ask_to_be_visitor) {
            properties["visitor"] = "true";
        }
        const auto reply = ask_for_room(name, properties);
        EXPECT_EQ(reply.value("type", nlohmann::json()), "result") << reply.dump();
        EXPECT_EQ(reply.value("ready", nlohmann::json()), "true") << reply.dump();
        const auto vnode_id = reply.value("vnode", nlohmann::json());
        EXPECT_TRUE(vnode_id == kVnodes[0] || vnode_id == kVnodes[1])
            << name << " was not redirected to a vnode: " << reply.dump() << diagnostics();
        if (!vnode_id.is_string() || (vnode_id != kVnodes[0] && vnode_id != kVnodes[1])) {
            return "";
        }
        const auto id = vnode_id.get<std::string>();
        EXPECT_EQ(reply.value("focusjid", nlohmann::json()), vnode(id).focus_jid()) << reply.dump();
        return id;
    }

    // The redirected client connects to its vnode and joins the room there (refused unless the focus is in it
    // already: only the focus creates rooms on a vnode), receive-only.
    void join_as_visitor(const std::string& name, const std::string& nick, const std::string& vnode_id) {
        if (!visitors_) {
            visitors_ = start_peer("visitors", "participant_peer.py");
            ASSERT_TRUE(visitors_);
        }
        auto& node = vnode(vnode_id);
        nlohmann::json connect = connect_command(node, node.domain());
        connect["name"] = name;
        ASSERT_TRUE(visitors_->request(connect.dump(), "connected", 10s)) << visitors_->transcript();
        const nlohmann::json join = {{"cmd", "join"},
                                     {"name", name},
                                     {"room", visitor_room(vnode_id)},
                                     {"nick", nick},
                                     {"stats_id", "Stats-" + name},
                                     {"receive_only", true},
                                     {"accept_delay_ms", 0}};
        const auto joined = visitors_->request(join.dump(), "joined", kEventTimeout);
        ASSERT_TRUE(joined && PeerProcess::is_event(*joined, "joined"))
            << name << " could not join " << visitor_room(vnode_id)
            << " (the focus must be in it before it redirects)\n"
            << visitors_->transcript() << node.log_text() << diagnostics();
    }

    // The next event of this kind for this visitor.
    nlohmann::json next_visitor(const std::string& event, const std::string& name,
                                std::chrono::milliseconds timeout = kSessionTimeout) {
        return next_on(*visitors_, event, name, timeout);
    }

    // What the visitors component accepted for this test's room.
    std::vector<VisitorsRequest> component_requests() const {
        std::vector<VisitorsRequest> ours;
        for (auto& request : prosody_->visitors_requests()) {
            if (request.room == room_) {
                ours.push_back(request);
            }
        }
        return ours;
    }

    bool component_has(const std::string& action, const std::string& vnode_id) const {
        for (const auto& request : component_requests()) {
            if (request.action == action && request.vnode == vnode_id) {
                return true;
            }
        }
        return false;
    }

    std::string component_text() const {
        std::string text = "component requests for " + room_ + ":";
        for (const auto& request : component_requests()) {
            text += " " + std::to_string(request.order) + ":" + request.action + "/" + request.vnode;
        }
        return text;
    }

    // Of jvb1 and jvb2, the one that holds this endpoint (nullptr: neither).
    PeerProcess* bridge_of(const std::string& endpoint) {
        for (auto* bridge : {jvb1_.get(), jvb2_.get()}) {
            if (bridge != nullptr && !endpoint_on(*bridge, endpoint).is_null()) {
                return bridge;
            }
        }
        return nullptr;
    }

    // The relays a bridge holds, over all its conferences: relay id -> its state in the emulator.
    nlohmann::json relays_on(PeerProcess& bridge) {
        nlohmann::json relays = nlohmann::json::object();
        const auto state = bridge_state(bridge);
        const auto conferences = state.value("conferences", nlohmann::json::object());
        for (const auto& [meeting, conference] : conferences.items()) {
            relays.update(conference.value("relays", nlohmann::json::object()));
        }
        return relays;
    }

    // A sample of an unlabelled family in /metrics' Prometheus text (-1 when absent).
    double metric(const std::string& name) {
        const auto reply = http_request(port_, "GET", "/metrics");
        const std::regex sample("(^|\\n)" + name + " ([0-9.e+-]+)");
        std::smatch found;
        return std::regex_search(reply.body, found, sample) ? std::stod(found[2].str()) : -1;
    }

    std::unique_ptr<PeerProcess> visitors_;  // the clients connected to vnodes
};

}  // namespace jicofo::testing
