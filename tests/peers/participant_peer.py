#!/usr/bin/python3
"""Emulated Jitsi Meet participants (lib-jitsi-meet) for tests, driven by JSON lines on stdin and reporting JSON
lines on stdout. One process hosts any number of participants; every command names one with "name" (it may be left
out when there is only one) and every event a participant reports carries its "name" (except the answers of the
xmpp_peer commands reused here, connected, left, disconnected and iq_reply, which answer the command just sent).

Each participant is an xmpp_peer connection (same strictness) that logs in anonymously, can send the conference
request, joins the room with lib-jitsi-meet's presence, and handles Jingle as lib-jitsi-meet does: it accepts a
session-initiate only from the focus occupant (<room>/focus), checks it (sid, initiator, contents with RTP
descriptions and payload types, an ice-udp transport with a DTLS fingerprint in each, a BUNDLE group holding every
content), acks it, records the remote sources (inline <source> with ssrc-info owner, or the json-message compact
form) and answers session-accept with its own sources and transport. Written from the protocol; it shares no code
with the product.

Commands (one JSON object a line; every command answers with one event, "error" when it fails):
  {"cmd":"connect","name":"alice","domain":"meet.test","port":5222}   anonymous login (xmpp_peer's options apply)
      -> {"event":"connected","jid":...}
  {"cmd":"conference","name":"alice","room":"r1@conference.meet.test","to":"focus.meet.test",
   "properties":{"rtcstatsEnabled":"false"},"machine_uid":"...","token":"..."}
      -> {"event":"conference_reply","name","type":"result"|"error"|"timeout","condition","ready","focusjid",
          "vnode","properties":{...},"xml"}
      A visitor-capable client sends "properties":{"visitors-version":"1"} (and "visitor":"true" to ask to be one);
      a redirect names the visitor node in "vnode" and its focus in "focusjid": the client then connects to that
      node ("connect" with its "domain" and "port") and joins the room there, as lib-jitsi-meet does.
  {"cmd":"join","name":"alice","room":"r1@conference.meet.test","nick":"2b016c41","stats_id":"Alice-Xyz",
   "region":"eu","caps":true,"features":[...],"codecs":"av1,vp9,vp8,h264","audio_muted":false,"video_muted":false,
   "extra_xml":"<x/>", <any setting below>}
      -> {"event":"joined","name","room","nick"}. "features" are what disco#info answers (and what the caps hash
      covers; lib-jitsi-meet's usual set by default); "caps":false leaves <c/> out; a client that lies:
      "caps_features":[var...] computes the caps ver over these instead of "features", "caps_ver" and "caps_hash"
      announce that ver and hash instead of the true sha-1; "presence_features":[var...]
      adds <features><feature var/></features> to the presence (as Jibri and Jigasi do); "diarize":true adds
      <jitsi_participant_diarize>true</jitsi_participant_diarize>.
  {"cmd":"configure","name":"alice", <settings>}                      -> {"event":"done"}
      Settings: "accept":"auto"|"manual" (answer session-initiate by itself, default auto), "accept_delay_ms" (40),
      "initiate_reply":"result"|"error:<condition>"|"ignore" (how to answer the next offers), "ssrcs":
      {"audio":n,"video":[n,m]} (default random), "candidates":bool (a host candidate in session-accept, default
      false, as the current client), "transport_info":bool (send transport-info with a candidate after the accept),
      "source_info_after_accept":bool (presence with SourceInfo after the accept, default true),
      "initial_last_n":n, "bundle_lists_data":bool (default true, as lib-jitsi-meet), "focus_nick" ("focus"),
      "focus_jid":"focus@auth.meet.test" (also require the focus occupant's real JID to be <focus_jid>/...),
      "receive_only":bool (a visitor: the session-accept carries no sources and the presence an empty SourceInfo;
      the offer must still carry the others' sources; source_add still sends what the test gives, to see it refused).
  {"cmd":"presence","name":..,"audio_muted":..,"video_muted":..,"extra_xml":..}  re-sends presence -> done
  {"cmd":"accept","name":..}            session-accept now (manual mode) -> {"event":"jingle_reply",...}
  {"cmd":"transport_info","name":..}    transport-info with a host candidate -> jingle_reply
  {"cmd":"source_add"|"source_remove","name":..,"sources":[{"ssrc":1,"media":"audio","name":"x-a1","msid":"..",
   "video_type":"camera"}],"groups":[{"semantics":"FID","ssrcs":[1,2],"media":"video"}],"sid":".."}
      any values (hostile ones too) -> jingle_reply; accepted ones change the participant's own sources
  {"cmd":"source_burst","name":..,"count":500,"first_ssrc":600000}   source-add then source-remove of one new
      video source, repeated, all sent without waiting -> {"event":"burst_done","sent","replies":{type:n},
      "first_error":{"index","type","condition"}|null}
  {"cmd":"session_terminate","name":..,"restart":true,"reason":"connectivity-error","text":"ICE FAILED",
   "bridge_session_id":".."}            (defaults: the current bridge-session, restart) -> jingle_reply
  {"cmd":"session_info","name":..,"bridge_session_id":".."}   ice-state failed -> jingle_reply
  {"cmd":"leave","name":..,"status":"switch_room"}   status optional (jitsi-meet's when it changes rooms)
                                        -> {"event":"left"}; then join the other room with join
  {"cmd":"mute","name":..,"target":nick,"media":"audio"|"video"|"desktop","value":true}
                                        mute IQ to the focus occupant -> {"event":"mute_reply","type","condition"}
  {"cmd":"dump","name":..}              -> {"event":"dump","name","session":{"sid","state","initiator","contents",
                                            "bridge_session"},"remote_sources":{owner:{"audio","video","groups",
                                            "sources"}},"local_sources":{...},"occupants":{nick:real_jid},
                                            "focus_presence":{"properties":{key:value},"bridge_not_available",
                                            "etherpad","recording_status","sip_call_state"}|null}
  {"cmd":"disconnect","name":..}, and xmpp_peer's send_iq / send_raw / iq_responder / message with "name".
  Room components (jitsi_components.py; each sends one message and answers {"event":"done"}; refusals come as
  component_error events):
  {"cmd":"discover","name":..,"domain":..}   disco#info of the domain -> {"event":"components","av_moderation":addr,
      "breakout_rooms":addr,"room_metadata":addr,"identities":{type:name}}; needed before the commands below
  {"cmd":"av_moderation","name":..,"media":"audio"|"video"|"desktop","enable":true|false}
  {"cmd":"av_approve"|"av_reject","name":..,"media":..,"target":nick | "jid":occupant JID}
  {"cmd":"set_metadata","name":..,"key":"startMuted","data":{...},"room":(default ours),"raw":(body as is)}
  {"cmd":"breakout_add","name":..,"subject":..}, {"cmd":"breakout_remove","name":..,"room":breakout room JID}
  {"cmd":"breakout_move","name":..,"target":nick | "participant_jid":real JID,"room":room JID}

Events (all with "name"):
  {"event":"session_initiate","sid","initiator","contents":[names],"codecs":{content:[codec names]},
   "sources":{owner:{"audio":[ssrc],"video":[ssrc],"groups":[["FID",1,2]]}},"source_form":"inline"|"json"|"mixed",
   "bridge_session":{"id","region","restart"},"start_muted":{"audio","video"}|null,"transport":{ice summary},
   "sctp":bool,"reply":"result"|"error:<condition>"|"ignored"}
  {"event":"jingle_reply","action":"session-accept"|...,"sid","type":"result"|"error"|"timeout","condition"}
  {"event":"source_add"|"source_remove","sid","sources":{owner:{...}},"source_form"}
  {"event":"session_terminate","sid","reason","text"}, {"event":"transport_replace",...like session_initiate},
  {"event":"transport_info","sid","transports":[...]}, {"event":"session_info","sid","ice_state"},
  {"event":"participant_left","nick","sources_removed":n}   (its sources leave the view, as in lib-jitsi-meet)
  {"event":"jingle","action","sid","reply":"error:feature-not-implemented"}   an action a client does not handle
  {"event":"disco_info","from","node"}   a disco#info request reached us (answered with our identity and features;
      "node" is null when the request had none)
  {"event":"mute_notice","media","actor","value"}   the focus says who muted us (answered result)
  {"event":"client_requirements","action":"reject"|"warn","missing":[{"var","name","level","details","url"}]}
      the focus says which features it requires that we do not advertise (answered result; a client that should
      get it advertises http://jitsi.org/client-requirements-1 in "features"). Without that feature a client is told
      in private chat messages instead: xmpp_peer's {"event":"message","type":"chat","body",...}.
  {"event":"recording_status","status","failure_reason","session_id","initiator","recording_mode"}   the focus's
      presence carries a jibri-recording-status that differs from the last one (each attribute present is reported)
  {"event":"sip_call_state","state","failure_reason","session_id","sipaddress"}   the same for jibri-sip-call-state
  {"event":"av_moderation", <the JSON but "type">}, {"event":"room_metadata","room","metadata"},
  {"event":"breakout_move","room"}, {"event":"breakout_update","room_counter","rooms"}: component messages
  {"event":"component_error","component","from","condition","text"}: a component refused our request
  {"event":"error","cmd":"session-accept"|"transport-accept","message"}   an automatic answer that could not be sent
  {"event":"protocol_violation","reason","xml"}: a Jingle or mute IQ not from the focus, a mute notice that is not
  "true" or names no actor, a Jibri status in the focus's presence with an unknown attribute or value or without
  session_id, a malformed offer or source
  signalling (answered bad-request), an unknown sid (answered item-not-found), an SSRC signalled twice, the removal
  of a source never signalled, our own source signalled back to us, a component message that breaks the rules in
  jitsi_components.py.
"""

import asyncio
import base64
import hashlib
import json
from xml.sax.saxutils import quoteattr

from jingle_session import (SourceView, build_answer, build_ice_failed, build_source_change, build_terminate,
                            build_transport_info, by_owner, codecs, local_sources, parse_jingle, parse_sources,
                            unknown_session_error_extensions, validate_offer)
from jitsi_components import ComponentsDriverMixin, ComponentsPeerMixin
from peer_xml import (CAPS_NS, DISCO_INFO_NS, FOCUS_NS, JINGLE_NS, PING_NS, Malformed, element, error_condition,
                      iq_error, iq_result, parse_mode, random_fingerprint, random_ssrc, random_token, sub, to_text)
from xmpp_peer import MUC_USER_NS, Driver, Peer, bare, check_fragment, emit, local_name, namespace, run

CLIENT_REQUIREMENTS_NS = "jitsi:client-requirements"
MUTE_NAMESPACES = {"audio": "http://jitsi.org/jitmeet/audio", "video": "http://jitsi.org/jitmeet/video",
                   "desktop": "http://jitsi.org/jitmeet/desktop"}

# What lib-jitsi-meet reads of the focus's Jibri statuses: event name -> (element, its attributes, the status one).
JIBRI_NS = "http://jitsi.org/protocol/jibri"
JIBRI_CALL_STATE_NS = "http://jitsi.org/protocol/jibri/call_state"
JIBRI_ELEMENTS = {
    "recording_status": ("{%s}jibri-recording-status" % JIBRI_NS,
                         {"status", "failure_reason", "session_id", "initiator", "recording_mode"}, "status"),
    "sip_call_state": ("{%s}jibri-sip-call-state" % JIBRI_CALL_STATE_NS,
                       {"state", "failure_reason", "session_id", "sipaddress"}, "state"),
}


def jibri_status_violation(attributes, known, status_attribute):
    """Why a jibri-recording-status or jibri-sip-call-state is malformed, or None."""
    unknown = sorted(set(attributes) - known)
    if unknown:
        return "unknown attributes %s" % ", ".join(unknown)
    if attributes.get(status_attribute) not in ("on", "off", "pending"):
        return "%s %r" % (status_attribute, attributes.get(status_attribute))
    if attributes.get("failure_reason") not in (None, "busy", "error"):
        return "failure_reason %r" % attributes["failure_reason"]
    if attributes.get("recording_mode") not in (None, "file", "stream"):
        return "recording_mode %r" % attributes["recording_mode"]
    if not attributes.get("session_id"):
        return "no session_id"
    return None


CAPS_NODE = "https://jitsi.org/jitsi-meet"
IDENTITY = ("client", "web", "Jitsi Meet")
DEFAULT_FEATURES = [
    "http://jabber.org/protocol/disco#info", "urn:xmpp:jingle:1", "urn:xmpp:jingle:apps:rtp:1",
    "urn:xmpp:jingle:transports:ice-udp:1", "urn:xmpp:jingle:apps:dtls:0", "urn:xmpp:jingle:transports:dtls-sctp:1",
    "urn:xmpp:jingle:apps:rtp:audio", "urn:xmpp:jingle:apps:rtp:video", "urn:ietf:rfc:4588", "urn:ietf:rfc:5761",
    "urn:ietf:rfc:5888", "http://jitsi.org/tcc", "http://jitsi.org/source-name",
    "http://jitsi.org/receive-multiple-video-streams", "urn:xmpp:ping",
]
DEFAULT_SETTINGS = {
    "accept": "auto", "accept_delay_ms": 40, "initiate_reply": "result", "ssrcs": None, "candidates": False,
    "transport_info": False, "source_info_after_accept": True, "initial_last_n": None, "bundle_lists_data": True,
    "focus_nick": "focus", "focus_jid": None, "receive_only": False,
}


def caps_ver(features):
    """XEP-0115 verification string for our identity and features."""
    text = "%s/%s//%s<" % IDENTITY + "".join(f + "<" for f in sorted(set(features)))
    return base64.b64encode(hashlib.sha1(text.encode("utf-8")).digest()).decode("ascii")


class ParticipantPeer(ComponentsPeerMixin, Peer):
    def __init__(self, jid, password, options):
        super().__init__(jid, password, options)
        self.name = options["name"]
        self.event_fields = {"name": self.name}
        self.settings = dict(DEFAULT_SETTINGS)
        self.presence_options = {}
        self.disco_features = list(DEFAULT_FEATURES)
        self.room = None
        self.nick = None
        self.occupants = {}         # nick -> real JID ("" when the room hides it)
        self.session = None         # the current Jingle session with the focus
        self.remote = SourceView()
        self.local = {"sources": [], "groups": []}
        self.ice = None             # our ICE credentials and DTLS fingerprint for the current session
        self.tasks = set()

    def spawn(self, coroutine, what):
        async def reported():
            try:
                await coroutine
            except Exception as exc:  # reported, so that the test fails with a reason
                self.emit("error", cmd=what, message="%s: %s" % (type(exc).__name__, exc))
        task = asyncio.ensure_future(reported())
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def focus_occupant(self):
        return "%s/%s" % (self.room, self.settings["focus_nick"])

    # --- presence -----------------------------------------------------------------------------------------------------

    def presence_xml(self):
        """lib-jitsi-meet's room presence: stats-id, caps, SourceInfo, region, codec list, optional features."""
        options = self.presence_options
        parts = []
        if options.get("stats_id"):
            parts.append(element("stats-id", text=options["stats_id"]))
        if options.get("caps", True):
            ver = options.get("caps_ver") or caps_ver(options.get("caps_features") or self.disco_features)
            parts.append(element("c", {"hash": options.get("caps_hash") or "sha-1", "node": CAPS_NODE, "ver": ver},
                                 CAPS_NS))
        info = {}
        for s in self.local["sources"]:
            entry = info.setdefault(s["name"], {"muted": bool(options.get(s["media"] + "_muted", False))})
            if s.get("video_type"):
                entry["videoType"] = s["video_type"]
        parts.append(element("SourceInfo", text=json_compact(info)))
        if options.get("region"):
            parts.append(element("jitsi_participant_region", text=options["region"]))
        parts.append(element("jitsi_participant_codecList", text=options.get("codecs", "av1,vp9,vp8,h264")))
        if options.get("diarize"):
            parts.append(element("jitsi_participant_diarize", text="true"))
        if options.get("presence_features"):
            features = element("features")
            for var in options["presence_features"]:
                sub(features, "feature", {"var": var})
            parts.append(features)
        return "".join(to_text(p) for p in parts) + options.get("extra_xml", "")

    def send_room_presence(self):
        state = self.rooms.get(self.room)
        if state is None:
            raise ValueError("not in a room")
        state["extensions"] = self.presence_xml()
        self.send_raw("<presence to=%s>%s</presence>" % (quoteattr("%s/%s" % (self.room, self.nick)),
                                                         state["extensions"]))

    def on_presence(self, presence):
        super().on_presence(presence)
        xml = presence.xml
        sender = xml.get("from", "")
        if self.room is None or bare(sender) != self.room or "/" not in sender:
            return
        nick = sender.split("/", 1)[1]
        if xml.get("type") == "unavailable":
            self.occupants.pop(nick, None)
            if nick != self.nick:
                self.emit("participant_left", nick=nick, sources_removed=self.remote.drop_owner(nick))
        elif xml.get("type") is None:
            items = [i for x in xml.iter("{%s}x" % MUC_USER_NS) for i in x.iter("{%s}item" % MUC_USER_NS)]
            self.occupants[nick] = next((i.get("jid") for i in items if i.get("jid")), "")
            if nick == self.settings["focus_nick"]:
                self.read_focus_presence(presence)

    def read_focus_presence(self, presence):
        """What lib-jitsi-meet reads from the focus's presence: conference properties (each key once),
        bridgeNotAvailable and the shared document's name."""
        xml = presence.xml
        properties = {}
        for container in xml.findall("{%s}conference-properties" % FOCUS_NS):
            for item in container:
                key, value = item.get("key"), item.get("value")
                if local_name(item.tag) != "property" or key is None or value is None or key in properties:
                    self.violation("malformed conference-properties in the focus's presence", presence)
                    return
                properties[key] = value
        etherpad = xml.find("{http://jitsi.org/jitmeet/etherpad}etherpad")
        jibri = {}
        for key, (tag, attributes, status_attribute) in JIBRI_ELEMENTS.items():
            found = xml.findall(tag)
            if len(found) > 1:
                self.violation("%d %s elements in the focus's presence" % (len(found), local_name(tag)), presence)
                return
            jibri[key] = dict(found[0].attrib) if found else None
            reason = jibri_status_violation(jibri[key], attributes, status_attribute) if found else None
            if reason:
                self.violation("%s in the focus's presence: %s" % (local_name(tag), reason), presence)
                return
        previous = getattr(self, "focus_presence", None) or {}
        self.focus_presence = {"properties": properties,
                               "bridge_not_available": xml.find("{%s}bridgeNotAvailable" % FOCUS_NS) is not None,
                               "etherpad": etherpad.text if etherpad is not None else None, **jibri}
        # The focus re-sends its whole presence for any change; a Jibri status is news only when it differs.
        for key in JIBRI_ELEMENTS:
            if jibri[key] is not None and jibri[key] != previous.get(key):
                self.emit(key, **jibri[key])

    # --- incoming IQs -------------------------------------------------------------------------------------------------

    def handle_request(self, iq):
        xml = iq.xml
        payload = xml[0]
        kind = xml.get("type")
        if namespace(payload.tag) == DISCO_INFO_NS and kind == "get":
            self.emit("disco_info", **{"from": xml.get("from"), "node": payload.get("node")})
            query = element("query", {"node": payload.get("node")}, DISCO_INFO_NS)
            sub(query, "identity", {"category": IDENTITY[0], "type": IDENTITY[1], "name": IDENTITY[2]})
            for var in self.disco_features:
                sub(query, "feature", {"var": var})
            self.send_raw(iq_result(xml, query))
            return True
        if namespace(payload.tag) == PING_NS and kind == "get":
            self.send_raw(iq_result(xml))
            return True
        if namespace(payload.tag) in MUTE_NAMESPACES.values() and local_name(payload.tag) == "mute":
            media = next(m for m, ns in MUTE_NAMESPACES.items() if ns == namespace(payload.tag))
            self.on_mute_notice(iq, media)
            return True
        if namespace(payload.tag) == CLIENT_REQUIREMENTS_NS and local_name(payload.tag) == "client-requirements":
            self.on_client_requirements(iq)
            return True
        if namespace(payload.tag) == JINGLE_NS and local_name(payload.tag) == "jingle":
            if kind != "set":
                self.reject(iq, "jingle in an IQ of type %s, not set" % kind)
            else:
                self.on_jingle(iq)
            return True
        return False

    def on_mute_notice(self, iq, media):
        xml = iq.xml
        payload = xml[0]
        sender = xml.get("from", "")
        if xml.get("type") != "set" or self.room is None or sender != self.focus_occupant():
            self.reject(iq, "mute IQ of type %s from %r, not a set from the focus occupant" % (xml.get("type"), sender))
            return
        value = (payload.text or "").strip()
        if value != "true" or not payload.get("actor"):
            self.reject(iq, "mute notice with value %r and actor %r" % (value, payload.get("actor")))
            return
        self.send_raw(iq_result(xml))
        self.emit("mute_notice", media=media, actor=payload.get("actor"), value=True)

    def on_client_requirements(self, iq):
        """What lib-jitsi-meet accepts: a set from the focus occupant, action reject or warn, and missing-feature
        children with a var and a level of hard or soft (name, details and url optional). Anything else is a
        protocol violation."""
        xml = iq.xml
        payload = xml[0]
        sender = xml.get("from", "")
        if xml.get("type") != "set" or self.room is None or sender != self.focus_occupant():
            self.reject(iq, "client-requirements IQ of type %s from %r, not a set from the focus occupant" % (
                xml.get("type"), sender))
            return
        action = payload.get("action")
        if action not in ("reject", "warn"):
            self.reject(iq, "client-requirements action %r" % action)
            return
        missing = []
        for child in payload:
            if child.tag != "{%s}missing-feature" % CLIENT_REQUIREMENTS_NS:
                continue
            unknown = sorted(set(child.attrib) - {"var", "name", "level", "details", "url"})
            if not child.get("var") or child.get("level") not in ("hard", "soft") or unknown:
                self.reject(iq, "missing-feature %r" % dict(child.attrib))
                return
            missing.append({key: child.get(key) for key in ("var", "name", "level", "details", "url")})
        self.send_raw(iq_result(xml))
        self.emit("client_requirements", action=action, missing=missing)

    def reject(self, iq, reason):
        self.violation(reason, iq)
        self.send_raw(iq_error(iq.xml, "bad-request", reason))

    def on_jingle(self, iq):
        xml = iq.xml
        sender = xml.get("from", "")
        if self.room is None or bare(sender) != self.room or sender.split("/", 1)[-1] != self.settings["focus_nick"]:
            self.reject(iq, "jingle from %r, not from the focus occupant %s" % (
                sender, self.focus_occupant() if self.room else "(not in a room)"))
            return
        focus_jid = self.settings["focus_jid"]
        if focus_jid:
            real = self.occupants.get(self.settings["focus_nick"])
            if not real or bare(real) != bare(focus_jid) or "/" not in real:
                self.reject(iq, "the focus occupant's real JID is %r, not %s/..." % (real, focus_jid))
                return
        try:
            parsed = parse_jingle(xml[0])
            handler = {
                "session-initiate": self.on_initiate, "transport-replace": self.on_transport_replace,
                "source-add": self.on_source_add, "addsource": self.on_source_add,
                "source-remove": self.on_source_remove, "removesource": self.on_source_remove,
                "session-terminate": self.on_terminate, "transport-info": self.on_transport_info,
                "session-info": self.on_session_info,
            }.get(parsed["action"])
            if handler is None:
                self.send_raw(iq_error(xml, "feature-not-implemented"))
                self.emit("jingle", action=parsed["action"], sid=parsed["sid"], reply="error:feature-not-implemented")
                return
            session = self.session
            if parsed["action"] != "session-initiate" and (
                    session is None or session["sid"] != parsed["sid"] or session["state"] == "ended"):
                self.violation("%s for an unknown or ended session %s" % (parsed["action"], parsed["sid"]), iq)
                self.send_raw(iq_error(xml, "item-not-found", None, unknown_session_error_extensions()))
                return
            handler(iq, parsed)
        except Malformed as exc:
            self.reject(iq, str(exc))

    def offer_sources(self, iq, jingle):
        sources, groups, form = parse_sources(jingle, need_owner=True)
        own = [s["ssrc"] for s in sources if s["owner"] == self.nick]
        if own:
            self.violation("the focus signalled our own sources %s back to us" % own, iq)
        return sources, groups, form

    def on_initiate(self, iq, parsed):
        xml = iq.xml
        if self.session is not None and self.session["state"] != "ended":
            raise Malformed("session-initiate %s while session %s is %s" % (
                parsed["sid"], self.session["sid"], self.session["state"]))
        validate_offer(xml[0], parsed["contents"])
        sources, groups, form = self.offer_sources(iq, xml[0])
        reply = self.settings["initiate_reply"]
        summary = self.offer_summary(parsed, sources, groups, form)
        if reply != "result":
            if reply != "ignore":
                self.send_raw(iq_error(xml, reply.split(":")[1]))
            self.emit("session_initiate", **summary, reply="ignored" if reply == "ignore" else reply)
            return
        self.send_raw(iq_result(xml))
        self.remote.clear()
        for problem in self.remote.add(sources, groups):
            self.violation(problem, iq)
        self.session = {"sid": parsed["sid"], "initiator": parsed["initiator"], "contents": parsed["contents"],
                        "state": "pending", "bridge_session": parsed["bridge_session"]}
        self.ice = {"ufrag": random_token(4), "pwd": random_token(22), "fingerprint": random_fingerprint(),
                          "candidates": self.settings["candidates"], "candidate_id": random_token(10),
                          "port": 40000 + random_ssrc() % 20000}
        self.emit("session_initiate", **summary, reply="result")
        if self.settings["accept"] == "auto":
            self.spawn(self.send_answer("session-accept", self.settings["accept_delay_ms"]), "session-accept")

    def offer_summary(self, parsed, sources, groups, form):
        return {"sid": parsed["sid"], "initiator": parsed["initiator"],
                "contents": [c["name"] for c in parsed["contents"]], "codecs": codecs(parsed["contents"]),
                "sources": by_owner(sources, groups), "source_form": form, "bridge_session": parsed["bridge_session"],
                "start_muted": parsed["start_muted"],
                "transport": parsed["contents"][0]["transport"] if parsed["contents"] else None,
                "sctp": any(c["sctp"] for c in parsed["contents"])}

    def on_transport_replace(self, iq, parsed):
        validate_offer(iq.xml[0], parsed["contents"])
        sources, groups, form = self.offer_sources(iq, iq.xml[0])
        self.send_raw(iq_result(iq.xml))
        self.remote.clear()
        for problem in self.remote.add(sources, groups):
            self.violation(problem, iq)
        self.session.update(contents=parsed["contents"], bridge_session=parsed["bridge_session"], state="pending")
        self.emit("transport_replace", **self.offer_summary(parsed, sources, groups, form))
        if self.settings["accept"] == "auto":
            self.spawn(self.send_answer("transport-accept", self.settings["accept_delay_ms"]), "transport-accept")

    def on_source_add(self, iq, parsed):
        self.change_sources(iq, parsed, "source_add", self.remote.add)

    def on_source_remove(self, iq, parsed):
        self.change_sources(iq, parsed, "source_remove", self.remote.remove)

    def change_sources(self, iq, parsed, event, apply):
        sources, groups, form = self.offer_sources(iq, iq.xml[0])
        if not sources and not groups:
            raise Malformed("%s without any source or group" % parsed["action"])
        self.send_raw(iq_result(iq.xml))
        for problem in apply(sources, groups):
            self.violation(problem, iq)
        self.emit(event, sid=parsed["sid"], sources=by_owner(sources, groups), source_form=form,
                  session_state=self.session["state"])

    def on_terminate(self, iq, parsed):
        self.send_raw(iq_result(iq.xml))
        self.session["state"] = "ended"
        self.remote.clear()
        self.emit("session_terminate", sid=parsed["sid"], reason=parsed["reason"], text=parsed["reason_text"])

    def on_transport_info(self, iq, parsed):
        self.send_raw(iq_result(iq.xml))
        self.emit("transport_info", sid=parsed["sid"], transports=[c["transport"] for c in parsed["contents"]])

    def on_session_info(self, iq, parsed):
        self.send_raw(iq_result(iq.xml))
        self.emit("session_info", sid=parsed["sid"], ice_state=parsed["ice_state"],
                  bridge_session=parsed["bridge_session"])

    # --- outgoing Jingle ----------------------------------------------------------------------------------------------

    async def request(self, to, payload, timeout=10.0):
        """Sends an IQ set and returns (type, condition): "result", "error" with its condition, or "timeout"."""
        iq_id = self.allocate_id()
        future = asyncio.get_event_loop().create_future()
        self.pending_iqs[iq_id] = (to, future)
        self.send_raw(to_text(element("iq", {"type": "set", "id": iq_id, "to": to}, children=[payload])))
        try:
            reply = await asyncio.wait_for(future, timeout)
        except asyncio.TimeoutError:
            self.pending_iqs.pop(iq_id, None)
            return "timeout", None, None
        return reply.xml.get("type"), error_condition(reply.xml), reply

    async def jingle(self, action, payload, sid, timeout=10.0):
        kind, condition, _reply = await self.request(self.focus_occupant(), payload, timeout)
        self.emit("jingle_reply", action=action, sid=sid, type=kind, condition=condition)
        return kind

    def ensure_local_sources(self):
        if self.local["sources"] or self.settings["receive_only"]:
            return
        ssrcs = self.settings["ssrcs"]
        if not ssrcs:
            used = set(self.remote.sources)
            audio = random_ssrc(used)
            used.add(audio)
            video = random_ssrc(used)
            used.add(video)
            ssrcs = {"audio": audio, "video": [video, random_ssrc(used)]}
        sources, groups = local_sources(self.nick, ssrcs)
        self.local = {"sources": sources, "groups": groups}

    async def send_answer(self, action, delay_ms):
        if delay_ms:
            await asyncio.sleep(delay_ms / 1000.0)
        session = self.session
        if session is None or session["state"] == "ended":
            raise ValueError("no session to answer")
        self.ensure_local_sources()
        answer = build_answer(action, session, self.local, self.ice, {
            "responder": str(self.boundjid), "initial_last_n": self.settings["initial_last_n"],
            "bundle_lists_data": self.settings["bundle_lists_data"]})
        if await self.jingle(action, answer, session["sid"]) != "result" or session is not self.session:
            return
        if session["state"] != "pending":
            # A session-terminate that followed the acknowledgement can be handled before this coroutine resumes.
            return
        session["state"] = "active"
        if self.settings["source_info_after_accept"] and self.room in self.rooms:
            self.send_room_presence()
        if self.settings["transport_info"]:
            await self.jingle("transport-info", build_transport_info(session, self.ice), session["sid"])


def json_compact(value):
    return json.dumps(value, separators=(",", ":"))


class ParticipantDriver(ComponentsDriverMixin, Driver):
    peer_class = ParticipantPeer

    def __init__(self):
        super().__init__()
        self.participants = {}

    def select(self, command):
        name = command.get("name")
        if name is None and len(self.participants) == 1:
            name = next(iter(self.participants))
        if name not in self.participants:
            raise ValueError("no participant named %r" % name)
        self.peer = self.participants[name]
        return self.connected_peer()

    def session_of(self, peer):
        if peer.session is None:
            raise ValueError("no Jingle session")
        return peer.session

    async def close(self):
        for peer in self.participants.values():
            self.peer = peer
            await super().close()

    async def cmd_connect(self, command):
        name = command.get("name")
        if not name:
            raise ValueError("a participant needs a name")
        if name in self.participants and self.participants[name].transport is not None:
            raise ConnectionError("%s is already connected" % name)
        self.peer = None
        await super().cmd_connect(dict(command, name=name))
        self.participants[name] = self.peer

    async def cmd_conference(self, command):
        peer = self.select(command)
        conference = element("conference", {"room": command["room"], "machine-uid": command.get("machine_uid"),
                                            "token": command.get("token"), "session-id": command.get("session_id")},
                             FOCUS_NS)
        for key, value in (command.get("properties") or {}).items():
            sub(conference, "property", {"name": key, "value": value})
        to = command.get("to") or "focus." + peer.boundjid.domain
        kind, condition, reply = await peer.request(to, conference, float(command.get("timeout", 10)))
        answer = reply.xml.find("{%s}conference" % FOCUS_NS) if reply is not None else None
        peer.emit("conference_reply", type=kind, condition=condition,
                  ready=answer.get("ready") if answer is not None else None,
                  focusjid=answer.get("focusjid") if answer is not None else None,
                  vnode=answer.get("vnode") if answer is not None else None,
                  properties={p.get("name"): p.get("value") for p in answer.findall("{%s}property" % FOCUS_NS)}
                  if answer is not None else {}, xml=str(reply) if reply is not None else None)

    def apply_settings(self, peer, command):
        for key in DEFAULT_SETTINGS:
            if key in command:
                peer.settings[key] = command[key]
        if peer.settings["accept"] not in ("auto", "manual"):
            raise ValueError("accept must be auto or manual")
        parse_mode(peer.settings["initiate_reply"], {"result", "ignore"})
        if "features" in command:
            peer.disco_features = list(command["features"])
        for key in ("stats_id", "region", "caps", "caps_features", "caps_ver", "caps_hash", "codecs", "audio_muted",
                    "video_muted", "presence_features", "diarize"):
            if key in command:
                peer.presence_options[key] = command[key]
        if "extra_xml" in command:
            peer.presence_options["extra_xml"] = check_fragment(command["extra_xml"])

    async def cmd_configure(self, command):
        self.apply_settings(self.select(command), command)
        emit("done", cmd="configure", name=self.peer.name)

    async def cmd_join(self, command):
        peer = self.select(command)
        self.apply_settings(peer, command)
        room = bare(command["room"])
        loop = asyncio.get_event_loop()
        peer.room, peer.nick = room, command["nick"]
        state = {"nick": peer.nick, "extensions": peer.presence_xml(), "joined": loop.create_future(), "left": None}
        peer.rooms[room] = state
        peer.send_raw("<presence to=%s><x xmlns='http://jabber.org/protocol/muc'/>%s</presence>" % (
            quoteattr("%s/%s" % (room, peer.nick)), state["extensions"]))
        try:
            await asyncio.wait_for(state["joined"], float(command.get("timeout", 10)))
        except Exception:
            peer.rooms.pop(room, None)
            peer.room = None
            raise
        peer.emit("joined", room=room, nick=peer.nick)

    async def cmd_mute(self, command):
        peer = self.select(command)
        if peer.room is None:
            raise ValueError("not in a room")
        media = command.get("media", "audio")
        payload = element("mute", {"jid": "%s/%s" % (peer.room, command["target"])}, MUTE_NAMESPACES[media])
        payload.text = "true" if command.get("value", True) else "false"
        kind, condition, _reply = await peer.request(peer.focus_occupant(), payload,
                                                     float(command.get("timeout", 10)))
        peer.emit("mute_reply", type=kind, condition=condition)

    async def cmd_presence(self, command):
        peer = self.select(command)
        self.apply_settings(peer, command)
        peer.send_room_presence()
        emit("done", cmd="presence", name=peer.name)

    async def cmd_accept(self, command):
        await self.select(command).send_answer("session-accept", 0)

    async def cmd_transport_info(self, command):
        peer = self.select(command)
        session = self.session_of(peer)
        await peer.jingle("transport-info", build_transport_info(session, peer.ice), session["sid"])

    def hostile_sources(self, peer, command):
        """Sources and groups as the test wrote them (media audio and FID video unless told)."""
        sources = [{"media": "audio", "name": None, "msid": None, "video_type": None, **s, "owner": peer.nick}
                   for s in command.get("sources", [])]
        groups = [{"media": "video", "semantics": "FID", "ssrcs": [], **g, "owner": peer.nick}
                  for g in command.get("groups", [])]
        return sources, groups

    async def source_change(self, command, action):
        peer = self.select(command)
        session = peer.session or {"sid": None, "initiator": None}
        sid = command.get("sid", session["sid"])
        sources, groups = self.hostile_sources(peer, command)
        payload = build_source_change(action, sid, session["initiator"], sources, groups)
        if await peer.jingle(action, payload, sid, float(command.get("timeout", 10))) == "result":
            if action == "source-add":
                peer.local["sources"] += sources
                peer.local["groups"] += groups
            else:
                gone = {str(s["ssrc"]) for s in sources}
                peer.local["sources"] = [s for s in peer.local["sources"] if str(s["ssrc"]) not in gone]
                peer.local["groups"] = [g for g in peer.local["groups"] if g not in groups]

    async def cmd_source_add(self, command):
        await self.source_change(command, "source-add")

    async def cmd_source_burst(self, command):
        """"count" source changes sent back to back without waiting for answers: a source-add of one new video
        source, then its source-remove, and so on. The focus must handle them in the order sent: a remove that
        overtook its add would be refused and the add would leave a source behind."""
        peer = self.select(command)
        session = self.session_of(peer)
        count = int(command.get("count", 500))
        first_ssrc = int(command.get("first_ssrc", 600000))
        sends = []
        for i in range(count):
            pair = i // 2
            source = {"ssrc": first_ssrc + pair, "media": "video", "name": f"{peer.nick}-burst{pair}",
                      "msid": f"burst{pair} track", "video_type": None, "owner": peer.nick}
            action = "source-add" if i % 2 == 0 else "source-remove"
            payload = build_source_change(action, session["sid"], session["initiator"], [source], [])
            # Each request() sends synchronously when its task first runs; tasks run in creation order.
            sends.append(asyncio.ensure_future(peer.request(peer.focus_occupant(), payload,
                                                            float(command.get("timeout", 30)))))
        replies = await asyncio.gather(*sends)
        kinds = {}
        first_error = None
        for index, (kind, condition, _reply) in enumerate(replies):
            kinds[kind] = kinds.get(kind, 0) + 1
            if kind != "result" and first_error is None:
                first_error = {"index": index, "type": kind, "condition": condition}
        if count % 2 == 1:  # the last add stays
            last = (count - 1) // 2
            peer.local["sources"].append({"ssrc": first_ssrc + last, "media": "video",
                                          "name": f"{peer.nick}-burst{last}", "msid": f"burst{last} track",
                                          "video_type": None, "owner": peer.nick})
        peer.emit("burst_done", sent=count, replies=kinds, first_error=first_error)

    async def cmd_source_remove(self, command):
        await self.source_change(command, "source-remove")

    def bridge_session_id(self, command, session):
        if "bridge_session_id" in command:
            return command["bridge_session_id"]
        return (session.get("bridge_session") or {}).get("id")

    async def cmd_session_terminate(self, command):
        peer = self.select(command)
        session = self.session_of(peer)
        payload = build_terminate(session["sid"], session["initiator"], command.get("reason", "connectivity-error"),
                                  command.get("text", "ICE FAILED"), self.bridge_session_id(command, session),
                                  command.get("restart", True))
        session["state"] = "ended"  # the client tears its peer connection down whatever the focus answers
        peer.remote.clear()
        await peer.jingle("session-terminate", payload, session["sid"], float(command.get("timeout", 10)))

    async def cmd_session_info(self, command):
        peer = self.select(command)
        session = self.session_of(peer)
        payload = build_ice_failed(session["sid"], session["initiator"], self.bridge_session_id(command, session))
        await peer.jingle("session-info", payload, session["sid"], float(command.get("timeout", 10)))

    async def cmd_leave(self, command):
        peer = self.select(command)
        if peer.room is None:
            raise ValueError("not in a room")
        await super().cmd_leave({"room": peer.room, "timeout": command.get("timeout", 10),
                                 "status": command.get("status")})
        # As lib-jitsi-meet: leaving the conference ends its Jingle session and forgets the others' sources, so
        # that the next room starts afresh.
        peer.room = None
        peer.session = None
        peer.remote = SourceView()
        peer.occupants = {}
        peer.focus_presence = None

    async def cmd_dump(self, command):
        peer = self.select(command)
        session = peer.session
        peer.emit("dump", session=None if session is None else {
            "sid": session["sid"], "state": session["state"], "initiator": session["initiator"],
            "contents": [c["name"] for c in session["contents"]], "bridge_session": session["bridge_session"]},
            remote_sources=peer.remote.snapshot(),
            local_sources=by_owner(peer.local["sources"], peer.local["groups"], detail=True),
            occupants=peer.occupants, focus_presence=getattr(peer, "focus_presence", None))

    async def cmd_disconnect(self, command):
        self.select(command)
        await super().cmd_disconnect(command)

    async def cmd_send_iq(self, command):
        self.select(command)
        await super().cmd_send_iq(command)

    async def cmd_send_raw(self, command):
        self.select(command)
        await super().cmd_send_raw(command)

    async def cmd_iq_responder(self, command):
        self.select(command)
        await super().cmd_iq_responder(command)

    async def cmd_message(self, command):
        self.select(command)
        await super().cmd_message(command)


if __name__ == "__main__":
    run(ParticipantDriver)
