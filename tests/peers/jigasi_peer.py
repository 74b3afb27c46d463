#!/usr/bin/python3
"""An emulated Jigasi (SIP gateway and transcriber) for tests, driven by JSON lines on stdin and reporting JSON lines
on stdout.

It is xmpp_peer.py (same connection, strictness and commands) plus what a Jigasi does: it sits in a brewery MUC
(brewery_peer.py) with
colibri <stats> in its presence (supports_sip, supports_transcription, graceful_shutdown, participants, region) and
answers the focus's Rayo dial as jitsi/jigasi's CallControlMucActivator does:
  <dial xmlns='urn:xmpp:rayo:1' to='+1555..'|'jitsi_meet_transcribe' from='..'>
    <header name='JvbRoomName' value='room@conference..'/></dial>
is answered with a result <ref xmlns='urn:xmpp:rayo:1' uri='xmpp:..'/>. When the call joins the conference room (a
transcriber by default, a SIP call with "join_on_dial":"all"), the Jigasi first joins, on a connection of its own as
the real one does, and the uri is that occupant: xmpp:room@conference../<nick>; otherwise xmpp:<call>@<our domain>.
The call connection is a participant_peer.py participant (it answers the focus's Jingle offers the same way) whose
room presence carries <features><feature var='http://jitsi.org/protocol/jigasi'/></features> (and
'http://jitsi.org/protocol/transcriber' for a transcriber) and <nick xmlns='http://jabber.org/protocol/nick'/>.
It is written from the protocol and shares no code with the product.

Strictness (each is answered with an IQ error and reported as a protocol_violation): a dial that is not type set
(bad-request); not sent by the focus (forbidden; through the brewery: an occupant whose real JID is the focus
account, or, when the room hides real JIDs, an owner or admin); an IQ id already used by an earlier dial (the focus
must forward with a new id; bad-request); a dial without 'to', or without exactly one JvbRoomName header holding a
bare room JID, or with a header lacking name or value (bad-request); a dial for a gateway this Jigasi said it lacks
(supports_sip / supports_transcription false; not-acceptable, where the real Jigasi answers a result whose ref uri
is 'not-acceptable') or while it announces graceful_shutdown (service-unavailable).

Commands (one JSON object a line; every command answers with one event, "error" when it fails):
  {"cmd":"connect","jid":"jigasi@auth.meet.test","password":"pw","port":5222}   as in xmpp_peer -> connected
  {"cmd":"join_brewery","room":"jigasibrewery@internal.auth.meet.test","nick":"jigasi1",
   "focus":"focus@auth.meet.test","stats":{"supports_sip":true,"supports_transcription":true,
   "graceful_shutdown":false,"participants":0,"region":"eu", any other stat}}
      -> {"event":"joined",...}. "focus" is the account whose dials are obeyed (default focus@<our domain>). A stat
      set to null is left out (region is left out by default).
  {"cmd":"set_stats","stats":{...}}   merges and re-publishes -> {"event":"stats","stats":{...}}
  {"cmd":"set_mode","mode":"ok"|"silent"|"error:<condition>","delay_ms":0,"join_on_dial":"transcriber"|"all"|"none",
   "call_account":{"jid":..,"password":..} | {"domain":"meet.test"} (anonymous),"conference_iq_to":"focus.meet.test",
   "transcriber_nick":"transcriber","display_name":"Transcriber"}   -> {"event":"done"}
      How the next valid dials are answered: ok (a ref), silent (never: the focus must time out), error:<condition>
      (an IQ error), after delay_ms. The call account defaults to ours with a new resource; with conference_iq_to
      the call first sends the focus a conference request there, as the real Jigasi does (reply not required).
  {"cmd":"join_room","room":"r1@conference.meet.test","nick":"transcriber","transcriber":true}
      joins as a call would, without a dial -> {"event":"call_joined",...}
  {"cmd":"leave_room","room":..}    the call hangs up: leaves the room and closes its connection -> call_left
  {"cmd":"dump"}   -> {"event":"state","dials":[each dial event, the last 10000],"calls":{room:{"nick","kind","jid"}},
                       "stats","mode","brewery","focus"}
  {"cmd":"leave_brewery"}   unavailable presence to the brewery -> {"event":"left","room":...}
  {"cmd":"die"}             closes every socket at once, without unavailable presence or </stream> -> died

Unsolicited events, besides xmpp_peer's:
  {"event":"dial","id":as received,"sent_id":the sender's id (Prosody's MUC rewrites ids of IQs it routes)|null,
   "sender":IQ from,"origin":sender's bare JID|null,"affiliation":in the brewery|null,
   "to","from":the dial's attributes,"room":JvbRoomName,"headers":[[name,value],..],"kind":"sip"|"transcriber",
   "reply":"ref:<uri>"|"error:<condition>"|"ignored"}   one per dial IQ, when it is answered (after the join)
  {"event":"call_joined","room","nick","kind","jid":the call connection's JID,"dial_id"|null}
  {"event":"call_left","room","nick"}
  The call connections report participant_peer.py's events (session_initiate, jingle_reply, protocol_violation...)
  with "name":"call:<room>".
"""

import asyncio
from collections import OrderedDict
from xml.sax.saxutils import quoteattr

from brewery_peer import BreweryDriver, BreweryPeer, Refused
from participant_peer import ParticipantPeer
from peer_xml import (FOCUS_NS, element, iq_error, iq_result, muc_original_id, parse_mode, random_token,
                      stats_element, to_text)
from xmpp_peer import bare, emit, local_name, namespace, run

RAYO_NS = "urn:xmpp:rayo:1"
NICK_NS = "http://jabber.org/protocol/nick"
JIGASI_FEATURE = "http://jitsi.org/protocol/jigasi"
TRANSCRIBER_FEATURE = "http://jitsi.org/protocol/transcriber"
TRANSCRIBE_DESTINATION = "jitsi_meet_transcribe"
ROOM_HEADER = "JvbRoomName"
DEFAULT_STATS = {"supports_sip": True, "supports_transcription": True, "graceful_shutdown": False,
                 "participants": 0, "region": None}
MAX_REMEMBERED_IDS = 10000


class JigasiPeer(BreweryPeer):
    def __init__(self, jid, password, options):
        super().__init__(jid, password, options)
        self.stats = dict(DEFAULT_STATS)
        self.settings = {"mode": "ok", "delay_ms": 0, "join_on_dial": "transcriber", "call_account": None,
                         "conference_iq_to": None, "transcriber_nick": "transcriber", "display_name": None}
        self.dial_ids = OrderedDict()  # every dial id seen, oldest first
        self.dials = []
        self.driver = None           # set by the driver: the call connections are opened there

    def status_element(self):
        return stats_element(self.stats)

    # --- the Rayo dial --------------------------------------------------------------------------------------------

    def handle_request(self, iq):
        payload = iq.xml[0]
        if local_name(payload.tag) != "dial" or namespace(payload.tag) != RAYO_NS:
            return False
        self.on_dial(iq)
        return True

    def report(self, event, reply):
        event["reply"] = reply
        self.dials.append(event)
        del self.dials[:-MAX_REMEMBERED_IDS]
        self.emit("dial", **event)

    def remember_id(self, iq_id):
        """False when a dial already used this id."""
        if iq_id in self.dial_ids:
            return False
        self.dial_ids[iq_id] = True
        if len(self.dial_ids) > MAX_REMEMBERED_IDS:
            self.dial_ids.popitem(last=False)
        return True

    def check_dial(self, xml, from_focus, known):
        dial = xml[0]
        if xml.get("type") != "set":
            raise Refused("bad-request", "dial IQ of type %s, not set" % xml.get("type"))
        if not from_focus:
            raise Refused("forbidden", "dial from %s (%s), not the focus %s" % (
                xml.get("from"), known["origin"] or known["affiliation"], self.focus))
        # Through the MUC the id we see is Prosody's rewriting of the focus's own id; the latter must be new.
        if not self.remember_id(muc_original_id(xml.get("id")) or xml.get("id")):
            raise Refused("bad-request", "dial with id %r, already used by an earlier dial" % xml.get("id"))
        if not dial.get("to"):
            raise Refused("bad-request", "dial without 'to'")
        headers = [h for h in dial if local_name(h.tag) == "header" and namespace(h.tag) == RAYO_NS]
        if any(not h.get("name") or h.get("value") is None for h in headers):
            raise Refused("bad-request", "dial header without name or value")
        rooms = [h.get("value") for h in headers if h.get("name") == ROOM_HEADER]
        if len(rooms) != 1:
            raise Refused("bad-request", "dial with %d %s headers, not one" % (len(rooms), ROOM_HEADER))
        if "@" not in rooms[0] or "/" in rooms[0]:
            raise Refused("bad-request", "%s %r is not a bare room JID" % (ROOM_HEADER, rooms[0]))
        transcriber = dial.get("to") == TRANSCRIBE_DESTINATION
        gateway = "supports_transcription" if transcriber else "supports_sip"
        if str(self.stats.get(gateway)).lower() != "true":
            raise Refused("not-acceptable", "%s dial to a Jigasi whose %s is %s" % (
                "transcriber" if transcriber else "SIP", gateway, self.stats.get(gateway)))
        if str(self.stats.get("graceful_shutdown")).lower() == "true":
            raise Refused("service-unavailable", "dial to a Jigasi in graceful shutdown")

    def on_dial(self, iq):
        xml, dial = iq.xml, iq.xml[0]
        from_focus, known = self.sender_is_focus(xml)
        headers = [[h.get("name"), h.get("value")] for h in dial
                   if local_name(h.tag) == "header" and namespace(h.tag) == RAYO_NS]
        room = next((value for name, value in headers if name == ROOM_HEADER), None)
        kind = "transcriber" if dial.get("to") == TRANSCRIBE_DESTINATION else "sip"
        event = {"id": xml.get("id"), "sent_id": muc_original_id(xml.get("id")), "sender": xml.get("from", ""), **known, "to": dial.get("to"),
                 "from": dial.get("from"), "room": room, "headers": headers, "kind": kind}
        try:
            self.check_dial(xml, from_focus, known)
        except Refused as refused:
            self.violation(str(refused), iq)
            self.send_raw(iq_error(xml, refused.condition, str(refused)))
            return self.report(event, "error:" + refused.condition)
        mode = self.settings["mode"]
        if mode == "silent":
            return self.report(event, "ignored")
        self.spawn(self.answer_dial(xml, event, mode))

    async def answer_dial(self, xml, event, mode):
        if self.settings["delay_ms"]:
            await asyncio.sleep(self.settings["delay_ms"] / 1000.0)
        if mode.startswith("error:"):
            condition = mode.split(":")[1]
            self.send_raw(iq_error(xml, condition, "scripted failure"))
            return self.report(event, "error:" + condition)
        joins = self.settings["join_on_dial"]
        if joins == "all" or (joins == "transcriber" and event["kind"] == "transcriber"):
            nick = self.settings["transcriber_nick"] if event["kind"] == "transcriber" else "sip-" + random_token(8)
            try:
                await self.driver.open_call(event["room"], nick, event["kind"] == "transcriber", event["id"])
            except Exception as exc:  # the real Jigasi answers a failed join so, after its own timeout
                self.send_raw(iq_error(xml, "internal-server-error", "Fail to join muc! %s" % exc))
                return self.report(event, "error:internal-server-error")
            uri = "xmpp:%s/%s" % (event["room"], nick)
        else:
            uri = "xmpp:%s@%s" % (random_token(12), self.boundjid.domain)
        self.send_raw(iq_result(xml, element("ref", {"uri": uri}, ns=RAYO_NS)))
        self.report(event, "ref:" + uri)

class JigasiDriver(BreweryDriver):
    peer_class = JigasiPeer

    def __init__(self):
        super().__init__()
        self.connect_command = None
        self.calls = {}              # room -> {"leg": ParticipantPeer, "nick", "kind"}

    def jigasi(self):
        return self.connected_peer()

    async def cmd_connect(self, command):
        await super().cmd_connect(command)
        self.connect_command = dict(command)
        self.peer.driver = self

    async def open_call(self, room, nick, transcriber, dial_id=None):
        """A call's own connection joins the conference room, as JvbConference does."""
        peer = self.jigasi()
        room = bare(room)
        if room in self.calls:
            raise ValueError("already in a call in %s" % room)
        options = dict(self.connect_command)
        account = peer.settings["call_account"]
        if account and account.get("domain"):
            jid, password = account["domain"], ""
        elif account:
            jid, password = account["jid"], account.get("password", "")
        else:
            jid, password = "%s/call-%s" % (bare(str(peer.boundjid)), random_token(8)), self.connect_command.get(
                "password", "")
        options.update(name="call:" + room, initial_presence=False)
        leg = ParticipantPeer(jid, password, options)
        self.calls[room] = {"leg": leg, "nick": nick, "kind": "transcriber" if transcriber else "sip"}
        try:
            await self.join_call(leg, room, nick, transcriber, float(options.get("timeout", 10)))
        except Exception:
            self.calls.pop(room, None)
            leg.closing = True
            leg.abort()
            raise
        emit("call_joined", room=room, nick=nick, kind=self.calls[room]["kind"], jid=str(leg.boundjid),
             dial_id=dial_id)

    async def join_call(self, leg, room, nick, transcriber, timeout):
        tls = self.connect_command.get("tls", "optional")
        leg.connect((self.connect_command.get("host", "127.0.0.1"), int(self.connect_command["port"])),
                    force_starttls=(tls == "required"), disable_starttls=(tls == "disabled"))
        await asyncio.wait_for(asyncio.shield(leg.session_ready), timeout)
        settings = self.jigasi().settings
        if settings["conference_iq_to"]:
            await leg.request(settings["conference_iq_to"], element("conference", {"room": room}, FOCUS_NS), timeout)
        display = settings["display_name"] or ("Transcriber" if transcriber else nick)
        features = [JIGASI_FEATURE] + ([TRANSCRIBER_FEATURE] if transcriber else [])
        leg.presence_options = {"caps": False, "presence_features": features,
                                "extra_xml": to_text(element("nick", ns=NICK_NS, text=display))}
        leg.room, leg.nick = room, nick
        state = {"nick": nick, "extensions": leg.presence_xml(), "joined": asyncio.get_event_loop().create_future(),
                 "left": None}
        leg.rooms[room] = state
        leg.send_raw("<presence to=%s><x xmlns='http://jabber.org/protocol/muc'/>%s</presence>" % (
            quoteattr("%s/%s" % (room, nick)), state["extensions"]))
        await asyncio.wait_for(state["joined"], timeout)

    async def close_call(self, room):
        call = self.calls.pop(room)
        leg = call["leg"]
        leg.closing = True
        state = leg.rooms.get(room)
        if state is not None and leg.started:
            state["left"] = asyncio.get_event_loop().create_future()
            leg.send_raw("<presence to=%s type='unavailable'/>" % quoteattr("%s/%s" % (room, call["nick"])))
            try:
                await asyncio.wait_for(state["left"], 5)
            except asyncio.TimeoutError:
                pass
        try:
            await asyncio.wait_for(leg.disconnect(wait=1.0), 2.0)
        except Exception:
            leg.abort()
        return call

    async def close(self):
        for room in list(self.calls):
            await self.close_call(room)
        await super().close()

    async def cmd_join_brewery(self, command):
        peer = self.jigasi()
        peer.stats = dict(DEFAULT_STATS, **(command.get("stats") or {}))
        await self.join_brewery(command)

    async def cmd_set_stats(self, command):
        peer = self.jigasi()
        if peer.brewery is None:
            raise ValueError("not in a brewery")
        peer.stats.update(command.get("stats") or {})
        peer.publish()
        emit("stats", stats=peer.stats)

    async def cmd_set_mode(self, command):
        peer = self.jigasi()
        settings = dict(peer.settings)
        settings.update({key: command[key] for key in peer.settings if key in command})
        settings["mode"] = parse_mode(settings["mode"], {"ok", "silent"})
        settings["delay_ms"] = int(settings["delay_ms"])
        if settings["join_on_dial"] not in ("transcriber", "all", "none"):
            raise ValueError("join_on_dial must be transcriber, all or none")
        account = settings["call_account"]
        if account is not None and not (account.get("domain") or account.get("jid")):
            raise ValueError("call_account needs a jid (with password) or an anonymous domain")
        peer.settings = settings
        emit("done", cmd="set_mode")

    async def cmd_join_room(self, command):
        self.jigasi()
        transcriber = bool(command.get("transcriber", True))
        await self.open_call(command["room"], command.get("nick") or self.jigasi().settings["transcriber_nick"],
                             transcriber)

    async def cmd_leave_room(self, command):
        room = bare(command["room"])
        if room not in self.calls:
            raise ValueError("no call in %s" % room)
        call = await self.close_call(room)
        emit("call_left", room=room, nick=call["nick"])

    async def cmd_dump(self, _command):
        peer = self.jigasi()
        emit("state", dials=peer.dials, stats=peer.stats, mode=peer.settings["mode"], brewery=peer.brewery,
             focus=peer.focus, calls={room: {"nick": c["nick"], "kind": c["kind"], "jid": str(c["leg"].boundjid)}
                                      for room, c in self.calls.items()})

    async def cmd_die(self, command):
        self.jigasi()
        # As a crashed Jigasi: no unavailable presence, no closing </stream:stream>, on any connection.
        for call in self.calls.values():
            call["leg"].closing = True
            call["leg"].abort()
        self.calls.clear()
        await super().cmd_die(command)


if __name__ == "__main__":
    run(JigasiDriver)
