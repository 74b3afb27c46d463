// GoogleTest helpers for integration tests: start Prosody and peers (failing the test with the reason), build
// connect commands, read events. Tests that include this link nlohmann_json::nlohmann_json.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <initializer_list>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "support/peer_process.hpp"
#include "support/prosody_fixture.hpp"

namespace jicofo::testing {

using namespace std::chrono_literals;
inline constexpr auto kEventTimeout = 5s;

inline nlohmann::json connect_command(const ProsodyFixture& prosody, const std::string& jid,
                                      const std::string& password = "") {
    nlohmann::json command = {{"cmd", "connect"}, {"jid", jid}, {"host", "127.0.0.1"}, {"port", prosody.c2s_port()}};
    if (!password.empty()) {
        command["password"] = password;
    }
    return command;
}

inline nlohmann::json event_json(const std::optional<std::string>& line) {
    return line ? nlohmann::json::parse(*line) : nlohmann::json();
}

inline std::unique_ptr<ProsodyFixture> start_prosody(ProsodyOptions options = {}) {
    auto prosody = ProsodyFixture::start(std::move(options));
    EXPECT_TRUE(prosody) << (prosody ? "" : prosody.error());
    return prosody ? std::move(prosody).value() : nullptr;
}

// script: which emulator in tests/peers (a bridge: jvb_peer.py; browsers: participant_peer.py).
inline std::unique_ptr<PeerProcess> start_peer(const std::string& name, const std::string& script = "xmpp_peer.py") {
    auto peer = PeerProcess::start(name, {}, script);
    EXPECT_TRUE(peer) << (peer ? "" : peer.error());
    return peer ? std::move(peer).value() : nullptr;
}

// Connects and returns the bound full JID, or "" (with a test failure carrying the transcript and the log).
inline std::string connect_peer(PeerProcess& peer, const ProsodyFixture& prosody, nlohmann::json command) {
    const auto line = peer.request(command.dump(), "connected", 10s);
    const bool ok = line && PeerProcess::is_event(*line, "connected");
    EXPECT_TRUE(ok) << peer.transcript() << prosody.log_text();
    return ok ? event_json(line)["jid"].get<std::string>() : "";
}

// True when xml has an element <name ...> whose start tag holds every one of the attributes, each written as
// attr="value" (double quotes, as the peers report stanzas). Attribute order on the wire is not stable (Prosody
// re-serialises stanzas), so tests look for a tag this way rather than for a literal string.
inline bool xml_has_element(const std::string& xml, const std::string& name,
                            std::initializer_list<std::string> attributes) {
    const std::string open = "<" + name;
    for (auto at = xml.find(open); at != std::string::npos; at = xml.find(open, at + 1)) {
        const auto after = at + open.size();
        if (after >= xml.size() || (xml[after] != ' ' && xml[after] != '>' && xml[after] != '/')) {
            continue;  // a longer element name
        }
        const auto end = xml.find('>', at);
        const std::string tag = " " + xml.substr(after, end == std::string::npos ? std::string::npos : end - after);
        bool all = true;
        for (const auto& attribute : attributes) {
            all = all && tag.find(" " + attribute) != std::string::npos;
        }
        if (all) {
            return true;
        }
    }
    return false;
}

}  // namespace jicofo::testing
