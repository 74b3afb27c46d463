// libFuzzer target: arbitrary bytes through the XML codec and then through every typed stanza parser, at every
// depth of the tree. Nothing may crash, and what the codec writes must parse again.
#include "jicofo/stanza/brewery.hpp"
#include "jicofo/stanza/colibri2.hpp"
#include "jicofo/stanza/data_form.hpp"
#include "jicofo/stanza/disco.hpp"
#include "jicofo/stanza/envelope.hpp"
#include "jicofo/stanza/focus.hpp"
#include "jicofo/stanza/jibri.hpp"
#include "jicofo/stanza/jid.hpp"
#include "jicofo/stanza/jid_prep.hpp"
#include "jicofo/stanza/jingle.hpp"
#include "jicofo/stanza/jingle_rtp.hpp"
#include "jicofo/stanza/jitsi_presence.hpp"
#include "jicofo/stanza/muc.hpp"
#include "jicofo/stanza/mute.hpp"
#include "jicofo/stanza/rayo.hpp"
#include "jicofo/stanza/xml_codec.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

using namespace jicofo::stanza;

template <typename... Types>
void parse_all(const XmlElement& e) {
    (static_cast<void>(Types::parse(e)), ...);
}

// A value that parses must serialize into something that parses again.
template <typename Type>
void round_trip(const XmlElement& e) {
    if (auto value = Type::parse(e)) {
        if (!Type::parse(value->to_xml())) {
            std::abort();
        }
    }
}

void parse_tree(const XmlElement& e, int depth) {
    parse_all<StanzaError, Iq, Presence, Message, ConferenceIq, LoginUrlIq, LogoutIq, ConferenceProperties,
              BridgeNotAvailable, SessionInvalid, MucJoin, MucItem, MucUserPresence, MucAdminQuery, DataForm, DiscoInfo,
              DiscoItems, EntityCaps, Ping, StatsId, Region, Features, AudioMuted, VideoMuted, SourceInfo, Nick,
              CodecList, CodecType, Etherpad, Versions, UserIdentity, ColibriStats, JibriStatus, HealthCheckIq,
              StartMuted, MuteIq>(e);
    // Jingle and its parts (each parser also reads the elements nested in it).
    parse_all<Jingle, JingleContent, JingleReason, BridgeSession, ContentGroup, JsonMessage, RtpDescription,
              PayloadType, RtpParameter, RtcpFb, RtpHdrExt, Source, SsrcGroup, IceUdpTransport, IceCandidate,
              DtlsFingerprint, SctpMap, IceState, InitialLastN>(e);
    // Colibri2 and its parts.
    parse_all<ConferenceModify, ConferenceModified, Colibri2Error, Colibri2Endpoint, Colibri2Relay, Colibri2Media,
              Colibri2Transport, Colibri2Sctp, Colibri2Sources, MediaSource, ForceMute, Colibri2Connect>(e);
    round_trip<Jingle>(e);
    round_trip<ConferenceIq>(e);
    round_trip<ConferenceModify>(e);
    round_trip<MuteIq>(e);
    // Jibri's IQ and the statuses the focus publishes.
    parse_all<JibriRecordingStatus, JibriSipCallState>(e);
    round_trip<JibriIq>(e);
    // Rayo: a client's or the focus's dial, and Jigasi's ref.
    round_trip<RayoDial>(e);
    round_trip<RayoRef>(e);
    if (auto info = SourceInfo::parse(e)) {
        static_cast<void>(info->sources());
    }
    // A participant's disco#info answer is checked against its caps (XEP-0115 §5.4) by the focus.
    if (auto disco = DiscoInfo::parse(e)) {
        static_cast<void>(verify_caps(EntityCaps{"sha-1", "node", "ver"}, *disco));
    }
    if (depth > 64) {
        return;  // the codec bounds nesting; this only keeps the recursion of the target itself shallow
    }
    for (const XmlElement* child : e.elements()) {
        parse_tree(*child, depth + 1);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    // Room names go through Prosody's stringprep profiles; what prep gives must be its own fixed point.
    if (auto jid = Jid::parse(text)) {
        if (auto prepped = prep(*jid)) {
            auto again = prep(*prepped);
            if (!again || *again != *prepped) {
                std::abort();
            }
        }
    }
    static_cast<void>(nodeprep(text));
    static_cast<void>(SourceInfo{std::string(text)}.sources());
    if (auto parsed = parse_xml(text)) {
        parse_tree(*parsed, 0);
        if (!parse_xml(to_xml_string(*parsed))) {
            std::abort();
        }
    }
    return 0;
}
