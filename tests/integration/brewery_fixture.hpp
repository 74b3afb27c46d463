// What the recording and Jigasi fixtures share: emulated components (tests/peers/jibri_peer.py, jigasi_peer.py)
// that join a brewery the focus already sits in, the binary's /debug and /stats as the tests read them, and a
// client's IQ to the focus occupant.
#pragma once

#include <initializer_list>
#include <string>

#include "media_session_fixture.hpp"

namespace jicofo::testing {

class BreweryTest : public MediaSessionTest {
protected:
    // A section of /debug; an empty object while the binary does not answer yet (it may be starting).
    nlohmann::json debug_section(const std::string& section) {
        const auto reply = http_request(port_, "GET", "/debug");
        auto json = nlohmann::json::parse(reply.body, nullptr, false);
        if (reply.status != 200 || !json.is_object() || !json[section].is_object()) {
            return nlohmann::json::object();
        }
        return json[section];
    }

    // A detector's /debug entry for one instance, by its brewery occupant JID (empty when it does not know it).
    nlohmann::json instance(const std::string& section, const std::string& jid) {
        const auto detector = debug_section(section);
        for (const auto& entry : detector.value("instances", nlohmann::json::array())) {
            if (entry.value("jid", "") == jid) {
                return entry;
            }
        }
        return nlohmann::json::object();
    }

    // The focus is in the brewery (its detector's /debug `section` says so) before a component joins it: a
    // component that created the room would own it, and it obeys only the room's owners and admins.
    void wait_for_focus_in(const std::string& section) {
        ASSERT_TRUE(poll([&] { return debug_section(section).value("joined", false); }, kSessionTimeout))
            << debug_section(section).dump() << diagnostics();
    }

    // An emulated component (`script`) of account `nick`@auth, connected and in the brewery with `join` (a
    // join_brewery command without its "cmd"); nullptr (with a test failure) when it could not start.
    std::unique_ptr<PeerProcess> start_component(const std::string& nick, const std::string& script,
                                                 const std::string& password, nlohmann::json join) {
        auto component = start_peer(nick, script);
        EXPECT_TRUE(component);
        if (!component) {
            return nullptr;
        }
        const auto jid = nick + "@" + prosody_->auth_domain();
        EXPECT_FALSE(connect_peer(*component, *prosody_, connect_command(*prosody_, jid, password)).empty());
        join["cmd"] = "join_brewery";
        EXPECT_TRUE(component->request(join.dump(), "joined", kEventTimeout)) << component->transcript();
        return component;
    }

    // The next `event` one of `peers` reported (which one in `*receiver`), or an empty object (and a test failure).
    nlohmann::json next_event_of(std::initializer_list<PeerProcess*> peers, const std::string& event,
                                 PeerProcess** receiver, std::chrono::milliseconds timeout) {
        const auto until = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < until) {
            for (auto* peer : peers) {
                if (const auto line = peer->wait_for(event, 50ms)) {
                    if (receiver) {
                        *receiver = peer;
                    }
                    return event_json(line);
                }
            }
        }
        ADD_FAILURE() << "no peer reported " << event << diagnostics();
        return nlohmann::json::object();
    }

    // A client's IQ (`xml`, with this id) sent through the participants' emulator; the iq_reply event (with the
    // reply's xml), an iq_timeout after `timeout`, or an empty object.
    nlohmann::json client_iq(const std::string& name, const std::string& id, const std::string& xml,
                             std::chrono::seconds timeout = 10s) {
        const nlohmann::json command = {
            {"cmd", "send_iq"}, {"name", name}, {"xml", xml}, {"timeout", static_cast<int>(timeout.count())}};
        participants_->send(command.dump());
        const auto line = participants_->wait_for(
            [&](const std::string& l) {
                return (PeerProcess::is_event(l, "iq_reply") || PeerProcess::is_event(l, "iq_timeout") ||
                        PeerProcess::is_event(l, "error")) &&
                       PeerProcess::has_field(l, "id", id);
            },
            timeout + 5s);
        EXPECT_TRUE(line) << participants_->transcript() << diagnostics();
        return line ? event_json(line) : nlohmann::json::object();
    }

    // A reply that timed out carries null fields (value() would throw on them): it is simply not a refusal, and the
    // caller's message shows the reply.
    static bool refused_with(const nlohmann::json& reply, const std::string& condition) {
        const auto type = reply.value("type", nlohmann::json());
        const auto xml = reply.value("xml", nlohmann::json());
        return type == "error" && xml.is_string() &&
               xml_has_element(xml.get<std::string>(), condition, {std::string("xmlns=\"") + kStanzasNs + "\""});
    }

    nlohmann::json stats() { return get_rest_json(port_, "/stats"); }
    std::string metrics() { return http_request(port_, "GET", "/metrics").body; }
    nlohmann::json conference_state() { return get_rest_json(port_, "/debug/conference/" + room_); }

    // Alice and Bob in the room, Alice its owner (auto-owner makes the first participant owner) as Prosody and the
    // focus both see it.
    void alice_moderates_bob_attends() {
        add_participant("alice", "alice1");
        add_participant("bob", "bob1");
        ASSERT_TRUE(
            poll([&] { return conference_state().value("owner", nlohmann::json()) == "alice1"; }, kSessionTimeout))
            << conference_state().dump() << diagnostics();
        ASSERT_TRUE(poll([&] { return dump("alice")["occupants"].contains("alice1"); }, kSessionTimeout));
    }

    int request_count_ = 0;
};

}  // namespace jicofo::testing
