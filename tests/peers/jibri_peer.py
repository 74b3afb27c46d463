#!/usr/bin/python3
"""An emulated Jibri (recorder, live streamer or SIP gateway) for tests, driven by JSON lines on stdin and reporting
JSON lines on stdout.

It is xmpp_peer.py (same connection, strictness and commands) plus what a Jibri does: it sits in a brewery MUC
(brewery_peer.py) with
its jibri-status in presence and answers the focus's <jibri action='start|stop'/> IQs as jitsi/jibri's XmppApi does:
a start is answered with a result carrying status='pending'; later the Jibri sends the focus (the start's sender) its
own set IQ with status='on' (or status='off' with failure_reason and should_retry). A start while busy is answered
with a result status='off' failure_reason='busy' should_retry='true'; a stop is answered status='off'. While a
session runs the Jibri publishes busy-status 'busy', and 'idle' again when it ends, as the real one does. Like the
real one, its status IQs carry no session_id (the focus knows the session by the Jibri's address); "status_session_id"
adds it. It is written from the protocol and shares no code with the product.

Strictness (each is reported as a protocol_violation): a jibri IQ that is not type set; one not sent by the focus
(directly: from the focus account; through the brewery MUC: from an occupant whose real JID is the focus account,
or, when the room hides real JIDs as Prosody's default does, an owner or admin of the room); an unknown action,
recording_mode or attribute; a start without session_id, or with a room that is not a bare JID; a recorder start
without recording_mode, stream without streamid, file with one; a start while a session is active; a stop for a
session that is not active. Answers: forbidden (not the focus), bad-request (malformed), item-not-found (stop of an
unknown session), result status='off' failure_reason='busy' (start while active, as the real Jibri). A stop for a
start left unanswered in silent mode is no violation: the focus cannot know whether a Jibri that never answered is
starting, and the real Jibri answers any stop with status='off'; it is answered so and reported as a stop.

Commands (one JSON object a line; every command answers with one event, "error" when it fails):
  {"cmd":"connect","jid":"jibri1@auth.meet.test","password":"pw","port":5222}      as in xmpp_peer -> connected
  {"cmd":"join_brewery","room":"jibribrewery@internal.auth.meet.test","nick":"jibri1",
   "focus":"focus@auth.meet.test","busy":"idle"|"busy","health":"healthy"|"unhealthy"}
      -> {"event":"joined",...}. "focus" is the account whose start/stop IQs are obeyed (default focus@<our domain>).
  {"cmd":"set_status","busy":"idle"|"busy","health":"healthy"|"unhealthy"}   re-publishes the presence
      -> {"event":"status","busy":...,"health":...}
  {"cmd":"set_mode","mode":"normal"|"busy"|"fail"|"silent"|"error:<condition>","delay_ms":100,
   "should_retry":true,"status_session_id":false,"reply_timeout":5}   how the next starts are answered
      -> {"event":"done"}. normal: pending, then status on after delay_ms. busy: result off/busy. fail: pending, then
      status off failure_reason='error' should_retry. silent: no answer at all. error:<condition>: an IQ error.
  {"cmd":"end_session","failure_reason":"error"|null,"should_retry":false}
      the active session ends on the Jibri's side: status off sent to the focus -> {"event":"session_ended",...}
  {"cmd":"dump"}            -> {"event":"state","session":{...}|null,"busy","health","mode","brewery"}
  {"cmd":"leave_brewery"}   unavailable presence to the brewery -> {"event":"left","room":...}
  {"cmd":"die"}             closes the socket at once, without unavailable presence or </stream> -> {"event":"died"}

Unsolicited events, besides xmpp_peer's:
  {"event":"start","id","from","origin":sender's bare JID|null,"affiliation":in the brewery|null,"session_id","room",
   "recording_mode","streamid","sipaddress","displayname","you_tube_broadcast_id","app_data",
   "mode":"file"|"stream"|"sip",
   "reply":"pending"|"busy"|"ignored"|"error:<condition>"}   one per start IQ, after any violation it caused
  {"event":"stop","id","from","origin","affiliation","session_id","reply":"off"|"error:<condition>"}
  {"event":"status_sent","id","to","session_id","status":"on"|"off","failure_reason","should_retry",
   "reply":"result"|"error:<condition>"|"timeout"|"disconnected"}   each status IQ the Jibri sent and how it ended
"""

import asyncio

from brewery_peer import BreweryDriver, BreweryPeer, Refused
from peer_xml import HEALTH_NS, element, error_condition, iq_error, iq_result, parse_mode, sub, to_text
from xmpp_peer import emit, local_name, namespace, run

JIBRI_NS = "http://jitsi.org/protocol/jibri"
# The attributes a focus's jibri IQ may carry (jitsi-xmpp-extensions' JibriIq).
START_ATTRIBUTES = {"action", "session_id", "room", "recording_mode", "streamid", "you_tube_broadcast_id",
                    "app_data", "displayname", "sipaddress", "rtcstats_enabled"}
# How many unanswered starts a stop may still name.
MAX_IGNORED = 16
REQUEST_FIELDS = ("session_id", "room", "recording_mode", "streamid", "sipaddress", "displayname",
                  "you_tube_broadcast_id", "app_data")


def jibri_status_element(busy, health):
    status = element("jibri-status", ns=JIBRI_NS)
    sub(status, "busy-status", {"status": busy}, ns=JIBRI_NS)
    sub(status, "health-status", {"status": health}, ns=HEALTH_NS)
    return status


class JibriPeer(BreweryPeer):
    def __init__(self, jid, password, options):
        super().__init__(jid, password, options)
        self.busy = "idle"
        self.health = "healthy"
        self.mode = "normal"
        self.delay_ms = 100
        self.should_retry = True
        self.status_session_id = False
        self.reply_timeout = 5.0
        self.session = None          # {"session_id","focus","mode","sipaddress"} while one is active
        self.ignored = []            # session ids of starts left unanswered (silent mode), the latest few

    def status_element(self):
        return jibri_status_element(self.busy, self.health)

    # --- the jibri IQ ---------------------------------------------------------------------------------------------

    def handle_request(self, iq):
        payload = iq.xml[0]
        if local_name(payload.tag) != "jibri" or namespace(payload.tag) != JIBRI_NS:
            return False
        self.on_jibri(iq)
        return True

    def refuse(self, iq, event, kind, condition, reason):
        self.violation(reason, iq)
        self.send_raw(iq_error(iq.xml, condition, reason))
        self.emit(kind, **event, reply="error:" + condition)

    def on_jibri(self, iq):
        xml = iq.xml
        jibri = xml[0]
        action = jibri.get("action")
        kind = "stop" if action == "stop" else "start"
        from_focus, known = self.sender_is_focus(xml)
        event = {"id": xml.get("id"), "from": xml.get("from", ""), **known}
        event.update({name: jibri.get(name) for name in REQUEST_FIELDS})
        if xml.get("type") != "set":
            return self.refuse(iq, event, kind, "bad-request", "jibri IQ of type %s, not set" % xml.get("type"))
        if not from_focus:
            return self.refuse(iq, event, kind, "forbidden", "jibri IQ from %s (%s), not the focus %s" % (
                xml.get("from"), known["origin"] or known["affiliation"], self.focus))
        unknown = sorted(set(jibri.keys()) - START_ATTRIBUTES)
        if unknown:
            return self.refuse(iq, event, kind, "bad-request", "unknown jibri attributes %s" % ", ".join(unknown))
        if action == "start":
            self.on_start(iq, event)
        elif action == "stop":
            self.on_stop(iq, event)
        else:
            self.refuse(iq, event, kind, "bad-request", "jibri action %r" % action)

    def check_start(self, jibri):
        """The session mode (file, stream, sip) of a well-formed start; raises Refused otherwise."""
        if not jibri.get("session_id"):
            raise Refused("bad-request", "start without session_id")
        room = jibri.get("room") or ""
        if "@" not in room or "/" in room:
            raise Refused("bad-request", "start with room %r, not a bare JID" % room)
        recording_mode = jibri.get("recording_mode")
        if recording_mode not in (None, "file", "stream"):
            raise Refused("bad-request", "recording_mode %r" % recording_mode)
        if jibri.get("sipaddress"):
            return "sip"
        if recording_mode is None:
            raise Refused("bad-request", "recorder start without recording_mode")
        if recording_mode == "stream" and not jibri.get("streamid"):
            raise Refused("bad-request", "stream start without streamid")
        if recording_mode == "file" and jibri.get("streamid"):
            raise Refused("bad-request", "file start with a streamid")
        return recording_mode

    def on_start(self, iq, event):
        xml, jibri = iq.xml, iq.xml[0]
        try:
            mode = self.check_start(jibri)
        except Refused as refused:
            return self.refuse(iq, event, "start", refused.condition, str(refused))
        event["mode"] = mode
        if self.session is not None:
            # The focus must not pick a Jibri that is in a session; the real Jibri answers as busy.
            self.violation("start of session %s while session %s is active" % (
                jibri.get("session_id"), self.session["session_id"]), iq)
            self.send_raw(self.start_result(xml, "off", "busy", True))
            return self.emit("start", **event, reply="busy")
        if self.mode == "silent":
            self.ignored = (self.ignored + [jibri.get("session_id")])[-MAX_IGNORED:]
            return self.emit("start", **event, reply="ignored")
        if self.mode.startswith("error:"):
            condition = self.mode.split(":")[1]
            self.send_raw(iq_error(xml, condition, "scripted failure"))
            return self.emit("start", **event, reply="error:" + condition)
        if self.mode == "busy":
            self.send_raw(self.start_result(xml, "off", "busy", True))
            return self.emit("start", **event, reply="busy")
        self.session = {"session_id": jibri.get("session_id"), "focus": xml.get("from"), "mode": mode,
                        "sipaddress": jibri.get("sipaddress"), "room": jibri.get("room")}
        self.send_raw(self.start_result(xml, "pending"))
        self.emit("start", **event, reply="pending")
        self.busy = "busy"
        self.publish()
        if self.mode == "fail":
            self.later(self.delay_ms, self.finish_session, "error", self.should_retry)
        else:
            self.later(self.delay_ms, self.report_running, self.session["session_id"])

    def start_result(self, request, status, failure_reason=None, should_retry=None):
        return iq_result(request, element("jibri", {
            "status": status, "failure_reason": failure_reason, "should_retry": should_retry,
            "sipaddress": request[0].get("sipaddress")}, ns=JIBRI_NS))

    def on_stop(self, iq, event):
        session_id = iq.xml[0].get("session_id")
        if session_id in self.ignored and (self.session is None or session_id != self.session["session_id"]):
            self.ignored.remove(session_id)
            self.send_raw(self.start_result(iq.xml, "off"))
            return self.emit("stop", **event, reply="off")
        if self.session is None or session_id != self.session["session_id"]:
            return self.refuse(iq, event, "stop", "item-not-found", "stop of session %r, which is not active" % (
                session_id,))
        self.session = None
        self.send_raw(self.start_result(iq.xml, "off"))
        self.emit("stop", **event, reply="off")
        self.busy = "idle"
        self.publish()

    # --- the Jibri's own status IQs -------------------------------------------------------------------------------

    def later(self, delay_ms, function, *args):
        self.spawn(self.after(delay_ms, function, *args))

    async def after(self, delay_ms, function, *args):
        await asyncio.sleep(delay_ms / 1000.0)
        await function(*args)

    async def report_running(self, session_id):
        # A stop (or end_session) during the start-up delay ends the session before it ever runs.
        if self.session is not None and self.session["session_id"] == session_id:
            await self.send_status(dict(self.session), "on", None, None)

    async def finish_session(self, failure_reason, should_retry):
        session = self.session
        if session is None:
            return None
        self.session = None
        self.busy = "idle"
        self.publish()
        await self.send_status(session, "off", failure_reason, should_retry)
        return session

    async def send_status(self, session, status, failure_reason, should_retry):
        if not self.started:
            return
        iq_id = self.allocate_id()
        payload = element("jibri", {
            "status": status, "failure_reason": failure_reason, "should_retry": should_retry,
            "sipaddress": session["sipaddress"],
            "session_id": session["session_id"] if self.status_session_id else None}, ns=JIBRI_NS)
        iq = element("iq", {"type": "set", "id": iq_id, "to": session["focus"]})
        iq.append(payload)
        future = asyncio.get_event_loop().create_future()
        self.pending_iqs[iq_id] = (session["focus"], future)
        self.send_raw(to_text(iq))
        event = {"id": iq_id, "to": session["focus"], "session_id": session["session_id"], "status": status,
                 "failure_reason": failure_reason, "should_retry": should_retry}
        try:
            reply = await asyncio.wait_for(future, self.reply_timeout)
        except asyncio.TimeoutError:
            self.pending_iqs.pop(iq_id, None)
            return self.emit("status_sent", **event, reply="timeout")
        except ConnectionError:
            return self.emit("status_sent", **event, reply="disconnected")
        if reply.xml.get("type") == "result":
            return self.emit("status_sent", **event, reply="result")
        self.emit("status_sent", **event, reply="error:%s" % error_condition(reply.xml))


class JibriDriver(BreweryDriver):
    peer_class = JibriPeer

    def jibri(self):
        return self.connected_peer()

    async def cmd_join_brewery(self, command):
        peer = self.jibri()
        peer.busy = check_value(command.get("busy", "idle"), ("idle", "busy"))
        peer.health = check_value(command.get("health", "healthy"), ("healthy", "unhealthy"))
        await self.join_brewery(command)

    async def cmd_set_status(self, command):
        peer = self.jibri()
        if peer.brewery is None:
            raise ValueError("not in a brewery")
        peer.busy = check_value(command.get("busy", peer.busy), ("idle", "busy"))
        peer.health = check_value(command.get("health", peer.health), ("healthy", "unhealthy"))
        peer.publish()
        emit("status", busy=peer.busy, health=peer.health)

    async def cmd_set_mode(self, command):
        peer = self.jibri()
        if "mode" in command:
            peer.mode = parse_mode(command["mode"], {"normal", "busy", "fail", "silent"})
        if "delay_ms" in command:
            peer.delay_ms = int(command["delay_ms"])
        if "should_retry" in command:
            peer.should_retry = bool(command["should_retry"])
        if "status_session_id" in command:
            peer.status_session_id = bool(command["status_session_id"])
        if "reply_timeout" in command:
            peer.reply_timeout = float(command["reply_timeout"])
        emit("done", cmd="set_mode")

    async def cmd_end_session(self, command):
        peer = self.jibri()
        if peer.session is None:
            raise ValueError("no active session")
        session_id = peer.session["session_id"]
        peer.later(0, peer.finish_session, command.get("failure_reason"), command.get("should_retry"))
        emit("session_ended", session_id=session_id)

    async def cmd_dump(self, _command):
        peer = self.jibri()
        emit("state", session=peer.session, busy=peer.busy, health=peer.health, mode=peer.mode,
             brewery=peer.brewery, focus=peer.focus)


def check_value(value, allowed):
    if value not in allowed:
        raise ValueError("%r is not one of %s" % (value, ", ".join(allowed)))
    return value


if __name__ == "__main__":
    run(JibriDriver)
