// Every XML namespace jicofo reads or writes, in one place so that no other file spells one out.
#pragma once

#include <string_view>

namespace jicofo::stanza {

// XMPP core and XEPs.
inline constexpr std::string_view kNsJabberClient = "jabber:client";
inline constexpr std::string_view kNsStanzas = "urn:ietf:params:xml:ns:xmpp-stanzas";
inline constexpr std::string_view kNsXml = "http://www.w3.org/XML/1998/namespace";
inline constexpr std::string_view kNsMuc = "http://jabber.org/protocol/muc";
inline constexpr std::string_view kNsMucUser = "http://jabber.org/protocol/muc#user";
inline constexpr std::string_view kNsMucAdmin = "http://jabber.org/protocol/muc#admin";
inline constexpr std::string_view kNsMucOwner = "http://jabber.org/protocol/muc#owner";
inline constexpr std::string_view kNsDataForms = "jabber:x:data";
inline constexpr std::string_view kNsDiscoInfo = "http://jabber.org/protocol/disco#info";
inline constexpr std::string_view kNsDiscoItems = "http://jabber.org/protocol/disco#items";
inline constexpr std::string_view kNsCaps = "http://jabber.org/protocol/caps";
inline constexpr std::string_view kNsPing = "urn:xmpp:ping";
inline constexpr std::string_view kNsNick = "http://jabber.org/protocol/nick";

// Jitsi.
inline constexpr std::string_view kNsFocus = "http://jitsi.org/protocol/focus";
inline constexpr std::string_view kNsColibri = "http://jitsi.org/protocol/colibri";
inline constexpr std::string_view kNsColibri2 = "jitsi:colibri2";
inline constexpr std::string_view kNsHealth = "http://jitsi.org/protocol/health";
inline constexpr std::string_view kNsJibri = "http://jitsi.org/protocol/jibri";
inline constexpr std::string_view kNsJibriCallState = "http://jitsi.org/protocol/jibri/call_state";
inline constexpr std::string_view kNsRayo = "urn:xmpp:rayo:1";
inline constexpr std::string_view kNsVisitors = "jitsi:visitors";
inline constexpr std::string_view kNsJitmeet = "http://jitsi.org/jitmeet";
inline constexpr std::string_view kNsJitmeetAudio = "http://jitsi.org/jitmeet/audio";
inline constexpr std::string_view kNsJitmeetVideo = "http://jitsi.org/jitmeet/video";
inline constexpr std::string_view kNsJitmeetDesktop = "http://jitsi.org/jitmeet/desktop";
inline constexpr std::string_view kNsJitmeetStartMuted = "http://jitsi.org/jitmeet/start-muted";
inline constexpr std::string_view kNsJitmeetEtherpad = "http://jitsi.org/jitmeet/etherpad";

// Jingle and its RTP/transport extensions.
inline constexpr std::string_view kNsJingle = "urn:xmpp:jingle:1";
inline constexpr std::string_view kNsJingleRtp = "urn:xmpp:jingle:apps:rtp:1";
inline constexpr std::string_view kNsJingleIceUdp = "urn:xmpp:jingle:transports:ice-udp:1";
inline constexpr std::string_view kNsJingleDtls = "urn:xmpp:jingle:apps:dtls:0";
inline constexpr std::string_view kNsJingleSsma = "urn:xmpp:jingle:apps:rtp:ssma:0";
inline constexpr std::string_view kNsJingleGrouping = "urn:xmpp:jingle:apps:grouping:0";
inline constexpr std::string_view kNsJingleRtpHdrext = "urn:xmpp:jingle:apps:rtp:rtp-hdrext:0";
inline constexpr std::string_view kNsJingleRtcpFb = "urn:xmpp:jingle:apps:rtp:rtcp-fb:0";
inline constexpr std::string_view kNsJingleDtlsSctp = "urn:xmpp:jingle:transports:dtls-sctp:1";

// Feature vars that occupants advertise in <features/> and that are also disco features.
inline constexpr std::string_view kFeatureJibri = "http://jitsi.org/protocol/jibri";
inline constexpr std::string_view kFeatureJigasi = "http://jitsi.org/protocol/jigasi";
inline constexpr std::string_view kFeatureTranscriber = "http://jitsi.org/protocol/transcriber";
inline constexpr std::string_view kFeatureStartMutedRoomMetadata = "http://jitsi.org/start-muted-room-metadata";
// The client-requirements IQ (upstream Jicofo PR 1303), and the feature of the clients that understand it.
inline constexpr std::string_view kNsClientRequirements = "jitsi:client-requirements";
inline constexpr std::string_view kFeatureClientRequirements = "http://jitsi.org/client-requirements-1";

// Disco features of a participant that shape its offer and how sources are signalled to it (Jicofo's Features).
inline constexpr std::string_view kFeatureAudio = "urn:xmpp:jingle:apps:rtp:audio";
inline constexpr std::string_view kFeatureVideo = "urn:xmpp:jingle:apps:rtp:video";
inline constexpr std::string_view kFeatureSctp = "urn:xmpp:jingle:transports:dtls-sctp:1";
inline constexpr std::string_view kFeatureRtx = "urn:ietf:rfc:4588";
inline constexpr std::string_view kFeatureRemb = "http://jitsi.org/remb";
inline constexpr std::string_view kFeatureTcc = "http://jitsi.org/tcc";
inline constexpr std::string_view kFeatureOpusRed = "http://jitsi.org/opus-red";
inline constexpr std::string_view kFeatureSourceNames = "http://jitsi.org/source-name";
inline constexpr std::string_view kFeatureSsrcRewriting = "http://jitsi.org/ssrc-rewriting-1";
inline constexpr std::string_view kFeatureRtpMidDemux = "http://jitsi.org/rtp-mid-demux";
inline constexpr std::string_view kFeatureReceiveMultipleStreams = "http://jitsi.org/receive-multiple-video-streams";
inline constexpr std::string_view kFeatureJsonSources = "http://jitsi.org/json-encoded-sources";
inline constexpr std::string_view kFeatureAudioMute = "http://jitsi.org/protocol/audio-mute";

}  // namespace jicofo::stanza
