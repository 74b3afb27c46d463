// libFuzzer entry point: arbitrary bytes through parse_xml and then through every typed parser. Nothing may crash.
#include "jicofo/stanza/brewery.hpp"
#include "jicofo/stanza/colibri2.hpp"
#include "jicofo/stanza/data_form.hpp"
#include "jicofo/stanza/disco.hpp"
#include "jicofo/stanza/envelope.hpp"
#include "jicofo/stanza/focus.hpp"
#include "jicofo/stanza/jid.hpp"
#include "jicofo/stanza/jingle.hpp"
#include "jicofo/stanza/jitsi_presence.hpp"
#include "jicofo/stanza/muc.hpp"
#include "jicofo/stanza/xml_codec.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

using namespace jicofo::stanza;

template <typename... Types>
void parse_all(const XmlElement& e) {
    (static_cast<void>(Types::parse(e)), ...);
}

void parse_tree(const XmlElement& e) {
    parse_all<StanzaError, Iq, Presence, Message, ConferenceIq, LoginUrlIq, LogoutIq, ConferenceProperties,
              BridgeNotAvailable, SessionInvalid, MucJoin, MucItem, MucUserPresence, MucAdminQuery, DataForm, DiscoInfo,
              DiscoItems, EntityCaps, Ping, StatsId, Region, Features, AudioMuted, VideoMuted, SourceInfo, Nick,
              CodecList, CodecType, Etherpad, Versions, UserIdentity, ColibriStats, JibriStatus, HealthCheckIq>(e);
    // Jingle and colibri2; each parser also reads the elements nested in it.
    parse_all<Jingle, ConferenceModify, ConferenceModified, Colibri2Error>(e);
    if (auto info = SourceInfo::parse(e)) {
        static_cast<void>(info->sources());
    }
    for (const XmlElement* child : e.elements()) {
        parse_tree(*child);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    static_cast<void>(Jid::parse(text));
    static_cast<void>(SourceInfo{std::string(text)}.sources());
    if (auto parsed = parse_xml(text)) {
        parse_tree(*parsed);
        static_cast<void>(parse_xml(to_xml_string(*parsed)));
    }
    return 0;
}
