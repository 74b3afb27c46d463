#!/usr/bin/python3
"""An emulated jitsi-videobridge for tests, driven by JSON lines on stdin and reporting JSON lines on stdout.

It is xmpp_peer.py (same connection, strictness and commands: connect, join, presence, send_iq, iq_responder,
send_raw, disconnect, quit) plus what a bridge does: it sits in a brewery MUC with colibri stats in its presence,
answers health checks, and answers colibri2 conference-modify IQs as jitsi-videobridge does while keeping the state
(colibri2_bridge.py). It is written from the protocol and shares no code with the product.

Commands (one JSON object a line; every command answers with one event, "error" when it fails):
  {"cmd":"connect","jid":"jvb@auth.meet.test","password":"pw","port":5222}      as in xmpp_peer -> connected
  {"cmd":"join_brewery","room":"jvbbrewery@internal.auth.meet.test","nick":"jvb1",
   "stats":{"stress_level":0.1,"region":"eu","relay_id":"jvb1","version":"2.3.1","release":"77","drain":false,
            "graceful_shutdown":false,"shutting_down":false,"healthy":true,"<any other>":...},
   "extra_xml":"<more/>"}
      -> {"event":"joined",...}. Stats not given keep their defaults (stress 0, healthy, not draining, version
      2.3.0, release 1); a null value leaves that stat out of the presence.
  {"cmd":"set_stats","stats":{"drain":true}}   merges and re-publishes the presence -> {"event":"stats","stats":...}
      graceful_shutdown or shutting_down true also makes the bridge refuse new conferences (service-unavailable +
      GRACEFUL_SHUTDOWN), as the real one does.
  {"cmd":"set_health","mode":"ok"|"error:<condition>"|"ignore"}                   -> {"event":"done"}
  {"cmd":"set_colibri","mode":"normal"|"error:<condition>[:<reason>]"|"ignore","count":N,
   "websocket_url":"wss://jvb1.meet.test/colibri-ws/jvb1","expire_unknown":"ignore"|"error"}
      -> {"event":"done"}. A mode with "count" applies to the next N colibri2 requests, then "normal" again.
      "hold_ms":N (with "count" as for mode) holds the answer to the next requests for N ms: the request is
      reported at once as {"event":"colibri_held","id":...,"origin_id":...,"from":...,"hold_ms":N}, then answered
      as usual. origin_id is the id the focus gave the request, recovered from the id Prosody's MUC rewrote (so a
      test can hand it to someone else); null when the request did not come through a MUC.
      "websocket_url" adds a colibri <web-socket> (base/meeting-id/endpoint-id) to allocated transports.
      "expire_unknown":"error" answers the expire of an unknown endpoint item-not-found + UNKNOWN_ENDPOINT (the real
      bridge ignores it, the default here).
  {"cmd":"dump"}     -> {"event":"state","conferences":{meeting-id:{"name","feedback":{"audio","video"},
                          "endpoints":{id:{"stats_id","sources":{source-name:{"type","ssrcs","groups"}},
                          "force_mute","client_transport","ice_controlling","sctp","media",...}},
                          "relays":{id:{"endpoints":{id:{"sources"}},...}},
                          "connects":{id:{"url","type","audio","video","headers":[[name,value]],"ping","exports",
                          "requests"}}}},"health":...,"colibri":...,"stats":...}
  {"cmd":"leave_brewery"}   unavailable presence to the brewery -> {"event":"left","room":...}
  {"cmd":"die"}             closes the socket at once, without unavailable presence or </stream> -> {"event":"died"}

Unsolicited events, besides xmpp_peer's:
  {"event":"healthcheck","id":...,"from":...,"reply":"result"|"error:<condition>"|"ignored"}
  {"event":"colibri","id":...,"from":...,"meeting_id":...,"conference_name":...,
   "actions":["create_conference","allocate","update","expire_endpoint","expire_conference","create_relay",
              "update_relay","expire_relay","relay_endpoints","create_connect","update_connect","expire_connect"],
   "endpoints":[{"id","op":"allocate|update|expire","stats_id","muc_role","transport":bool,"ice_controlling",
                 "sctp":bool,"ice_udp":{"ufrag","pwd","fingerprints","candidates","websocket"}|null,"ice_restart",
                 "sources":{"audio":[ssrc],"video":[ssrc],"names":[...],"groups":[["FID",1,2]]}|null,
                 "force_mute":{"audio","video"}|null,"media":{"audio":["opus",...]},"capabilities":[...]}],
   "relays":[{"id","op","mesh_id","transport","ice_controlling","use_unique_port","ice_udp","endpoints":[...]}],
   "connects":[{"id","op":"create|update|expire","url","type","audio","video","headers":[[name,value]],
                "ping":{"interval","timeout"}|null,"exports":[...],"requests":[...]}]|null (null: no <connects>),
   "unknown_endpoints":[...],"conference_expired":bool,
   "reply":"result"|"error:<condition>"|"ignored","reason":<colibri2 reason>|null,"text":...}
  One per colibri2 request, in arrival order, after any protocol_violation it caused. A request that breaks the
  protocol (an IQ type other than get, no meeting-id, an endpoint or relay without id, media without a valid type,
  a payload-type without a numeric id or a name, a source without a numeric ssrc, a transport update without
  ice-udp, an endpoint created without transport or without the source-names capability, a connect without id, a
  ws/wss url, protocol mediajson or a known type, an http-header without a token name or a value, a ping without
  numeric interval and timeout, an export or request without name) is answered bad-request and reported as a
  protocol_violation. Connects are kept by id: a create of an existing one, or an update or expire of an unknown
  one, is answered bad-request. Health checks of a type other than get likewise.
"""

import asyncio
from xml.sax.saxutils import quoteattr

from colibri2_bridge import Bridge, ColibriError, parse_request, summarize
from peer_xml import (COLIBRI2_NS, HEALTH_NS, Malformed, iq_error, iq_result, muc_original_id, parse_mode,
                      stats_element, to_text)
from xmpp_peer import Driver, Peer, bare, check_fragment, emit, local_name, namespace, run

DEFAULT_STATS = {
    "stress_level": 0.0, "region": None, "relay_id": None, "version": "2.3.0", "release": "1", "drain": False,
    "graceful_shutdown": False, "shutting_down": False, "healthy": True,
}


class JvbPeer(Peer):
    def __init__(self, jid, password, options):
        super().__init__(jid, password, options)
        self.bridge = Bridge()
        self.health_mode = "ok"
        self.colibri_mode = "normal"
        self.colibri_mode_count = None   # requests left in colibri_mode before "normal" again; None: no limit
        self.colibri_hold_ms = 0          # hold each colibri2 answer this long (0: answer at once)
        self.colibri_hold_count = None   # requests left to hold; None: no limit

    def handle_request(self, iq):
        payload = iq.xml[0]
        if local_name(payload.tag) == "healthcheck" and namespace(payload.tag) == HEALTH_NS:
            self.on_healthcheck(iq)
            return True
        if namespace(payload.tag) == COLIBRI2_NS:
            self.on_colibri(iq)
            return True
        return False

    def on_healthcheck(self, iq):
        xml = iq.xml
        event = {"id": xml.get("id"), "from": xml.get("from", "")}
        if xml.get("type") != "get":
            self.violation("healthcheck IQ of type %s, not get" % xml.get("type"), iq)
            self.send_raw(iq_error(xml, "bad-request"))
            self.emit("healthcheck", **event, reply="error:bad-request")
            return
        if self.health_mode == "ignore":
            self.emit("healthcheck", **event, reply="ignored")
            return
        if self.health_mode == "ok":
            self.send_raw(iq_result(xml))
        else:
            self.send_raw(iq_error(xml, self.health_mode.split(":")[1]))
        self.emit("healthcheck", **event, reply="result" if self.health_mode == "ok" else self.health_mode)

    def next_colibri_mode(self):
        mode = self.colibri_mode
        if self.colibri_mode_count is not None:
            self.colibri_mode_count -= 1
            if self.colibri_mode_count <= 0:
                self.colibri_mode, self.colibri_mode_count = "normal", None
        return mode

    def on_colibri(self, iq):
        hold = self.colibri_hold_ms
        if hold and self.colibri_hold_count is not None:
            self.colibri_hold_count -= 1
            if self.colibri_hold_count <= 0:
                self.colibri_hold_ms, self.colibri_hold_count = 0, None
        if hold:
            self.emit("colibri_held", id=iq.xml.get("id"), origin_id=muc_original_id(iq.xml.get("id")), hold_ms=hold,
                      **{"from": iq.xml.get("from", "")})
            asyncio.get_event_loop().call_later(hold / 1000.0, self.answer_colibri, iq)
            return
        self.answer_colibri(iq)

    def answer_colibri(self, iq):
        xml = iq.xml
        event = {"id": xml.get("id"), "from": xml.get("from", "")}
        mode = self.next_colibri_mode()
        request = None
        problem = None
        try:
            if xml.get("type") != "get":
                raise Malformed("colibri2 IQ of type %s, not get" % xml.get("type"))
            request = parse_request(xml[0])
            event.update(summarize(request))
        except Malformed as exc:
            problem = str(exc)
            self.violation(problem, iq)
        if mode == "ignore":
            self.emit("colibri", **event, reply="ignored", reason=None, text=None)
            return
        if mode.startswith("error:"):
            parts = mode.split(":")
            reason = parts[2] if len(parts) > 2 and parts[2] else None
            failure = ColibriError(parts[1], "scripted failure", reason)
            self.send_raw(iq_error(xml, failure.condition, failure.text, failure.extensions()))
            self.emit("colibri", **event, reply="error:" + failure.condition, reason=reason, text=failure.text)
            return
        if problem is None:
            try:
                reply = self.bridge.handle(request, event)
                self.send_raw(iq_result(xml, reply))
                self.emit("colibri", **event, reply="result", reason=None, text=None)
                return
            except ColibriError as failure:
                self.send_raw(iq_error(xml, failure.condition, failure.text, failure.extensions()))
                self.emit("colibri", **event, reply="error:" + failure.condition, reason=failure.reason,
                          text=failure.text)
                return
            except Malformed as exc:
                problem = str(exc)
                self.violation(problem, iq)
        self.send_raw(iq_error(xml, "bad-request", problem))
        self.emit("colibri", **event, reply="error:bad-request", reason=None, text=problem)


class JvbDriver(Driver):
    peer_class = JvbPeer

    def __init__(self):
        super().__init__()
        self.brewery = None
        self.extra_xml = ""
        self.stats = dict(DEFAULT_STATS)

    def jvb(self):
        return self.connected_peer()

    def apply_stats(self, stats):
        self.stats.update(stats or {})
        self.jvb().bridge.accepting = not (self.stats.get("graceful_shutdown") or self.stats.get("shutting_down"))

    async def cmd_join_brewery(self, command):
        self.apply_stats(command.get("stats"))
        self.extra_xml = check_fragment(command.get("extra_xml", ""))
        await self.cmd_join({"room": command["room"], "nick": command["nick"], "timeout": command.get("timeout", 10),
                             "presence_xml": to_text(stats_element(self.stats)) + self.extra_xml})
        self.brewery = bare(command["room"])

    async def cmd_set_stats(self, command):
        peer = self.jvb()
        self.apply_stats(command.get("stats"))
        if self.brewery is not None and command.get("publish", True):
            state = peer.rooms.get(self.brewery)
            if state is None:
                raise ValueError("not in the brewery any more")
            state["extensions"] = to_text(stats_element(self.stats)) + self.extra_xml
            peer.send_raw("<presence to=%s>%s</presence>" % (
                quoteattr("%s/%s" % (self.brewery, state["nick"])), state["extensions"]))
        emit("stats", stats=self.stats)

    async def cmd_set_health(self, command):
        self.jvb().health_mode = parse_mode(command["mode"], {"ok", "ignore"})
        emit("done", cmd="set_health")

    async def cmd_set_colibri(self, command):
        peer = self.jvb()
        if "mode" in command:
            peer.colibri_mode = parse_mode(command["mode"], {"normal", "ignore"})
            peer.colibri_mode_count = int(command["count"]) if command.get("count") is not None else None
        if "hold_ms" in command:
            peer.colibri_hold_ms = int(command["hold_ms"])
            peer.colibri_hold_count = int(command["count"]) if command.get("count") is not None else None
        if "websocket_url" in command:
            peer.bridge.websocket_url = command["websocket_url"]
        if "expire_unknown" in command:
            if command["expire_unknown"] not in ("ignore", "error"):
                raise ValueError("expire_unknown must be ignore or error")
            peer.bridge.expire_unknown = command["expire_unknown"]
        emit("done", cmd="set_colibri")

    async def cmd_dump(self, _command):
        peer = self.jvb()
        emit("state", conferences=peer.bridge.snapshot(), health=peer.health_mode, colibri=peer.colibri_mode,
             stats=self.stats, brewery=self.brewery)

    async def cmd_leave_brewery(self, command):
        if self.brewery is None:
            raise ValueError("not in a brewery")
        await self.cmd_leave({"room": self.brewery, "timeout": command.get("timeout", 10)})
        self.brewery = None

    async def cmd_die(self, _command):
        peer = self.jvb()
        # As a crashed bridge: no unavailable presence, no closing </stream:stream>; the server notices the
        # socket closing and removes the occupant itself.
        peer.closing = True
        peer.abort()
        await asyncio.sleep(0)
        emit("died")


if __name__ == "__main__":
    run(JvbDriver)
