// One Jibri brewery (recorders and streamers, or SIP gateways) as the focus sees it (Jicofo's JibriDetector): the
// brewery room on its connection, each trusted occupant's jibri-status turned into the instance pool, and which
// conference each instance was last given to, so that the instance's own status IQs and its leaving reach that
// conference's session. Lives on the features strand: construct, call and destroy it there.
#pragma once

#include "jicofo/recording/jibri_pool.hpp"
#include "jicofo/stanza/jid.hpp"
#include "jicofo/xmpp/brewery.hpp"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace jicofo::recording {

class JibriDetector {
public:
    struct Observer {
        // The pool changed (an instance came, went or changed status): gauges are refreshed.
        std::function<void()> changed;
        // An instance left the brewery while assigned to `room`'s session.
        std::function<void(const std::string& jibri, const stanza::Jid& room)> left;
    };

    JibriDetector(xmpp::XmppConnection& connection, xmpp::Strand strand, xmpp::BrewerySettings settings,
                  Observer observer);
    JibriDetector(const JibriDetector&) = delete;
    JibriDetector& operator=(const JibriDetector&) = delete;
    ~JibriDetector();  // leaves the brewery

    void join();

    // An instance for `room`, which its status IQs and its leaving are routed to from now on.
    [[nodiscard]] core::Result<std::string, NoJibri> select(const stanza::Jid& room, TimePoint now);
    void failed(const std::string& jibri, TimePoint now) { pool_.failed(jibri, now); }

    // Whether `from` is an occupant of this brewery (the address Jibri's status IQs come from).
    [[nodiscard]] bool is_occupant(const stanza::Jid& from) const;
    // The conference `jibri` was last selected for, while it is in the brewery.
    [[nodiscard]] std::optional<stanza::Jid> room_of(const std::string& jibri) const;

    [[nodiscard]] const JibriPool& pool() const { return pool_; }
    // The instance's last jibri-status (its health and busy status apart), while it is in the pool.
    [[nodiscard]] const stanza::JibriStatus* status_of(std::string_view jibri) const;
    [[nodiscard]] const stanza::Jid& brewery() const;
    [[nodiscard]] bool joined() const;

private:
    void update(const stanza::Jid& occupant, const stanza::JibriStatus& status);
    void remove(const stanza::Jid& occupant);

    Observer observer_;
    JibriPool pool_;
    std::map<std::string, stanza::Jid, std::less<>> assigned_;          // instance → room; only instances in the pool
    std::map<std::string, stanza::JibriStatus, std::less<>> statuses_;  // only instances in the pool
    std::unique_ptr<xmpp::JibriBrewery> brewery_;
};

}  // namespace jicofo::recording
