// A say in the answer to conference requests, for the visitors feature: queueing visitors of a room that is not
// live yet, and redirecting a joiner to a visitor node. The room map calls it on its strand; at most one is set.
#pragma once

#include "jicofo/conference/conference_request.hpp"

#include <functional>
#include <optional>
#include <string>

namespace jicofo::conference {

class ConferenceHandle;

// What the shaper reads of a request (the room map works these out: the token's claims need `auth`).
struct RequestFacts {
    bool visitors_version = false;       // the client sent <property name='visitors-version'>: it can be redirected
    bool visitor_requested = false;      // <property name='visitor' value='true'>
    std::optional<std::string> user_id;  // the token's context.user.id, unvalidated (Prosody validated it)
    std::optional<std::string> group;    // the token's context.group
};

[[nodiscard]] RequestFacts request_facts(const ConferenceRequest& request);

class RequestShaper {
public:
    virtual ~RequestShaper() = default;
    // For a room without a conference: true to answer ready=false with live=false and create nothing (a visitor
    // waiting for a live room that has not started).
    [[nodiscard]] virtual bool queue_without_conference(const RequestFacts& facts) const = 0;
    // For a ready answer: `done` gets the answer to send (changed or not), exactly once, from any thread. The room
    // map answers ready=false itself if `done` has not come within the request's deadline.
    virtual void shape(ConferenceHandle& conference, const RequestFacts& facts, ConferenceReply reply,
                       std::function<void(ConferenceReply)> done) = 0;
};

}  // namespace jicofo::conference
