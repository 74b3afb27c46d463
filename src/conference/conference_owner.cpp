// Owner rights with authentication on (Jicofo's AuthenticationRoleManager): every member whose real JID has an
// authentication session is made owner, when it joins or when it authenticates while in the room. The sessions live
// on the room map's strand, so a join asks there and the answer comes back to this conference's strand.
#include "jicofo/conference/conference.hpp"
#include "jicofo/core/logging.hpp"

#include <boost/asio/post.hpp>

#include <spdlog/spdlog.h>

#include <cassert>

namespace jicofo::conference {
namespace {

std::shared_ptr<spdlog::logger> logger() {
    static auto log = core::module_logger("conference");
    return log;
}

}  // namespace

void Conference::authenticated(const stanza::Jid& real_jid) {
    boost::asio::post(strand_, [self = shared_from_this(), real_jid] {
        if (self->ended_) {
            return;
        }
        for (const auto& member : self->participants_) {
            if (member->real_jid == real_jid) {
                self->grant_owner(*member, "authenticated in the room");
            }
        }
    });
}

void Conference::grant_owner_if_authenticated(const xmpp::Member& member) {
    assert(strand_.running_in_this_thread());
    // A visitor is in its node's room, where the focus grants nothing.
    if (!callbacks_.grants_owner || !member.real_jid || member.affiliation == stanza::MucAffiliation::owner ||
        member.occupant_jid.bare() != room_jid_) {
        return;
    }
    std::weak_ptr<Conference> weak = weak_from_this();
    callbacks_.grants_owner(*member.real_jid, [weak, nick = member.nick, jid = *member.real_jid](bool yes) {
        auto self = weak.lock();
        if (!yes || !self) {
            return;
        }
        boost::asio::post(self->strand_, [self, nick, jid] {
            auto it = self->find_participant(nick);
            // The member may have left (or another taken its nick) while the answer was on its way.
            if (!self->ended_ && it != self->participants_.end() && (*it)->real_jid == jid) {
                self->grant_owner(**it, "authenticated");
            }
        });
    });
}

void Conference::grant_owner(const xmpp::Member& member, const char* why) {
    assert(strand_.running_in_this_thread());
    if (!room_ || !member.real_jid || member.affiliation == stanza::MucAffiliation::owner) {
        return;
    }
    logger()->info("room={} endpoint={} made owner ({})", room_jid_.to_string(), member.nick, why);
    room_->grant_affiliation(*member.real_jid, stanza::MucAffiliation::owner,
                             [room = room_jid_.to_string(), nick = member.nick](std::optional<xmpp::IqError> e) {
                                 if (e) {
                                     logger()->warn("room={} endpoint={} owner grant failed: {}", room, nick,
                                                    e->message());
                                 }
                             });
}

}  // namespace jicofo::conference
