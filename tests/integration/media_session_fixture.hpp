// The fixture of the media end-to-end tests: the jicofo binary with a real Prosody, emulated bridges
// (tests/peers/jvb_peer.py) and emulated lib-jitsi-meet participants (tests/peers/participant_peer.py).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <initializer_list>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "support/harness_test_util.hpp"
#include "support/http_client.hpp"
#include "support/jicofo_binary.hpp"

namespace jicofo::testing {

using namespace std::chrono_literals;

inline constexpr const char* kFocusPassword = "focus-secret";
inline constexpr const char* kBridgePassword = "jvb-secret";
inline constexpr auto kSessionTimeout = 15s;
inline constexpr const char* kStanzasNs = "urn:ietf:params:xml:ns:xmpp-stanzas";

// The value of `attribute` on the first <element> of a stanza as the peers report it (double-quoted attributes).
inline std::optional<std::string> attribute_of(const std::string& xml, const std::string& element,
                                               const std::string& attribute) {
    const std::regex tag("<" + element + "[ />][^>]*");
    std::smatch found;
    if (!std::regex_search(xml, found, tag)) {
        return std::nullopt;
    }
    const std::regex value(" " + attribute + "=\"([^\"]*)\"");
    std::smatch matched;
    const std::string text = found.str();
    if (!std::regex_search(text, matched, value)) {
        return std::nullopt;
    }
    return matched[1].str();
}

// lib-jitsi-meet's disco#info features as the participant emulator answers them by default (its DEFAULT_FEATURES),
// spelled out so that the tests own them: a test that changes a client's features starts from these.
inline std::vector<std::string> lib_jitsi_meet_peer_features() {
    return {"http://jabber.org/protocol/disco#info",
            "urn:xmpp:jingle:1",
            "urn:xmpp:jingle:apps:rtp:1",
            "urn:xmpp:jingle:transports:ice-udp:1",
            "urn:xmpp:jingle:apps:dtls:0",
            "urn:xmpp:jingle:transports:dtls-sctp:1",
            "urn:xmpp:jingle:apps:rtp:audio",
            "urn:xmpp:jingle:apps:rtp:video",
            "urn:ietf:rfc:4588",
            "urn:ietf:rfc:5761",
            "urn:ietf:rfc:5888",
            "http://jitsi.org/tcc",
            "http://jitsi.org/source-name",
            "http://jitsi.org/receive-multiple-video-streams",
            "urn:xmpp:ping"};
}

// None of these events reached the peer since it was last read (what it reported so far is consumed).
inline void expect_none_of(PeerProcess& peer, std::initializer_list<std::string_view> events) {
    for (const auto& line : peer.take_all()) {
        for (const auto event : events) {
            EXPECT_FALSE(PeerProcess::is_event(line, event)) << peer.name() << ": " << line;
        }
    }
}

class MediaSessionTest : public ::testing::Test {
protected:
    void SetUp() override {
        ProsodyOptions options;
        options.users.emplace_back("focus", "auth.meet.test", kFocusPassword);
        options.users.emplace_back("jvb1", "auth.meet.test", kBridgePassword);
        options.users.emplace_back("jvb2", "auth.meet.test", kBridgePassword);
        configure_prosody(options);
        prosody_ = start_prosody(options);
        ASSERT_TRUE(prosody_);
        before_jicofo();
        brewery_ = "jvbbrewery@" + prosody_->internal_muc_domain();
        room_ = "media1@" + prosody_->muc_domain();
        port_ = free_loopback_port();
        std::ostringstream settings;
        settings << "  bridge {\n"
                 << "    brewery-jid = \"" << brewery_ << "\"\n"
                 << "    xmpp-connection-name = Client\n"
                 << "    health-checks.interval = 500 ms\n"
                 << "    health-checks.retry-delay = 250 ms\n"
                 << "  }\n"
                 << "  conference { initial-timeout = 10 seconds }\n"
                 << "  health.enabled = false\n"
                 << "  rest { host = \"127.0.0.1\", port = " << port_ << " }\n"
                 << extra_settings();
        const std::string config = jicofo_config(*prosody_, kFocusPassword,
                                                 "    use-tls = false\n"
                                                 "    reply-timeout = 5 seconds\n" +
                                                     extra_client_settings(),
                                                 settings.str());
        jicofo_ = start_jicofo_process(JICOFO_BINARY, config, prosody_->directory());
        ASSERT_TRUE(jicofo_);
        participants_ = start_peer("participants", "participant_peer.py");
        ASSERT_TRUE(participants_);
    }

    // Prosody options for a fixture that needs more (e.g. Jitsi's room components).
    virtual void configure_prosody(ProsodyOptions& options) { (void)options; }
    // More jicofo.* settings for a fixture that needs them.
    [[nodiscard]] virtual std::string extra_settings() const { return {}; }
    // Runs once Prosody is up, before jicofo starts (e.g. to put a proxy between them).
    virtual void before_jicofo() {}
    // More jicofo.xmpp.client settings (they come after the fixture's, so they override them).
    [[nodiscard]] virtual std::string extra_client_settings() const { return {}; }

    void TearDown() override {
        if (jicofo_) {
            jicofo_->stop();
        }
        // Every emulator is strict: whatever the test checked, a malformed stanza from us fails it.
        for (auto* peer : {participants_.get(), jvb1_.get(), jvb2_.get()}) {
            if (peer) {
                expect_none_of(*peer, {"protocol_violation"});
            }
        }
    }

    // A bridge in the brewery; returns once jicofo has health-checked it (so it knows the bridge).
    std::unique_ptr<PeerProcess> start_bridge(const std::string& nick, const std::string& region,
                                              const std::string& version = "2.3.0") {
        auto bridge = start_peer(nick, "jvb_peer.py");
        EXPECT_TRUE(bridge);
        if (!bridge) {
            return nullptr;
        }
        const auto jid = nick + "@" + prosody_->auth_domain();
        EXPECT_FALSE(connect_peer(*bridge, *prosody_, connect_command(*prosody_, jid, kBridgePassword)).empty());
        const nlohmann::json join = {{"cmd", "join_brewery"},
                                     {"room", brewery_},
                                     {"nick", nick},
                                     {"stats", {{"region", region}, {"relay_id", nick}, {"version", version}}}};
        EXPECT_TRUE(bridge->request(join.dump(), "joined", kEventTimeout)) << bridge->transcript();
        EXPECT_TRUE(bridge->wait_for("healthcheck", kSessionTimeout)) << bridge->transcript() << diagnostics();
        return bridge;
    }

    // A participant logged in anonymously, not in a room yet.
    void connect_participant(const std::string& name) {
        nlohmann::json connect = connect_command(*prosody_, prosody_->domain());
        connect["name"] = name;
        ASSERT_TRUE(participants_->request(connect.dump(), "connected", 10s)) << participants_->transcript();
    }

    void add_participant(const std::string& name, const std::string& nick,
                         const std::optional<std::string>& region = std::nullopt) {
        connect_participant(name);
        nlohmann::json options = nlohmann::json::object();
        if (region) {
            options["region"] = *region;
        }
        enter_room(name, room_, nick, options);
    }

    // A connected participant asks the focus for a room (conference request) and joins it, as a client does when
    // it enters a conference or moves to another room; `options` go into the join command.
    void enter_room(const std::string& name, const std::string& room, const std::string& nick,
                    const nlohmann::json& options = nlohmann::json::object()) {
        const nlohmann::json request = {{"cmd", "conference"},
                                        {"name", name},
                                        {"room", room},
                                        {"to", prosody_->focus_jid() + "/focus"},
                                        {"machine_uid", "uid-" + name}};
        // A fixture that waits for no bridge or brewery may ask before the focus has logged in; Prosody then answers
        // for the focus's absent resource (service-unavailable). A client would ask again; so does this.
        nlohmann::json reply;
        const auto until = std::chrono::steady_clock::now() + kSessionTimeout;
        do {
            const auto line = participants_->request(request.dump(), "conference_reply", kSessionTimeout);
            ASSERT_TRUE(line) << participants_->transcript() << diagnostics();
            reply = event_json(line);
            if (reply.value("type", nlohmann::json()) != "error" ||
                reply.value("condition", nlohmann::json()) != "service-unavailable") {
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        } while (std::chrono::steady_clock::now() < until);
        ASSERT_EQ(reply.value("ready", nlohmann::json()), "true") << reply.dump() << diagnostics();
        nlohmann::json join = {{"cmd", "join"},
                               {"name", name},
                               {"room", room},
                               {"nick", nick},
                               {"stats_id", "Stats-" + name},
                               {"focus_jid", prosody_->focus_jid()},
                               {"accept_delay_ms", 0}};
        join.update(options);
        ASSERT_TRUE(participants_->request(join.dump(), "joined", kEventTimeout)) << participants_->transcript();
    }

    // The state a bridge keeps of one endpoint, over all its conferences (null when it has none of that id).
    nlohmann::json endpoint_on(PeerProcess& bridge, const std::string& endpoint) {
        const auto state = bridge_state(bridge);
        const auto conferences = state.value("conferences", nlohmann::json::object());
        for (const auto& [meeting, conference] : conferences.items()) {
            const auto endpoints = conference.value("endpoints", nlohmann::json::object());
            if (endpoints.contains(endpoint)) {
                return endpoints[endpoint];
            }
        }
        return nullptr;
    }

    // The force-mute a bridge holds for an endpoint (null: never force-muted there, or no such endpoint).
    nlohmann::json forced(PeerProcess& bridge, const std::string& endpoint) {
        const auto found = endpoint_on(bridge, endpoint);
        return found.is_null() ? nlohmann::json() : found.value("force_mute", nlohmann::json());
    }

    // The next event of this kind for this participant (of `peers`, the participants' process by default).
    nlohmann::json next(const std::string& event, const std::string& name,
                        std::chrono::milliseconds timeout = kSessionTimeout) {
        return next_on(*participants_, event, name, timeout);
    }
    nlohmann::json next_on(PeerProcess& peers, const std::string& event, const std::string& name,
                           std::chrono::milliseconds timeout = kSessionTimeout) {
        const auto line = peers.wait_for(
            [&](const std::string& l) {
                return PeerProcess::is_event(l, event) && PeerProcess::has_field(l, "name", name);
            },
            timeout);
        EXPECT_TRUE(line) << event << " for " << name << "\n" << peers.transcript() << diagnostics();
        return line ? event_json(line) : nlohmann::json::object();
    }

    // jvb1 in the brewery; Alice and Bob in the room, their session-accepts answered and each holding the other's
    // sources, so the next jingle_reply of each answers what the test sends. Callers check HasFatalFailure().
    void alice_and_bob_with_sessions_on_jvb1() {
        jvb1_ = start_bridge("jvb1", "eu-west");
        ASSERT_TRUE(jvb1_);
        add_participant("alice", "alice1");
        add_participant("bob", "bob1");
        next("session_initiate", "alice");
        next("session_initiate", "bob");
        EXPECT_EQ(next("jingle_reply", "alice")["type"], "result");
        EXPECT_EQ(next("jingle_reply", "bob")["type"], "result");
        ASSERT_TRUE(poll(
            [&] {
                return dump("bob")["remote_sources"].contains("alice1") &&
                       dump("alice")["remote_sources"].contains("bob1");
            },
            kSessionTimeout))
            << participants_->transcript() << diagnostics();
    }

    nlohmann::json dump(const std::string& name) {
        const nlohmann::json command = {{"cmd", "dump"}, {"name", name}};
        return event_json(participants_->request(command.dump(), "dump", kEventTimeout));
    }

    nlohmann::json bridge_state(PeerProcess& bridge) {
        const auto line = bridge.request(R"({"cmd":"dump"})", "state", kEventTimeout);
        EXPECT_TRUE(line) << bridge.transcript();
        return line ? event_json(line) : nlohmann::json::object();
    }

    // Endpoint ids allocated on a bridge, over all its conferences.
    static std::set<std::string> endpoints_of(const nlohmann::json& state) {
        std::set<std::string> endpoints;
        // Named locals: a range-for over a temporary's items() would iterate a destroyed object.
        const auto conferences = state.value("conferences", nlohmann::json::object());
        for (const auto& [meeting, conference] : conferences.items()) {
            const auto allocated = conference.value("endpoints", nlohmann::json::object());
            for (const auto& [id, endpoint] : allocated.items()) {
                endpoints.insert(id);
            }
        }
        return endpoints;
    }

    std::string diagnostics() const { return diagnostics_text(jicofo_.get(), *prosody_); }

    // Of jvb1 and jvb2, the one that holds both participants dies; returns the other (nullptr when neither held
    // both in time, which the caller asserts).
    std::unique_ptr<PeerProcess>* kill_the_bridge_with_both() {
        std::unique_ptr<PeerProcess>* used = nullptr;
        const bool found = poll(
            [&] {
                if (endpoints_of(bridge_state(*jvb1_)).size() == 2) {
                    used = &jvb1_;
                } else if (endpoints_of(bridge_state(*jvb2_)).size() == 2) {
                    used = &jvb2_;
                }
                return used != nullptr;
            },
            kSessionTimeout);
        EXPECT_TRUE(found) << diagnostics();
        if (!found || !(*used)->request(R"({"cmd":"die"})", "died", kEventTimeout)) {
            return nullptr;
        }
        used->reset();
        return used == &jvb1_ ? &jvb2_ : &jvb1_;
    }

    // A bridge's entry in /debug's bridge_selector, by nick.
    nlohmann::json selector_view(const std::string& nick) {
        const auto debug = get_rest_json(port_, "/debug");
        const auto bridges =
            debug.value("bridge_selector", nlohmann::json::object()).value("bridge", nlohmann::json::object());
        for (const auto& [jid, bridge] : bridges.items()) {
            if (bridge.value("nick", "") == nick) {
                return bridge;
            }
        }
        return nlohmann::json::object();
    }

    // Makes jvb2 busier than jvb1, so that without a reason to avoid jvb1 the selector puts everyone there.
    void prefer_jvb1() {
        ASSERT_TRUE(jvb2_->request(R"({"cmd":"set_stats","stats":{"stress_level":0.5}})", "stats", kEventTimeout));
        ASSERT_TRUE(poll([&] { return selector_view("jvb2").value("stress", 0.0) > 0.4; }, kSessionTimeout))
            << get_rest_json(port_, "/debug").dump();
    }

    // A JSON answer of the binary's REST API (null when it did not answer 200 with JSON).
    nlohmann::json rest_json(const std::string& path, const std::string& accept = "") {
        std::vector<std::pair<std::string, std::string>> headers;
        if (!accept.empty()) {
            headers.emplace_back("Accept", accept);
        }
        const auto reply = http_request(port_, "GET", path, "", headers);
        EXPECT_EQ(reply.status, 200) << path << ": " << reply.body;
        auto json = nlohmann::json::parse(reply.body, nullptr, false);
        return reply.status == 200 && !json.is_discarded() ? json : nlohmann::json();
    }

    std::unique_ptr<ProsodyFixture> prosody_;
    std::unique_ptr<PeerProcess> participants_;
    std::unique_ptr<PeerProcess> jvb1_;
    std::unique_ptr<PeerProcess> jvb2_;
    std::string brewery_;
    std::string room_;
    uint16_t port_ = 0;
    std::unique_ptr<JicofoProcess> jicofo_;
};

}  // namespace jicofo::testing
