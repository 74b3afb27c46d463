#!/usr/bin/python3
"""A scriptable XMPP client for tests, driven by JSON lines on stdin and reporting JSON lines on stdout.

It stands in for the peers we cannot install (bridges, Jibri, Jigasi, browsers) and is written from the protocol
alone, with slixmpp as the transport, so that it shares no code with the product it tests. It is strict: a stanza
addressed to it that breaks RFC 6120 rules, or an IQ reply nobody asked for, is reported as a protocol_violation.

Commands (one JSON object a line; every command answers with one event, "error" when it fails):
  {"cmd":"connect","jid":"alice@auth.meet.test","password":"pw","host":"127.0.0.1","port":5222}
      jid without a local part (or "anonymous":true with "domain") logs in anonymously.
      Options: "resource", "tls": "optional"|"required"|"disabled" (STARTTLS; default optional),
      "verify": true|false (certificate check), "ca_file": path, "initial_presence": true|false,
      "timeout": seconds (default 10), "reconnect": true|false (default false).
      -> {"event":"connected","jid":full_jid,"tls":bool}
      With "reconnect", a lost connection is reported ({"event":"disconnected"}) and retried every 0.2 s until
      "timeout"; then {"event":"connected",...,"reconnected":true} (rooms must be joined again) or an error.
  {"cmd":"join","room":"r@conference.meet.test","nick":"alice","presence_xml":"<stats xmlns='...'/>"}
      -> {"event":"joined","room":...,"nick":...,"xml":self_presence}, after the room's own presence (status 110)
  {"cmd":"presence","room":...,"xml":...}   re-sends our room presence with these extensions -> {"event":"done"}
  {"cmd":"presence","to":...,"type":...,"xml":...}   any other presence -> {"event":"done"}
  {"cmd":"leave","room":...,"status":"switch_room"}   (status optional) -> {"event":"left","room":...}
  {"cmd":"send_iq","xml":"<iq type='get' to='...'>...</iq>","timeout":10}
      -> {"event":"iq_reply","id":...,"type":"result"|"error","from":...,"xml":...} or {"event":"iq_timeout","id":...}
      Other commands are served while the reply is awaited.
  {"cmd":"message","to":...,"type":"chat","body":...,"xml":...}   -> {"event":"done"}
  {"cmd":"send_raw","xml":...}              written to the stream as is (hostile input) -> {"event":"done"}
  {"cmd":"iq_responder","element":"healthcheck","ns":"...","type":"get","reply":"result"|"error:<condition>"|"ignore",
   "payload":"<xml/>"}   how to answer matching get/set IQs from now on (the newest matching responder wins)
      -> {"event":"done"}; IQs without a responder get service-unavailable, as RFC 6120 asks.
  {"cmd":"disconnect"}                      -> {"event":"disconnected","reason":...}
  {"cmd":"quit"}                            ends the process (so does the end of stdin)

Unsolicited events: {"event":"iq_received",...} for every get/set IQ, {"event":"presence","from":...,"type":...},
{"event":"message","from":...,"type":...}, {"event":"stream_error",...}, {"event":"disconnected",...} when the
server closes the stream, {"event":"protocol_violation","reason":...,"xml":...}.
Every line is compact JSON whose first key is "event", so a reader may match the prefix {"event":"<name>".
Set XMPP_PEER_DEBUG=1 to log the XML traffic to stderr.
"""

import asyncio
import json
import logging
import os
import ssl
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.sax.saxutils import quoteattr, escape

import slixmpp
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath

CLIENT_NS = "jabber:client"
STANZAS_NS = "urn:ietf:params:xml:ns:xmpp-stanzas"
MUC_NS = "http://jabber.org/protocol/muc"
MUC_USER_NS = "http://jabber.org/protocol/muc#user"
STREAM_NS = "http://etherx.jabber.org/streams"
TLS_NS = "urn:ietf:params:xml:ns:xmpp-tls"
SASL_NS = "urn:ietf:params:xml:ns:xmpp-sasl"

IQ_TYPES = {"get", "set", "result", "error"}
MESSAGE_TYPES = {"chat", "error", "groupchat", "headline", "normal"}
PRESENCE_TYPES = {"unavailable", "subscribe", "subscribed", "unsubscribe", "unsubscribed", "probe", "error"}
ERROR_TYPES = {"auth", "cancel", "continue", "modify", "wait"}
# The error type RFC 6120 section 8.3.3 gives for each condition we are likely to be asked for.
CONDITION_TYPES = {
    "bad-request": "modify", "conflict": "cancel", "feature-not-implemented": "cancel", "forbidden": "auth",
    "item-not-found": "cancel", "internal-server-error": "cancel", "not-acceptable": "modify",
    "not-allowed": "cancel", "not-authorized": "auth", "resource-constraint": "wait",
    "service-unavailable": "cancel", "remote-server-timeout": "wait", "unexpected-request": "wait",
}


def emit(event, **fields):
    line = {"event": event}
    line.update(fields)
    sys.stdout.write(json.dumps(line, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def local_name(tag):
    return tag.split("}", 1)[1] if tag.startswith("{") else tag


def namespace(tag):
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def bare(jid):
    return (jid or "").split("/", 1)[0].lower()


def check_fragment(text):
    """Raises ValueError unless text is a sequence of well-formed elements (what we append to a stanza)."""
    if text:
        ET.fromstring("<fragment>" + text + "</fragment>")
    return text or ""


class Peer(slixmpp.ClientXMPP):
    def __init__(self, jid, password, options):
        super().__init__(jid, password)
        self.options = options
        # Nothing happens that a test did not ask for: no keepalives, no automatic subscription answers, no
        # reconnection unless asked, no roster fetch.
        self.whitespace_keepalive = False
        self.auto_authorize = None
        self.auto_subscribe = False
        self.reconnect_wanted = bool(options.get("reconnect", False))
        self.reconnecting = False
        self.session_ready = asyncio.get_event_loop().create_future()
        self.pending_iqs = {}      # id -> (to, future)
        self.responders = []       # newest last
        self.rooms = {}            # room bare jid -> {"nick":..., "extensions":..., "joined": future, "left": future}
        self.next_id = 0
        self.closing = False
        self.started = False
        self.event_fields = {}     # added to every event this connection reports (e.g. which participant)

        verify = options.get("verify", True)
        if not verify:
            self.ssl_context.check_hostname = False
            self.ssl_context.verify_mode = ssl.CERT_NONE
        elif options.get("ca_file"):
            self.ca_certs = Path(options["ca_file"])

        self.add_event_handler("session_start", self.on_session_start)
        self.add_event_handler("connection_failed", self.on_connection_failed)
        self.add_event_handler("failed_all_auth", self.on_failed_auth)
        self.add_event_handler("stream_error", self.on_stream_error)
        self.add_event_handler("disconnected", self.on_disconnected)
        self.register_handler(Callback("peer features", MatchXPath("{%s}features" % STREAM_NS), self.on_features))
        self.register_handler(Callback("peer iq", MatchXPath("{%s}iq" % CLIENT_NS), self.on_iq))
        self.register_handler(Callback("peer presence", MatchXPath("{%s}presence" % CLIENT_NS), self.on_presence))
        self.register_handler(Callback("peer message", MatchXPath("{%s}message" % CLIENT_NS), self.on_message))

    def emit(self, event, **fields):
        emit(event, **self.event_fields, **fields)

    def handle_request(self, iq):
        """A get/set IQ that passed the RFC 6120 checks; a subclass returns True when it answered it itself."""
        return False

    # --- connection lifecycle -------------------------------------------------------------------------------------

    def on_session_start(self, _event):
        self.started = True
        if self.options.get("initial_presence", True):
            self.send_raw("<presence/>")
        if not self.session_ready.done():
            self.session_ready.set_result(True)

    def on_features(self, features):
        # slixmpp 1.8 accepts force_starttls but never acts on it, and waits forever when no way to log in is
        # offered; both must fail the connect at once.
        if self.authenticated or self.session_ready.done():
            return
        starttls = features.xml.find("{%s}starttls" % TLS_NS)
        mechanisms = features.xml.find("{%s}mechanisms" % SASL_NS)
        tls = self.options.get("tls", "optional")
        problem = None
        if not self.encrypted() and starttls is None and tls == "required":
            problem = "the server offers no STARTTLS"
        elif not self.encrypted() and tls == "disabled" and mechanisms is None:
            problem = "the server requires STARTTLS, which this connection disables"
        elif mechanisms is None and (starttls is None or self.encrypted()):
            problem = "the server offers no SASL mechanism"
        if problem:
            self.session_ready.set_exception(ConnectionError(problem))
            self.abort()

    def on_connection_failed(self, error):
        # slixmpp would retry forever with a growing delay; a test wants to know at once, or, when it asked for
        # reconnection, a quick retry until its deadline.
        self.cancel_connection_attempt()
        if self.reconnecting:
            self.loop.call_later(0.2, self.reconnect_now)
        elif not self.session_ready.done():
            self.session_ready.set_exception(ConnectionError("connection failed: %s" % error))

    def on_failed_auth(self, _event):
        if not self.session_ready.done():
            self.session_ready.set_exception(PermissionError("authentication failed"))
        self.abort()

    def on_stream_error(self, error):
        self.emit("stream_error", condition=error["condition"], text=error["text"])

    def on_disconnected(self, reason):
        for _to, future in self.pending_iqs.values():
            if not future.done():
                future.set_exception(ConnectionError("disconnected"))
        self.pending_iqs.clear()
        if not self.session_ready.done():
            self.session_ready.set_exception(ConnectionError("disconnected: %s" % reason))
            return
        if self.closing or not self.started:
            return
        self.started = False
        self.emit("disconnected", reason=str(reason) if reason else "")
        if self.reconnect_wanted:
            # Rooms belong to the old session: the test joins again after the "connected" event.
            self.rooms.clear()
            self.reconnecting = True
            self.session_ready = self.loop.create_future()
            self.loop.call_soon(self.reconnect_now)
            asyncio.ensure_future(self.report_reconnect())

    def reconnect_now(self):
        if self.reconnecting and not self.closing:
            self.connect(self.address, force_starttls=self.force_starttls, disable_starttls=self.disable_starttls)

    async def report_reconnect(self):
        try:
            await asyncio.wait_for(asyncio.shield(self.session_ready), float(self.options.get("timeout", 10)))
            self.emit("connected", jid=str(self.boundjid), tls=self.encrypted(), reconnected=True)
        except Exception as exc:  # a report, not a crash: the test decides what it means
            self.cancel_connection_attempt()
            self.emit("error", cmd="reconnect", message="%s: %s" % (type(exc).__name__, exc))
        finally:
            self.reconnecting = False

    def encrypted(self):
        return self.transport is not None and self.transport.get_extra_info("ssl_object") is not None

    # --- strictness -----------------------------------------------------------------------------------------------

    def violation(self, reason, stanza):
        self.emit("protocol_violation", reason=reason, xml=str(stanza))

    def common_violation(self, xml):
        """RFC 6120 rules every stanza addressed to us must follow; returns a reason or None."""
        to = xml.get("to")
        if to and self.started and bare(to) != bare(str(self.boundjid)):
            return "addressed to %s, not to us" % to
        for child in xml:
            if local_name(child.tag) == "error" and namespace(child.tag) == CLIENT_NS:
                if child.get("type") not in ERROR_TYPES:
                    return "error without a valid type"
                if not any(namespace(c.tag) == STANZAS_NS for c in child):
                    return "error without a defined condition"
        if xml.get("type") == "error" and xml.find("{%s}error" % CLIENT_NS) is None:
            return "type='error' without an <error/> child"
        return None

    # --- IQs ------------------------------------------------------------------------------------------------------

    def on_iq(self, iq):
        xml = iq.xml
        kind = xml.get("type")
        iq_id = xml.get("id")
        sender = xml.get("from", "")
        reason = self.common_violation(xml)
        if reason is None:
            if kind not in IQ_TYPES:
                reason = "iq type %r" % kind
            elif not iq_id:
                reason = "iq without an id"
            elif kind in ("get", "set") and len(xml) != 1:
                reason = "iq %s with %d child elements, not one" % (kind, len(xml))
            elif kind == "result" and len(xml) > 1:
                reason = "iq result with more than one child element"
        if kind in ("result", "error"):
            if not self.started:
                return  # slixmpp's own bind and session replies
            if reason is None:
                reason = self.reply_violation(xml)
            if reason:
                self.violation(reason, iq)
                return
            _to, future = self.pending_iqs.pop(iq_id)
            if not future.done():
                future.set_result(iq)
            return
        if reason:
            self.violation(reason, iq)
            if iq_id and kind in ("get", "set"):
                self.send_iq_error(xml, "bad-request")
            return
        child = xml[0]
        if self.handle_request(iq):
            return
        self.emit("iq_received", id=iq_id, type=kind, **{"from": sender}, element=local_name(child.tag),
                  ns=namespace(child.tag), xml=str(iq))
        responder = self.find_responder(kind, child)
        if responder is None:
            self.send_iq_error(xml, "service-unavailable")
            return
        reply = responder["reply"]
        if reply == "ignore":
            return
        if reply == "result":
            self.send_raw("<iq type='result' id=%s to=%s>%s</iq>" % (
                quoteattr(iq_id), quoteattr(sender), responder.get("payload", "")))
        else:
            self.send_iq_error(xml, reply.split(":", 1)[1])

    def reply_violation(self, xml):
        iq_id = xml.get("id")
        if iq_id not in self.pending_iqs:
            return "reply to an IQ we did not send (id %r)" % iq_id
        to, _future = self.pending_iqs[iq_id]
        sender = (xml.get("from") or "").lower()
        # RFC 6120 8.1.2.1: the reply comes from where the request went; a request without 'to' went to our account.
        ours = bare(str(self.boundjid))
        expected = {to.lower()} if to else {"", ours, self.boundjid.domain.lower()}
        if to.lower() == ours:
            expected.add("")  # the server answers for our own account without a 'from' (Prosody does)
        if sender not in expected:
            return "reply from %r to an IQ sent to %r" % (xml.get("from"), to)
        return None

    def find_responder(self, kind, child):
        for responder in reversed(self.responders):
            if responder.get("element") not in (None, local_name(child.tag)):
                continue
            if responder.get("ns") not in (None, namespace(child.tag)):
                continue
            if responder.get("type") not in (None, kind):
                continue
            return responder
        return None

    def send_iq_error(self, request, condition):
        self.send_raw("<iq type='error' id=%s to=%s><error type=%s><%s xmlns='%s'/></error></iq>" % (
            quoteattr(request.get("id", "")), quoteattr(request.get("from", "")),
            quoteattr(CONDITION_TYPES.get(condition, "cancel")), condition, STANZAS_NS))

    # --- presence and messages ------------------------------------------------------------------------------------

    def on_presence(self, presence):
        xml = presence.xml
        kind = xml.get("type")
        reason = self.common_violation(xml)
        if reason is None and kind is not None and kind not in PRESENCE_TYPES:
            reason = "presence type %r" % kind
        if reason:
            self.violation(reason, presence)
            return
        sender = xml.get("from", "")
        self.emit("presence", **{"from": sender}, type=kind or "available", xml=str(presence))
        room = self.rooms.get(bare(sender))
        if room is None or "/" not in sender:
            return
        if kind == "error" and not room["joined"].done():
            condition = next((local_name(c.tag) for e in xml.iter("{%s}error" % CLIENT_NS) for c in e
                              if namespace(c.tag) == STANZAS_NS), "unknown")
            room["joined"].set_exception(RuntimeError("join refused: " + condition))
            return
        statuses = {s.get("code") for x in xml.iter("{%s}x" % MUC_USER_NS) for s in x.iter("{%s}status" % MUC_USER_NS)}
        if "110" not in statuses:
            return
        if kind == "unavailable":
            if room.get("left") and not room["left"].done():
                room["left"].set_result(presence)
            else:
                self.emit("kicked", room=bare(sender), xml=str(presence))
            self.rooms.pop(bare(sender), None)
        elif not room["joined"].done():
            room["joined"].set_result(presence)

    def on_message(self, message):
        xml = message.xml
        kind = xml.get("type")
        reason = self.common_violation(xml)
        if reason is None and kind is not None and kind not in MESSAGE_TYPES:
            reason = "message type %r" % kind
        if reason:
            self.violation(reason, message)
            return
        body = xml.find("{%s}body" % CLIENT_NS)
        self.emit("message", **{"from": xml.get("from", "")}, type=kind or "normal",
                  body=body.text if body is not None else None, xml=str(message))

    def allocate_id(self):
        self.next_id += 1
        return "peer-%d" % self.next_id


class Driver:
    """Reads commands from stdin and runs them against the current connection, in order."""

    peer_class = Peer  # what "connect" creates; the bridge and participant emulators bring their own

    def __init__(self):
        self.peer = None
        self.background = set()

    async def run(self):
        loop = asyncio.get_event_loop()
        reader = asyncio.StreamReader(limit=16 * 1024 * 1024)
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        while True:
            line = await reader.readline()
            if not line:
                break
            line = line.strip()
            if not line:
                continue
            try:
                command = json.loads(line)
            except ValueError as exc:
                emit("error", cmd=None, message="not JSON: %s" % exc)
                continue
            name = command.get("cmd")
            if name == "quit":
                break
            handler = getattr(self, "cmd_" + str(name), None)
            if handler is None:
                emit("error", cmd=name, message="unknown command")
                continue
            try:
                await handler(command)
            except Exception as exc:  # reported, so that the test fails with a reason instead of a hang
                emit("error", cmd=name, message="%s: %s" % (type(exc).__name__, exc))
        await self.close()

    def connected_peer(self):
        if self.peer is None or not self.peer.started:
            raise ConnectionError("not connected")
        return self.peer

    async def close(self):
        if self.peer is not None and self.peer.transport is not None:
            self.peer.closing = True
            try:
                await asyncio.wait_for(self.peer.disconnect(wait=1.0), 2.0)
            except Exception:
                self.peer.abort()

    async def cmd_connect(self, command):
        if self.peer is not None and self.peer.transport is not None:
            raise ConnectionError("already connected")
        jid = command.get("jid") or command.get("domain", "")
        if command.get("anonymous"):
            jid = command["domain"]
        if command.get("resource") and "@" in jid:
            jid = "%s/%s" % (jid, command["resource"])
        self.peer = self.peer_class(jid, command.get("password", ""), command)
        tls = command.get("tls", "optional")
        address = (command.get("host", "127.0.0.1"), int(command["port"]))
        self.peer.connect(address, force_starttls=(tls == "required"), disable_starttls=(tls == "disabled"))
        try:
            await asyncio.wait_for(asyncio.shield(self.peer.session_ready), float(command.get("timeout", 10)))
        except asyncio.TimeoutError:
            self.peer.closing = True
            self.peer.cancel_connection_attempt()
            self.peer.abort()
            raise TimeoutError("no session within the deadline")
        except Exception:
            self.peer.closing = True
            self.peer.abort()
            raise
        emit("connected", jid=str(self.peer.boundjid), tls=self.peer.encrypted())

    async def cmd_disconnect(self, _command):
        if self.peer is None:
            raise ConnectionError("not connected")
        self.peer.closing = True
        reason = "closed"
        try:
            await asyncio.wait_for(self.peer.disconnect(wait=2.0), 3.0)
        except asyncio.TimeoutError:
            self.peer.abort()
            reason = "aborted"
        emit("disconnected", reason=reason)

    async def cmd_join(self, command):
        peer = self.connected_peer()
        room = bare(command["room"])
        nick = command["nick"]
        extensions = check_fragment(command.get("presence_xml", ""))
        loop = asyncio.get_event_loop()
        state = {"nick": nick, "extensions": extensions, "joined": loop.create_future(), "left": None}
        peer.rooms[room] = state
        history = "<history maxstanzas='0'/>" if command.get("no_history", True) else ""
        password = "<password>%s</password>" % escape(command["password"]) if command.get("password") else ""
        peer.send_raw("<presence to=%s><x xmlns='%s'>%s%s</x>%s</presence>" % (
            quoteattr("%s/%s" % (room, nick)), MUC_NS, history, password, extensions))
        try:
            presence = await asyncio.wait_for(state["joined"], float(command.get("timeout", 10)))
        except Exception:
            peer.rooms.pop(room, None)
            raise
        emit("joined", room=room, nick=nick, xml=str(presence))

    async def cmd_presence(self, command):
        peer = self.connected_peer()
        extensions = check_fragment(command.get("xml", ""))
        if command.get("room"):
            room = bare(command["room"])
            state = peer.rooms.get(room)
            if state is None:
                raise ValueError("not in room %s" % room)
            state["extensions"] = extensions
            to = "%s/%s" % (room, state["nick"])
        else:
            to = command.get("to")
        attributes = ""
        if to:
            attributes += " to=%s" % quoteattr(to)
        if command.get("type"):
            attributes += " type=%s" % quoteattr(command["type"])
        peer.send_raw("<presence%s>%s</presence>" % (attributes, extensions))
        emit("done", cmd="presence")

    async def cmd_leave(self, command):
        peer = self.connected_peer()
        room = bare(command["room"])
        state = peer.rooms.get(room)
        if state is None:
            raise ValueError("not in room %s" % room)
        state["left"] = asyncio.get_event_loop().create_future()
        status = "<status>%s</status>" % escape(command["status"]) if command.get("status") else ""
        peer.send_raw("<presence to=%s type='unavailable'>%s</presence>" % (
            quoteattr("%s/%s" % (room, state["nick"])), status))
        await asyncio.wait_for(state["left"], float(command.get("timeout", 10)))
        emit("left", room=room)

    async def cmd_send_iq(self, command):
        peer = self.connected_peer()
        text = command["xml"].strip()
        element = ET.fromstring(text)
        if local_name(element.tag) != "iq" or element.get("type") not in ("get", "set"):
            raise ValueError("send_iq takes an <iq type='get|set'>; use send_raw for anything else")
        iq_id = element.get("id")
        if not iq_id:
            iq_id = peer.allocate_id()
            text = "<iq id=%s%s" % (quoteattr(iq_id), text[len("<iq"):])
        if iq_id in peer.pending_iqs:
            raise ValueError("id %s is already awaiting a reply" % iq_id)
        future = asyncio.get_event_loop().create_future()
        peer.pending_iqs[iq_id] = (element.get("to", ""), future)
        peer.send_raw(text)
        task = asyncio.ensure_future(self.await_reply(peer, iq_id, future, float(command.get("timeout", 10))))
        self.background.add(task)
        task.add_done_callback(self.background.discard)

    async def await_reply(self, peer, iq_id, future, timeout):
        try:
            reply = await asyncio.wait_for(future, timeout)
        except asyncio.TimeoutError:
            peer.pending_iqs.pop(iq_id, None)
            emit("iq_timeout", id=iq_id)
            return
        except Exception as exc:
            emit("error", cmd="send_iq", id=iq_id, message=str(exc))
            return
        emit("iq_reply", id=iq_id, type=reply.xml.get("type"), **{"from": reply.xml.get("from", "")},
             xml=str(reply))

    async def cmd_message(self, command):
        peer = self.connected_peer()
        body = "<body>%s</body>" % escape(command["body"]) if command.get("body") is not None else ""
        peer.send_raw("<message to=%s type=%s>%s%s</message>" % (
            quoteattr(command["to"]), quoteattr(command.get("type", "normal")), body,
            check_fragment(command.get("xml", ""))))
        emit("done", cmd="message")

    async def cmd_send_raw(self, command):
        self.connected_peer().send_raw(command["xml"])
        emit("done", cmd="send_raw")

    async def cmd_iq_responder(self, command):
        peer = self.peer
        if peer is None:
            raise ConnectionError("connect first: responders belong to a connection")
        reply = command.get("reply", "result")
        if reply not in ("result", "ignore") and not reply.startswith("error:"):
            raise ValueError("reply must be result, ignore or error:<condition>")
        check_fragment(command.get("payload", ""))
        peer.responders.append({key: command[key] for key in ("element", "ns", "type", "reply", "payload")
                                if key in command})
        emit("done", cmd="iq_responder")


def run(driver_class):
    """Runs a driver until its input ends; the bridge and participant emulators call it with their own."""
    debug = os.environ.get("XMPP_PEER_DEBUG") == "1"
    logging.basicConfig(stream=sys.stderr, level=logging.DEBUG if debug else logging.ERROR,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    loop.run_until_complete(driver_class().run())
    # slixmpp leaves a filter task per connection; end them quietly instead of warning about them at exit.
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in pending:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    loop.close()


def main():
    run(Driver)


if __name__ == "__main__":
    main()
