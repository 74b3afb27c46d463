// Component discovery over disco#info, re-run after every fresh session.
#include "jicofo/xmpp/component_discovery.hpp"

#include <boost/asio/post.hpp>

#include "jicofo/core/logging.hpp"
#include "jicofo/stanza/namespaces.hpp"

namespace jicofo::xmpp {

DiscoveredComponents components_from_disco(const stanza::DiscoInfo& info) {
    DiscoveredComponents found;
    for (const auto& identity : info.identities) {
        if (identity.category != "component" || !identity.name || identity.name->empty()) {
            continue;
        }
        found.all[identity.type] = *identity.name;
        if (identity.type == "breakout_rooms") {
            found.breakout_rooms = identity.name;
        } else if (identity.type == "av_moderation") {
            found.av_moderation = identity.name;
        } else if (identity.type == "room_metadata") {
            found.room_metadata = identity.name;
        } else if (identity.type == "visitors") {
            found.visitors = identity.name;
        }
    }
    return found;
}

// Shared with in-flight IQ callbacks, so that a reply arriving after destruction finds `alive == false`.
struct ComponentDiscovery::State : std::enable_shared_from_this<State> {
    State(XmppConnection& connection_, boost::asio::strand<boost::asio::any_io_executor> strand_,
          std::string xmpp_domain_, Listener listener_)
        : connection(connection_),
          strand(std::move(strand_)),
          xmpp_domain(std::move(xmpp_domain_)),
          listener(std::move(listener_)) {}

    XmppConnection& connection;
    boost::asio::strand<boost::asio::any_io_executor> strand;
    std::string xmpp_domain;
    Listener listener;
    DiscoveredComponents components;
    bool alive = true;
    std::shared_ptr<spdlog::logger> log = core::module_logger("xmpp");

    void discover() {
        auto target = stanza::Jid::parse(xmpp_domain);
        if (!target) {
            log->error("component discovery: invalid xmpp-domain '{}'", xmpp_domain);
            return;
        }
        stanza::Iq request;
        request.header.type = stanza::IqType::get;
        request.header.to = *target;
        request.payload = stanza::DiscoInfo{}.to_xml();
        connection.async_send_iq(std::move(request), strand, [self = weak_from_this()](const IqResult& result) {
            auto state = self.lock();
            if (!state || !state->alive) {
                return;
            }
            state->on_reply(result);
        });
    }

    void on_reply(const IqResult& result) {
        if (!result) {
            log->warn("component discovery on {} failed: {}", xmpp_domain, result.error().message());
            return;
        }
        if (!result->payload) {
            log->warn("component discovery on {}: empty disco#info result", xmpp_domain);
            return;
        }
        auto info = stanza::DiscoInfo::parse(*result->payload);
        if (!info) {
            log->warn("component discovery on {}: malformed disco#info: {}", xmpp_domain, info.error().message());
            return;
        }
        components = components_from_disco(*info);
        for (const auto& [type, address] : components.all) {
            log->info("discovered component {} at {}", type, address);
        }
        if (listener) {
            listener(components);
        }
    }
};

ComponentDiscovery::ComponentDiscovery(XmppConnection& connection,
                                       const boost::asio::strand<boost::asio::any_io_executor>& strand,
                                       std::string xmpp_domain, Listener listener)
    : state_(std::make_shared<State>(connection, strand, std::move(xmpp_domain), std::move(listener))) {
    on_state_ =
        connection.add_state_listener(strand, [weak = std::weak_ptr<State>(state_)](const ConnectionStatus& status) {
            auto state = weak.lock();
            if (state && state->alive && status.state == ConnectionState::connected &&
                status.session == SessionKind::fresh) {
                state->discover();
            }
        });
}

ComponentDiscovery::~ComponentDiscovery() {
    state_->alive = false;
    on_state_.reset();
}

const DiscoveredComponents& ComponentDiscovery::components() const {
    return state_->components;
}

}  // namespace jicofo::xmpp
