// A conference feature (AV moderation, breakout rooms, room metadata, Jibri, Jigasi...) is a module of its own:
// src/<feature>/, include/jicofo/<feature>/, tests/<feature>/. It exposes one `feature::Feature` value, and the
// application's feature list holds one line per feature. At start-up the application hands each feature's
// `install` a Registrar, through which the feature declares everything it hooks into:
//   - its per-conference instance (conference events, unmute refusals, initial force-mute, /debug part);
//   - IQs from room occupants, delivered on the owning conference's strand in arrival order (a request for a room
//     without a conference is answered item-not-found by the router, not by the feature);
//   - the Prosody components it needs (discovered once per XMPP session) and their messages;
//   - once the XMPP connections exist, whatever it runs on them itself (a brewery), and IQs from the peers it claims
//     (its brewery's occupants), which are told apart from occupant IQs of the same element;
//   - REST routes, and sections of /stats and /debug;
//   - its metrics and its configuration section, read through the registrar, and what it applies on a reload.
// Features depend on `conference` (its view), `stanza`, `core` and this module; never on each other. When two
// must share something, its owner publishes a typed value on the conference (room metadata) and the other reads it.
#pragma once

#include "jicofo/conference/conference_view.hpp"
#include "jicofo/conference/request_shaper.hpp"
#include "jicofo/config/jicofo_config.hpp"
#include "jicofo/rest/router.hpp"
#include "jicofo/stanza/envelope.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/strand.hpp>
#include <nlohmann/json.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace jicofo::conference {
struct BridgeEvent;  // focus_manager.hpp
}  // namespace jicofo::conference
namespace jicofo::metrics {
class MetricsRegistry;
}  // namespace jicofo::metrics
namespace jicofo::xmpp {
class XmppConnection;
}  // namespace jicofo::xmpp

namespace jicofo::feature {

using conference::ConferenceView;
using conference::FeatureInstance;

// Which IQs a handler takes: the payload's element and namespace, and the IQ type.
struct IqRoute {
    std::string element;
    std::string ns;
    stanza::IqType type = stanza::IqType::set;
};

// An occupant's IQ, on the conference's strand. `instance` is this feature's instance in that conference (nullptr
// if it keeps none). The handler answers the request, exactly once, through `conference.reply`.
using OccupantIqHandler = std::function<void(ConferenceView& conference, FeatureInstance* instance, const stanza::Iq&)>;

// Work for one conference, on its strand, with this feature's instance there.
using ConferenceTask = std::function<void(ConferenceView& conference, FeatureInstance* instance)>;

// Reaches conferences from a feature's own callbacks (component messages, REST). Thread-safe.
class Conferences {
public:
    virtual ~Conferences() = default;
    // Runs `task` on the room's conference strand; `missing` (may be empty) runs on the features strand when the room
    // has no conference.
    virtual void with_conference(const stanza::Jid& room, ConferenceTask task, std::function<void()> missing = {}) = 0;
};

// A message from a discovered component (its sender is the component's address), on the features strand.
using ComponentMessageHandler = std::function<void(const stanza::Message& message, Conferences& conferences)>;

// A JSON value for /stats or /debug, built on the features strand when asked.
using JsonSection = std::function<nlohmann::ordered_json()>;

// The XMPP connections, once they exist.
struct Connections {
    std::shared_ptr<xmpp::XmppConnection> client;
    std::shared_ptr<xmpp::XmppConnection> service;  // the client connection when no separate one is configured
    // The visitor nodes and their connections (empty without jicofo.xmpp.visitors); occupant IQs from visitor rooms
    // arrive over these and reach the main room's conference.
    std::shared_ptr<const conference::VisitorNodes> visitor_nodes = std::make_shared<const conference::VisitorNodes>();

    [[nodiscard]] const std::shared_ptr<xmpp::XmppConnection>& named(config::XmppConnectionName name) const {
        return name == config::XmppConnectionName::Service ? service : client;
    }
};

// An IQ from a peer the feature claimed, on the features strand; answered exactly once over `connection`.
using PeerIqHandler = std::function<void(const stanza::Iq& request, xmpp::XmppConnection& connection)>;
// Whether an IQ's sender is one of the feature's peers (e.g. its brewery's occupants); on the features strand.
using PeerClaim = std::function<bool(const stanza::Jid& from)>;

using Strand = boost::asio::strand<boost::asio::any_io_executor>;

// What a feature declares when installed. It lives as long as the feature host, so a feature may keep a reference
// for what it calls later (advertise, on the features strand).
class Registrar {
public:
    virtual ~Registrar() = default;

    // The per-conference instance; called on the conference's strand when it starts.
    virtual void per_conference(conference::FeatureInstanceFactory make) = 0;
    // IQs sent by room occupants to the focus, over the client connection.
    virtual void on_occupant_iq(IqRoute route, OccupantIqHandler handler) = 0;
    // The component of this type (a disco identity of category "component" on the XMPP domain, e.g.
    // "av_moderation"): `changed` gets its address after every discovery (nullopt: absent), on the features strand;
    // `on_message` (may be empty) gets the messages it sends.
    virtual void on_component(std::string type, std::function<void(const std::optional<std::string>& address)> changed,
                              ComponentMessageHandler on_message) = 0;
    // Called on the features strand once the connections exist (start) and before they close (stop): what a
    // feature runs on the connections itself (a brewery) is made and undone here.
    virtual void on_start(std::function<void(const Connections&)> started) = 0;
    virtual void on_stop(std::function<void()> stopping) = 0;
    // The configuration was re-read (SIGHUP): on the features strand, with the new value. A feature applies what of
    // its own section can change live; what is running is its business.
    virtual void on_reload(std::function<void(const config::JicofoConfig&)> reloaded) = 0;
    // Bridges joining, leaving and failing (the bridge registry's events, which the application forwards), on the
    // features strand.
    virtual void on_bridge_event(std::function<void(const conference::BridgeEvent&)> handler) = 0;
    // IQs of `route` arriving on the named connection whose sender `claims` accepts. They are tried before the
    // occupant IQ handlers of the same route, so a component that answers with the same element a client sends
    // (Jibri's status IQs, clients' <jibri/> requests) reaches the right handler.
    virtual void on_peer_iq(IqRoute route, config::XmppConnectionName connection, PeerClaim claims,
                            PeerIqHandler handler) = 0;
    // A REST route of the feature's own; `max_body` as in rest::Router::add.
    virtual void route(std::string method, std::string path, rest::RouteHandler handler,
                       std::size_t max_body = rest::kNoBodyRouteLimit) = 0;
    // A property of the focus's answer to every conference request (e.g. sipGatewayEnabled while a Jigasi that can
    // dial is present); nullopt withdraws it. Call it on the features strand.
    virtual void advertise(std::string key, std::optional<std::string> value) = 0;
    // A say in every conference request's answer (visitor redirects; conference/request_shaper.hpp). At most one
    // feature sets one.
    virtual void shape_requests(std::shared_ptr<conference::RequestShaper> shaper) = 0;
    // Top-level keys of GET /stats and GET /debug.
    virtual void stats_section(std::string key, JsonSection fill) = 0;
    virtual void debug_section(std::string key, JsonSection fill) = 0;

    [[nodiscard]] virtual const config::JicofoConfig& config() const = 0;
    [[nodiscard]] virtual metrics::MetricsRegistry& metrics() = 0;
    // The strand every feature-wide callback runs on (component addresses and messages, sections).
    [[nodiscard]] virtual const Strand& strand() const = 0;
    // Shared, so that a per-conference instance may keep it: it does nothing once the host is gone.
    [[nodiscard]] virtual std::shared_ptr<Conferences> conferences() = 0;
    // This feature's index: `ConferenceView::feature(index)` is its instance in a conference.
    [[nodiscard]] virtual std::size_t index() const = 0;
};

struct Feature {
    std::string_view name;
    void (*install)(Registrar& registrar);
};

// Helpers for what most features do (feature.cpp).

// on_component for the common case: the component's messages go to `on_message`, and /debug shows its address
// under `debug_key` as {"address": <address or null>}.
void use_component(Registrar& registrar, std::string type, std::string debug_key, ComponentMessageHandler on_message);

// The request's payload parsed as `Payload` (a stanza struct with parse); on failure the request is answered with
// the parser's error (bad-request without a payload) and nullopt is returned.
template <typename Payload>
std::optional<Payload> parse_request(ConferenceView& conference, const stanza::Iq& request) {
    if (!request.payload) {
        conference.reply(stanza::Iq::error_for(request, stanza::StanzaError::bad_request("no payload")));
        return std::nullopt;
    }
    auto parsed = Payload::parse(*request.payload);
    if (!parsed) {
        conference.reply(stanza::Iq::error_for(request, parsed.error()));
        return std::nullopt;
    }
    return std::move(parsed).value();
}

// The conference's media layer, or nullptr after answering the request item-not-found (no bridges configured, or
// the focus is not in the room yet).
conference::ConferenceMedia* media_or_refuse(ConferenceView& conference, const stanza::Iq& request);

}  // namespace jicofo::feature
