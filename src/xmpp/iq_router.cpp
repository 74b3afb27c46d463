// The reply for requests no handler takes.
#include "jicofo/xmpp/iq_router.hpp"

namespace jicofo::xmpp {

stanza::Iq unhandled_reply(const stanza::Iq& request) {
    return stanza::Iq::error_for(request, stanza::StanzaError::make(stanza::ErrorCondition::service_unavailable));
}

}  // namespace jicofo::xmpp
