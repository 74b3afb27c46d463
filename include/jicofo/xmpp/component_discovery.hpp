// Finds the Jitsi Prosody components of a deployment (breakout rooms, AV moderation, room metadata, visitors) the
// way Jicofo does: disco#info on the xmpp-domain, whose identities of category "component" name each component's
// address. Runs again on every fresh session, since a Prosody restart may bring a different set of modules.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/strand.hpp>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "jicofo/stanza/disco.hpp"
#include "jicofo/xmpp/xmpp_connection.hpp"

namespace jicofo::xmpp {

struct DiscoveredComponents {
    std::optional<std::string> breakout_rooms;
    std::optional<std::string> av_moderation;
    std::optional<std::string> room_metadata;
    std::optional<std::string> visitors;
    // Every component identity seen: type → address (the identity's name).
    std::map<std::string, std::string> all;

    bool operator==(const DiscoveredComponents&) const = default;
};

// Pure: the components announced in a disco#info result.
DiscoveredComponents components_from_disco(const stanza::DiscoInfo& info);

class ComponentDiscovery {
public:
    using Listener = std::function<void(const DiscoveredComponents&)>;

    // Lives on `strand`: construct, call and destroy it there. `listener` runs on the strand after each discovery.
    ComponentDiscovery(XmppConnection& connection, const boost::asio::strand<boost::asio::any_io_executor>& strand,
                       std::string xmpp_domain, Listener listener);
    ComponentDiscovery(const ComponentDiscovery&) = delete;
    ComponentDiscovery& operator=(const ComponentDiscovery&) = delete;
    ~ComponentDiscovery();

    // The last discovery's result (empty until the first one completes).
    [[nodiscard]] const DiscoveredComponents& components() const;

private:
    struct State;
    std::shared_ptr<State> state_;
    Registration on_state_;
};

}  // namespace jicofo::xmpp
