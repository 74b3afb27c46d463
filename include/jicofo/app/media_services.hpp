// The media layer wired to the process: the bridge registry on the service connection, the ports every conference
// uses to reach participants (client connection), bridges (service connection) and the selector, and bridge events
// fanned out to every conference. (Jingle and mute IQs are features: src/jingle, src/mute.)
#pragma once

#include "jicofo/conference/visitor_nodes.hpp"

#include "jicofo/config/jicofo_config.hpp"
#include "jicofo/xmpp/xmpp_connection.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <functional>
#include <memory>
#include <vector>

namespace jicofo::bridge {
class BridgeRegistry;
}  // namespace jicofo::bridge
namespace jicofo::conference {
class FocusManager;
struct BridgeEvent;
struct MediaSetup;
}  // namespace jicofo::conference
namespace jicofo::metrics {
class MetricsRegistry;
}  // namespace jicofo::metrics
namespace jicofo::xmpp {
class CapsCache;
}  // namespace jicofo::xmpp

namespace jicofo::app {

class LoadRedistributor;
class MediaStatistics;

class MediaServices {
public:
    // Null when jicofo.bridge.brewery-jid is not set: without bridges there is no media to set up (conferences
    // still track their rooms). The connections must outlive this object.
    static std::unique_ptr<MediaServices> create(const config::JicofoConfig& config,
                                                 const boost::asio::any_io_executor& executor,
                                                 const std::shared_ptr<xmpp::XmppConnection>& client,
                                                 const std::shared_ptr<xmpp::XmppConnection>& service,
                                                 metrics::MetricsRegistry& metrics,
                                                 std::shared_ptr<const conference::VisitorNodes> visitor_nodes = {});
    MediaServices(const MediaServices&) = delete;
    MediaServices& operator=(const MediaServices&) = delete;
    ~MediaServices();

    // What conferences are created with.
    [[nodiscard]] std::shared_ptr<const conference::MediaSetup> setup() const { return setup_; }
    [[nodiscard]] const std::shared_ptr<bridge::BridgeRegistry>& registry() const { return registry_; }
    // The bridges' brewery room (a bridge's id is its occupant JID there).
    [[nodiscard]] const stanza::Jid& brewery() const { return brewery_; }

    // The entity-capabilities cache every conference's feature discovery goes through.
    [[nodiscard]] const std::shared_ptr<xmpp::CapsCache>& caps_cache() const { return caps_cache_; }

    // Automatic load redistribution over the registry and the manager; null before start().
    [[nodiscard]] const std::shared_ptr<LoadRedistributor>& load_redistributor() const { return redistributor_; }

    // Configuration reload: bridge selection, thresholds and health-check intervals at once; codecs, conference
    // media settings and relays for the conferences created with the returned setup. Call on one thread at a
    // time (the application's control strand).
    std::shared_ptr<const conference::MediaSetup> reconfigure(const config::JicofoConfig& config);

    // Sends bridge events to every conference of the manager; joins the brewery; starts load redistribution.
    // `also` (may be empty) gets every bridge event too (the features that asked for them).
    void start(const std::shared_ptr<conference::FocusManager>& manager,
               const std::function<void(const conference::BridgeEvent&)>& also = {});
    // Stops routing and load redistribution, and leaves the brewery.
    void stop();

private:
    MediaServices() = default;

    std::shared_ptr<bridge::BridgeRegistry> registry_;
    std::shared_ptr<xmpp::CapsCache> caps_cache_;
    boost::asio::any_io_executor executor_;
    config::LoadRedistributionConfig load_redistribution_;
    std::shared_ptr<LoadRedistributor> redistributor_;
    std::shared_ptr<const conference::MediaSetup> setup_;
    stanza::Jid brewery_;
    struct Subscription;
    std::unique_ptr<Subscription> subscription_;
};

}  // namespace jicofo::app
