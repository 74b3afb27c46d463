// What the tests of the brewery emulators (tests/peers/jibri_peer.py, jigasi_peer.py) share: a real Prosody with
// the component's account, the focus's and an intruder's; the component and a plain xmpp_peer as the focus, both
// connected, the focus in the brewery first (so it owns the room, and the MUC routes IQs only between occupants);
// raw IQs sent to the component through the brewery and its events read.
#pragma once

#include <memory>
#include <string>

#include "support/harness_test_util.hpp"

namespace jicofo::testing {

class BreweryPeerTest : public ::testing::Test {
protected:
    struct Component {
        std::string account;  // its user on auth.meet.test, also its nick in the brewery
        std::string password;
        std::string script;   // its emulator in tests/peers
        std::string brewery;  // the local part of the brewery room
    };

    // Starts Prosody, the component and the focus, and puts the focus in the brewery. The caller then sets up the
    // focus's side and calls join_brewery(). Callers check HasFatalFailure().
    void start(const Component& component) {
        ProsodyOptions options;
        options.users = {{component.account, "auth.meet.test", component.password},
                         {"focus", "auth.meet.test", "focus-secret"},
                         {"intruder", "auth.meet.test", "intruder-secret"}};
        prosody_ = start_prosody(options);
        ASSERT_TRUE(prosody_);
        brewery_ = component.brewery + "@" + prosody_->internal_muc_domain();
        nick_ = component.account;
        component_jid_ = brewery_ + "/" + nick_;

        component_ = start_peer(nick_, component.script);
        focus_ = start_peer("focus");
        ASSERT_TRUE(component_ && focus_);
        ASSERT_FALSE(connect_peer(*component_, *prosody_,
                                  connect_command(*prosody_, nick_ + "@auth.meet.test", component.password))
                         .empty());
        focus_full_jid_ =
            connect_peer(*focus_, *prosody_, connect_command(*prosody_, prosody_->focus_jid(), "focus-secret"));
        ASSERT_FALSE(focus_full_jid_.empty());
        const nlohmann::json focus_join = {{"cmd", "join"}, {"room", brewery_}, {"nick", "focus"}};
        ASSERT_TRUE(focus_->request(focus_join.dump(), "joined", kEventTimeout)) << focus_->transcript();
    }

    // The component's join_brewery, obeying the focus account, with these more fields.
    void join_brewery(nlohmann::json join = nlohmann::json::object()) {
        join["cmd"] = "join_brewery";
        join["room"] = brewery_;
        join["nick"] = nick_;
        join["focus"] = prosody_->focus_jid();
        const auto joined = component_->request(join.dump(), "joined", kEventTimeout);
        ASSERT_TRUE(joined && PeerProcess::is_event(*joined, "joined")) << component_->transcript();
    }

    // Sends one raw IQ (`attributes` in its start tag) from `from` (the focus unless told) to the component through
    // the brewery; returns its iq_reply or iq_timeout event.
    nlohmann::json send_to_component(const std::string& payload, PeerProcess* from, int timeout_s,
                                     const std::string& attributes) {
        PeerProcess& sender = from ? *from : *focus_;
        const nlohmann::json command = {
            {"cmd", "send_iq"},
            {"xml", "<iq " + attributes + " to='" + component_jid_ + "'>" + payload + "</iq>"},
            {"timeout", timeout_s}};
        EXPECT_TRUE(sender.send(command.dump()));
        const auto line = sender.wait_for(
            [](const std::string& l) {
                return PeerProcess::is_event(l, "iq_reply") || PeerProcess::is_event(l, "iq_timeout") ||
                       PeerProcess::is_event(l, "error");
            },
            std::chrono::seconds(timeout_s + 5));
        EXPECT_TRUE(line) << sender.transcript() << component_->transcript();
        return event_json(line);
    }

    // The next event of this kind the component reported.
    nlohmann::json component_event(const std::string& name) {
        const auto line = component_->wait_for(name, kEventTimeout);
        EXPECT_TRUE(line) << component_->transcript();
        return event_json(line);
    }

    void expect_violation(const std::string& about) {
        const auto line = component_->wait_for("protocol_violation", kEventTimeout);
        ASSERT_TRUE(line) << component_->transcript();
        EXPECT_NE(event_json(line)["reason"].get<std::string>().find(about), std::string::npos) << *line;
    }

    void expect_no_violation() {
        for (const auto& line : component_->take_all()) {
            EXPECT_FALSE(PeerProcess::is_event(line, "protocol_violation")) << line;
        }
    }

    // A plain peer of the intruder account in the brewery: an occupant, neither its owner nor the focus.
    std::unique_ptr<PeerProcess> intruder_in_brewery() {
        auto intruder = start_peer("intruder");
        EXPECT_TRUE(intruder);
        if (!intruder) {
            return nullptr;
        }
        EXPECT_FALSE(
            connect_peer(*intruder, *prosody_, connect_command(*prosody_, "intruder@auth.meet.test", "intruder-secret"))
                .empty());
        const nlohmann::json join = {{"cmd", "join"}, {"room", brewery_}, {"nick", "intruder"}};
        EXPECT_TRUE(intruder->request(join.dump(), "joined", kEventTimeout)) << intruder->transcript();
        return intruder;
    }

    std::unique_ptr<ProsodyFixture> prosody_;
    std::unique_ptr<PeerProcess> component_;
    std::unique_ptr<PeerProcess> focus_;
    std::string brewery_;
    std::string nick_;
    std::string component_jid_;  // its occupant JID in the brewery
    std::string focus_full_jid_;
};

}  // namespace jicofo::testing
