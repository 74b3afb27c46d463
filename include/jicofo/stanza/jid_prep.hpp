// JIDs in the form Prosody compares them: the localpart through nodeprep, the domain through nameprep and the
// resource through resourceprep (RFC 3920 stringprep profiles: NFKC, case folding, prohibited characters), with
// libidn, the stringprep library Prosody can be built with. 'Ｒoom1@Conference.meet.test' (a fullwidth R) is the room
// 'room1@conference.meet.test' to Prosody, so it is one conference to us too.
#pragma once

#include "jicofo/stanza/jid.hpp"
#include "jicofo/stanza/stanza_error.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace jicofo::stanza {

// One part through its profile, as Prosody's util.encodings does it (unassigned code points allowed, as in
// jid.prep without `strict`): nullopt when the profile refuses it (a prohibited character, bidi rules, invalid
// UTF-8, 1024 bytes or more, an empty result).
[[nodiscard]] std::optional<std::string> nodeprep(std::string_view localpart);
[[nodiscard]] std::optional<std::string> nameprep(std::string_view domain);
[[nodiscard]] std::optional<std::string> resourceprep(std::string_view resource);

// The JID Prosody would route `jid` to (a trailing dot of the domain dropped, as Prosody does), or jid-malformed
// when Prosody would refuse it.
[[nodiscard]] ParseResult<Jid> prep(const Jid& jid);

}  // namespace jicofo::stanza
