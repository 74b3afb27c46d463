// Fakes at the colibri module's ports (the bridge transport and the allocator) and canned bridge answers, shared by
// the session and relay tests.
#pragma once

#include "jicofo/colibri/colibri_session_manager.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <map>

namespace jicofo::colibri::fakes {

struct SentRequest {
    stanza::Jid bridge;
    stanza::ConferenceModify request;
    std::function<void(ColibriReply)> done;
};

class FakeTransport : public ColibriTransport {
public:
    void send(const stanza::Jid& bridge, const stanza::ConferenceModify& request,
              std::function<void(ColibriReply)> done) override {
        sent.push_back({bridge, request, std::move(done)});
    }
    SentRequest take() {
        EXPECT_FALSE(sent.empty());
        auto request = std::move(sent.front());
        sent.pop_front();
        return request;
    }
    std::deque<SentRequest> sent;
};

class FakeAllocator : public BridgeAllocator {
public:
    void select(const selector::ConferenceBridges& conference, const selector::ParticipantProperties&,
                std::function<void(std::optional<BridgeInfo>, std::string)> done) override {
        last_conference = conference;
        ++selections;
        if (defer) {
            deferred.push_back([this, done] { done(bridges.front(), "first"); });
            return;
        }
        if (bridges.empty()) {
            done(std::nullopt, "no operational bridges");
            return;
        }
        done(bridges.front(), "first");
    }
    void report_failure(const std::string& bridge_id, bool graceful) override {
        failures.emplace_back(bridge_id, graceful);
    }
    void endpoints_removed(const std::string& bridge_id, int count) override { removed[bridge_id] += count; }

    std::vector<BridgeInfo> bridges;
    bool defer = false;  // answer selections only when the test says so
    std::vector<std::function<void()>> deferred;
    int selections = 0;
    selector::ConferenceBridges last_conference;
    std::vector<std::pair<std::string, bool>> failures;
    std::map<std::string, int> removed;
};

inline BridgeInfo bridge(const std::string& nick) {
    auto jid = stanza::Jid::parse("jvbbrewery@internal.auth.meet.test/" + nick).value();
    return BridgeInfo{jid.to_string(), jid, "region-a", std::nullopt};
}

inline stanza::ConferenceModified allocated(const std::string& endpoint, bool with_feedback) {
    stanza::ConferenceModified response;
    stanza::Colibri2Endpoint e;
    e.id = endpoint;
    stanza::IceUdpTransport ice;
    ice.ufrag = "uf-" + endpoint;
    ice.pwd = "pwd";
    ice.fingerprints.push_back({"sha-256", "actpass", std::nullopt, "AA:BB"});
    stanza::Colibri2Transport transport;
    transport.ice_udp = ice;
    e.transport = transport;
    response.endpoints.push_back(e);
    if (with_feedback) {
        stanza::Colibri2Sources sources;
        stanza::MediaSource audio;
        audio.type = stanza::MediaType::audio;
        audio.id = "jvb-a0";
        audio.sources.push_back(stanza::Source{123, "jvb-a0", std::nullopt, std::nullopt, {}});
        sources.media_sources.push_back(audio);
        response.sources = sources;
    }
    return response;
}

inline ColibriReply error_reply(stanza::ErrorCondition condition,
                                std::optional<stanza::Colibri2ErrorReason> reason = std::nullopt) {
    stanza::StanzaError error = stanza::StanzaError::make(condition);
    if (reason) {
        error = stanza::Colibri2Error{*reason, {}}.to_stanza_error(condition);
    }
    return core::unexpected(ColibriFailure{ColibriFailure::Kind::error, error});
}

inline ColibriReply timeout_reply() {
    return core::unexpected(ColibriFailure{ColibriFailure::Kind::timeout, std::nullopt});
}

inline ColibriReply disconnected_reply() {
    return core::unexpected(ColibriFailure{ColibriFailure::Kind::disconnected, std::nullopt});
}

}  // namespace jicofo::colibri::fakes
