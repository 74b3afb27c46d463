// The visitors feature: its shared service, the request shaper the room map asks, the per-conference instances,
// the component, metrics, and the /stats and /debug sections.
#include "jicofo/visitors/visitors_feature.hpp"

#include "conference_visitors.hpp"
#include "visitors_service.hpp"

#include "jicofo/conference/focus_manager.hpp"
#include "jicofo/core/logging.hpp"
#include "jicofo/metrics/metrics_registry.hpp"
#include "jicofo/xmpp/xmpp_connection.hpp"

#include <prometheus/gauge.h>
#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

namespace jicofo::visitors {
namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto log = core::module_logger("visitors");
    return log;
}

// The room map's questions go to the conference's instance, on the conference's strand.
class VisitorShaper : public conference::RequestShaper {
public:
    VisitorShaper(std::shared_ptr<VisitorsService> service, std::size_t index)
        : service_(std::move(service)), index_(index) {}

    [[nodiscard]] bool queue_without_conference(const conference::RequestFacts& facts) const override {
        return visitors::queue_without_conference(service_->config(), facts);
    }

    void shape(conference::ConferenceHandle& conference, const conference::RequestFacts& facts,
               conference::ConferenceReply reply, std::function<void(conference::ConferenceReply)> done) override {
        conference.run([index = index_, facts, reply, done](conference::ConferenceView* view) {
            auto* instance = view ? dynamic_cast<ConferenceVisitors*>(view->feature(index)) : nullptr;
            if (instance == nullptr) {
                done(reply);
                return;
            }
            instance->shape(facts, reply, done);
        });
    }

private:
    std::shared_ptr<VisitorsService> service_;
    std::size_t index_;
};

}  // namespace

VisitorsService::VisitorsService(const config::VisitorsConfig& config, const std::vector<std::string>& node_ids,
                                 std::vector<std::string> trusted_domains, metrics::MetricsRegistry& metrics,
                                 feature::Strand strand)
    : config_(config),
      trusted_domains_(std::move(trusted_domains)),
      strand_(std::move(strand)),
      visitors_current_(metrics.gauge("visitors_current")),
      conferences_with_visitors_(metrics.gauge("conferences_with_visitors")) {
    for (const auto& id : node_ids) {
        per_node_.emplace(id, std::make_unique<std::atomic<int>>(0));
    }
}

void VisitorsService::set_component(const std::optional<std::string>& address) {
    if (address != component_) {
        if (address) {
            logger()->info("visitors component at {}", *address);
        } else if (config_.enabled) {
            logger()->warn("no visitors component: visitors are not redirected");
        }
    }
    component_ = address;
    component_known_.store(address.has_value(), std::memory_order_relaxed);
}

void VisitorsService::send(stanza::VisitorsIq request) {
    boost::asio::post(strand_, [self = shared_from_this(), request = std::move(request)]() mutable {
        auto to =
            self->component_ ? stanza::Jid::parse(*self->component_) : stanza::ParseResult<stanza::Jid>(stanza::Jid{});
        if (!self->client_ || !self->component_ || !to) {
            logger()->warn("room={} the visitors component is not known; not sent", request.room.to_string());
            return;
        }
        stanza::Iq iq;
        iq.header.type = stanza::IqType::get;  // as Jicofo sends it
        iq.header.to = std::move(to).value();
        iq.payload = request.to_xml();
        self->client_->async_send_iq(
            std::move(iq), self->strand_, [room = request.room.to_string()](const xmpp::IqResult& result) {
                if (!result) {
                    logger()->warn("room={} the visitors component refused: {}", room, result.error().message());
                }
            });
    });
}

void VisitorsService::visitor_added(const std::string& node) {
    if (auto it = per_node_.find(node); it != per_node_.end()) {
        it->second->fetch_add(1, std::memory_order_relaxed);
    }
    total_.fetch_add(1, std::memory_order_relaxed);
    visitors_current_.Increment();
}

void VisitorsService::visitor_removed(const std::string& node) {
    if (auto it = per_node_.find(node); it != per_node_.end()) {
        it->second->fetch_sub(1, std::memory_order_relaxed);
    }
    total_.fetch_sub(1, std::memory_order_relaxed);
    visitors_current_.Decrement();
}

int VisitorsService::visitors_on(const std::string& node) const {
    auto it = per_node_.find(node);
    return it == per_node_.end() ? 0 : it->second->load(std::memory_order_relaxed);
}

void VisitorsService::conference_with_visitors(bool now_has) {
    conferences_.fetch_add(now_has ? 1 : -1, std::memory_order_relaxed);
    if (now_has) {
        conferences_with_visitors_.Increment();
    } else {
        conferences_with_visitors_.Decrement();
    }
}

void install(feature::Registrar& registrar) {
    const auto& config = registrar.config();
    std::vector<std::string> ids;
    for (const auto& node : config.xmpp.visitors) {
        ids.push_back(node.id);
    }
    auto service = std::make_shared<VisitorsService>(config.visitors, ids, config.xmpp.trusted_domains,
                                                     registrar.metrics(), registrar.strand());
    auto nodes = std::make_shared<std::shared_ptr<const conference::VisitorNodes>>();  // set at start
    registrar.per_conference([service](feature::ConferenceView& view) -> std::unique_ptr<feature::FeatureInstance> {
        if (!service->config().enabled || view.visitor_nodes().empty()) {
            return nullptr;
        }
        return std::make_unique<ConferenceVisitors>(view, service);
    });
    if (config.visitors.enabled) {
        registrar.shape_requests(std::make_shared<VisitorShaper>(service, registrar.index()));
    }
    registrar.on_component(
        "visitors", [service](const std::optional<std::string>& address) { service->set_component(address); }, {});
    registrar.on_start([service, nodes](const feature::Connections& connections) {
        service->set_client(connections.client);
        *nodes = connections.visitor_nodes;
    });
    registrar.on_stop([service] { service->set_client(nullptr); });
    registrar.stats_section("visitors", [service] { return nlohmann::ordered_json(service->visitors_total()); });
    registrar.stats_section("conferences_with_visitors",
                            [service] { return nlohmann::ordered_json(service->conferences_with_visitors()); });
    registrar.debug_section("visitors", [service, nodes] {
        nlohmann::ordered_json per_node = nlohmann::ordered_json::object();
        if (*nodes) {
            for (const auto& node : (*nodes)->nodes()) {
                const auto status = node.connection ? node.connection->status() : xmpp::ConnectionStatus{};
                per_node[node.id] = {{"xmpp_domain", node.xmpp_domain},
                                     {"conference_service", node.muc_domain},
                                     {"focus_jid", node.focus_jid.to_string()},
                                     {"state", std::string(xmpp::to_string(status.state))},
                                     {"session", std::string(xmpp::to_string(status.session))},
                                     {"visitors", service->visitors_on(node.id)}};
            }
        }
        const auto& c = service->config();
        return nlohmann::ordered_json{{"enabled", c.enabled},
                                      {"component", service->component().value_or("null")},
                                      {"redirects", service->redirects()},
                                      {"visitors", service->visitors_total()},
                                      {"conferences_with_visitors", service->conferences_with_visitors()},
                                      {"nodes", std::move(per_node)}};
    });
}

}  // namespace jicofo::visitors
