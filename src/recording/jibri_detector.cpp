// A Jibri brewery and its instance pool.
#include "jicofo/recording/jibri_detector.hpp"

#include "jicofo/core/logging.hpp"

#include <spdlog/spdlog.h>

namespace jicofo::recording {
namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto log = core::module_logger("jibri");
    return log;
}

}  // namespace

JibriDetector::JibriDetector(xmpp::XmppConnection& connection, xmpp::Strand strand, xmpp::BrewerySettings settings,
                             Observer observer)
    : observer_(std::move(observer)) {
    xmpp::BreweryHandlers<stanza::JibriStatus> handlers;
    handlers.instance_added = [this](const stanza::Jid& occupant, const stanza::JibriStatus& status) {
        update(occupant, status);
    };
    handlers.instance_updated = handlers.instance_added;
    handlers.instance_removed = [this](const stanza::Jid& occupant) { remove(occupant); };
    brewery_ =
        std::make_unique<xmpp::JibriBrewery>(connection, std::move(strand), std::move(settings), std::move(handlers));
}

JibriDetector::~JibriDetector() = default;

void JibriDetector::join() {
    brewery_->join([room = brewery_->room_jid().to_string()](const xmpp::JoinResult& result) {
        if (result) {
            logger()->info("brewery={} joined", room);
        } else {
            logger()->warn("brewery={} not joined yet ({}); trying again", room, result.error().message());
        }
    });
}

core::Result<std::string, NoJibri> JibriDetector::select(const stanza::Jid& room, TimePoint now) {
    auto selected = pool_.select(now);
    if (selected) {
        // Bounded by the pool: only instances in it are assigned, and leaving removes the entry.
        assigned_.insert_or_assign(*selected, room);
    }
    return selected;
}

bool JibriDetector::is_occupant(const stanza::Jid& from) const {
    return !from.resource().empty() && from.bare() == brewery_->room_jid().bare();
}

std::optional<stanza::Jid> JibriDetector::room_of(const std::string& jibri) const {
    auto it = assigned_.find(jibri);
    if (it == assigned_.end()) {
        return std::nullopt;
    }
    return it->second;
}

const stanza::JibriStatus* JibriDetector::status_of(std::string_view jibri) const {
    auto it = statuses_.find(jibri);
    return it == statuses_.end() ? nullptr : &it->second;
}

const stanza::Jid& JibriDetector::brewery() const {
    return brewery_->room_jid();
}

bool JibriDetector::joined() const {
    return brewery_->joined();
}

void JibriDetector::update(const stanza::Jid& occupant, const stanza::JibriStatus& status) {
    const auto id = occupant.to_string();
    if (!pool_.update(id, status.is_available())) {
        logger()->warn("brewery={} ignores {}: already {} instances", brewery_->room_jid().to_string(), id,
                       JibriPool::kMaxInstances);
        return;
    }
    statuses_.insert_or_assign(id, status);
    logger()->debug("brewery={} {} is {}", brewery_->room_jid().to_string(), id,
                    status.is_available() ? "available" : "not available");
    if (observer_.changed) {
        observer_.changed();
    }
}

void JibriDetector::remove(const stanza::Jid& occupant) {
    const auto id = occupant.to_string();
    if (!pool_.contains(id)) {
        return;
    }
    pool_.remove(id);
    statuses_.erase(id);
    logger()->info("brewery={} {} left", brewery_->room_jid().to_string(), id);
    if (auto it = assigned_.find(id); it != assigned_.end()) {
        const auto room = it->second;
        assigned_.erase(it);
        if (observer_.left) {
            observer_.left(id, room);
        }
    }
    if (observer_.changed) {
        observer_.changed();
    }
}

}  // namespace jicofo::recording
