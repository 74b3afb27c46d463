"""The room components of a Jitsi Meet deployment as lib-jitsi-meet uses them (AV moderation, breakout rooms, room
metadata): a mixin for ParticipantPeer (incoming component messages) and one for its driver (commands). Written
from lib-jitsi-meet's modules/xmpp/AVModeration.ts, BreakoutRooms.js, RoomMetadata.ts and xmpp.ts; see
participant_peer.py's docstring for the commands and events.

Like lib-jitsi-meet, a participant learns the component addresses from the disco#info identities of its domain
(category "component") and takes json-messages only from those addresses; messages that arrive before discovery
wait for it. It is strict: a json-message from
anything else, one that is not a JSON object, names another room, or has an unknown type or event is reported as
protocol_violation. The commands send what they are asked to, also what lib-jitsi-meet would hold back (a
non-moderator enabling moderation), so that tests can check that the server refuses it; a refusal comes back as
a component_error event.
"""

import asyncio
import json

from peer_xml import DISCO_INFO_NS, JITMEET_NS, element, error_condition, to_text
from xmpp_peer import STANZAS_NS, bare, local_name, namespace

COMPONENT_TYPES = ("av_moderation", "breakout_rooms", "room_metadata")
MEDIA_TYPES = ("audio", "video", "desktop")
BREAKOUT_PREFIX = "features/breakout-rooms/"
MAX_EARLY_MESSAGES = 64


class ComponentsPeerMixin:
    """Incoming messages from the room components; mixed into ParticipantPeer before Peer."""

    def component_addresses(self):
        return getattr(self, "components", {})

    def on_message(self, message):
        xml = message.xml
        sender = xml.get("from", "")
        addresses = self.component_addresses()
        payload = xml.find("{%s}json-message" % JITMEET_NS)
        if self.common_violation(xml) is not None or (payload is None and xml.get("type") != "error"):
            super().on_message(message)
            return
        if not hasattr(self, "components"):
            # As lib-jitsi-meet: messages that come before the disco#info answer wait for it (bounded here).
            queued = self.__dict__.setdefault("early_component_messages", [])
            if len(queued) >= MAX_EARLY_MESSAGES:
                self.violation("more than %d messages before component discovery" % MAX_EARLY_MESSAGES, message)
            else:
                queued.append(message)
            return
        kind = next((k for k, address in addresses.items() if address == sender), None)
        if xml.get("type") == "error":
            if kind is None:
                super().on_message(message)
                return
            text = next((c.text for e in xml if local_name(e.tag) == "error" for c in e
                         if namespace(c.tag) == STANZAS_NS and local_name(c.tag) == "text"), None)
            self.emit("component_error", component=kind, **{"from": sender}, condition=error_condition(xml),
                      text=text)
            return
        if kind is None:
            self.violation("json-message from %s, not a discovered component" % sender, message)
            return
        try:
            body = json.loads(payload.text or "")
        except ValueError:
            body = None
        if not isinstance(body, dict) or body.get("type") != kind:
            self.violation("json-message from the %s component that is not a %s JSON object" % (kind, kind), message)
            return
        reason = getattr(self, "on_" + kind)(body, payload)
        if reason:
            self.violation(reason, message)

    def on_av_moderation(self, body, _payload):
        if body.get("room") != self.room:
            return "av_moderation for room %r, not ours (%r)" % (body.get("room"), self.room)
        if body.get("mediaType") not in MEDIA_TYPES:
            return "av_moderation with mediaType %r" % body.get("mediaType")
        if "enabled" in body and not isinstance(body["enabled"], bool):
            return "av_moderation with enabled %r" % body["enabled"]
        whitelists = body.get("whitelists")
        if whitelists is not None and not (isinstance(whitelists, dict) and all(
                m in MEDIA_TYPES and isinstance(v, list) for m, v in whitelists.items())):
            return "av_moderation with whitelists %r" % (whitelists,)
        if not any(k in body for k in ("enabled", "whitelists", "approved", "removed")):
            return "av_moderation that says nothing (no enabled, whitelists, approved or removed)"
        self.emit("av_moderation", **{k: v for k, v in body.items() if k != "type"})
        return None

    def on_room_metadata(self, body, payload):
        if payload.get("room") != self.room:
            return "room_metadata for room %r, not ours (%r)" % (payload.get("room"), self.room)
        if not isinstance(body.get("metadata"), dict):
            return "room_metadata without a metadata object"
        self.emit("room_metadata", room=payload.get("room"), metadata=body["metadata"])
        return None

    def on_breakout_rooms(self, body, _payload):
        event = body.get("event")
        if event == BREAKOUT_PREFIX + "move-to-room":
            if not isinstance(body.get("roomJid"), str) or "@" not in body["roomJid"]:
                return "move-to-room without a roomJid"
            self.emit("breakout_move", room=body["roomJid"])
            return None
        if event == BREAKOUT_PREFIX + "update":
            rooms = body.get("rooms")
            if not isinstance(rooms, dict) or not all(
                    isinstance(r, dict) and isinstance(r.get("jid"), str) and isinstance(r.get("participants"), dict)
                    for r in rooms.values()):
                return "breakout rooms update without rooms"
            if sum(1 for r in rooms.values() if r.get("isMainRoom")) != 1:
                return "breakout rooms update without exactly one main room"
            self.breakout_rooms = rooms
            self.emit("breakout_update", room_counter=body.get("roomCounter"), rooms=rooms)
            return None
        return "breakout_rooms event %r" % event


class ComponentsDriverMixin:
    """The commands; mixed into ParticipantDriver (which provides select())."""

    def component(self, peer, kind):
        address = peer.component_addresses().get(kind)
        if not address:
            raise ValueError("no %s component discovered (send discover first)" % kind)
        if peer.room is None:
            raise ValueError("not in a room")
        return address

    def send_to_component(self, peer, address, payload, command):
        message = element("message", {"to": address})
        message.append(payload)
        peer.send_raw(to_text(message))
        peer.emit("done", cmd=command["cmd"])

    async def cmd_discover(self, command):
        peer = self.select(command)
        domain = command.get("domain") or peer.boundjid.domain
        iq_id = peer.allocate_id()
        future = asyncio.get_event_loop().create_future()
        peer.pending_iqs[iq_id] = (domain, future)
        iq = element("iq", {"type": "get", "id": iq_id, "to": domain}, children=[element("query", ns=DISCO_INFO_NS)])
        peer.send_raw(to_text(iq))
        try:
            reply = await asyncio.wait_for(future, float(command.get("timeout", 10)))
        except asyncio.TimeoutError:
            peer.pending_iqs.pop(iq_id, None)
            raise
        if reply.xml.get("type") != "result":
            raise ValueError("disco#info of %s failed: %s" % (domain, error_condition(reply.xml)))
        found = {}
        for identity in reply.xml.iter("{%s}identity" % DISCO_INFO_NS):
            if identity.get("category") == "component" and identity.get("name"):
                found[identity.get("type")] = identity.get("name")
        peer.components = {k: v for k, v in found.items() if k in COMPONENT_TYPES}
        peer.emit("components", identities=found, **{k: found.get(k) for k in COMPONENT_TYPES})
        for message in peer.__dict__.pop("early_component_messages", []):
            peer.on_message(message)

    async def cmd_av_moderation(self, command):
        peer = self.select(command)
        address = self.component(peer, "av_moderation")
        self.send_to_component(peer, address, element("av_moderation", {
            "enable": "true" if command.get("enable", True) else "false",
            "mediaType": command.get("media", "audio")}), command)

    def av_list_change(self, command, attribute):
        peer = self.select(command)
        address = self.component(peer, "av_moderation")
        target = command.get("jid") or "%s/%s" % (peer.room, command["target"])
        self.send_to_component(peer, address, element("av_moderation", {
            attribute: target, "mediaType": command.get("media", "audio")}), command)

    async def cmd_av_approve(self, command):
        self.av_list_change(command, "jidToWhitelist")

    async def cmd_av_reject(self, command):
        self.av_list_change(command, "jidToBlacklist")

    async def cmd_set_metadata(self, command):
        peer = self.select(command)
        address = self.component(peer, "room_metadata")
        body = command.get("raw")
        if body is None:
            body = json.dumps({"data": command["data"], "key": command["key"], "type": "room_metadata"},
                              separators=(",", ":"))
        self.send_to_component(peer, address, element("room_metadata", {"room": command.get("room", peer.room)},
                                                      JITMEET_NS, text=body), command)

    async def cmd_breakout_add(self, command):
        peer = self.select(command)
        address = self.component(peer, "breakout_rooms")
        self.send_to_component(peer, address, element("breakout_rooms", {
            "type": BREAKOUT_PREFIX + "add", "subject": command.get("subject")}), command)

    async def cmd_breakout_remove(self, command):
        peer = self.select(command)
        address = self.component(peer, "breakout_rooms")
        self.send_to_component(peer, address, element("breakout_rooms", {
            "type": BREAKOUT_PREFIX + "remove", "breakoutRoomJid": command["room"]}), command)

    async def cmd_breakout_move(self, command):
        """Moves "target" (a nick of our room; its real JID as this moderator sees it) or "participant_jid"."""
        peer = self.select(command)
        address = self.component(peer, "breakout_rooms")
        participant = command.get("participant_jid")
        if participant is None:
            participant = peer.occupants.get(command["target"])
            if not participant:
                raise ValueError("the real JID of %r is not known here" % command["target"])
        self.send_to_component(peer, address, element("breakout_rooms", {
            "type": BREAKOUT_PREFIX + "move-to-room", "participantJid": participant,
            "roomJid": bare(command["room"])}), command)
